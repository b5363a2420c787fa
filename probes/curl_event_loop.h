// CurlEventLoop: one libcurl multi handle driven by epoll through curl_multi_socket_action,
// plus an eventfd so other threads can interrupt a wait.
//
// Why not curl_multi_poll + curl_multi_perform: each of those calls walks every transfer and
// hands every socket to the kernel again, so one wake-up costs O(transfers in flight). Here
// the kernel keeps the interest set, a wake-up reports only the ready sockets, and curl runs
// only the transfers they belong to (and those whose timers expired).
//
// The owner may put sockets of its own into the same epoll set (epoll_fd()), tagged with
// kForeignTag in data.u64: RunOnce() leaves their events in foreign_events() for the owner
// (the minimal HTTP client's connections, http_client.h).
//
// Thread-safety: Wakeup() may be called from any thread. Everything else must be called on
// the one thread that owns the loop (the HttpProbe worker).
#pragma once

#include <curl/curl.h>
#include <sys/epoll.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>

namespace gs::probes {

class CurlEventLoop {
 public:
  // Creates the multi handle, the epoll set and the wake-up eventfd; check ok().
  CurlEventLoop();
  // REQUIRES: every easy handle has been removed.
  ~CurlEventLoop();
  CurlEventLoop(const CurlEventLoop&) = delete;
  CurlEventLoop& operator=(const CurlEventLoop&) = delete;

  // False when a resource could not be created; then Add() always fails.
  [[nodiscard]] bool ok() const { return multi_ != nullptr && epoll_ >= 0 && wake_ >= 0; }

  // Starts driving `easy` (curl_multi_add_handle). The transfer begins on the next RunOnce().
  [[nodiscard]] bool Add(CURL* easy);

  // Stops driving `easy` (finished or abandoned); its sockets leave the epoll set.
  void Remove(CURL* easy);

  // Waits until a socket is ready, curl's timer expires, Wakeup() is called or `max_wait`
  // passes, then lets curl act on every ready socket and on its timer. Finished transfers
  // are then available from NextDone().
  void RunOnce(std::chrono::milliseconds max_wait);

  // A finished transfer: its easy handle (still added; call Remove()) and its result.
  struct Done {
    CURL* easy;
    CURLcode code;
  };
  [[nodiscard]] std::optional<Done> NextDone();

  // Makes the current or next RunOnce() return promptly. Thread-safe; one system call.
  void Wakeup();

  // Set in data.u64 of the owner's own sockets (curl's carry their fd, below 2^31).
  static constexpr std::uint64_t kForeignTag = std::uint64_t{1} << 63;
  [[nodiscard]] int epoll_fd() const { return epoll_; }
  // The events of the owner's sockets from the latest RunOnce().
  [[nodiscard]] std::span<const epoll_event> foreign_events() const {
    return {foreign_.data(), foreign_count_};
  }

 private:
  static int OnSocket(CURL* easy, curl_socket_t s, int what, void* self, void* socketp);
  static int OnTimer(CURLM* multi, long timeout_ms, void* self);
  int WaitMilliseconds(std::chrono::milliseconds max_wait) const;

  using Clock = std::chrono::steady_clock;
  CURLM* multi_ = nullptr;
  int epoll_ = -1;
  int wake_ = -1;                              // eventfd, in the epoll set with data.fd == wake_
  std::optional<Clock::time_point> deadline_;  // curl's timer; nullopt: none
  std::array<epoll_event, 256> events_{};
  std::array<epoll_event, 256> foreign_{};
  std::size_t foreign_count_ = 0;
};

}  // namespace gs::probes
