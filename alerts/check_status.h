// CheckStatus and the Nagios SOFT/HARD state machine. Pure functions; thread-safe.
//
// Semantics follow Nagios Core service checks:
//  - a non-OK result from a HARD OK state starts a SOFT problem at attempt 1 (HARD at once
//    when max_attempts is 1);
//  - each further non-OK result increments the attempt; reaching max_attempts makes it HARD;
//  - OK during SOFT is a soft recovery (no notification); OK after HARD is a hard recovery;
//  - a change between non-OK states while HARD is a hard change (notified).
#pragma once

#include <chrono>
#include <string>

#include "probes/state.h"

namespace gs::alerts {

enum class StateType { kSoft, kHard };

constexpr const char* ToString(StateType t) { return t == StateType::kSoft ? "SOFT" : "HARD"; }

struct CheckStatus {
  probes::State state = probes::State::kOk;  // a new check starts HARD OK (Nagios default)
  StateType type = StateType::kHard;
  int attempt = 1;
  std::string output;
  std::chrono::system_clock::time_point last_check{};
  std::chrono::system_clock::time_point last_change{};       // any state change
  std::chrono::system_clock::time_point last_hard_change{};  // since when the HARD state holds
  bool checked = false;                                      // false until the first result arrives
  // When the last passive result (heartbeat or submitted plugin result) arrived; epoch when
  // none did. Freshness of passive checks is measured from it, across restarts.
  std::chrono::system_clock::time_point last_passive{};
  // The latest result's perfdata as Nagios text ("time=0.004s;0.5;2;0 size=612B"), kept with
  // the status as Nagios keeps performance_data; Apply() leaves it alone.
  std::string perfdata;
  friend bool operator==(const CheckStatus&, const CheckStatus&) = default;
};

struct Transition {
  CheckStatus next;
  bool hard_change = false;  // the HARD state changed: notify
  probes::State previous_hard_state = probes::State::kOk;
};

// Applies one result to `prev`. REQUIRES: max_attempts >= 1.
Transition Apply(const CheckStatus& prev, probes::State result, std::string output,
                 int max_attempts, std::chrono::system_clock::time_point now);

}  // namespace gs::alerts
