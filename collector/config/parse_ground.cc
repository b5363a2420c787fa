// The uplink: (ground-station awareness, alerts/ground.h) and watchdog: (outbound heartbeat)
// sections.
#include <set>

#include "collector/config/parse.h"

namespace gs::collector::config_parse {
namespace {

void ParseRegion(YamlWalker& w, const YAML::Node& node, alerts::GroundOptions& out) {
  const std::string key = "uplink.region";
  if (!w.ExpectMap(node, key, {"share_percent", "window", "min_nodes"})) return;
  const std::optional<double> percent = w.Number(node, "share_percent", key);
  if (!node["share_percent"].IsDefined()) {
    w.Error(node, KeyPath(key, "share_percent"), "is required (e.g. 50)");
  } else if (!percent) {
    return;
  } else if (*percent <= 0 || *percent >= 100) {
    w.Error(node["share_percent"], KeyPath(key, "share_percent"), "must be above 0 and below 100");
  } else {
    out.region_share = *percent / 100.0;
  }
  out.region_window = w.Duration(node, "window", key).value_or(out.region_window);
  if (out.region_window < std::chrono::seconds(1) || out.region_window > std::chrono::hours(24)) {
    w.Error(node["window"], KeyPath(key, "window"), "must be between 1s and 24h");
  }
  out.region_min_nodes = w.Int(node, "min_nodes", key, 1, 1'000'000).value_or(out.region_min_nodes);
}

}  // namespace

void ParseUplink(YamlWalker& w, const YAML::Node& node, Config& config) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!w.ExpectMap(node, "uplink", {"checks", "region", "recheck_within", "notify"})) return;
  alerts::GroundOptions& out = config.uplink;
  if (node["checks"].IsDefined()) out.uplink = ParseSelector(w, node["checks"], "uplink.checks");
  if (node["region"].IsDefined()) ParseRegion(w, node["region"], out);
  out.recheck_within = w.Duration(node, "recheck_within", "uplink").value_or(out.recheck_within);
  if (out.recheck_within > std::chrono::hours(24)) {
    w.Error(node["recheck_within"], "uplink.recheck_within", "must be at most 24h");
  }
  out.notify = w.StringList(node, "notify", "uplink").value_or(out.notify);
  std::set<std::string> known;
  for (const NotifierConfig& n : config.notifiers) known.insert(n.name);
  for (std::size_t i = 0; i < out.notify.size(); ++i) {
    if (known.count(out.notify[i]) != 0) continue;
    const YAML::Node list = node["notify"];
    w.Error(list.IsSequence() ? list[i] : list, KeyPath("uplink.notify", i),
            "unknown notifier \"" + out.notify[i] + "\"");
  }
}

void ParseWatchdog(YamlWalker& w, const YAML::Node& node, Config& config) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!w.ExpectMap(node, "watchdog", {"url", "method", "interval", "timeout", "headers"})) return;
  WatchdogConfig& out = config.watchdog;
  out.url = w.String(node, "url", "watchdog").value_or("");
  if (!out.url.starts_with("http://") && !out.url.starts_with("https://")) {
    w.Error(node["url"], "watchdog.url", "needs an http:// or https:// URL");
  }
  out.method = w.String(node, "method", "watchdog").value_or(out.method);
  if (out.method != "GET" && out.method != "POST" && out.method != "HEAD") {
    w.Error(node["method"], "watchdog.method", "must be GET, POST or HEAD");
  }
  out.interval = w.Duration(node, "interval", "watchdog").value_or(out.interval);
  if (out.interval < std::chrono::seconds(1) || out.interval > std::chrono::hours(24)) {
    w.Error(node["interval"], "watchdog.interval", "must be between 1s and 24h");
  }
  out.timeout = w.Duration(node, "timeout", "watchdog").value_or(out.timeout);
  if (out.timeout < std::chrono::milliseconds(100) || out.timeout > out.interval) {
    w.Error(node["timeout"], "watchdog.timeout", "must be between 100ms and the interval");
  }
  out.headers = w.StringMap(node, "headers", "watchdog").value_or(out.headers);
}

}  // namespace gs::collector::config_parse
