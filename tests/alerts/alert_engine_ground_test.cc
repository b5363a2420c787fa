// Ground-station awareness of the alert engine: "uplink lost" and "region unreachable", one
// message each, holding the per-check pages, and one "restored" message that says what still
// fails once the held checks have been re-checked.
#include <gtest/gtest.h>

#include "alerts/alert_engine.h"
#include "tests/alerts/alert_engine_harness.h"

namespace gs::alerts {
namespace {

using probes::State;
using std::chrono::minutes;
using std::chrono::seconds;
using test::Harness;
using test::kT0;
using test::RouteTo;

const probes::Tags kUplink = {{"role", "uplink"}};

std::vector<Notification> OfEvent(const std::vector<Notification>& messages, Event event) {
  std::vector<Notification> out;
  for (const Notification& n : messages) {
    if (n.event == event) out.push_back(n);
  }
  return out;
}

// Two uplink checks (two pings out of the cloud, 2 attempts) and five web nodes.
class UplinkTest : public testing::Test {
 protected:
  UplinkTest() : h({RouteTo({"ops"}), RouteTo({"sms"})}) {
    GroundOptions o;
    o.uplink = probes::Selector({{"role", probes::Selector::Condition::Kind::kEquals, {"uplink"}}});
    h.engine.SetGround(o);
    for (int i = 0; i < 5; ++i) h.Result(Web(i), "http", State::kOk, seconds(0));
    Uplink(State::kOk, seconds(0));
  }
  static std::string Web(int i) { return "web" + std::to_string(i); }
  std::vector<Notification> Uplink(State s, seconds at) {
    std::vector<Notification> all = h.Result("gw-a", "ping", s, at, 2, kUplink);
    for (Notification& n : h.Result("gw-b", "ping", s, at, 2, kUplink)) all.push_back(n);
    return all;
  }

  Harness h;
};

TEST_F(UplinkTest, ALostUplinkIsOneMessageAndHoldsEveryOtherPage) {
  EXPECT_TRUE(Uplink(State::kCritical, seconds(10)).empty());  // SOFT: held, nothing said
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(h.Result(Web(i), "http", State::kCritical, seconds(12)).empty()) << i;
  }
  EXPECT_EQ(h.engine.HoldReason({"web0", "http"}, kT0 + seconds(12)), "uplink lost");
  const auto lost = Uplink(State::kCritical, seconds(20));  // HARD: confirmed
  ASSERT_EQ(lost.size(), 2u);                               // one per notifier
  for (const Notification& n : lost) {
    EXPECT_EQ(n.event, Event::kUplinkLost);
    EXPECT_EQ(n.alerts.size(), 2u);
    EXPECT_TRUE(n.Firing());
    EXPECT_NE(n.note.find("all 2 uplink checks fail (gw-a/ping, gw-b/ping)"), std::string::npos)
        << n.note;
  }
  EXPECT_TRUE(h.engine.ground().uplink_lost);
  EXPECT_TRUE(h.Tick(minutes(30)).empty());  // no repeats, no per-node pages
  EXPECT_TRUE(Uplink(State::kCritical, minutes(31)).empty());
}

TEST_F(UplinkTest, WhenTheUplinkReturnsWhatStillFailsIsRecheckedThenNamed) {
  Uplink(State::kCritical, seconds(10));
  for (int i = 0; i < 5; ++i) h.Result(Web(i), "http", State::kCritical, seconds(12));
  ASSERT_EQ(OfEvent(Uplink(State::kCritical, seconds(20)), Event::kUplinkLost).size(), 2u);
  // Back: the web checks' last results are from the outage, so nothing is said or paged yet.
  EXPECT_TRUE(Uplink(State::kOk, seconds(100)).empty());
  EXPECT_FALSE(h.engine.ground().uplink_lost);
  EXPECT_TRUE(h.Tick(seconds(101)).empty());
  EXPECT_EQ(h.engine.HoldReason({"web4", "http"}, kT0 + seconds(101)),
            "awaiting recheck after outage");
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(h.Result(Web(i), "http", State::kOk, seconds(110)).empty()) << i;
  }
  EXPECT_TRUE(h.Result("web4", "http", State::kCritical, seconds(112)).empty());
  const auto after = h.Tick(seconds(113));
  const auto restored = OfEvent(after, Event::kUplinkRestored);
  ASSERT_EQ(restored.size(), 2u);
  EXPECT_FALSE(restored[0].Firing());  // the uplink checks, resolved
  EXPECT_EQ(restored[0].alerts.size(), 2u);
  EXPECT_NE(restored[0].note.find("the uplink is back after 1m; still failing: web4/http"),
            std::string::npos)
      << restored[0].note;
  // web4 still fails after the outage: a real problem, paged as usual.
  const auto paged = OfEvent(after, Event::kAlert);
  ASSERT_EQ(paged.size(), 2u);
  EXPECT_EQ(paged[0].Primary().node, "web4");
  EXPECT_TRUE(h.Tick(seconds(200)).empty());
}

