#include "collector/check_engine.h"

#include <gtest/gtest.h>

namespace gs::collector {
namespace {

using probes::State;

alerts::Route RouteTo(std::string notifier, probes::Selector match = {}) {
  alerts::Route r;
  r.match = std::move(match);
  r.notify = {std::move(notifier)};
  return r;
}

class CheckEngineTest : public ::testing::Test {
 protected:
  CheckEngineTest() {
    auto c = std::make_shared<CheckConfig>();
    c->name = "http";
    c->kind = "http";
    c->max_attempts = 3;
    job = JobSpec{std::make_shared<const probes::Target>(
                      probes::Target{"web01", "10.0.0.5", {{"role", "web"}}}),
                  c};
    engine.SetRoutes({RouteTo("ops")});
  }

  bool Feed(State s, std::string text = "x") {
    probes::CheckResult r;
    r.state = s;
    r.text = std::move(text);
    return engine.OnResult(job, r);
  }

  JobSpec job;
  std::vector<alerts::Notification> sent;
  std::map<JobKey, alerts::CheckStatus> saved;
  int saves = 0;
  CheckEngine engine{
      CheckEngine::Sinks{[this](const JobKey& k, const alerts::CheckStatus& s) {
                           saved[k] = s;
                           ++saves;
                         },
                         [this](const JobKey& k) { saved.erase(k); }, nullptr,
                         [this](alerts::AlertEngine::Output out) { Collect(std::move(out)); }}};

