#include "collector/passive.h"

#include <gtest/gtest.h>

namespace gs::collector {
namespace {

using namespace std::chrono_literals;
using probes::State;
using Clock = std::chrono::system_clock;

TEST(ResultSubmissionTest, ParsesPluginOutputWithExitCodeOrStateName) {
  auto a = ParseResultSubmission(
      R"({"node": "db01", "check": "backup", "exit_code": 1, "output": "WARN: slow | t=3s\nmore"})");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->node, "db01");
  EXPECT_EQ(a->check, "backup");
  EXPECT_EQ(a->result.state, State::kWarning);
  EXPECT_EQ(a->result.text, "WARN: slow");
  EXPECT_EQ(a->result.long_text, "more");
  ASSERT_EQ(a->result.perfdata.size(), 1U);
  EXPECT_TRUE(a->result.passive);
  auto b = ParseResultSubmission(R"({"check": "backup", "state": "CRITICAL", "output": "x"})");
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->node, "");
  EXPECT_EQ(b->result.state, State::kCritical);
}

TEST(ResultSubmissionTest, RejectsBadBodiesWithAReason) {
  const struct {
    const char* body;
    const char* reason;
  } cases[] = {
      {"", "not valid JSON"},
      {"[1]", "JSON object"},
      {R"({"check": "b"})", "exactly one of exit_code, state"},
      {R"({"check": "b", "exit_code": 0, "state": "OK"})", "exactly one of"},
      {R"({"check": "b", "exit_code": 4})", "0..3"},
      {R"({"check": "b", "exit_code": "0"})", "0..3"},
      {R"({"check": "b", "state": "FINE"})", "OK, WARNING"},
      {R"({"exit_code": 0})", "check is required"},
      {R"({"check": 5, "exit_code": 0})", "check must be a string"},
      {R"({"check": "b", "exit_code": 0, "extra": 1})", "unknown field \"extra\""},
  };
  for (const auto& c : cases) {
    auto r = ParseResultSubmission(c.body);
    ASSERT_FALSE(r) << c.body;
    EXPECT_NE(r.error().message.find(c.reason), std::string::npos)
        << c.body << " -> " << r.error().message;
  }
}

TEST(HeartbeatTest, AnEmptyBodyIsAPlainOkHeartbeat) {
  auto r = ParseHeartbeat("backup", "", "", "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->check, "backup");
  EXPECT_EQ(r->result.state, State::kOk);
  EXPECT_EQ(r->result.text, "heartbeat received");
  EXPECT_TRUE(r->result.passive);
}

TEST(HeartbeatTest, ABodyAndExitCodeAreTheResult) {
  auto r = ParseHeartbeat("backup", "db01", "2", "backup failed: disk full | bytes=0B\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->node, "db01");
  EXPECT_EQ(r->result.state, State::kCritical);
  EXPECT_EQ(r->result.text, "backup failed: disk full");
  ASSERT_EQ(r->result.perfdata.size(), 1U);
  EXPECT_FALSE(ParseHeartbeat("backup", "", "9", ""));
  EXPECT_FALSE(ParseHeartbeat("", "", "", ""));
}

TEST(FreshnessTest, WaitsForTheFirstHeartbeatThenGoesCritical) {
  const auto since = Clock::now();
  auto waiting = EvaluateFreshness(nullptr, 1h, since, since + 30min);
  EXPECT_EQ(waiting.state, State::kOk);
  EXPECT_EQ(waiting.text, "waiting for the first heartbeat (max_age 1h)");
  auto stale = EvaluateFreshness(nullptr, 1h, since, since + 61min);
  EXPECT_EQ(stale.state, State::kCritical);
  EXPECT_EQ(stale.text, "no heartbeat received in 1h 1m (max_age 1h)");
}

TEST(FreshnessTest, AFreshHeartbeatRepeatsItsStateAndAStaleOneIsCritical) {
  alerts::CheckStatus status;
  status.checked = true;
  status.state = State::kWarning;
  status.output = "backup slow\ndetails";
  status.last_passive = Clock::now();
  auto fresh = EvaluateFreshness(&status, 25h, Clock::time_point{}, status.last_passive + 2h);
  EXPECT_EQ(fresh.state, State::kWarning);
  EXPECT_EQ(fresh.text, "backup slow");
  EXPECT_EQ(fresh.long_text, "details");
  ASSERT_EQ(fresh.perfdata.size(), 1U);
  EXPECT_EQ(fresh.perfdata[0].label, "age");
  EXPECT_DOUBLE_EQ(fresh.perfdata[0].value, 7200);
  EXPECT_EQ(fresh.perfdata[0].crit, "90000");
  EXPECT_FALSE(fresh.passive);
  auto stale = EvaluateFreshness(&status, 25h, Clock::time_point{}, status.last_passive + 26h);
  EXPECT_EQ(stale.state, State::kCritical);
  EXPECT_EQ(stale.text, "no heartbeat for 26h (max_age 25h)");
}

TEST(FreshnessTest, HumanDurations) {
  EXPECT_EQ(HumanDuration(45s), "45s");
  EXPECT_EQ(HumanDuration(200s), "3m 20s");
  EXPECT_EQ(HumanDuration(3min), "3m");
  EXPECT_EQ(HumanDuration(26h), "26h");
  EXPECT_EQ(HumanDuration(90min), "1h 30m");
  EXPECT_EQ(HumanDuration(72h), "3d");
  EXPECT_EQ(HumanDuration(75h), "3d 3h");
}

}  // namespace
}  // namespace gs::collector
