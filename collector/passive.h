// Passive checks: results that arrive from outside instead of being produced by a probe —
// heartbeats (POST /api/v1/heartbeat/<check>) and plugin results (POST /api/v1/results) — and
// the freshness rule that turns a missing heartbeat into a CRITICAL result (the dead man's
// switch for jobs such as the nightly off-site backup). Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "alerts/check_status.h"
#include "probes/check_result.h"
#include "probes/result.h"

namespace gs::collector {

// One submitted result, as parsed from an API request.
struct PassiveSubmission {
  std::string node;  // empty: the check's only node
  std::string check;
  probes::CheckResult result;  // passive = true
};

// Plugin output submitted through the API is capped like a plugin's (64 KiB).
inline constexpr std::size_t kMaxPassiveOutput = 64 * 1024;

// POST /api/v1/results body: {"node": "web01", "check": "backup", "exit_code": 0..3
// (or "state": "OK|WARNING|CRITICAL|UNKNOWN"), "output": "TEXT | perfdata\nLONG TEXT"}.
// The output is parsed as a plugin's. Fails with a reason naming the bad field.
Result<PassiveSubmission> ParseResultSubmission(std::string_view body);

// POST /api/v1/heartbeat/<check>?node=&exit_code= with an optional plain-text body in plugin
// output form. Without a body the text is "heartbeat received". Fails on a bad exit_code.
Result<PassiveSubmission> ParseHeartbeat(std::string_view check, std::string_view node,
                                         std::string_view exit_code, std::string_view body);

// The periodic evaluation of a heartbeat check. Fresh (the last passive result is younger than
// max_age): the last result's state and text again, with the age as perfdata. Stale, or none
// ever arrived and the check has existed for max_age (`since`: when this process started
// watching it): CRITICAL "no heartbeat for 26h (max_age 25h)". Before that: PENDING as OK
// "waiting for the first heartbeat".
probes::CheckResult EvaluateFreshness(const alerts::CheckStatus* status,
                                      std::chrono::milliseconds max_age,
                                      std::chrono::system_clock::time_point since,
                                      std::chrono::system_clock::time_point now);

// "26h", "3m 20s", "45s": a duration for people.
std::string HumanDuration(std::chrono::milliseconds d);

}  // namespace gs::collector
