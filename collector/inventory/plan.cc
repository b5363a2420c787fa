#include "collector/inventory/plan.h"

#include <memory>

namespace gs::collector::inventory {

std::vector<JobSpec> PlanJobs(const std::vector<CheckConfig>& checks,
                              const std::map<std::string, InventoryEntry>& nodes) {
  std::vector<JobSpec> jobs;
  for (const CheckConfig& check : checks) {
    auto shared = std::make_shared<const CheckConfig>(check);
    for (const auto& [name, entry] : nodes) {
      const DiscoveredNode& node = *entry.node;
      if (node.lifecycle != Lifecycle::kRunning || node.address.empty() ||
          !check.select.Matches(node.tags)) {
        continue;
      }
      jobs.push_back(JobSpec{entry.node, shared});
    }
  }
  return jobs;
}

}  // namespace gs::collector::inventory
