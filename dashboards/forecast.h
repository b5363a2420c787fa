// Capacity forecasting: a least-squares trend line over one metric's history, and when that
// line reaches a threshold ("disk full in 9.5 days"). The computational core of issue 5's trend
// lines, "days until threshold" and forecast alert rules; it reads no files (see
// dashboards/rrd_series.h for getting a Series out of an RRD file).
//
// Pure functions of their arguments (no I/O, no clock reads, no globals); safe from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <vector>

namespace gs::dashboards {

// One metric over time, evenly stepped as RRD returns it: values[i] is the value at
// start + i * step. NaN (or any non-finite value) means unknown and is skipped by the fit.
struct Series {
  std::chrono::system_clock::time_point start;  // time of values[0]
  std::chrono::seconds step{300};
  std::vector<double> values;
};

// A straight line through a Series: value(t) = intercept + slope_per_second * (t - origin).
struct Trend {
  double slope_per_second = 0;
  double intercept = 0;                          // the line's value at `origin`
  std::chrono::system_clock::time_point origin;  // time of the last known point
  double last_value = 0;                         // the last known (real, unfitted) value
  std::size_t points = 0;                        // known points the fit used
  // Coefficient of determination in [0, 1]: 1 when every point lies on the line, and by
  // definition 1 for a perfectly flat series (nothing to explain); near 0 for pure noise.
  double r2 = 0;

  // The line's value at `t`. REQUIRES: t within a few centuries of origin.
  [[nodiscard]] double At(std::chrono::system_clock::time_point t) const;
  [[nodiscard]] double SlopePerDay() const { return slope_per_second * 86400.0; }
};

// Ordinary least squares over the known (finite) points of `series`. nullopt when fewer than
// `min_points` points are known (`min_points` below 2 counts as 2: one point has no slope) or
// when series.step is not positive.
// Numerics: x is the point's index (exact), centred on its mean, and y is shifted by the first
// known value before summing, so epoch timestamps (~1.8e9 s) and large, nearly constant values
// (byte counters) keep their precision; the naive sum-of-squares formula does not.
[[nodiscard]] std::optional<Trend> FitTrend(const Series& series, std::size_t min_points = 3);

// Projections further away than this are "never": a slope of 1e-300 must not produce a
// time_point in the year 10^290 (system_clock overflows after ~292 years).
inline constexpr std::chrono::hours kMaxProjection{24 * 36525};  // 100 years

struct Crossing {
  // kNever:   flat, moving away from the threshold, or further than kMaxProjection away.
  // kAlready: past it now (see ProjectCrossing for how that is judged).
  // kAt:      crosses at `when` (> now, at most now + kMaxProjection).
  enum class Kind { kNever, kAlready, kAt };
  Kind kind = Kind::kNever;
  // Meaningful for kAt; `now` for kAlready; the epoch for kNever.
  std::chrono::system_clock::time_point when{};

  // Days from `now` until the crossing: (when - now) in days for kAt, 0 for kAlready
  // (when == now), +infinity for kNever.
  [[nodiscard]] double DaysFrom(std::chrono::system_clock::time_point now) const;
};

// Which way the metric must go to cross the threshold: kUp for an upper limit (disk used
// reaching 100%), kDown for a lower limit (free space reaching 0).
enum class Direction { kUp, kDown };

// When `trend` crosses `threshold` going `direction`. kAlready when EITHER the last real value
// (trend.last_value) is at or past the threshold -- what operators expect: a full disk is full
// now, whatever the line says -- OR the line itself reaches it at or before `now` (stale data:
// the last point is old and the line has passed the threshold since; or noise put the fitted
// value past it). A series that stays flat at or past the threshold is kAlready, not kNever.
// kNever when the line is flat or moves away (and the last value is not past), when the
// crossing is more than kMaxProjection after `now`, or when threshold/trend are not finite.
[[nodiscard]] Crossing ProjectCrossing(const Trend& trend, double threshold, Direction direction,
                                       std::chrono::system_clock::time_point now);

// As above with the direction taken from the slope: kUp when slope > 0, kDown when slope < 0;
// a flat (slope == 0) or non-finite trend is kNever even at the threshold, since it is not
// known which side is "past". Prefer the explicit overload for alert rules: an operator's rule
// says which side is bad, and with it a disk stuck at 100% is kAlready.
[[nodiscard]] Crossing ProjectCrossing(const Trend& trend, double threshold,
                                       std::chrono::system_clock::time_point now);

}  // namespace gs::dashboards
