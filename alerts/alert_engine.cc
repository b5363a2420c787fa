#include "alerts/alert_engine.h"

#include <algorithm>

namespace gs::alerts {
namespace {

using probes::State;

// A record worth keeping in state.db: anything but a quiet, healthy, unremarkable check.
bool Remarkable(const AlertRecord& a) {
  if (a.hard_problem || !a.routes.empty() || a.ack || a.flap.flapping() || !a.retired.empty()) {
    return true;
  }
  const std::vector<State>& h = a.flap.history();
  return std::any_of(h.begin(), h.end(), [](State s) { return s != State::kOk; });
}

// Firing items first (in key order), then resolved ones.
void OrderItems(std::vector<AlertItem>& items) {
  std::stable_partition(items.begin(), items.end(), [](const AlertItem& i) { return i.firing; });
}

}  // namespace

AlertItem ItemOf(const AlertKey& key, const AlertRecord& a, bool firing) {
  AlertItem item;
  item.node = key.first;
  item.check = key.second;
  item.firing = firing;
  item.state = a.state;
  item.previous_state = a.previous_hard_state;
  item.output = a.output;
  item.since = a.since;
  item.tags = *a.facts.tags;
  item.reason = a.retired;
  return item;
}

void AlertEngine::SetRoutes(std::vector<Route> routes) {
  routes_ = std::move(routes);
  route_keys_.clear();
  for (std::size_t i = 0; i < routes_.size(); ++i) route_keys_.push_back(RouteKey(routes_, i));
  groups_.clear();
}

void AlertEngine::Restore(AlertRecord record) {
  AlertKey key{record.facts.node, record.facts.check};
  if (IsUplink(record)) uplink_keys_.insert(key);
  alerts_[std::move(key)] = std::move(record);
}

probes::Tags AlertEngine::TagsOf(const AlertRecord& a) const {
  probes::Tags tags = *a.facts.tags;
  tags["node"] = a.facts.node;
  tags["check"] = a.facts.check;
  tags["kind"] = a.facts.kind;
  return tags;
}

bool AlertEngine::InDowntime(const AlertKey& key, TimePoint now) const {
  auto it = alerts_.find(key);
  if (it == alerts_.end() || downtimes_.empty()) return false;
  const probes::Tags tags = TagsOf(it->second);
  return std::any_of(downtimes_.begin(), downtimes_.end(),
                     [&](const Downtime& d) { return Covers(d, tags) && ActiveAt(d, now); });
}

std::string AlertEngine::HoldReason(const AlertKey& key, TimePoint now) const {
  auto it = alerts_.find(key);
  if (it == alerts_.end()) return "";
  const AlertRecord& a = it->second;
  if (uplink_hold_) return "uplink lost";
  if (region_hold_ && !uplink_keys_.contains(key)) return "region unreachable";
  if (AwaitingRecheck(a, now)) return "awaiting recheck after outage";
  if (a.flap.flapping()) return "flapping";
  if (InDowntime(key, now)) return "downtime";
  if (!a.facts.host_check) {
    // Keys sort by node first: the node's checks are one contiguous range.
    for (auto n = alerts_.lower_bound({key.first, ""});
         n != alerts_.end() && n->first.first == key.first; ++n) {
      if (n->second.facts.host_check && n->second.hard_problem) return "node down";
    }
  }
  if (a.facts.depends_on) {
    for (const auto& [other_key, other] : alerts_) {
      if (other_key == key || !other.hard_problem) continue;
      if (a.facts.depends_on->Matches(TagsOf(other))) {
        return "depends on " + other_key.first + "/" + other_key.second;
      }
    }
  }
  if (a.ack) return "acknowledged";
  return "";
}

bool AlertEngine::WantsFiring(const AlertKey& key, const AlertRecord& a, TimePoint now) const {
  return a.hard_problem && a.retired.empty() && HoldReason(key, now).empty();
}

void AlertEngine::OnResult(const CheckFacts& facts, const Transition& t, TimePoint now) {
  OnResultDeferred(facts, t, now);
  Flush(now);
}

void AlertEngine::Flush(TimePoint now) {
  if (ground_due_) UpdateGround(now);
  if (routes_due_) FlushRoutes(now);
  ground_due_ = routes_due_ = false;
  CollectDirty();
}

void AlertEngine::OnResultDeferred(const CheckFacts& facts, const Transition& t, TimePoint now) {
  const AlertKey key{facts.node, facts.check};
  AlertRecord& a = alerts_[key];
  const State previous_raw = a.state;
  const bool was_flapping = a.flap.flapping();
  a.facts = facts;
  a.retired.clear();
  if (IsUplink(a)) {
    uplink_keys_.insert(key);
  } else {
    uplink_keys_.erase(key);
  }
  a.last_result = now;
  if (t.next.state == State::kOk) {
    a.failing_since = TimePoint{};
  } else if (a.failing_since == TimePoint{}) {
    a.failing_since = now;
  }
  const FlapDetector::Change flap = a.flap.Record(t.next.state, facts.flap);
  a.state = t.next.state;
  a.output = t.next.output;
  a.hard_problem = t.next.type == StateType::kHard && t.next.state != State::kOk;
  if (previous_raw != a.state || flap != FlapDetector::Change::kNone) MarkDirty(key);
  if (t.hard_change) {
    a.since = t.next.last_hard_change;
    a.previous_hard_state = t.previous_hard_state;
    if (a.hard_problem || t.previous_hard_state != State::kOk) {
      History(key, a.hard_problem ? "problem" : "recovery", a.state, a.output, now);
    }
    // Nagios: recovery ends any acknowledgement; a non-sticky one ends with any change.
    if (a.ack && (!a.hard_problem || !a.ack->sticky)) {
      a.ack.reset();
      History(key, "ack_removed", a.state, "state changed", now);
    }
    MarkDirty(key);
  }
  if (flap == FlapDetector::Change::kStarted) {
    History(key, "flapping_started", a.state, std::to_string(a.flap.percent()) + "% change", now);
    Notice(Event::kFlappingStarted, key, a,
           "state changes too often (" + std::to_string(static_cast<int>(a.flap.percent())) +
               "% of the last results); changes are not paged until it settles",
           false, now);
  } else if (flap == FlapDetector::Change::kStopped && was_flapping) {
    History(key, "flapping_stopped", a.state, std::to_string(a.flap.percent()) + "% change", now);
    Notice(Event::kFlappingStopped, key, a, "the check settled; notifications resume", false, now);
  }
  if (previous_raw != a.state || t.hard_change) ground_due_ = true;
  if (t.hard_change || flap != FlapDetector::Change::kNone) routes_due_ = true;
  CollectDirty();
}

void AlertEngine::OnRetired(const AlertKey& key, TimePoint now, const std::string& reason) {
  OnRetiredDeferred(key, now, reason);
  Flush(now);
  // Forgotten at once when its resolution went out (else at the next tick, see Tick).
  auto it = alerts_.find(key);
  if (it != alerts_.end() && !it->second.retired.empty() && it->second.routes.empty()) {
    alerts_.erase(it);
    out_.records[key] = std::nullopt;
    dirty_.erase(key);
  }
}

void AlertEngine::OnRetiredDeferred(const AlertKey& key, TimePoint now, const std::string& reason) {
  auto it = alerts_.find(key);
  if (it == alerts_.end()) return;
  AlertRecord& a = it->second;
  if (a.hard_problem || !a.routes.empty()) History(key, "retired", a.state, reason, now);
  a.retired = reason;
  a.hard_problem = false;
  a.ack.reset();
  uplink_keys_.erase(key);
  MarkDirty(key);
  if (a.routes.empty()) {  // nobody was told: nothing to resolve
    alerts_.erase(it);
    out_.records[key] = std::nullopt;
    dirty_.erase(key);
  } else {
    routes_due_ = true;
  }
  ground_due_ = true;
  CollectDirty();
}

void AlertEngine::Tick(TimePoint now) {
  ExpireAcks(now);
  ground_due_ = routes_due_ = false;  // done here
  UpdateGround(now);
  FlushRoutes(now);
  Escalate(now);
  // Retired alerts whose resolution went out are forgotten.
  for (auto it = alerts_.begin(); it != alerts_.end();) {
    if (!it->second.retired.empty() && it->second.routes.empty()) {
      out_.records[it->first] = std::nullopt;
      dirty_.erase(it->first);
      it = alerts_.erase(it);
    } else {
      ++it;
    }
  }
  CollectDirty();
}

Result<void> AlertEngine::Acknowledge(const AlertKey& key, Ack ack, TimePoint now) {
  auto it = alerts_.find(key);
  if (it == alerts_.end() || !it->second.retired.empty()) {
    return Fail("no check " + key.second + " on node " + key.first);
  }
  AlertRecord& a = it->second;
  if (!a.hard_problem) return Fail(key.first + "/" + key.second + " is not a HARD problem");
  if (ack.created == TimePoint{}) ack.created = now;
  const std::string note =
      "acknowledged by " + ack.author + (ack.comment.empty() ? std::string() : ": " + ack.comment);
  a.ack = std::move(ack);
  History(key, "acknowledged", a.state, note, now);
  Notice(Event::kAcknowledged, key, a, note, /*only_told=*/true, now);
  MarkDirty(key);
  CollectDirty();
  return {};
}

Result<void> AlertEngine::RemoveAck(const AlertKey& key, TimePoint now) {
  auto it = alerts_.find(key);
  if (it == alerts_.end() || !it->second.ack) {
    return Fail(key.first + "/" + key.second + " is not acknowledged");
  }
  it->second.ack.reset();
  History(key, "ack_removed", it->second.state, "", now);
  MarkDirty(key);
  FlushRoutes(now);
  CollectDirty();
  return {};
}

void AlertEngine::ExpireAcks(TimePoint now) {
  for (auto& [key, a] : alerts_) {
    if (!a.ack || !a.ack->expires || *a.ack->expires > now) continue;
    History(key, "ack_expired", a.state, "acknowledgement by " + a.ack->author + " expired", now);
    a.ack.reset();
    MarkDirty(key);
  }
}

void AlertEngine::FlushRoutes(TimePoint now) {
  std::map<std::pair<std::size_t, std::string>, std::vector<Member>> buckets;
  for (auto& [key, a] : alerts_) {
    if (!a.hard_problem && a.routes.empty()) continue;
    const probes::Tags tags = TagsOf(a);
    std::set<std::size_t> indexes;
    if (a.hard_problem) {
      for (std::size_t i : MatchingRoutes(routes_, tags, a.state)) indexes.insert(i);
    }
    for (auto r = a.routes.begin(); r != a.routes.end();) {
      auto pos = std::find(route_keys_.begin(), route_keys_.end(), r->first);
      if (pos == route_keys_.end()) {  // the route left the config: nobody to tell
        r = a.routes.erase(r);
        MarkDirty(key);
        continue;
      }
      indexes.insert(static_cast<std::size_t>(pos - route_keys_.begin()));
      ++r;
    }
    for (std::size_t i : indexes) {
      const std::string group = GroupKey(route_keys_[i], GroupLabels(routes_[i], tags));
      buckets[{i, group}].push_back(Member{&key, &a});
    }
  }
  for (auto& [where, members] : buckets) FlushGroup(where.first, where.second, members, now);
}

void AlertEngine::FlushGroup(std::size_t index, const std::string& group,
                             std::vector<Member>& members, TimePoint now) {
  const Route& route = routes_[index];
  const std::string& route_key = route_keys_[index];
  bool changed = false;
  bool any_firing = false;
  TimePoint latest_sent{};
  std::vector<bool> wanted(members.size());
  for (std::size_t i = 0; i < members.size(); ++i) {
    const AlertRecord& a = *members[i].alert;
    auto rec = a.routes.find(route_key);
    const bool told = rec != a.routes.end() && rec->second.firing;
    wanted[i] = RouteTakesState(route, a.state) && WantsFiring(*members[i].key, a, now);
    if (wanted[i]) {
      any_firing = true;
      if (!told || rec->second.state != a.state) changed = true;
    } else if (told && !a.hard_problem) {
      changed = true;  // recovered or retired: the route hears it resolved
    }
    if (rec != a.routes.end()) latest_sent = std::max(latest_sent, rec->second.last_sent);
  }
  GroupState& g = groups_[group];
  if (g.last_flush == TimePoint{}) g.last_flush = latest_sent;
  bool due = false;
  if (changed) {
    if (g.first_pending == TimePoint{}) g.first_pending = now;
    TimePoint at = g.first_pending + route.group_wait;
    if (g.last_flush != TimePoint{}) at = std::max(at, g.last_flush + route.group_interval);
    due = now >= at;
  } else if (any_firing && route.repeat_interval.count() > 0) {
    due = now >= g.last_flush + route.repeat_interval;
  }
  if (!due) {
    if (!changed && !any_firing) groups_.erase(group);
    return;
  }
  std::vector<AlertItem> items;
  std::map<int, std::vector<AlertItem>> escalated_resolved;  // by escalation step
  for (std::size_t i = 0; i < members.size(); ++i) {
    const AlertKey& key = *members[i].key;
    AlertRecord& a = *members[i].alert;
    auto rec = a.routes.find(route_key);
    if (wanted[i]) {
      items.push_back(ItemOf(key, a, true));
      RouteRecord& r = a.routes[route_key];
      if (!r.firing) {
        r.first_sent = now;
        r.escalation = 0;
      }
      r.firing = true;
      r.state = a.state;
      r.last_sent = now;
      MarkDirty(key);
    } else if (rec != a.routes.end() && !a.hard_problem) {
      if (rec->second.firing && route.send_resolved) items.push_back(ItemOf(key, a, false));
      for (int step = 1; step <= rec->second.escalation; ++step) {
        escalated_resolved[step].push_back(ItemOf(key, a, false));
      }
      a.routes.erase(rec);
      MarkDirty(key);
    }
  }
  g.last_flush = now;
  g.first_pending = TimePoint{};
  const probes::Tags labels = GroupLabels(route, TagsOf(*members.front().alert));
  if (!items.empty()) {
    OrderItems(items);
    Send(route.notify,
         Notification{.group = group, .group_labels = labels, .alerts = items, .created = now});
    for (const AlertItem& item : items) {
      History({item.node, item.check}, "notified", item.state,
              std::string(item.firing ? "problem" : "recovery") + " sent to route " + route_key,
              now);
    }
  }
  for (auto& [step, resolved] : escalated_resolved) {
    const auto s = static_cast<std::size_t>(step - 1);
    if (s >= route.escalate.size()) continue;
    Send(route.escalate[s].notify, Notification{.group = group,
                                                .group_labels = labels,
                                                .alerts = resolved,
                                                .escalation = step,
                                                .created = now});
  }
  if (!any_firing) groups_.erase(group);
}

void AlertEngine::Escalate(TimePoint now) {
  for (std::size_t index = 0; index < routes_.size(); ++index) {
    const Route& route = routes_[index];
    if (route.escalate.empty()) continue;
    const std::string& route_key = route_keys_[index];
    // (group, step) -> alerts reaching that step now
    std::map<std::pair<std::string, int>, std::vector<AlertItem>> reached;
    std::map<std::string, probes::Tags> labels_of;
    for (auto& [key, a] : alerts_) {
      auto rec = a.routes.find(route_key);
      if (rec == a.routes.end() || !rec->second.firing) continue;
      if (!WantsFiring(key, a, now)) continue;  // acknowledged or held: no escalation
      RouteRecord& r = rec->second;
      const probes::Tags tags = TagsOf(a);
      const probes::Tags labels = GroupLabels(route, tags);
      const std::string group = GroupKey(route_key, labels);
      for (std::size_t s = static_cast<std::size_t>(r.escalation); s < route.escalate.size(); ++s) {
        if (now - r.first_sent < route.escalate[s].after) break;
        r.escalation = static_cast<int>(s) + 1;
        reached[{group, r.escalation}].push_back(ItemOf(key, a, true));
        labels_of[group] = labels;
        History(key, "notified", a.state, "escalation step " + std::to_string(r.escalation), now);
        MarkDirty(key);
      }
    }
    for (auto& [where, items] : reached) {
      const auto s = static_cast<std::size_t>(where.second - 1);
      Send(route.escalate[s].notify, Notification{.group = where.first,
                                                  .group_labels = labels_of[where.first],
                                                  .alerts = items,
                                                  .escalation = where.second,
                                                  .created = now});
    }
  }
}

void AlertEngine::Notice(Event event, const AlertKey& key, const AlertRecord& a, std::string note,
                         bool only_told, TimePoint now) {
  const probes::Tags tags = TagsOf(a);
  std::set<std::string> sent;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const Route& route = routes_[i];
    if (only_told) {
      auto rec = a.routes.find(route_keys_[i]);
      if (rec == a.routes.end() || !rec->second.firing) continue;
    } else if (!route.match.Matches(tags)) {
      continue;
    }
    const probes::Tags labels = GroupLabels(route, tags);
    std::vector<std::string> fresh;  // one notice per notifier
    for (const std::string& name : route.notify) {
      if (sent.insert(name).second) fresh.push_back(name);
    }
    Send(fresh, Notification{.event = event,
                             .group = GroupKey(route_keys_[i], labels),
                             .group_labels = labels,
                             .alerts = {ItemOf(key, a, a.hard_problem)},
                             .note = note,
                             .created = now});
    if (!only_told && !route.continue_matching) break;
  }
}

