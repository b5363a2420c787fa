#include "alerts/router.h"

#include <algorithm>

namespace gs::alerts {

std::string RouteKey(const std::vector<Route>& routes, std::size_t index) {
  const Route& route = routes.at(index);
  if (!route.name.empty()) return route.name;
  std::string key = "route" + std::to_string(index) + ":";
  for (std::size_t i = 0; i < route.notify.size(); ++i) {
    if (i > 0) key += ",";
    key += route.notify[i];
  }
  return key;
}

bool RouteTakesState(const Route& route, probes::State state) {
  if (route.states.empty()) return true;
  return std::find(route.states.begin(), route.states.end(), state) != route.states.end();
}

std::vector<std::size_t> MatchingRoutes(const std::vector<Route>& routes, const probes::Tags& tags,
                                        probes::State state) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < routes.size(); ++i) {
    const Route& route = routes[i];
    if (!route.match.Matches(tags) || !RouteTakesState(route, state)) continue;
    out.push_back(i);
    if (!route.continue_matching) break;
  }
  return out;
}

std::vector<std::string> NotifiersFor(const std::vector<Route>& routes, const probes::Tags& tags,
                                      probes::State state) {
  std::vector<std::string> out;
  for (std::size_t i : MatchingRoutes(routes, tags, state)) {
    for (const std::string& name : routes[i].notify) {
      if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    }
  }
  return out;
}

probes::Tags GroupLabels(const Route& route, const probes::Tags& tags) {
  probes::Tags labels;
  for (const std::string& key : route.group_by) {
    if (auto it = tags.find(key); it != tags.end()) labels.emplace(key, it->second);
  }
  return labels;
}

std::string GroupKey(const std::string& route_key, const probes::Tags& labels) {
  std::string key = route_key + "{";
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) key += ",";
    first = false;
    key += name + "=" + value;
  }
  return key + "}";
}

}  // namespace gs::alerts
