// StateDb: the collector's SQLite database (data_dir/state.db): current check states, the
// durable notification outbox (it implements alerts::OutboxStore), the alert engine's
// records, downtimes and the alert history.
//
// WAL mode with synchronous=FULL: a call that returns success has made its change durable.
// Thread-safety: thread-safe. One connection, serialised by an internal mutex (SQLite has one
// writer anyway); calls block for the duration of one statement, so keep them off the
// io_context.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "alerts/alert_engine.h"
#include "alerts/check_status.h"
#include "alerts/downtime.h"
#include "alerts/outbox.h"
#include "probes/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace gs::collector {

// A node that registered itself, as state.db keeps it.
struct StoredRegistration {
  std::string name;
  std::string address;
  probes::Tags tags;
  std::chrono::system_clock::time_point registered;  // latest registration or renewal
  std::chrono::system_clock::time_point expires;
  friend bool operator==(const StoredRegistration&, const StoredRegistration&) = default;
};

class StateDb : public alerts::OutboxStore {
 public:
  using CheckKey = std::pair<std::string, std::string>;  // (node, check)

  // Opens or creates the database at `path` and creates or migrates its schema.
  static Result<std::unique_ptr<StateDb>> Open(const std::filesystem::path& path);
  ~StateDb() override;
  StateDb(const StateDb&) = delete;
  StateDb& operator=(const StateDb&) = delete;

  // Check states, keyed by (node, check). Save replaces any previous state of the check.
  Result<void> SaveCheckState(const std::string& node, const std::string& check,
                              const alerts::CheckStatus& status);
  Result<std::map<CheckKey, alerts::CheckStatus>> LoadCheckStates();
  Result<void> RemoveCheckState(const std::string& node, const std::string& check);
  // Saves (value) or removes (nullopt) many check states in one transaction: all or nothing.
  Result<void> ApplyCheckStates(
      const std::map<CheckKey, std::optional<alerts::CheckStatus>>& batch);

  // alerts::OutboxStore. Add of an id already present replaces that entry's contents.
  // LoadAll returns entries ordered by next_attempt, then by the order they were added.
  Result<void> Add(const alerts::Notification& n) override;
  Result<void> AddAll(const std::vector<alerts::Notification>& batch) override;  // one txn
  Result<void> Remove(const std::string& id) override;
  Result<void> RecordAttempt(const std::string& id, int attempts,
                             std::chrono::system_clock::time_point next_attempt,
                             const std::string& last_error) override;
  Result<std::vector<alerts::Notification>> LoadAll() override;

  // The alert engine's records (state_db_alerts.cc). Apply saves (value) or deletes (nullopt)
  // many, and the ground state when given, in one transaction.
  Result<void> ApplyAlertRecords(
      const std::map<CheckKey, std::optional<alerts::AlertRecord>>& batch,
      const std::optional<alerts::GroundState>& ground = std::nullopt);
  // The outbox entries of one engine output together with the records that say they were
  // sent, in one transaction: a crash leaves both or neither, never a record claiming a
  // message the outbox lost, nor a queued message its record does not know about.
  Result<void> AddAllWithRecords(
      const std::vector<alerts::Notification>& notifications,
      const std::map<CheckKey, std::optional<alerts::AlertRecord>>& records,
      const std::optional<alerts::GroundState>& ground);
  // nullopt: never saved. Fails when the stored value does not decode.
  Result<std::optional<alerts::GroundState>> LoadGroundState();
  // Records that do not decode are skipped and named in `skipped` (when given).
  Result<std::vector<alerts::AlertRecord>> LoadAlertRecords(
      std::vector<std::string>* skipped = nullptr);

  Result<void> SaveDowntime(const alerts::Downtime& d);  // replaces one with the same id
  Result<bool> RemoveDowntime(const std::string& id);    // false: no such downtime
  Result<std::vector<alerts::Downtime>> LoadDowntimes();

  Result<void> AppendHistory(const std::vector<alerts::HistoryEntry>& entries);
  // The newest `limit` entries of (node, check), newest first; an empty check: all the
  // node's checks; both empty: every check.
  Result<std::vector<alerts::HistoryEntry>> LoadHistory(const std::string& node,
                                                        const std::string& check,
                                                        std::size_t limit);
  // Deletes history entries older than `before`; returns how many.
  Result<std::int64_t> PruneHistory(std::chrono::system_clock::time_point before);

  // Self-registered nodes (state_db_inventory.cc). Save replaces one with the same name.
  Result<void> SaveRegistration(const StoredRegistration& r);
  Result<bool> RemoveRegistration(const std::string& name);  // false: no such node
  // Removes every registration that expired at or before `now`; returns their names.
  Result<std::vector<std::string>> ExpireRegistrations(std::chrono::system_clock::time_point now);
  Result<std::vector<StoredRegistration>> LoadRegistrations();
  // Each discovery source's last good answer, as the caller encoded it (JSON text).
  Result<void> SaveDiscovered(const std::string& source, const std::string& data,
                              std::chrono::system_clock::time_point now);
  Result<std::map<std::string, std::string>> LoadDiscovered();
  Result<void> RemoveDiscoveredExcept(const std::vector<std::string>& sources);

  // The schema version this code writes (PRAGMA user_version).
  static constexpr int kSchemaVersion = 6;

 private:
  explicit StateDb(sqlite3* db);
  Result<void> Migrate();
  // REQUIRES: mu_ held.
  Result<void> SaveLocked(const CheckKey& key, const alerts::CheckStatus& status);
  Result<void> RemoveLocked(const CheckKey& key);
  Result<void> Exec(const char* sql);
  // The cached prepared statement for `sql` (a string literal), reset and ready to bind.
  Result<sqlite3_stmt*> Prepare(const char* sql);
  // Runs `body` inside BEGIN IMMEDIATE ... COMMIT; rolls back when it fails.
  template <typename F>
  Result<void> InTransaction(F&& body);
  // Steps a prepared write statement to completion.
  Result<void> StepDone(sqlite3_stmt* s, const std::string& what);
  // Runs the one-parameter DELETE `sql` with `key`; true when a row went. Takes mu_.
  Result<bool> DeleteByKey(const char* sql, const std::string& key, const std::string& what);
  Error SqlError(const std::string& what) const;

  // REQUIRES: mu_ held.
  Result<void> AddLocked(const alerts::Notification& n);
  Result<void> ApplyAlertRecordsLocked(
      const std::map<CheckKey, std::optional<alerts::AlertRecord>>& batch,
      const std::optional<alerts::GroundState>& ground);

  std::mutex mu_;
  sqlite3* db_;                                 // guarded by mu_
  std::map<const char*, sqlite3_stmt*> cache_;  // guarded by mu_; keyed by literal address
};

template <typename F>
Result<void> StateDb::InTransaction(F&& body) {
  if (auto r = Exec("BEGIN IMMEDIATE"); !r) return r;
  if (auto r = body(); !r) {
    (void)Exec("ROLLBACK");
    return r;
  }
  if (auto r = Exec("COMMIT"); !r) {
    (void)Exec("ROLLBACK");
    return r;
  }
  return {};
}

}  // namespace gs::collector
