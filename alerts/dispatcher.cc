#include "alerts/dispatcher.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <utility>

namespace gs::alerts {
namespace {

// A failing endpoint is logged on its first failure and then once per this many failures in
// a row, plus once when it recovers.
constexpr std::uint64_t kLogEveryNthFailure = 100;

void Log(const std::string& line) { std::fprintf(stderr, "alerts: %s\n", line.c_str()); }

}  // namespace

Dispatcher::Dispatcher(OutboxStore& store,
                       std::map<std::string, std::unique_ptr<Notifier>> notifiers, Options options)
    : store_(store), notifiers_(std::move(notifiers)), options_(options) {}

Dispatcher::Dispatcher(OutboxStore& store,
                       std::map<std::string, std::unique_ptr<Notifier>> notifiers)
    : Dispatcher(store, std::move(notifiers), Options{}) {}

Dispatcher::~Dispatcher() { Stop(std::chrono::milliseconds(0)); }

Result<void> Dispatcher::Start() {
  std::lock_guard lock(mu_);
  if (running_ || stopping_) return Fail("dispatcher already started");
  auto all = store_.LoadAll();
  if (!all) {
    stats_.store_errors++;
    return Fail("loading the outbox: " + all.error().message);
  }
  for (Notification& n : *all) queue_.emplace(n.next_attempt, std::move(n));
  stats_.pending = static_cast<std::int64_t>(queue_.size());
  running_ = true;
  worker_ = std::thread(&Dispatcher::Run, this);
  return {};
}

Result<void> Dispatcher::Enqueue(Notification n) {
  if (n.id.empty()) n.id = NewNotificationId();
  if (n.next_attempt == Clock::time_point{}) n.next_attempt = Clock::now();
  std::lock_guard lock(mu_);
  // Durable first: the store write happens under mu_ so Start() cannot load it a second time.
  if (auto added = store_.Add(n); !added) {
    stats_.store_errors++;
    return Fail("outbox: " + added.error().message);
  }
  stats_.enqueued++;
  if (running_ && !stopping_) {
    stats_.pending++;
    queue_.emplace(n.next_attempt, std::move(n));
    cv_.notify_one();
  }
  return {};
}

void Dispatcher::Stop(std::chrono::milliseconds deadline) {
  {
    std::lock_guard lock(mu_);
    if (!running_ || stopping_) return;
    stopping_ = true;
    drain_deadline_ = Clock::now() + deadline;
  }
  cv_.notify_all();
  worker_.join();
  std::lock_guard lock(mu_);
  running_ = false;
  queue_.clear();  // still in the store; the next Start() resumes them
}

void Dispatcher::Run() {
  std::unique_lock lock(mu_);
  while (WaitForDue(lock)) {
    Notification n = std::move(queue_.extract(queue_.begin()).mapped());
    lock.unlock();
    Deliver(std::move(n));
    lock.lock();
  }
}

bool Dispatcher::WaitForDue(std::unique_lock<std::mutex>& lock) {
  for (;;) {
    const Clock::time_point now = Clock::now();
    const bool due = !queue_.empty() && queue_.begin()->first <= now;
    if (stopping_) return due && now < drain_deadline_;
    if (due) return true;
    if (queue_.empty()) {
      cv_.wait(lock);
    } else {
      cv_.wait_until(lock, queue_.begin()->first);
    }
  }
}

void Dispatcher::Deliver(Notification n) {
  auto it = notifiers_.find(n.notifier);
  if (it == notifiers_.end()) {
    if (unknown_logged_.insert(n.notifier).second) {
      Log("notification " + n.id + " names unknown notifier '" + n.notifier +
          "'; kept in the outbox and retried");
    }
    std::string error = "unknown notifier '" + n.notifier + "'";
    OnFailure(std::move(n), error);
    return;
  }
  Result<void> sent;
  try {
    sent = it->second->Send(n);
  } catch (const std::exception& e) {  // a buggy notifier must not kill the worker
    sent = Fail(std::string("notifier threw: ") + e.what());
  } catch (...) {
    sent = Fail("notifier threw a non-standard exception");
  }
  if (sent) {
    OnSuccess(n);
  } else {
    OnFailure(std::move(n), sent.error().message);
  }
}

void Dispatcher::OnSuccess(const Notification& n) {
  stats_.delivered++;
  stats_.pending--;
  if (auto removed = store_.Remove(n.id); !removed) {
    LogStoreError("remove", n.id, removed.error().message);  // redelivered after a restart
  }
  std::uint64_t& failures = failures_in_a_row_[n.notifier];
  if (failures > 0) {
    Log("notifier '" + n.notifier + "' recovered after " + std::to_string(failures) +
        " failed attempts");
    failures = 0;
  }
}

void Dispatcher::OnFailure(Notification n, const std::string& error) {
  stats_.attempts_failed++;
  n.attempts++;
  n.last_error = error;
  n.next_attempt = Clock::now() + Backoff(n.attempts);
  if (auto recorded = store_.RecordAttempt(n.id, n.attempts, n.next_attempt, error); !recorded) {
    LogStoreError("record attempt", n.id, recorded.error().message);
  }
  const std::uint64_t failures = ++failures_in_a_row_[n.notifier];
  if (failures == 1 || failures % kLogEveryNthFailure == 0) {
    Log("notifier '" + n.notifier + "' failed (" + std::to_string(failures) +
        " in a row): " + error + "; notification " + n.id + " retried");
  }
  std::lock_guard lock(mu_);
  queue_.emplace(n.next_attempt, std::move(n));
}

std::chrono::milliseconds Dispatcher::Backoff(int attempts) {
  return RetryBackoff(options_, attempts, std::uniform_real_distribution<double>(0.0, 1.0)(rng_));
}

void Dispatcher::LogStoreError(const char* what, const std::string& id, const std::string& error) {
  const std::uint64_t errors = ++stats_.store_errors;
  if (errors != 1 && errors % kLogEveryNthFailure != 0) return;
  Log("outbox " + std::string(what) + " failed for " + id + ": " + error + " (" +
      std::to_string(errors) + " store errors so far)");
}

std::chrono::milliseconds RetryBackoff(const Dispatcher::Options& options, int attempts,
                                       double random01) {
  const double initial = static_cast<double>(options.initial_backoff.count());
  const double cap = static_cast<double>(options.max_backoff.count());
  // Clamping the exponent keeps pow() finite however long an endpoint stays down.
  const double exponent = std::clamp(static_cast<double>(attempts - 1), 0.0, 64.0);
  const double base = std::min(cap, initial * std::pow(options.multiplier, exponent));
  const double factor = 1.0 + options.jitter * (2.0 * std::clamp(random01, 0.0, 1.0) - 1.0);
  const double ms = std::min(cap, base * factor);
  return std::chrono::milliseconds(std::max<long long>(1, std::llround(ms)));
}

}  // namespace gs::alerts
