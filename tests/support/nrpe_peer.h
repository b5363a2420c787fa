// The real NRPE daemon (Debian's nagios-nrpe-server 4.1, /usr/sbin/nrpe) as a peer for the
// integration tests: in the foreground (-f) on a free port of 127.0.0.1, with its config, log
// and certificates in its own TempDir, stopped by PID. Each object belongs to the test thread
// that made it.
//
// nrpe refuses to run as root ("NRPE daemon cannot be run as user/group root!"), so it drops
// to nagios:nagios after reading its config; the TempDir is made 0755 so that the commands,
// run as nagios, can use files in it. Debian's nrpe is built without command arguments: a
// query with "!" arguments is dropped unanswered, so each case needs its own command.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "tests/support/peers.h"

namespace gs::test {

class NrpeServer {
 public:
  enum class Tls {
    kNone,          // nrpe -n: plain TCP
    kAnonymousDh,   // nrpe's default: TLS with anonymous Diffie-Hellman, no certificates
    kCertificates,  // ssl_use_adh=0 with MakeCertificates' server.crt/key and ca.crt
  };
  struct Options {
    // command[NAME]=LINE entries of nrpe.cfg; the command table is the test's to choose.
    std::map<std::string, std::string> commands = StandardCommands();
    Tls tls = Tls::kAnonymousDh;
    // kCertificates: nrpe's ssl_client_certs (0 none, 1 ask, 2 require a client certificate
    // signed by ca.crt).
    int client_certs = 2;
    // kCertificates: a directory holding MakeCertificates' files, shared by several servers
    // (making them takes a second or two). Empty: Start() makes them in dir().
    std::filesystem::path cert_dir{};
    int command_timeout = 10;  // seconds; nrpe kills a command that runs longer
  };

  // ok, warn, crit, unknown: check_dummy 0..3 with a text; load: check_load (perfdata);
  // multiline: three lines of output with perfdata on the first and last; silent: no output;
  // hang: sleeps 30 s (longer than any test's timeout).
  static std::map<std::string, std::string> StandardCommands();

  explicit NrpeServer(Options options);
  NrpeServer() : NrpeServer(Options{}) {}
  ~NrpeServer();
  NrpeServer(const NrpeServer&) = delete;
  NrpeServer& operator=(const NrpeServer&) = delete;

  // True when /usr/sbin/nrpe, check_dummy and the nagios user exist (else tests GTEST_SKIP).
  static bool Available();

  // Writes nrpe.cfg (and with kCertificates the test PKI), starts `nrpe -c CFG -f [-n]` and
  // waits (10 s) until it listens; retries on a new port when the one picked was taken.
  // False with the reason and nrpe's log in error().
  [[nodiscard]] bool Start();
  // SIGTERM by PID and wait; then SIGKILL the connection children nrpe leaves behind (found
  // by their command line naming this server's config, each with its process group, which
  // holds the command it runs). Idempotent; Start() may follow.
  void Stop();

  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] pid_t pid() const { return process_ ? process_->pid() : -1; }
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_.path(); }
  // With kCertificates: where ca.crt, client.crt/.key, rogue.crt/.key (another CA) ... are.
  [[nodiscard]] std::filesystem::path cert_dir() const {
    return options_.cert_dir.empty() ? dir_.path() : options_.cert_dir;
  }
  [[nodiscard]] std::filesystem::path config_file() const { return dir_ / "nrpe.cfg"; }
  [[nodiscard]] std::string log() const { return ReadFile(dir_ / "nrpe.log"); }

 private:
  [[nodiscard]] std::string Config() const;
  bool StartOnce();
  void KillChildren() const;
  Options options_;
  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<Process> process_;
  std::string error_;
};

}  // namespace gs::test
