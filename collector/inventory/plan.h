// PlanJobs: the (node, check) jobs the inventory yields, for the scheduler. Pure function;
// thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "collector/config/config.h"
#include "collector/inventory/inventory.h"
#include "collector/probe_registry.h"

namespace gs::collector::inventory {

// One job per check and running node with an address that the check's selector matches, in
// check order, then node name order. A node without an address (a running instance without a
// public IP when public addresses are wanted) is listed but never checked.
std::vector<JobSpec> PlanJobs(const std::vector<CheckConfig>& checks,
                              const std::map<std::string, InventoryEntry>& nodes);

}  // namespace gs::collector::inventory
