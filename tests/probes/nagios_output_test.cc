#include "probes/nagios_output.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace gs::probes {
namespace {

CheckResult Result(State state, std::string text, std::vector<Perfdata> perf = {},
                   std::string long_text = "") {
  CheckResult r;
  r.state = state;
  r.text = std::move(text);
  r.perfdata = std::move(perf);
  r.long_text = std::move(long_text);
  return r;
}

TEST(FormatPluginLineTest, PrintsKindStateTextAndPerfdata) {
  const CheckResult r = Result(State::kOk, "200 OK in 0.004 s",
                               {Perfdata{"time", 0.004012, "s", "0.5", "2", 0.0, {}},
                                Perfdata{"size", 612, "B", "", "", 0.0, {}}});
  EXPECT_EQ(FormatPluginLine("HTTP", r),
            "HTTP OK - 200 OK in 0.004 s | time=0.004012s;0.5;2;0 size=612B;;;0");
}

TEST(FormatPluginLineTest, OmitsTheBarWithoutPerfdataAndAppendsLongText) {
  EXPECT_EQ(FormatPluginLine("HTTP", Result(State::kCritical, "Couldn't connect to server")),
            "HTTP CRITICAL - Couldn't connect to server");
  EXPECT_EQ(FormatPluginLine("DISK", Result(State::kWarning, "low", {}, "/ 80%\n/var 95%")),
            "DISK WARNING - low\n/ 80%\n/var 95%");
  EXPECT_EQ(FormatPluginLine("", Result(State::kUnknown, "x")), "UNKNOWN - x");
}

TEST(ToJsonTest, HasTheDocumentedShapeWithNullsForAbsentFields) {
  const CheckResult r = Result(State::kWarning, "404 Not Found in 0.001 s",
                               {Perfdata{"time_total", 0.5, "s", "0.4", "", 0.0, {}}}, "more");
  const auto j = nlohmann::json::parse(ToJson(r));
  EXPECT_EQ(j["state"], "WARNING");
  EXPECT_EQ(j["exit"], 1);
  EXPECT_EQ(j["text"], "404 Not Found in 0.001 s");
  EXPECT_EQ(j["long_text"], "more");
  ASSERT_EQ(j["perfdata"].size(), 1u);
  const auto& p = j["perfdata"][0];
  EXPECT_EQ(p["label"], "time_total");
  EXPECT_EQ(p["value"], 0.5);
  EXPECT_EQ(p["uom"], "s");
  EXPECT_EQ(p["warn"], "0.4");
  EXPECT_TRUE(p["crit"].is_null());
  EXPECT_EQ(p["min"], 0.0);
  EXPECT_TRUE(p["max"].is_null());
  EXPECT_EQ(ToJson(Result(State::kOk, "x")).substr(0, 23), R"({"state":"OK","exit":0,)");
}

TEST(ToJsonTest, ReplacesInvalidUtf8InsteadOfThrowing) {
  const auto j = nlohmann::json::parse(ToJson(Result(State::kOk, "bad \xff byte")));
  EXPECT_EQ(j["text"], "bad \xEF\xBF\xBD byte");
}

TEST(ParsePluginOutputTest, SplitsTextAndPerfdataOfASingleLine) {
  const CheckResult r = ParsePluginOutput(
      "HTTP OK: HTTP/1.1 200 OK - 235 bytes in 0.000 second response time "
      "|time=0.000392s;;;0.000000;10.000000 size=235B;;;0;\n",
      0);
  EXPECT_EQ(r.state, State::kOk);
  EXPECT_EQ(r.text, "HTTP OK: HTTP/1.1 200 OK - 235 bytes in 0.000 second response time");
  EXPECT_EQ(r.long_text, "");
  ASSERT_EQ(r.perfdata.size(), 2u);
  EXPECT_EQ(r.perfdata[0].label, "time");
  EXPECT_EQ(r.perfdata[1].max, std::nullopt);
}

TEST(ParsePluginOutputTest, FollowsTheGuidelinesMultiLineFormat) {
  const CheckResult r = ParsePluginOutput(
      "DISK OK - free space: / 3326 MB (56%); | /=2643MB;5948;5958;0;5968\n"
      "/ 15272 MB (77%);\n"
      "/boot 68 MB (69%);\n"
      "/var/log 819 MB (84%); | /boot=68MB;88;93;0;98\n"
      "/home=69357MB;253404;253409;0;253414 \n"
      "/var/log=818MB;970;975;0;980\n",
      0);
  EXPECT_EQ(r.text, "DISK OK - free space: / 3326 MB (56%);");
  EXPECT_EQ(r.long_text, "/ 15272 MB (77%);\n/boot 68 MB (69%);\n/var/log 819 MB (84%);");
  ASSERT_EQ(r.perfdata.size(), 4u);
  EXPECT_EQ(r.perfdata[0].label, "/");
  EXPECT_EQ(r.perfdata[1].label, "/boot");
  EXPECT_EQ(r.perfdata[2].label, "/home");
  EXPECT_EQ(r.perfdata[3].label, "/var/log");
}

struct ExitCase {
  int exit_code;
  State state;
};

class ParsePluginExitTest : public ::testing::TestWithParam<ExitCase> {};

TEST_P(ParsePluginExitTest, TakesTheStateFromTheExitCode) {
  const CheckResult r = ParsePluginOutput("something\n", GetParam().exit_code);
  EXPECT_EQ(r.state, GetParam().state);
  EXPECT_EQ(r.text, "something");
}

INSTANTIATE_TEST_SUITE_P(Table, ParsePluginExitTest,
                         ::testing::Values(ExitCase{0, State::kOk}, ExitCase{1, State::kWarning},
                                           ExitCase{2, State::kCritical},
                                           ExitCase{3, State::kUnknown},
                                           ExitCase{4, State::kUnknown},
                                           ExitCase{127, State::kUnknown},
                                           ExitCase{-1, State::kUnknown}));

TEST(ParsePluginOutputTest, NotesOutOfBoundsExitCodes) {
  EXPECT_EQ(ParsePluginOutput("x", 127).long_text, "(Return code of 127 is out of bounds)");
}

TEST(ParsePluginOutputTest, KeepsTheTextVerbatimAndHandlesCrLf) {
  const CheckResult r = ParsePluginOutput("WARNING: something warns\r\nline 2\r\n", 1);
  EXPECT_EQ(r.text, "WARNING: something warns");
  EXPECT_EQ(r.long_text, "line 2");
  EXPECT_TRUE(r.perfdata.empty());
}

TEST(ParsePluginOutputTest, SaysSoWhenThePluginPrintedNothing) {
  EXPECT_EQ(ParsePluginOutput("", 2).text, "(No output returned from plugin)");
}

TEST(ParsePluginOutputTest, ReportsBadPerfdataItemsSeparately) {
  std::vector<std::string> errors;
  const CheckResult r = ParsePluginOutput("OK | a=1 b=1,5 c=3", 0, &errors);
  EXPECT_EQ(r.perfdata.size(), 2u);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("'b=1,5'"), std::string::npos) << errors[0];
}

TEST(ParsePluginOutputTest, TruncatesAt64KiBAndCountsTheDroppedBytes) {
  const std::string big = "OK\n" + std::string(kMaxPluginOutput + 100, 'x');
  const CheckResult r = ParsePluginOutput(big, 0);
  EXPECT_EQ(r.text, "OK");
  EXPECT_NE(r.long_text.find("output truncated: 103 bytes"), std::string::npos);
  EXPECT_LT(r.long_text.size(), kMaxPluginOutput + 200);
}

}  // namespace
}  // namespace gs::probes
