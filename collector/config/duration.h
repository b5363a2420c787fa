// Durations in config values: "30s", "1m30s", "500ms", "2h", "30d", "1w", "0.5s", or a bare
// number of seconds. Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "probes/result.h"

namespace gs::collector {

// Parses a duration; fails with a message quoting the text (e.g. `"30x": unknown unit "x"`).
// Bounded to 10 years so arithmetic on it never overflows.
[[nodiscard]] Result<std::chrono::milliseconds> ParseDuration(std::string_view text);

// The shortest exact form: 90000ms -> "1m30s", 500ms -> "500ms", 0 -> "0s".
std::string FormatDuration(std::chrono::milliseconds d);

}  // namespace gs::collector
