// SmtpServer: a real aiosmtpd SMTP server (tests/support/smtp_rx.py, Debian python3-aiosmtpd)
// on 127.0.0.1 for the email notifier tests, delivering into a Maildir in its own TempDir.
// The script binds a kernel-chosen port and writes it to a file (no port race); the process
// is stopped by PID when the object goes away. With TLS, a test CA and a server certificate
// for 127.0.0.1/localhost are made with the openssl CLI first (ca_file() verifies it).
// Each object belongs to the test thread that made it.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/peers.h"

namespace gs::test {

class SmtpServer {
 public:
  struct Options {
    bool tls = false;           // STARTTLS offered and required before MAIL
    bool implicit_tls = false;  // instead: TLS from the first byte (SMTPS; url() is smtps://)
    bool require_auth = false;  // AUTH required (PLAIN/LOGIN; over TLS when tls is set)
    std::string user = "alice";
    std::string password = "secret";
    // The only AUTH mechanisms offered, comma-separated ("LOGIN"); empty: PLAIN and LOGIN.
    std::string mechanisms{};
  };

  explicit SmtpServer(Options options);
  SmtpServer() : SmtpServer(Options{}) {}
  ~SmtpServer();
  SmtpServer(const SmtpServer&) = delete;
  SmtpServer& operator=(const SmtpServer&) = delete;

  // True when /usr/bin/python3 can import aiosmtpd (else tests GTEST_SKIP with that reason).
  static bool Available();

  // Makes the certificates (tls), starts the server and waits (15 s) for its port; false
  // with the reason in error() when it does not come up.
  [[nodiscard]] bool Start();
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string url() const;  // "smtp://127.0.0.1:PORT" (smtps:// implicit_tls)
  [[nodiscard]] std::filesystem::path maildir() const { return dir_ / "maildir"; }
  [[nodiscard]] std::filesystem::path ca_file() const { return dir_ / "ca.crt"; }

  // Each stored message as received (CRLF, dot-unstuffed), preceded by "X-MailFrom: <from>"
  // and "X-RcptTo: a@x, b@y" lines. In no particular order.
  [[nodiscard]] std::vector<std::string> Messages() const;
  // Messages() once it holds at least `n` (or whatever it holds after `timeout`).
  [[nodiscard]] std::vector<std::string> WaitForMessages(
      std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;
  // One line per AUTH attempt: "MECHANISM LOGIN ok|fail".
  [[nodiscard]] std::string AuthLog() const;

 private:
  bool MakeCertificates();
  Options options_;
  TempDir dir_;
  std::unique_ptr<Process> process_;
  int port_ = 0;
  std::string error_;
};

}  // namespace gs::test
