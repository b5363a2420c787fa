#include "collector/storage/state_db.h"

#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "collector/storage/sqlite_util.h"

namespace gs::collector {
namespace {

using alerts::CheckStatus;
using alerts::Notification;
using Clock = std::chrono::system_clock;
using sql::Bind;
using sql::FromMs;
using sql::Int;
using sql::Int64;
using sql::ResetOnExit;
using sql::StateCol;
using sql::Text;
using sql::ToMs;

constexpr int kBusyTimeoutMs = 5000;

constexpr const char kSchemaV1[] = R"sql(
CREATE TABLE check_state (
  node TEXT NOT NULL, check_name TEXT NOT NULL,
  state INTEGER NOT NULL, state_type INTEGER NOT NULL, attempt INTEGER NOT NULL,
  output TEXT NOT NULL, last_check_ms INTEGER NOT NULL, last_change_ms INTEGER NOT NULL,
  last_hard_change_ms INTEGER NOT NULL, checked INTEGER NOT NULL,
  PRIMARY KEY (node, check_name)) WITHOUT ROWID;
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, notifier TEXT NOT NULL,
  firing INTEGER NOT NULL, node TEXT NOT NULL, check_name TEXT NOT NULL,
  state INTEGER NOT NULL, previous_state INTEGER NOT NULL, output TEXT NOT NULL,
  since_ms INTEGER NOT NULL, tags TEXT NOT NULL, attempts INTEGER NOT NULL,
  next_attempt_ms INTEGER NOT NULL, last_error TEXT NOT NULL);
CREATE INDEX outbox_due ON outbox (next_attempt_ms, seq);
PRAGMA user_version = 1;
)sql";

// Version 2: passive checks (heartbeats) remember when their last result arrived.
constexpr const char kSchemaV2[] = R"sql(
ALTER TABLE check_state ADD COLUMN last_passive_ms INTEGER NOT NULL DEFAULT 0;
PRAGMA user_version = 2;
)sql";

// Version 3: the alert engine. A notification is stored whole as JSON (payload; the old
// columns keep its first alert for older readers), plus the engine's per-check records,
// downtimes and the alert history.
constexpr const char kSchemaV3[] = R"sql(
ALTER TABLE outbox ADD COLUMN payload TEXT;
CREATE TABLE alert_state (
  node TEXT NOT NULL, check_name TEXT NOT NULL, data TEXT NOT NULL,
  PRIMARY KEY (node, check_name)) WITHOUT ROWID;
CREATE TABLE downtime (id TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE alert_history (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, time_ms INTEGER NOT NULL, node TEXT NOT NULL,
  check_name TEXT NOT NULL, event TEXT NOT NULL, state INTEGER NOT NULL, text TEXT NOT NULL);
CREATE INDEX alert_history_check ON alert_history (node, check_name, seq);
CREATE INDEX alert_history_time ON alert_history (time_ms);
PRAGMA user_version = 3;
)sql";

// Version 4: small named values of the alert engine (the ground-station state).
constexpr const char kSchemaV4[] = R"sql(
CREATE TABLE alert_meta (name TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;
PRAGMA user_version = 4;
)sql";

// Version 5: self-registered nodes (POST /api/v1/register) and each discovery source's last
// good answer (so a restart while the cloud API is down still knows the fleet).
constexpr const char kSchemaV5[] = R"sql(
CREATE TABLE registered_node (
  name TEXT PRIMARY KEY, address TEXT NOT NULL, tags TEXT NOT NULL,
  registered_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE discovered (
  source TEXT PRIMARY KEY, data TEXT NOT NULL, saved_ms INTEGER NOT NULL) WITHOUT ROWID;
PRAGMA user_version = 5;
)sql";

// Version 6: the latest perfdata of each check (as Nagios keeps performance_data in
// status.dat), so pages after a restart and `groundstation render` show values and
// thresholds.
constexpr const char kSchemaV6[] = R"sql(
ALTER TABLE check_state ADD COLUMN perfdata TEXT NOT NULL DEFAULT '';
PRAGMA user_version = 6;
)sql";

constexpr const char kSaveState[] =
    "INSERT OR REPLACE INTO check_state VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
    "?12)";
