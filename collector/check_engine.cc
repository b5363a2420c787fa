#include "collector/check_engine.h"

namespace gs::collector {

void CheckEngine::Restore(std::map<JobKey, alerts::CheckStatus> statuses) {
  for (auto& [key, status] : statuses) {
    Entry& entry = entries_[key];
    entry.perfdata = probes::ParsePerfdata(status.perfdata).items;
    entry.status = std::move(status);
  }
}

namespace {

void Remember(CheckEngine::Entry& entry, const probes::CheckResult& result) {
  CheckEngine::Recent r;
  r.started = result.started == std::chrono::system_clock::time_point{}
                  ? std::chrono::system_clock::now()
                  : result.started;
  r.duration = std::chrono::duration_cast<std::chrono::microseconds>(result.duration);
  r.state = result.state;
  r.text = result.text.substr(0, CheckEngine::kRecentText);
  if (entry.recent.size() < CheckEngine::kRecentResults) {
    entry.recent.push_back(std::move(r));
  } else {
    entry.recent[entry.recent_next] = std::move(r);
  }
  entry.recent_next = (entry.recent_next + 1) % CheckEngine::kRecentResults;
}

}  // namespace

std::vector<CheckEngine::Recent> CheckEngine::Entry::RecentNewestFirst() const {
  std::vector<Recent> out;
  out.reserve(recent.size());
  for (std::size_t i = 1; i <= recent.size(); ++i) {
    out.push_back(recent[(recent_next + kRecentResults - i) % kRecentResults]);
  }
  return out;
}

bool CheckEngine::OnResult(const JobSpec& job, const probes::CheckResult& result) {
  const CheckConfig& check = *job.check;
  const JobKey key{job.target->name, check.name};
  Entry& entry = entries_[key];
  entry.kind = check.kind;
  entry.max_attempts = check.max_attempts;
  entry.perfdata = result.perfdata;
  Remember(entry, result);
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
    entry.status.perfdata = probes::FormatPerfdata(entry.perfdata);
    sinks_.save_state(key, entry.status);
  }
  if (sinks_.record) sinks_.record(job, result);
  alerts::CheckFacts facts{
      job.target->name, check.name,
      check.kind,       std::shared_ptr<const probes::Tags>(job.target, &job.target->tags),
      check.host_check, check.depends_on,
      check.flap};
  alerts_.OnResultDeferred(facts, t, now);
  FlushOrSchedule();
  Emit();
  return entry.status.type == alerts::StateType::kSoft && entry.status.state != probes::State::kOk;
}

void CheckEngine::SetRoutes(std::vector<alerts::Route> routes) {
  alerts_.SetRoutes(std::move(routes));
}

void CheckEngine::SetGround(alerts::GroundOptions options) {
  alerts_.SetGround(std::move(options));
}

void CheckEngine::RestoreGround(alerts::GroundState state) {
  alerts_.RestoreGround(std::move(state));
}

void CheckEngine::SetDowntimes(std::vector<alerts::Downtime> downtimes) {
  alerts_.SetDowntimes(std::move(downtimes));
}

void CheckEngine::RestoreAlerts(std::vector<alerts::AlertRecord> records) {
  for (alerts::AlertRecord& r : records) alerts_.Restore(std::move(r));
}

void CheckEngine::Tick(std::chrono::system_clock::time_point now) {
  alerts_.Tick(now);
  Emit();
}

Result<void> CheckEngine::Acknowledge(const JobKey& key, alerts::Ack ack) {
  auto r = alerts_.Acknowledge(key, std::move(ack), std::chrono::system_clock::now());
  Emit();
  return r;
}

Result<void> CheckEngine::RemoveAck(const JobKey& key) {
  auto r = alerts_.RemoveAck(key, std::chrono::system_clock::now());
  Emit();
  return r;
}

void CheckEngine::FlushOrSchedule() {
  if (!alerts_.flush_pending()) return;
  if (!sinks_.schedule_flush) {
    alerts_.Flush(std::chrono::system_clock::now());
  } else if (!flush_scheduled_) {
    flush_scheduled_ = true;
    sinks_.schedule_flush();
  }
}

void CheckEngine::FlushAlerts() {
  flush_scheduled_ = false;
  alerts_.Flush(std::chrono::system_clock::now());
  Emit();
}

void CheckEngine::Emit() {
  alerts::AlertEngine::Output out = alerts_.TakeOutput();
  if (out.messages.empty() && out.records.empty() && out.history.empty()) return;
  notifications_ += out.messages.size();
  if (sinks_.alerts) sinks_.alerts(std::move(out));
}

void CheckEngine::SaveAll() {
  if (!sinks_.save_state) return;
  for (auto& [key, entry] : entries_) {
    entry.status.perfdata = probes::FormatPerfdata(entry.perfdata);
    sinks_.save_state(key, entry.status);
  }
}

void CheckEngine::OnRemoved(const JobKey& key, const std::string& reason) {
  entries_.erase(key);
  if (sinks_.forget_state) sinks_.forget_state(key);
  alerts_.OnRetiredDeferred(key, std::chrono::system_clock::now(), reason);
  FlushOrSchedule();
  Emit();
}

}  // namespace gs::collector
