#include "collector/config/loader.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "collector/config/parse.h"
#include "collector/config/size.h"
#include "collector/syslog/listen_url.h"
#include "collector/syslog/log_record.h"

namespace gs::collector {

using config_parse::ParseCheck;
using config_parse::ParseName;
using config_parse::ParseNotifiers;
using config_parse::ParseRoutes;
using config_parse::ParseSelector;
using config_parse::ParseUplink;
using config_parse::ParseWatchdog;
using config_parse::Size;

namespace {

constexpr std::string_view kDefaultConfig =
    R"yaml(# groundstation embedded default: the box watches itself.
data_dir: ./var
http: {listen: "127.0.0.1:8080", token_file: ./var/api-token}
syslog:
  listen: ["udp://127.0.0.1:5514", "tcp://127.0.0.1:5514"]
  retention: 30d
nodes:
  - {name: localhost, address: 127.0.0.1, tags: {role: groundstation}}
checks:
  - name: self_http
    kind: http
    select: {role: groundstation}
    interval: 30s
    timeout: 5s
    url: "http://{address}:8080/healthz"
    expect_status: [200]
    body_regex: "^ok"
    warning: {time: 0.5s}
    critical: {time: 2s}
  - name: disk
    kind: disk
    select: {role: groundstation}
    interval: 60s
    warning: {used_percent: 85, inodes_used_percent: 85}
    critical: {used_percent: 95, inodes_used_percent: 95}
  - name: raid
    kind: raid
    select: {role: groundstation}
    interval: 60s
)yaml";

void ParseNodes(YamlWalker& w, const YAML::Node& list, std::vector<NodeConfig>& nodes) {
  if (!w.ExpectSequence(list, "nodes")) return;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string key = KeyPath("nodes", i);
    const YAML::Node n = list[i];
    if (!w.ExpectMap(n, key, {"name", "address", "tags"})) {
      if (!n.IsMap()) continue;
    }
    NodeConfig node;
    auto name = ParseName(w, n, key, seen);
    if (name) node.name = *name;
    node.address = w.String(n, "address", key).value_or(node.name);
    if (auto tags = w.StringMap(n, "tags", key)) node.tags.insert(tags->begin(), tags->end());
    if (name) nodes.push_back(std::move(node));
  }
}

void ParseChecks(YamlWalker& w, const YAML::Node& list, Config& config) {
  if (!w.ExpectSequence(list, "checks")) return;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string key = KeyPath("checks", i);
    auto name = ParseName(w, list[i], key, seen);
    auto check = ParseCheck(w, list[i], key);
    if (name && check) config.checks.push_back(std::move(*check));
  }
}

void ParseSyslogTls(YamlWalker& w, const YAML::Node& n, SyslogTlsConfig& tls) {
  if (!w.ExpectMap(n, "syslog.tls",
                   {"cert_file", "key_file", "ca_file", "require_client_cert", "allowed_subjects"}))
    return;
  tls.cert_file = w.String(n, "cert_file", "syslog.tls").value_or("");
  tls.key_file = w.String(n, "key_file", "syslog.tls").value_or("");
  tls.ca_file = w.String(n, "ca_file", "syslog.tls").value_or("");
  tls.require_client_cert = w.Bool(n, "require_client_cert", "syslog.tls").value_or(false);
  tls.allowed_subjects =
      w.StringList(n, "allowed_subjects", "syslog.tls").value_or(std::vector<std::string>{});
  if (tls.require_client_cert && tls.ca_file.empty()) {
    w.Error(n, "syslog.tls.ca_file", "is required when require_client_cert is true");
  }
  if (!tls.allowed_subjects.empty() && !tls.require_client_cert) {
    w.Error(n["allowed_subjects"], "syslog.tls.allowed_subjects",
            "needs require_client_cert: true");
  }
}

