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

TEST(CheckPageTest, RecentResultsNewestFirstOnALivePage) {
  NodeView n = Web01();
  n.checks[1].recent = {{kNow - minutes(1), "WARNING", "slow <1>", 0.7},
                        {kNow - minutes(2), "OK", "fast", 0.0123456}};
  const std::string page = RenderCheckPage(n, n.checks[1], {}, kNow);
  const std::size_t section = page.find("<h2>Recent results</h2>");
  ASSERT_NE(section, std::string::npos);
  const std::size_t newest = page.find("slow &lt;1&gt;", section);
  const std::size_t older = page.find(">fast<", section);
  ASSERT_NE(newest, std::string::npos);
  ASSERT_NE(older, std::string::npos);
  EXPECT_LT(newest, older);
  EXPECT_NE(page.find("<td>0.012 s</td>"), std::string::npos);
  EXPECT_NE(RenderCheckPage(n, n.checks[0], {}, kNow).find("No results since the collector"),
            std::string::npos);
}

TEST(CheckPageTest, AStaticPageLinksFilesAndRecordsItsImages) {
  const NodeView n = Web01();
  Links links = Links::Static(3);
  const std::string page = RenderCheckPage(n, n.checks[1], {}, kNow, links, {"day", "week"});
  // Files relative to nodes/<node>/<check>/, each name encoded once on disk and once more in
  // the link.
  EXPECT_NE(page.find("href=\"../../../nodes/web%253C01%253E/index.html\""), std::string::npos)
      << page;
  EXPECT_NE(page.find("src=\"../../../graphs/web%253C01%253E/http/time_total.week.png\""),
            std::string::npos);
  EXPECT_EQ(page.find("period=month"), std::string::npos);
  EXPECT_EQ(page.find("time_total.month.png"), std::string::npos);
  // No live parts: no recent results (none known), no alerts/logs links, no refresh.
  EXPECT_EQ(page.find("Recent results"), std::string::npos);
  EXPECT_EQ(page.find("href=\"/alerts\""), std::string::npos);
  EXPECT_EQ(page.find("http-equiv=\"refresh\""), std::string::npos);
  EXPECT_NE(page.find("href=\"../../../index.html\">Overview"), std::string::npos);
  // Two metrics x two periods.
  ASSERT_EQ(links.images().size(), 4u);
  const GraphImage& first = links.images()[0];
  EXPECT_EQ(first.file, "graphs/web%3C01%3E/http/time_total.day.png");
  EXPECT_EQ(first.node, "web<01>");
  EXPECT_EQ(first.metric, "time_total");
  EXPECT_EQ(first.warn, 0.5);
  EXPECT_EQ(first.crit, 2);
  EXPECT_EQ(first.width, 560);
}

}  // namespace
}  // namespace gs::dashboards
