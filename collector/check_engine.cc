#include "collector/check_engine.h"

namespace gs::collector {

void CheckEngine::Restore(std::map<JobKey, alerts::CheckStatus> statuses) {
  for (auto& [key, status] : statuses) entries_[key].status = std::move(status);
}

bool CheckEngine::OnResult(const JobSpec& job, const probes::CheckResult& result) {
  const CheckConfig& check = *job.check;
  const JobKey key{job.target.name, check.name};
  Entry& entry = entries_[key];
  entry.kind = check.kind;
  entry.max_attempts = check.max_attempts;
  entry.perfdata = result.perfdata;
  const auto now = std::chrono::system_clock::now();
  // The output is the first line plus any long text (Nagios long output), so notifications
  // carry e.g. a log rule's matching lines.
  std::string output = result.text;
  if (!result.long_text.empty()) output += "\n" + result.long_text;
  alerts::Transition t =
      alerts::Apply(entry.status, result.state, std::move(output), check.max_attempts, now);
  const bool changed = t.next.state != entry.status.state || t.next.type != entry.status.type ||
                       t.next.attempt != entry.status.attempt || !entry.status.checked ||
                       result.passive;
  entry.status = t.next;
  if (result.passive) entry.status.last_passive = now;
  const auto mono = std::chrono::steady_clock::now();
  if (sinks_.save_state && (changed || mono - entry.saved >= kRefreshSave)) {
    entry.saved = mono;
    sinks_.save_state(key, entry.status);
  }
  if (sinks_.record) sinks_.record(job, result);
  if (t.hard_change) Notify(job, t);
  return entry.status.type == alerts::StateType::kSoft && entry.status.state != probes::State::kOk;
}

void CheckEngine::Notify(const JobSpec& job, const alerts::Transition& t) {
  // A check that starts out OK is not news; a recovery is news only after a problem.
  if (t.next.state == probes::State::kOk && t.previous_hard_state == probes::State::kOk) return;
  probes::Tags tags = job.target.tags;
  tags["node"] = job.target.name;
  tags["check"] = job.check->name;
  tags["kind"] = job.check->kind;
  const std::vector<std::string> notifiers = alerts::NotifiersFor(routes_, tags);
  for (const std::string& name : notifiers) {
    alerts::Notification n;
    n.id = alerts::NewNotificationId();
    n.notifier = name;
    n.firing = t.next.state != probes::State::kOk;
    n.node = job.target.name;
    n.check = job.check->name;
    n.state = t.next.state;
    n.previous_state = t.previous_hard_state;
    n.output = t.next.output;
    n.since = t.next.last_hard_change;
    n.tags = job.target.tags;
    ++notifications_;
    if (sinks_.notify) sinks_.notify(std::move(n));
  }
}

void CheckEngine::SaveAll() {
  if (!sinks_.save_state) return;
  for (const auto& [key, entry] : entries_) sinks_.save_state(key, entry.status);
}

void CheckEngine::OnRemoved(const JobKey& key) {
  entries_.erase(key);
  if (sinks_.forget_state) sinks_.forget_state(key);
}

}  // namespace gs::collector
