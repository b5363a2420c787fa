// Alertmanager: a real prometheus-alertmanager (Debian package prometheus-alertmanager) on
// 127.0.0.1 for the notifier tests, as /work/shared/PEERS.md section 8 verified: its own
// subdirectory of a TempDir holds the config (one route to a receiver that sends nothing),
// the storage directory and its log; no cluster port (--cluster.listen-address=). The
// constructor waits for /-/ready; the destructor stops it with SIGTERM, by PID.
//
// Thread-safety: each object belongs to the test thread that made it; Available() is safe
// from any thread.
#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/peers.h"

namespace gs::test {

class Alertmanager {
 public:
  // Starts it (retrying on another port when the free port was taken meanwhile). Throws
  // std::runtime_error with its log when it does not become ready. `dir` must outlive it.
  explicit Alertmanager(const TempDir& dir);
  ~Alertmanager();
  Alertmanager(const Alertmanager&) = delete;
  Alertmanager& operator=(const Alertmanager&) = delete;

  // True when the binary is installed (else tests GTEST_SKIP, naming the package).
  static bool Available();

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string url() const;  // "http://127.0.0.1:PORT"
  // GET /api/v2/alerts?active=true, parsed (an array of alerts); null when the request fails.
  // Alertmanager leaves resolved alerts out of this list.
  [[nodiscard]] nlohmann::json ActiveAlerts() const;

 private:
  bool StartOnce();

  std::filesystem::path dir_;
  int port_ = 0;
  std::unique_ptr<Process> process_;
};

}  // namespace gs::test
