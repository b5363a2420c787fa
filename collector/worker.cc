#include "collector/worker.h"

#include <pthread.h>

namespace gs::collector {

Worker::Worker(std::string name, std::size_t capacity, std::function<void()> on_idle)
    : name_(std::move(name)),
      capacity_(capacity),
      on_idle_(std::move(on_idle)),
      thread_([this] { Run(); }) {
  pthread_setname_np(thread_.native_handle(), name_.substr(0, 15).c_str());
}

Worker::~Worker() { Stop(); }

bool Worker::Post(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= capacity_) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    queue_.push_back(std::move(task));
    depth_.store(static_cast<std::int64_t>(queue_.size()), std::memory_order_relaxed);
  }
  cv_.notify_one();
  return true;
}

void Worker::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Worker::Run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      task = std::move(queue_.front());
      queue_.pop_front();
      depth_.store(static_cast<std::int64_t>(queue_.size()), std::memory_order_relaxed);
    }
    task();
    if (on_idle_ && depth_.load(std::memory_order_relaxed) == 0) on_idle_();
  }
}

}  // namespace gs::collector
