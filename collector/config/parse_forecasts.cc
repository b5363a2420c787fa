// The forecasts: section: capacity alerts on a metric's trend (dashboards/forecast_rule.h).
#include <algorithm>
#include <cmath>

#include "collector/config/parse.h"

namespace gs::collector::config_parse {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;

// A duration of `name` within [low, high]; `fallback` when absent.
milliseconds Span(YamlWalker& w, const YAML::Node& f, const std::string& key, const char* name,
                  milliseconds fallback, milliseconds low, milliseconds high, const char* bounds) {
  const milliseconds v = w.Duration(f, name, key).value_or(fallback);
  if (v < low || v > high) w.Error(f[name], KeyPath(key, name), std::string("must be ") + bounds);
  return v;
}

bool KnownCheck(const Config& config, const std::string& check) {
  if (std::any_of(config.checks.begin(), config.checks.end(),
                  [&](const CheckConfig& c) { return c.name == check; })) {
    return true;
  }
  return std::any_of(config.syslog.rules.begin(), config.syslog.rules.end(),
                     [&](const LogRuleConfig& r) { return "log:" + r.name == check; });
}

void ParseLimit(YamlWalker& w, const YAML::Node& f, const std::string& key, ForecastConfig& out) {
  const bool above = f["above"].IsDefined();
  const bool below = f["below"].IsDefined();
  if (above == below) {
    w.Error(f, key, "needs exactly one of above: or below: (the limit the metric must not reach)");
    return;
  }
  out.below = below;
  const std::optional<double> v = w.Number(f, below ? "below" : "above", key);
  if (v && !std::isfinite(*v)) w.Error(f[below ? "below" : "above"], key, "must be a number");
  out.threshold = v.value_or(0);
}

std::optional<ForecastConfig> ParseForecast(YamlWalker& w, const YAML::Node& f,
                                            const std::string& key, const Config& config,
                                            std::set<std::string>& seen) {
  if (!w.ExpectMap(f, key,
                   {"name", "select", "check", "metric", "above", "below", "within", "warn_within",
                    "window", "interval"})) {
    return std::nullopt;
  }
  ForecastConfig out;
  auto name = ParseName(w, f, key, seen);
  if (f["select"].IsDefined()) out.select = ParseSelector(w, f["select"], KeyPath(key, "select"));
  out.check = w.String(f, "check", key).value_or("");
  if (out.check.empty()) {
    w.Error(f["check"].IsDefined() ? f["check"] : f, KeyPath(key, "check"),
            "is required (the check whose metric is forecast)");
  } else if (!KnownCheck(config, out.check)) {
    w.Error(f["check"], KeyPath(key, "check"),
            "unknown check \"" + out.check + "\" (a check name, or log:<syslog rule>)");
  }
  out.metric = w.String(f, "metric", key).value_or("");
  if (out.metric.empty()) {
    w.Error(f["metric"].IsDefined() ? f["metric"] : f, KeyPath(key, "metric"),
            "is required (the perfdata label, e.g. time_total or /)");
  }
  ParseLimit(w, f, key, out);
  out.within =
      Span(w, f, key, "within", out.within, minutes(1), hours(24 * 3650), "between 1m and 3650d");
  out.warn_within = Span(w, f, key, "warn_within", out.warn_within, milliseconds(0),
                         hours(24 * 3650), "at most 3650d");
  if (out.warn_within.count() > 0 && out.warn_within <= out.within) {
    w.Error(f["warn_within"], KeyPath(key, "warn_within"), "must be longer than within");
  }
  out.window = Span(w, f, key, "window", out.window, hours(1), hours(24 * 450),
                    "between 1h and 450d (the longest archive)");
  out.interval =
      Span(w, f, key, "interval", out.interval, minutes(1), hours(24), "between 1m and 24h");
  if (!name) return std::nullopt;
  out.name = std::move(*name);
  return out;
}

}  // namespace

void ParseForecasts(YamlWalker& w, const YAML::Node& list, Config& config) {
  if (!list.IsDefined() || list.IsNull()) return;
  if (!w.ExpectSequence(list, "forecasts")) return;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (auto f = ParseForecast(w, list[i], KeyPath("forecasts", i), config, seen)) {
      config.forecasts.push_back(std::move(*f));
    }
  }
}

}  // namespace gs::collector::config_parse