  void Collect(alerts::AlertEngine::Output out) {
    for (auto& n : out.messages) sent.push_back(std::move(n));
    for (auto& [key, record] : out.records) records[key] = std::move(record);
  }
  std::map<alerts::AlertKey, std::optional<alerts::AlertRecord>> records;
};

TEST_F(CheckEngineTest, AProblemNotifiesOnceWhenItBecomesHard) {
  EXPECT_FALSE(Feed(State::kOk));
  EXPECT_TRUE(Feed(State::kCritical));   // SOFT 1
  EXPECT_TRUE(Feed(State::kCritical));   // SOFT 2
  EXPECT_FALSE(Feed(State::kCritical));  // HARD 3
  EXPECT_FALSE(Feed(State::kCritical));  // still HARD: no repeat
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(sent[0].Firing());
  EXPECT_EQ(sent[0].Primary().state, State::kCritical);
  EXPECT_EQ(sent[0].Primary().previous_state, State::kOk);
  EXPECT_EQ(sent[0].notifier, "ops");
  EXPECT_EQ(sent[0].Primary().tags.at("role"), "web");
}

TEST_F(CheckEngineTest, ARecoveryAfterAHardProblemNotifiesResolved) {
  for (int i = 0; i < 3; ++i) Feed(State::kCritical);
  Feed(State::kOk);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_FALSE(sent[1].Firing());
  EXPECT_EQ(sent[1].Primary().previous_state, State::kCritical);
}

TEST_F(CheckEngineTest, ASoftProblemThatRecoversNotifiesNothing) {
  Feed(State::kCritical);
  Feed(State::kOk);
  EXPECT_TRUE(sent.empty());
}

TEST_F(CheckEngineTest, ARestoredHardProblemIsNotNotifiedAgain) {
  for (int i = 0; i < 3; ++i) Feed(State::kCritical);
  const auto persisted = saved;
  sent.clear();
  CheckEngine restarted{
      CheckEngine::Sinks{nullptr, nullptr, nullptr,
                         [this](alerts::AlertEngine::Output out) { Collect(std::move(out)); }}};
  restarted.SetRoutes({RouteTo("ops")});
  restarted.Restore(persisted);
  std::vector<alerts::AlertRecord> alert_records;
  for (const auto& [key, record] : records) {
    if (record) alert_records.push_back(*record);
  }
  restarted.RestoreAlerts(alert_records);
  probes::CheckResult r;
  r.state = State::kCritical;
  restarted.OnResult(job, r);
  EXPECT_TRUE(sent.empty());
  r.state = State::kOk;
  restarted.OnResult(job, r);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_FALSE(sent[0].Firing());
}

TEST_F(CheckEngineTest, RoutesDecideWhoIsNotified) {
  engine.SetRoutes({RouteTo(
      "dba", probes::Selector({{"role", probes::Selector::Condition::Kind::kEquals, {"db"}}}))});
  for (int i = 0; i < 3; ++i) Feed(State::kCritical);
  EXPECT_TRUE(sent.empty());
}

TEST_F(CheckEngineTest, SavesOnChangesNotOnEveryResult) {
  Feed(State::kOk, "200 OK in 0.001 s");
  Feed(State::kOk, "200 OK in 0.002 s");  // same state, type and attempt: not saved again
  EXPECT_EQ(saves, 1);
  Feed(State::kCritical);  // SOFT 1
  Feed(State::kCritical);  // SOFT 2
  EXPECT_EQ(saves, 3);
  engine.SaveAll();  // at shutdown: the latest of everything
  EXPECT_EQ(saves, 4);
  EXPECT_EQ(saved.begin()->second.attempt, 2);
}

TEST_F(CheckEngineTest, KeepsTheLastTenRunsNewestFirst) {
  for (int i = 0; i < 13; ++i) {
    probes::CheckResult r;
    r.state = i == 12 ? State::kCritical : State::kOk;
    r.text = "run " + std::to_string(i) + std::string(i == 12 ? 400 : 0, 'x');
    r.started = std::chrono::system_clock::from_time_t(1'800'000'000 + i);
    r.duration = std::chrono::milliseconds(i);
    engine.OnResult(job, r);
  }
  const auto recent = engine.entries().at({"web01", "http"}).RecentNewestFirst();
  ASSERT_EQ(recent.size(), CheckEngine::kRecentResults);
  EXPECT_EQ(recent[0].state, State::kCritical);
  EXPECT_EQ(recent[0].text.size(), CheckEngine::kRecentText);  // cut
  EXPECT_EQ(recent[0].duration, std::chrono::milliseconds(12));
  EXPECT_EQ(recent[1].text, "run 11");
  EXPECT_EQ(recent[9].text, "run 3");
  EXPECT_EQ(recent[9].started, std::chrono::system_clock::from_time_t(1'800'000'003));
}

TEST_F(CheckEngineTest, PerfdataIsSavedWithTheStatusAndRestored) {
  probes::CheckResult r;
  r.state = State::kOk;
  r.text = "fine";
  r.perfdata = {probes::Perfdata{"time", 0.5, "s", "1", "2", 0.0, std::nullopt}};
  engine.OnResult(job, r);
  const std::string saved_perfdata = saved.at({"web01", "http"}).perfdata;
  EXPECT_EQ(saved_perfdata, "time=0.5s;1;2;0");
  CheckEngine restarted{CheckEngine::Sinks{}};
  restarted.Restore(saved);
  const auto& entry = restarted.entries().at({"web01", "http"});
  ASSERT_EQ(entry.perfdata.size(), 1u);
  EXPECT_EQ(entry.perfdata[0].label, "time");
  EXPECT_EQ(entry.perfdata[0].crit, "2");
  EXPECT_TRUE(entry.recent.empty());  // runs are not kept across restarts
}

TEST_F(CheckEngineTest, ARemovedJobIsForgotten) {
  Feed(State::kOk);
  ASSERT_EQ(saved.size(), 1u);
  engine.OnRemoved({"web01", "http"});
  EXPECT_TRUE(saved.empty());
  EXPECT_TRUE(engine.entries().empty());
}

}  // namespace
}  // namespace gs::collector

namespace gs::collector {
namespace {

// With schedule_flush set, results only ask for a flush (once until it runs); the messages
// come out of FlushAlerts, all of a burst's in one pass.
TEST(CheckEngineFlushTest, ABurstOfResultsSharesOneScheduledFlush) {
  std::vector<alerts::Notification> sent;
  int scheduled = 0;
  CheckEngine engine{CheckEngine::Sinks{nullptr, nullptr, nullptr,
                                        [&](alerts::AlertEngine::Output out) {
                                          for (auto& n : out.messages) sent.push_back(n);
                                        },
                                        [&] { ++scheduled; }}};
  alerts::Route route;
  route.notify = {"ops"};
  route.group_by = {"check"};
  engine.SetRoutes({route});
  auto check = std::make_shared<CheckConfig>();
  check->name = "http";
  check->max_attempts = 1;
  probes::CheckResult critical;
  critical.state = probes::State::kCritical;
  for (const char* node : {"web01", "web02", "web03"}) {
    engine.OnResult(
        JobSpec{std::make_shared<const probes::Target>(probes::Target{node, node, {}}), check},
        critical);
  }
  EXPECT_EQ(scheduled, 1);
  EXPECT_TRUE(sent.empty());
  engine.FlushAlerts();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].alerts.size(), 3u);
  engine.OnResult(
      JobSpec{std::make_shared<const probes::Target>(probes::Target{"web01", "web01", {}}), check},
      probes::CheckResult{});
  EXPECT_EQ(scheduled, 2);
  engine.FlushAlerts();
  EXPECT_EQ(sent.size(), 2u);  // web01's recovery (the group's new state)
}

}  // namespace
}  // namespace gs::collector
