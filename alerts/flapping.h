// FlapDetector: Nagios Core 4 flap detection for one check. A plain value (copyable,
// comparable); not synchronised: the owner of the check's state calls it from one thread.
//
// The algorithm is check_for_service_flapping() of Nagios Core 4 (base/flapping.c):
//  - the last 21 recorded states are kept, oldest first;
//  - every change between two consecutive entries counts with a weight that grows linearly
//    from 0.75 (the oldest of the 20 possible changes) to 1.25 (the newest): change number i
//    (1 = oldest, 20 = newest) weighs 0.75 + (i - 1) * 0.5 / 19;
//  - percent state change = weighted changes * 100 / 20;
//  - not flapping -> flapping when percent >= high_threshold, flapping -> not flapping when
//    percent <= low_threshold; in between the flag keeps its value (hysteresis). The "<="
//    is Nagios' code; its log line says "<".
//
// A short history: Nagios fills a new check's 21-slot history with OK and evaluates from the
// first result on (common/objects.c add_service). FlapDetector does the same without storing
// the padding: history() holds only recorded states, and fewer than 21 are evaluated as if
// the missing older ones were OK. A check that alternates from its first result can so start
// flapping before it has 21 results, exactly like Nagios; a check that starts and stays
// CRITICAL counts one change (OK -> CRITICAL, 6.25 %) and never flaps.
//
// What to record: Record() takes every state it is given. Nagios itself records only HARD
// states and soft recoveries (a SOFT non-OK result returns early in flapping.c); a caller that
// wants Nagios' exact numbers passes only those.
#pragma once

#include <cstddef>
#include <vector>

#include "probes/state.h"

namespace gs::alerts {

struct FlapOptions {
  double low_threshold = 20.0;   // percent
  double high_threshold = 30.0;  // percent
  bool enabled = true;
  friend bool operator==(const FlapOptions&, const FlapOptions&) = default;
};

class FlapDetector {
 public:
  // Entries kept (Nagios' MAX_STATE_HISTORY_ENTRIES).
  static constexpr std::size_t kHistorySize = 21;

  enum class Change { kNone, kStarted, kStopped };

  // Appends `state` to the history (dropping the oldest beyond kHistorySize), recomputes
  // percent() and applies the thresholds. Returns kStarted / kStopped when flapping() changed.
  // With options.enabled == false the history and percent are still kept up to date (as in
  // Nagios, so that enabling it later starts from real data), flapping() never becomes true,
  // and a detector that was flapping stops (kStopped), like Nagios'
  // handle_service_flap_detection_disabled().
  Change Record(probes::State state, const FlapOptions& options);

  [[nodiscard]] bool flapping() const { return flapping_; }
  // The percent state change computed by the last Record() or Restore(); 0 for a new detector.
  [[nodiscard]] double percent() const { return percent_; }

  // For persistence: the recorded states, oldest first, at most kHistorySize.
  [[nodiscard]] const std::vector<probes::State>& history() const { return history_; }
  // Restores what history() and flapping() returned. Keeps the newest kHistorySize entries of
  // a longer history and recomputes percent(); the flag is taken as given (thresholds are
  // applied on the next Record()).
  void Restore(std::vector<probes::State> history, bool flapping);

  friend bool operator==(const FlapDetector&, const FlapDetector&) = default;

 private:
  std::vector<probes::State> history_;
  bool flapping_ = false;
  double percent_ = 0.0;
};

// The weighted percent state change of `history` (oldest first), padded on the old side with
// OK up to FlapDetector::kHistorySize entries; only the newest kHistorySize entries count.
double PercentStateChange(const std::vector<probes::State>& history);

}  // namespace gs::alerts
