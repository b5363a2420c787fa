#include "collector/storage/state_writer.h"

#include <pthread.h>

#include <cstdio>

namespace gs::collector {

StateWriter::StateWriter(StateDb& db) : db_(db), thread_([this] { Run(); }) {
  pthread_setname_np(thread_.native_handle(), "gs-state");
}

StateWriter::~StateWriter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void StateWriter::Save(const std::string& node, const std::string& check,
                       const alerts::CheckStatus& s) {
  {
    std::lock_guard lock(mu_);
    pending_[{node, check}] = s;
    ++generation_;
  }
  cv_.notify_one();
}

void StateWriter::Forget(const std::string& node, const std::string& check) {
  {
    std::lock_guard lock(mu_);
    pending_[{node, check}] = std::nullopt;
    ++generation_;
  }
  cv_.notify_one();
}

void StateWriter::Flush() {
  std::unique_lock lock(mu_);
  const std::uint64_t target = generation_;
  flushed_.wait(lock, [&] { return written_ >= target || stopping_; });
}

void StateWriter::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
    if (pending_.empty()) break;  // stopping and nothing left
    auto batch = std::move(pending_);
    pending_.clear();
    const std::uint64_t covered = generation_;
    lock.unlock();
    if (auto ok = db_.ApplyCheckStates(batch); !ok) {
      // Logged per failed batch, not per job; the next save of each job retries it.
      if (errors_.fetch_add(1, std::memory_order_relaxed) % 100 == 0) {
        std::fprintf(stderr, "groundstation: saving %zu check states failed: %s\n", batch.size(),
                     ok.error().message.c_str());
      }
    } else {
      commits_.fetch_add(1, std::memory_order_relaxed);
    }
    lock.lock();
    written_ = covered;
    flushed_.notify_all();
  }
  written_ = generation_;
  flushed_.notify_all();
}

}  // namespace gs::collector
