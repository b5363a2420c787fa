// Peers for the TCP and TLS probe tests: certificates with chosen validity dates and
// intermediates made by `openssl ca`, `openssl s_server` on a free port of 127.0.0.1 (with SNI
// selection, intermediates, client certificates, a line-reversing echo), and a small Python
// TCP server (banner + echo, banner then close, endless flood). Each runs in the foreground,
// writes its port to a file the test waits for (no port race), and is stopped by PID. Each
// object belongs to the test thread that made it; MakeCertificate is safe from any thread.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/peers.h"

namespace gs::test {

// One certificate signed with `openssl ca` by DIR/issuer.crt + DIR/issuer.key (e.g. the "ca"
// of MakeCertificates), written to DIR/name.crt and DIR/name.key (RSA 2048, mode 0644).
struct CertSpec {
  std::string name;
  std::string cn;
  std::string san = "DNS:localhost,IP:127.0.0.1";  // "" for none
  std::string issuer = "ca";
  bool ca = false;  // an intermediate CA (basicConstraints CA:TRUE, keyCertSign)
  std::chrono::system_clock::time_point not_before = std::chrono::system_clock::now();
  std::chrono::system_clock::time_point not_after = not_before + std::chrono::days(365);
};
[[nodiscard]] bool MakeCertificate(const std::filesystem::path& dir, const CertSpec& spec,
                                   std::string* error);

// `openssl s_server -rev` (each line a client sends comes back reversed) on 127.0.0.1, port
// chosen by the kernel. Serves one connection at a time, until stopped.
class OpensslServer {
 public:
  struct Options {
    std::filesystem::path cert;
    std::filesystem::path key;
    std::filesystem::path chain{};  // intermediates sent after the leaf (-cert_chain)
    // Clients sending this SNI name get cert2/key2 instead (-servername, -cert2, -key2).
    std::string sni_name{};
    std::filesystem::path cert2{};
    std::filesystem::path key2{};
    // Not empty: a client certificate chaining to this CA is required (-Verify).
    std::filesystem::path client_ca{};
  };
  explicit OpensslServer(Options options);
  ~OpensslServer();
  OpensslServer(const OpensslServer&) = delete;
  OpensslServer& operator=(const OpensslServer&) = delete;

  // Starts s_server and waits (10 s) for its "ACCEPT 127.0.0.1:PORT" line; false with its
  // output in error() when it does not come.
  [[nodiscard]] bool Start();
  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  Options options_;
  TempDir dir_;
  std::unique_ptr<Process> process_;
  int port_ = 0;
  std::string error_;
};

// A plain TCP server in /usr/bin/python3 on 127.0.0.1 (kernel-chosen port), one thread per
// connection.
class ScriptServer {
 public:
  enum class Mode {
    kBannerEcho,   // sends "220 ready\r\n", then echoes every byte until the client closes
    kBannerClose,  // sends "220 bye\r\n" and closes
    kFlood,        // sends 'x' bytes without end
  };
  explicit ScriptServer(Mode mode);
  ~ScriptServer();
  ScriptServer(const ScriptServer&) = delete;
  ScriptServer& operator=(const ScriptServer&) = delete;

  // True when /usr/bin/python3 exists (else tests GTEST_SKIP with that reason).
  static bool Available();
  // Starts the script and waits (10 s) until it has written its port.
  [[nodiscard]] bool Start();
  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  Mode mode_;
  TempDir dir_;
  std::unique_ptr<Process> process_;
  int port_ = 0;
  std::string error_;
};

}  // namespace gs::test
