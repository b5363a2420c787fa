// The alert engine as a pure state machine: sequences of results and times in, messages out.
#include "alerts/alert_engine.h"

#include <gtest/gtest.h>

#include "tests/alerts/alert_engine_harness.h"

namespace gs::alerts {
namespace {

using probes::State;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using test::Harness;
using test::kT0;
using test::RouteTo;

TEST(AlertEngineTest, AHardProblemIsSentOnceAndItsRecoveryOnce) {
  Harness h({RouteTo({"ops"})});
  EXPECT_TRUE(h.Result("web1", "http", State::kOk, seconds(0)).empty());
  auto problem = h.Result("web1", "http", State::kCritical, seconds(10));
  ASSERT_EQ(problem.size(), 1u);
  EXPECT_EQ(problem[0].notifier, "ops");
  EXPECT_TRUE(problem[0].Firing());
  EXPECT_EQ(problem[0].Primary().node, "web1");
  EXPECT_EQ(problem[0].Primary().state, State::kCritical);
  EXPECT_TRUE(h.Result("web1", "http", State::kCritical, seconds(20)).empty());
  auto recovery = h.Result("web1", "http", State::kOk, seconds(30));
  ASSERT_EQ(recovery.size(), 1u);
  EXPECT_FALSE(recovery[0].Firing());
  EXPECT_EQ(recovery[0].Primary().previous_state, State::kCritical);
}

TEST(AlertEngineTest, SoftProblemsAreNotSent) {
  Harness h({RouteTo({"ops"})});
  EXPECT_TRUE(h.Result("web1", "http", State::kCritical, seconds(0), 3).empty());
  EXPECT_TRUE(h.Result("web1", "http", State::kCritical, seconds(10), 3).empty());
  EXPECT_TRUE(h.Result("web1", "http", State::kOk, seconds(20), 3).empty());  // soft recovery
  EXPECT_TRUE(h.Result("web1", "http", State::kCritical, seconds(30), 3).empty());
  EXPECT_TRUE(h.Result("web1", "http", State::kCritical, seconds(40), 3).empty());
  EXPECT_EQ(h.Result("web1", "http", State::kCritical, seconds(50), 3).size(), 1u);  // HARD
}

TEST(AlertEngineTest, AStateChangeBetweenProblemsIsSent) {
  Harness h({RouteTo({"ops"})});
  h.Result("web1", "http", State::kWarning, seconds(0));
  auto worse = h.Result("web1", "http", State::kCritical, seconds(10));
  ASSERT_EQ(worse.size(), 1u);
  EXPECT_EQ(worse[0].Primary().state, State::kCritical);
}

TEST(AlertEngineTest, FiftyNodesFailingTogetherSendOneGroupedMessage) {
  Route r = RouteTo({"ops", "sms"});
  r.group_by = {"check", "role"};
  r.group_wait = seconds(30);
  Harness h({r});
  for (int i = 0; i < 50; ++i) {
    EXPECT_TRUE(
        h.Result("web" + std::to_string(i), "http", State::kCritical, seconds(i % 20)).empty());
  }
  EXPECT_TRUE(h.Tick(seconds(29)).empty());  // still in group_wait
  auto sent = h.Tick(seconds(30));
  ASSERT_EQ(sent.size(), 2u);  // one per notifier
  for (const Notification& n : sent) {
    EXPECT_EQ(n.alerts.size(), 50u);
    EXPECT_EQ(n.group_labels, (probes::Tags{{"check", "http"}, {"role", "web"}}));
  }
  EXPECT_EQ(Headline(sent[0]).rfind("[FIRING:50] http CRITICAL on ", 0), 0u) << Headline(sent[0]);
  EXPECT_TRUE(h.Tick(seconds(31)).empty());
}

TEST(AlertEngineTest, GroupChangesWaitForGroupIntervalAndListTheGroup) {
  Route r = RouteTo({"ops"});
  r.group_by = {"check"};
  r.group_interval = minutes(5);
  Harness h({r});
  ASSERT_EQ(h.Result("web1", "http", State::kCritical, seconds(0)).size(), 1u);
  EXPECT_TRUE(h.Result("web2", "http", State::kCritical, seconds(60)).empty());
  EXPECT_TRUE(h.Tick(seconds(299)).empty());
  auto update = h.Tick(seconds(300));
  ASSERT_EQ(update.size(), 1u);
  EXPECT_EQ(update[0].alerts.size(), 2u);  // the whole group, both firing
}

TEST(AlertEngineTest, RepeatIntervalResendsAFiringGroup) {
  Route r = RouteTo({"ops"});
  r.repeat_interval = hours(1);
  Harness h({r});
  ASSERT_EQ(h.Result("web1", "http", State::kCritical, seconds(0)).size(), 1u);
  EXPECT_TRUE(h.Tick(minutes(59)).empty());
  EXPECT_EQ(h.Tick(minutes(60)).size(), 1u);
  EXPECT_TRUE(h.Tick(minutes(61)).empty());
}

TEST(AlertEngineTest, RoutesMatchOnStateTagsAndCheck) {
  Route pager = RouteTo({"pager"});
  pager.states = {State::kCritical};
  pager.match = probes::Selector({{"role", probes::Selector::Condition::Kind::kEquals, {"db"}}});
  Route all = RouteTo({"ops"});
  Harness h({pager, all});
  auto warn = h.Result("db1", "mysql", State::kWarning, seconds(0), 1, {{"role", "db"}});
  ASSERT_EQ(warn.size(), 1u);
  EXPECT_EQ(warn[0].notifier, "ops");
  auto crit = h.Result("db1", "mysql", State::kCritical, seconds(10), 1, {{"role", "db"}});
  ASSERT_EQ(crit.size(), 2u);
  auto web = h.Result("web1", "http", State::kCritical, seconds(20));
  ASSERT_EQ(web.size(), 1u);
  EXPECT_EQ(web[0].notifier, "ops");
}

TEST(AlertEngineTest, AChecksProblemsAreHeldWhileItsNodeIsDown) {
  Harness h({RouteTo({"ops"})});
  h.extra["ping"].host_check = true;
  auto down = h.Result("web1", "ping", State::kCritical, seconds(0));
  ASSERT_EQ(down.size(), 1u);
  EXPECT_TRUE(h.Result("web1", "http", State::kCritical, seconds(5)).empty());
  EXPECT_EQ(h.engine.HoldReason({"web1", "http"}, kT0 + seconds(5)), "node down");
  // The node comes back but http still fails: now it is paged.
  auto up = h.Result("web1", "ping", State::kOk, seconds(60));
  ASSERT_EQ(up.size(), 2u);
  EXPECT_FALSE(up[0].Firing() && up[0].Primary().check == "ping");
}

TEST(AlertEngineTest, DependentChecksAreHeldWhileTheirParentFails) {
  Harness h({RouteTo({"ops"})});
  h.extra["http"].depends_on =
      probes::Selector({{"check", probes::Selector::Condition::Kind::kEquals, {"lb"}}});
  ASSERT_EQ(h.Result("lb1", "lb", State::kCritical, seconds(0), 1, {{"role", "lb"}}).size(), 1u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(h.Result("web" + std::to_string(i), "http", State::kCritical, seconds(1)).empty());
  }
  EXPECT_EQ(h.engine.HoldReason({"web0", "http"}, kT0 + seconds(1)), "depends on lb1/lb");
  // The parent recovers; the children that still fail are paged.
  auto after = h.Result("lb1", "lb", State::kOk, seconds(30), 1, {{"role", "lb"}});
  EXPECT_EQ(after.size(), 6u);
}

TEST(AlertEngineTest, FlappingSendsOneNoticeInsteadOfEveryChange) {
  Harness h({RouteTo({"ops"})});
  std::vector<Notification> all;
  for (int i = 0; i < 40; ++i) {
    auto out = h.Result("web1", "http", i % 2 == 0 ? State::kOk : State::kCritical, seconds(i));
    all.insert(all.end(), out.begin(), out.end());
  }
  int started = 0;
  int alerts = 0;
  for (const Notification& n : all) {
    if (n.event == Event::kFlappingStarted) ++started;
    if (n.event == Event::kAlert) ++alerts;
  }
  EXPECT_EQ(started, 1);
  // Before the history is full (21 results) changes are paged; after that, none.
  EXPECT_LE(alerts, 21);
  EXPECT_TRUE(h.engine.records().at({"web1", "http"}).flap.flapping());
  std::vector<Notification> settle;
  for (int i = 40; i < 70; ++i) {
    auto out = h.Result("web1", "http", State::kOk, seconds(i));
    settle.insert(settle.end(), out.begin(), out.end());
  }
  int stopped = 0;
  for (const Notification& n : settle) stopped += n.event == Event::kFlappingStopped ? 1 : 0;
  EXPECT_EQ(stopped, 1);
}

TEST(AlertEngineTest, DowntimeHoldsPagesButNotChecksAndEndsWithAPageIfStillFailing) {
  Harness h({RouteTo({"ops"})});
  Downtime d;
  d.id = "dt1";
  d.match = probes::Selector({{"node", probes::Selector::Condition::Kind::kEquals, {"web1"}}});
  d.start = kT0;
  d.end = kT0 + hours(1);
  h.engine.SetDowntimes({d});
  EXPECT_TRUE(h.Result("web1", "http", State::kCritical, minutes(1)).empty());
  EXPECT_TRUE(h.engine.InDowntime({"web1", "http"}, kT0 + minutes(1)));
  EXPECT_TRUE(h.Tick(minutes(59)).empty());
  auto after = h.Tick(minutes(60));
  ASSERT_EQ(after.size(), 1u);
  EXPECT_TRUE(after[0].Firing());
}

TEST(AlertEngineTest, AcknowledgementStopsRepeatsAndEscalationUntilRecovery) {
  Route r = RouteTo({"ops"});
  r.repeat_interval = minutes(10);
  r.escalate = {Escalation{minutes(15), {"boss"}}};
  Harness h({r});
  ASSERT_EQ(h.Result("web1", "http", State::kCritical, seconds(0)).size(), 1u);
  Ack ack;
  ack.author = "alice";
  ack.comment = "on it";
  ASSERT_TRUE(h.engine.Acknowledge({"web1", "http"}, ack, kT0 + minutes(1)));
  auto notice = h.engine.TakeOutput().messages;
  ASSERT_EQ(notice.size(), 1u);
  EXPECT_EQ(notice[0].event, Event::kAcknowledged);
  EXPECT_NE(notice[0].note.find("alice"), std::string::npos);
  EXPECT_TRUE(h.Tick(minutes(20)).empty());  // no repeat, no escalation
  auto recovery = h.Result("web1", "http", State::kOk, minutes(30));
  ASSERT_EQ(recovery.size(), 1u);  // recoveries are still sent
  EXPECT_FALSE(h.engine.records().at({"web1", "http"}).ack.has_value());
}

TEST(AlertEngineTest, NonStickyAckEndsWithAStateChangeAndAcksCanExpire) {
  Harness h({RouteTo({"ops"})});
  h.Result("web1", "http", State::kWarning, seconds(0));
  Ack ack;
  ack.author = "bob";
  ack.sticky = false;
  ASSERT_TRUE(h.engine.Acknowledge({"web1", "http"}, ack, kT0));
  h.engine.TakeOutput();
  EXPECT_EQ(h.Result("web1", "http", State::kCritical, seconds(10)).size(), 1u);
  ack.sticky = true;
  ack.expires = kT0 + minutes(5);
  ASSERT_TRUE(h.engine.Acknowledge({"web1", "http"}, ack, kT0 + seconds(20)));
  h.engine.TakeOutput();
  h.engine.Tick(kT0 + minutes(5));
  EXPECT_FALSE(h.engine.records().at({"web1", "http"}).ack.has_value());
  EXPECT_FALSE(h.engine.Acknowledge({"web1", "nope"}, ack, kT0));
}

TEST(AlertEngineTest, EscalationNotifiesMoreNotifiersAfterTheDelay) {
  Route r = RouteTo({"ops"});
  r.repeat_interval = std::chrono::milliseconds(0);
  r.escalate = {Escalation{minutes(15), {"lead"}}, Escalation{minutes(60), {"boss"}}};
  Harness h({r});
  ASSERT_EQ(h.Result("web1", "http", State::kCritical, seconds(0)).size(), 1u);
  EXPECT_TRUE(h.Tick(minutes(14)).empty());
  auto first = h.Tick(minutes(15));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].notifier, "lead");
  EXPECT_EQ(first[0].escalation, 1);
  auto second = h.Tick(minutes(60));
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].notifier, "boss");
  // The recovery reaches everyone who was told.
  auto recovery = h.Result("web1", "http", State::kOk, minutes(61));
  std::set<std::string> told;
  for (const Notification& n : recovery) told.insert(n.notifier);
  EXPECT_EQ(told, (std::set<std::string>{"ops", "lead", "boss"}));
}

