// The logs and alerts pages: escaping, order, the form echo and the action buttons.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "dashboards/alerts_page.h"
#include "dashboards/logs_page.h"

namespace gs::dashboards {
namespace {

using Clock = std::chrono::system_clock;
using std::chrono::minutes;

const Clock::time_point kNow = Clock::from_time_t(1'800'000'000);

std::size_t Position(const std::string& page, const std::string& needle) {
  const std::size_t at = page.find(needle);
  EXPECT_NE(at, std::string::npos) << "missing: " << needle;
  return at;
}

TEST(LogsPageTest, NewestFirstEscapedWithTheFormEchoed) {
  LogsView v;
  v.params = {{"q", "fail\"<x>"}, {"host", "web01"}};
  v.lines = {{kNow - minutes(5), "web01", "web01", "sshd", "err", "old <one>"},
             {kNow - minutes(1), "10.0.0.9", "", "cron", "", "new & shiny"}};
  v.more = true;
  const std::string page = RenderLogsPage(v, kNow);
  EXPECT_LT(Position(page, "new &amp; shiny"), Position(page, "old &lt;one&gt;"));
  Position(page, "name=\"q\" value=\"fail&quot;&lt;x&gt;\"");
  Position(page, "name=\"host\" value=\"web01\"");
  Position(page, "<a href=\"/nodes/web01\">web01</a>");
  Position(page, "<span class=\"badge crit\">err</span>");
  Position(page, "older matches left out");
  EXPECT_EQ(page.find("<script"), std::string::npos);
}

TEST(LogsPageTest, ShowsTheErrorAndNoRecords) {
  LogsView v;
  v.error = "invalid regex \"(\" <here>";
  const std::string page = RenderLogsPage(v, kNow);
  Position(page, "<p class=\"error\">invalid regex &quot;(&quot; &lt;here&gt;</p>");
  Position(page, "No records.");
}

TEST(AlertsPageTest, ProblemsWithTheirActionsAndDowntimesWithAnEndButton) {
  ProblemView crit;
  crit.node = "web\"01";
  crit.check = "http";
  crit.state = "CRITICAL";
  crit.output = "down <now>";
  crit.since = kNow - minutes(10);
  ProblemView acked = crit;
  acked.node = "web02";
  acked.acknowledged = true;
  acked.ack_author = "ann";
  acked.in_downtime = true;
  acked.held = "node down";
  DowntimeView d{"d1a2",
                 "{\"role\":\"web\"}",
                 kNow - minutes(5),
                 Clock::time_point::max(),
                 "bob",
                 "deploy",
                 false,
                 true};
  const std::string page = RenderAlertsPage({crit, acked}, {d}, kNow);
  Position(page, "<button data-action=\"ack\" data-node=\"web&quot;01\" data-check=\"http\">");
  Position(page, "<button data-action=\"unack\" data-node=\"web02\" data-check=\"http\">");
  Position(page, "acknowledged by ann");
  Position(page, "held: node down");
  Position(page, "down &lt;now&gt;");
  Position(page, "{&quot;role&quot;:&quot;web&quot;}");
  Position(page, ">forever<");
  Position(page, "<button data-action=\"end\" data-id=\"d1a2\">End</button>");
  Position(page, "id=\"token\" type=\"password\"");
  Position(page, "fetch(url");
  EXPECT_EQ(page.find("http://"), std::string::npos) << "nothing from elsewhere";
  EXPECT_EQ(page.find("<script src"), std::string::npos);
}

TEST(AlertsPageTest, SaysSoWhenQuiet) {
  const std::string page = RenderAlertsPage({}, {}, kNow);
  Position(page, "No open problems.");
  Position(page, "No downtimes.");
}

}  // namespace
}  // namespace gs::dashboards
