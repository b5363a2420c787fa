// AlertEngine: decides which messages to send about which problems, and to whom.
//
// It is fed the HARD/SOFT outcome of every check result (alerts::Apply) and a clock tick, and
// keeps, per (node, check), what each route was last told. From that it derives messages:
//  - a problem is paged once it is HARD, visible and not acknowledged; it is not paged while
//    the check flaps, is in downtime, its node is down (its host check fails) or a check it
//    depends on fails: it is held, and paged when the hold ends and it still fails;
//  - a recovery is sent to every route that was told about the problem (also while held);
//  - alerts are grouped per route by group_by labels: a group's first message waits
//    group_wait, later changes are sent at most every group_interval, a group still firing is
//    repeated every repeat_interval, unacknowledged alerts escalate after each step's delay;
//  - flapping started/stopped and acknowledgements are one message each;
//  - a retired node's alerts are resolved with reason "node retired" and forgotten;
//  - ground-station awareness (alerts/ground.h): while every uplink check fails, or a large
//    share of all nodes failed at once, per-check alerts are held and one "uplink lost" or
//    "region unreachable" message goes out; when it is over, one "restored" message says what
//    is still failing, and the held problems are paged as usual.
//
// Pure: no I/O and no clock reads (time is passed in), so tests can replay any sequence.
// Output is collected and handed over by TakeOutput(): messages to enqueue (without ids),
// alert records to persist (after the messages are durable) and history entries.
// Thread-safety: not thread-safe; one owner thread (the collector's io_context).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "alerts/check_status.h"
#include "alerts/downtime.h"
#include "alerts/flapping.h"
#include "alerts/ground.h"
#include "alerts/notification.h"
#include "alerts/router.h"
#include "probes/result.h"

namespace gs::alerts {

using TimePoint = std::chrono::system_clock::time_point;
using AlertKey = std::pair<std::string, std::string>;  // (node, check)

// What the configuration says about one (node, check), passed with each result.
struct CheckFacts {
  std::string node;
  std::string check;
  std::string kind;
  // The node's tags, without pseudo-tags; never null. Shared with the node's jobs and the
  // inventory, so 10,000 alerts do not hold 10,000 copies.
  std::shared_ptr<const probes::Tags> tags = probes::NoTags();
  // A host check: while it is a HARD problem the node is DOWN and its other checks are held.
  bool host_check = false;
  // Held while any other alert matching this selector (tags plus pseudo-tags) is a HARD
  // problem, e.g. {check: lb_http}.
  std::optional<probes::Selector> depends_on;
  FlapOptions flap;
  friend bool operator==(const CheckFacts& a, const CheckFacts& b) {
    return a.node == b.node && a.check == b.check && a.kind == b.kind && *a.tags == *b.tags &&
           a.host_check == b.host_check && a.depends_on == b.depends_on && a.flap == b.flap;
  }
};

struct Ack {
  std::string author;
  std::string comment;
  bool sticky = true;  // false: cleared by any state change, true: only by recovery
  TimePoint created{};
  std::optional<TimePoint> expires;
  friend bool operator==(const Ack&, const Ack&) = default;
};

// What one route was told about one alert.
struct RouteRecord {
  bool firing = false;
  probes::State state = probes::State::kOk;
  TimePoint first_sent{};  // when the problem was first sent (escalation counts from here)
  TimePoint last_sent{};
  int escalation = 0;  // escalation steps already sent
  friend bool operator==(const RouteRecord&, const RouteRecord&) = default;
};

// Everything the engine remembers about one (node, check); persisted in state.db.
struct AlertRecord {
  CheckFacts facts;
  probes::State state = probes::State::kOk;  // latest result
  bool hard_problem = false;                 // HARD and not OK
  std::string output;
  TimePoint since{};  // when the HARD state began
  probes::State previous_hard_state = probes::State::kOk;
  FlapDetector flap;
  std::optional<Ack> ack;
  std::string retired;  // why the check is gone ("node retired"); empty while it exists
  std::map<std::string, RouteRecord> routes;  // by RouteKey
  TimePoint failing_since{};  // when the latest run of non-OK results began; epoch while OK
  TimePoint last_result{};
  friend bool operator==(const AlertRecord&, const AlertRecord&) = default;
};

struct HistoryEntry {
  TimePoint time{};
  std::string node;
  std::string check;
  // "problem", "recovery", "notified", "flapping_started", "flapping_stopped",
  // "acknowledged", "ack_removed", "ack_expired", "retired"
  std::string event;
  probes::State state = probes::State::kOk;
  std::string text;
  friend bool operator==(const HistoryEntry&, const HistoryEntry&) = default;
};

class AlertEngine {
 public:
  struct Output {
    std::vector<Notification> messages;  // id and delivery fields unset
    // Records to save (nullopt: delete), to be written after `messages` are durable, so a
    // crash in between re-sends rather than loses.
    std::map<AlertKey, std::optional<AlertRecord>> records;
    std::vector<HistoryEntry> history;
    std::optional<GroundState> ground;  // to save (with the records) when it changed

    // Appends a later output: its messages and history after these, its records and ground
    // state replacing older ones (each is the whole current value). Persisting the sum in one
    // transaction keeps each step's all-or-nothing guarantee.
    void Absorb(Output&& later);
  };

  void SetRoutes(std::vector<Route> routes);
  void SetDowntimes(std::vector<Downtime> downtimes) { downtimes_ = std::move(downtimes); }
  void SetGround(GroundOptions options);
  // Seeds a record read back from state.db. Call before the first result.
  void Restore(AlertRecord record);
  void RestoreGround(GroundState state) { ground_ = std::move(state); }