void ParseLogRules(YamlWalker& w, const YAML::Node& list, std::vector<LogRuleConfig>& rules) {
  if (!w.ExpectSequence(list, "syslog.rules")) return;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string key = KeyPath("syslog.rules", i);
    const YAML::Node r = list[i];
    if (!w.ExpectMap(r, key,
                     {"name", "pattern", "host", "app_name", "facility", "severity", "select",
                      "count", "alert"})) {
      continue;
    }
    LogRuleConfig rule;
    auto name = ParseName(w, r, key, seen);
    rule.pattern = w.String(r, "pattern", key).value_or("");
    if (rule.pattern.empty()) {
      w.Error(r["pattern"].IsDefined() ? r["pattern"] : r, KeyPath(key, "pattern"),
              "is required (a PCRE2 pattern)");
    } else if (auto bad = config_parse::RegexError(rule.pattern)) {
      w.Error(r["pattern"], KeyPath(key, "pattern"), *bad);
    }
    for (std::string host : w.StringList(r, "host", key).value_or(std::vector<std::string>{})) {
      for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      rule.hosts.push_back(std::move(host));
    }
    rule.app_names = w.StringList(r, "app_name", key).value_or(rule.app_names);
    const auto facilities = w.StringList(r, "facility", key).value_or(std::vector<std::string>{});
    for (std::size_t j = 0; j < facilities.size(); ++j) {
      const int f = syslog::ParseFacility(facilities[j]);
      if (f < 0) {
        w.Error(r["facility"], KeyPath(KeyPath(key, "facility"), j),
                "unknown facility \"" + facilities[j] + "\" (kern, user, ..., local7)");
      } else {
        rule.facilities.push_back(f);
      }
    }
    if (auto severity = w.String(r, "severity", key)) {
      rule.max_severity = syslog::ParseSeverity(*severity);
      if (rule.max_severity < 0) {
        w.Error(r["severity"], KeyPath(key, "severity"),
                "unknown severity \"" + *severity +
                    "\" (emerg, alert, crit, err, warning, "
                    "notice, info, debug)");
        rule.max_severity = 7;
      }
    }
    if (r["select"].IsDefined())
      rule.select = ParseSelector(w, r["select"], KeyPath(key, "select"));
    rule.count = w.Bool(r, "count", key).value_or(true);
    if (const YAML::Node a = r["alert"]; a.IsDefined()) {
      const std::string akey = KeyPath(key, "alert");
      if (w.ExpectMap(a, akey, {"count", "window", "lines"})) {
        rule.alert_count = w.Int(a, "count", akey, 1, 1'000'000).value_or(0);
        if (!a["count"].IsDefined()) w.Error(a, KeyPath(akey, "count"), "is required");
        rule.alert_window = w.Duration(a, "window", akey).value_or(rule.alert_window);
        if (rule.alert_window < std::chrono::seconds(1) ||
            rule.alert_window > std::chrono::hours(24)) {
          w.Error(a["window"], KeyPath(akey, "window"), "must be between 1s and 24h");
        }
        rule.alert_lines = w.Int(a, "lines", akey, 0, 100).value_or(rule.alert_lines);
      }
    }
    if (name) {
      rule.name = *name;
      rules.push_back(std::move(rule));
    }
  }
}

void ParseSyslog(YamlWalker& w, const YAML::Node& n, SyslogSection& s) {
  if (!w.ExpectMap(
          n, "syslog",
          {"listen", "retention", "max_message_size", "flush_interval", "udp_receive_buffer",
           "queue_size", "max_connections", "compress", "tls", "rules"}))
    return;
  s.listen = w.StringList(n, "listen", "syslog").value_or(s.listen);
  std::set<std::string> endpoints;
  bool tls = false;
  for (std::size_t i = 0; i < s.listen.size(); ++i) {
    const YAML::Node at = n["listen"].IsSequence() ? n["listen"][i] : n["listen"];
    auto url = syslog::ParseListenUrl(s.listen[i]);
    if (!url) {
      w.Error(at, KeyPath("syslog.listen", i), url.error().message);
      continue;
    }
    tls = tls || url->transport == syslog::ListenUrl::Transport::kTls;
    // udp and tcp may share a port number; two stream listeners may not.
    const bool udp = url->transport == syslog::ListenUrl::Transport::kUdp;
    const std::string endpoint =
        (udp ? "udp " : "stream ") + url->address.to_string() + " " + std::to_string(url->port);
    if (url->port != 0 && !endpoints.insert(endpoint).second) {
      w.Error(at, KeyPath("syslog.listen", i), "\"" + s.listen[i] + "\" is listed twice");
    }
  }
  s.retention = w.Duration(n, "retention", "syslog").value_or(s.retention);
  if (s.retention < std::chrono::hours(24)) {
    w.Error(n["retention"], "syslog.retention", "must be at least 1d");
  }
  s.max_message_size =
      Size(w, n, "max_message_size", "syslog", 480, 16 << 20).value_or(s.max_message_size);
  s.flush_interval = w.Duration(n, "flush_interval", "syslog").value_or(s.flush_interval);
  if (s.flush_interval < std::chrono::milliseconds(10) ||
      s.flush_interval > std::chrono::seconds(60)) {
    w.Error(n["flush_interval"], "syslog.flush_interval", "must be between 10ms and 60s");
  }
  s.udp_receive_buffer =
      Size(w, n, "udp_receive_buffer", "syslog", 4096, 1ULL << 30).value_or(s.udp_receive_buffer);
  s.queue_size = Size(w, n, "queue_size", "syslog", 1 << 20, 16ULL << 30).value_or(s.queue_size);
  s.max_connections =
      w.Int(n, "max_connections", "syslog", 1, 1'000'000).value_or(s.max_connections);
  s.compress = w.Bool(n, "compress", "syslog").value_or(s.compress);
  if (n["tls"].IsDefined()) ParseSyslogTls(w, n["tls"], s.tls);
  if (n["rules"].IsDefined()) ParseLogRules(w, n["rules"], s.rules);
  if (tls && (s.tls.cert_file.empty() || s.tls.key_file.empty())) {
    w.Error(n["tls"].IsDefined() ? n["tls"] : n, "syslog.tls",
            "a tls:// listener needs cert_file and key_file");
  }
}

