#include "dashboards/dashboard.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace gs::dashboards {
namespace {

using Clock = std::chrono::system_clock;
const Clock::time_point kNow = Clock::from_time_t(1'800'000'000);

Dashboard Web() {
  Dashboard d;
  d.name = "web";
  d.title = "Web <tier>";
  d.description = "role=web & friends";
  d.source = "<shipped>/web.yaml";
  DashboardGraph time;
  time.title = "Response time";
  using Kind = probes::Selector::Condition::Kind;
  time.select =
      probes::Selector({{"role", Kind::kEquals, {"web"}}, {"env", Kind::kNoneOf, {"dev"}}});
  time.metric = {"time_total"};
  time.unit = "s";
  time.thresholds = {{0.5, "warning", "#E69F00"}, {2, "critical", "#D55E00"}};
  time.min = 0;
  DashboardGraph logs;
  logs.title = "Log matches";
  logs.check = {"log:*"};
  logs.metric = {"matches"};
  logs.stacked = true;
  logs.trend = true;
  logs.period = "week";
  d.graphs = {time, logs};
  return d;
}

TEST(PatternsTest, GlobsWithExclusions) {
  EXPECT_TRUE(MatchesPatterns({"*"}, "anything"));
  EXPECT_TRUE(MatchesPatterns({"time_total"}, "time_total"));
  EXPECT_FALSE(MatchesPatterns({"time_total"}, "time_ttfb"));
  EXPECT_TRUE(MatchesPatterns({"log_*"}, "log_ssh"));
  EXPECT_TRUE(MatchesPatterns({"*", "!*_inodes"}, "_var"));
  EXPECT_FALSE(MatchesPatterns({"*", "!*_inodes"}, "_var_inodes"));
  EXPECT_TRUE(MatchesPatterns({"a", "b?"}, "bx"));
  EXPECT_FALSE(MatchesPatterns({}, "x"));
  EXPECT_TRUE(IsSingleName({"time_total"}));
  EXPECT_FALSE(IsSingleName({"log:*"}));
  EXPECT_FALSE(IsSingleName({"a", "b"}));
  EXPECT_FALSE(IsSingleName({"!a"}));
}

TEST(DashboardPageTest, EveryGraphAsAnImageCaptionedWithWhatItSelects) {
  const std::string page = RenderDashboardPage(Web(), "", kNow);
  EXPECT_NE(page.find("<title>Web &lt;tier&gt;</title>"), std::string::npos);
  EXPECT_NE(page.find("role=web &amp; friends"), std::string::npos);
  // Each graph over its own period.
  EXPECT_NE(page.find("src=\"/dashboards/web/0.png?period=day&amp;width=720&amp;height=200\""),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("src=\"/dashboards/web/1.png?period=week"), std::string::npos);
  EXPECT_NE(page.find("role=web, env!=dev · time_total"), std::string::npos);
  EXPECT_NE(page.find("every node · check log:* · matches · stacked · trend"), std::string::npos);
  EXPECT_NE(page.find("href=\"/dashboards/web?period=month\""), std::string::npos);
  EXPECT_NE(page.find("Defined in &lt;shipped&gt;/web.yaml"), std::string::npos);
  // A period asked for applies to every graph.
  const std::string month = RenderDashboardPage(Web(), "month", kNow);
  EXPECT_NE(month.find("/dashboards/web/1.png?period=month"), std::string::npos);
  EXPECT_NE(month.find("<b>month</b>"), std::string::npos);
}

TEST(DashboardPageTest, StaticPagesLinkFilesAndNoPeriodChoice) {
  Links links = Links::Static(2);
  const std::string page = RenderDashboardPage(Web(), "", kNow, links);
  EXPECT_NE(page.find("src=\"../../dashboards/web/1.week.png\""), std::string::npos) << page;
  EXPECT_EQ(page.find("?period="), std::string::npos);
  ASSERT_EQ(links.images().size(), 2u);
  EXPECT_EQ(links.images()[1].period, "week");
}

TEST(DashboardListTest, TitlesLinkedWithTheirDescriptions) {
  const std::string page = RenderDashboardList({Web()}, kNow);
  EXPECT_NE(page.find("<a href=\"/dashboards/web\">Web &lt;tier&gt;</a>"), std::string::npos);
  EXPECT_NE(page.find("<td>2</td>"), std::string::npos);
  EXPECT_NE(RenderDashboardList({}, kNow).find("No dashboards defined."), std::string::npos);
}

TEST(DashboardGraphSpecTest, LinesStackThresholdsAndWhatWasLeftOut) {
  const Dashboard d = Web();
  GraphSpec spec = DashboardGraphSpec(d.graphs[0], {{"/a.rrd", "web01"}, {"/b.rrd", "web02"}}, 0);
  EXPECT_EQ(spec.title, "Response time");
  ASSERT_EQ(spec.series.size(), 2u);
  EXPECT_EQ(spec.series[1].file, "/b.rrd");
  EXPECT_EQ(spec.series[1].legend, "web02");
  EXPECT_FALSE(spec.stacked);
  ASSERT_EQ(spec.thresholds.size(), 2u);
  EXPECT_EQ(spec.lower_limit, 0);
  EXPECT_EQ(spec.vertical_label, "s");
  spec = DashboardGraphSpec(d.graphs[1], {{"/c.rrd", "x"}}, 7);
  EXPECT_EQ(spec.title, "Log matches (7 more not drawn)");
  EXPECT_TRUE(spec.stacked);
  EXPECT_TRUE(spec.trend);
}

TEST(PeriodTest, NamesAndSpans) {
  EXPECT_EQ(PeriodSeconds("hour"), 3600);
  EXPECT_EQ(PeriodSeconds("year"), 366 * 86400);
  EXPECT_EQ(PeriodSeconds("fortnight"), std::nullopt);
  EXPECT_EQ(DescribeSelector(std::nullopt), "every node");
}

}  // namespace
}  // namespace gs::dashboards
