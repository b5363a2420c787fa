// Alertmanager (alertmanager_peer.h): starts prometheus-alertmanager and waits for /-/ready.
#include "tests/support/alertmanager_peer.h"

#include <stdlib.h>
#include <unistd.h>

#include <stdexcept>

namespace gs::test {
namespace {

constexpr const char* kBinary = "/usr/bin/prometheus-alertmanager";
// Start-up takes ~0.3 s; generous for a loaded machine.
constexpr auto kReadyTimeout = 60s;
constexpr int kAttempts = 5;

// Every alert goes to a receiver without integrations: Alertmanager accepts and lists alerts,
// and sends nothing anywhere.
constexpr const char* kConfig =
    "route:\n"
    "  receiver: blackhole\n"
    "  group_by: ['alertname']\n"
    "  group_wait: 1s\n"
    "  group_interval: 2s\n"
    "  repeat_interval: 1h\n"
    "receivers:\n"
    "  - name: blackhole\n";

std::filesystem::path MakeOwnDirectory(const std::filesystem::path& parent) {
  std::string name = (parent / "alertmanager.XXXXXX").string();
  if (::mkdtemp(name.data()) == nullptr) {
    throw std::runtime_error("Alertmanager: cannot create a directory in " + parent.string());
  }
  return name;
}

}  // namespace

Alertmanager::Alertmanager(const TempDir& dir) : dir_(MakeOwnDirectory(dir.path())) {
  if (!WriteFile(dir_ / "alertmanager.yml", kConfig)) {
    throw std::runtime_error("Alertmanager: cannot write its config in " + dir_.string());
  }
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    if (StartOnce()) return;
    // Only a port taken between FreePort() and the bind is worth another try.
    if (ReadFile(dir_ / "alertmanager.log").find("address already in use") == std::string::npos) {
      break;
    }
  }
  const std::string log = ReadFile(dir_ / "alertmanager.log");
  process_.reset();
  throw std::runtime_error("Alertmanager did not become ready: " + log);
}

Alertmanager::~Alertmanager() = default;  // ~Process: SIGTERM, wait by PID

bool Alertmanager::Available() { return ::access(kBinary, X_OK) == 0; }

bool Alertmanager::StartOnce() {
  process_.reset();
  port_ = FreePort();
  const std::string log = (dir_ / "alertmanager.log").string();  // it logs to stderr only
  process_ = std::make_unique<Process>(
      std::vector<std::string>{kBinary, "--config.file=" + (dir_ / "alertmanager.yml").string(),
                               "--storage.path=" + (dir_ / "data").string(),
                               "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                               "--cluster.listen-address=", "--log.level=warn"},
      Process::Options{
          .env = {}, .stdout_path = (dir_ / "stdout.log").string(), .stderr_path = log});
  if (!process_->started()) return false;
  return WaitUntil(
             [&] { return !process_->Running() || HttpGet(url() + "/-/ready").status == 200; },
             kReadyTimeout) &&
         process_->Running();
}

std::string Alertmanager::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

nlohmann::json Alertmanager::ActiveAlerts() const {
  const HttpResponse r = HttpGet(url() + "/api/v2/alerts?active=true");
  if (r.status != 200) return nullptr;
  return nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
}

}  // namespace gs::test
