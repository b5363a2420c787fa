// RestartableCollector: `groundstation run` (GS_BINARY) started again and again on one config file
// and data dir, for crash tests: KillNow() sends SIGKILL at once and may be called from any thread
// (e.g. an endpoint's hook, in the middle of a request), Reap() then collects the exit. Every run
// appends its stdout and stderr to DIR/gs.out and DIR/gs.err, each run's output after a line "===
// start N".
//
// Thread-safety: KillNow(), killed() and killed_at() from any thread; the rest from the test thread
// that owns the object. The child is reaped only under the internal mutex, so a KillNow() never
// hits a reused pid.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "tests/support/collector_api.h"
#include "tests/support/peers.h"

namespace gs::test {

class RestartableCollector {
 public:
  // `config` is the config file; `dir` receives gs.out and gs.err. Both must outlive this.
  RestartableCollector(std::filesystem::path config, std::filesystem::path dir,
                       const CollectorApi& api);
  ~RestartableCollector();  // Stop()
  RestartableCollector(const RestartableCollector&) = delete;
  RestartableCollector& operator=(const RestartableCollector&) = delete;

  // Starts it and waits until GET /healthz answers; false when it did not within 30 s (or it is
  // already running).
  bool Start();
  // SIGKILL, at once; true when this call killed it (false: not running, or already killed).
  bool KillNow();
  [[nodiscard]] bool killed() const;
  [[nodiscard]] std::chrono::steady_clock::time_point killed_at() const;
  // Kills it unless killed already, and waits for its exit.
  void Reap();
  // SIGTERM; the exit code, or nullopt when it was not running or did not exit within 30 s.
  std::optional<int> Stop();
  // The last `max_bytes` of DIR/gs.err.
  [[nodiscard]] std::string StderrTail(std::size_t max_bytes = 4000) const;

 private:
  std::filesystem::path config_;
  std::filesystem::path dir_;
  const CollectorApi& api_;
  int starts_ = 0;
  mutable std::mutex mu_;
  std::unique_ptr<Process> process_;                 // guarded by mu_
  bool killed_ = false;                              // guarded by mu_
  std::chrono::steady_clock::time_point killed_at_;  // guarded by mu_
};

}  // namespace gs::test
