#include "tests/support/rrdcached_peer.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <vector>

namespace gs::test {
namespace {

std::string MakeDir(const std::filesystem::path& p) {
  std::filesystem::create_directories(p);
  return p.string();
}

}  // namespace

Rrdcached::Rrdcached(const std::filesystem::path& dir, const std::filesystem::path& base,
                     int write_delay_seconds)
    : socket_(dir / "rrdcached.sock"),
      process_({"/usr/bin/rrdcached", "-g", "-l", "unix:" + socket_.string(), "-b", base.string(),
                "-B", "-j", MakeDir(dir / "journal"), "-w", std::to_string(write_delay_seconds),
                "-f", std::to_string(2 * write_delay_seconds), "-z", "1", "-p",
                (dir / "rrdcached.pid").string(), "-F"}) {}

bool Rrdcached::Available() { return std::filesystem::exists("/usr/bin/rrdcached"); }

bool Rrdcached::Ping() const {
  const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket_.c_str());
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
            write(fd, "PING\n", 5) == 5;
  char buf[16] = {};
  ok =
      ok && read(fd, buf, sizeof buf - 1) > 0 && std::string(buf).find("PONG") != std::string::npos;
  close(fd);
  return ok;
}

bool Rrdcached::WaitReady() const {
  return started() && WaitUntil([&] { return Ping(); }, std::chrono::seconds(30));
}

}  // namespace gs::test
