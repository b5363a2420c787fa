// YamlWalker: reads typed values out of a yaml-cpp tree while collecting every problem as
// "file:line:column: key: what is wrong". Used only by the config loader, on one thread.
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <initializer_list>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

namespace gs::collector {

struct ConfigError {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
  std::string key;
  std::string message;
  // "file:line:column: key: message"
  [[nodiscard]] std::string ToString() const;
};

class YamlWalker {
 public:
  explicit YamlWalker(std::string file) : file_(std::move(file)) {}

  // Records a problem at `node`'s position (or at the last known position if it has none).
  void Error(const YAML::Node& node, std::string_view key, std::string message);

  // Reports every key of map `node` not in `allowed`, and a non-map node.
  bool ExpectMap(const YAML::Node& node, std::string_view key,
                 std::initializer_list<std::string_view> allowed) {
    return ExpectMap(node, key, std::vector<std::string_view>(allowed));
  }
  bool ExpectMap(const YAML::Node& node, std::string_view key,
                 const std::vector<std::string_view>& allowed);
  bool ExpectSequence(const YAML::Node& node, std::string_view key);

  // Each getter returns nullopt (and records an error) on a wrong type or bad value, and
  // nullopt without an error when the key is absent.
  std::optional<std::string> String(const YAML::Node& parent, std::string_view name,
                                    std::string_view key);
  std::optional<int> Int(const YAML::Node& parent, std::string_view name, std::string_view key,
                         int min, int max);
  std::optional<double> Number(const YAML::Node& parent, std::string_view name,
                               std::string_view key);
  std::optional<bool> Bool(const YAML::Node& parent, std::string_view name, std::string_view key);
  std::optional<std::chrono::milliseconds> Duration(const YAML::Node& parent, std::string_view name,
                                                    std::string_view key);
  std::optional<std::vector<std::string>> StringList(const YAML::Node& parent,
                                                     std::string_view name, std::string_view key);
  std::optional<std::map<std::string, std::string>> StringMap(const YAML::Node& parent,
                                                              std::string_view name,
                                                              std::string_view key);

  // The scalar text of `node` when it is a scalar, else nullopt (with an error).
  std::optional<std::string> Scalar(const YAML::Node& node, std::string_view key);

  // Adds problems found by another walker (another file), in their order.
  void AddErrors(std::vector<ConfigError> errors) {
    errors_.insert(errors_.end(), std::make_move_iterator(errors.begin()),
                   std::make_move_iterator(errors.end()));
  }

  [[nodiscard]] const std::vector<ConfigError>& errors() const { return errors_; }
  std::vector<ConfigError> TakeErrors() { return std::move(errors_); }
  [[nodiscard]] const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::vector<ConfigError> errors_;
  YAML::Mark last_mark_;
};

// The YAML tree of `text`; a syntax error is the one error, named after `source`.
tl::expected<YAML::Node, std::vector<ConfigError>> ParseYaml(std::string_view text,
                                                             const std::string& source);

// "checks[2].url", "nodes[0]"
std::string KeyPath(std::string_view parent, std::string_view child);
std::string KeyPath(std::string_view parent, std::size_t index);

}  // namespace gs::collector
