// Test helpers for a running `groundstation run`: its HTTP API (log search, /metrics) and raw
// loopback sockets to its listeners. Safe from any thread.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/peers.h"

namespace gs::test {

class CollectorApi {
 public:
  explicit CollectorApi(int port = 0) : port_(port) {}

  // http://127.0.0.1:PORT/path
  [[nodiscard]] std::string Url(const std::string& path) const;
  // GET /api/v1/logs?QUERY, parsed; null unless the answer is a 200.
  [[nodiscard]] nlohmann::json Logs(const std::string& query) const;
  // The newest record whose msg matches `pattern`, once it is searchable; null after `timeout`.
  [[nodiscard]] nlohmann::json FindLog(const std::string& pattern,
                                       std::chrono::milliseconds timeout) const;
  // The value of one sample of /metrics, e.g. `name{label="v"}`; -1 when absent.
  [[nodiscard]] double Metric(const std::string& name_and_labels) const;

 private:
  int port_;
};

// Writes `config` to DIR/gs.yaml and starts `groundstation run -c DIR/gs.yaml` (output in
// DIR/gs.out and DIR/gs.err); returns once GET /healthz on `api` answers, or null (the reason
// is in DIR/gs.err) when it does not within 30 s.
std::unique_ptr<Process> StartCollector(const TempDir& dir, const std::string& config,
                                        const CollectorApi& api);

// Lines in every regular file below `root` (e.g. a log archive).
std::size_t CountLines(const std::filesystem::path& root);

// A socket of `type` (SOCK_STREAM, SOCK_DGRAM) connected to 127.0.0.1:`port`; -1 on failure.
int ConnectLoopback(int port, int type);

// Sends `bytes` on a fresh TCP connection to 127.0.0.1:`port`, then waits up to `wait_close`
// for the server to close it; true when it did.
bool SendTcp(int port, const std::string& bytes,
             std::chrono::milliseconds wait_close = std::chrono::milliseconds(0));

}  // namespace gs::test
