// Notifier: delivers one notification to one endpoint. Owned by alerts/ (the consumer).
// Send() blocks; it is called only from the Dispatcher's worker thread.
#pragma once

#include "alerts/notification.h"
#include "probes/result.h"

namespace gs::alerts {

class Notifier {
 public:
  virtual ~Notifier() = default;
  // Success only when the endpoint accepted the message (e.g. HTTP 2xx). A failure's
  // message says why ("HTTP 500", "Couldn't connect to server").
  virtual Result<void> Send(const Notification& n) = 0;
};

}  // namespace gs::alerts
