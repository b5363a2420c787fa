#include "dashboards/forecast.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace gs::dashboards {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kDay = 86400.0;
// A realistic "now": 2027-01-15, ~1.8e9 s after the epoch.
const Clock::time_point kNow = Clock::time_point(1'800'000'000s);

Series MakeSeries(Clock::time_point start, std::chrono::seconds step, std::size_t n,
                  const std::function<double(std::size_t)>& value) {
  Series s{.start = start, .step = step, .values = {}};
  for (std::size_t i = 0; i < n; ++i) s.values.push_back(value(i));
  return s;
}

double Index(std::size_t i) { return static_cast<double>(i); }

// Deterministic "noise" in [-amplitude, amplitude]: mt19937's raw output is specified by the
// standard (distributions are not), so every platform sees the same numbers.
std::vector<double> Noise(std::size_t n, double amplitude) {
  std::mt19937 gen(42);
  std::vector<double> out;
  for (std::size_t i = 0; i < n; ++i) {
    const double unit = static_cast<double>(gen()) / static_cast<double>(std::mt19937::max());
    out.push_back((2 * unit - 1) * amplitude);
  }
  return out;
}

struct FitCase {
  std::string name;
  Series series;
  double slope_per_second;
  double slope_tolerance;
  double intercept;  // at the last known point
  double intercept_tolerance;
  double r2_min;
  double r2_max;
  std::size_t points;
  std::size_t last_index;  // of the last known point
};

std::vector<FitCase> FitCases() {
  const Clock::time_point t0 = kNow - 24h;
  const std::vector<double> noise = Noise(1000, 50);
  std::vector<FitCase> cases;
  cases.push_back({"rising", MakeSeries(t0, 300s, 100, [](auto i) { return 10 + 0.5 * Index(i); }),
                   0.5 / 300, 1e-15, 10 + 0.5 * 99, 1e-12, 1, 1, 100, 99});
  cases.push_back({"falling", MakeSeries(t0, 60s, 50, [](auto i) { return 1000 - 2 * Index(i); }),
                   -2.0 / 60, 1e-14, 1000 - 2 * 49, 1e-11, 1, 1, 50, 49});
  cases.push_back(
      {"flat", MakeSeries(t0, 300s, 20, [](auto) { return 42.0; }), 0, 0, 42, 0, 1, 1, 20, 19});
  cases.push_back({"gaps: NaN every 7th, infinities and trailing NaN are skipped",
                   MakeSeries(t0, 300s, 40,
                              [](auto i) {
                                if (i % 7 == 3) return kNaN;
                                if (i == 5) return kInf;
                                if (i >= 36) return kNaN;
                                return 3 * Index(i) - 7;
                              }),
                   3.0 / 300, 1e-15, 3 * 35 - 7, 1e-12, 1, 1, 30, 35});
  // value = 1e-6 * (epoch seconds) - 1750: a function of the absolute timestamp (~1.8e9 s)
  // with a tiny slope. Summing t and t^2 naively loses every digit of this slope.
  cases.push_back({"epoch timestamps with a slope of 1e-6 per second",
                   MakeSeries(Clock::time_point(1'800'000'000s), 300s, 576,
                              [](auto i) { return 1e-6 * (1.8e9 + 300.0 * Index(i)) - 1750; }),
                   1e-6, 1e-15, 1e-6 * (1.8e9 + 300.0 * 575) - 1750, 1e-9, 1, 1, 576, 575});
  // A byte counter near 1e12 growing by 1 per step: the shift by the first value keeps it exact.
  cases.push_back({"large nearly constant values",
                   MakeSeries(t0, 60s, 200, [](auto i) { return 1e12 + Index(i); }), 1.0 / 60,
                   1e-12, 1e12 + 199, 1e-3, 1 - 1e-9, 1, 200, 199});
  cases.push_back(
      {"noisy rise (fixed-seed noise of +-50 around 0.25 per step)",
       MakeSeries(t0, 300s, 1000, [&noise](auto i) { return 100 + 0.25 * Index(i) + noise[i]; }),
       0.25 / 300, 0.01 / 300, 100 + 0.25 * 999, 6, 0.8, 0.92, 1000, 999});
  cases.push_back({"pure noise has r2 near 0",
                   MakeSeries(t0, 300s, 1000, [&noise](auto i) { return 500 + noise[i]; }), 0,
                   0.01 / 300, 500, 6, 0, 0.02, 1000, 999});
  return cases;
}

TEST(FitTrendTest, RecoversKnownSlopesInterceptsAndR2) {
  for (const FitCase& c : FitCases()) {
    SCOPED_TRACE(c.name);
    const std::optional<Trend> trend = FitTrend(c.series);
    ASSERT_TRUE(trend.has_value());
    EXPECT_NEAR(trend->slope_per_second, c.slope_per_second, c.slope_tolerance);
    EXPECT_NEAR(trend->intercept, c.intercept, c.intercept_tolerance);
    EXPECT_GE(trend->r2, c.r2_min);
    EXPECT_LE(trend->r2, c.r2_max);
    EXPECT_EQ(trend->points, c.points);
    EXPECT_EQ(trend->origin, c.series.start + c.series.step * static_cast<long long>(c.last_index));
    EXPECT_EQ(trend->last_value, c.series.values[c.last_index]);
  }
}

TEST(FitTrendTest, NeedsMinPointsKnownPoints) {
  const Series two = MakeSeries(kNow, 60s, 2, [](auto i) { return 1 + 2 * Index(i); });
  EXPECT_FALSE(FitTrend(two).has_value());  // default min_points = 3
  const std::optional<Trend> fit = FitTrend(two, 2);
  ASSERT_TRUE(fit.has_value());
  EXPECT_NEAR(fit->slope_per_second, 2.0 / 60, 1e-15);
  EXPECT_DOUBLE_EQ(fit->intercept, 3);
  EXPECT_DOUBLE_EQ(fit->r2, 1);
  EXPECT_EQ(fit->origin, kNow + 60s);

  // One point has no slope, whatever min_points says.
  EXPECT_FALSE(FitTrend(MakeSeries(kNow, 60s, 1, [](auto) { return 5.0; }), 0).has_value());
  EXPECT_FALSE(FitTrend(MakeSeries(kNow, 60s, 1, [](auto) { return 5.0; }), 1).has_value());
}

TEST(FitTrendTest, GivesNothingForEmptyAllUnknownOrUnsteppedSeries) {
  EXPECT_FALSE(FitTrend(Series{}).has_value());
  EXPECT_FALSE(FitTrend(MakeSeries(kNow, 300s, 50, [](auto) { return kNaN; })).has_value());
  EXPECT_FALSE(FitTrend(MakeSeries(kNow, 300s, 50, [](auto i) {
                 return i == 10 || i == 20 ? 1.0 : kNaN;  // two known < 3
               })).has_value());
  EXPECT_FALSE(FitTrend(MakeSeries(kNow, 0s, 10, [](auto i) { return Index(i); })).has_value());
  EXPECT_FALSE(FitTrend(MakeSeries(kNow, -60s, 10, [](auto i) { return Index(i); })).has_value());
}

TEST(TrendTest, AtEvaluatesTheLineAroundItsOrigin) {
  const Trend trend{.slope_per_second = 2.0 / kDay,
                    .intercept = 10,
                    .origin = kNow,
                    .last_value = 10,
                    .points = 3,
                    .r2 = 1};
  EXPECT_DOUBLE_EQ(trend.At(kNow), 10);
  EXPECT_DOUBLE_EQ(trend.At(kNow + 24h), 12);
  EXPECT_DOUBLE_EQ(trend.At(kNow - 48h), 6);
  EXPECT_DOUBLE_EQ(trend.SlopePerDay(), 2);
}

// A day of 5-minute samples ending at kNow with value `last` and slope `per_day`.
Trend FittedDay(double last, double per_day) {
  const Series s = MakeSeries(kNow - 24h + 300s, 300s, 288, [=](auto i) {
    return last - per_day * (287 - Index(i)) * 300 / kDay;
  });
  const std::optional<Trend> trend = FitTrend(s);
  EXPECT_TRUE(trend.has_value());
  return trend.value_or(Trend{});
}

TEST(ProjectCrossingTest, DiskAtHalfRisingFivePercentADayIsFullInTenDays) {
  const Trend trend = FittedDay(50, 5);
  ASSERT_EQ(trend.origin, kNow);
  const Crossing c = ProjectCrossing(trend, 100, Direction::kUp, kNow);
  ASSERT_EQ(c.kind, Crossing::Kind::kAt);
  EXPECT_NEAR(c.DaysFrom(kNow), 10, 1e-6);
  EXPECT_NEAR(std::chrono::duration<double>(c.when - (kNow + 240h)).count(), 0, 0.1);
  // Counted from a later evaluation time, the same crossing is closer.
  EXPECT_NEAR(c.DaysFrom(kNow + 48h), 8, 1e-6);
  // The slope decides the direction when none is given.
  const Crossing inferred = ProjectCrossing(trend, 100, kNow);
  ASSERT_EQ(inferred.kind, Crossing::Kind::kAt);
  EXPECT_NEAR(inferred.DaysFrom(kNow), 10, 1e-6);
}

TEST(ProjectCrossingTest, FreeSpaceFallingReachesZero) {
  const Trend trend = FittedDay(80, -4);  // 80 GB free, 4 GB a day fewer
  const Crossing c = ProjectCrossing(trend, 0, Direction::kDown, kNow);
  ASSERT_EQ(c.kind, Crossing::Kind::kAt);
  EXPECT_NEAR(c.DaysFrom(kNow), 20, 1e-6);
  EXPECT_EQ(ProjectCrossing(trend, 0, kNow).kind, Crossing::Kind::kAt);
  // Evaluated later than the data (no new samples for 5 days), the crossing is 15 days out.
  EXPECT_NEAR(ProjectCrossing(trend, 0, Direction::kDown, kNow + 120h).DaysFrom(kNow + 120h), 15,
              1e-6);
}

TEST(ProjectCrossingTest, FlatOrMovingAwayNeverCrosses) {
  const Trend falling = FittedDay(50, -5);
  EXPECT_EQ(ProjectCrossing(falling, 100, Direction::kUp, kNow).kind, Crossing::Kind::kNever);
  const Trend rising = FittedDay(50, 5);
  EXPECT_EQ(ProjectCrossing(rising, 0, Direction::kDown, kNow).kind, Crossing::Kind::kNever);
  const Trend flat = FittedDay(50, 0);
  EXPECT_EQ(flat.slope_per_second, 0);
  EXPECT_EQ(ProjectCrossing(flat, 100, Direction::kUp, kNow).kind, Crossing::Kind::kNever);
  EXPECT_EQ(ProjectCrossing(flat, 0, Direction::kDown, kNow).kind, Crossing::Kind::kNever);
  // Without a direction, flat has none: never, even exactly at the threshold.
  EXPECT_EQ(ProjectCrossing(flat, 100, kNow).kind, Crossing::Kind::kNever);
  EXPECT_EQ(ProjectCrossing(flat, 50, kNow).kind, Crossing::Kind::kNever);
  const Crossing never = ProjectCrossing(flat, 100, Direction::kUp, kNow);
  EXPECT_EQ(never.DaysFrom(kNow), kInf);
}

TEST(ProjectCrossingTest, LastRealValuePastTheThresholdIsAlready) {
  // A disk stuck at 100%: flat, but full now.
  const Trend full = FittedDay(100, 0);
  const Crossing c = ProjectCrossing(full, 100, Direction::kUp, kNow);
  EXPECT_EQ(c.kind, Crossing::Kind::kAlready);
  EXPECT_EQ(c.DaysFrom(kNow), 0);
  // Over it and being cleaned up (slope down): still past it now.
  EXPECT_EQ(ProjectCrossing(FittedDay(97, -10), 95, Direction::kUp, kNow).kind,
            Crossing::Kind::kAlready);
  // Last real value past while the fitted line (dragged by earlier points) is not yet.
  Trend spike = FittedDay(50, 1);
  spike.last_value = 101;
  EXPECT_EQ(ProjectCrossing(spike, 100, Direction::kUp, kNow).kind, Crossing::Kind::kAlready);
  // Going down: free space already at 0.
  EXPECT_EQ(ProjectCrossing(FittedDay(0, -1), 0, Direction::kDown, kNow).kind,
            Crossing::Kind::kAlready);
  // Inferred direction: rising and already above.
  EXPECT_EQ(ProjectCrossing(FittedDay(50, 5), 40, kNow).kind, Crossing::Kind::kAlready);
}

TEST(ProjectCrossingTest, TrendPastTheThresholdByNowIsAlready) {
  // Last sample 3 days ago at 90%, rising 5%/day: by the line, 105% now.
  const Trend stale = FittedDay(90, 5);
  const Crossing c = ProjectCrossing(stale, 100, Direction::kUp, kNow + 72h);
  EXPECT_EQ(c.kind, Crossing::Kind::kAlready);
  EXPECT_EQ(c.when, kNow + 72h);
  EXPECT_EQ(c.DaysFrom(kNow + 72h), 0);
  // One day after the last sample it still had a day to go.
  EXPECT_NEAR(ProjectCrossing(stale, 100, Direction::kUp, kNow + 24h).DaysFrom(kNow + 24h), 1,
              1e-6);
}

TEST(ProjectCrossingTest, AbsurdSlopesAreCappedToNever) {
  Trend trend{.slope_per_second = 1e-300,
              .intercept = 50,
              .origin = kNow,
              .last_value = 50,
              .points = 100,
              .r2 = 0.1};
  EXPECT_EQ(ProjectCrossing(trend, 100, Direction::kUp, kNow).kind, Crossing::Kind::kNever);
  trend.slope_per_second = std::numeric_limits<double>::denorm_min();  // 50 / slope = inf
  EXPECT_EQ(ProjectCrossing(trend, 100, Direction::kUp, kNow).kind, Crossing::Kind::kNever);
  trend.slope_per_second = -1e-300;
  EXPECT_EQ(ProjectCrossing(trend, 0, Direction::kDown, kNow).kind, Crossing::Kind::kNever);
  // 1e-9 per second: 50 more takes ~1585 years.
  trend.slope_per_second = 1e-9;
  EXPECT_EQ(ProjectCrossing(trend, 100, Direction::kUp, kNow).kind, Crossing::Kind::kNever);
  // Just inside the cap: 99 years.
  const double seconds_99y = 99 * 365.25 * kDay;
  trend.slope_per_second = 50 / seconds_99y;
  const Crossing c = ProjectCrossing(trend, 100, Direction::kUp, kNow);
  ASSERT_EQ(c.kind, Crossing::Kind::kAt);
  EXPECT_NEAR(c.DaysFrom(kNow), 99 * 365.25, 1e-3);
  // Just outside: 101 years.
  trend.slope_per_second = 50 / (101 * 365.25 * kDay);
  EXPECT_EQ(ProjectCrossing(trend, 100, Direction::kUp, kNow).kind, Crossing::Kind::kNever);
}

TEST(ProjectCrossingTest, NonFiniteInputsNeverCross) {
  const Trend trend = FittedDay(50, 5);
  EXPECT_EQ(ProjectCrossing(trend, kNaN, Direction::kUp, kNow).kind, Crossing::Kind::kNever);
  EXPECT_EQ(ProjectCrossing(trend, kInf, Direction::kUp, kNow).kind, Crossing::Kind::kNever);
  Trend broken = trend;
  broken.slope_per_second = kNaN;
  EXPECT_EQ(ProjectCrossing(broken, 100, Direction::kUp, kNow).kind, Crossing::Kind::kNever);
  EXPECT_EQ(ProjectCrossing(broken, 100, kNow).kind, Crossing::Kind::kNever);
  broken = trend;
  broken.intercept = kNaN;
  EXPECT_EQ(ProjectCrossing(broken, 100, Direction::kUp, kNow).kind, Crossing::Kind::kNever);
}

}  // namespace
}  // namespace gs::dashboards
