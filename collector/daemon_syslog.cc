// The Daemon's syslog side: the archive, the listeners, the log rules and their alerts (kept
// apart from daemon.cc so each file stays about one thing).
#include <algorithm>
#include <boost/asio/post.hpp>

#include "collector/daemon.h"

namespace gs::collector {

// Sender address -> node, for the syslog listeners (a node's address as written).
Result<void> Daemon::StartSyslog() {
  const SyslogSection& s = config_->syslog;
  syslog::LogArchive::Options options;
  options.root = std::filesystem::path(config_->data_dir) / "logs";
  options.flush_interval = s.flush_interval;
  options.queue_bytes = s.queue_size;
  options.retention = s.retention;
  options.compress = s.compress;
  archive_ = std::make_unique<syslog::LogArchive>(std::move(options));
  if (auto ok = ApplyLogRules(*config_); !ok) return ok;
  if (s.listen.empty()) return {};
  syslog_ = std::make_unique<syslog::SyslogServer>(s, *archive_);
  return syslog_->Start();
}

// (Re)builds the log rules. Alerts still open from before (state.db, or the rules being
// replaced) are handed over so they recover when their window is quiet.
Result<void> Daemon::ApplyLogRules(const Config& config) {
  std::set<std::pair<std::string, std::string>> firing;
  for (const auto& [key, entry] : engine_->entries()) {
    if (key.second.starts_with("log:") && entry.status.state != probes::State::kOk) {
      firing.emplace(key.first, key.second.substr(4));
    }
  }
  auto tags = BuildNodeTags();
  syslog::LogRules::Sinks sinks;
  sinks.on_count = [this](const std::string& host, const std::string& rule,
                          std::chrono::system_clock::time_point minute_end, std::uint64_t count) {
    probes::Perfdata matches;
    matches.label = "matches";
    matches.value = static_cast<double>(count);
    rrd_->Submit(RrdWriter::Sample{host,
                                   syslog::LogRuleCheckName(rule),
                                   std::chrono::seconds(60),
                                   minute_end,
                                   {std::move(matches)}});
  };
  sinks.on_alert = [this](const std::string& host, const std::string& rule,
                          probes::CheckResult result) {
    boost::asio::post(io_, [this, host, rule, result = std::move(result)]() mutable {
      OnLogAlert(host, rule, std::move(result));
    });
  };
  auto rules =
      syslog::LogRules::Create(config.syslog.rules, std::move(tags), std::move(sinks), firing);
  if (!rules) return tl::unexpected(rules.error());
  log_rules_ = std::move(*rules);
  archive_->SetObserver(config.syslog.rules.empty() ? nullptr : log_rules_);
  return {};
}

// A log rule's alert state for `host`, as the result of the check "log:<rule>" on that node
// (so routes, SOFT/HARD, state.db and the status page treat it like any other check).
void Daemon::OnLogAlert(const std::string& host, const std::string& rule,
                        probes::CheckResult result) {
  if (stopping_) return;
  const auto it = std::find_if(config_->syslog.rules.begin(), config_->syslog.rules.end(),
                               [&](const LogRuleConfig& r) { return r.name == rule; });
  if (it == config_->syslog.rules.end()) return;  // removed by a reload meanwhile
  auto check = std::make_shared<CheckConfig>();
  check->name = syslog::LogRuleCheckName(rule);
  check->kind = "log";
  check->interval = it->alert_window;
  check->max_attempts = 1;
  // The inventory's node when the host is one (its tags select routes), else a bare target.
  std::shared_ptr<const probes::Target> target;
  if (const auto node = inventory_.nodes().find(host); node != inventory_.nodes().end()) {
    target = node->second.node;
  } else {
    target = std::make_shared<const probes::Target>(probes::Target{host, host, {}});
  }
  engine_->OnResult(JobSpec{std::move(target), std::move(check)}, result);
}

}  // namespace gs::collector
