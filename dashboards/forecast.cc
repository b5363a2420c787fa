#include "dashboards/forecast.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace gs::dashboards {
namespace {

using Clock = std::chrono::system_clock;
using Seconds = std::chrono::duration<double>;

constexpr double kSecondsPerDay = 86400.0;

// Sums over the known points, each centred on its mean: x is the index, y the value minus
// the first known value (a shift that changes no slope but keeps large values precise).
struct Moments {
  std::size_t n = 0;
  std::size_t last_index = 0;
  double y0 = 0;      // first known value, the shift
  double mean_x = 0;  // in steps
  double mean_y = 0;  // shifted
  double sxx = 0;
  double sxy = 0;
  double syy = 0;
};

Moments Measure(const std::vector<double>& values) {
  Moments m;
  double sum_x = 0;
  double sum_y = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) continue;
    if (m.n == 0) m.y0 = values[i];
    ++m.n;
    m.last_index = i;
    sum_x += static_cast<double>(i);
    sum_y += values[i] - m.y0;
  }
  if (m.n == 0) return m;
  m.mean_x = sum_x / static_cast<double>(m.n);
  m.mean_y = sum_y / static_cast<double>(m.n);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) continue;
    const double dx = static_cast<double>(i) - m.mean_x;
    const double dy = values[i] - m.y0 - m.mean_y;
    m.sxx += dx * dx;
    m.sxy += dx * dy;
    m.syy += dy * dy;
  }
  return m;
}

// 1 - SSres/SStot, from the residuals themselves (Syy - b*Sxy cancels badly near r2 = 1).
double RSquared(const std::vector<double>& values, const Moments& m, double slope_per_step) {
  if (m.syy == 0) return 1.0;  // perfectly flat: the line explains everything there is
  double ss_res = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) continue;
    const double fit = m.mean_y + slope_per_step * (static_cast<double>(i) - m.mean_x);
    const double r = values[i] - m.y0 - fit;
    ss_res += r * r;
  }
  return std::clamp(1.0 - ss_res / m.syy, 0.0, 1.0);
}

// Where the line reaches `threshold`, as seconds after trend.origin (may be negative or
// not finite).
double OffsetToThreshold(const Trend& trend, double threshold) {
  return (threshold - trend.intercept) / trend.slope_per_second;
}

Crossing Already(Clock::time_point now) { return {Crossing::Kind::kAlready, now}; }

}  // namespace

double Trend::At(Clock::time_point t) const {
  return intercept + slope_per_second * Seconds(t - origin).count();
}

std::optional<Trend> FitTrend(const Series& series, std::size_t min_points) {
  if (series.step.count() <= 0) return std::nullopt;
  const Moments m = Measure(series.values);
  if (m.n < std::max<std::size_t>(min_points, 2)) return std::nullopt;

  const auto step_s = static_cast<double>(series.step.count());
  const double slope_per_step = m.sxy / m.sxx;  // sxx > 0: at least two distinct indices
  Trend trend;
  trend.slope_per_second = slope_per_step / step_s;
  trend.intercept =
      m.y0 + m.mean_y + slope_per_step * (static_cast<double>(m.last_index) - m.mean_x);
  trend.origin = series.start + series.step * static_cast<long long>(m.last_index);
  trend.last_value = series.values[m.last_index];
  trend.points = m.n;
  trend.r2 = RSquared(series.values, m, slope_per_step);
  return trend;
}

double Crossing::DaysFrom(Clock::time_point now) const {
  switch (kind) {
    case Kind::kNever:
      return std::numeric_limits<double>::infinity();
    case Kind::kAlready:
      return 0.0;
    case Kind::kAt:
      break;
  }
  return Seconds(when - now).count() / kSecondsPerDay;
}

Crossing ProjectCrossing(const Trend& trend, double threshold, Direction direction,
                         Clock::time_point now) {
  if (!std::isfinite(threshold) || !std::isfinite(trend.slope_per_second) ||
      !std::isfinite(trend.intercept)) {
    return {};
  }
  const bool up = direction == Direction::kUp;
  if (up ? trend.last_value >= threshold : trend.last_value <= threshold) return Already(now);
  if (up ? trend.slope_per_second <= 0 : trend.slope_per_second >= 0) return {};  // flat/away

  // Compare in double seconds first: only a sane offset is turned into a time_point.
  const double offset = OffsetToThreshold(trend, threshold);
  const double elapsed = Seconds(now - trend.origin).count();  // origin -> now
  const double horizon = Seconds(kMaxProjection).count();
  if (!std::isfinite(offset) || offset - elapsed > horizon) return {};
  if (offset <= elapsed) return Already(now);
  const auto when = trend.origin + std::chrono::duration_cast<Clock::duration>(Seconds(offset));
  if (when <= now) return Already(now);  // within a nanosecond of now
  return {Crossing::Kind::kAt, when};
}

Crossing ProjectCrossing(const Trend& trend, double threshold, Clock::time_point now) {
  if (trend.slope_per_second > 0) return ProjectCrossing(trend, threshold, Direction::kUp, now);
  if (trend.slope_per_second < 0) return ProjectCrossing(trend, threshold, Direction::kDown, now);
  return {};  // flat or NaN: no direction of travel
}

}  // namespace gs::dashboards
