// Dispatcher: durable, retrying delivery of notifications through named Notifiers.
//
// Every notification is written to the OutboxStore before its first attempt and removed only
// after a notifier accepted it, so neither a restart nor a dead endpoint loses one: Start()
// resumes whatever the store holds. Failed sends are retried forever with exponential backoff
// and jitter; an endpoint's Retry-After (429/503) is honoured. Each notifier has its own lane:
// a thread that sends that notifier's notifications one at a time, earliest next_attempt
// first, so a failing or hanging endpoint delays only its own messages, never another
// notifier's, and a retry re-sends only to the notifier that failed.
//
// Thread-safety: Enqueue() and stats() may be called from any thread. Start() and Stop() are
// called by the owner, once each, not concurrently with each other.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

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
    // The longest Retry-After honoured; a longer one is cut to this.
    std::chrono::milliseconds max_retry_after = std::chrono::hours(1);
  };

  // Counters for /metrics. attempts_failed counts failed sends (each one means a retry).
  struct Stats {
    std::atomic<std::uint64_t> enqueued{0};
    std::atomic<std::uint64_t> delivered{0};
    std::atomic<std::uint64_t> attempts_failed{0};
    std::atomic<std::int64_t> pending{0};  // gauge: in the outbox, not yet delivered
    std::atomic<std::uint64_t> store_errors{0};
  };

  // Per notifier, for /metrics.
  struct NotifierStats {
    std::string name;
    std::uint64_t delivered = 0;
    std::uint64_t attempts_failed = 0;
    std::int64_t pending = 0;
    std::string last_error;  // of the latest failed attempt; empty after a success
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
  // Enqueue for a batch, written to the store in one go: all of them are accepted or, when
  // the store write fails, none. `write` replaces the store's AddAll (with ids and times
  // filled in), for a caller that saves more in the same transaction; it must make the batch
  // durable in the dispatcher's store and must not call back into the dispatcher.
  using StoreWrite = std::function<Result<void>(const std::vector<Notification>&)>;
  [[nodiscard]] Result<void> EnqueueAll(std::vector<Notification> batch,
                                        const StoreWrite& write = {});

  // Keeps sending notifications that are already due until none is due or `deadline` has
  // passed, then returns after the send in progress; everything else stays in the store.
  void Stop(std::chrono::milliseconds deadline);

  [[nodiscard]] const Stats& stats() const { return stats_; }
  [[nodiscard]] std::vector<NotifierStats> notifier_stats() const;

 private:
  using Clock = std::chrono::system_clock;
  using Queue = std::multimap<Clock::time_point, Notification>;

  // One notifier's queue and delivery thread. `notifier` is null for a name no notifier has
  // (a notification left in the outbox by an older config): those are kept and retried.
  struct Lane {
    std::string name;
    Notifier* notifier = nullptr;
    std::condition_variable cv;
    Queue queue;                                  // guarded by mu_
    NotifierStats stats;                          // guarded by mu_
    std::uint64_t failures_in_a_row = 0;          // lane thread only
    std::mt19937_64 rng{std::random_device{}()};  // lane thread only
    std::thread thread;
  };

  // The lane of `name`, created (and its thread started when running) on first use.
  // REQUIRES: mu_ held.
  Lane& LaneFor(const std::string& name);
  void StartLane(Lane& lane);
  void Run(Lane& lane);
  // Waits for the lane's next due notification; false when the lane should exit.
  bool WaitForDue(Lane& lane, std::unique_lock<std::mutex>& lock);
  void Deliver(Lane& lane, Notification n);
  void OnSuccess(Lane& lane, const Notification& n);
  void OnFailure(Lane& lane, Notification n, const SendError& error);
  // Puts a stored notification on its lane. REQUIRES: mu_ held.
  void Schedule(Notification n);
  void LogStoreError(const char* what, const std::string& id, const std::string& error);

  OutboxStore& store_;
  std::map<std::string, std::unique_ptr<Notifier>> notifiers_;
  Options options_;
  Stats stats_;

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Lane>> lanes_;  // guarded by mu_
  bool running_ = false;                                // guarded by mu_
  bool stopping_ = false;                               // guarded by mu_
  Clock::time_point drain_deadline_{};                  // guarded by mu_
};

// The delay before the next attempt after a failure: RetryBackoff, but at least the
// endpoint's Retry-After (capped at max_retry_after).
std::chrono::milliseconds NextAttemptDelay(const Dispatcher::Options& options, int attempts,
                                           double random01,
                                           std::optional<std::chrono::seconds> retry_after);

// The delay before retry number `attempts` (>= 1): initial_backoff * multiplier^(attempts-1),
// scaled by 1 + jitter * (2 * random01 - 1) and capped at max_backoff; at least 1 ms.
// Pure; `random01` in [0, 1].
std::chrono::milliseconds RetryBackoff(const Dispatcher::Options& options, int attempts,
                                       double random01);

}  // namespace gs::alerts
