// Internal to the config loader: parsers for each section, sharing one YamlWalker that
// collects errors. Not for use outside collector/config/.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>

#include "collector/config/config.h"
#include "collector/config/yaml_walker.h"

namespace gs::collector::config_parse {

std::optional<probes::Selector> ParseSelector(YamlWalker& w, const YAML::Node& node,
                                              std::string_view key);
// "invalid regex \"(x\" at offset 2: missing closing parenthesis"; nullopt when `pattern`
// compiles with PCRE2.
std::optional<std::string> RegexError(const std::string& pattern);

std::optional<CheckConfig> ParseCheck(YamlWalker& w, const YAML::Node& node, std::string_view key);

}  // namespace gs::collector::config_parse
