// StateWriter: persists check statuses to the StateDb off the io_context. Saves are
// coalesced per (node, check) — only the latest status of a job is written — and each flush
// writes everything pending in one transaction, so thousands of checks a minute cost a
// handful of commits. Save()/Forget() are thread-safe and never block on SQLite.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "alerts/check_status.h"
#include "collector/storage/state_db.h"

namespace gs::collector {

class StateWriter {
 public:
  // `db` must outlive the writer.
  explicit StateWriter(StateDb& db);
  ~StateWriter();  // flushes what is pending
  StateWriter(const StateWriter&) = delete;
  StateWriter& operator=(const StateWriter&) = delete;

  void Save(const std::string& node, const std::string& check, const alerts::CheckStatus& s);
  void Forget(const std::string& node, const std::string& check);

  // Blocks until everything saved before the call is written.
  void Flush();

  [[nodiscard]] std::uint64_t errors() const { return errors_.load(std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t commits() const { return commits_.load(std::memory_order_relaxed); }

 private:
  using Key = std::pair<std::string, std::string>;
  void Run();

  StateDb& db_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable flushed_;
  std::map<Key, std::optional<alerts::CheckStatus>> pending_;  // nullopt: forget
  std::uint64_t generation_ = 0;                               // bumped by each Save/Forget
  std::uint64_t written_ = 0;  // generation covered by the last completed write
  bool stopping_ = false;
  std::atomic<std::uint64_t> errors_{0};
  std::atomic<std::uint64_t> commits_{0};
  std::thread thread_;
};

}  // namespace gs::collector
