// DiscoveredNode: one node as a discovery source (the nodes file, EC2, a DNS pool,
// self-registration) reports it, with its cloud lifecycle. A plain value; thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probes/target.h"

namespace gs::collector::inventory {

// Where a node stands in its cloud's life. Only kRunning nodes are checked; the others are
// listed by `groundstation inventory` but have no jobs. A node that leaves kRunning
// deliberately (stopped, terminated, scaled in) has its checks retired quietly; a kRunning node
// that stops answering is a real alert.
enum class Lifecycle {
  kRunning,
  kPending,     // booting: not checked yet
  kStopping,    // EC2 stopping
  kStopped,     // EC2 stopped
  kTerminated,  // EC2 shutting-down or terminated
};

// "running", "pending", "stopping", "stopped", "terminated".
std::string_view LifecycleName(Lifecycle lifecycle);
std::optional<Lifecycle> ParseLifecycle(std::string_view name);

// The target (name, address, tags) and where it stands. A JobSpec refers to the Target part
// of the inventory's own copy, so a node's tags exist once however many checks apply to it.
struct DiscoveredNode : probes::Target {
  Lifecycle lifecycle = Lifecycle::kRunning;
  friend bool operator==(const DiscoveredNode&, const DiscoveredNode&) = default;
};

// One node as the inventory holds it: immutable and shared by the source's list, the merged
// inventory and every job of the node.
using NodeRef = std::shared_ptr<const DiscoveredNode>;

// A node list as JSON text ([{"name", "address", "tags", "lifecycle"}]) and back, for
// state.db. Decoding skips entries that are not well-formed; text that is not a JSON array
// gives an empty list.
std::string EncodeNodes(const std::vector<NodeRef>& nodes);
std::vector<DiscoveredNode> DecodeNodes(std::string_view text);

}  // namespace gs::collector::inventory
