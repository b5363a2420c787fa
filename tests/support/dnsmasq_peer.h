// dnsmasq (Debian package dnsmasq) as a loopback DNS server for the DNS pool tests, as
// /work/shared/PEERS.md section 10 verified: in the foreground on 127.0.0.1:port() (UDP and
// TCP), authoritative for one domain, answering from an addn-hosts file in its own TempDir
// ("ADDRESS NAME..." lines, IPv4 and IPv6), stopped by PID.
//
// Names of the domain that the hosts file does not list get NXDOMAIN (--local=/DOMAIN/);
// names outside it get REFUSED (no upstream servers). Records have TTL Options::ttl. dnsmasq runs
// as root (--user=root): as nobody it could not read the hosts file in the 0700 TempDir.
//
// Thread-safety: each object belongs to the test thread that made it; Available() is safe
// from any thread.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "tests/support/peers.h"

namespace gs::test {

class Dnsmasq {
 public:
  struct Options {
    std::string domain = "cloud.test";  // the local domain: unknown names under it -> NXDOMAIN
    std::string hosts;                  // the initial hosts file
    int ttl = 0;                        // --local-ttl: the TTL of every record, in seconds
  };

  explicit Dnsmasq(Options options);
  Dnsmasq() : Dnsmasq(Options{}) {}
  ~Dnsmasq();
  Dnsmasq(const Dnsmasq&) = delete;
  Dnsmasq& operator=(const Dnsmasq&) = delete;

  // True when /usr/sbin/dnsmasq and dig (package dnsutils) exist (else tests GTEST_SKIP).
  static bool Available();

  // Writes the hosts file, starts dnsmasq and waits (10 s) until it answers a query (by then
  // it has read the hosts file); retries on a new port when the one picked was taken. False
  // with the reason and dnsmasq's log in error().
  [[nodiscard]] bool Start();
  // Replaces the hosts file with `text`, sends SIGHUP and waits (10 s) until dnsmasq has logged
  // re-reading it: every query after that sees the new records. False (see error()) when it
  // does not.
  [[nodiscard]] bool SetHosts(const std::string& text);
  // SIGTERM by PID and wait. Idempotent; Start() may follow (on the same port).
  void Stop();

  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string server() const;  // "127.0.0.1:PORT"
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_.path(); }
  [[nodiscard]] std::filesystem::path hosts_file() const { return dir_ / "hosts"; }
  [[nodiscard]] std::string log() const { return ReadFile(dir_ / "dnsmasq.log"); }

 private:
  bool StartOnce();
  [[nodiscard]] bool Answers() const;
  [[nodiscard]] int HostsReads() const;
  Options options_;
  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<Process> process_;
  std::string error_;
};

}  // namespace gs::test
