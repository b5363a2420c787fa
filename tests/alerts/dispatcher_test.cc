#include "alerts/dispatcher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/support/peers.h"

namespace gs::alerts {
namespace {

using std::chrono::milliseconds;

// Generous for ASan on a busy box; bounds a hang, not a timing assertion.
constexpr std::chrono::seconds kWait(10);

bool WaitUntil(const std::function<bool()>& done) { return test::WaitUntil(done, kWait); }

// An OutboxStore in memory; LoadAll orders like StateDb (next_attempt, then insertion).
class MemoryStore : public OutboxStore {
 public:
  Result<void> Add(const Notification& n) override {
    std::lock_guard lock(mu_);
    if (fail_writes) return Fail("disk full");
    items_.push_back(n);
    return {};
  }
  Result<void> Remove(const std::string& id) override {
    std::lock_guard lock(mu_);
    std::erase_if(items_, [&](const Notification& n) { return n.id == id; });
    return {};
  }
  Result<void> RecordAttempt(const std::string& id, int attempts,
                             std::chrono::system_clock::time_point next_attempt,
                             const std::string& last_error) override {
    std::lock_guard lock(mu_);
    for (Notification& n : items_) {
      if (n.id != id) continue;
      n.attempts = attempts;
      n.next_attempt = next_attempt;
      n.last_error = last_error;
    }
    return {};
  }
  Result<std::vector<Notification>> LoadAll() override {
    std::lock_guard lock(mu_);
    std::vector<Notification> all = items_;
    std::stable_sort(all.begin(), all.end(), [](const Notification& a, const Notification& b) {
      return a.next_attempt < b.next_attempt;
    });
    return all;
  }
  std::vector<Notification> Items() {
    std::lock_guard lock(mu_);
    return items_;
  }
  bool fail_writes = false;

 private:
  std::mutex mu_;
  std::vector<Notification> items_;
};

// Records every Send; fails the first `failures` sends (all of them when negative).
class FakeNotifier : public Notifier {
 public:
  struct Log {
    std::mutex mu;
    std::vector<Notification> sent;  // every attempt, successful or not
    std::vector<std::string> delivered;
    std::vector<Notification> Sent() {
      std::lock_guard lock(mu);
      return sent;
    }
    std::vector<std::string> Delivered() {
      std::lock_guard lock(mu);
      return delivered;
    }
  };
  FakeNotifier(std::shared_ptr<Log> log, int failures)
      : log_(std::move(log)), failures_(failures) {}
  SendResult Send(const Notification& n) override {
    std::lock_guard lock(log_->mu);
    log_->sent.push_back(n);
    if (failures_ < 0) return SendFailed("HTTP 500");
    if (failures_ > 0) {
      --failures_;
      return SendFailed("HTTP 500");
    }
    log_->delivered.push_back(n.id);
    return {};
  }

