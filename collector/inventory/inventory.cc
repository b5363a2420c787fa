#include "collector/inventory/inventory.h"

#include <algorithm>
#include <utility>

namespace gs::collector::inventory {

void Inventory::SetSources(const std::vector<SourceSpec>& sources) {
  std::vector<SourceStatus> next;
  next.reserve(sources.size());
  for (const SourceSpec& spec : sources) {
    auto it = std::find_if(sources_.begin(), sources_.end(),
                           [&](const SourceStatus& s) { return s.spec.id == spec.id; });
    SourceStatus status = it != sources_.end() ? std::move(*it) : SourceStatus{};
    status.spec = spec;
    next.push_back(std::move(status));
  }
  sources_ = std::move(next);
  Merge();
}

const SourceStatus* Inventory::source(const std::string& id) const {
  for (const SourceStatus& s : sources_) {
    if (s.spec.id == id) return &s;
  }
  return nullptr;
}

void Inventory::Restore(const std::string& id, std::vector<DiscoveredNode> nodes) {
  auto it = std::find_if(sources_.begin(), sources_.end(),
                         [&](const SourceStatus& s) { return s.spec.id == id; });
  if (it == sources_.end() || it->answered || !it->nodes.empty()) return;
  Replace(*it, std::move(nodes));
  Merge();
}

Inventory::Outcome Inventory::Update(const std::string& id,
                                     Result<std::vector<DiscoveredNode>> answer,
                                     std::chrono::system_clock::time_point now) {
  auto it = std::find_if(sources_.begin(), sources_.end(),
                         [&](const SourceStatus& s) { return s.spec.id == id; });
  if (it == sources_.end()) return Outcome::kUnchanged;
  SourceStatus& s = *it;
  ++s.refreshes;
  s.last_refresh = now;
  if (!answer) {
    ++s.failures;
    s.failing = true;
    s.last_error = answer.error().message;
    s.empty_answers = 0;
    s.after_error = true;
    return Outcome::kKept;
  }
  std::vector<DiscoveredNode> nodes = std::move(*answer);
  // An empty answer where there were nodes is applied only once confirmed, and one straight
  // after an error does not count: APIs that hiccup tend to answer "nothing" before they
  // answer properly.
  if (nodes.empty() && !s.nodes.empty() && !s.spec.authoritative) {
    const bool counts = !s.after_error;
    s.after_error = false;
    if (!counts || ++s.empty_answers < kEmptyConfirmations) {
      ++s.failures;
      s.failing = true;
      s.last_error = "an empty answer replacing " + std::to_string(s.nodes.size()) +
                     " nodes (kept until the next refresh confirms it)";
      return Outcome::kKept;
    }
  }
  s.after_error = false;
  s.empty_answers = 0;
  s.failing = false;
  s.last_error.clear();
  s.answered = true;
  s.last_success = now;
  if (!Replace(s, std::move(nodes))) return Outcome::kUnchanged;
  Merge();
  return Outcome::kChanged;
}

bool Inventory::Replace(SourceStatus& s, std::vector<DiscoveredNode> next) {
  std::sort(next.begin(), next.end(),
            [](const DiscoveredNode& a, const DiscoveredNode& b) { return a.name < b.name; });
  std::vector<NodeRef> refs;
  refs.reserve(next.size());
  bool changed = next.size() != s.nodes.size();
  auto old = s.nodes.begin();  // both lists are sorted by name: one merge walk
  for (DiscoveredNode& node : next) {
    while (old != s.nodes.end() && (*old)->name < node.name) ++old;
    if (old != s.nodes.end() && **old == node) {
      refs.push_back(*old);
      continue;
    }
    changed = true;
    refs.push_back(std::make_shared<const DiscoveredNode>(std::move(node)));
  }
  s.nodes = std::move(refs);
  return changed;
}

void Inventory::Merge() {
  std::vector<const SourceStatus*> order;
  order.reserve(sources_.size());
  for (const SourceStatus& s : sources_) order.push_back(&s);
  std::stable_sort(order.begin(), order.end(), [](const SourceStatus* a, const SourceStatus* b) {
    return a->spec.precedence < b->spec.precedence;
  });
  std::map<std::string, InventoryEntry> merged;
  for (const SourceStatus* s : order) {
    for (const NodeRef& node : s->nodes) {
      auto [it, inserted] = merged.try_emplace(node->name);
      if (inserted) {
        it->second.node = node;
        it->second.source = s->spec.id;
      } else if (it->second.source != s->spec.id) {
        it->second.shadowed.push_back(s->spec.id);
      }
    }
  }
  merged_ = std::move(merged);
}

}  // namespace gs::collector::inventory