TEST_F(UplinkTest, ABlipOfTheUplinkSaysNothing) {
  EXPECT_TRUE(Uplink(State::kCritical, seconds(10)).empty());
  EXPECT_TRUE(h.Result("web0", "http", State::kCritical, seconds(11)).empty());  // held
  EXPECT_TRUE(Uplink(State::kOk, seconds(20)).empty());
  // Never announced, so no recheck wait: web0's problem is paged at once.
  const auto paged = h.Tick(seconds(21));
  ASSERT_EQ(paged.size(), 2u);
  EXPECT_EQ(paged[0].event, Event::kAlert);
}

TEST_F(UplinkTest, OneUplinkCheckFailingIsAnOrdinaryProblem) {
  h.Result("gw-a", "ping", State::kCritical, seconds(10), 2, kUplink);
  const auto paged = h.Result("gw-a", "ping", State::kCritical, seconds(20), 2, kUplink);
  ASSERT_EQ(paged.size(), 2u);
  EXPECT_EQ(paged[0].event, Event::kAlert);
  EXPECT_EQ(h.engine.HoldReason({"web0", "http"}, kT0 + seconds(20)), "");
}

TEST_F(UplinkTest, AHeldCheckThatNeverReportsIsPagedAfterRecheckWithin) {
  Uplink(State::kCritical, seconds(10));
  h.Result("web0", "http", State::kCritical, seconds(12));
  Uplink(State::kCritical, seconds(20));
  Uplink(State::kOk, seconds(100));
  EXPECT_TRUE(h.Tick(seconds(100) + minutes(4)).empty());
  const auto after = h.Tick(seconds(100) + minutes(5));
  EXPECT_EQ(OfEvent(after, Event::kUplinkRestored).size(), 2u);
  EXPECT_EQ(OfEvent(after, Event::kAlert).size(), 2u);
}

TEST_F(UplinkTest, TheGroundStateSurvivesARestart) {
  Uplink(State::kCritical, seconds(10));
  Uplink(State::kCritical, seconds(20));
  ASSERT_TRUE(h.engine.ground().uplink_lost);
  // A new engine restored from what was saved: records and the ground state.
  Harness again({RouteTo({"ops"}), RouteTo({"sms"})});
  GroundOptions o;
  o.uplink = probes::Selector({{"role", probes::Selector::Condition::Kind::kEquals, {"uplink"}}});
  for (const auto& [key, record] : h.engine.records()) again.engine.Restore(record);
  again.engine.SetGround(o);
  again.engine.RestoreGround(h.engine.ground());
  again.statuses = h.statuses;
  EXPECT_TRUE(again.Result("gw-a", "ping", State::kCritical, seconds(30), 2, kUplink).empty());
  EXPECT_TRUE(again.Tick(seconds(31)).empty());  // not announced twice
  std::vector<Notification> back =
      again.Result("gw-a", "ping", State::kOk, seconds(40), 2, kUplink);
  for (auto& n : again.Result("gw-b", "ping", State::kOk, seconds(40), 2, kUplink))
    back.push_back(n);
  for (auto& n : again.Tick(seconds(41))) back.push_back(n);
  EXPECT_EQ(OfEvent(back, Event::kUplinkRestored).size(), 2u);
}

// Ten web nodes; the region is unreachable when over half of them fail within 2 minutes.
class RegionTest : public testing::Test {
 protected:
  RegionTest() : h({RouteTo({"ops"})}) {
    GroundOptions o;
    o.region_share = 0.5;
    o.region_window = minutes(2);
    o.region_min_nodes = 3;
    h.engine.SetGround(o);
    for (int i = 0; i < 10; ++i) h.Result(Web(i), "http", State::kOk, seconds(0));
  }
  static std::string Web(int i) { return "web" + std::to_string(i); }
  std::vector<Notification> Fail(int from, int to, State s, seconds at) {
    std::vector<Notification> all;
    for (int i = from; i < to; ++i) {
      for (Notification& n : h.Result(Web(i), "http", s, at + seconds(i), 2)) all.push_back(n);
    }
    return all;
  }

  Harness h;
};

