#include "dashboards/graph_renderer.h"

#include <future>
#include <utility>

namespace gs::dashboards {
namespace {

std::string KeyOf(const GraphSpec& spec) {
  std::string key;
  for (const std::string& arg : GraphArgs(spec)) {
    key += arg;
    key += '\n';  // never inside an argument that matters: rrd_graph would refuse it
  }
  return key;
}

}  // namespace

GraphRenderer::GraphRenderer(Options options) : options_(options) {
  thread_ = std::thread(&GraphRenderer::Run, this);
}

GraphRenderer::~GraphRenderer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

Result<GraphRenderer::Image> GraphRenderer::Render(const GraphSpec& spec) {
  std::string key = KeyOf(spec);
  std::promise<Result<Image>> promise;
  std::future<Result<Image>> future = promise.get_future();
  {
    std::lock_guard lock(mu_);
    if (Image hit = Lookup(key)) {
      stats_.cache_hits++;
      return hit;
    }
    if (stopping_ || queue_.size() >= options_.queue_capacity) {
      stats_.rejected++;
      return Fail("busy: too many graphs waiting to be drawn");
    }
    queue_.push_back(Job{spec, std::move(key),
                         [&promise](Result<Image> r) { promise.set_value(std::move(r)); }});
  }
  cv_.notify_one();
  return future.get();
}

void GraphRenderer::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    Job job = std::move(queue_.front());
    queue_.pop_front();
    // A request for the same graph may have waited behind the one that drew it.
    if (Image hit = Lookup(job.key)) {
      stats_.cache_hits++;
      lock.unlock();
      job.done(hit);
      lock.lock();
      continue;
    }
    lock.unlock();
    Result<std::string> drawn = RenderGraph(job.spec);
    lock.lock();
    if (!drawn) {
      stats_.errors++;
      lock.unlock();
      job.done(tl::unexpected(drawn.error()));
      lock.lock();
      continue;
    }
    stats_.renders++;
    auto image = std::make_shared<const std::string>(std::move(*drawn));
    Store(job.key, image);
    lock.unlock();
    job.done(std::move(image));
    lock.lock();
  }
}

GraphRenderer::Image GraphRenderer::Lookup(const std::string& key) {
  auto it = cache_.find(key);
  if (it == cache_.end()) return nullptr;
  if (std::chrono::steady_clock::now() - it->second.made > options_.cache_ttl) {
    bytes_ -= it->second.image->size();
    lru_.erase(it->second.lru);
    cache_.erase(it);
    stats_.cached_bytes = static_cast<std::int64_t>(bytes_);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return it->second.image;
}

void GraphRenderer::Store(const std::string& key, Image image) {
  if (image->size() > options_.cache_bytes) return;
  if (auto old = cache_.find(key); old != cache_.end()) {
    bytes_ -= old->second.image->size();
    lru_.erase(old->second.lru);
    cache_.erase(old);
  }
  while (bytes_ + image->size() > options_.cache_bytes && !lru_.empty()) {
    auto victim = cache_.find(lru_.back());
    bytes_ -= victim->second.image->size();
    cache_.erase(victim);
    lru_.pop_back();
  }
  lru_.push_front(key);
  bytes_ += image->size();
  cache_.emplace(key, Entry{std::move(image), std::chrono::steady_clock::now(), lru_.begin()});
  stats_.cached_bytes = static_cast<std::int64_t>(bytes_);
}

}  // namespace gs::dashboards
