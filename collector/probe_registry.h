// ProbeRegistry: the one explicit list of probe kinds the daemon can run, and how a
// (node, check) job becomes a probe run. Run() is thread-safe and never blocks: HTTP goes to
// the curl multi worker, blocking probes (disk) to a bounded worker.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "collector/config/config.h"
#include "collector/worker.h"
#include "probes/check_result.h"
#include "probes/http_probe.h"

namespace gs::collector {

// One scheduled job: a check applied to one node. Immutable once built.
struct JobSpec {
  probes::Target target;
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
  ProbeRegistry();
  ~ProbeRegistry() override;
  bool Run(const JobSpec& job, Done done) override;

  [[nodiscard]] const probes::HttpProbeStats& http_stats() const { return http_.stats(); }
  [[nodiscard]] const Worker& blocking_worker() const { return blocking_; }

 private:
  bool RunHttp(const JobSpec& job, const HttpCheckOptions& options, Done& done);

  probes::HttpProbe http_;
  Worker blocking_;
};

// Builds the HttpCheckSpec of one job: expands {address}, {name}, {tag:KEY}.
Result<probes::HttpCheckSpec> BuildHttpSpec(const probes::Target& target, const CheckConfig& check,
                                            const HttpCheckOptions& options);

// An UNKNOWN result for a run that could not start (e.g. a missing tag).
probes::CheckResult UnknownResult(std::string text);

}  // namespace gs::collector
