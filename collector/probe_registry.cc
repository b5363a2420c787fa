#include "collector/probe_registry.h"

#include "collector/config/template.h"
#include "probes/disk_probe.h"

namespace gs::collector {

namespace {

constexpr std::size_t kBlockingQueue = 10'000;

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};

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
  for (auto [text, out] : {std::pair{&options.url, &spec.url},
                           {&options.body, &spec.body},
                           {&options.host_header, &spec.host_header},
                           {&options.sni, &spec.sni}}) {
    if (auto ok = expand(*text, *out); !ok) return tl::unexpected(ok.error());
  }
  for (const auto& [name, value] : options.headers) {
    std::string expanded;
    if (auto ok = expand(value, expanded); !ok) return tl::unexpected(ok.error());
    spec.headers.push_back(name + ": " + expanded);
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

ProbeRegistry::ProbeRegistry() : blocking_("gs-blocking", kBlockingQueue) {}

ProbeRegistry::~ProbeRegistry() { blocking_.Stop(); }

bool ProbeRegistry::RunHttp(const JobSpec& job, const HttpCheckOptions& options, Done& done) {
  auto spec = BuildHttpSpec(job.target, *job.check, options);
  if (!spec) {
    done(UnknownResult(spec.error().message));
    return true;
  }
  return http_.Submit(std::move(*spec), std::move(done));
}

bool ProbeRegistry::Run(const JobSpec& job, Done done) {
  return std::visit(
      Overloaded{
          [&](const HttpCheckOptions& http) { return RunHttp(job, http, done); },
          [&](const DiskCheckOptions& disk) {
            probes::DiskCheckSpec spec{disk.paths, disk.warn_percent, disk.crit_percent};
            return blocking_.Post([spec = std::move(spec), done = std::move(done)] {
              done(probes::RunDiskCheck(spec));
            });
          },
      },
      job.check->options);
}

}  // namespace gs::collector
