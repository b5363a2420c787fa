// WebhookNotifier: delivers a notification as an HTTP POST, either the DESIGN.md webhook
// body (format json) or a Slack-compatible {"text": ...} message (format slack; Mattermost and
// Rocket.Chat accept it too).
//
// Thread-safety: not thread-safe. Send() blocks (bounded by Options::timeout) and reuses one
// libcurl easy handle, so it must only be called from one thread at a time.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "alerts/http_post.h"
#include "alerts/notifier.h"

namespace gs::alerts {

class WebhookNotifier : public Notifier {
 public:
  enum class Format { kJson, kSlack };

  struct Options {
    std::string url;
    Format format = Format::kJson;
    // Whole-request timeout (connect + send + response).
    std::chrono::milliseconds timeout = std::chrono::seconds(10);
    // Extra request headers, e.g. {"X-Team", "ops"}; sent after the built-in ones.
    std::map<std::string, std::string> headers;
    // When set, sent as "Authorization: Bearer <token>".
    std::optional<std::string> bearer_token;
    // When set, every request carries "X-Groundstation-Signature: sha256=<hex>", the
    // HMAC-SHA256 of the exact body under this key (GitHub's X-Hub-Signature-256 scheme).
    std::optional<std::string> hmac_secret;
    // The Slack text; empty: Headline() in bold, then one line per alert. See
    // message_template.h for the placeholders.
    std::string text_template;
  };

  explicit WebhookNotifier(Options options);

  // POSTs the body with "Idempotency-Key: <id>". Success only on a 2xx answer.
  SendResult Send(const Notification& n) override;

  // The body Send() posts for `n`.
  [[nodiscard]] std::string Body(const Notification& n) const;

 private:
  Options options_;
  HttpPost post_;
};

// "sha256=" + lowercase hex HMAC-SHA256 of `body` keyed with `secret`.
std::string WebhookSignature(const std::string& secret, const std::string& body);

}  // namespace gs::alerts
