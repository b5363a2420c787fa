// Route and NotifiersFor: which notifiers receive an alert, chosen by tag selectors.
// Immutable values and a pure function; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "probes/target.h"

namespace gs::alerts {

struct Route {
  probes::Selector match;  // the empty selector matches every alert
  std::vector<std::string> notify;
  // false: a match of this route ends the search (like Alertmanager's `continue: false`).
  bool continue_matching = true;
  friend bool operator==(const Route&, const Route&) = default;
};

// The notifier names for an alert whose tags are `tags` (the node's tags plus the pseudo-tags
// "node" and "check", added by the caller). Every matching route contributes its notifiers in
// route order, without duplicates; the walk stops after a matching route with
// continue_matching == false.
std::vector<std::string> NotifiersFor(const std::vector<Route>& routes, const probes::Tags& tags);

}  // namespace gs::alerts