void AlertEngine::Output::Absorb(Output&& later) {
  messages.insert(messages.end(), std::make_move_iterator(later.messages.begin()),
                  std::make_move_iterator(later.messages.end()));
  for (auto& [key, record] : later.records) records.insert_or_assign(key, std::move(record));
  history.insert(history.end(), std::make_move_iterator(later.history.begin()),
                 std::make_move_iterator(later.history.end()));
  if (later.ground) ground = std::move(later.ground);
}

void AlertEngine::Send(const std::vector<std::string>& notifiers, const Notification& message) {
  for (const std::string& name : notifiers) {
    Notification n = message;
    n.notifier = name;
    out_.messages.push_back(std::move(n));
  }
}

void AlertEngine::History(const AlertKey& key, const char* event, State state, std::string text,
                          TimePoint now) {
  out_.history.push_back(HistoryEntry{now, key.first, key.second, event, state, std::move(text)});
}

void AlertEngine::CollectDirty() {
  for (const AlertKey& key : dirty_) {
    auto it = alerts_.find(key);
    if (it == alerts_.end() || !Remarkable(it->second)) {
      out_.records[key] = std::nullopt;
    } else {
      out_.records[key] = it->second;
    }
  }
  dirty_.clear();
}

}  // namespace gs::alerts
