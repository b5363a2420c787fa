#include "collector/config/yaml_walker.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <limits>

#include "collector/config/duration.h"

namespace gs::collector {

std::string ConfigError::ToString() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
  out += ": ";
  if (!key.empty()) out += key + ": ";
  return out + message;
}

std::string KeyPath(std::string_view parent, std::string_view child) {
  if (parent.empty()) return std::string(child);
  return std::string(parent) + "." + std::string(child);
}

std::string KeyPath(std::string_view parent, std::size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

void YamlWalker::Error(const YAML::Node& node, std::string_view key, std::string message) {
  YAML::Mark mark = node.IsDefined() ? node.Mark() : last_mark_;
  if (mark.is_null()) mark = last_mark_;
  errors_.push_back(ConfigError{file_, mark.is_null() ? 0 : mark.line + 1,
                                mark.is_null() ? 0 : mark.column + 1, std::string(key),
                                std::move(message)});
}

bool YamlWalker::ExpectMap(const YAML::Node& node, std::string_view key,
                           const std::vector<std::string_view>& allowed) {
  if (!node.IsDefined() || node.IsNull()) return false;
  if (!node.Mark().is_null()) last_mark_ = node.Mark();
  if (!node.IsMap()) {
    Error(node, key, "expected a mapping");
    return false;
  }
  std::vector<std::string> seen;
  for (const auto& kv : node) {
    const std::string name = kv.first.Scalar();
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      Error(kv.first, KeyPath(key, name), "duplicate key");
    }
    seen.push_back(name);
    bool known = false;
    for (std::string_view a : allowed) known = known || a == name;
    if (!known) {
      std::string list;
      for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      Error(kv.first, KeyPath(key, name), "unknown key (expected one of: " + list + ")");
    }
  }
  return true;
}

bool YamlWalker::ExpectSequence(const YAML::Node& node, std::string_view key) {
  if (!node.IsDefined() || node.IsNull()) return false;
  if (!node.IsSequence()) {
    Error(node, key, "expected a list");
    return false;
  }
  return true;
}

std::optional<std::string> YamlWalker::Scalar(const YAML::Node& node, std::string_view key) {
  if (!node.IsScalar()) {
    Error(node, key,
          "expected a single value, not a " + std::string(node.IsMap()        ? "mapping"
                                                          : node.IsSequence() ? "list"
                                                                              : "null"));
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<std::string> YamlWalker::String(const YAML::Node& parent, std::string_view name,
                                              std::string_view key) {
  const YAML::Node node = parent[std::string(name)];
  if (!node.IsDefined()) return std::nullopt;
  return Scalar(node, KeyPath(key, name));
}

std::optional<int> YamlWalker::Int(const YAML::Node& parent, std::string_view name,
                                   std::string_view key, int min, int max) {
  auto text = String(parent, name, key);
  if (!text) return std::nullopt;
  int value = 0;
  auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || ptr != text->data() + text->size()) {
    Error(parent[std::string(name)], KeyPath(key, name), "\"" + *text + "\" is not an integer");
    return std::nullopt;
  }
  if (value < min || value > max) {
    Error(parent[std::string(name)], KeyPath(key, name),
          std::to_string(value) + " is out of range " + std::to_string(min) + ".." +
              std::to_string(max));
    return std::nullopt;
  }
  return value;
}

std::optional<double> YamlWalker::Number(const YAML::Node& parent, std::string_view name,
                                         std::string_view key) {
  auto text = String(parent, name, key);
  if (!text) return std::nullopt;
  std::string_view digits = *text;
  if (!digits.empty() && digits.back() == '%') digits.remove_suffix(1);
  double value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || !std::isfinite(value)) {
    Error(parent[std::string(name)], KeyPath(key, name), "\"" + *text + "\" is not a number");
    return std::nullopt;
  }
  return value;
}

std::optional<bool> YamlWalker::Bool(const YAML::Node& parent, std::string_view name,
                                     std::string_view key) {
  auto text = String(parent, name, key);
  if (!text) return std::nullopt;
  if (*text == "true" || *text == "yes" || *text == "on") return true;
  if (*text == "false" || *text == "no" || *text == "off") return false;
  Error(parent[std::string(name)], KeyPath(key, name), "\"" + *text + "\" is not true or false");
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> YamlWalker::Duration(const YAML::Node& parent,
                                                              std::string_view name,
                                                              std::string_view key) {
  auto text = String(parent, name, key);
  if (!text) return std::nullopt;
  auto d = ParseDuration(*text);
  if (!d) {
    Error(parent[std::string(name)], KeyPath(key, name), "bad duration " + d.error().message);
    return std::nullopt;
  }
  return *d;
}

std::optional<std::vector<std::string>> YamlWalker::StringList(const YAML::Node& parent,
                                                               std::string_view name,
                                                               std::string_view key) {
  const YAML::Node node = parent[std::string(name)];
  if (!node.IsDefined()) return std::nullopt;
  const std::string path = KeyPath(key, name);
  if (node.IsScalar()) return std::vector<std::string>{node.Scalar()};
  if (!ExpectSequence(node, path)) return std::nullopt;
  std::vector<std::string> out;
  for (std::size_t i = 0; i < node.size(); ++i) {
    if (auto s = Scalar(node[i], KeyPath(path, i))) out.push_back(*s);
  }
  return out;
}

std::optional<std::map<std::string, std::string>> YamlWalker::StringMap(const YAML::Node& parent,
                                                                        std::string_view name,
                                                                        std::string_view key) {
  const YAML::Node node = parent[std::string(name)];
  if (!node.IsDefined() || node.IsNull()) return std::nullopt;
  const std::string path = KeyPath(key, name);
  if (!node.IsMap()) {
    Error(node, path, "expected a mapping");
    return std::nullopt;
  }
  std::map<std::string, std::string> out;
  for (const auto& kv : node) {
    const std::string k = kv.first.Scalar();
    if (auto v = Scalar(kv.second, KeyPath(path, k))) out[k] = *v;
  }
  return out;
}

tl::expected<YAML::Node, std::vector<ConfigError>> ParseYaml(std::string_view text,
                                                             const std::string& source) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return tl::unexpected(std::vector<ConfigError>{
        ConfigError{source, e.mark.is_null() ? 0 : e.mark.line + 1,
                    e.mark.is_null() ? 0 : e.mark.column + 1, "", "YAML syntax: " + e.msg}});
  }
}

}  // namespace gs::collector