constexpr const char kLoadStates[] =
    "SELECT node, check_name, state, state_type, attempt, output, last_check_ms, "
    "last_change_ms, last_hard_change_ms, checked, last_passive_ms, perfdata FROM check_state";
constexpr const char kRemoveState[] = "DELETE FROM check_state WHERE node = ?1 AND check_name = ?2";
constexpr const char kAdd[] =
    "INSERT INTO outbox (id, notifier, firing, node, check_name, state, previous_state, output, "
    "since_ms, tags, attempts, next_attempt_ms, last_error, payload) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
    "ON CONFLICT (id) DO UPDATE SET notifier = ?2, firing = ?3, node = ?4, check_name = ?5, "
    "state = ?6, previous_state = ?7, output = ?8, since_ms = ?9, tags = ?10, attempts = ?11, "
    "next_attempt_ms = ?12, last_error = ?13, payload = ?14";
constexpr const char kRemove[] = "DELETE FROM outbox WHERE id = ?1";
constexpr const char kRecordAttempt[] =
    "UPDATE outbox SET attempts = ?2, next_attempt_ms = ?3, last_error = ?4 WHERE id = ?1";
constexpr const char kLoadAll[] =
    "SELECT id, notifier, firing, node, check_name, state, previous_state, output, since_ms, "
    "tags, attempts, next_attempt_ms, last_error, payload FROM outbox "
    "ORDER BY next_attempt_ms, seq";

// The outbox's legacy tags column. Malformed JSON (a hand-edited db) yields no tags rather
// than an error: delivery matters more.
std::string TagsColumn(const probes::Tags& tags) {
  return alerts::json_fields::Dump(alerts::json_fields::TagsToJson(tags));
}
probes::Tags TagsFromColumn(const std::string& text) {
  return alerts::json_fields::TagsFromJson(
      nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false));
}

CheckStatus StatusFromRow(sqlite3_stmt* s) {
  CheckStatus c;
  c.state = StateCol(s, 2);
  c.type = Int(s, 3) == 0 ? alerts::StateType::kSoft : alerts::StateType::kHard;
  c.attempt = Int(s, 4);
  c.output = Text(s, 5);
  c.last_check = FromMs(Int64(s, 6));
  c.last_change = FromMs(Int64(s, 7));
  c.last_hard_change = FromMs(Int64(s, 8));
  c.checked = Int(s, 9) != 0;
  c.last_passive = FromMs(Int64(s, 10));
  c.perfdata = Text(s, 11);
  return c;
}

// A row written by version 3 carries the whole notification in payload; an older row (or a
// payload that does not parse) is rebuilt from the columns as a one-alert message.
Notification NotificationFromRow(sqlite3_stmt* s) {
  Notification n;
  if (sqlite3_column_type(s, 13) != SQLITE_NULL) {
    if (auto stored = alerts::FromStoredJson(Text(s, 13))) n = std::move(*stored);
  }
  if (n.alerts.empty()) {
    alerts::AlertItem a;
    a.firing = Int(s, 2) != 0;
    a.node = Text(s, 3);
    a.check = Text(s, 4);
    a.state = StateCol(s, 5);
    a.previous_state = StateCol(s, 6);
    a.output = Text(s, 7);
    a.since = FromMs(Int64(s, 8));
    a.tags = TagsFromColumn(Text(s, 9));
    n.alerts.push_back(std::move(a));
  }
  n.id = Text(s, 0);
  n.notifier = Text(s, 1);
  n.attempts = Int(s, 10);
  n.next_attempt = FromMs(Int64(s, 11));
  n.last_error = Text(s, 12);
  return n;
}

}  // namespace

Result<std::unique_ptr<StateDb>> StateDb::Open(const std::filesystem::path& path) {
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close(raw);
    return Fail("opening " + path.string() + ": " + msg);
  }
  std::unique_ptr<StateDb> db(new StateDb(raw));
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  for (const char* pragma : {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL"}) {
    if (auto r = db->Exec(pragma); !r) return Fail(path.string() + ": " + r.error().message);
  }
  if (auto r = db->Migrate(); !r) return Fail(path.string() + ": " + r.error().message);
  return db;
}

