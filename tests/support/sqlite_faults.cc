// WaitForWalWrites and DbLockHolder (sqlite_faults.h).
#include "tests/support/sqlite_faults.h"

#include <poll.h>
#include <sqlite3.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <string>

namespace gs::test {

bool WaitForWalWrites(const std::filesystem::path& wal, int n, std::chrono::milliseconds timeout) {
  using Steady = std::chrono::steady_clock;
  const std::string name = wal.filename().string();
  const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0 || ::inotify_add_watch(fd, wal.parent_path().c_str(), IN_MODIFY) < 0) {
    if (fd >= 0) ::close(fd);
    return false;
  }
  const auto deadline = Steady::now() + timeout;
  int seen = 0;
  alignas(inotify_event) char buffer[4096];
  while (seen < n && Steady::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    const ssize_t len = ::read(fd, buffer, sizeof buffer);
    for (char* at = buffer; len > 0 && at < buffer + len;) {
      const auto* e = reinterpret_cast<const inotify_event*>(at);
      if (e->len > 0 && name == e->name) ++seen;
      at += sizeof(inotify_event) + e->len;
    }
  }
  ::close(fd);
  return seen >= n;
}

DbLockHolder::DbLockHolder(const std::filesystem::path& path, std::chrono::milliseconds hold,
                           std::chrono::milliseconds period)
    : hold_(hold), period_(period) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(db_);
    db_ = nullptr;
    return;
  }
  sqlite3_busy_timeout(db_, 5000);
  thread_ = std::thread([this] { Run(); });
}

DbLockHolder::~DbLockHolder() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  sqlite3_close(db_);
}

void DbLockHolder::Run() {
  while (!stop_) {
    if (enabled_ && sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK) {
      ++holds_;
      std::this_thread::sleep_for(hold_);  // holding the lock is the point
      sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
    }
    std::this_thread::sleep_for(period_ - hold_);
  }
}

}  // namespace gs::test
