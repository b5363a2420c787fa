// Target and Selector: a monitored node with its tags, and the tag selector that picks
// nodes for a check or a route. Immutable values; thread-safe.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gs::probes {

using Tags = std::map<std::string, std::string, std::less<>>;

// One shared empty tag set, for holders of a shared_ptr<const Tags> that is never null.
const std::shared_ptr<const Tags>& NoTags();

struct Target {
  std::string name;
  std::string address;
  Tags tags;
  friend bool operator==(const Target&, const Target&) = default;
};

// A conjunction of tag conditions; the empty selector matches every target.
//   {role: web}              equality
//   {role: [web, api]}       one of
//   {env: "!production"}     negation (tag absent or different)
//   {role: "*"}              key exists
//   {env: ["!staging", "!dev"]}  none of
class Selector {
 public:
  struct Condition {
    enum class Kind { kEquals, kOneOf, kNoneOf, kExists, kAbsent };
    std::string key;
    Kind kind = Kind::kEquals;
    std::vector<std::string> values;
    friend bool operator==(const Condition&, const Condition&) = default;
  };

  Selector() = default;
  explicit Selector(std::vector<Condition> conditions) : conditions_(std::move(conditions)) {}

  [[nodiscard]] bool Matches(const Tags& tags) const;
  [[nodiscard]] const std::vector<Condition>& conditions() const { return conditions_; }
  friend bool operator==(const Selector&, const Selector&) = default;

 private:
  std::vector<Condition> conditions_;
};

}  // namespace gs::probes
