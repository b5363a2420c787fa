// AlertEngine, ground-station awareness: the uplink set and region detection (alerts/ground.h).
//
// Holds begin on the latest results (a SOFT failure is enough: nothing is paged in SOFT, so
// holding early costs nothing and keeps the first HARD pages of an outage from going out);
// the "uplink lost" and "region unreachable" messages wait for HARD problems, so a blip
// says nothing. When an outage ends, checks that still fail are re-checked before they are
// paged, and the "restored" message waits for that, so its list of what still fails is true.
#include <algorithm>
#include <cstdio>

#include "alerts/alert_engine.h"

namespace gs::alerts {
namespace {

using probes::State;

constexpr std::size_t kListedChecks = 10;  // names in a note; the rest are counted

// "45s", "12m", "3h05m".
std::string FormatDuration(std::chrono::system_clock::duration d) {
  const auto secs =
      std::max<long long>(0, std::chrono::duration_cast<std::chrono::seconds>(d).count());
  char buf[32];
  if (secs < 60) {
    std::snprintf(buf, sizeof buf, "%llds", secs);
  } else if (secs < 3600) {
    std::snprintf(buf, sizeof buf, "%lldm", secs / 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", secs / 3600, secs % 3600 / 60);
  }
  return buf;
}

std::string KeyLabel(const AlertKey& key) { return key.first + "/" + key.second; }

}  // namespace

void AlertEngine::SetGround(GroundOptions options) {
  ground_options_ = std::move(options);
  uplink_keys_.clear();
  for (const auto& [key, a] : alerts_) {
    if (a.retired.empty() && IsUplink(a)) uplink_keys_.insert(key);
  }
}

bool AlertEngine::IsUplink(const AlertRecord& a) const {
  return ground_options_.uplink && ground_options_.uplink->Matches(TagsOf(a));
}

bool AlertEngine::AwaitingRecheck(const AlertRecord& a, TimePoint now) const {
  return ground_.recheck_from != TimePoint{} && a.state != State::kOk &&
         a.last_result < ground_.recheck_from &&
         now < ground_.recheck_from + ground_options_.recheck_within;
}

void AlertEngine::UpdateGround(TimePoint now) {
  UpdateUplink(now);
  UpdateRegion(now);
  SendPendingRestores(now);
}

void AlertEngine::UpdateUplink(TimePoint now) {
  std::size_t failing = 0;
  std::size_t hard = 0;
  std::vector<AlertItem> items;
  for (const AlertKey& key : uplink_keys_) {
    auto it = alerts_.find(key);
    if (it == alerts_.end()) continue;
    const AlertRecord& a = it->second;
    if (a.state != State::kOk) ++failing;
    if (a.hard_problem) ++hard;
    items.push_back(ItemOf(key, a, a.state != State::kOk));
  }
  const std::size_t n = items.size();
  uplink_hold_ = n > 0 && failing == n;
  if (!ground_.uplink_lost && n > 0 && hard == n) {
    ground_.uplink_lost = true;
    ground_.uplink_since = now;
    ground_.uplink_restore_pending = false;
    std::string names;
    for (std::size_t i = 0; i < items.size() && i < kListedChecks; ++i) {
      names += (i ? ", " : "") + KeyLabel({items[i].node, items[i].check});
    }
    GroundNotice(Event::kUplinkLost, std::move(items),
                 "the ground station lost its uplink: all " + std::to_string(n) +
                     " uplink checks fail (" + names +
                     "); alerts about single checks are held until it is back",
                 now);
  } else if (ground_.uplink_lost && !uplink_hold_) {
    ground_.uplink_lost = false;
    ground_.uplink_restore_pending = true;
    ground_.uplink_restored_at = now;
    ground_.recheck_from = now;
    out_.ground = ground_;
  }
}

std::pair<int, int> AlertEngine::FailingNodes(TimePoint from, bool hard_only) const {
  int nodes = 0;
  int failing = 0;
  // Keys sort by node first: each node's checks are one contiguous range.
  for (auto it = alerts_.begin(); it != alerts_.end();) {
    const std::string& node = it->first.first;
    bool counted = false;
    bool fails = false;
    for (; it != alerts_.end() && it->first.first == node; ++it) {
      const AlertRecord& a = it->second;
      if (!a.retired.empty() || uplink_keys_.contains(it->first)) continue;
      counted = true;
      if (a.state != State::kOk && a.failing_since >= from && (!hard_only || a.hard_problem)) {
        fails = true;
      }
    }
    nodes += counted ? 1 : 0;
    failing += fails ? 1 : 0;
  }
  return {failing, nodes};
}

bool AlertEngine::RegionExceeds(int failing, int nodes, double factor) const {
  return failing >= ground_options_.region_min_nodes &&
         failing > ground_options_.region_share * factor * nodes;
}

void AlertEngine::UpdateRegion(TimePoint now) {
  const bool enabled = ground_options_.region_share > 0;
  // While the uplink is lost, or checks are re-checked after an outage, failures say nothing
  // about the region: no new suspicion, and an announced outage stays as it is.
  if (uplink_hold_ || ground_.recheck_from != TimePoint{}) {
    if (!ground_.region_unreachable && ground_.region_from != TimePoint{}) {
      ground_.region_from = TimePoint{};
      out_.ground = ground_;
    }
    region_hold_ = ground_.region_unreachable;
    return;
  }
  if (ground_.region_from == TimePoint{}) {  // not suspect: look for a burst of failures
    region_hold_ = false;
    if (!enabled) return;
    const TimePoint from = now - ground_options_.region_window;
    auto [failing, nodes] = FailingNodes(from, false);
    if (!RegionExceeds(failing, nodes, 1.0)) return;
    ground_.region_from = from;
    out_.ground = ground_;
  }
  auto [failing, nodes] = FailingNodes(ground_.region_from, false);
  if (!ground_.region_unreachable) {
    if (!enabled || !RegionExceeds(failing, nodes, 1.0)) {  // a false alarm: nothing was said
      ground_.region_from = TimePoint{};
      region_hold_ = false;
      out_.ground = ground_;
      return;
    }
    region_hold_ = true;
    auto [hard, total] = FailingNodes(ground_.region_from, true);
    if (!RegionExceeds(hard, total, 1.0)) return;
    ground_.region_unreachable = true;
    ground_.region_since = now;
    ground_.region_restore_pending = false;
    ground_.region_alerts.clear();
    std::vector<AlertItem> items;
    for (const auto& [key, a] : alerts_) {
      if (a.retired.empty() && !uplink_keys_.contains(key) && a.state != State::kOk &&
          a.failing_since >= ground_.region_from) {
        ground_.region_alerts.push_back(key);
        items.push_back(ItemOf(key, a, true));
      }
    }
    const int percent = total > 0 ? hard * 100 / total : 0;
    GroundNotice(Event::kRegionUnreachable, std::move(items),
                 std::to_string(hard) + " of " + std::to_string(total) + " nodes (" +
                     std::to_string(percent) + "%) failed within " +
                     FormatDuration(now - ground_.region_from) +
                     "; alerts about single checks are held until they are back",
                 now);
    return;
  }
  // Unreachable: over when at most half the threshold of the outage's nodes still fail.
  region_hold_ = enabled && RegionExceeds(failing, nodes, 0.5);
  if (region_hold_) return;
  ground_.region_unreachable = false;
  ground_.region_from = TimePoint{};
  ground_.region_restore_pending = true;
  ground_.region_restored_at = now;
  ground_.recheck_from = now;
  out_.ground = ground_;
}

void AlertEngine::SendPendingRestores(TimePoint now) {
  if (!ground_.uplink_restore_pending && !ground_.region_restore_pending) return;
  const bool waiting = std::any_of(alerts_.begin(), alerts_.end(), [&](const auto& entry) {
    return entry.second.retired.empty() && AwaitingRecheck(entry.second, now);
  });
  if (waiting) return;
  if (ground_.uplink_restore_pending) {
    std::vector<AlertItem> items;
    for (const AlertKey& key : uplink_keys_) {
      if (auto it = alerts_.find(key); it != alerts_.end())
        items.push_back(ItemOf(key, it->second, false));
    }
    GroundNotice(Event::kUplinkRestored, std::move(items),
                 "the uplink is back after " +
                     FormatDuration(ground_.uplink_restored_at - ground_.uplink_since) + "; " +
                     StillFailing(),
                 now);
    ground_.uplink_restore_pending = false;
  }
  if (ground_.region_restore_pending) {
    std::vector<AlertItem> items;
    for (const AlertKey& key : ground_.region_alerts) {
      if (auto it = alerts_.find(key); it != alerts_.end())
        items.push_back(ItemOf(key, it->second, false));
    }
    GroundNotice(Event::kRegionRestored, std::move(items),
                 "the region is back after " +
                     FormatDuration(ground_.region_restored_at - ground_.region_since) + "; " +
                     StillFailing(),
                 now);
    ground_.region_restore_pending = false;
    ground_.region_alerts.clear();
  }
  ground_.recheck_from = TimePoint{};
  out_.ground = ground_;
}

std::string AlertEngine::StillFailing() const {
  std::vector<std::string> names;
  std::size_t count = 0;
  for (const auto& [key, a] : alerts_) {
    if (!a.hard_problem || !a.retired.empty()) continue;
    if (++count <= kListedChecks) names.push_back(KeyLabel(key));
  }
  if (count == 0) return "nothing is failing";
  std::string out = "still failing: ";
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  if (count > names.size()) out += " and " + std::to_string(count - names.size()) + " more";
  return out;
}

void AlertEngine::GroundNotice(Event event, std::vector<AlertItem> items, std::string note,
                               TimePoint now) {
  std::vector<std::string> notifiers = ground_options_.notify;
  if (notifiers.empty()) {
    for (const Route& route : routes_) {
      notifiers.insert(notifiers.end(), route.notify.begin(), route.notify.end());
    }
    std::sort(notifiers.begin(), notifiers.end());
    notifiers.erase(std::unique(notifiers.begin(), notifiers.end()), notifiers.end());
  }
  const bool uplink = event == Event::kUplinkLost || event == Event::kUplinkRestored;
  const std::string what = uplink ? "uplink" : "region";
  std::stable_partition(items.begin(), items.end(), [](const AlertItem& i) { return i.firing; });
  Send(notifiers, Notification{.event = event,
                               .group = "ground:" + what,
                               .group_labels = {{"ground", what}},
                               .alerts = std::move(items),
                               .note = note,
                               .created = now});
  out_.history.push_back(
      HistoryEntry{now, "", what, std::string(ToString(event)), State::kOk, std::move(note)});
  out_.ground = ground_;
}

}  // namespace gs::alerts
