// state.db's alert tables: engine records, the ground state, downtimes, history, and the
// outbox batch write. Everything round-trips exactly and survives reopening.
#include <gtest/gtest.h>

#include "collector/storage/alert_codec.h"
#include "collector/storage/state_db.h"
#include "tests/support/peers.h"

namespace gs::collector {
namespace {

using probes::State;
using std::chrono::hours;
using std::chrono::milliseconds;
using Time = std::chrono::system_clock::time_point;

const Time kT0 = Time(milliseconds(1'800'000'000'000));

std::unique_ptr<StateDb> Open(const test::TempDir& dir) {
  auto db = StateDb::Open(dir / "state.db");
  if (!db) ADD_FAILURE() << db.error().message;
  return db ? std::move(*db) : nullptr;
}

// A record with every field set.
alerts::AlertRecord Record(const std::string& node) {
  alerts::AlertRecord a;
  a.facts.node = node;
  a.facts.check = "http";
  a.facts.kind = "http";
  a.facts.tags = std::make_shared<const probes::Tags>(probes::Tags{{"role", "web"}});
  a.facts.host_check = true;
  a.state = State::kCritical;
  a.hard_problem = true;
  a.output = "connection refused";
  a.since = kT0;
  a.previous_hard_state = State::kWarning;
  a.flap.Restore({State::kOk, State::kCritical, State::kCritical}, false);
  a.ack = alerts::Ack{"ann", "on it", false, kT0 + hours(1), kT0 + hours(2)};
  a.routes["0:web"] = alerts::RouteRecord{true, State::kCritical, kT0, kT0 + hours(1), 1};
  a.failing_since = kT0 - hours(1);
  a.last_result = kT0 + hours(3);
  return a;
}

TEST(StateDbAlertsTest, RecordsRoundTripEveryFieldAndSurviveReopen) {
  test::TempDir dir;
  {
    auto db = Open(dir);
    ASSERT_TRUE(db->ApplyAlertRecords(
        {{{"web1", "http"}, Record("web1")}, {{"web2", "http"}, Record("web2")}}));
    ASSERT_TRUE(db->ApplyAlertRecords({{{"web2", "http"}, std::nullopt}}));  // deleted
  }
  auto db = Open(dir);
  auto records = db->LoadAlertRecords();
  ASSERT_TRUE(records) << records.error().message;
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0], Record("web1"));
}

TEST(StateDbAlertsTest, ARecordFromBeforeTheOutageFieldsStillDecodes) {
  nlohmann::json j = nlohmann::json::parse(EncodeAlertRecord(Record("web1")));
  j.erase("failing_since");
  j.erase("last_result");
  auto a = DecodeAlertRecord(j.dump());
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->failing_since, Time{});
  EXPECT_EQ(a->last_result, Time{});
}

TEST(StateDbAlertsTest, AHandEditedTimeIsClampedNotOverflowed) {
  nlohmann::json j = nlohmann::json::parse(EncodeAlertRecord(Record("web1")));
  j["since"] = std::numeric_limits<std::int64_t>::max();
  auto a = DecodeAlertRecord(j.dump());
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_GT(a->since, kT0);
}

TEST(StateDbAlertsTest, TheGroundStateRoundTripsWithTheRecords) {
  test::TempDir dir;
  alerts::GroundState g;
  g.uplink_lost = true;
  g.uplink_since = kT0;
  g.region_unreachable = true;
  g.region_from = kT0 - hours(1);
  g.region_since = kT0 + hours(1);
  g.region_alerts = {{"web1", "http"}, {"web2", "http"}};
  g.recheck_from = kT0 + hours(2);
  g.uplink_restore_pending = true;
  g.region_restore_pending = true;
  g.uplink_restored_at = kT0 + hours(3);
  g.region_restored_at = kT0 + hours(4);
  {
    auto db = Open(dir);
    auto none = db->LoadGroundState();
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->has_value());  // never saved
    ASSERT_TRUE(db->ApplyAlertRecords({}, g));
  }
  auto db = Open(dir);
  auto loaded = db->LoadGroundState();
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ(**loaded, g);
}

