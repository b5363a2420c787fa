#include "collector/probe_registry.h"

#include <pthread.h>

#include "collector/config/template.h"
#include "collector/passive.h"
#include "probes/disk_probe.h"
#include "probes/exec_probe.h"
#include "probes/mysql_probe.h"
#include "probes/nrpe_probe.h"
#include "probes/raid_probe.h"
#include "probes/tcp_probe.h"

namespace gs::collector {

namespace {

constexpr std::size_t kBlockingQueue = 10'000;

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};

}  // namespace

namespace {

// Expands {address}, {name} and {tag:KEY} in place in each of `fields`; the first failure.
Result<void> ExpandFields(const probes::Target& target, const std::vector<std::string*>& fields) {
  for (std::string* field : fields) {
    auto expanded = ExpandTemplate(*field, target);
    if (!expanded) return tl::unexpected(expanded.error());
    *field = std::move(*expanded);
  }
  return {};
}

}  // namespace

probes::CheckResult UnknownResult(std::string text) {
  probes::CheckResult r;
  r.state = probes::State::kUnknown;
  r.text = std::move(text);
  r.started = std::chrono::system_clock::now();
  return r;
}

Result<probes::HttpCheckSpec> BuildHttpSpec(const probes::Target& target, const CheckConfig& check,
                                            const HttpCheckOptions& options) {
  probes::HttpCheckSpec spec;
  auto expand = [&](const std::string& text, std::string& out) -> Result<void> {
    auto expanded = ExpandTemplate(text, target);
    if (!expanded) return tl::unexpected(expanded.error());
    out = std::move(*expanded);
    return {};
  };
  // In a URL an IPv6 address needs its brackets: http://[2001:db8::5]:8080/.
  probes::Target url_target = target;
  if (url_target.address.find(':') != std::string::npos && !url_target.address.starts_with('[')) {
    url_target.address = "[" + url_target.address + "]";
  }
  auto url = ExpandTemplate(options.url, url_target);
  if (!url) return tl::unexpected(url.error());
  spec.url = std::move(*url);
  for (auto [text, out] : {std::pair{&options.body, &spec.body},
                           {&options.host_header, &spec.host_header},
                           {&options.sni, &spec.sni}}) {
    if (auto ok = expand(*text, *out); !ok) return tl::unexpected(ok.error());
  }
  for (const auto& [name, value] : options.headers) {
    std::string expanded;
    if (auto ok = expand(value, expanded); !ok) return tl::unexpected(ok.error());
    spec.headers.push_back(name + ": " + expanded);
  }
  // A DNS pool member is checked at its own address under the pool's name: Host and SNI
  // (and the certificate name) are the pool's, so each round-robin member is tested alone.
  if (const auto pool = target.tags.find("pool");
      pool != target.tags.end() && spec.sni.empty() && spec.host_header.empty()) {
    spec.sni = pool->second;
  }
  spec.method = options.method;
  spec.follow_redirects = options.follow_redirects;
  spec.verify_tls = options.verify_tls;
  spec.timeout = check.timeout;
  spec.expect_status = options.expect_status;
  spec.body_regex = options.body_regex;
  spec.warn_time = options.warn_time;
  spec.crit_time = options.crit_time;
  spec.cert_warn_days = options.cert_warn_days;
  spec.cert_crit_days = options.cert_crit_days;
  return spec;
}

ProbeRegistry::ProbeRegistry(StatusLookup status)
    : status_(std::move(status)),
      blocking_("gs-blocking", kBlockingQueue),
      net_work_(boost::asio::make_work_guard(net_io_)),
      net_thread_([this] {
        pthread_setname_np(pthread_self(), "gs-probes");
        net_io_.run();
      }) {
  for (int i = 0; i < kMysqlThreads; ++i) {
    mysql_.push_back(std::make_unique<Worker>("gs-mysql", kBlockingQueue / kMysqlThreads));
  }
}

ProbeRegistry::~ProbeRegistry() {
  blocking_.Stop();
  for (auto& worker : mysql_) worker->Stop();
  // Runs still in flight are abandoned: their plugins are killed when the loop's handlers go.
  net_work_.reset();
  net_io_.stop();
  net_thread_.join();
}

bool ProbeRegistry::RunHttp(const JobSpec& job, const HttpCheckOptions& options, Done& done) {
  auto spec = BuildHttpSpec(*job.target, *job.check, options);
  if (!spec) {
    done(UnknownResult(spec.error().message));
    return true;
  }
  return http_.Submit(std::move(*spec), std::move(done));
}