StateDb::StateDb(sqlite3* db) : db_(db) {}

StateDb::~StateDb() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Result<void> StateDb::Migrate() {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, "PRAGMA user_version", -1, &s, nullptr) != SQLITE_OK) {
    return tl::unexpected(SqlError("reading user_version"));
  }
  const int version = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
  sqlite3_finalize(s);
  if (version < 0) return tl::unexpected(SqlError("reading user_version"));
  if (version > kSchemaVersion) {
    return Fail("schema version " + std::to_string(version) + " is newer than this program (" +
                std::to_string(kSchemaVersion) + ")");
  }
  // Each step upgrades one version in its own transaction; a new database runs them all.
  constexpr std::array<const char*, 6> kSteps = {kSchemaV1, kSchemaV2, kSchemaV3,
                                                 kSchemaV4, kSchemaV5, kSchemaV6};
  for (int v = version; v < kSchemaVersion; ++v) {
    if (auto r = Exec("BEGIN IMMEDIATE"); !r) return r;
    if (auto r = Exec(kSteps.at(static_cast<std::size_t>(v))); !r) {
      (void)Exec("ROLLBACK");
      return Fail("upgrading the schema to version " + std::to_string(v + 1) + ": " +
                  r.error().message);
    }
    if (auto r = Exec("COMMIT"); !r) return r;
  }
  return {};
}

Result<void> StateDb::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err != nullptr ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    return Fail(msg);
  }
  return {};
}

Result<sqlite3_stmt*> StateDb::Prepare(const char* sql) {
  if (auto it = cache_.find(sql); it != cache_.end()) return it->second;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK) {
    return tl::unexpected(SqlError("preparing statement"));
  }
  cache_.emplace(sql, s);
  return s;
}

Error StateDb::SqlError(const std::string& what) const {
  return Error{"state.db: " + what + ": " + sqlite3_errmsg(db_)};
}

Result<void> StateDb::StepDone(sqlite3_stmt* s, const std::string& what) {
  if (sqlite3_step(s) != SQLITE_DONE) return tl::unexpected(SqlError(what));
  return {};
}

Result<bool> StateDb::DeleteByKey(const char* sql, const std::string& key,
                                  const std::string& what) {
  std::lock_guard lock(mu_);
  auto s = Prepare(sql);
  if (!s) return tl::unexpected(s.error());
  ResetOnExit reset(*s);
  Bind(*s, 1, key);
  if (auto r = StepDone(*s, what); !r) return tl::unexpected(r.error());
  return sqlite3_changes(db_) > 0;
}

Result<void> StateDb::SaveCheckState(const std::string& node, const std::string& check,
                                     const CheckStatus& status) {
  std::lock_guard lock(mu_);
  return SaveLocked({node, check}, status);
}

Result<void> StateDb::RemoveCheckState(const std::string& node, const std::string& check) {
  std::lock_guard lock(mu_);
  return RemoveLocked({node, check});
}

Result<void> StateDb::ApplyCheckStates(
    const std::map<CheckKey, std::optional<CheckStatus>>& batch) {
  std::lock_guard lock(mu_);
  return InTransaction([&]() -> Result<void> {
    for (const auto& [key, status] : batch) {
      if (auto r = status ? SaveLocked(key, *status) : RemoveLocked(key); !r) return r;
    }
    return {};
  });
}

Result<void> StateDb::SaveLocked(const CheckKey& key, const CheckStatus& c) {
  auto s = Prepare(kSaveState);
  if (!s) return tl::unexpected(s.error());
  ResetOnExit reset(*s);
  Bind(*s, 1, key.first);
  Bind(*s, 2, key.second);
  Bind(*s, 3, c.state);
  Bind(*s, 4, c.type == alerts::StateType::kSoft ? 0 : 1);
  Bind(*s, 5, c.attempt);
  Bind(*s, 6, c.output);
  Bind(*s, 7, ToMs(c.last_check));
  Bind(*s, 8, ToMs(c.last_change));
  Bind(*s, 9, ToMs(c.last_hard_change));
  Bind(*s, 10, c.checked);
  Bind(*s, 11, ToMs(c.last_passive));
  Bind(*s, 12, c.perfdata);
  return StepDone(*s, "saving check state");
}

