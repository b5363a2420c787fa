// Discovery: the worker thread that refreshes the discovery sources on their own intervals.
// Fetching is blocking (EC2's API over HTTPS, DNS queries, reading the nodes file), so it runs
// here, one source at a time, never on the io_context; each answer goes to the sink, which
// posts it to the daemon's io_context. Public methods are thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "collector/inventory/node.h"
#include "probes/result.h"

namespace gs::collector::inventory {

class Discovery {
 public:
  using Answer = Result<std::vector<DiscoveredNode>>;
  struct Source {
    std::string id;
    std::chrono::milliseconds refresh{60'000};
    std::function<Answer()> fetch;  // called on the worker thread only
  };
  // Called on the worker thread after each fetch.
  using Sink = std::function<void(const std::string& id, Answer answer)>;

  explicit Discovery(Sink sink);
  // Stops the thread; waits for a fetch in progress (bounded by the sources' timeouts).
  ~Discovery();
  Discovery(const Discovery&) = delete;
  Discovery& operator=(const Discovery&) = delete;

  // Replaces the sources; every source is refreshed now, then every `refresh`.
  void SetSources(std::vector<Source> sources);
  // Every source refreshes now (SIGHUP).
  void RefreshAll();

 private:
  struct Scheduled {
    Source source;
    std::chrono::steady_clock::time_point due;
  };
  void Run();

  Sink sink_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::vector<Scheduled> sources_;  // guarded by mu_
  std::uint64_t generation_ = 0;    // guarded by mu_; bumped by SetSources
  bool stop_ = false;               // guarded by mu_
  std::thread thread_;
};

}  // namespace gs::collector::inventory
