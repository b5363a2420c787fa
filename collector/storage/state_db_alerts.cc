// StateDb: the alert engine's tables (alert_state, downtime, alert_history).
#include <sqlite3.h>

#include "collector/storage/alert_codec.h"
#include "collector/storage/sqlite_util.h"
#include "collector/storage/state_db.h"

namespace gs::collector {
namespace {

using sql::Bind;
using sql::FromMs;
using sql::Int64;
using sql::ResetOnExit;
using sql::StateCol;
using sql::Text;
using sql::ToMs;

constexpr const char kSaveAlert[] =
    "INSERT OR REPLACE INTO alert_state (node, check_name, data) VALUES (?1, ?2, ?3)";
constexpr const char kDeleteAlert[] = "DELETE FROM alert_state WHERE node = ?1 AND check_name = ?2";
constexpr const char kLoadAlerts[] = "SELECT node, check_name, data FROM alert_state";
constexpr const char kSaveMeta[] = "INSERT OR REPLACE INTO alert_meta VALUES (?1, ?2)";
constexpr const char kLoadMeta[] = "SELECT data FROM alert_meta WHERE name = ?1";
constexpr const char kGroundName[] = "ground";
constexpr const char kSaveDowntime[] = "INSERT OR REPLACE INTO downtime (id, data) VALUES (?1, ?2)";
constexpr const char kDeleteDowntime[] = "DELETE FROM downtime WHERE id = ?1";
constexpr const char kLoadDowntimes[] = "SELECT id, data FROM downtime ORDER BY id";
constexpr const char kAppendHistory[] =
    "INSERT INTO alert_history (time_ms, node, check_name, event, state, text) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr const char kHistoryOfCheck[] =
    "SELECT time_ms, node, check_name, event, state, text FROM alert_history "
    "WHERE node = ?1 AND check_name = ?2 ORDER BY seq DESC LIMIT ?3";
constexpr const char kHistoryOfNode[] =
    "SELECT time_ms, node, check_name, event, state, text FROM alert_history "
    "WHERE node = ?1 ORDER BY seq DESC LIMIT ?3";
constexpr const char kHistoryAll[] =
    "SELECT time_ms, node, check_name, event, state, text FROM alert_history "
    "ORDER BY seq DESC LIMIT ?3";
constexpr const char kPruneHistory[] = "DELETE FROM alert_history WHERE time_ms < ?1";

}  // namespace

Result<void> StateDb::ApplyAlertRecords(
    const std::map<CheckKey, std::optional<alerts::AlertRecord>>& batch,
    const std::optional<alerts::GroundState>& ground) {
  if (batch.empty() && !ground) return {};
  std::lock_guard lock(mu_);
  return InTransaction([&] { return ApplyAlertRecordsLocked(batch, ground); });
}

Result<void> StateDb::AddAllWithRecords(
    const std::vector<alerts::Notification>& notifications,
    const std::map<CheckKey, std::optional<alerts::AlertRecord>>& records,
    const std::optional<alerts::GroundState>& ground) {
  std::lock_guard lock(mu_);
  return InTransaction([&]() -> Result<void> {
    for (const alerts::Notification& n : notifications) {
      if (auto r = AddLocked(n); !r) return r;
    }
    return ApplyAlertRecordsLocked(records, ground);
  });
}

Result<void> StateDb::ApplyAlertRecordsLocked(
    const std::map<CheckKey, std::optional<alerts::AlertRecord>>& batch,
    const std::optional<alerts::GroundState>& ground) {
  {
    if (ground) {
      auto s = Prepare(kSaveMeta);
      if (!s) return tl::unexpected(s.error());
      ResetOnExit reset(*s);
      Bind(*s, 1, std::string(kGroundName));
      Bind(*s, 2, EncodeGroundState(*ground));
      if (auto r = StepDone(*s, "saving the ground state"); !r) return r;
    }
    for (const auto& [key, record] : batch) {
      auto s = Prepare(record ? kSaveAlert : kDeleteAlert);
      if (!s) return tl::unexpected(s.error());
      ResetOnExit reset(*s);
      Bind(*s, 1, key.first);
      Bind(*s, 2, key.second);
      if (record) Bind(*s, 3, EncodeAlertRecord(*record));
      if (auto r = StepDone(*s, "saving alert state"); !r) return r;
    }
    return {};
  }
}

Result<std::optional<alerts::GroundState>> StateDb::LoadGroundState() {
  std::lock_guard lock(mu_);
  auto s = Prepare(kLoadMeta);
  if (!s) return tl::unexpected(s.error());
  ResetOnExit reset(*s);
  Bind(*s, 1, std::string(kGroundName));
  const int rc = sqlite3_step(*s);
  if (rc == SQLITE_DONE) return std::optional<alerts::GroundState>{};
  if (rc != SQLITE_ROW) return tl::unexpected(SqlError("loading the ground state"));
  auto ground = DecodeGroundState(Text(*s, 0));
  if (!ground) return tl::unexpected(ground.error());
  return std::optional<alerts::GroundState>{std::move(*ground)};
}

Result<std::vector<alerts::AlertRecord>> StateDb::LoadAlertRecords(
    std::vector<std::string>* skipped) {
  std::lock_guard lock(mu_);
  auto s = Prepare(kLoadAlerts);
  if (!s) return tl::unexpected(s.error());
  ResetOnExit reset(*s);
  std::vector<alerts::AlertRecord> out;
  int rc;
  while ((rc = sqlite3_step(*s)) == SQLITE_ROW) {
    auto record = DecodeAlertRecord(Text(*s, 2));
    if (record) {
      out.push_back(std::move(*record));
    } else if (skipped != nullptr) {
      skipped->push_back(Text(*s, 0) + "/" + Text(*s, 1) + ": " + record.error().message);
    }
  }
  if (rc != SQLITE_DONE) return tl::unexpected(SqlError("loading alert states"));
  return out;
}

Result<void> StateDb::SaveDowntime(const alerts::Downtime& d) {
  std::lock_guard lock(mu_);
  auto s = Prepare(kSaveDowntime);
  if (!s) return tl::unexpected(s.error());
  ResetOnExit reset(*s);
  Bind(*s, 1, d.id);
  Bind(*s, 2, EncodeDowntime(d));
  return StepDone(*s, "saving downtime " + d.id);
}

Result<bool> StateDb::RemoveDowntime(const std::string& id) {
  return DeleteByKey(kDeleteDowntime, id, "removing downtime " + id);
}

Result<std::vector<alerts::Downtime>> StateDb::LoadDowntimes() {
  std::lock_guard lock(mu_);
  auto s = Prepare(kLoadDowntimes);
  if (!s) return tl::unexpected(s.error());
  ResetOnExit reset(*s);
  std::vector<alerts::Downtime> out;
  int rc;
  while ((rc = sqlite3_step(*s)) == SQLITE_ROW) {
    if (auto d = DecodeDowntime(Text(*s, 1))) out.push_back(std::move(*d));
  }
  if (rc != SQLITE_DONE) return tl::unexpected(SqlError("loading downtimes"));
  return out;
}

Result<void> StateDb::AppendHistory(const std::vector<alerts::HistoryEntry>& entries) {
  if (entries.empty()) return {};
  std::lock_guard lock(mu_);
  return InTransaction([&]() -> Result<void> {
    for (const alerts::HistoryEntry& e : entries) {
      auto s = Prepare(kAppendHistory);
      if (!s) return tl::unexpected(s.error());
      ResetOnExit reset(*s);
      Bind(*s, 1, ToMs(e.time));
      Bind(*s, 2, e.node);
      Bind(*s, 3, e.check);
      Bind(*s, 4, e.event);
      Bind(*s, 5, e.state);
      Bind(*s, 6, e.text);
      if (auto r = StepDone(*s, "appending alert history"); !r) return r;
    }
    return {};
  });
}

Result<std::vector<alerts::HistoryEntry>> StateDb::LoadHistory(const std::string& node,
                                                               const std::string& check,
                                                               std::size_t limit) {
  std::lock_guard lock(mu_);
  const char* query = !check.empty()  ? kHistoryOfCheck
                      : !node.empty() ? kHistoryOfNode
                                      : kHistoryAll;
  auto s = Prepare(query);
  if (!s) return tl::unexpected(s.error());
  ResetOnExit reset(*s);
  if (!node.empty()) Bind(*s, 1, node);
  if (!check.empty()) Bind(*s, 2, check);
  Bind(*s, 3, static_cast<std::int64_t>(limit));
  std::vector<alerts::HistoryEntry> out;
  int rc;
  while ((rc = sqlite3_step(*s)) == SQLITE_ROW) {
    out.push_back(alerts::HistoryEntry{FromMs(Int64(*s, 0)), Text(*s, 1), Text(*s, 2), Text(*s, 3),
                                       StateCol(*s, 4), Text(*s, 5)});
  }
  if (rc != SQLITE_DONE) return tl::unexpected(SqlError("loading alert history"));
  return out;
}

Result<std::int64_t> StateDb::PruneHistory(std::chrono::system_clock::time_point before) {
  std::lock_guard lock(mu_);
  auto s = Prepare(kPruneHistory);
  if (!s) return tl::unexpected(s.error());
  ResetOnExit reset(*s);
  Bind(*s, 1, ToMs(before));
  if (auto r = StepDone(*s, "pruning alert history"); !r) return tl::unexpected(r.error());
  return static_cast<std::int64_t>(sqlite3_changes(db_));
}

}  // namespace gs::collector
