// WebhookNotifier: delivers a notification as an HTTP POST of the DESIGN.md webhook body.
//
// Thread-safety: not thread-safe. Send() blocks (bounded by Options::timeout) and reuses one
// libcurl easy handle, so it must only be called from one thread at a time (the Dispatcher's
// worker thread).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "alerts/notifier.h"

namespace gs::alerts {

class WebhookNotifier : public Notifier {
 public:
  struct Options {
    std::string url;
    // Whole-request timeout (connect + send + response).
    std::chrono::milliseconds timeout = std::chrono::seconds(10);
    // Extra request headers, e.g. {"X-Team", "ops"}; sent after the built-in ones.
    std::map<std::string, std::string> headers;
    // When set, sent as "Authorization: Bearer <token>".
    std::optional<std::string> bearer_token;
  };

  explicit WebhookNotifier(Options options);
  ~WebhookNotifier() override;
  WebhookNotifier(const WebhookNotifier&) = delete;
  WebhookNotifier& operator=(const WebhookNotifier&) = delete;

  // POSTs ToWebhookJson(n) with "Content-Type: application/json" and "Idempotency-Key: <id>".
  // Success only on a 2xx answer; otherwise the error is "HTTP <code>" or curl's error text.
  Result<void> Send(const Notification& n) override;

 private:
  struct CurlState;
  Options options_;
  std::unique_ptr<CurlState> curl_;
};

}  // namespace gs::alerts
