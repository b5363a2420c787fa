#include "collector/storage/state_db.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <functional>
#include <thread>

#include "alerts/dispatcher.h"
#include "tests/support/peers.h"

namespace gs::collector {
namespace {

using alerts::CheckStatus;
using alerts::Notification;
using std::chrono::milliseconds;
using Time = std::chrono::system_clock::time_point;
using test::TempDir;

bool WaitUntil(const std::function<bool()>& done) {
  return test::WaitUntil(done, std::chrono::seconds(10));
}

Notification Note(std::string id, Time next_attempt = Time{milliseconds(5000)}) {
  Notification n;
  n.id = std::move(id);
  n.notifier = "ops";
  alerts::AlertItem a;
  a.firing = false;
  a.node = "db1";
  a.check = "mysql";
  a.state = probes::State::kOk;
  a.previous_state = probes::State::kCritical;
  a.output = "Uptime: 10";
  a.since = Time{milliseconds(1714564800123)};
  a.tags = {{"role", "db"}, {"env", "prod \"quoted\""}};
  n.attempts = 0;
  n.next_attempt = next_attempt;
  n.alerts.push_back(std::move(a));
  return n;
}

CheckStatus Status() {
  CheckStatus c;
  c.state = probes::State::kWarning;
  c.type = alerts::StateType::kSoft;
  c.attempt = 2;
  c.output = "slow: 1.5 s";
  c.last_check = Time{milliseconds(3000)};
  c.last_change = Time{milliseconds(2000)};
  c.last_hard_change = Time{milliseconds(1000)};
  c.checked = true;
  c.perfdata = "time=1.5s;1;2;0 size=612B;;;0";
  return c;
}

TEST(StateDbTest, CheckStatesRoundTripAndSurviveReopen) {
  TempDir dir;
  {
    auto db = StateDb::Open(dir.path() / "state.db");
    ASSERT_TRUE(db) << db.error().message;
    ASSERT_TRUE((*db)->SaveCheckState("web1", "http", Status()));
    CheckStatus other = Status();
    other.state = probes::State::kOk;
    other.type = alerts::StateType::kHard;
    ASSERT_TRUE((*db)->SaveCheckState("web1", "http", other));  // replaces
    ASSERT_TRUE((*db)->SaveCheckState("web2", "http", Status()));
  }
  auto db = StateDb::Open(dir.path() / "state.db");
  ASSERT_TRUE(db) << db.error().message;
  auto states = (*db)->LoadCheckStates();
  ASSERT_TRUE(states) << states.error().message;
  ASSERT_EQ(states->size(), 2u);
  EXPECT_EQ((states->at({"web2", "http"})), Status());
  EXPECT_EQ((states->at({"web1", "http"}).state), probes::State::kOk);
  ASSERT_TRUE((*db)->RemoveCheckState("web1", "http"));
  EXPECT_EQ((*db)->LoadCheckStates()->size(), 1u);
}

// A state.db of schema 5 (before perfdata was kept) is migrated: its rows stay and read back
// with no perfdata.
TEST(StateDbTest, AVersion5DatabaseIsMigratedKeepingItsStates) {
  TempDir dir;
  const auto path = dir.path() / "state.db";
  ASSERT_TRUE(StateDb::Open(path));
  {  // Back to how version 5 looked, with one row.
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    const char* v5 =
        "ALTER TABLE check_state DROP COLUMN perfdata;"
        "INSERT INTO check_state VALUES ('web1', 'http', 1, 1, 1, 'slow', 3000, 2000, 1000, 1, 0);"
        "PRAGMA user_version = 5;";
    ASSERT_EQ(sqlite3_exec(raw, v5, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(raw);
    sqlite3_close(raw);
  }
  auto db = StateDb::Open(path);
  ASSERT_TRUE(db) << db.error().message;
  auto states = (*db)->LoadCheckStates();
  ASSERT_TRUE(states) << states.error().message;
  ASSERT_EQ(states->size(), 1u);
  EXPECT_EQ(states->begin()->second.output, "slow");
  EXPECT_EQ(states->begin()->second.perfdata, "");
  ASSERT_TRUE((*db)->SaveCheckState("web1", "http", Status()));
  EXPECT_EQ((*db)->LoadCheckStates()->at({"web1", "http"}).perfdata, Status().perfdata);
}

TEST(StateDbTest, ApplyCheckStatesSavesAndRemovesInOneBatch) {
  TempDir dir;
  auto db = StateDb::Open(dir.path() / "state.db");
  ASSERT_TRUE(db);
  ASSERT_TRUE((*db)->SaveCheckState("old", "disk", Status()));
  std::map<StateDb::CheckKey, std::optional<CheckStatus>> batch;
  batch[{"old", "disk"}] = std::nullopt;
  batch[{"new", "disk"}] = Status();
  batch[{"new", "http"}] = Status();
  ASSERT_TRUE((*db)->ApplyCheckStates(batch));
  auto states = (*db)->LoadCheckStates();
  ASSERT_TRUE(states);
  EXPECT_EQ(states->size(), 2u);
  EXPECT_EQ(states->count({"old", "disk"}), 0u);
}

TEST(StateDbTest, OutboxRoundTripsEveryField) {
  TempDir dir;
  auto db = StateDb::Open(dir.path() / "state.db");
  ASSERT_TRUE(db) << db.error().message;
  const Notification n = Note("n1");
  ASSERT_TRUE((*db)->Add(n));
  auto all = (*db)->LoadAll();
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0], n);
}

TEST(StateDbTest, OutboxSurvivesReopenWithAttemptsAndOrder) {
  TempDir dir;
  const Time t0{milliseconds(100000)};
  {
    auto db = StateDb::Open(dir.path() / "state.db");
    ASSERT_TRUE(db);
    ASSERT_TRUE((*db)->Add(Note("late", t0 + milliseconds(50))));
    ASSERT_TRUE((*db)->Add(Note("first", t0)));
    ASSERT_TRUE((*db)->Add(Note("second", t0)));
    ASSERT_TRUE((*db)->Add(Note("gone", t0)));
    ASSERT_TRUE((*db)->Remove("gone"));
    ASSERT_TRUE((*db)->RecordAttempt("first", 3, t0 + milliseconds(10), "HTTP 503"));
  }
  auto db = StateDb::Open(dir.path() / "state.db");
  ASSERT_TRUE(db);
  auto all = (*db)->LoadAll();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, "second");
  EXPECT_EQ((*all)[1].id, "first");
  EXPECT_EQ((*all)[1].attempts, 3);
  EXPECT_EQ((*all)[1].last_error, "HTTP 503");
  EXPECT_EQ((*all)[1].next_attempt, t0 + milliseconds(10));
  EXPECT_EQ((*all)[2].id, "late");
}

TEST(StateDbTest, AddingAnExistingIdReplacesIt) {
  TempDir dir;
  auto db = StateDb::Open(dir.path() / "state.db");
  ASSERT_TRUE(db);
  ASSERT_TRUE((*db)->Add(Note("x")));
  Notification again = Note("x");
  again.alerts[0].output = "changed";
  ASSERT_TRUE((*db)->Add(again));
  auto all = (*db)->LoadAll();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].alerts[0].output, "changed");
}