bool ProbeRegistry::RunExec(const JobSpec& job, const ExecCheckOptions& options, Done& done) {
  probes::ExecSpec spec;
  spec.argv = options.command;
  std::vector<std::string*> words;
  for (std::string& word : spec.argv) words.push_back(&word);
  if (auto ok = ExpandFields(*job.target, words); !ok) {
    done(UnknownResult(ok.error().message));
    return true;
  }
  spec.timeout = job.check->timeout;
  spec.max_output = options.output_limit;
  if (running_plugins_.fetch_add(1) >= kMaxRunningPlugins) {
    running_plugins_.fetch_sub(1);
    return false;
  }
  probes::StartExec(net_io_, std::move(spec),
                    [this, done = std::move(done)](probes::CheckResult r) {
                      running_plugins_.fetch_sub(1);
                      done(std::move(r));
                    });
  return true;
}

bool ProbeRegistry::RunHeartbeat(const JobSpec& job, const HeartbeatCheckOptions& options,
                                 Done& done) {
  const JobKey key{job.target->name, job.check->name};
  const auto now = std::chrono::system_clock::now();
  std::chrono::system_clock::time_point since;
  {
    std::lock_guard lock(first_seen_mu_);
    since = first_seen_.try_emplace(key, now).first->second;
  }
  const alerts::CheckStatus* status = status_ ? status_(key) : nullptr;
  done(EvaluateFreshness(status, options.max_age, since, now));
  return true;
}

bool ProbeRegistry::RunMysql(const JobSpec& job, const MysqlCheckOptions& options, Done& done) {
  probes::MysqlCheckSpec spec = options.spec;
  if (auto ok = ExpandFields(*job.target, {&spec.host}); !ok) {
    done(UnknownResult(ok.error().message));
    return true;
  }
  spec.timeout = job.check->timeout;
  Worker* idle = mysql_.front().get();
  for (const auto& worker : mysql_) {
    if (worker->depth() < idle->depth()) idle = worker.get();
  }
  return idle->Post(
      [spec = std::move(spec), done = std::move(done)] { done(probes::RunMysqlCheck(spec)); });
}

bool ProbeRegistry::RunTcp(const JobSpec& job, const TcpCheckOptions& options, Done& done) {
  probes::TcpCheckSpec spec = options.spec;
  if (auto ok = ExpandFields(*job.target, {&spec.host, &spec.sni}); !ok) {
    done(UnknownResult(ok.error().message));
    return true;
  }
  spec.timeout = job.check->timeout;
  probes::StartTcpCheck(net_io_, std::move(spec), std::move(done));
  return true;
}

bool ProbeRegistry::RunNrpe(const JobSpec& job, const NrpeCheckOptions& options, Done& done) {
  probes::NrpeCheckSpec spec = options.spec;
  std::vector<std::string*> fields = {&spec.host};
  for (std::string& arg : spec.args) fields.push_back(&arg);
  if (auto ok = ExpandFields(*job.target, fields); !ok) {
    done(UnknownResult(ok.error().message));
    return true;
  }
  spec.timeout = job.check->timeout;
  probes::StartNrpeCheck(net_io_, std::move(spec), std::move(done));
  return true;
}

bool ProbeRegistry::Run(const JobSpec& job, Done done) {
  return std::visit(
      Overloaded{
          [&](const HttpCheckOptions& http) { return RunHttp(job, http, done); },
          [&](const DiskCheckOptions& disk) {
            return blocking_.Post(
                [spec = disk.spec, done = std::move(done)] { done(probes::RunDiskCheck(spec)); });
          },
          [&](const RaidCheckOptions& raid) {
            return blocking_.Post(
                [spec = raid.spec, done = std::move(done)] { done(probes::RunRaidCheck(spec)); });
          },
          [&](const ExecCheckOptions& exec) { return RunExec(job, exec, done); },
          [&](const HeartbeatCheckOptions& hb) { return RunHeartbeat(job, hb, done); },
          [&](const MysqlCheckOptions& mysql) { return RunMysql(job, mysql, done); },
          [&](const TcpCheckOptions& tcp) { return RunTcp(job, tcp, done); },
          [&](const NrpeCheckOptions& nrpe) { return RunNrpe(job, nrpe, done); },
      },
      job.check->options);
}

}  // namespace gs::collector
