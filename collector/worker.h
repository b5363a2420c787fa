// Worker: one thread running posted tasks in order, fed by a bounded queue. For blocking
// work that must stay off the io_context (statvfs, SQLite, fork/exec). Post() is
// thread-safe and never blocks; the destructor runs what is queued, then joins. An optional
// idle hook runs on the worker thread whenever a task leaves the queue empty: tasks can
// gather work and the hook commit it in one go (group commit).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace gs::collector {

class Worker {
 public:
  Worker(std::string name, std::size_t capacity, std::function<void()> on_idle = {});
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Queues `task`; false (counted in dropped()) when the queue is full or stopping.
  bool Post(std::function<void()> task);

  // Runs everything queued so far, then stops the thread. Idempotent.
  void Stop();

  [[nodiscard]] std::int64_t depth() const { return depth_.load(std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  [[nodiscard]] const std::string& name() const { return name_; }

 private:
  void Run();

  const std::string name_;
  const std::size_t capacity_;
  const std::function<void()> on_idle_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::atomic<std::int64_t> depth_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::thread thread_;
};

}  // namespace gs::collector
