// `groundstation inventory`: the running collector's node set, with the source of each node,
// and (--explain NODE) which checks apply to a node and why. A client of the HTTP API
// (GET /api/v1/inventory, GET /api/v1/inventory/<node>). Called from main, single-threaded.
#pragma once

#include <string>
#include <vector>

namespace gs::collector {

// Exit code: 0; 1 when a discovery source is failing or the node is unknown; 3 when the
// collector cannot be reached or answers nonsense; 2 for bad arguments.
int InventoryCommand(const std::vector<std::string>& args);

}  // namespace gs::collector