  // One check result and its transition (t.next.state feeds flap detection), with the ground
  // update and the route flush it calls for: OnResultDeferred followed by Flush.
  void OnResult(const CheckFacts& facts, const Transition& t, TimePoint now);
  // The result alone: the ground update and the route flush it calls for (each a pass over
  // every alert) wait for Flush, so a burst of results (a region going dark) costs one pass,
  // not one per result. Until then flush_pending() is true.
  void OnResultDeferred(const CheckFacts& facts, const Transition& t, TimePoint now);
  void Flush(TimePoint now);
  [[nodiscard]] bool flush_pending() const { return ground_due_ || routes_due_; }
  // The check no longer exists because its node left the inventory (or the check was
  // removed): open alerts are resolved with reason "node retired", then forgotten.
  void OnRetired(const AlertKey& key, TimePoint now, const std::string& reason = "node retired");
  // The same, leaving the resolution messages to Flush (a fleet scaled in at once).
  void OnRetiredDeferred(const AlertKey& key, TimePoint now, const std::string& reason);
  // Sends what is due: group flushes, repeats, escalations, held alerts whose hold ended,
  // expired acknowledgements.
  void Tick(TimePoint now);

  // Fails when the check is unknown or not a HARD problem.
  Result<void> Acknowledge(const AlertKey& key, Ack ack, TimePoint now);
  Result<void> RemoveAck(const AlertKey& key, TimePoint now);

  // Why a HARD problem is not paged now: "" (it is), "flapping", "downtime", "node down",
  // "depends on NODE/CHECK", "acknowledged", "uplink lost", "region unreachable".
  [[nodiscard]] std::string HoldReason(const AlertKey& key, TimePoint now) const;
  [[nodiscard]] bool InDowntime(const AlertKey& key, TimePoint now) const;
  [[nodiscard]] const std::map<AlertKey, AlertRecord>& records() const { return alerts_; }
  [[nodiscard]] const GroundState& ground() const { return ground_; }

  Output TakeOutput() { return std::exchange(out_, Output{}); }

 private:
  struct GroupState {
    TimePoint first_pending{};  // when it first had something to send; epoch: nothing
    TimePoint last_flush{};
  };
  struct Member {
    const AlertKey* key;
    AlertRecord* alert;
  };

  [[nodiscard]] probes::Tags TagsOf(const AlertRecord& a) const;
  [[nodiscard]] bool WantsFiring(const AlertKey& key, const AlertRecord& a, TimePoint now) const;
  void FlushRoutes(TimePoint now);
  void FlushGroup(std::size_t route, const std::string& group, std::vector<Member>& members,
                  TimePoint now);
  void Send(const Route& route, const std::string& group, const probes::Tags& labels,
            std::vector<AlertItem> items, TimePoint now);
  void Escalate(TimePoint now);
  void Notice(Event event, const AlertKey& key, const AlertRecord& a, std::string note,
              bool only_told, TimePoint now);
  void ExpireAcks(TimePoint now);
  void MarkDirty(const AlertKey& key) { dirty_.insert(key); }
  void CollectDirty();
  // Ground-station awareness (alert_engine_ground.cc): re-evaluates the uplink and region
  // conditions, sends what they call for and sets the holds.
  [[nodiscard]] bool IsUplink(const AlertRecord& a) const;
  void UpdateGround(TimePoint now);
  void UpdateUplink(TimePoint now);
  void UpdateRegion(TimePoint now);
  // Nodes with a failing check (not of the uplink set) whose failure began at or after
  // `from`; `hard_only`: only HARD problems count. Also returns the number of nodes.
  [[nodiscard]] std::pair<int, int> FailingNodes(TimePoint from, bool hard_only) const;
  [[nodiscard]] bool RegionExceeds(int failing, int nodes, double factor) const;
  void GroundNotice(Event event, std::vector<AlertItem> items, std::string note, TimePoint now);
  [[nodiscard]] std::string StillFailing() const;
  // After an outage: true while a failing check has not reported since it ended.
  [[nodiscard]] bool AwaitingRecheck(const AlertRecord& a, TimePoint now) const;
  void SendPendingRestores(TimePoint now);
  // One copy of `message` per notifier in `notifiers`, addressed to it, into the output.
  void Send(const std::vector<std::string>& notifiers, const Notification& message);
  void History(const AlertKey& key, const char* event, probes::State state, std::string text,
               TimePoint now);

  std::vector<Route> routes_;
  std::vector<std::string> route_keys_;
  std::vector<Downtime> downtimes_;
  std::map<AlertKey, AlertRecord> alerts_;
  std::map<std::string, GroupState> groups_;
  std::set<AlertKey> dirty_;
  GroundOptions ground_options_;
  GroundState ground_;
  std::set<AlertKey> uplink_keys_;  // the uplink set among alerts_
  bool ground_due_ = false;         // OnResultDeferred left UpdateGround to Flush
  bool routes_due_ = false;         // ...and FlushRoutes
  bool uplink_hold_ = false;        // every uplink check fails: hold everything
  bool region_hold_ = false;        // region suspect or unreachable: hold the rest
  Output out_;
};

// An alert item describing `a` (firing as given).
AlertItem ItemOf(const AlertKey& key, const AlertRecord& a, bool firing);

}  // namespace gs::alerts