TEST(StateDbTest, UsesWalAndTheCurrentSchemaVersion) {
  TempDir dir;
  ASSERT_TRUE(StateDb::Open(dir.path() / "state.db"));
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((dir.path() / "state.db").c_str(), &raw), SQLITE_OK);
  auto pragma = [&](const char* sql) {
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(raw, sql, -1, &s, nullptr);
    sqlite3_step(s);
    std::string v = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return v;
  };
  EXPECT_EQ(pragma("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(pragma("PRAGMA user_version"), std::to_string(StateDb::kSchemaVersion));
  sqlite3_close(raw);
}

TEST(StateDbTest, RefusesANewerSchema) {
  TempDir dir;
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((dir.path() / "state.db").c_str(), &raw), SQLITE_OK);
  sqlite3_exec(raw, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
  sqlite3_close(raw);
  auto db = StateDb::Open(dir.path() / "state.db");
  ASSERT_FALSE(db);
  EXPECT_NE(db.error().message.find("newer"), std::string::npos) << db.error().message;
}

TEST(StateDbTest, OpenFailsWithAMessageForAnUnwritablePath) {
  auto db = StateDb::Open("/nonexistent-dir/state.db");
  ASSERT_FALSE(db);
  EXPECT_NE(db.error().message.find("/nonexistent-dir/state.db"), std::string::npos);
}

TEST(StateDbTest, ConcurrentWritersAreSerialised) {
  TempDir dir;
  auto db = StateDb::Open(dir.path() / "state.db");
  ASSERT_TRUE(db);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        EXPECT_TRUE((*db)->Add(Note(std::to_string(t) + "-" + std::to_string(i))));
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ((*db)->LoadAll()->size(), 100u);
}

// Always fails: the endpoint is down.
class DownNotifier : public alerts::Notifier {
 public:
  alerts::SendResult Send(const Notification&) override {
    return alerts::SendFailed("Couldn't connect to server");
  }
};

// Records what it delivered.
class UpNotifier : public alerts::Notifier {
 public:
  explicit UpNotifier(std::shared_ptr<std::atomic<int>> attempts_seen)
      : attempts_seen_(std::move(attempts_seen)) {}
  alerts::SendResult Send(const Notification& n) override {
    *attempts_seen_ = n.attempts;
    return {};
  }

 private:
  std::shared_ptr<std::atomic<int>> attempts_seen_;
};

TEST(StateDbTest, DispatcherRestartOnTheSameDbDeliversWhatWasPending) {
  TempDir dir;
  alerts::Dispatcher::Options fast;
  fast.initial_backoff = milliseconds(1);
  fast.max_backoff = milliseconds(20);
  {
    auto db = StateDb::Open(dir.path() / "state.db");
    ASSERT_TRUE(db);
    std::map<std::string, std::unique_ptr<alerts::Notifier>> down;
    down["ops"] = std::make_unique<DownNotifier>();
    alerts::Dispatcher d(**db, std::move(down), fast);
    ASSERT_TRUE(d.Start());
    ASSERT_TRUE(d.Enqueue(Note("survivor", Time{})));
    ASSERT_TRUE(WaitUntil([&] { return d.stats().attempts_failed >= 2; }));
    d.Stop(milliseconds(0));
  }
  auto db = StateDb::Open(dir.path() / "state.db");
  ASSERT_TRUE(db);
  ASSERT_EQ((*db)->LoadAll()->size(), 1u);
  auto attempts_seen = std::make_shared<std::atomic<int>>(-1);
  std::map<std::string, std::unique_ptr<alerts::Notifier>> up;
  up["ops"] = std::make_unique<UpNotifier>(attempts_seen);
  alerts::Dispatcher d(**db, std::move(up), fast);
  ASSERT_TRUE(d.Start());
  ASSERT_TRUE(WaitUntil([&] { return d.stats().delivered == 1; }));
  d.Stop(milliseconds(0));
  EXPECT_GE(attempts_seen->load(), 2);
  EXPECT_TRUE((*db)->LoadAll()->empty());
}

}  // namespace
}  // namespace gs::collector
