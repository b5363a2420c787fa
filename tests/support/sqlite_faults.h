// Fault injection around another process's SQLite database (WAL mode), for crash tests:
// WaitForWalWrites() returns right after that process wrote to the database's WAL (a kill point
// between its writes), and DbLockHolder makes the database slow.
//
// DbLockHolder: an emulated slow disk for one SQLite database in WAL mode. While enabled, a thread
// of its own takes the database's write lock (BEGIN IMMEDIATE) for `hold` out of every `period` and
// writes nothing, so each write transaction of another process waits up to `hold` (its busy handler
// retries) before it starts: the gaps between a writer's consecutive transactions widen the way a
// slow disk or a loaded box widens them, which crash tests need to land kills inside them. Readers
// are not blocked (WAL).
//
// Thread-safety: SetEnabled() and the counters from any thread; construct and destroy on one.
// WaitForWalWrites() is safe from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <thread>

struct sqlite3;

namespace gs::test {

// Waits until the file `wal` (e.g. DIR/state.db-wal) has been written to `n` times (inotify on its
// directory, so it need not exist yet), at most `timeout`; false on timeout.
bool WaitForWalWrites(const std::filesystem::path& wal, int n, std::chrono::milliseconds timeout);

class DbLockHolder {
 public:
  // Opens `path` (which must exist) with a connection of its own; starts disabled.
  DbLockHolder(const std::filesystem::path& path, std::chrono::milliseconds hold,
               std::chrono::milliseconds period);
  ~DbLockHolder();  // releases the lock and joins the thread
  DbLockHolder(const DbLockHolder&) = delete;
  DbLockHolder& operator=(const DbLockHolder&) = delete;

  [[nodiscard]] bool ok() const { return db_ != nullptr; }  // false: the open failed
  void SetEnabled(bool enabled) { enabled_ = enabled; }
  [[nodiscard]] bool enabled() const { return enabled_; }
  [[nodiscard]] std::uint64_t holds() const { return holds_; }  // locks taken so far

 private:
  void Run();

  sqlite3* db_ = nullptr;
  std::chrono::milliseconds hold_;
  std::chrono::milliseconds period_;
  std::atomic<bool> enabled_{false};
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> holds_{0};
  std::thread thread_;
};

}  // namespace gs::test
