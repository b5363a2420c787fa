// Watchdog: the outbound heartbeat that watches the watcher. Every interval it sends one HTTP
// request to a dead man's switch (healthchecks.io, Cronitor, Dead Man's Snitch, an
// Alertmanager "Watchdog" receiver...), which alerts elsewhere when the pings stop, so that
// the death of the ground box itself is noticed. A ping is withheld while `health` reports a
// problem (a wedged event loop is as dead as a stopped process), so the receiver notices that
// too. The first ping goes out at Start(). A failed
// ping is counted and not retried: the next interval's ping is the retry, and the receiver
// only cares that pings keep coming.
//
// Thread-safety: stats() and last_error() may be called from any thread; Start() and Stop()
// by the owner, once each.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace gs::alerts {

class Watchdog {
 public:
  struct Options {
    std::string url;
    std::string method = "GET";  // GET, POST or HEAD
    std::chrono::milliseconds interval{std::chrono::minutes(1)};
    std::chrono::milliseconds timeout{std::chrono::seconds(10)};
    std::vector<std::string> headers;  // whole lines, "Name: value"
    // "" when the daemon is healthy, else why not; called on the watchdog's thread.
    std::function<std::string()> health;
  };
  struct Stats {
    std::atomic<std::uint64_t> sent{0};            // pings the receiver accepted (2xx)
    std::atomic<std::uint64_t> failed{0};          // pings that failed (no answer, not 2xx)
    std::atomic<std::uint64_t> withheld{0};        // pings not sent: `health` reported a problem
    std::atomic<std::int64_t> last_success_ms{0};  // Unix time of the latest accepted ping
  };

  explicit Watchdog(Options options) : options_(std::move(options)) {}
  ~Watchdog() { Stop(); }
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  void Start();
  // Returns after the ping in progress (at most `timeout`).
  void Stop();

  [[nodiscard]] const Stats& stats() const { return stats_; }
  [[nodiscard]] std::string last_error() const;
  [[nodiscard]] const Options& options() const { return options_; }

 private:
  void Run();

  const Options options_;
  Stats stats_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;   // guarded by mu_
  std::string last_error_;  // guarded by mu_
  std::thread thread_;
};

}  // namespace gs::alerts
