// ExplainSelector: why a tag selector matches a node or not, one sentence per condition, for
// `groundstation inventory --explain NODE`. Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "probes/target.h"

namespace gs::collector::inventory {

struct SelectorExplanation {
  bool matches = false;
  // One line per condition: "role is \"web\" (wants web): yes", "env is missing (wants
  // production): no"; "empty selector: every node" when there is none.
  std::vector<std::string> reasons;
};

SelectorExplanation ExplainSelector(const probes::Selector& selector, const probes::Tags& tags);

}  // namespace gs::collector::inventory