void ParseTop(YamlWalker& w, const YAML::Node& root, Config& config) {
  if (!root.IsDefined() || root.IsNull()) {  // an empty file is a valid, empty config
    config_parse::ParseDashboards(w, YAML::Node(), config);
    return;
  }
  if (!w.ExpectMap(root, "",
                   {"data_dir", "user", "http", "rrd", "syslog", "nodes", "checks", "notifiers",
                    "routes", "uplink", "watchdog", "inventory", "forecasts", "dashboards"}))
    return;
  config.data_dir = w.String(root, "data_dir", "").value_or(config.data_dir);
  if (config.data_dir.empty()) w.Error(root["data_dir"], "data_dir", "must not be empty");
  config.user = w.String(root, "user", "").value_or("");
  if (w.ExpectMap(root["http"], "http", {"listen", "token_file"})) {
    config.http.listen = w.String(root["http"], "listen", "http").value_or(config.http.listen);
    config.http.token_file = w.String(root["http"], "token_file", "http").value_or("");
  }
  if (w.ExpectMap(root["rrd"], "rrd", {"daemon", "cache_timeout"})) {
    config.rrd.daemon = w.String(root["rrd"], "daemon", "rrd").value_or("");
    config.rrd.cache_timeout =
        w.Duration(root["rrd"], "cache_timeout", "rrd").value_or(config.rrd.cache_timeout);
    if (config.rrd.cache_timeout > std::chrono::hours(1)) {
      w.Error(root["rrd"]["cache_timeout"], "rrd.cache_timeout", "must be at most 1h");
    }
    if (!config.rrd.daemon.empty() && !config.rrd.daemon.starts_with("unix:")) {
      w.Error(root["rrd"]["daemon"], "rrd.daemon", "must be unix:/path/to/rrdcached.sock");
    }
  }
  if (root["syslog"].IsDefined()) ParseSyslog(w, root["syslog"], config.syslog);
  ParseNodes(w, root["nodes"], config.nodes);
  ParseChecks(w, root["checks"], config);
  ParseNotifiers(w, root["notifiers"], config);
  ParseRoutes(w, root["routes"], config);
  ParseUplink(w, root["uplink"], config);
  ParseWatchdog(w, root["watchdog"], config);
  config_parse::ParseInventory(w, root["inventory"], config);
  config_parse::ParseForecasts(w, root["forecasts"], config);
  config_parse::ParseDashboards(w, root["dashboards"], config);
}

}  // namespace

ConfigResult LoadConfigText(std::string_view text, std::string source) {
  YamlWalker w(source);
  Config config;
  config.source = source;
  auto parsed = ParseYaml(text, source);
  if (!parsed) return tl::unexpected(std::move(parsed.error()));
  const YAML::Node root = *parsed;
  try {
    ParseTop(w, root, config);
  } catch (const YAML::Exception& e) {  // a shape the walker did not foresee: still an error
    w.Error(root, "", std::string("unexpected structure: ") + e.what());
  }
  if (!w.errors().empty()) return tl::unexpected(w.TakeErrors());
  return config;
}

ConfigResult LoadConfigFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    return tl::unexpected(std::vector<ConfigError>{
        ConfigError{path.string(), 0, 0, "", std::string("cannot read: ") + std::strerror(err)}});
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return LoadConfigText(buffer.str(), path.string());
}

NodesResult LoadNodesText(std::string_view text, std::string source) {
  YamlWalker w(source);
  std::vector<NodeConfig> nodes;
  auto parsed = ParseYaml(text, source);
  if (!parsed) return tl::unexpected(std::move(parsed.error()));
  const YAML::Node root = *parsed;
  try {
    if (root.IsMap()) {
      if (w.ExpectMap(root, "", {"nodes"})) ParseNodes(w, root["nodes"], nodes);
    } else if (root.IsDefined() && !root.IsNull()) {
      ParseNodes(w, root, nodes);
    }
  } catch (const YAML::Exception& e) {
    w.Error(root, "", std::string("unexpected structure: ") + e.what());
  }
  if (!w.errors().empty()) return tl::unexpected(w.TakeErrors());
  return nodes;
}

NodesResult LoadNodesFile(const std::filesystem::path& path) {
  constexpr std::uintmax_t kMaxNodesFile = 64ULL << 20;
  auto fail = [&](std::string message) {
    return tl::unexpected(std::vector<ConfigError>{ConfigError{path.string(), 0, 0, "", message}});
  };
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return fail("not a readable regular file");
  if (std::filesystem::file_size(path, ec) > kMaxNodesFile) return fail("larger than 64 MiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(std::string("cannot read: ") + std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return LoadNodesText(buffer.str(), path.string());
}

std::string_view DefaultConfigText() { return kDefaultConfig; }

}  // namespace gs::collector