TEST_F(RegionTest, MostNodesFailingAtOnceIsOneRegionMessage) {
  EXPECT_TRUE(Fail(0, 7, State::kCritical, seconds(10)).empty());  // SOFT: suspect, nothing said
  EXPECT_FALSE(h.engine.ground().region_unreachable);
  const auto hard = Fail(0, 7, State::kCritical, seconds(40));
  const auto region = OfEvent(hard, Event::kRegionUnreachable);
  ASSERT_EQ(region.size(), 1u);
  EXPECT_EQ(hard.size(), 1u);  // and no per-node page
  EXPECT_EQ(region[0].alerts.size(), 7u);
  EXPECT_NE(region[0].note.find("of 10 nodes"), std::string::npos) << region[0].note;
  EXPECT_EQ(h.engine.HoldReason({"web0", "http"}, kT0 + seconds(60)), "region unreachable");
  EXPECT_TRUE(h.Tick(minutes(20)).empty());
}

TEST_F(RegionTest, TheRegionIsBackWhenMostOfItsNodesRecovered) {
  Fail(0, 7, State::kCritical, seconds(10));
  Fail(0, 7, State::kCritical, seconds(40));
  ASSERT_TRUE(h.engine.ground().region_unreachable);
  EXPECT_TRUE(Fail(0, 4, State::kOk, seconds(300)).empty());  // 3 still fail: not over yet
  EXPECT_TRUE(h.engine.ground().region_unreachable);
  EXPECT_TRUE(Fail(4, 5, State::kOk, seconds(300)).empty());  // 2 fail: over
  EXPECT_FALSE(h.engine.ground().region_unreachable);
  EXPECT_TRUE(h.Tick(seconds(320)).empty());  // web5 and web6 are re-checked first
  Fail(5, 7, State::kCritical, seconds(330));
  const auto after = h.Tick(seconds(340));
  const auto restored = OfEvent(after, Event::kRegionRestored);
  ASSERT_EQ(restored.size(), 1u);
  EXPECT_EQ(restored[0].alerts.size(), 7u);  // every check the first message named, resolved
  EXPECT_FALSE(restored[0].Firing());
  EXPECT_NE(restored[0].note.find("still failing: web5/http, web6/http"), std::string::npos)
      << restored[0].note;
  const auto paged = OfEvent(after, Event::kAlert);
  ASSERT_EQ(paged.size(), 2u);  // web5 and web6, paged as usual from now on
}

TEST_F(RegionTest, AFalseAlarmSaysNothing) {
  EXPECT_TRUE(Fail(0, 7, State::kCritical, seconds(10)).empty());  // SOFT: suspect
  EXPECT_TRUE(Fail(0, 7, State::kOk, seconds(20)).empty());
  EXPECT_TRUE(h.Tick(minutes(10)).empty());
  EXPECT_EQ(h.engine.ground(), GroundState{});
}

TEST_F(RegionTest, OldFailuresDoNotMakeARegionOutage) {
  Fail(0, 4, State::kCritical, seconds(0));
  EXPECT_EQ(Fail(0, 4, State::kCritical, seconds(10)).size(), 4u);  // paged one by one
  // Hours later two more nodes fail: 6 of 10 fail, but only 2 of them within the window.
  const auto later = Fail(4, 6, State::kCritical, minutes(180));
  EXPECT_TRUE(later.empty());  // SOFT
  EXPECT_EQ(Fail(4, 6, State::kCritical, minutes(181)).size(), 2u);
  EXPECT_FALSE(h.engine.ground().region_unreachable);
}

TEST_F(RegionTest, TooFewNodesAreNeverARegion) {
  GroundOptions o;
  o.region_share = 0.5;
  o.region_min_nodes = 3;
  Harness small({RouteTo({"ops"})});
  small.engine.SetGround(o);
  small.Result("a", "http", State::kOk, seconds(0));
  small.Result("b", "http", State::kOk, seconds(0));
  small.Result("a", "http", State::kCritical, seconds(10));
  EXPECT_EQ(small.Result("b", "http", State::kCritical, seconds(10)).size(), 1u);
  EXPECT_FALSE(small.engine.ground().region_unreachable);
}

TEST_F(RegionTest, TheGroundStateIsInTheOutputWhenItChanges) {
  Fail(0, 7, State::kCritical, seconds(10));
  Fail(0, 5, State::kCritical, seconds(40));
  EXPECT_FALSE(h.output.ground.has_value());  // 5 HARD of 10 is not more than half
  Fail(5, 6, State::kCritical, seconds(40));
  ASSERT_TRUE(h.output.ground.has_value());
  EXPECT_TRUE(h.output.ground->region_unreachable);
  EXPECT_EQ(h.output.ground->region_alerts.size(), 7u);
}

}  // namespace
}  // namespace gs::alerts
