// GraphRenderer: the one thread that runs librrd's graph code, with a cache of rendered
// images in front of it.
//
// Thread-safe: Render() may be called from any thread and blocks its caller until the image
// is ready (the HTTP server calls it from its pool for slow requests, never from the
// io_context). Requests wait in a bounded queue; a full queue fails at once.
//
// The cache key is the graph's complete rrd_graph argument list, so it holds exactly what
// would be drawn again. Callers round `end` down to the graph's resolution (one pixel of
// time), so requests within one pixel share an entry and no newer data is hidden by it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "dashboards/graph.h"

namespace gs::dashboards {

class GraphRenderer {
 public:
  struct Options {
    std::size_t cache_bytes = 32 << 20;  // images kept, least recently used dropped first
    std::chrono::seconds cache_ttl{60};  // an entry is not served after this age
    std::size_t queue_capacity = 64;     // renders waiting
  };

  // Counters for /metrics.
  struct Stats {
    std::atomic<std::uint64_t> renders{0};     // images drawn by librrd
    std::atomic<std::uint64_t> cache_hits{0};  // answered from the cache
    std::atomic<std::uint64_t> errors{0};      // renders librrd refused (missing file, ...)
    std::atomic<std::uint64_t> rejected{0};    // the queue was full
    std::atomic<std::int64_t> cached_bytes{0};
  };

  using Image = std::shared_ptr<const std::string>;

  explicit GraphRenderer(Options options);
  GraphRenderer() : GraphRenderer(Options{}) {}
  ~GraphRenderer();  // finishes the queued renders, then joins the thread
  GraphRenderer(const GraphRenderer&) = delete;
  GraphRenderer& operator=(const GraphRenderer&) = delete;

  // The image of `spec`, from the cache or drawn now. Fails with librrd's message, or when the
  // queue is full ("busy").
  Result<Image> Render(const GraphSpec& spec);

  [[nodiscard]] const Stats& stats() const { return stats_; }

 private:
  struct Job {
    GraphSpec spec;
    std::string key;
    std::function<void(Result<Image>)> done;
  };
  struct Entry {
    Image image;
    std::chrono::steady_clock::time_point made;
    std::list<std::string>::iterator lru;  // position in lru_
  };

  void Run();
  Image Lookup(const std::string& key);             // REQUIRES: mu_ held
  void Store(const std::string& key, Image image);  // REQUIRES: mu_ held

  const Options options_;
  Stats stats_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;                         // guarded by mu_
  std::unordered_map<std::string, Entry> cache_;  // guarded by mu_
  std::list<std::string> lru_;                    // guarded by mu_; most recent first
  std::size_t bytes_ = 0;                         // guarded by mu_
  bool stopping_ = false;                         // guarded by mu_
  std::thread thread_;
};

}  // namespace gs::dashboards
