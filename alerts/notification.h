// Notification: one alert message on its way to one notifier. A plain value.
#pragma once

#include <chrono>
#include <string>

#include "probes/state.h"
#include "probes/target.h"

namespace gs::alerts {

struct Notification {
  // Stable across retries and restarts; receivers may use it to deduplicate.
  std::string id;
  std::string notifier;  // name of the notifier that delivers it
  bool firing = true;    // false: resolved
  std::string node;
  std::string check;
  probes::State state = probes::State::kOk;
  probes::State previous_state = probes::State::kOk;
  std::string output;
  std::chrono::system_clock::time_point since{};  // when the HARD state began
  probes::Tags tags;
  // Delivery bookkeeping, persisted with the notification.
  int attempts = 0;
  std::chrono::system_clock::time_point next_attempt{};
  std::string last_error;
  friend bool operator==(const Notification&, const Notification&) = default;
};

// The webhook body of DESIGN.md: {"id", "status": "firing|resolved", "node", "check",
// "state", "previous_state", "output", "since" (RFC 3339 UTC), "tags"}.
std::string ToWebhookJson(const Notification& n);

// A fresh random id (128 bits, hex).
std::string NewNotificationId();

}  // namespace gs::alerts
