#include "alerts/router.h"

#include <algorithm>

namespace gs::alerts {

std::vector<std::string> NotifiersFor(const std::vector<Route>& routes, const probes::Tags& tags) {
  std::vector<std::string> out;
  for (const Route& route : routes) {
    if (!route.match.Matches(tags)) continue;
    for (const std::string& name : route.notify) {
      if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    }
    if (!route.continue_matching) break;
  }
  return out;
}

}  // namespace gs::alerts
