// Route: which notifiers receive an alert, and how alerts are grouped, repeated and escalated
// on the way. Immutable values and pure functions; thread-safe.
//
// Alerts are matched by their tags: the node's tags plus the pseudo-tags "node", "check" and
// "kind" (added by the caller), and by state.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "probes/state.h"
#include "probes/target.h"

namespace gs::alerts {

struct Escalation {
  // An alert still firing and not acknowledged this long after it was first notified...
  std::chrono::milliseconds after{0};
  // ...is also sent to these notifiers.
  std::vector<std::string> notify;
  friend bool operator==(const Escalation&, const Escalation&) = default;
};

struct Route {
  probes::Selector match;  // the empty selector matches every alert
  std::vector<std::string> notify;
  // false: a match of this route ends the search (like Alertmanager's `continue: false`).
  bool continue_matching = true;
  // Identifies the route's notification records across reloads. Empty: derived from the
  // position and the notifier list (RouteKey).
  std::string name;
  // The problem states the route pages for; empty: every non-OK state. A recovery is routed
  // like the problem it ends.
  std::vector<probes::State> states;
  // Alerts whose values of these tags (or pseudo-tags) are equal share one message.
  // The default, node and check, gives every alert its own messages.
  std::vector<std::string> group_by = {"node", "check"};
  // A new group waits this long for more alerts before its first message...
  std::chrono::milliseconds group_wait{0};
  // ...and later changes to the group are sent at most this often.
  std::chrono::milliseconds group_interval{0};
  // A group still firing with nothing new is sent again this often; 0: never.
  std::chrono::milliseconds repeat_interval{std::chrono::hours(4)};
  bool send_resolved = true;
  std::vector<Escalation> escalate;
  friend bool operator==(const Route&, const Route&) = default;
};

// The stable key of routes[index]: its name, or "route<index>:<notifier,...>".
std::string RouteKey(const std::vector<Route>& routes, std::size_t index);

// True when `route` takes an alert in `state` (a problem state; for a recovery, the state it
// recovered from).
bool RouteTakesState(const Route& route, probes::State state);

// The indexes of the routes that take an alert with `tags` in `state`: every matching route
// in order, stopping after a matching route with continue_matching == false.
std::vector<std::size_t> MatchingRoutes(const std::vector<Route>& routes, const probes::Tags& tags,
                                        probes::State state);

// The notifier names for an alert: the union of the matching routes' notifiers, in route
// order, without duplicates.
std::vector<std::string> NotifiersFor(const std::vector<Route>& routes, const probes::Tags& tags,
                                      probes::State state = probes::State::kCritical);

// The group labels of an alert on `route`: the group_by tags it has (absent tags are left out).
probes::Tags GroupLabels(const Route& route, const probes::Tags& tags);

// A stable text key for (route key, labels), e.g. "route0:ops{check=http,role=web}".
std::string GroupKey(const std::string& route_key, const probes::Tags& labels);

}  // namespace gs::alerts
