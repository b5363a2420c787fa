// RrdWriter: the single owner of librrd. Writes perfdata samples to
// root/<node>/<check>/<label>.rrd (each component through SanitizeName), creating each file
// on first sight with Munin-style RRAs, directly or through rrdcached.
//
// Thread-safety: Submit(), Flush() and stats() may be called from any thread; Submit() never
// blocks on I/O. All librrd calls happen on the writer's one worker thread, which drains the
// bounded queue in batches and sends one update per file per batch. Stop() is called by the
// owner (the destructor calls it too).
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "probes/perfdata.h"
#include "probes/result.h"

namespace gs::collector {

class RrdWriter {
 public:
  struct Options {
    std::filesystem::path root;           // data_dir/rrd
    std::string daemon;                   // "" (write files directly) or "unix:/path" for rrdcached
    std::size_t queue_capacity = 100000;  // samples
    // Holds values up to this long and writes each file's values in one update, as
    // collectd's CacheTimeout: several times fewer file updates on a large schedule, at the
    // price of losing up to this much on a crash (Flush/Stop write everything). 0: at once.
    std::chrono::seconds cache_timeout{0};
  };

  struct Sample {
    std::string node;
    std::string check;
    std::chrono::seconds step{300};  // the check interval; sets the RRD step of new files
    std::chrono::system_clock::time_point time{};
    std::vector<probes::Perfdata> perfdata;  // one file per label
  };

  // Counters for /metrics.
  struct Stats {
    std::atomic<std::uint64_t> updates{0};  // values written
    std::atomic<std::uint64_t> creates{0};  // files created
    std::atomic<std::uint64_t> errors{0};   // failed creates/updates
    std::atomic<std::uint64_t> dropped{0};  // samples refused by a full (or stopped) queue
    std::atomic<std::uint64_t> stale{0};    // values not newer than the file's last update
    std::atomic<std::int64_t> queued{0};
    std::atomic<std::int64_t> cached{
        0};  // values held by cache_timeout, not yet written    // queue depth (samples waiting)
  };

  // Creates `root` if needed and starts the worker. Fails when root cannot be created.
  static Result<std::unique_ptr<RrdWriter>> Start(Options options);
  // Starts the worker without checking `root` first: if it cannot be created, every file
  // fails (counted in `errors`, logged throttled). Prefer Start().
  explicit RrdWriter(Options options);
  ~RrdWriter();
  RrdWriter(const RrdWriter&) = delete;
  RrdWriter& operator=(const RrdWriter&) = delete;

  // Queues `sample`; false (and counted in `dropped`) when the queue is full or stopped.
  bool Submit(Sample sample);

  // Blocks until every sample submitted before the call is written (and, with rrdcached,
  // flushed to disk).
  void Flush();

  // Flushes, then stops the worker. Later Submit() calls are dropped.
  void Stop();

  [[nodiscard]] const Stats& stats() const { return stats_; }

 private:
  struct Pending;  // the values for one file within a batch
  // With a cache_timeout, how often the worker moves queued samples into the cache, and how
  // many waiting samples wake it sooner.
  static constexpr std::chrono::seconds kCollectEvery{1};
  [[nodiscard]] std::size_t WakeBatch() const {
    return std::max<std::size_t>(1, std::min<std::size_t>(1024, options_.queue_capacity / 2));
  }

  void Run();
  void Collect(std::deque<Sample> batch);  // into held_
  void WriteHeld();
  void WriteFile(const Pending& p);
  // The last second written to `path`, creating the file (and its directories) when it does
  // not exist yet so that `first` is accepted; nullptr after a (logged) error.
  const std::time_t* Open(const std::string& path, std::chrono::seconds step, std::time_t first);
  std::time_t LastUpdate(const std::string& path);
  bool Create(const std::string& path, std::chrono::seconds step, std::time_t first);
  void Update(const std::string& path, const std::vector<std::string>& values);
  void FlushDaemon();
  void Failed(const std::string& path, const std::string& what);
  [[nodiscard]] bool Connect();

  const Options options_;
  Stats stats_;

  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::deque<Sample> queue_;           // guarded by mu_
  std::uint64_t flush_requested_ = 0;  // guarded by mu_
  std::uint64_t flush_done_ = 0;       // guarded by mu_
  bool stopping_ = false;              // guarded by mu_
  bool stopped_ = false;               // guarded by mu_
  std::thread worker_;

  // Worker-thread only.
  std::unordered_map<std::string, std::time_t> last_;        // file -> last second written
  std::unordered_map<std::string, std::uint64_t> failures_;  // file -> failures, for logging
  std::unordered_set<std::string> dirty_;  // updated through rrdcached since the last flush
  std::vector<Pending> held_;              // values not yet written, one entry per file
  std::unordered_map<std::string, std::size_t> held_index_;  // file -> index in held_
  std::chrono::steady_clock::time_point held_since_{};       // when held_ became non-empty
};

// The RRA definitions for a new file with `step`: AVERAGE, MIN and MAX for Munin's four spans
// (1 step for 2 days, 30 min for 9 days, 2 h for 45 days, 1 day for 450 days), e.g.
// "RRA:AVERAGE:0.5:6:432" for step 300. Pure.
std::vector<std::string> MuninRras(std::chrono::seconds step);

}  // namespace gs::collector
