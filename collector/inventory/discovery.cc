#include "collector/inventory/discovery.h"

#include <pthread.h>

#include <algorithm>
#include <utility>

namespace gs::collector::inventory {

Discovery::Discovery(Sink sink) : sink_(std::move(sink)), thread_([this] { Run(); }) {}

Discovery::~Discovery() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Discovery::SetSources(std::vector<Source> sources) {
  {
    std::lock_guard lock(mu_);
    sources_.clear();
    const auto now = std::chrono::steady_clock::now();
    for (Source& s : sources) sources_.push_back(Scheduled{std::move(s), now});
    ++generation_;
  }
  wake_.notify_all();
}

void Discovery::RefreshAll() {
  {
    std::lock_guard lock(mu_);
    const auto now = std::chrono::steady_clock::now();
    for (Scheduled& s : sources_) s.due = now;
  }
  wake_.notify_all();
}

void Discovery::Run() {
  pthread_setname_np(pthread_self(), "gs-discovery");
  std::unique_lock lock(mu_);
  while (!stop_) {
    auto next =
        std::min_element(sources_.begin(), sources_.end(),
                         [](const Scheduled& a, const Scheduled& b) { return a.due < b.due; });
    if (next == sources_.end()) {
      wake_.wait(lock);
      continue;
    }
    if (next->due > std::chrono::steady_clock::now()) {
      wake_.wait_until(lock, next->due);
      continue;
    }
    next->due = std::chrono::steady_clock::now() + next->source.refresh;
    // Copies: SetSources may replace the list while the fetch runs unlocked.
    const std::string id = next->source.id;
    const std::function<Answer()> fetch = next->source.fetch;
    const std::uint64_t generation = generation_;
    lock.unlock();
    Answer answer = fetch ? fetch() : Answer(std::vector<DiscoveredNode>{});
    lock.lock();
    // An answer for a source replaced meanwhile belongs to the old configuration: dropped.
    if (stop_ || generation != generation_) continue;
    lock.unlock();
    sink_(id, std::move(answer));
    lock.lock();
  }
}

}  // namespace gs::collector::inventory