 private:
  std::shared_ptr<Log> log_;
  int failures_;
};

Dispatcher::Options FastRetries() {
  Dispatcher::Options o;
  o.initial_backoff = milliseconds(1);
  o.max_backoff = milliseconds(20);
  return o;
}

Notification Note(std::string id, std::string notifier = "ops") {
  Notification n;
  n.id = std::move(id);
  n.notifier = std::move(notifier);
  AlertItem a;
  a.node = "web1";
  a.check = "http";
  n.alerts.push_back(a);
  return n;
}

using Notifiers = std::map<std::string, std::unique_ptr<Notifier>>;

Notifiers One(std::shared_ptr<FakeNotifier::Log> log, int failures, std::string name = "ops") {
  Notifiers m;
  m[std::move(name)] = std::make_unique<FakeNotifier>(std::move(log), failures);
  return m;
}

TEST(DispatcherTest, DeliversInEnqueueOrderAndEmptiesTheStore) {
  MemoryStore store;
  auto log = std::make_shared<FakeNotifier::Log>();
  Dispatcher d(store, One(log, 0), FastRetries());
  ASSERT_TRUE(d.Start());
  for (const char* id : {"a", "b", "c", "d"}) ASSERT_TRUE(d.Enqueue(Note(id)));
  ASSERT_TRUE(WaitUntil([&] { return d.stats().delivered == 4; }));
  EXPECT_EQ(log->Delivered(), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(d.stats().enqueued, 4u);
  EXPECT_EQ(d.stats().pending, 0);
  EXPECT_TRUE(WaitUntil([&] { return store.Items().empty(); }));
}

TEST(DispatcherTest, EnqueueWritesTheStoreBeforeTheFirstAttempt) {
  MemoryStore store;
  auto log = std::make_shared<FakeNotifier::Log>();
  Dispatcher d(store, One(log, -1), FastRetries());
  ASSERT_TRUE(d.Enqueue(Note("early")));  // not started: only the store is written
  ASSERT_EQ(store.Items().size(), 1u);
  EXPECT_TRUE(log->Sent().empty());
}

TEST(DispatcherTest, FailedSendsAreRetriedWithTheSameIdUntilDelivered) {
  MemoryStore store;
  auto log = std::make_shared<FakeNotifier::Log>();
  Dispatcher d(store, One(log, 3), FastRetries());
  ASSERT_TRUE(d.Start());
  ASSERT_TRUE(d.Enqueue(Note("")));  // an empty id gets a fresh one
  ASSERT_TRUE(WaitUntil([&] { return d.stats().delivered == 1; }));
  const std::vector<Notification> sent = log->Sent();
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_EQ(sent[0].id.size(), 32u);
  for (std::size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(sent[i].id, sent[0].id);
    EXPECT_EQ(sent[i].attempts, static_cast<int>(i)) << "attempts are counted and carried";
  }
  EXPECT_EQ(sent[3].last_error, "HTTP 500");
  EXPECT_EQ(d.stats().attempts_failed, 3u);
}

TEST(DispatcherTest, FailuresAreRecordedInTheStore) {
  MemoryStore store;
  auto log = std::make_shared<FakeNotifier::Log>();
  Dispatcher::Options slow = FastRetries();
  slow.initial_backoff = slow.max_backoff = std::chrono::hours(1);
  Dispatcher d(store, One(log, -1), slow);
  ASSERT_TRUE(d.Start());
  ASSERT_TRUE(d.Enqueue(Note("x")));
  ASSERT_TRUE(WaitUntil([&] {
    auto items = store.Items();
    return items.size() == 1 && items[0].attempts == 1;
  }));
  const Notification stored = store.Items()[0];
  EXPECT_EQ(stored.last_error, "HTTP 500");
  EXPECT_GT(stored.next_attempt, std::chrono::system_clock::now() + std::chrono::minutes(30));
  EXPECT_EQ(d.stats().pending, 1);
}

TEST(DispatcherTest, AFailingEndpointDoesNotStarveOthers) {
  MemoryStore store;
  auto bad_log = std::make_shared<FakeNotifier::Log>();
  auto good_log = std::make_shared<FakeNotifier::Log>();
  Notifiers notifiers = One(bad_log, -1, "bad");
  notifiers["good"] = std::make_unique<FakeNotifier>(good_log, 0);
  Dispatcher d(store, std::move(notifiers), FastRetries());
  ASSERT_TRUE(d.Start());
  ASSERT_TRUE(d.Enqueue(Note("b1", "bad")));
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(d.Enqueue(Note("g" + std::to_string(i), "good")));
  ASSERT_TRUE(WaitUntil([&] { return good_log->Delivered().size() == 20; }));
  EXPECT_TRUE(WaitUntil([&] { return bad_log->Sent().size() >= 3; })) << "still retried";
  EXPECT_EQ(d.stats().pending, 1);
}

TEST(DispatcherTest, UnknownNotifierIsKeptAndCountedAsFailure) {
  MemoryStore store;
  auto log = std::make_shared<FakeNotifier::Log>();
  Dispatcher d(store, One(log, 0), FastRetries());
  ASSERT_TRUE(d.Start());
  ASSERT_TRUE(d.Enqueue(Note("lost", "nobody")));
  ASSERT_TRUE(WaitUntil([&] { return d.stats().attempts_failed >= 2; }));
  d.Stop(milliseconds(0));
  ASSERT_EQ(store.Items().size(), 1u);
  EXPECT_EQ(store.Items()[0].last_error, "unknown notifier 'nobody'");
}

TEST(DispatcherTest, EnqueueFailsWhenTheStoreWriteFails) {
  MemoryStore store;
  store.fail_writes = true;
  auto log = std::make_shared<FakeNotifier::Log>();
  Dispatcher d(store, One(log, 0), FastRetries());
  ASSERT_TRUE(d.Start());
  auto r = d.Enqueue(Note("x"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("disk full"), std::string::npos);
  EXPECT_EQ(d.stats().store_errors, 1u);
  EXPECT_EQ(d.stats().enqueued, 0u);
  d.Stop(milliseconds(0));
  EXPECT_TRUE(log->Sent().empty());
}

TEST(DispatcherTest, EnqueueAllStoresABatchThenDeliversEachToItsNotifier) {
  MemoryStore store;
  auto ops = std::make_shared<FakeNotifier::Log>();
  auto sms = std::make_shared<FakeNotifier::Log>();
  Notifiers notifiers = One(ops, 0);
  notifiers["sms"] = std::make_unique<FakeNotifier>(sms, 0);
  Dispatcher d(store, std::move(notifiers), FastRetries());
  ASSERT_TRUE(d.Start());
  ASSERT_TRUE(d.EnqueueAll({Note(""), Note("", "sms"), Note("")}));
  EXPECT_EQ(d.stats().enqueued, 3u);
  ASSERT_TRUE(
      WaitUntil([&] { return ops->Delivered().size() == 2 && sms->Delivered().size() == 1; }));
  EXPECT_NE(ops->Delivered()[0], ops->Delivered()[1]);  // empty ids were given fresh ones
  d.Stop(milliseconds(1000));
  EXPECT_TRUE(store.Items().empty());
}

TEST(DispatcherTest, AFailedBatchWriteAcceptsNoneOfIt) {
  MemoryStore store;
  store.fail_writes = true;
  auto log = std::make_shared<FakeNotifier::Log>();
  Dispatcher d(store, One(log, 0), FastRetries());
  ASSERT_TRUE(d.Start());
  EXPECT_FALSE(d.EnqueueAll({Note("a"), Note("b")}));
  EXPECT_EQ(d.stats().enqueued, 0u);
  EXPECT_EQ(d.stats().pending, 0);
  d.Stop(milliseconds(0));
  EXPECT_TRUE(log->Sent().empty());
}

TEST(DispatcherTest, RestartResumesTheOutbox) {
  MemoryStore store;
  auto failing = std::make_shared<FakeNotifier::Log>();
  {
    Dispatcher d(store, One(failing, -1), FastRetries());
    ASSERT_TRUE(d.Start());
    ASSERT_TRUE(d.Enqueue(Note("keep")));
    ASSERT_TRUE(WaitUntil([&] { return d.stats().attempts_failed >= 1; }));
    d.Stop(milliseconds(0));
  }
  ASSERT_EQ(store.Items().size(), 1u);
  auto ok = std::make_shared<FakeNotifier::Log>();
  Dispatcher d(store, One(ok, 0), FastRetries());
  ASSERT_TRUE(d.Start());
  EXPECT_EQ(d.stats().pending, 1);
  ASSERT_TRUE(WaitUntil([&] { return d.stats().delivered == 1; }));
  EXPECT_EQ(ok->Delivered(), std::vector<std::string>{"keep"});
  EXPECT_GE(ok->Sent()[0].attempts, 1);
}

TEST(DispatcherTest, EnqueuedBeforeStartIsDeliveredExactlyOnce) {
  MemoryStore store;
  auto log = std::make_shared<FakeNotifier::Log>();
  Dispatcher d(store, One(log, 0), FastRetries());
  ASSERT_TRUE(d.Enqueue(Note("a")));
  ASSERT_TRUE(d.Start());
  ASSERT_TRUE(d.Enqueue(Note("b")));
  ASSERT_TRUE(WaitUntil([&] { return d.stats().delivered == 2; }));
  d.Stop(milliseconds(0));
  EXPECT_EQ(log->Delivered(), (std::vector<std::string>{"a", "b"}));
}

TEST(DispatcherTest, StopDrainsWhatIsDueBeforeTheDeadline) {
  MemoryStore store;
  auto log = std::make_shared<FakeNotifier::Log>();
  for (const char* id : {"a", "b", "c"}) {
    Notification n = Note(id);
    n.next_attempt = std::chrono::system_clock::now();
    ASSERT_TRUE(store.Add(n));
  }
  Dispatcher d(store, One(log, 0), FastRetries());
  ASSERT_TRUE(d.Start());
  d.Stop(std::chrono::minutes(1));
  EXPECT_EQ(log->Delivered().size(), 3u);
  EXPECT_TRUE(store.Items().empty());
}

TEST(DispatcherTest, StopLeavesFutureRetriesInTheStore) {
  MemoryStore store;
  Notification later = Note("later");
  later.next_attempt = std::chrono::system_clock::now() + std::chrono::hours(1);
  ASSERT_TRUE(store.Add(later));
  auto log = std::make_shared<FakeNotifier::Log>();
  Dispatcher d(store, One(log, 0), FastRetries());
  ASSERT_TRUE(d.Start());
  d.Stop(std::chrono::minutes(1));
  EXPECT_TRUE(log->Sent().empty());
  EXPECT_EQ(store.Items().size(), 1u);
}

TEST(RetryBackoffTest, GrowsExponentiallyUpToTheCap) {
  Dispatcher::Options o;  // 1 s, x2, 5 min
  EXPECT_EQ(RetryBackoff(o, 1, 0.5), milliseconds(1000));
  EXPECT_EQ(RetryBackoff(o, 2, 0.5), milliseconds(2000));
  EXPECT_EQ(RetryBackoff(o, 5, 0.5), milliseconds(16000));
  EXPECT_EQ(RetryBackoff(o, 9, 0.5), milliseconds(256000));
  EXPECT_EQ(RetryBackoff(o, 10, 0.5), std::chrono::minutes(5));
  EXPECT_EQ(RetryBackoff(o, 1000000, 0.5), std::chrono::minutes(5));
}

TEST(RetryBackoffTest, JitterIsPlusMinusTwentyPercentAndNeverPastTheCap) {
  Dispatcher::Options o;
  EXPECT_EQ(RetryBackoff(o, 1, 0.0), milliseconds(800));
  EXPECT_EQ(RetryBackoff(o, 1, 1.0), milliseconds(1200));
  EXPECT_EQ(RetryBackoff(o, 20, 1.0), std::chrono::minutes(5));
  EXPECT_EQ(RetryBackoff(o, 20, 0.0), milliseconds(240000));
}

}  // namespace
}  // namespace gs::alerts
