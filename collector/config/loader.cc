#include "collector/config/loader.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "collector/config/parse.h"

namespace gs::collector {

using config_parse::ParseCheck;
using config_parse::ParseSelector;

namespace {

constexpr std::string_view kDefaultConfig =
    R"yaml(# groundstation embedded default: the box watches itself.
data_dir: ./var
http: {listen: "127.0.0.1:8080"}
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
    warning: {used_percent: 85}
    critical: {used_percent: 95}
)yaml";

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// Reads `name:` (required, restricted charset) and reports a duplicate within `seen`.
std::optional<std::string> ParseName(YamlWalker& w, const YAML::Node& node, std::string_view key,
                                     std::set<std::string>& seen) {
  auto name = w.String(node, "name", key);
  if (!name) {
    if (!node["name"].IsDefined()) w.Error(node, KeyPath(key, "name"), "is required");
    return std::nullopt;
  }
  if (!ValidName(*name)) {
    w.Error(node["name"], KeyPath(key, "name"),
            "\"" + *name + "\" must be 1-128 characters of A-Z a-z 0-9 . _ -");
    return std::nullopt;
  }
  if (!seen.insert(*name).second) {
    w.Error(node["name"], KeyPath(key, "name"), "duplicate name \"" + *name + "\"");
  }
  return name;
}

void ParseNodes(YamlWalker& w, const YAML::Node& list, Config& config) {
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
    if (name) config.nodes.push_back(std::move(node));
  }
}

void ParseNotifiers(YamlWalker& w, const YAML::Node& list, Config& config) {
  if (!w.ExpectSequence(list, "notifiers")) return;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string key = KeyPath("notifiers", i);
    const YAML::Node n = list[i];
    if (!w.ExpectMap(n, key, {"name", "kind", "url", "timeout", "headers"})) continue;
    NotifierConfig notifier;
    auto name = ParseName(w, n, key, seen);
    notifier.kind = w.String(n, "kind", key).value_or("");
    if (notifier.kind != "webhook") {
      w.Error(n["kind"].IsDefined() ? n["kind"] : n, KeyPath(key, "kind"),
              notifier.kind.empty() ? "is required (webhook)"
                                    : "unknown notifier kind \"" + notifier.kind + "\" (webhook)");
    }
    notifier.url = w.String(n, "url", key).value_or("");
    if (!notifier.url.starts_with("http://") && !notifier.url.starts_with("https://")) {
      w.Error(n["url"].IsDefined() ? n["url"] : n, KeyPath(key, "url"),
              "an http:// or https:// URL is required");
    }
    notifier.timeout = w.Duration(n, "timeout", key).value_or(notifier.timeout);
    notifier.headers = w.StringMap(n, "headers", key).value_or(notifier.headers);
    if (name) {
      notifier.name = *name;
      config.notifiers.push_back(std::move(notifier));
    }
  }
}

void ParseRoutes(YamlWalker& w, const YAML::Node& list, Config& config) {
  if (!w.ExpectSequence(list, "routes")) return;
  std::set<std::string> notifiers;
  for (const auto& n : config.notifiers) notifiers.insert(n.name);
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string key = KeyPath("routes", i);
    const YAML::Node r = list[i];
    if (!w.ExpectMap(r, key, {"match", "notify", "continue"})) continue;
    alerts::Route route;
    route.match = ParseSelector(w, r["match"], KeyPath(key, "match")).value_or(probes::Selector{});
    route.notify = w.StringList(r, "notify", key).value_or(route.notify);
    if (route.notify.empty()) w.Error(r, KeyPath(key, "notify"), "names no notifier");
    for (std::size_t j = 0; j < route.notify.size(); ++j) {
      if (notifiers.count(route.notify[j]) == 0) {
        const YAML::Node at = r["notify"].IsSequence() ? r["notify"][j] : r["notify"];
        w.Error(at, KeyPath(KeyPath(key, "notify"), j),
                "unknown notifier \"" + route.notify[j] + "\"");
      }
    }
    route.continue_matching = w.Bool(r, "continue", key).value_or(true);
    config.routes.push_back(std::move(route));
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

void ParseTop(YamlWalker& w, const YAML::Node& root, Config& config) {
  if (!root.IsDefined() || root.IsNull()) return;  // an empty file is a valid, empty config
  if (!w.ExpectMap(root, "", {"data_dir", "http", "rrd", "nodes", "checks", "notifiers", "routes"}))
    return;
  config.data_dir = w.String(root, "data_dir", "").value_or(config.data_dir);
  if (config.data_dir.empty()) w.Error(root["data_dir"], "data_dir", "must not be empty");
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
  ParseNodes(w, root["nodes"], config);
  ParseChecks(w, root["checks"], config);
  ParseNotifiers(w, root["notifiers"], config);
  ParseRoutes(w, root["routes"], config);
}

}  // namespace

ConfigResult LoadConfigText(std::string_view text, std::string source) {
  YamlWalker w(source);
  Config config;
  config.source = source;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return tl::unexpected(std::vector<ConfigError>{
        ConfigError{source, e.mark.is_null() ? 0 : e.mark.line + 1,
                    e.mark.is_null() ? 0 : e.mark.column + 1, "", "YAML syntax: " + e.msg}});
  }
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

std::string_view DefaultConfigText() { return kDefaultConfig; }

}  // namespace gs::collector
