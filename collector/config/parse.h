// Internal to the config loader: parsers for each section, sharing one YamlWalker that
// collects errors. Not for use outside collector/config/.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <set>
#include <string>

#include "collector/config/config.h"
#include "collector/config/yaml_walker.h"

namespace gs::collector::config_parse {

std::optional<probes::Selector> ParseSelector(YamlWalker& w, const YAML::Node& node,
                                              std::string_view key);
// "invalid regex \"(x\" at offset 2: missing closing parenthesis"; nullopt when `pattern`
// compiles with PCRE2.
std::optional<std::string> RegexError(const std::string& pattern);

// Reads `name:` (required, 1-128 of A-Z a-z 0-9 . _ -) and reports a duplicate within `seen`.
std::optional<std::string> ParseName(YamlWalker& w, const YAML::Node& node, std::string_view key,
                                     std::set<std::string>& seen);

// The notifiers: and routes: sections (parse_notifiers.cc). Routes are checked against the
// notifier names, so parse notifiers first.
void ParseNotifiers(YamlWalker& w, const YAML::Node& list, Config& config);
void ParseRoutes(YamlWalker& w, const YAML::Node& list, Config& config);
// uplink: and watchdog: (parse_ground.cc); uplink.notify is checked against the notifiers.
void ParseUplink(YamlWalker& w, const YAML::Node& node, Config& config);
void ParseWatchdog(YamlWalker& w, const YAML::Node& node, Config& config);

// A secret given inline (`NAME: value`) or in a file (`NAME_file: path`: its first line,
// trailing spaces and CR removed). The file must be a regular file of at most 64 KiB.
std::optional<std::string> Secret(YamlWalker& w, const YAML::Node& n, const std::string& key,
                                  const std::string& name);

// The forecasts: section (parse_forecasts.cc); `check` is checked against the checks and the
// syslog rules, so parse those first.
void ParseForecasts(YamlWalker& w, const YAML::Node& list, Config& config);

// The dashboards: section, and the definitions it names: the shipped ones and those of
// dashboards.dir, each file parsed (and its problems reported) on its own (parse_dashboards.cc).
void ParseDashboards(YamlWalker& w, const YAML::Node& node, Config& config);
// One definition file's text; its problems go to `errors` (nullopt when there are any).
std::optional<dashboards::Dashboard> ParseDashboard(std::string_view text,
                                                    const std::string& source,
                                                    const std::string& name,
                                                    std::vector<ConfigError>& errors);

// The inventory: section (parse_inventory.cc).
void ParseInventory(YamlWalker& w, const YAML::Node& node, Config& config);

std::optional<CheckConfig> ParseCheck(YamlWalker& w, const YAML::Node& node, std::string_view key);

// A size ("64KiB", "1MB", "4096") between min and max bytes.
std::optional<std::uint64_t> Size(YamlWalker& w, const YAML::Node& parent, std::string_view name,
                                  std::string_view key, std::uint64_t min, std::uint64_t max);
// A string that may hold {address}, {name}, {tag:KEY}; left unchanged in `out` when absent.
void ParseTemplated(YamlWalker& w, const YAML::Node& check, const std::string& key,
                    std::string_view name, std::string& out);
void CheckRegex(YamlWalker& w, const YAML::Node& node, const std::string& key,
                const std::string& pattern);

// One check kind of the config: its own keys (besides name, kind, select, interval, timeout,
// max_attempts, retry_interval) and the parser that fills CheckConfig::options.
struct CheckKind {
  std::string_view name;
  std::vector<std::string_view> keys;
  void (*parse)(YamlWalker& w, const YAML::Node& check, const std::string& key, CheckConfig& out);
  bool passive = false;  // results arrive through the API; max_attempts defaults to 1
};

// The registry of check kinds (parse_kinds.cc); nullptr for an unknown name.
const CheckKind* FindCheckKind(std::string_view name);
// "http, tcp, tls, ..." for error messages.
std::string CheckKindNames();

void ParseHttp(YamlWalker& w, const YAML::Node& check, const std::string& key, CheckConfig& out);
void ParseDisk(YamlWalker& w, const YAML::Node& check, const std::string& key, CheckConfig& out);
void ParseRaid(YamlWalker& w, const YAML::Node& check, const std::string& key, CheckConfig& out);

}  // namespace gs::collector::config_parse
