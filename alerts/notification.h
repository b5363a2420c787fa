// Notification: one message on its way to one notifier. A message reports one group of alerts
// (one alert when the route does not group, fifty when fifty web nodes broke together) or one
// event about them (flapping started, acknowledged, uplink lost). A plain value.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probes/result.h"
#include "probes/state.h"
#include "probes/target.h"

namespace gs::alerts {

// What a message is about.
enum class Event {
  kAlert,              // problems and recoveries of the group's alerts
  kFlappingStarted,    // the check changes state too often: changes are no longer paged
  kFlappingStopped,    // the check settled; normal notifications resume
  kAcknowledged,       // someone took the problem (author and comment in `note`)
  kUplinkLost,         // the ground station itself is cut off; per-node alerts are held
  kUplinkRestored,     // it is back; lists what is still failing
  kRegionUnreachable,  // a large share of all nodes failed at once; per-node alerts are held
  kRegionRestored,
};

// "alert", "flapping_started", "flapping_stopped", "acknowledged", "uplink_lost",
// "uplink_restored", "region_unreachable", "region_restored".
std::string_view ToString(Event e);
std::optional<Event> ParseEvent(std::string_view s);

// One (node, check) in a message.
struct AlertItem {
  std::string node;
  std::string check;
  bool firing = true;  // false: resolved
  probes::State state = probes::State::kOk;
  probes::State previous_state = probes::State::kOk;
  std::string output;
  std::chrono::system_clock::time_point since{};  // when the HARD state began
  probes::Tags tags;                              // the node's tags
  // Why a resolved alert is resolved when it is not a recovery, e.g. "node retired".
  std::string reason;
  friend bool operator==(const AlertItem&, const AlertItem&) = default;
};

struct Notification {
  // Stable across retries and restarts; receivers may use it to deduplicate.
  std::string id{};
  std::string notifier{};  // name of the notifier that delivers it
  Event event = Event::kAlert;
  // The group this message reports: a stable key (route and group_by values) and the labels
  // its alerts share, e.g. {"check": "http", "role": "web"}.
  std::string group{};
  probes::Tags group_labels{};
  std::vector<AlertItem> alerts{};  // at least one; firing ones first
  std::string note{};               // free text: an ack's author and comment, an uplink summary
  int escalation = 0;               // 0: the route's notifiers; N: sent by escalation step N
  std::chrono::system_clock::time_point created{};
  // Delivery bookkeeping, persisted with the notification.
  int attempts = 0;
  std::chrono::system_clock::time_point next_attempt{};
  std::string last_error{};

  // True when any alert of the message is firing.
  [[nodiscard]] bool Firing() const;
  // The first alert: the one the top-level webhook fields describe. REQUIRES: !alerts.empty().
  [[nodiscard]] const AlertItem& Primary() const { return alerts.front(); }
  friend bool operator==(const Notification&, const Notification&) = default;
};

// The webhook body of DESIGN.md: {"id", "status": "firing|resolved", "node", "check", "state",
// "previous_state", "output", "since" (RFC 3339 UTC), "tags"} describing the primary alert,
// plus "event", "group" (the shared labels), "alerts" (every alert, same fields plus
// "reason"), "note" and "escalation".
std::string ToWebhookJson(const Notification& n);

// One line for an SMS, a mail subject or a chat message, e.g.
// "[FIRING:3] http CRITICAL on web01, web02, web03" or "[RESOLVED] http on web01".
std::string Headline(const Notification& n);

// The whole message as plain text: the headline, then one line per alert with its state and
// output, then the note. For mail bodies and chat messages.
std::string PlainText(const Notification& n);

// The complete notification as JSON, for the outbox, and back. FromStoredJson fails on
// anything that is not a notification written by ToStoredJson.
std::string ToStoredJson(const Notification& n);
Result<Notification> FromStoredJson(std::string_view text);

// RFC 3339 in UTC with whole seconds, e.g. "2024-05-01T12:00:00Z".
std::string FormatRfc3339(std::chrono::system_clock::time_point t);

// A fresh random id (128 bits, hex).
std::string NewNotificationId();

}  // namespace gs::alerts
