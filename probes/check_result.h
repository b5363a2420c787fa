// CheckResult: what one run of one probe produced. A plain value, copied freely between
// threads; the pipeline's common currency from probes to storage and alerting.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "probes/perfdata.h"
#include "probes/state.h"

namespace gs::probes {

struct CheckResult {
  State state = State::kUnknown;
  // The first line of plugin output without the "KIND STATE - " prefix and without perfdata,
  // e.g. "200 OK in 0.004 s".
  std::string text;
  // Further lines (Nagios long output), newline-separated, may be empty.
  std::string long_text;
  std::vector<Perfdata> perfdata;
  // Wall-clock time the probe started and how long it ran.
  std::chrono::system_clock::time_point started{};
  std::chrono::nanoseconds duration{0};
  // Submitted from outside (a heartbeat or a plugin result posted to the API) rather than
  // produced by one of our probes.
  bool passive = false;
};

}  // namespace gs::probes
