#include "dashboards/forecast_rule.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <string>

namespace gs::dashboards {
namespace {

using Clock = std::chrono::system_clock;
using std::chrono::hours;

const Clock::time_point kNow = Clock::from_time_t(1'800'000'000);

// Three days of hourly values ending at kNow: first + per_day * days since the start.
Series Line(double first, double per_day) {
  Series s;
  s.step = std::chrono::seconds(3600);
  s.start = kNow - hours(71);
  for (int i = 0; i < 72; ++i) s.values.push_back(first + per_day * i / 24.0);
  return s;
}

ForecastRule DiskFull() {
  ForecastRule r;
  r.metric = "/ used";
  r.threshold = 95;
  r.critical_within = hours(24 * 7);
  r.warning_within = hours(24 * 14);
  return r;
}

double Perf(const probes::CheckResult& r, const std::string& label) {
  for (const auto& p : r.perfdata) {
    if (p.label == label) return p.value;
  }
  return NAN;
}

TEST(ForecastRuleTest, ACrossingWithinTheCriticalHorizonIsCriticalWithinTheWarningOneAWarning) {
  // 50 -> 64.8 over the three days at 5 a day: 95 is (95 - 64.79) / 5 = 6.04 days away.
  const probes::CheckResult r = EvaluateForecast(DiskFull(), Line(50, 5), kNow);
  EXPECT_EQ(r.state, probes::State::kCritical);
  EXPECT_NEAR(Perf(r, "days_left"), (95 - (50 + 5 * 71 / 24.0)) / 5, 1e-6);
  EXPECT_NEAR(Perf(r, "slope_per_day"), 5, 1e-9);
  EXPECT_NE(r.text.find("/ used reaches 95 in 6.0 days"), std::string::npos) << r.text;

  const probes::CheckResult slower = EvaluateForecast(DiskFull(), Line(50, 3), kNow);
  EXPECT_EQ(slower.state, probes::State::kWarning) << slower.text;  // about 12 days
  const probes::CheckResult slowest = EvaluateForecast(DiskFull(), Line(50, 1), kNow);
  EXPECT_EQ(slowest.state, probes::State::kOk) << slowest.text;  // about 42 days
  ASSERT_FALSE(slowest.perfdata.empty());
  EXPECT_EQ(slowest.perfdata[0].warn, "14:");
  EXPECT_EQ(slowest.perfdata[0].crit, "7:");
}

TEST(ForecastRuleTest, AlreadyPastIsCriticalNow) {
  const probes::CheckResult r = EvaluateForecast(DiskFull(), Line(96, 0), kNow);
  EXPECT_EQ(r.state, probes::State::kCritical);
  EXPECT_EQ(Perf(r, "days_left"), 0);
  EXPECT_NE(r.text.find("at or above 95 now"), std::string::npos) << r.text;
}

TEST(ForecastRuleTest, AFallingMetricAgainstALowerLimit) {
  ForecastRule free_space;
  free_space.metric = "free";
  free_space.threshold = 10;
  free_space.direction = Direction::kDown;
  free_space.critical_within = hours(24 * 2);
  // 80 falling 10 a day: about 50.4 now, 10 in about 4 days.
  const probes::CheckResult r = EvaluateForecast(free_space, Line(80, -10), kNow);
  EXPECT_EQ(r.state, probes::State::kOk) << r.text;  // no warning stage configured
  EXPECT_NEAR(Perf(r, "days_left"), (80 - 10 * 71 / 24.0 - 10) / 10, 1e-6);
  free_space.critical_within = hours(24 * 5);
  EXPECT_EQ(EvaluateForecast(free_space, Line(80, -10), kNow).state, probes::State::kCritical);
}

TEST(ForecastRuleTest, FlatOrRecedingMetricsAndTooLittleDataAreOk) {
  const probes::CheckResult flat = EvaluateForecast(DiskFull(), Line(40, 0), kNow);
  EXPECT_EQ(flat.state, probes::State::kOk);
  EXPECT_NE(flat.text.find("not heading for 95"), std::string::npos) << flat.text;
  EXPECT_TRUE(std::isnan(Perf(flat, "days_left")));
  EXPECT_EQ(EvaluateForecast(DiskFull(), Line(90, -1), kNow).state, probes::State::kOk);

  Series sparse = Line(50, 5);
  for (std::size_t i = 2; i < sparse.values.size(); ++i) sparse.values[i] = NAN;
  const probes::CheckResult none = EvaluateForecast(DiskFull(), sparse, kNow);
  EXPECT_EQ(none.state, probes::State::kOk);
  EXPECT_NE(none.text.find("not enough data"), std::string::npos);
  EXPECT_TRUE(none.perfdata.empty());
}

}  // namespace
}  // namespace gs::dashboards
