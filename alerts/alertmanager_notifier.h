// AlertmanagerNotifier: hands notifications to a Prometheus Alertmanager, which then does its
// own routing, grouping, silencing and inhibition. Each alert of a notification becomes one
// Alertmanager alert, posted as Prometheus posts them (POST /api/v2/alerts):
//
//   labels       alertname = check, node, check, severity = the state in lower case
//                ("critical", "warning", "unknown", "ok"; a resolved alert keeps the severity
//                it fired with - see below), event = ToString(event) unless it is "alert",
//                then every node tag whose key is a valid label name ([a-zA-Z_][a-zA-Z0-9_]*)
//                and whose value is not empty. Tags never override the labels above.
//   annotations  summary (first line of the output), description (the whole output), reason
//                and note when set
//   startsAt     since (omitted when unset: Alertmanager then uses the time of arrival)
//   endsAt       for a resolved alert: the notification's `created` time (now when unset),
//                so Alertmanager resolves it at once; never before startsAt. For a firing
//                alert: `created` + resolve_timeout (none when it is 0).
//   generatorURL when configured
//
// Alertmanager identifies an alert by its label set, so a resolved alert must carry the same
// labels as the firing one it ends: its severity comes from the state it fired with (the
// previous state when it recovered to OK). When a firing alert changes severity (WARNING ->
// CRITICAL), the body also resolves the alert of the old severity, which would otherwise stay
// active until Alertmanager's resolve_timeout.
//
// Note for operators: Alertmanager considers a firing alert resolved at its endsAt, so a
// route to Alertmanager should repeat (repeat_interval) more often than resolve_timeout.
//
// Thread-safety: not thread-safe. Send() blocks (bounded by Options::timeout) and reuses one
// libcurl easy handle, so it must only be called from one thread at a time.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "alerts/http_post.h"
#include "alerts/notifier.h"

namespace gs::alerts {

class AlertmanagerNotifier : public Notifier {
 public:
  // Every member has an initializer: designated initializers may name any subset.
  struct Options {
    std::string url{};  // base URL, e.g. "http://127.0.0.1:9093" (a trailing '/' is ignored)
    // Whole-request timeout (connect + send + response).
    std::chrono::milliseconds timeout = std::chrono::seconds(10);
    std::map<std::string, std::string> headers{};  // extra request headers
    std::optional<std::string> basic_auth{};       // "user:password"
    std::string generator_url{};                   // optional, e.g. the check's dashboard URL
    // A firing alert is sent with endsAt this far after the message, so Alertmanager keeps it
    // firing until then even when nothing is re-sent (its own resolve_timeout, 5m by
    // default, would end it much sooner); 0: no endsAt, Alertmanager's resolve_timeout rules.
    std::chrono::milliseconds resolve_timeout = std::chrono::hours(24);
  };

  explicit AlertmanagerNotifier(Options options);

  // POSTs Body(n) to url + "/api/v2/alerts". Success only on a 2xx answer; a 400 (an alert
  // Alertmanager rejects) is a failure carrying Alertmanager's reason.
  SendResult Send(const Notification& n) override;

  // The JSON array Send() posts for `n`, one object per alert (plus one per severity change).
  [[nodiscard]] std::string Body(const Notification& n) const;

 private:
  Options options_;
  std::string endpoint_;  // url + "/api/v2/alerts"
  HttpPost post_;
};

// True when `name` is a valid Prometheus label name: [a-zA-Z_][a-zA-Z0-9_]*.
[[nodiscard]] bool IsValidLabelName(std::string_view name);

}  // namespace gs::alerts
