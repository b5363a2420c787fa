// ProbeRegistry: the one explicit list of probe kinds the daemon can run, and how a
// (node, check) job becomes a probe run. Run() is thread-safe and never blocks: HTTP goes to
// the curl multi worker; network probes and plugins run asynchronously on the registry's own
// io_context thread (gs-probes); blocking probes (disk, RAID, MySQL) go to bounded workers;
// heartbeats are evaluated on the spot from the job's status.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "alerts/check_status.h"
#include "collector/config/config.h"
#include "collector/worker.h"
#include "probes/check_result.h"
#include "probes/http_probe.h"
#include "probes/target.h"

namespace gs::collector {

using JobKey = std::pair<std::string, std::string>;  // (node, check)

// One scheduled job: a check applied to one node. Immutable once built.
struct JobSpec {
  // Never null. Shared: the inventory's node serves every check of it.
  std::shared_ptr<const probes::Target> target;
  std::shared_ptr<const CheckConfig> check;
};

class ProbeRunner {
 public:
  using Done = std::function<void(probes::CheckResult)>;
  virtual ~ProbeRunner() = default;
  // Starts one run. False when the probe's queue is full (the run is skipped; `done` is
  // never called). Otherwise `done` is called exactly once, from any thread.
  virtual bool Run(const JobSpec& job, Done done) = 0;
};

class ProbeRegistry : public ProbeRunner {
 public:
  // The current status of a job (for heartbeat freshness); nullptr when it has none. Called
  // from whichever thread calls Run (the scheduler's io_context thread).
  using StatusLookup = std::function<const alerts::CheckStatus*(const JobKey&)>;

  // Plugins running at once; more are skipped (counted by the scheduler) until one ends.
  static constexpr int kMaxRunningPlugins = 64;
  // Threads for MySQL checks (libmariadb blocks): a server that stalls holds one of them for
  // up to its timeout, the others go on.
  static constexpr int kMysqlThreads = 8;

  explicit ProbeRegistry(StatusLookup status = {});
  ~ProbeRegistry() override;
  ProbeRegistry(const ProbeRegistry&) = delete;
  ProbeRegistry& operator=(const ProbeRegistry&) = delete;

  bool Run(const JobSpec& job, Done done) override;

  [[nodiscard]] const probes::HttpProbeStats& http_stats() const { return http_.stats(); }
  [[nodiscard]] const Worker& blocking_worker() const { return blocking_; }
  [[nodiscard]] const std::vector<std::unique_ptr<Worker>>& mysql_workers() const { return mysql_; }
  [[nodiscard]] int running_plugins() const { return running_plugins_.load(); }

 private:
  bool RunHttp(const JobSpec& job, const HttpCheckOptions& options, Done& done);
  bool RunExec(const JobSpec& job, const ExecCheckOptions& options, Done& done);
  bool RunHeartbeat(const JobSpec& job, const HeartbeatCheckOptions& options, Done& done);
  bool RunMysql(const JobSpec& job, const MysqlCheckOptions& options, Done& done);
  bool RunTcp(const JobSpec& job, const TcpCheckOptions& options, Done& done);
  bool RunNrpe(const JobSpec& job, const NrpeCheckOptions& options, Done& done);

  StatusLookup status_;
  probes::HttpProbe http_;
  Worker blocking_;
  std::vector<std::unique_ptr<Worker>> mysql_;  // the least busy one takes the next check
  boost::asio::io_context net_io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> net_work_;
  std::thread net_thread_;
  std::atomic<int> running_plugins_{0};
  std::mutex first_seen_mu_;
  // When each heartbeat job was first evaluated by this process: freshness counts from here
  // until a first heartbeat arrives.
  std::map<JobKey, std::chrono::system_clock::time_point> first_seen_;
};

// Builds the HttpCheckSpec of one job: expands {address}, {name}, {tag:KEY}.
Result<probes::HttpCheckSpec> BuildHttpSpec(const probes::Target& target, const CheckConfig& check,
                                            const HttpCheckOptions& options);

// An UNKNOWN result for a run that could not start (e.g. a missing tag).
probes::CheckResult UnknownResult(std::string text);

}  // namespace gs::collector
