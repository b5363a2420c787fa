// Loading and validating the YAML config into an immutable Config. Every problem is
// collected (not just the first), each naming file:line:column, the key and what is wrong.
// Pure functions (apart from reading the file); thread-safe.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

#include "collector/config/config.h"
#include "collector/config/yaml_walker.h"

namespace gs::collector {

using ConfigResult = tl::expected<Config, std::vector<ConfigError>>;

// Reads and validates `path`. An unreadable file is one error naming the path and errno text.
ConfigResult LoadConfigFile(const std::filesystem::path& path);

// Validates YAML text; `source` names it in error messages.
ConfigResult LoadConfigText(std::string_view text, std::string source);

// A nodes file (inventory.file): a YAML list of nodes shaped like the config's nodes:, or a
// map with only a nodes: key. Must be a regular file of at most 64 MiB; every problem is
// reported as in LoadConfigFile.
using NodesResult = tl::expected<std::vector<NodeConfig>, std::vector<ConfigError>>;
NodesResult LoadNodesFile(const std::filesystem::path& path);
NodesResult LoadNodesText(std::string_view text, std::string source);

// One dashboard definition (a file of dashboards.dir, or a shipped one) from YAML text;
// `name` is the file's stem. Every problem is reported as in LoadConfigFile, named `source`.
using DashboardResult = tl::expected<dashboards::Dashboard, std::vector<ConfigError>>;
DashboardResult LoadDashboardText(std::string_view text, const std::string& source,
                                  const std::string& name);

// The embedded default config: the box monitors itself (its own HTTP endpoint and local
// disks), data in ./var.
std::string_view DefaultConfigText();
inline constexpr std::string_view kDefaultConfigSource = "<embedded default>";

}  // namespace gs::collector
