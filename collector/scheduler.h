// Scheduler: one timer per (node, check) job on the daemon's io_context. Runs each job every
// `interval` (or `retry_interval` while the sink reports a SOFT problem), spreads first runs
// evenly over the interval, never overlaps a job with itself, and counts late and skipped
// runs. All methods must be called on the io_context thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "collector/probe_registry.h"

namespace gs::collector {

// Counters per check kind; read and written on the io_context thread only.
struct KindCounters {
  std::uint64_t runs = 0;
  std::uint64_t late = 0;              // started later than due by more than the tolerance
  std::uint64_t skipped_overlap = 0;   // previous run of the same job still going
  std::uint64_t skipped_rejected = 0;  // the probe's queue was full
  std::map<std::string, std::uint64_t> results;  // by state name
};

// When the timer of a run due at `due` fires: the next multiple of a quantum of 1/1000 of
// `interval`, at most 50 ms (see scheduler.cc). Never before `due`.
std::chrono::steady_clock::time_point CoalescedDue(std::chrono::steady_clock::time_point due,
                                                   std::chrono::milliseconds interval);

class Scheduler {
 public:
  // Receives every result on the io_context thread; returns true while the job is in a SOFT
  // problem state, so the next run uses retry_interval.
  using ResultSink = std::function<bool(const JobSpec&, const probes::CheckResult&)>;
  using RemovedSink = std::function<void(const JobKey&)>;

  Scheduler(boost::asio::io_context& io, ProbeRunner& runner, ResultSink on_result,
            RemovedSink on_removed);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Makes `jobs` the scheduled set: new jobs start (spread over their interval), removed
  // ones stop (on_removed is called), unchanged ones keep their schedule, changed ones keep
  // their key and are rescheduled only if their interval changed.
  void Apply(std::vector<JobSpec> jobs);

  // Moves a job's next run to now (unless it is running). False for an unknown job.
  bool RunNow(const JobKey& key);

  // Applies a result that arrived from outside (a heartbeat, a submitted plugin result) to a
  // scheduled job as if one of its runs had produced it; its schedule is unchanged. False for
  // an unknown job.
  bool Submit(const JobKey& key, const probes::CheckResult& result);

  // The scheduled nodes of the check named `check`, in node order.
  [[nodiscard]] std::vector<std::string> NodesOf(std::string_view check) const;

  // Cancels every timer; results of runs still in flight are dropped.
  void Stop();

  [[nodiscard]] std::size_t size() const { return jobs_.size(); }
  [[nodiscard]] std::size_t running() const { return running_; }
  [[nodiscard]] const std::map<std::string, KindCounters>& counters() const { return counters_; }

 private:
  struct Job;
  // Starts the job's timer for job->due, coalesced with its neighbours unless `exact`.
  void Arm(const std::shared_ptr<Job>& job, bool exact = false);
  void Fire(const std::shared_ptr<Job>& job);
  void Complete(const std::shared_ptr<Job>& job, const probes::CheckResult& result);

  boost::asio::io_context& io_;
  ProbeRunner& runner_;
  ResultSink on_result_;
  RemovedSink on_removed_;
  std::map<JobKey, std::shared_ptr<Job>> jobs_;
  std::map<std::string, KindCounters> counters_;
  std::size_t running_ = 0;
  bool stopped_ = false;
};

}  // namespace gs::collector
