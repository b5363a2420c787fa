// Dispatcher: durable, retrying delivery of notifications through named Notifiers.
//
// Every notification is written to the OutboxStore before its first attempt and removed only
// after a notifier accepted it, so neither a restart nor a dead endpoint loses one: Start()
// resumes whatever the store holds. Failed sends are retried forever with exponential backoff
// and jitter. One worker thread sends sequentially, always the notification whose
// next_attempt is earliest, so a failing endpoint (pushed back by its backoff) cannot starve
// the others.
//
// Thread-safety: Enqueue() and stats() may be called from any thread. Start() and Stop() are
// called by the owner, once each, not concurrently with each other.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "alerts/notification.h"
#include "alerts/notifier.h"
#include "alerts/outbox.h"
#include "probes/result.h"

namespace gs::alerts {

class Dispatcher {
 public:
  struct Options {
    std::chrono::milliseconds initial_backoff = std::chrono::seconds(1);
    std::chrono::milliseconds max_backoff = std::chrono::minutes(5);
    double multiplier = 2.0;
    double jitter = 0.2;  // each backoff is scaled by a random factor in [1-jitter, 1+jitter]
  };

  // Counters for /metrics. attempts_failed counts failed sends (each one means a retry).
  struct Stats {
    std::atomic<std::uint64_t> enqueued{0};
    std::atomic<std::uint64_t> delivered{0};
    std::atomic<std::uint64_t> attempts_failed{0};
    std::atomic<std::int64_t> pending{0};  // gauge: in the outbox, not yet delivered
    std::atomic<std::uint64_t> store_errors{0};
  };

  // `store` must outlive the Dispatcher. `notifiers` maps a Notification::notifier name to
  // the notifier that delivers it.
  Dispatcher(OutboxStore& store, std::map<std::string, std::unique_ptr<Notifier>> notifiers,
             Options options);
  Dispatcher(OutboxStore& store, std::map<std::string, std::unique_ptr<Notifier>> notifiers);
  ~Dispatcher();  // Stop(0ms) if still running
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Loads every pending notification from the store and starts the worker thread.
  // Fails (and starts nothing) when the store cannot be read.
  [[nodiscard]] Result<void> Start();

  // Makes `n` durable in the store, then schedules it. An empty id is replaced by a fresh one;
  // an unset next_attempt means "now". Fails only when the store write fails: the
  // notification was not accepted and the caller should count it. Before Start() or after
  // Stop() a successful Enqueue only writes the store (a later Start() picks it up).
  [[nodiscard]] Result<void> Enqueue(Notification n);

  // Keeps sending notifications that are already due until none is due or `deadline` has
  // passed, then returns after the send in progress; everything else stays in the store.
  void Stop(std::chrono::milliseconds deadline);

  [[nodiscard]] const Stats& stats() const { return stats_; }

 private:
  using Clock = std::chrono::system_clock;
  using Queue = std::multimap<Clock::time_point, Notification>;

  void Run();
  // Waits for the next due notification; false when the worker should exit.
  bool WaitForDue(std::unique_lock<std::mutex>& lock);
  void Deliver(Notification n);
  void OnSuccess(const Notification& n);
  void OnFailure(Notification n, const std::string& error);
  std::chrono::milliseconds Backoff(int attempts);
  void LogStoreError(const char* what, const std::string& id, const std::string& error);

  OutboxStore& store_;
  std::map<std::string, std::unique_ptr<Notifier>> notifiers_;
  Options options_;
  Stats stats_;

  std::mutex mu_;
  std::condition_variable cv_;
  Queue queue_;                         // guarded by mu_
  bool running_ = false;                // guarded by mu_
  bool stopping_ = false;               // guarded by mu_
  Clock::time_point drain_deadline_{};  // guarded by mu_
  std::thread worker_;

  // Worker-thread only.
  std::mt19937_64 rng_{std::random_device{}()};
  std::map<std::string, std::uint64_t> failures_in_a_row_;  // per notifier name
  std::set<std::string> unknown_logged_;
};

// The delay before retry number `attempts` (>= 1): initial_backoff * multiplier^(attempts-1),
// scaled by 1 + jitter * (2 * random01 - 1) and capped at max_backoff; at least 1 ms.
// Pure; `random01` in [0, 1].
std::chrono::milliseconds RetryBackoff(const Dispatcher::Options& options, int attempts,
                                       double random01);

}  // namespace gs::alerts
