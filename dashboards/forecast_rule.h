// ForecastRule: "alert when a metric is predicted to cross a value within a horizon" (disk
// 100% within 7 days), evaluated over the metric's recent history into a check result, so the
// alert engine treats a forecast like any other check (SOFT/HARD, routes, acks, downtimes).
//
// Pure function of its arguments; thread-safe.
#pragma once

#include <chrono>
#include <string>

#include "dashboards/forecast.h"
#include "probes/check_result.h"

namespace gs::dashboards {

struct ForecastRule {
  std::string metric;  // the metric's name, for the text ("/ used")
  double threshold = 0;
  Direction direction = Direction::kUp;  // kUp: alert on reaching `threshold` from below
  std::chrono::seconds critical_within{7 * 86400};
  std::chrono::seconds warning_within{0};  // 0: no WARNING stage; else > critical_within
  std::size_t min_points = 3;              // fewer known points: nothing to say yet
};

// The forecast of `series` at `now`:
//   CRITICAL  past the threshold already, or predicted to reach it within critical_within;
//   WARNING   predicted within warning_within;
//   OK        later, never (flat or moving away), or too few points yet ("not enough data");
// with perfdata days_left (only when a crossing is predicted; 0 when already past, thresholds
// in days), slope_per_day and value (the last known value).
probes::CheckResult EvaluateForecast(const ForecastRule& rule, const Series& series,
                                     std::chrono::system_clock::time_point now);

}  // namespace gs::dashboards