TEST(AlertEngineTest, ARetiredNodeIsResolvedWithAReasonAndForgotten) {
  Harness h({RouteTo({"ops"})});
  h.Result("web9", "http", State::kCritical, seconds(0));
  h.engine.OnRetired({"web9", "http"}, kT0 + seconds(5));
  auto out = h.engine.TakeOutput();
  ASSERT_EQ(out.messages.size(), 1u);
  EXPECT_FALSE(out.messages[0].Firing());
  EXPECT_EQ(out.messages[0].Primary().reason, "node retired");
  EXPECT_EQ(h.engine.records().count({"web9", "http"}), 0u);
  ASSERT_EQ(out.records.count({"web9", "http"}), 1u);
  EXPECT_FALSE(out.records.at({"web9", "http"}).has_value());
}

TEST(AlertEngineTest, ARetiredHealthyNodeSendsNothing) {
  Harness h({RouteTo({"ops"})});
  h.Result("web9", "http", State::kOk, seconds(0));
  h.engine.OnRetired({"web9", "http"}, kT0 + seconds(5));
  EXPECT_TRUE(h.engine.TakeOutput().messages.empty());
}

TEST(AlertEngineTest, RestoredRecordsNeitherRepageNorForgetAProblem) {
  Harness h({RouteTo({"ops"})});
  ASSERT_EQ(h.Result("web1", "http", State::kCritical, seconds(0)).size(), 1u);
  const AlertRecord saved = h.engine.records().at({"web1", "http"});
  AlertEngine restarted;
  restarted.SetRoutes({RouteTo({"ops"})});
  restarted.Restore(saved);
  restarted.Tick(kT0 + seconds(10));
  EXPECT_TRUE(restarted.TakeOutput().messages.empty());
  CheckStatus status = h.statuses[{"web1", "http"}];
  const Transition ok = Apply(status, State::kOk, "fine", 1, kT0 + seconds(20));
  restarted.OnResult(h.Facts("web1", "http", {{"role", "web"}}), ok, kT0 + seconds(20));
  auto out = restarted.TakeOutput().messages;
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].Firing());
}

TEST(AlertEngineTest, RecordsToPersistFollowTheMessagesThatChangedThem) {
  Harness h({RouteTo({"ops"})});
  h.Result("web1", "http", State::kOk, seconds(0));
  CheckFacts facts = h.Facts("web1", "http", {{"role", "web"}});
  auto& status = h.statuses[{"web1", "http"}];
  const Transition t = Apply(status, State::kCritical, "down", 1, kT0 + seconds(1));
  h.engine.OnResult(facts, t, kT0 + seconds(1));
  auto out = h.engine.TakeOutput();
  ASSERT_EQ(out.messages.size(), 1u);
  ASSERT_EQ(out.records.count({"web1", "http"}), 1u);
  ASSERT_TRUE(out.records.at({"web1", "http"}).has_value());
  EXPECT_TRUE(out.records.at({"web1", "http"})->routes.begin()->second.firing);
  ASSERT_FALSE(out.history.empty());
  EXPECT_EQ(out.history.front().event, "problem");
}

}  // namespace
}  // namespace gs::alerts
