#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "tests/collector/config_test_support.h"

namespace gs::collector {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

const std::string kBase = R"(
checks:
  - {name: disk, kind: disk}
syslog:
  rules:
    - {name: oom, pattern: "Out of memory"}
)";

TEST(ConfigForecastsTest, AFullForecastAndTheDefaults) {
  const Config c = Load(kBase + R"(
forecasts:
  - name: disk_full
    select: {role: db}
    check: disk
    metric: /
    above: 95
    within: 3d
    warn_within: 14d
    window: 2d
    interval: 30m
  - {name: ooms, check: "log:oom", metric: matches, below: 0.5}
)");
  ASSERT_EQ(c.forecasts.size(), 2u);
  const ForecastConfig& f = c.forecasts[0];
  EXPECT_EQ(f.name, "disk_full");
  ASSERT_TRUE(f.select);
  EXPECT_TRUE(f.select->Matches({{"role", "db"}}));
  EXPECT_EQ(f.check, "disk");
  EXPECT_EQ(f.metric, "/");
  EXPECT_EQ(f.threshold, 95);
  EXPECT_FALSE(f.below);
  EXPECT_EQ(f.within, hours(72));
  EXPECT_EQ(f.warn_within, hours(24 * 14));
  EXPECT_EQ(f.window, hours(48));
  EXPECT_EQ(f.interval, minutes(30));
  const ForecastConfig& d = c.forecasts[1];
  EXPECT_TRUE(d.below);
  EXPECT_EQ(d.threshold, 0.5);
  EXPECT_FALSE(d.select);
  EXPECT_EQ(d.within, hours(24 * 7));
  EXPECT_EQ(d.warn_within.count(), 0);
  EXPECT_EQ(d.window, hours(24 * 7));
  EXPECT_EQ(d.interval, minutes(15));
}

TEST(ConfigForecastsTest, EveryMistakeIsNamed) {
  const auto with = [](const std::string& item) {
    return kBase + "forecasts:\n  - " + item + "\n";
  };
  EXPECT_TRUE(
      Refused(with("{name: a, check: nosuch, metric: x, above: 1}"), "unknown check \"nosuch\""));
  EXPECT_TRUE(
      Refused(with("{name: a, check: \"log:nosuch\", metric: x, above: 1}"), "unknown check"));
  EXPECT_TRUE(Refused(with("{name: a, metric: x, above: 1}"), "forecasts[0].check: is required"));
  EXPECT_TRUE(
      Refused(with("{name: a, check: disk, above: 1}"), "forecasts[0].metric: is required"));
  EXPECT_TRUE(
      Refused(with("{name: a, check: disk, metric: x}"), "exactly one of above: or below:"));
  EXPECT_TRUE(Refused(with("{name: a, check: disk, metric: x, above: 1, below: 0}"),
                      "exactly one of above: or below:"));
  EXPECT_TRUE(Refused(with("{name: a, check: disk, metric: x, above: lots}"), "above"));
  EXPECT_TRUE(Refused(with("{name: a, check: disk, metric: x, above: 1, within: 10s}"),
                      "within: must be between 1m and 3650d"));
  EXPECT_TRUE(Refused(with("{name: a, check: disk, metric: x, above: 1, within: 7d, "
                           "warn_within: 2d}"),
                      "warn_within: must be longer than within"));
  EXPECT_TRUE(Refused(with("{name: a, check: disk, metric: x, above: 1, window: 500d}"),
                      "window: must be between 1h and 450d"));
  EXPECT_TRUE(Refused(with("{name: a, check: disk, metric: x, above: 1, interval: 2d}"),
                      "interval: must be between 1m and 24h"));
  EXPECT_TRUE(Refused(with("{name: a, check: disk, metric: x, above: 1, horizon: 2d}"), "horizon"));
  EXPECT_TRUE(Refused(kBase + "forecasts:\n  - {name: a, check: disk, metric: x, above: 1}\n"
                              "  - {name: a, check: disk, metric: y, above: 1}\n",
                      "duplicate"));
  EXPECT_TRUE(Refused(kBase + "forecasts: {name: a}\n", "forecasts"));
}

}  // namespace
}  // namespace gs::collector
