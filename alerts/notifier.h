// Notifier: delivers one notification to one endpoint. Owned by alerts/ (the consumer).
// Send() blocks (each notifier bounds it with its own timeout); the Dispatcher calls it from
// the notifier's own delivery thread, never concurrently for one notifier.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <tl/expected.hpp>

#include "alerts/notification.h"

namespace gs::alerts {

struct SendError {
  std::string message;  // why, e.g. "HTTP 500" or "Couldn't connect to server"
  // The endpoint asked to be left alone this long (HTTP 429/503 with Retry-After): the next
  // attempt waits at least this much.
  std::optional<std::chrono::seconds> retry_after;
};

using SendResult = tl::expected<void, SendError>;

inline tl::unexpected<SendError> SendFailed(
    std::string message, std::optional<std::chrono::seconds> retry_after = std::nullopt) {
  return tl::unexpected<SendError>(SendError{std::move(message), retry_after});
}

class Notifier {
 public:
  virtual ~Notifier() = default;
  // Success only when the endpoint accepted the message (e.g. HTTP 2xx, SMTP 250).
  virtual SendResult Send(const Notification& n) = 0;
};

}  // namespace gs::alerts
