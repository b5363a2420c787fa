#include "collector/inventory/node.h"

#include <nlohmann/json.hpp>

#include "alerts/json_fields.h"

namespace gs::collector::inventory {

std::string_view LifecycleName(Lifecycle lifecycle) {
  switch (lifecycle) {
    case Lifecycle::kRunning:
      return "running";
    case Lifecycle::kPending:
      return "pending";
    case Lifecycle::kStopping:
      return "stopping";
    case Lifecycle::kStopped:
      return "stopped";
    case Lifecycle::kTerminated:
      return "terminated";
  }
  return "running";
}

std::optional<Lifecycle> ParseLifecycle(std::string_view name) {
  for (Lifecycle l : {Lifecycle::kRunning, Lifecycle::kPending, Lifecycle::kStopping,
                      Lifecycle::kStopped, Lifecycle::kTerminated}) {
    if (LifecycleName(l) == name) return l;
  }
  return std::nullopt;
}

std::string EncodeNodes(const std::vector<NodeRef>& nodes) {
  nlohmann::json out = nlohmann::json::array();
  for (const NodeRef& n : nodes) {
    out.push_back({{"name", n->name},
                   {"address", n->address},
                   {"tags", alerts::json_fields::TagsToJson(n->tags)},
                   {"lifecycle", std::string(LifecycleName(n->lifecycle))}});
  }
  return alerts::json_fields::Dump(out);
}

std::vector<DiscoveredNode> DecodeNodes(std::string_view text) {
  const nlohmann::json in = nlohmann::json::parse(text, nullptr, false);
  std::vector<DiscoveredNode> out;
  if (!in.is_array()) return out;
  for (const nlohmann::json& j : in) {
    if (!j.is_object()) continue;
    const auto name = j.find("name");
    const auto address = j.find("address");
    const auto tags = j.find("tags");
    const auto lifecycle = j.find("lifecycle");
    if (name == j.end() || !name->is_string() || address == j.end() || !address->is_string() ||
        tags == j.end() || !tags->is_object() || lifecycle == j.end() || !lifecycle->is_string()) {
      continue;
    }
    const auto l = ParseLifecycle(lifecycle->get<std::string>());
    if (!l) continue;
    out.push_back({{name->get<std::string>(), address->get<std::string>(),
                    alerts::json_fields::TagsFromJson(*tags)},
                   *l});
  }
  return out;
}

}  // namespace gs::collector::inventory
