// The dnsmasq fixture of dnsmasq_peer.h.
#include "tests/support/dnsmasq_peer.h"

#include <unistd.h>

#include <csignal>
#include <utility>
#include <vector>

namespace gs::test {

namespace {

constexpr const char* kDnsmasq = "/usr/sbin/dnsmasq";
constexpr const char* kDig = "/usr/bin/dig";

int CountOccurrences(const std::string& text, const std::string& needle) {
  int count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

}  // namespace

Dnsmasq::Dnsmasq(Options options) : options_(std::move(options)) { port_ = FreePort(); }

Dnsmasq::~Dnsmasq() { Stop(); }

bool Dnsmasq::Available() { return ::access(kDnsmasq, X_OK) == 0 && ::access(kDig, X_OK) == 0; }

std::string Dnsmasq::server() const { return "127.0.0.1:" + std::to_string(port_); }

bool Dnsmasq::Answers() const {
  // Any reply counts, NXDOMAIN included: dig exits 0 once a server answered, 9 when none did.
  const CommandResult r = RunCommand({kDig, "-r", "+time=1", "+tries=1", "@127.0.0.1", "-p",
                                      std::to_string(port_), "ready-probe." + options_.domain},
                                     5s);
  return r.exit_code == 0;
}

// How often dnsmasq logged reading the hosts file ("read PATH - N names"): once at start-up,
// once per SIGHUP.
int Dnsmasq::HostsReads() const { return CountOccurrences(log(), "read " + hosts_file().string()); }

bool Dnsmasq::StartOnce() {
  const std::string d = dir_.path().string();
  const std::vector<std::string> argv = {
      kDnsmasq,
      "--keep-in-foreground",
      "--conf-file=/dev/null",
      "--no-resolv",
      "--no-hosts",
      "--user=root",
      "--addn-hosts=" + hosts_file().string(),
      "--local=/" + options_.domain + "/",
      "--local-ttl=" + std::to_string(options_.ttl),
      "--listen-address=127.0.0.1",
      "--bind-interfaces",
      "--port=" + std::to_string(port_),
      "--pid-file=" + d + "/dnsmasq.pid",
      "--log-facility=" + d + "/dnsmasq.log",
  };
  process_ = std::make_unique<Process>(
      argv, Process::Options{
                .env = {}, .stdout_path = d + "/dnsmasq.out", .stderr_path = d + "/dnsmasq.out"});
  if (!process_->started()) {
    error_ = process_->error();
    return false;
  }
  const bool up = WaitUntil([&] { return !process_->Running() || Answers(); }, 10s);
  if (up && process_->Running()) return true;
  error_ = "dnsmasq did not start: " + ReadFile(dir_ / "dnsmasq.out") + log();
  process_.reset();
  return false;
}

bool Dnsmasq::Start() {
  if (!WriteFile(hosts_file(), options_.hosts)) {
    error_ = "cannot write " + hosts_file().string();
    return false;
  }
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (StartOnce()) return true;
    // Someone took the port between FreePort() and dnsmasq's bind: pick another and retry.
    if (error_.find("in use") == std::string::npos) return false;
    port_ = FreePort();
  }
  return false;
}

bool Dnsmasq::SetHosts(const std::string& text) {
  if (!process_ || !process_->Running()) {
    error_ = "dnsmasq is not running";
    return false;
  }
  const int reads = HostsReads();
  if (!WriteFile(hosts_file(), text)) {
    error_ = "cannot write " + hosts_file().string();
    return false;
  }
  process_->Signal(SIGHUP);
  if (WaitUntil([&] { return HostsReads() > reads; }, 10s)) return true;
  error_ = "dnsmasq did not re-read " + hosts_file().string() + " after SIGHUP: " + log();
  return false;
}

void Dnsmasq::Stop() { process_.reset(); }

}  // namespace gs::test
