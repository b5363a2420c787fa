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
  running_ = true;
  for (auto& [name, notifier] : notifiers_) LaneFor(name);  // a thread per configured notifier
  for (Notification& n : *all) Schedule(std::move(n));
  return {};
}

Dispatcher::Lane& Dispatcher::LaneFor(const std::string& name) {
  auto [it, inserted] = lanes_.try_emplace(name);
  if (inserted) {
    it->second = std::make_unique<Lane>();
    Lane& lane = *it->second;
    lane.name = name;
    lane.stats.name = name;
    if (auto n = notifiers_.find(name); n != notifiers_.end()) lane.notifier = n->second.get();
    if (lane.notifier == nullptr) {
      Log("outbox holds notifications for unknown notifier '" + name +
          "'; they are kept and retried until a notifier of that name is configured");
    }
    if (running_) StartLane(lane);
  }
  return *it->second;
}

void Dispatcher::StartLane(Lane& lane) {
  lane.thread = std::thread([this, &lane] { Run(lane); });
}

Result<void> Dispatcher::Enqueue(Notification n) {
  std::vector<Notification> one;
  one.push_back(std::move(n));
  return EnqueueAll(std::move(one));
}

Result<void> Dispatcher::EnqueueAll(std::vector<Notification> batch, const StoreWrite& write) {
  if (batch.empty()) return {};
  const Clock::time_point now = Clock::now();
  for (Notification& n : batch) {
    if (n.id.empty()) n.id = NewNotificationId();
    if (n.next_attempt == Clock::time_point{}) n.next_attempt = now;
  }
  std::lock_guard lock(mu_);
  // Durable first: the store write happens under mu_ so Start() cannot load it a second time.
  if (auto added = write ? write(batch) : store_.AddAll(batch); !added) {
    stats_.store_errors++;
    return Fail("outbox: " + added.error().message);
  }
  stats_.enqueued += batch.size();
  if (running_ && !stopping_) {
    for (Notification& n : batch) Schedule(std::move(n));
  }
  return {};
}

void Dispatcher::Schedule(Notification n) {
  Lane& lane = LaneFor(n.notifier);
  stats_.pending++;
  lane.stats.pending++;
  lane.queue.emplace(n.next_attempt, std::move(n));
  lane.cv.notify_one();
}

void Dispatcher::Stop(std::chrono::milliseconds deadline) {
  {
    std::lock_guard lock(mu_);
    if (!running_ || stopping_) return;
    stopping_ = true;
    drain_deadline_ = Clock::now() + deadline;
    for (auto& [name, lane] : lanes_) lane->cv.notify_all();
  }
  // Lanes are only added under mu_ while running and not stopping: the map is stable now.
  for (auto& [name, lane] : lanes_) {
    if (lane->thread.joinable()) lane->thread.join();
  }
  std::lock_guard lock(mu_);
  running_ = false;
  lanes_.clear();  // what was queued is still in the store; the next Start() resumes it
}

std::vector<Dispatcher::NotifierStats> Dispatcher::notifier_stats() const {
  std::lock_guard lock(mu_);
  std::vector<NotifierStats> out;
  for (const auto& [name, lane] : lanes_) out.push_back(lane->stats);
  return out;
}

void Dispatcher::Run(Lane& lane) {
  std::unique_lock lock(mu_);
  while (WaitForDue(lane, lock)) {
    Notification n = std::move(lane.queue.extract(lane.queue.begin()).mapped());
    lock.unlock();
    Deliver(lane, std::move(n));
    lock.lock();
  }
}

bool Dispatcher::WaitForDue(Lane& lane, std::unique_lock<std::mutex>& lock) {
  for (;;) {
    const Clock::time_point now = Clock::now();
    const bool due = !lane.queue.empty() && lane.queue.begin()->first <= now;
    if (stopping_) return due && now < drain_deadline_;
    if (due) return true;
    if (lane.queue.empty()) {
      lane.cv.wait(lock);
    } else {
      lane.cv.wait_until(lock, lane.queue.begin()->first);
    }
  }
}

void Dispatcher::Deliver(Lane& lane, Notification n) {
  if (lane.notifier == nullptr) {
    OnFailure(lane, std::move(n), SendError{"unknown notifier '" + lane.name + "'", {}});
    return;
  }
  SendResult sent;
  try {
    sent = lane.notifier->Send(n);
  } catch (const std::exception& e) {  // a buggy notifier must not kill the lane
    sent = SendFailed(std::string("notifier threw: ") + e.what());
  } catch (...) {
    sent = SendFailed("notifier threw a non-standard exception");
  }
  if (sent) {
    OnSuccess(lane, n);
  } else {
    OnFailure(lane, std::move(n), sent.error());
  }
}

void Dispatcher::OnSuccess(Lane& lane, const Notification& n) {
  if (auto removed = store_.Remove(n.id); !removed) {
    LogStoreError("remove", n.id, removed.error().message);  // redelivered after a restart
  }
  stats_.delivered++;
  stats_.pending--;
  {
    std::lock_guard lock(mu_);
    lane.stats.delivered++;
    lane.stats.pending--;
    lane.stats.last_error.clear();
  }
  if (lane.failures_in_a_row > 0) {
    Log("notifier '" + lane.name + "' recovered after " + std::to_string(lane.failures_in_a_row) +
        " failed attempts");
    lane.failures_in_a_row = 0;
  }
}

void Dispatcher::OnFailure(Lane& lane, Notification n, const SendError& error) {
  stats_.attempts_failed++;
  n.attempts++;
  n.last_error = error.message;
  const double random01 = std::uniform_real_distribution<double>(0.0, 1.0)(lane.rng);
  n.next_attempt =
      Clock::now() + NextAttemptDelay(options_, n.attempts, random01, error.retry_after);
  if (auto recorded = store_.RecordAttempt(n.id, n.attempts, n.next_attempt, error.message);
      !recorded) {
    LogStoreError("record attempt", n.id, recorded.error().message);
  }
  const std::uint64_t failures = ++lane.failures_in_a_row;
  if (failures == 1 || failures % kLogEveryNthFailure == 0) {
    Log("notifier '" + lane.name + "' failed (" + std::to_string(failures) +
        " in a row): " + error.message + "; notification " + n.id + " retried");
  }
  std::lock_guard lock(mu_);
  lane.stats.attempts_failed++;
  lane.stats.last_error = error.message;
  lane.queue.emplace(n.next_attempt, std::move(n));
}

void Dispatcher::LogStoreError(const char* what, const std::string& id, const std::string& error) {
  const std::uint64_t errors = ++stats_.store_errors;
  if (errors != 1 && errors % kLogEveryNthFailure != 0) return;
  Log("outbox " + std::string(what) + " failed for " + id + ": " + error + " (" +
      std::to_string(errors) + " store errors so far)");
}

std::chrono::milliseconds NextAttemptDelay(const Dispatcher::Options& options, int attempts,
                                           double random01,
                                           std::optional<std::chrono::seconds> retry_after) {
  std::chrono::milliseconds delay = RetryBackoff(options, attempts, random01);
  if (retry_after) {
    const auto asked = std::min<std::chrono::milliseconds>(*retry_after, options.max_retry_after);
    delay = std::max(delay, asked);
  }
  return delay;
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
