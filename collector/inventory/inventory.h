// Inventory: the one node set every other stage sees, merged from the discovery sources (the
// config's nodes:, the nodes file, EC2, DNS pools, self-registration). Each source reports
// its whole node list per refresh; the inventory keeps the last good list of every source, so
// an API error, throttling or an unconfirmed empty answer never drops nodes.
//
// Precedence, when two sources name the same node: the lower `precedence` wins (the daemon
// uses file 0, ec2 1, dns 2, register 3), then the source declared first; the losers are
// listed as shadowed. Thread-compatible: the daemon uses it on the io_context thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "collector/inventory/node.h"
#include "probes/result.h"

namespace gs::collector::inventory {

struct SourceSpec {
  std::string id;  // "file", "file:nodes.yaml", "ec2:prod", "dns:www.example.com", "register"
  int precedence = 0;
  // An empty answer is applied at once (the config, self-registration); otherwise it needs
  // confirming (kEmptyConfirmations).
  bool authoritative = false;
  friend bool operator==(const SourceSpec&, const SourceSpec&) = default;
};

struct SourceStatus {
  SourceSpec spec;
  std::vector<NodeRef> nodes;  // the last good answer, by name
  bool answered = false;       // a good answer has arrived since the daemon started
  bool failing = false;        // the latest refresh failed (or was an unconfirmed empty)
  std::string last_error;
  std::chrono::system_clock::time_point last_refresh{};  // latest attempt
  std::chrono::system_clock::time_point last_success{};
  std::uint64_t refreshes = 0;
  std::uint64_t failures = 0;
  int empty_answers = 0;     // consecutive empty answers not yet applied
  bool after_error = false;  // the latest refresh was an error
};

struct InventoryEntry {
  NodeRef node;                       // never null
  std::string source;                 // the id of the source that won
  std::vector<std::string> shadowed;  // other sources that list the same name
};

class Inventory {
 public:
  // How many consecutive empty answers replace a non-empty list (of a source that is not
  // authoritative). An empty answer right after an error does not count.
  static constexpr int kEmptyConfirmations = 2;

  enum class Outcome {
    kChanged,    // the source's list changed
    kUnchanged,  // a good answer, same list
    kKept,       // a failure or an unconfirmed empty answer: the last good list stays
  };

  // Declares the sources in order; sources not listed are dropped with their nodes, listed
  // ones keep their last good answer.
  void SetSources(const std::vector<SourceSpec>& sources);

  // Seeds a source that has not answered yet with the answer saved before a restart, so the
  // fleet is known (and checked) while the source is unreachable. Ignored once it answered.
  void Restore(const std::string& id, std::vector<DiscoveredNode> nodes);

  // One refresh of source `id` (unknown ids are ignored: kUnchanged).
  Outcome Update(const std::string& id, Result<std::vector<DiscoveredNode>> answer,
                 std::chrono::system_clock::time_point now);

  // Every node by name, after precedence.
  [[nodiscard]] const std::map<std::string, InventoryEntry>& nodes() const { return merged_; }
  [[nodiscard]] const std::vector<SourceStatus>& sources() const { return sources_; }
  [[nodiscard]] const SourceStatus* source(const std::string& id) const;

 private:
  void Merge();
  // `next` (sorted by name) as the list of `s`: a node equal to the one it replaces keeps that
  // one's NodeRef, so jobs and the old list share it. False when nothing changed.
  static bool Replace(SourceStatus& s, std::vector<DiscoveredNode> next);

  std::vector<SourceStatus> sources_;  // in declaration order
  std::map<std::string, InventoryEntry> merged_;
};

}  // namespace gs::collector::inventory
