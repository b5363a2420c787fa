#include "collector/scheduler.h"

#include <boost/asio/post.hpp>
#include <cmath>
#include <functional>

namespace gs::collector {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct Scheduler::Job {
  Job(boost::asio::io_context& io, JobSpec s) : spec(std::move(s)), timer(io) {}
  JobSpec spec;
  boost::asio::steady_timer timer;
  Clock::time_point due{};
  bool running = false;
  bool removed = false;
  bool retrying = false;  // last result was a SOFT problem
};

namespace {

// A run counts as late when it starts this much after it was due.
milliseconds LateTolerance(milliseconds interval) {
  return std::max(milliseconds(1000), interval / 10);
}

// A stable phase in [0, 1) per check, so different checks do not all start at offset 0.
double Phase(const std::string& check) {
  return static_cast<double>(std::hash<std::string>{}(check) % 10'007) / 10'007.0;
}

}  // namespace

// Runs due close together share one wake-up: the timer fires at the next multiple of a
// quantum of 1/1000 of the interval, at most 50 ms (so 10 ms for a 10 s interval, 50 ms from
// 50 s up), like the kernel's timer slack. `due` itself stays exact, so the schedule does not
// drift; on 10,000 jobs a minute that is ~20 wake-ups a second instead of 166, for the event loop
// and for the probe threads the runs are submitted to (bench/README.md).
Clock::time_point CoalescedDue(Clock::time_point due, milliseconds interval) {
  const auto quantum = std::min<Clock::duration>(milliseconds(50), interval / 1000);
  if (quantum <= Clock::duration::zero()) return due;
  const auto since_epoch = due.time_since_epoch();
  const auto rem = since_epoch % quantum;
  return rem == Clock::duration::zero() ? due : due + (quantum - rem);
}

Scheduler::Scheduler(boost::asio::io_context& io, ProbeRunner& runner, ResultSink on_result,
                     RemovedSink on_removed)
    : io_(io),
      runner_(runner),
      on_result_(std::move(on_result)),
      on_removed_(std::move(on_removed)) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Stop() {
  stopped_ = true;
  for (auto& [key, job] : jobs_) {
    job->removed = true;
    job->timer.cancel();
  }
  jobs_.clear();
}

void Scheduler::Apply(std::vector<JobSpec> jobs) {
  std::map<JobKey, JobSpec> wanted;
  for (auto& spec : jobs) {
    JobKey key{spec.target->name, spec.check->name};
    wanted.emplace(std::move(key), std::move(spec));
  }
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    if (wanted.count(it->first) == 0) {
      it->second->removed = true;
      it->second->timer.cancel();
      on_removed_(it->first);
      it = jobs_.erase(it);
    } else {
      ++it;
    }
  }
  // New jobs of one check are spread evenly over its interval, from a per-check phase.
  std::map<std::string, std::vector<std::shared_ptr<Job>>> fresh;
  const auto now = Clock::now();
  for (auto& [key, spec] : wanted) {
    auto existing = jobs_.find(key);
    if (existing == jobs_.end()) {
      auto job = std::make_shared<Job>(io_, std::move(spec));
      fresh[key.second].push_back(job);
      jobs_.emplace(key, std::move(job));
      continue;
    }
    Job& job = *existing->second;
    const bool interval_changed = job.spec.check->interval != spec.check->interval;
    job.spec = std::move(spec);
    if (interval_changed && !job.running) {
      job.due = now + job.spec.check->interval;
      Arm(existing->second);
    }
  }
  for (auto& [check, list] : fresh) {
    const auto interval = list.front()->spec.check->interval;
    const double n = static_cast<double>(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
      const double fraction = std::fmod(Phase(check) + static_cast<double>(i) / n, 1.0);
      list[i]->due =
          now +
          milliseconds(static_cast<std::int64_t>(fraction * static_cast<double>(interval.count())));
      Arm(list[i]);
    }
  }
}

bool Scheduler::RunNow(const JobKey& key) {
  auto it = jobs_.find(key);
  if (it == jobs_.end()) return false;
  if (!it->second->running) {
    it->second->due = Clock::now();
    Arm(it->second, /*exact=*/true);
  }
  return true;
}

bool Scheduler::Submit(const JobKey& key, const probes::CheckResult& result) {
  auto it = jobs_.find(key);
  if (it == jobs_.end() || stopped_) return false;
  const std::shared_ptr<Job>& job = it->second;
  ++counters_[job->spec.check->kind].results[std::string(probes::ToString(result.state))];
  job->retrying = on_result_(job->spec, result);
  return true;
}

std::vector<std::string> Scheduler::NodesOf(std::string_view check) const {
  std::vector<std::string> nodes;
  for (const auto& [key, job] : jobs_) {
    if (key.second == check) nodes.push_back(key.first);
  }
  return nodes;
}

void Scheduler::Arm(const std::shared_ptr<Job>& job, bool exact) {
  job->timer.expires_at(exact ? job->due : CoalescedDue(job->due, job->spec.check->interval));
  job->timer.async_wait([this, weak = std::weak_ptr<Job>(job)](boost::system::error_code ec) {
    auto j = weak.lock();
    if (ec || !j || j->removed || stopped_) return;
    Fire(j);
  });
}

void Scheduler::Fire(const std::shared_ptr<Job>& job) {
  const CheckConfig& check = *job->spec.check;
  KindCounters& counters = counters_[check.kind];
  const auto now = Clock::now();
  if (now - job->due > LateTolerance(check.interval)) ++counters.late;
  if (job->running) {
    ++counters.skipped_overlap;
    job->due += check.interval;
    Arm(job);
    return;
  }
  job->running = true;
  ++running_;
  ++counters.runs;
  const bool accepted = runner_.Run(job->spec, [this, job](probes::CheckResult result) {
    boost::asio::post(io_, [this, job, result = std::move(result)] { Complete(job, result); });
  });
  if (!accepted) {
    ++counters.skipped_rejected;
    job->running = false;
    --running_;
    job->due += check.interval;
    Arm(job);
  }
}

void Scheduler::Complete(const std::shared_ptr<Job>& job, const probes::CheckResult& result) {
  job->running = false;
  --running_;
  if (job->removed || stopped_) return;
  const CheckConfig& check = *job->spec.check;
  ++counters_[check.kind].results[std::string(probes::ToString(result.state))];
  job->retrying = on_result_(job->spec, result);
  const auto now = Clock::now();
  if (job->retrying) {
    job->due = now + check.effective_retry_interval();
  } else {
    // Fixed rate: the next slot after the one just run. Slots missed because the run took
    // longer than the interval are skipped (counted), not run back to back.
    job->due += check.interval;
    while (job->due < now) {
      job->due += check.interval;
      ++counters_[check.kind].skipped_overlap;
    }
  }
  Arm(job);
}

}  // namespace gs::collector
