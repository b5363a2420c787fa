// RestartableCollector (restartable_collector.h).
#include "tests/support/restartable_collector.h"

#include <signal.h>

#include <cstdio>
#include <vector>

namespace gs::test {

RestartableCollector::RestartableCollector(std::filesystem::path config, std::filesystem::path dir,
                                           const CollectorApi& api)
    : config_(std::move(config)), dir_(std::move(dir)), api_(api) {}

RestartableCollector::~RestartableCollector() { Stop(); }

bool RestartableCollector::Start() {
  {
    std::lock_guard lock(mu_);
    if (process_) return false;
  }
  const std::string line = "=== start " + std::to_string(++starts_) + "\n";
  if (std::FILE* err = std::fopen((dir_ / "gs.err").c_str(), "a"); err != nullptr) {
    std::fputs(line.c_str(), err);
    std::fclose(err);
  }
  // exec: the shell only sets up the appending redirections; the pid is groundstation's.
  auto p = std::make_unique<Process>(std::vector<std::string>{
      "/bin/sh", "-c", "exec \"$0\" run -c \"$1\" >>\"$2\" 2>>\"$3\"", GS_BINARY, config_.string(),
      (dir_ / "gs.out").string(), (dir_ / "gs.err").string()});
  const bool up =
      p->started() &&
      WaitUntil([&] { return !p->Running() || HttpGet(api_.Url("/healthz")).status == 200; },
                std::chrono::seconds(30));
  if (!up || !p->Running()) return false;
  std::lock_guard lock(mu_);
  process_ = std::move(p);
  killed_ = false;
  return true;
}

bool RestartableCollector::KillNow() {
  std::lock_guard lock(mu_);
  if (!process_ || killed_) return false;
  ::kill(process_->pid(), SIGKILL);  // not reaped yet (only under mu_): the pid is still ours
  killed_ = true;
  killed_at_ = std::chrono::steady_clock::now();
  return true;
}

bool RestartableCollector::killed() const {
  std::lock_guard lock(mu_);
  return killed_;
}

std::chrono::steady_clock::time_point RestartableCollector::killed_at() const {
  std::lock_guard lock(mu_);
  return killed_at_;
}

void RestartableCollector::Reap() {
  KillNow();
  std::lock_guard lock(mu_);
  if (process_) process_->WaitExit(std::chrono::seconds(30));
  process_.reset();
}

std::optional<int> RestartableCollector::Stop() {
  std::lock_guard lock(mu_);
  if (!process_) return std::nullopt;
  process_->Signal(SIGTERM);
  auto code = process_->WaitExit(std::chrono::seconds(30));
  process_.reset();  // ~Process: SIGKILL if it did not exit
  return code;
}

std::string RestartableCollector::StderrTail(std::size_t max_bytes) const {
  const std::string err = ReadFile(dir_ / "gs.err");
  return err.size() > max_bytes ? err.substr(err.size() - max_bytes) : err;
}

}  // namespace gs::test
