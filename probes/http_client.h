// A minimal HTTP/1.1 client for the checks that need nothing more: plain http:// to an IP
// address, no redirects to follow, no proxy. It opens a non-blocking connection, sends the
// request libcurl would send, reads the response through HttpResponseParser and measures
// the same phases (HttpMeasurements). Everything else (TLS, host names, redirects, proxies,
// user:password@ URLs) stays with libcurl; PlainHttpTarget::Parse decides.
//
// Why: a check against a fast server is mostly libcurl's per-connection work in user space
// (about 110,000 instructions per check, bench/README.md); this path does the same check in a
// few thousand, with fewer system calls (the request is sent right after connect(), without
// waiting for writability, and the socket joins the epoll set once).
//
// HttpConnection is driven by its owner's event loop: Start() and OnReady() say what the
// socket waits for next; the owner registers the fd (EPOLLOUT or EPOLLIN) accordingly.
// Not thread-safe: one owner thread.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "probes/http_evaluate.h"
#include "probes/http_probe.h"
#include "probes/http_response_parser.h"

namespace gs::probes {

// Where a plain http:// check connects and what it asks for.
struct PlainHttpTarget {
  sockaddr_storage address{};
  socklen_t address_size = 0;
  std::string host;  // as in the URL: "10.0.0.5", "[::1]"
  int port = 80;
  std::string target;  // request target: path and query, at least "/"

  // The check's target when the minimal client can run `spec` exactly as libcurl would;
  // nullopt sends it to libcurl. `proxy_configured`: http_proxy or all_proxy is set in the
  // environment (libcurl would honour it).
  static std::optional<PlainHttpTarget> Parse(const HttpCheckSpec& spec, bool proxy_configured);
};

// True when the environment names a proxy that libcurl would use for http:// URLs.
bool HttpProxyConfigured();

// Appends the request for `spec` to `out`: the request line and the headers HttpTransfer has
// libcurl send (Host, User-Agent, Accept, Connection: close, and Content-Length and
// Content-Type with a body), the spec's
// headers (one named like a default replaces it; "Name:" with nothing after it removes it),
// then the body.
void BuildHttpRequest(const HttpCheckSpec& spec, const PlainHttpTarget& target, std::string& out);

class HttpConnection {
 public:
  enum class Want { kWrite, kRead, kDone };
  using Clock = std::chrono::steady_clock;

  HttpConnection() = default;
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Opens the connection and sends what it can of the request. Keeps up to `keep_body` bytes
  // of the body. kDone: finished already (the connection failed at once).
  Want Start(const HttpCheckSpec& spec, const PlainHttpTarget& target, std::size_t keep_body);

  // Runs the whole check on this thread (poll() on the one socket) until it is done or the
  // spec's timeout has passed: `groundstation check http`.
  HttpMeasurements Run(const HttpCheckSpec& spec, const PlainHttpTarget& target,
                       std::size_t keep_body);

  // The socket is ready (epoll events); `scratch` is a receive buffer the owner lends.
  Want OnReady(std::uint32_t events, std::span<char> scratch);

  // The check's time is up: closes the connection, the result says so in libcurl's words.
  void TimeOut();
  // Ends the check as failed with `reason` (the owner could not watch the socket).
  void Abort(std::string reason);

  // The socket while the check runs, -1 once done (closed: it has left any epoll set).
  [[nodiscard]] int fd() const { return fd_; }

  // What the finished check measured.
  [[nodiscard]] HttpMeasurements Collect() const;
  // The kept part of the body.
  [[nodiscard]] std::string_view body() const { return body_; }

  // Closes any open socket and frees large buffers; the object can Start() again.
  void Release();

 private:
  Want Connected();
  Want Send();
  Want Receive(std::span<char> scratch);
  Want Finish(std::string error);
  Want ConnectFailed(int error);
  [[nodiscard]] long ElapsedMs() const;

  int fd_ = -1;
  bool connected_ = false;
  bool head_ = false;
  std::string request_;
  std::size_t sent_ = 0;
  std::string body_;
  HttpResponseParser parser_;
  std::string host_;
  int port_ = 0;
  std::string error_;  // empty: the transfer succeeded
  bool done_ = false;
  Clock::time_point start_{};
  Clock::time_point connected_at_{};
  Clock::time_point first_byte_at_{};
  Clock::time_point end_{};
};

}  // namespace gs::probes
