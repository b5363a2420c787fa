#include "dashboards/node_page.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace gs::dashboards {
namespace {

using Clock = std::chrono::system_clock;
using std::chrono::minutes;

const Clock::time_point kNow = Clock::from_time_t(1'800'000'000);

StatusRow Status(std::string check, std::string state, int max_attempts, std::string output,
                 Clock::time_point last_check, Clock::time_point last_change) {
  StatusRow r;
  r.node = "web<01>";
  r.check = std::move(check);
  r.state = std::move(state);
  r.state_type = "HARD";
  r.max_attempts = max_attempts;
  r.output = std::move(output);
  r.last_check = last_check;
  r.last_change = last_change;
  return r;
}

NodeView Web01() {
  NodeView n;
  n.name = "web<01>";
  n.address = "10.0.0.5";
  n.source = "ec2:prod";
  n.lifecycle = "running";
  n.tags = {{"role", "web"}, {"env", "prod\"uction"}};
  CheckView http;
  http.status =
      Status("http", "WARNING", 3, "slow & <b>late</b>", kNow - minutes(1), kNow - minutes(30));
  http.kind = "http";
  http.metrics = {{"time_total", 0.7, "s", "0.5", "2"}, {"size", 612, "B", "", ""}};
  CheckView disk;
  disk.status = Status("disk", "OK", 1, "ok", kNow, kNow);
  disk.kind = "disk";
  n.checks = {disk, http};
  return n;
}

TEST(ThresholdLineTest, TheBoundARangeAlertsAt) {
  EXPECT_EQ(ThresholdLine("10"), 10);
  EXPECT_EQ(ThresholdLine("10:"), 10);
  EXPECT_EQ(ThresholdLine("~:10"), 10);
  EXPECT_EQ(ThresholdLine("5:10.5"), 10.5);
  EXPECT_EQ(ThresholdLine(""), std::nullopt);
  EXPECT_EQ(ThresholdLine("@5:10"), std::nullopt);
  EXPECT_EQ(ThresholdLine("~:"), std::nullopt);
  EXPECT_EQ(ThresholdLine("abc"), std::nullopt);
}

TEST(GraphUrlTest, NamesAreEncodedAndThresholdsDrawn) {
  const MetricView m{"/var used", 1, "B", "80", "90:"};
  EXPECT_EQ(GraphUrl("web 01", "disk", m, "week", 480, 120),
            "/graph/web%2001/disk/%2Fvar%20used.png?period=week&width=480&height=120&warn=80"
            "&crit=90");
  EXPECT_EQ(GraphUrl("a", "b", MetricView{"c", 1, "", "", "@1:2"}, "day", 100, 50),
            "/graph/a/b/c.png?period=day&width=100&height=50");
}

TEST(NodePageTest, TagsChecksAndADayGraphPerMetricAllEscaped) {
  const std::string page = RenderNodePage(Web01(), kNow);
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("<title>web&lt;01&gt;</title>"), std::string::npos);
  EXPECT_NE(page.find("env=prod&quot;uction"), std::string::npos);
  EXPECT_NE(page.find("ec2:prod (running)"), std::string::npos);
  EXPECT_NE(page.find("slow &amp; &lt;b&gt;late&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(page.find("<b>late"), std::string::npos);
  EXPECT_NE(page.find("href=\"/nodes/web%3C01%3E/http\""), std::string::npos);
  EXPECT_NE(page.find("src=\"/graph/web%3C01%3E/http/time_total.png?period=day&amp;width=480"
                      "&amp;height=120&amp;warn=0.5&amp;crit=2\""),
            std::string::npos);
  EXPECT_NE(page.find("/graph/web%3C01%3E/http/size.png"), std::string::npos);
  // disk has no perfdata: listed, no graph section.
  EXPECT_NE(page.find(">disk</a>"), std::string::npos);
  EXPECT_EQ(page.find("/graph/web%3C01%3E/disk/"), std::string::npos);
  EXPECT_NE(page.find("30 min ago"), std::string::npos);
}

TEST(NodePageTest, ANodeOutsideTheInventorySaysSo) {
  NodeView n;
  n.name = "10.1.2.3";
  const std::string page = RenderNodePage(n, kNow);
  EXPECT_NE(page.find("not in the inventory"), std::string::npos);
  EXPECT_NE(page.find("No checks on this node."), std::string::npos);
}

TEST(CheckPageTest, FourPeriodsPerMetricPerfdataAndHistoryNewestFirst) {
  const NodeView n = Web01();
  const std::vector<HistoryLine> history = {{kNow - minutes(30), "problem", "WARNING", "slow"},
                                            {kNow - minutes(90), "recovery", "OK", "fine <again>"}};
  const std::string page = RenderCheckPage(n, n.checks[1], history, kNow);
  EXPECT_NE(page.find("<title>web&lt;01&gt; / http</title>"), std::string::npos);
  for (const char* period : {"day", "week", "month", "year"}) {
    EXPECT_NE(page.find("time_total.png?period=" + std::string(period)), std::string::npos)
        << period;
  }
  EXPECT_NE(page.find("<td>0.7 s</td><td>0.5</td><td>2</td>"), std::string::npos);
  const std::size_t problem = page.find(">problem<");
  const std::size_t recovery = page.find(">recovery<");
  ASSERT_NE(problem, std::string::npos);
  ASSERT_NE(recovery, std::string::npos);
  EXPECT_LT(problem, recovery);
  EXPECT_NE(page.find("fine &lt;again&gt;"), std::string::npos);
  EXPECT_NE(page.find("href=\"/nodes/web%3C01%3E\""), std::string::npos);
  EXPECT_NE(RenderCheckPage(n, n.checks[0], {}, kNow).find("No alerts so far."), std::string::npos);
}

}  // namespace
}  // namespace gs::dashboards
