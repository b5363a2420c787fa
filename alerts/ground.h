// Ground-station awareness: the options and the remembered state of the two alerts about the
// whole picture rather than one check (see AlertEngine):
//  - "uplink lost": every check of the uplink set (targets outside the cloud, the cloud's own
//    endpoints) fails, so the ground box itself is cut off;
//  - "region unreachable": more than a share of all nodes started failing within a short
//    window.
// While either holds, per-check alerts are held instead of paged, one message says what
// happened, and a second one says when it is over and what is still failing.
// Plain values.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "probes/target.h"

namespace gs::alerts {

struct GroundOptions {
  // The uplink set: checks whose tags (the node's tags plus the pseudo-tags node, check and
  // kind) match. Unset: no uplink detection.
  std::optional<probes::Selector> uplink;
  // Region detection, on when region_share > 0: unreachable when at least region_min_nodes
  // nodes, and more than region_share of all nodes, started failing within region_window.
  double region_share = 0;
  std::chrono::milliseconds region_window{std::chrono::minutes(2)};
  int region_min_nodes = 3;
  // After an outage ends, a held check that still fails is paged only once it has a fresh
  // result (its last one may predate the end), or when this much time has passed. The
  // "restored" message waits for the same, so its list of what still fails is current.
  std::chrono::milliseconds recheck_within{std::chrono::minutes(5)};
  // Who hears these alerts; empty: every notifier any route names.
  std::vector<std::string> notify;
  friend bool operator==(const GroundOptions&, const GroundOptions&) = default;
};

// What was announced; persisted in state.db so a restart neither repeats nor forgets it.
struct GroundState {
  using TimePoint = std::chrono::system_clock::time_point;
  bool uplink_lost = false;         // "uplink lost" was sent and "uplink restored" not yet
  TimePoint uplink_since{};         // when "uplink lost" was sent
  bool region_unreachable = false;  // "region unreachable" was sent, "restored" not yet
  // While the region is suspect or unreachable: failures that began at or after this time
  // belong to the outage. Epoch: not suspect.
  TimePoint region_from{};
  TimePoint region_since{};  // when "region unreachable" was sent
  // The checks the "region unreachable" message listed, resolved by "region restored".
  std::vector<std::pair<std::string, std::string>> region_alerts;
  // When the latest outage ended (epoch: none is settling). Checks whose last result is older
  // stay held until they report again; the "restored" messages below wait for that too.
  TimePoint recheck_from{};
  bool uplink_restore_pending = false;
  bool region_restore_pending = false;
  TimePoint uplink_restored_at{};  // the end of the latest uplink outage
  TimePoint region_restored_at{};
  friend bool operator==(const GroundState&, const GroundState&) = default;
};

}  // namespace gs::alerts
