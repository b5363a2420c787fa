// CheckEngine: the current status of every (node, check). Fed by the scheduler with each
// result; applies the Nagios SOFT/HARD state machine, and hands the outcome to its sinks:
// the state store, the RRD writer and the alert engine, whose output (messages, records,
// history) goes to the alerts sink. All methods run on the io_context thread; sinks must not
// block.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "alerts/alert_engine.h"
#include "alerts/check_status.h"
#include "alerts/notification.h"
#include "alerts/router.h"
#include "collector/scheduler.h"

namespace gs::collector {

class CheckEngine {
 public:
  // One run, as the check page lists it: kept in memory for the last kRecentResults runs of
  // each check (about 1 KB per check), not across restarts.
  struct Recent {
    std::chrono::system_clock::time_point started;
    std::chrono::microseconds duration{0};
    probes::State state = probes::State::kUnknown;
    std::string text;  // the first line of output, at most kRecentText bytes
  };
  static constexpr std::size_t kRecentResults = 10;
  static constexpr std::size_t kRecentText = 256;

  struct Entry {
    alerts::CheckStatus status;
    std::vector<probes::Perfdata> perfdata;
    std::string kind;
    int max_attempts = 1;
    std::chrono::steady_clock::time_point saved{};  // last hand-over to save_state
    std::vector<Recent> recent;                     // a ring of up to kRecentResults
    std::size_t recent_next = 0;                    // where the next run goes
    // The recent runs, newest first.
    [[nodiscard]] std::vector<Recent> RecentNewestFirst() const;
  };

  // A status whose state, type and attempt are unchanged is saved again only this often:
  // a restart needs the state machine's position, not the latest response time.
  static constexpr std::chrono::minutes kRefreshSave{5};

  struct Sinks {
    std::function<void(const JobKey&, const alerts::CheckStatus&)> save_state;
    std::function<void(const JobKey&)> forget_state;
    // Every result with its job, for time series.
    std::function<void(const JobSpec&, const probes::CheckResult&)> record;
    // Whatever the alert engine produced; called only when it produced something.
    std::function<void(alerts::AlertEngine::Output)> alerts;
    // Optional: asks for FlushAlerts() to be called soon (after the results already queued on
    // the io_context), so a burst of results shares one pass of the alert engine over every
    // alert. Unset: each result is flushed at once.
    std::function<void()> schedule_flush{};
  };

  explicit CheckEngine(Sinks sinks) : sinks_(std::move(sinks)) {}

  // Seeds statuses read back from the state store, so a restart neither re-alerts nor
  // forgets a problem. Call before the first result.
  void Restore(std::map<JobKey, alerts::CheckStatus> statuses);

  void SetRoutes(std::vector<alerts::Route> routes);
  void SetGround(alerts::GroundOptions options);
  void RestoreGround(alerts::GroundState state);
  void SetDowntimes(std::vector<alerts::Downtime> downtimes);
  void RestoreAlerts(std::vector<alerts::AlertRecord> records);
  // Time-driven alerting: group flushes, repeats, escalations, ack expiry, downtime edges.
  void Tick(std::chrono::system_clock::time_point now);
  Result<void> Acknowledge(const JobKey& key, alerts::Ack ack);
  Result<void> RemoveAck(const JobKey& key);

  // Applies one result; returns true while the job is in a SOFT problem state.
  bool OnResult(const JobSpec& job, const probes::CheckResult& result);

  // Runs the alert engine's pending ground update and route flush (see schedule_flush).
  void FlushAlerts();

  // Hands every current status to save_state (at shutdown, so a restart shows the latest
  // output and check time).
  void SaveAll();

  // The job is gone from the config: its status is dropped (and forgotten by the store), and
  // its open alerts are resolved with `reason` (quietly: a recovery notice, never a page).
  void OnRemoved(const JobKey& key, const std::string& reason = "node retired");

  [[nodiscard]] const std::map<JobKey, Entry>& entries() const { return entries_; }
  [[nodiscard]] const alerts::AlertEngine& alert_engine() const { return alerts_; }
  [[nodiscard]] std::uint64_t notifications() const { return notifications_; }

 private:
  void Emit();
  // After a result or a removal: flush now, or ask for a flush once.
  void FlushOrSchedule();

  Sinks sinks_;
  alerts::AlertEngine alerts_;
  std::map<JobKey, Entry> entries_;
  std::uint64_t notifications_ = 0;
  bool flush_scheduled_ = false;
};

}  // namespace gs::collector
