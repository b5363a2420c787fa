#include "alerts/alertmanager_notifier.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

namespace gs::alerts {
namespace {

using nlohmann::json;
using Clock = std::chrono::system_clock;

// "critical", "warning", "unknown", "ok".
std::string SeverityLabel(probes::State s) {
  std::string out(probes::ToString(s));
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

bool IsProblem(probes::State s) { return s != probes::State::kOk; }

// The state whose severity names the alert in Alertmanager: for a resolved alert the one it
// fired with, so that its labels match the firing alert's.
probes::State FiringState(const AlertItem& a) {
  if (a.firing || IsProblem(a.state)) return a.state;
  return a.previous_state;
}

json Labels(const Notification& n, const AlertItem& a, probes::State severity) {
  json labels = json::object();
  labels["alertname"] = a.check;
  labels["node"] = a.node;
  labels["check"] = a.check;
  labels["severity"] = SeverityLabel(severity);
  // A "restored" message resolves the alerts its "lost" message raised: same labels.
  Event event = n.event;
  if (event == Event::kUplinkRestored) event = Event::kUplinkLost;
  if (event == Event::kRegionRestored) event = Event::kRegionUnreachable;
  if (event != Event::kAlert) labels["event"] = std::string(ToString(event));
  for (const auto& [key, value] : a.tags) {
    // Alertmanager drops empty labels anyway; an empty value means "no such label" there.
    if (!IsValidLabelName(key) || value.empty() || labels.contains(key)) continue;
    labels[key] = value;
  }
  return labels;
}

json Annotations(const Notification& n, const AlertItem& a) {
  json annotations = json::object();
  const std::string summary = a.output.substr(0, a.output.find('\n'));
  if (!summary.empty()) annotations["summary"] = summary;
  if (!a.output.empty()) annotations["description"] = a.output;
  if (!a.reason.empty()) annotations["reason"] = a.reason;
  if (!n.note.empty()) annotations["note"] = n.note;
  return annotations;
}

// When a resolved alert ends: the time of the notification, not before the alert started
// (Alertmanager rejects endsAt < startsAt).
Clock::time_point EndsAt(const Notification& n, const AlertItem& a) {
  const Clock::time_point ends = n.created == Clock::time_point{} ? Clock::now() : n.created;
  return std::max(ends, a.since);
}

}  // namespace

bool IsValidLabelName(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!letter && !(digit && i > 0)) return false;
  }
  return true;
}

AlertmanagerNotifier::AlertmanagerNotifier(Options options) : options_(std::move(options)) {
  std::string base = options_.url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  endpoint_ = base + "/api/v2/alerts";
}

std::string AlertmanagerNotifier::Body(const Notification& n) const {
  json alerts = json::array();
  for (const AlertItem& a : n.alerts) {
    json alert = {{"labels", Labels(n, a, FiringState(a))}, {"annotations", Annotations(n, a)}};
    if (a.since != Clock::time_point{}) alert["startsAt"] = FormatRfc3339(a.since);
    if (!a.firing) {
      alert["endsAt"] = FormatRfc3339(EndsAt(n, a));
    } else if (options_.resolve_timeout.count() > 0) {
      alert["endsAt"] = FormatRfc3339(EndsAt(n, a) + options_.resolve_timeout);
    }
    if (!options_.generator_url.empty()) alert["generatorURL"] = options_.generator_url;
    alerts.push_back(std::move(alert));
    // A firing alert that changed severity: end the alert of the old one.
    if (a.firing && IsProblem(a.previous_state) && a.previous_state != a.state) {
      json old = {{"labels", Labels(n, a, a.previous_state)},
                  {"annotations", Annotations(n, a)},
                  {"endsAt", FormatRfc3339(EndsAt(n, a))}};
      if (!options_.generator_url.empty()) old["generatorURL"] = options_.generator_url;
      alerts.push_back(std::move(old));
    }
  }
  // Plugin output is arbitrary bytes; Alertmanager needs UTF-8: replace what is not.
  return alerts.dump(-1, ' ', false, json::error_handler_t::replace);
}

SendResult AlertmanagerNotifier::Send(const Notification& n) {
  HttpPost::Request request;
  request.url = endpoint_;
  request.body = Body(n);
  request.timeout = options_.timeout;
  request.basic_auth = options_.basic_auth;
  for (const auto& [name, value] : options_.headers) request.headers.push_back(name + ": " + value);
  return post_.Send(request);
}

}  // namespace gs::alerts
