#include "collector/inventory/explain.h"

#include <algorithm>

namespace gs::collector::inventory {
namespace {

using Condition = probes::Selector::Condition;

std::string List(const std::vector<std::string>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i == 0 ? "" : ", ") + values[i];
  return out + "]";
}

// What the condition wants, as written in a selector.
std::string Wants(const Condition& c) {
  switch (c.kind) {
    case Condition::Kind::kEquals:
      return "wants " + (c.values.empty() ? std::string() : c.values.front());
    case Condition::Kind::kOneOf:
      return "wants one of " + List(c.values);
    case Condition::Kind::kNoneOf:
      return "wants none of " + List(c.values);
    case Condition::Kind::kExists:
      return "wants it set";
    case Condition::Kind::kAbsent:
      return "wants it unset";
  }
  return "";
}

}  // namespace

SelectorExplanation ExplainSelector(const probes::Selector& selector, const probes::Tags& tags) {
  SelectorExplanation out;
  out.matches = selector.Matches(tags);
  if (selector.conditions().empty()) {
    out.reasons.push_back("empty selector: every node");
    return out;
  }
  for (const Condition& c : selector.conditions()) {
    const auto it = tags.find(c.key);
    const std::string have =
        it == tags.end() ? c.key + " is missing" : c.key + " is \"" + it->second + "\"";
    const bool ok = probes::Selector({c}).Matches(tags);
    out.reasons.push_back(have + " (" + Wants(c) + "): " + (ok ? "yes" : "no"));
  }
  return out;
}

}  // namespace gs::collector::inventory