Result<std::map<StateDb::CheckKey, CheckStatus>> StateDb::LoadCheckStates() {
  std::lock_guard lock(mu_);
  auto s = Prepare(kLoadStates);
  if (!s) return tl::unexpected(s.error());
  ResetOnExit reset(*s);
  std::map<CheckKey, CheckStatus> out;
  int rc;
  while ((rc = sqlite3_step(*s)) == SQLITE_ROW) {
    out.emplace(CheckKey{Text(*s, 0), Text(*s, 1)}, StatusFromRow(*s));
  }
  if (rc != SQLITE_DONE) return tl::unexpected(SqlError("loading check states"));
  return out;
}

Result<void> StateDb::RemoveLocked(const CheckKey& key) {
  auto s = Prepare(kRemoveState);
  if (!s) return tl::unexpected(s.error());
  ResetOnExit reset(*s);
  Bind(*s, 1, key.first);
  Bind(*s, 2, key.second);
  return StepDone(*s, "removing check state");
}

Result<void> StateDb::Add(const Notification& n) {
  std::lock_guard lock(mu_);
  return AddLocked(n);
}

Result<void> StateDb::AddAll(const std::vector<Notification>& batch) {
  if (batch.empty()) return {};
  std::lock_guard lock(mu_);
  return InTransaction([&]() -> Result<void> {
    for (const Notification& n : batch) {
      if (auto r = AddLocked(n); !r) return r;
    }
    return {};
  });
}

Result<void> StateDb::AddLocked(const Notification& n) {
  auto s = Prepare(kAdd);
  if (!s) return tl::unexpected(s.error());
  ResetOnExit reset(*s);
  static const alerts::AlertItem kNone;
  const alerts::AlertItem& a = n.alerts.empty() ? kNone : n.Primary();
  Bind(*s, 1, n.id);
  Bind(*s, 2, n.notifier);
  Bind(*s, 3, n.Firing());
  Bind(*s, 4, a.node);
  Bind(*s, 5, a.check);
  Bind(*s, 6, a.state);
  Bind(*s, 7, a.previous_state);
  Bind(*s, 8, a.output);
  Bind(*s, 9, ToMs(a.since));
  Bind(*s, 10, TagsColumn(a.tags));
  Bind(*s, 11, n.attempts);
  Bind(*s, 12, ToMs(n.next_attempt));
  Bind(*s, 13, n.last_error);
  Bind(*s, 14, alerts::ToStoredJson(n));
  return StepDone(*s, "adding notification " + n.id);
}

Result<void> StateDb::Remove(const std::string& id) {
  std::lock_guard lock(mu_);
  auto s = Prepare(kRemove);
  if (!s) return tl::unexpected(s.error());
  ResetOnExit reset(*s);
  Bind(*s, 1, id);
  return StepDone(*s, "removing notification " + id);
}

Result<void> StateDb::RecordAttempt(const std::string& id, int attempts,
                                    Clock::time_point next_attempt, const std::string& last_error) {
  std::lock_guard lock(mu_);
  auto s = Prepare(kRecordAttempt);
  if (!s) return tl::unexpected(s.error());
  ResetOnExit reset(*s);
  Bind(*s, 1, id);
  Bind(*s, 2, attempts);
  Bind(*s, 3, ToMs(next_attempt));
  Bind(*s, 4, last_error);
  return StepDone(*s, "recording an attempt of " + id);
}

Result<std::vector<Notification>> StateDb::LoadAll() {
  std::lock_guard lock(mu_);
  auto s = Prepare(kLoadAll);
  if (!s) return tl::unexpected(s.error());
  ResetOnExit reset(*s);
  std::vector<Notification> out;
  int rc;
  while ((rc = sqlite3_step(*s)) == SQLITE_ROW) out.push_back(NotificationFromRow(*s));
  if (rc != SQLITE_DONE) return tl::unexpected(SqlError("loading the outbox"));
  return out;
}

}  // namespace gs::collector
