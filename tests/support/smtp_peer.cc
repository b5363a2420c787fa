// SmtpServer of smtp_peer.h: tests/support/smtp_rx.py (aiosmtpd) in the foreground.
#include "tests/support/smtp_peer.h"

#include <unistd.h>

#include <cstdlib>
#include <system_error>

namespace gs::test {

namespace fs = std::filesystem;

namespace {

constexpr const char* kPython = "/usr/bin/python3";

// Runs `openssl args...`; false with its output in *error when it fails.
bool Openssl(std::vector<std::string> args, std::string* error) {
  args.insert(args.begin(), "openssl");
  const CommandResult r = RunCommand(args, 60s);
  if (r.exit_code == 0) return true;
  *error = "openssl " + args[1] + " failed (" + std::to_string(r.exit_code) + "): " + r.err;
  return false;
}

}  // namespace

SmtpServer::SmtpServer(Options options) : options_(std::move(options)) {}

SmtpServer::~SmtpServer() { process_.reset(); }

bool SmtpServer::Available() {
  if (::access(kPython, X_OK) != 0) return false;
  return RunCommand({kPython, "-c", "import aiosmtpd.smtp"}, 30s).exit_code == 0;
}

std::string SmtpServer::url() const {
  return (options_.implicit_tls ? "smtps://127.0.0.1:" : "smtp://127.0.0.1:") +
         std::to_string(port_);
}

// A test CA and a server certificate for 127.0.0.1 and localhost signed by it (RSA 2048).
bool SmtpServer::MakeCertificates() {
  const std::string d = dir_.path().string() + "/";
  if (!WriteFile(dir_ / "server.ext",
                 "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")) {
    error_ = "cannot write " + d + "server.ext";
    return false;
  }
  return Openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "ca.key", "-out",
                  d + "ca.crt", "-days", "30", "-subj", "/CN=Groundstation Test CA", "-addext",
                  "basicConstraints=critical,CA:TRUE", "-addext",
                  "keyUsage=critical,keyCertSign,cRLSign"},
                 &error_) &&
         Openssl({"req", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "server.key", "-out",
                  d + "server.csr", "-subj", "/CN=localhost"},
                 &error_) &&
         Openssl({"x509", "-req", "-in", d + "server.csr", "-CA", d + "ca.crt", "-CAkey",
                  d + "ca.key", "-CAcreateserial", "-days", "30", "-sha256", "-extfile",
                  d + "server.ext", "-out", d + "server.crt"},
                 &error_);
}

bool SmtpServer::Start() {
  const bool tls = options_.tls || options_.implicit_tls;
  if (tls && !MakeCertificates()) return false;
  const fs::path port_file = dir_ / "port";
  const fs::path log = dir_ / "smtp_rx.log";
  std::vector<std::string> argv{
      kPython,       std::string(GS_SOURCE_DIR) + "/tests/support/smtp_rx.py",
      "--port-file", port_file.string(),
      "--maildir",   maildir().string(),
      "--auth-log",  (dir_ / "auth.log").string()};
  if (options_.implicit_tls) argv.push_back("--implicit-tls");
  if (tls) {
    argv.insert(argv.end(), {"--cert", (dir_ / "server.crt").string(), "--key",
                             (dir_ / "server.key").string()});
  }
  if (options_.require_auth) {
    argv.insert(argv.end(), {"--user", options_.user, "--password", options_.password});
    if (!options_.mechanisms.empty())
      argv.insert(argv.end(), {"--mechanisms", options_.mechanisms});
  }
  process_ = std::make_unique<Process>(
      argv, Process::Options{.env = {}, .stdout_path = log.string(), .stderr_path = log.string()});
  if (!process_->started()) {
    error_ = process_->error();
    return false;
  }
  const bool up = WaitUntil(
      [&] { return !process_->Running() || (port_ = std::atoi(ReadFile(port_file).c_str())) > 0; },
      15s);
  if (up && port_ > 0 && process_->Running()) return true;
  error_ = "smtp_rx.py did not start: " + ReadFile(log);
  process_.reset();
  return false;
}

std::vector<std::string> SmtpServer::Messages() const {
  std::vector<std::string> out;
  std::error_code ec;
  // Maildir delivery writes into tmp/ and renames into new/: a file in new/ is complete.
  for (const auto& entry : fs::directory_iterator(maildir() / "new", ec)) {
    out.push_back(ReadFile(entry.path()));
  }
  return out;
}

std::vector<std::string> SmtpServer::WaitForMessages(std::size_t n,
                                                     std::chrono::milliseconds timeout) const {
  std::vector<std::string> messages;
  WaitUntil([&] { return (messages = Messages()).size() >= n; }, timeout);
  return messages;
}

std::string SmtpServer::AuthLog() const { return ReadFile(dir_ / "auth.log"); }

}  // namespace gs::test
