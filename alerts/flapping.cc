#include "alerts/flapping.h"

#include <algorithm>
#include <utility>

namespace gs::alerts {

namespace {

// Nagios' low_curve_value and high_curve_value.
constexpr double kOldestWeight = 0.75;
constexpr double kNewestWeight = 1.25;
constexpr std::size_t kChanges = FlapDetector::kHistorySize - 1;

// Drops all but the newest kHistorySize entries.
void Trim(std::vector<probes::State>& history) {
  if (history.size() <= FlapDetector::kHistorySize) return;
  const auto excess = static_cast<std::ptrdiff_t>(history.size() - FlapDetector::kHistorySize);
  history.erase(history.begin(), history.begin() + excess);
}

}  // namespace

double PercentStateChange(const std::vector<probes::State>& history) {
  // Walk the virtual 21-slot history oldest first; slots before the recorded states are OK.
  const std::size_t recorded = std::min(history.size(), FlapDetector::kHistorySize);
  const std::size_t padding = FlapDetector::kHistorySize - recorded;
  const std::size_t dropped = history.size() - recorded;
  auto slot = [&](std::size_t i) {
    return i < padding ? probes::State::kOk : history[dropped + i - padding];
  };

  double weighted = 0.0;
  for (std::size_t i = 1; i < FlapDetector::kHistorySize; ++i) {
    if (slot(i) == slot(i - 1)) continue;
    weighted += kOldestWeight + static_cast<double>(i - 1) * (kNewestWeight - kOldestWeight) /
                                    static_cast<double>(kChanges - 1);
  }
  return weighted * 100.0 / static_cast<double>(kChanges);
}

FlapDetector::Change FlapDetector::Record(probes::State state, const FlapOptions& options) {
  history_.push_back(state);
  Trim(history_);
  percent_ = PercentStateChange(history_);

  if (!options.enabled) {
    if (!flapping_) return Change::kNone;
    flapping_ = false;
    return Change::kStopped;
  }
  // The order of the tests is Nagios': undecided first, then "below", then "above".
  if (percent_ > options.low_threshold && percent_ < options.high_threshold) return Change::kNone;
  const bool now_flapping = percent_ > options.low_threshold;  // and so >= high_threshold
  if (now_flapping == flapping_) return Change::kNone;
  flapping_ = now_flapping;
  return flapping_ ? Change::kStarted : Change::kStopped;
}

void FlapDetector::Restore(std::vector<probes::State> history, bool flapping) {
  history_ = std::move(history);
  Trim(history_);
  flapping_ = flapping;
  percent_ = PercentStateChange(history_);
}

}  // namespace gs::alerts
