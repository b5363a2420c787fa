// WebhookSink: an in-process HTTP/1.1 endpoint on 127.0.0.1 for tests that must change how the
// endpoint behaves while a sender is running, and act at the exact moment a request is in flight.
// It answers 200 (accept), or for a window of time 500 (fail) or nothing at all (hang: the request
// is read and never answered; the connection is closed when the window ends or the client gives
// up). A hook runs when a request has been read and before it is answered, and again after a 200
// went out: a crash test uses it to SIGKILL the sender in the middle of a delivery. Only requests
// answered with 200 are recorded as deliveries, so a request that failed, hung or was dropped never
// counts as arrived.
//
// HTTP subset: requests with Content-Length (no chunked bodies; libcurl's POSTs), keep-alive.
// Thread-safety: every method may be called from any thread. One thread per connection, at most
// kMaxConnections at once (more are closed at once); the hook runs on a connection thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace gs::test {

class WebhookSink {
 public:
  enum class Mode { kAccept, kFail, kHang };
  // Where a request is when the hook runs.
  enum class Stage {
    kRead,      // completely read, not answered yet
    kAnswered,  // answered 200 (and recorded as a delivery)
  };
  struct Delivery {
    std::string path;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
    std::chrono::steady_clock::time_point received;  // when the request was completely read
  };

  // Runs at each stage of every request (without the sink's lock held: it may read Deliveries()
  // and counts(), but must not block for long). Return true at kRead to drop the request: the
  // connection is closed without an answer, so the request is not a delivery. The return value
  // is ignored at kAnswered.
  using Hook = std::function<bool(Stage, const Delivery&)>;

  struct Counts {
    std::size_t requests = 0;  // completely read
    std::size_t accepted = 0;  // answered 200
    std::size_t failed = 0;    // answered 500
    std::size_t hung = 0;      // never answered (Mode::kHang)
    std::size_t dropped = 0;   // dropped by the hook
  };

  static constexpr std::size_t kMaxConnections = 64;

  // Listens on a port the kernel picks. Throws std::runtime_error when it cannot listen.
  WebhookSink();
  ~WebhookSink();  // closes every connection and joins every thread
  WebhookSink(const WebhookSink&) = delete;
  WebhookSink& operator=(const WebhookSink&) = delete;

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string url(const std::string& path = "/") const;  // http://127.0.0.1:P/path

  // Requests read before `until` get `mode`; later ones are accepted. Replaces any earlier window;
  // Misbehave(kAccept, {}) ends it.
  void Misbehave(Mode mode, std::chrono::steady_clock::time_point until);
  // Replaces the hook (an empty function: none).
  void SetHook(Hook hook);

  [[nodiscard]] std::vector<Delivery> Deliveries() const;
  [[nodiscard]] std::size_t delivery_count() const;
  [[nodiscard]] Counts counts() const;

 private:
  struct Connection {
    int fd = -1;
    std::atomic<bool> done{false};
    std::thread thread;
  };

  void AcceptLoop();
  void Serve(Connection& c);
  // Answers one request as `mode` says; false when the connection is to be closed.
  bool Answer(int fd, Mode mode, const Delivery& request, const Hook& hook);
  [[nodiscard]] Mode CurrentMode() const;
  // Waits while the hang window lasts, the sink runs and the client keeps the connection.
  void Hang(int fd) const;
  void Reap(bool all);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  Mode mode_ = Mode::kAccept;                             // guarded by mu_
  std::chrono::steady_clock::time_point until_{};         // guarded by mu_
  Hook hook_;                                             // guarded by mu_
  std::vector<Delivery> deliveries_;                      // guarded by mu_
  Counts counts_;                                         // guarded by mu_
  std::vector<std::unique_ptr<Connection>> connections_;  // accept thread only (and ~)
  std::thread accept_thread_;
};

}  // namespace gs::test
