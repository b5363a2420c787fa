// Forecast rules end to end: RRD histories written with the real rrdtool, a groundstation that
// projects them, its status, its webhook and the forecast API.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/daemon_test.h"
#include "tests/support/peers.h"
#include "tests/support/rrd_files.h"

namespace gs::test {
namespace {

using nlohmann::json;

// Three days of 5-minute values ending now: `first` rising `per_day` a day.
void MakeHistory(const std::filesystem::path& file, double first, double per_day) {
  const long now = static_cast<long>(std::time(nullptr)) / 300 * 300;
  const long start = now - 3 * 86400;
  std::vector<std::pair<long, double>> points;
  for (long t = start; t <= now; t += 300) {
    points.emplace_back(t, first + per_day * static_cast<double>(t - start) / 86400.0);
  }
  ASSERT_TRUE(WriteRrd(file, 300, points, 1000));
}

class ForecastDaemonTest : public DaemonTest {};

TEST_F(ForecastDaemonTest, ARisingDiskAlertsBeforeItIsFullAndTheApiSaysWhen) {
  const std::filesystem::path rrd = dir_.path() / "var/rrd";
  MakeHistory(rrd / "web01/disk/used.rrd", 50, 10);  // 80 now: 95 in 1.5 days
  MakeHistory(rrd / "web02/disk/used.rrd", 40, 0);   // flat
  MakeHistory(rrd / "db01/disk/used.rrd", 90, 10);   // rising, but not selected
  Start(
      "nodes:\n"
      "  - {name: web01, address: 127.0.0.1, tags: {role: web}}\n"
      "  - {name: web02, address: 127.0.0.1, tags: {role: web}}\n"
      "  - {name: web03, address: 127.0.0.1, tags: {role: web}}\n"  // no history
      "  - {name: db01, address: 127.0.0.1, tags: {role: db}}\n"
      "checks:\n"
      "  - {name: disk, kind: heartbeat, max_age: 1h}\n"
      "forecasts:\n"
      "  - {name: disk_full, select: {role: web}, check: disk, metric: used, above: 95,\n"
      "     within: 3d, window: 2d, interval: 1h}\n");

  const json hook = WaitForHook("web01", "firing");
  ASSERT_TRUE(hook.is_object()) << "no forecast alert";
  EXPECT_EQ(hook["check"], "forecast:disk_full");
  EXPECT_EQ(hook["state"], "CRITICAL");
  EXPECT_NE(hook["output"].get<std::string>().find("disk used reaches 95 in 1.5 days"),
            std::string::npos)
      << hook["output"];
  ASSERT_TRUE(WaitUntil([&] { return State("web02", "forecast:disk_full") == "OK"; },
                        std::chrono::seconds(30)));
  EXPECT_EQ(State("web03", "forecast:disk_full"), "");  // no data: no status
  EXPECT_EQ(State("db01", "forecast:disk_full"), "");   // not selected
  EXPECT_NEAR(api_.Metric("groundstation_check_value{node=\"web01\",check=\"forecast:disk_full\","
                          "metric=\"days_left\",uom=\"\"}"),
              1.5, 0.05);

  const HttpResponse f = HttpGet(api_.Url("/api/v1/forecast/web01/disk/used?above=95&period=week"));
  ASSERT_EQ(f.status, 200) << f.body;
  const json body = json::parse(f.body, nullptr, false);
  EXPECT_EQ(body["crossing"], "at");
  EXPECT_NEAR(body["slope_per_day"].get<double>(), 10, 0.01);
  EXPECT_NEAR(body["days"].get<double>(), 1.5, 0.05);
  EXPECT_NEAR(body["last"].get<double>(), 80, 0.5);
  const json flat = json::parse(HttpGet(api_.Url("/api/v1/forecast/web02/disk/used?above=95")).body,
                                nullptr, false);
  EXPECT_EQ(flat["crossing"], "never");
  EXPECT_TRUE(flat["days"].is_null());
  EXPECT_EQ(HttpGet(api_.Url("/api/v1/forecast/web03/disk/used?above=95")).status, 404);
  EXPECT_EQ(HttpGet(api_.Url("/api/v1/forecast/web01/disk/used?above=x")).status, 400);
  // The graph of the same history, with its trend projected.
  const HttpResponse g = HttpGet(api_.Url("/graph/web01/disk/used.svg?period=week&trend=1"));
  EXPECT_EQ(g.status, 200);
  EXPECT_NE(g.body.find("<svg"), std::string::npos);
}

}  // namespace
}  // namespace gs::test
