// RenderStatusPage: escaping, problem-first ordering, per-state counts, links, relative times.
#include "dashboards/status_page.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gs::dashboards {
namespace {

using Clock = std::chrono::system_clock;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

const Clock::time_point kNow = Clock::time_point{} + hours(24 * 365 * 50);

StatusRow Row(std::string node, std::string check, std::string state) {
  StatusRow row;
  row.node = std::move(node);
  row.check = std::move(check);
  row.state = std::move(state);
  row.state_type = "HARD";
  row.attempt = 3;
  row.max_attempts = 3;
  row.output = row.state + " - fine";
  row.last_check = kNow - seconds(20);
  row.last_change = kNow - hours(3);
  return row;
}

std::size_t Position(const std::string& page, const std::string& needle) {
  const std::size_t at = page.find(needle);
  EXPECT_NE(at, std::string::npos) << "missing: " << needle;
  return at;
}

TEST(HtmlEscapeTest, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(HtmlEscape("<a href=\"x\">Tom & 'Jerry'</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape("plain"), "plain");
}

TEST(RelativeTimeTest, PicksTheLargestSensibleUnit) {
  EXPECT_EQ(RelativeTime(Clock::time_point{}, kNow), "never");
  EXPECT_EQ(RelativeTime(kNow + seconds(30), kNow), "just now");
  EXPECT_EQ(RelativeTime(kNow - seconds(2), kNow), "just now");
  EXPECT_EQ(RelativeTime(kNow - seconds(42), kNow), "42 s ago");
  EXPECT_EQ(RelativeTime(kNow - minutes(5), kNow), "5 min ago");
  EXPECT_EQ(RelativeTime(kNow - hours(3) - minutes(59), kNow), "3 h ago");
  EXPECT_EQ(RelativeTime(kNow - hours(24 * 12), kNow), "12 d ago");
}

TEST(RenderStatusPageTest, IsACompleteSelfContainedPage) {
  const std::string page = RenderStatusPage({Row("web01", "http", "OK")}, kNow, "Ground");
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  Position(page, "<meta http-equiv=\"refresh\" content=\"30\">");
  Position(page, "<style>");
  Position(page, "<title>Ground</title>");
  Position(page, "</html>\n");
  Position(page, "href=\"/api/v1/status\"");
  Position(page, "href=\"/metrics\"");
  EXPECT_EQ(page.find("http://"), std::string::npos) << "no external assets";
  EXPECT_EQ(page.find("https://"), std::string::npos) << "no external assets";
  EXPECT_EQ(page.find("<script"), std::string::npos);
}

TEST(RenderStatusPageTest, EscapesEveryValue) {
  StatusRow row = Row("<script>alert(1)</script>", "<b>check</b>", "<i>CRITICAL</i>");
  row.output = "CRITICAL - <script>alert(\"x\")</script> & more";
  const std::string page = RenderStatusPage({row}, kNow, "<title>&");
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("<b>check"), std::string::npos);
  EXPECT_EQ(page.find("<i>"), std::string::npos);
  Position(page, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more");
  Position(page, "<title>&lt;title&gt;&amp;</title>");
  Position(page, "href=\"/nodes/%3Cscript%3Ealert%281%29%3C%2Fscript%3E\"");
  // An unrecognised state gets the neutral class, never one derived from its text.
  Position(page, "badge other\">&lt;i&gt;CRITICAL&lt;/i&gt;</span>");
}

TEST(RenderStatusPageTest, ListsProblemsWorstFirstThenEveryCheckInTheGrid) {
  const std::vector<StatusRow> rows = {
      Row("a", "ok-check", "OK"),     Row("b", "warn", "WARNING"),  Row("c", "pending", "PENDING"),
      Row("d", "unknown", "UNKNOWN"), Row("z", "crit", "CRITICAL"), Row("e", "crit", "CRITICAL"),
  };
  const std::string page = RenderStatusPage(rows, kNow, "t");
  const std::size_t grid = Position(page, "<h2>All checks</h2>");
  const std::vector<std::string> problems = {">e</a>", ">z</a>", ">d</a>", ">b</a>", ">c</a>"};
  for (std::size_t i = 1; i < problems.size(); ++i) {
    EXPECT_LT(Position(page, problems[i - 1]), Position(page, problems[i])) << problems[i];
  }
  EXPECT_LT(Position(page, ">c</a>"), grid);
  EXPECT_GT(Position(page, ">a</a>"), grid) << "an OK check is no problem";
  // The grid: nodes in name order, one column per check name, cells linking to check pages.
  const std::size_t header = Position(page,
                                      "<th>crit</th><th>ok-check</th><th>pending</th>"
                                      "<th>unknown</th><th>warn</th>");
  EXPECT_GT(header, grid);
  Position(page, "<td class=\"cell ok\" title=\"OK - fine\"><a href=\"/nodes/a/ok-check\">OK</a>");
  Position(page, "<a href=\"/nodes/e/crit\">CRIT</a>");
  Position(page, "<td class=\"cell none\"></td>");
}

TEST(RenderStatusPageTest, MarksAcknowledgedDowntimedAndFlappingChecks) {
  StatusRow acked = Row("web01", "http", "CRITICAL");
  acked.acknowledged = true;
  StatusRow quiet = Row("web02", "http", "WARNING");
  quiet.in_downtime = true;
  quiet.flapping = true;
  const std::string page = RenderStatusPage({acked, quiet}, kNow, "t");
  Position(page, "<span class=\"mark\">acknowledged</span>");
  Position(page, "<span class=\"mark\">in downtime</span>");
  Position(page, "<span class=\"mark\">flapping</span>");
  Position(page, "<span class=\"mark\" title=\"acknowledged\">ack</span>");
  Position(page, "<span class=\"mark\" title=\"in downtime\">dt</span>");
  Position(page, "<span class=\"age\">20 s ago</span>");
}

TEST(RenderStatusPageTest, SaysSoWhenAllIsWell) {
  const std::string page = RenderStatusPage({Row("a", "b", "OK")}, kNow, "t");
  Position(page, "No problems.");
}

TEST(RenderStatusPageTest, CountsEachState) {
  const std::vector<StatusRow> rows = {Row("a", "1", "OK"), Row("b", "1", "OK"),
                                       Row("c", "1", "CRITICAL"), Row("d", "1", "WARNING")};
  const std::string page = RenderStatusPage(rows, kNow, "t");
  Position(page, "<div class=\"n\">1</div><div class=\"l\">CRITICAL</div>");
  Position(page, "<div class=\"n\">0</div><div class=\"l\">UNKNOWN</div>");
  Position(page, "<div class=\"n\">1</div><div class=\"l\">WARNING</div>");
  Position(page, "<div class=\"n\">2</div><div class=\"l\">OK</div>");
  Position(page, "<div class=\"n\">4</div><div class=\"l\">TOTAL</div>");
  EXPECT_EQ(page.find(">OTHER<"), std::string::npos);
}

TEST(RenderStatusPageTest, ShowsSoftAttemptsAndRelativeTimes) {
  StatusRow row = Row("web01", "http", "WARNING");
  row.state_type = "SOFT";
  row.attempt = 2;
  row.last_check = Clock::time_point{};
  const std::string page = RenderStatusPage({row}, kNow, "t");
  Position(page, "SOFT 2/3");
  Position(page, ">3 h ago</time>");
  Position(page, "<td class=\"time\">never</td>");
}

TEST(RenderStatusPageTest, SaysSoWhenThereAreNoChecks) {
  const std::string page = RenderStatusPage({}, kNow, "t");
  Position(page, "No checks yet.");
}

}  // namespace
}  // namespace gs::dashboards
