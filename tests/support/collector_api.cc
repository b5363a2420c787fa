#include "tests/support/collector_api.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>

namespace gs::test {

std::string CollectorApi::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

nlohmann::json CollectorApi::Logs(const std::string& query) const {
  const HttpResponse r = HttpGet(Url("/api/v1/logs?" + query));
  return r.status == 200 ? nlohmann::json::parse(r.body, nullptr, false) : nlohmann::json();
}

nlohmann::json CollectorApi::FindLog(const std::string& pattern,
                                     std::chrono::milliseconds timeout) const {
  nlohmann::json found;
  WaitUntil(
      [&] {
        const nlohmann::json r = Logs("q=" + pattern);
        if (!r.is_object() || r["records"].empty()) return false;
        found = r["records"].back();
        return true;
      },
      timeout);
  return found;
}

double CollectorApi::Metric(const std::string& name_and_labels) const {
  const std::string body = HttpGet(Url("/metrics")).body;
  const auto at = body.find("\n" + name_and_labels + " ");
  if (at == std::string::npos) return -1;
  return std::stod(body.substr(at + name_and_labels.size() + 2));
}

std::unique_ptr<Process> StartCollector(const TempDir& dir, const std::string& config,
                                        const CollectorApi& api) {
  if (!WriteFile(dir / "gs.yaml", config)) return nullptr;
  auto process = std::make_unique<Process>(
      std::vector<std::string>{GS_BINARY, "run", "-c", (dir / "gs.yaml").string()},
      Process::Options{{}, (dir / "gs.out").string(), (dir / "gs.err").string()});
  if (!process->started()) return nullptr;
  const bool up =
      WaitUntil([&] { return HttpGet(api.Url("/healthz")).status == 200 || !process->Running(); },
                std::chrono::seconds(30));
  if (!up || !process->Running()) return nullptr;
  return process;
}

std::size_t CountLines(const std::filesystem::path& root) {
  std::size_t n = 0;
  std::error_code ec;
  for (const auto& f : std::filesystem::recursive_directory_iterator(root, ec)) {
    if (!f.is_regular_file()) continue;
    std::ifstream in(f.path());
    for (std::string line; std::getline(in, line);) ++n;
  }
  return n;
}

int ConnectLoopback(int port, int type) {
  const int fd = ::socket(AF_INET, type, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool SendTcp(int port, const std::string& bytes, std::chrono::milliseconds wait_close) {
  const int fd = ConnectLoopback(port, SOCK_STREAM);
  if (fd < 0) return false;
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  bool closed = false;
  if (wait_close.count() > 0) {
    timeval tv{static_cast<time_t>(wait_close.count() / 1000),
               static_cast<suseconds_t>((wait_close.count() % 1000) * 1000)};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    char c = 0;
    closed = ::recv(fd, &c, 1, 0) == 0;
  }
  ::close(fd);
  return closed;
}

}  // namespace gs::test
