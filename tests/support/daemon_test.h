// DaemonTest: a gtest fixture around one `groundstation run` whose every alert goes to a
// webhook receiver, with helpers to drive passive checks and read what the daemon knows (the
// inventory and discovery tests share it). Test-thread only.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/collector_api.h"
#include "tests/support/http_receiver.h"
#include "tests/support/peers.h"

namespace gs::test {

class DaemonTest : public ::testing::Test {
 protected:
  // Starts the daemon on `body` (nodes:, checks:, inventory: ...) plus data_dir, http with a
  // token file, a webhook notifier "ops" to the receiver and a route sending it everything.
  // A failure to start is a test failure (with the daemon's stderr).
  void Start(const std::string& body);

  [[nodiscard]] nlohmann::json Inventory() const;                    // GET /api/v1/inventory
  [[nodiscard]] nlohmann::json Node(const std::string& name) const;  // its entry, or null
  // node/check's state in /api/v1/status; "" when it has none (a heartbeat has none until its
  // first result).
  [[nodiscard]] std::string State(const std::string& node, const std::string& check) const;
  [[nodiscard]] bool Listed(const std::string& node, const std::string& check) const {
    return !State(node, check).empty();
  }
  // Whether node/check is scheduled: an OK result for it is accepted (404 when it is not).
  bool Runs(const std::string& node, const std::string& check) const;
  // A passive result; a test failure unless it is accepted.
  void Submit(const std::string& node, const std::string& check, const std::string& state);
  // The webhook bodies so far, and the first one about `node` with `status` (null after 30 s).
  [[nodiscard]] std::vector<nlohmann::json> Hooks() const;
  [[nodiscard]] nlohmann::json WaitForHook(const std::string& node,
                                           const std::string& status) const;

  TempDir dir_;
  HttpReceiver hooks_{dir_};
  CollectorApi api_;
  std::string token_;
  std::unique_ptr<Process> daemon_;
};

}  // namespace gs::test