TEST(StateDbAlertsTest, DowntimesAreSavedReplacedAndRemoved) {
  test::TempDir dir;
  alerts::Downtime d;
  d.id = "d1";
  d.match = probes::Selector({{"role", probes::Selector::Condition::Kind::kEquals, {"web"}}});
  d.start = kT0;
  d.end = Time::max();
  d.every = alerts::Recurrence{{0, 6}, 120, std::chrono::minutes(90), true};
  d.author = "ann";
  d.comment = "weekend maintenance";
  d.created = kT0;
  {
    auto db = Open(dir);
    ASSERT_TRUE(db->SaveDowntime(d));
    alerts::Downtime other = d;
    other.id = "d2";
    other.every.reset();
    other.end = kT0 + hours(1);
    ASSERT_TRUE(db->SaveDowntime(other));
    d.comment = "moved";
    ASSERT_TRUE(db->SaveDowntime(d));  // replaces d1
    auto removed = db->RemoveDowntime("d2");
    ASSERT_TRUE(removed);
    EXPECT_TRUE(*removed);
    EXPECT_FALSE(*db->RemoveDowntime("d2"));
  }
  auto db = Open(dir);
  auto all = db->LoadDowntimes();
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0], d);
}

TEST(StateDbAlertsTest, HistoryIsNewestFirstPerCheckAndPrunedByAge) {
  test::TempDir dir;
  auto db = Open(dir);
  std::vector<alerts::HistoryEntry> entries;
  for (int i = 0; i < 5; ++i) {
    entries.push_back({kT0 + hours(i), "web1", "http", "problem", State::kCritical,
                       "entry " + std::to_string(i)});
  }
  entries.push_back({kT0, "web2", "http", "recovery", State::kOk, "other"});
  ASSERT_TRUE(db->AppendHistory(entries));
  auto web1 = db->LoadHistory("web1", "http", 3);
  ASSERT_TRUE(web1);
  ASSERT_EQ(web1->size(), 3u);
  EXPECT_EQ((*web1)[0].text, "entry 4");
  EXPECT_EQ((*web1)[2].text, "entry 2");
  EXPECT_EQ(db->LoadHistory("", "", 100)->size(), 6u);
  auto pruned = db->PruneHistory(kT0 + hours(2));
  ASSERT_TRUE(pruned);
  EXPECT_EQ(*pruned, 3);  // web1's first two and web2's
  EXPECT_EQ(db->LoadHistory("web1", "", 100)->size(), 3u);
}

TEST(StateDbAlertsTest, AddAllWritesABatchInOneGo) {
  test::TempDir dir;
  auto db = Open(dir);
  std::vector<alerts::Notification> batch(3);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    batch[i].id = "n" + std::to_string(i);
    batch[i].notifier = "ops";
    batch[i].next_attempt = kT0 + milliseconds(i);
  }
  ASSERT_TRUE(db->AddAll(batch));
  ASSERT_TRUE(db->AddAll({}));
  auto all = db->LoadAll();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  for (std::size_t i = 0; i < batch.size(); ++i) EXPECT_EQ((*all)[i].id, batch[i].id);
}

TEST(StateDbAlertsTest, MessagesAndTheirRecordsAreWrittenTogether) {
  test::TempDir dir;
  {
    auto db = Open(dir);
    alerts::Notification n;
    n.id = "n1";
    n.notifier = "ops";
    alerts::GroundState g;
    g.uplink_lost = true;
    ASSERT_TRUE(db->AddAllWithRecords({n}, {{{"web1", "http"}, Record("web1")}}, g));
  }
  auto db = Open(dir);
  EXPECT_EQ(db->LoadAll()->size(), 1u);
  EXPECT_EQ(db->LoadAlertRecords()->size(), 1u);
  EXPECT_TRUE((*db->LoadGroundState())->uplink_lost);
}

}  // namespace
}  // namespace gs::collector
