// Forecast rules (forecasts: in the config): every `interval`, the trend of each matching
// node's metric is projected on the forecast worker (it reads RRD files, so it stays off the
// io_context), and the result becomes the check "forecast:<name>" on that node: routed,
// acknowledged and kept in state.db like any other check.
#include <cstdio>
#include <filesystem>

#include "collector/daemon.h"
#include "collector/storage/names.h"
#include "dashboards/forecast_rule.h"
#include "dashboards/rrd_series.h"

namespace gs::collector {
namespace {

constexpr auto kForecastTick = std::chrono::seconds(30);

struct ForecastTarget {
  inventory::NodeRef node;
  std::string file;
};

dashboards::ForecastRule RuleOf(const ForecastConfig& f) {
  dashboards::ForecastRule rule;
  rule.metric = f.check + " " + f.metric;
  rule.threshold = f.threshold;
  rule.direction = f.below ? dashboards::Direction::kDown : dashboards::Direction::kUp;
  rule.critical_within = std::chrono::duration_cast<std::chrono::seconds>(f.within);
  rule.warning_within = std::chrono::duration_cast<std::chrono::seconds>(f.warn_within);
  return rule;
}

// On the forecast worker: one result per node whose file exists.
std::vector<std::pair<inventory::NodeRef, probes::CheckResult>> Evaluate(
    const ForecastConfig& f, const std::vector<ForecastTarget>& targets,
    const std::string& daemon) {
  std::vector<std::pair<inventory::NodeRef, probes::CheckResult>> results;
  const dashboards::ForecastRule rule = RuleOf(f);
  const auto now = std::chrono::system_clock::now();
  for (const ForecastTarget& t : targets) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(t.file, ec)) continue;  // no data for this node
    auto series = dashboards::FetchSeries(t.file, "AVERAGE", now - f.window, now, daemon);
    probes::CheckResult r;
    if (series) {
      r = dashboards::EvaluateForecast(rule, *series, now);
    } else {
      r.state = probes::State::kUnknown;
      r.text = "cannot read the history: " + series.error().message;
      r.started = now;
    }
    results.emplace_back(t.node, std::move(r));
  }
  return results;
}

}  // namespace

std::string Daemon::ForecastCheckName(const std::string& forecast) {
  return "forecast:" + forecast;
}

void Daemon::StartForecasts() {
  forecast_worker_ = std::make_unique<Worker>("gs-forecast", 64);
  forecast_timer_ = std::make_unique<boost::asio::steady_timer>(io_);
  ForecastTick();
}

void Daemon::ForecastTick() {
  const auto now = std::chrono::steady_clock::now();
  for (const ForecastConfig& f : config_->forecasts) {
    auto [due, added] = forecast_due_.try_emplace(f.name, now);
    if (now < due->second) continue;
    due->second = now + f.interval;
    RunForecast(f);
  }
  forecast_timer_->expires_after(kForecastTick);
  forecast_timer_->async_wait([this](boost::system::error_code ec) {
    if (!ec && !stopping_) ForecastTick();
  });
}

void Daemon::RunForecast(const ForecastConfig& f) {
  const std::filesystem::path root = std::filesystem::path(config_->data_dir) / "rrd";
  const std::string file = SanitizeName(f.check) + "/" + SanitizeName(f.metric) + ".rrd";
  std::vector<ForecastTarget> targets;
  for (const auto& [name, entry] : inventory_.nodes()) {
    if (entry.node->lifecycle != inventory::Lifecycle::kRunning) continue;
    if (f.select && !f.select->Matches(entry.node->tags)) continue;
    targets.push_back({entry.node, (root / SanitizeName(name) / file).string()});
  }
  const bool queued =
      forecast_worker_->Post([this, f, targets = std::move(targets), daemon = config_->rrd.daemon] {
        auto results = Evaluate(f, targets, daemon);
        boost::asio::post(io_, [this, name = f.name, results = std::move(results)]() mutable {
          OnForecasts(name, std::move(results));
        });
      });
  if (!queued) std::fprintf(stderr, "groundstation: forecast %s: worker busy\n", f.name.c_str());
}

void Daemon::OnForecasts(const std::string& name,
                         std::vector<std::pair<inventory::NodeRef, probes::CheckResult>> results) {
  if (stopping_) return;
  const auto f = std::find_if(config_->forecasts.begin(), config_->forecasts.end(),
                              [&](const ForecastConfig& c) { return c.name == name; });
  if (f == config_->forecasts.end()) return;  // removed by a reload meanwhile
  auto check = std::make_shared<CheckConfig>();
  check->name = ForecastCheckName(name);
  check->kind = "forecast";
  check->interval = f->interval;
  check->max_attempts = 1;
  // Since the start, the nodes with a status of this forecast are those state.db kept.
  auto [previous, first] = forecast_keys_.try_emplace(name);
  if (first) {
    for (const auto& [key, entry] : engine_->entries()) {
      if (key.second == check->name) previous->second.insert(key);
    }
  }
  std::set<JobKey> keys;
  for (auto& [node, result] : results) {
    keys.emplace(node->name, check->name);
    engine_->OnResult(JobSpec{node, check}, result);
  }
  for (const JobKey& key : previous->second) {
    if (keys.count(key) == 0 && engine_->entries().count(key) != 0) {
      engine_->OnRemoved(key, "no data for the forecast");
    }
  }
  previous->second = std::move(keys);
}

}  // namespace gs::collector
