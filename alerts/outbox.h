// OutboxStore: the durable store behind notification delivery. The interface belongs to
// alerts/; collector/storage implements it on SQLite (state.db). Implementations must be
// thread-safe and must have made a change durable when a call returns success.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "alerts/notification.h"
#include "probes/result.h"

namespace gs::alerts {

class OutboxStore {
 public:
  virtual ~OutboxStore() = default;
  virtual Result<void> Add(const Notification& n) = 0;
  // Adds every one of `batch`, all or none when the store can (StateDb: one transaction, so
  // one disk sync for a whole batch). The default adds them one by one.
  virtual Result<void> AddAll(const std::vector<Notification>& batch) {
    for (const Notification& n : batch) {
      if (auto r = Add(n); !r) return r;
    }
    return {};
  }
  virtual Result<void> Remove(const std::string& id) = 0;
  virtual Result<void> RecordAttempt(const std::string& id, int attempts,
                                     std::chrono::system_clock::time_point next_attempt,
                                     const std::string& last_error) = 0;
  virtual Result<std::vector<Notification>> LoadAll() = 0;
};

}  // namespace gs::alerts
