// SyslogServer: the network side of syslog ingest. Owns one io_context and its thread
// ("gs-syslog") with the TCP and TLS listeners (RFC 5425/6587 framing via FrameDecoder), and
// a reader thread per UDP listener ("gs-syslog-udp": recvmmsg batches, a large receive
// buffer, kernel drops read from the socket's drop counter). Each read is de-framed and
// parsed on its thread and handed to the archive as one batch. When the archive's queue is
// full, TCP/TLS sessions stop reading until it accepts (the sender waits, nothing is lost);
// UDP drops the batch and counts it.
//
// Kept off the daemon's main io_context so a flood of logs cannot delay checks or the web
// UI. Thread-safety: Start/Stop from the owner; SetNodes and listeners() from any thread.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "collector/config/config.h"
#include "collector/syslog/listen_url.h"
#include "probes/result.h"

namespace gs::collector::syslog {

class LogArchive;

struct ListenerStats {
  std::atomic<std::uint64_t> received{0};          // messages (datagrams / frames)
  std::atomic<std::uint64_t> parsed{0};            // RFC 5424 or RFC 3164
  std::atomic<std::uint64_t> unparsed{0};          // kept whole, flagged
  std::atomic<std::uint64_t> truncated{0};         // cut at max_message_size
  std::atomic<std::uint64_t> dropped_queue{0};     // UDP messages dropped: archive queue full
  std::atomic<std::uint64_t> dropped_kernel{0};    // UDP: socket buffer overflows (sk_drops)
  std::atomic<std::uint64_t> dropped_shutdown{0};  // held by a session when shutdown timed out
  std::atomic<std::uint64_t> bytes{0};
  std::atomic<std::uint64_t> connections{0};  // accepted TCP/TLS connections
  std::atomic<std::int64_t> connections_open{0};
  std::atomic<std::uint64_t> connections_rejected{0};  // over max_connections
  std::atomic<std::uint64_t> framing_errors{0};        // bogus octet counts (connection closed)
  std::atomic<std::uint64_t> tls_failures{0};          // handshakes failed or client not allowed
  std::atomic<std::uint64_t> paused{0};                // times a reader waited for the archive
  std::atomic<std::int64_t> receive_buffer{0};         // UDP: SO_RCVBUF as granted by the kernel
};

struct Listener {
  ListenUrl url;
  std::uint16_t port = 0;  // bound port (the ephemeral one for port 0)
  ListenerStats stats;
};

// Sender address -> inventory node name.
using NodeIndex = std::unordered_map<std::string, std::string>;

class SyslogServer {
 public:
  SyslogServer(const SyslogSection& config, LogArchive& archive);
  ~SyslogServer();  // Stop()
  SyslogServer(const SyslogServer&) = delete;
  SyslogServer& operator=(const SyslogServer&) = delete;

  // Binds every listener (errors name the URL: `tcp://127.0.0.1:514: Permission denied`),
  // loads the TLS certificate and key, then starts the thread.
  [[nodiscard]] Result<void> Start();

  // Closes the listeners and connections; what sessions have read is handed to the archive
  // (waiting at most a few seconds for queue space). Joins the thread. Idempotent.
  void Stop();

  void SetNodes(std::shared_ptr<const NodeIndex> nodes);
  [[nodiscard]] std::shared_ptr<const NodeIndex> nodes() const;

  [[nodiscard]] const std::vector<std::unique_ptr<Listener>>& listeners() const {
    return listeners_;
  }

  struct Impl;  // the sessions' shared state (syslog_server.cc)

 private:
  const SyslogSection config_;
  LogArchive& archive_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::shared_ptr<Impl> impl_;
  std::thread thread_;
  mutable std::mutex nodes_mu_;
  std::shared_ptr<const NodeIndex> nodes_;  // guarded by nodes_mu_
};

}  // namespace gs::collector::syslog
