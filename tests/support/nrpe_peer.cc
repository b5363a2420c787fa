// The NRPE daemon fixture of nrpe_peer.h.
#include "tests/support/nrpe_peer.h"

#include <pwd.h>
#include <unistd.h>

#include <csignal>
#include <sstream>
#include <vector>

#include "tests/support/syslog_peers.h"

namespace gs::test {

namespace fs = std::filesystem;

namespace {

constexpr const char* kNrpe = "/usr/sbin/nrpe";
constexpr const char* kPlugins = "/usr/lib/nagios/plugins";

// The PIDs of processes whose command line contains `needle`.
std::vector<pid_t> ProcessesMentioning(const std::string& needle) {
  std::vector<pid_t> pids;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = ReadFile(entry.path() / "cmdline");
    for (char& c : cmdline) {
      if (c == '\0') c = ' ';
    }
    if (cmdline.find(needle) != std::string::npos) pids.push_back(std::stoi(name));
  }
  return pids;
}

}  // namespace

std::map<std::string, std::string> NrpeServer::StandardCommands() {
  const std::string p = kPlugins;
  return {
      {"ok", p + "/check_dummy 0 \"all good\""},
      {"warn", p + "/check_dummy 1 \"disk 85%\""},
      {"crit", p + "/check_dummy 2 \"disk 99%\""},
      {"unknown", p + "/check_dummy 3 \"cannot tell\""},
      {"load", p + "/check_load -w 50,50,50 -c 90,90,90"},
      {"multiline",
       "/usr/bin/printf 'DISK OK - all fine|free=80%%;20;10\\nvolume a\\nvolume "
       "b|used=12B\\n'"},
      {"silent", "/bin/true"},
      {"hang", "/bin/sleep 30"},
  };
}

NrpeServer::NrpeServer(Options options) : options_(std::move(options)) {
  port_ = FreePort();
  std::error_code ec;
  fs::permissions(dir_.path(), fs::perms(0755), ec);  // commands run as nagios
  if (ec) error_ = "chmod " + dir_.path().string() + ": " + ec.message();
}

NrpeServer::~NrpeServer() { Stop(); }

bool NrpeServer::Available() {
  return ::access(kNrpe, X_OK) == 0 &&
         ::access((std::string(kPlugins) + "/check_dummy").c_str(), X_OK) == 0 &&
         ::getpwnam("nagios") != nullptr;
}

std::string NrpeServer::Config() const {
  const std::string d = dir_.path().string();
  std::ostringstream c;
  c << "server_address=127.0.0.1\nserver_port=" << port_ << "\nlog_file=" << d << "/nrpe.log\n"
    << "disable_syslog=1\ndebug=1\nnrpe_user=nagios\nnrpe_group=nagios\n"
    << "allowed_hosts=127.0.0.1\ncommand_timeout=" << options_.command_timeout << "\n"
    << "connection_timeout=30\n";
  if (options_.tls == Tls::kCertificates) {
    // nrpe reads these as root, before it drops to nagios.
    const std::string certs = cert_dir().string();
    c << "ssl_use_adh=0\nssl_cert_file=" << certs << "/server.crt\nssl_privatekey_file=" << certs
      << "/server.key\nssl_cacert_file=" << certs
      << "/ca.crt\nssl_client_certs=" << options_.client_certs << "\nssl_logging=0x2f\n";
  }
  for (const auto& [name, line] : options_.commands) {
    c << "command[" << name << "]=" << line << "\n";
  }
  return c.str();
}

bool NrpeServer::StartOnce() {
  if (!WriteFile(config_file(), Config())) {
    error_ = "cannot write " + config_file().string();
    return false;
  }
  std::vector<std::string> argv = {kNrpe, "-c", config_file().string(), "-f"};
  if (options_.tls == Tls::kNone) argv.emplace_back("-n");
  process_ = std::make_unique<Process>(
      argv, Process::Options{.env = {},
                             .stdout_path = (dir_ / "nrpe.out").string(),
                             .stderr_path = (dir_ / "nrpe.out").string()});
  if (!process_->started()) {
    error_ = process_->error();
    return false;
  }
  const bool up = WaitUntil(
      [&] { return !process_->Running() || HasSocket(process_->pid(), "tcp", port_); }, 10s);
  if (up && process_->Running()) return true;
  error_ = "nrpe did not start: " + log() + ReadFile(dir_ / "nrpe.out");
  process_.reset();
  return false;
}

bool NrpeServer::Start() {
  if (!error_.empty()) return false;
  if (options_.tls == Tls::kCertificates && !fs::exists(cert_dir() / "server.crt") &&
      !MakeCertificates(cert_dir(), &error_)) {
    return false;
  }
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (StartOnce()) return true;
    // Someone took the port between FreePort() and nrpe's bind: pick another and retry.
    if (error_.find("in use") == std::string::npos) return false;
    port_ = FreePort();
  }
  return false;
}

void NrpeServer::KillChildren() const {
  for (const pid_t child : ProcessesMentioning(config_file().string())) {
    // A connection child that runs a command leads its own process group (nrpe calls
    // setsid), which holds the command: kill the group, else just the child.
    if (::getpgid(child) == child) ::kill(-child, SIGKILL);
    ::kill(child, SIGKILL);
  }
}

void NrpeServer::Stop() {
  process_.reset();
  KillChildren();
}

}  // namespace gs::test
