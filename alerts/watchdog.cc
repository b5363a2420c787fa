#include "alerts/watchdog.h"

#include <cstdio>

#include "alerts/http_post.h"

namespace gs::alerts {

void Watchdog::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Run(); });
}

void Watchdog::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string Watchdog::last_error() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

void Watchdog::Run() {
  HttpPost http;
  HttpPost::Request request;
  request.url = options_.url;
  request.method = options_.method;
  request.headers = options_.headers;
  request.timeout = options_.timeout;
  request.content_type = "text/plain";
  auto next = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    const std::string sick = options_.health ? options_.health() : std::string();
    const SendResult sent = sick.empty() ? http.Send(request) : SendFailed("withheld: " + sick);
    lock.lock();
    if (!sick.empty()) stats_.withheld++;
    if (sent) {
      stats_.sent++;
      stats_.last_success_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
      if (!last_error_.empty()) {
        std::fprintf(stderr, "groundstation: watchdog: %s answers again\n", options_.url.c_str());
      }
      last_error_.clear();
    } else {
      if (sick.empty()) stats_.failed++;
      if (last_error_.empty()) {  // say it once per run of failures, not every interval
        std::fprintf(stderr, "groundstation: watchdog: ping to %s failed: %s\n",
                     options_.url.c_str(), sent.error().message.c_str());
      }
      last_error_ = sent.error().message;
    }
    // Fixed rate: a slow ping does not push the next one back.
    next += options_.interval;
    const auto now = std::chrono::steady_clock::now();
    if (next < now) next = now;
    cv_.wait_until(lock, next, [this] { return stopping_; });
  }
}

}  // namespace gs::alerts
