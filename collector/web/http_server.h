// HttpServer: the collector's HTTP/1.1 server (status pages, JSON API, /metrics) on
// Boost.Beast, running on the daemon's one caller-owned io_context.
//
// Each connection is a C++20 coroutine on its own strand with keep-alive, a deadline on every
// read and write (a slowloris client is closed after read_timeout), header and body limits
// (431/413), and a bound on concurrent connections. Bad input from the network is answered
// with a short 4xx and a counter, never a crash; a throwing handler becomes a 500.
//
// Thread-safety: Route/RoutePrefix must be called before Start. Start, Stop and port() may be
// called from any thread (Stop posts its work to the io_context). stats() may be read from any
// thread at any time. Handlers run on the io_context's thread(s) and must not block.
// REQUIRES: the io_context outlives the HttpServer.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "collector/web/http_request.h"
#include "collector/web/http_router.h"
#include "probes/result.h"

namespace gs::collector::web {

struct HttpServerOptions {
  std::string listen = "127.0.0.1:8080";  // "host:port", "[v6]:port", ":port"; port 0 = any
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_query_params = 64;
  std::chrono::seconds read_timeout{10};   // whole request, from its first byte to its last
  std::chrono::seconds idle_timeout{30};   // keep-alive wait for the next request
  std::chrono::seconds write_timeout{10};  // whole response
  std::size_t max_connections = 512;       // beyond it new connections are closed at once

  [[nodiscard]] RequestLimits limits() const {
    return {max_header_bytes, max_body_bytes, max_query_params};
  }
};

// Counters exported on /metrics. Monotonic except active_connections.
struct HttpServerStats {
  std::atomic<std::uint64_t> requests{0};       // responses sent, whatever their status
  std::atomic<std::uint64_t> responses_2xx{0};  // includes 1xx and 3xx
  std::atomic<std::uint64_t> responses_4xx{0};
  std::atomic<std::uint64_t> responses_5xx{0};
  std::atomic<std::uint64_t> bad_requests{0};          // refused before routing: 400/413/431
  std::atomic<std::uint64_t> handler_errors{0};        // handlers that threw (answered 500)
  std::atomic<std::uint64_t> timeouts{0};              // connections closed by a read deadline
  std::atomic<std::uint64_t> rejected_connections{0};  // over max_connections
  std::atomic<std::int64_t> active_connections{0};
};

// Parses a listen address: "127.0.0.1:8080", "[::1]:8080", ":8080" (all IPv4 interfaces),
// "localhost:8080". Host names other than localhost are refused: no DNS at start-up.
Result<boost::asio::ip::tcp::endpoint> ParseListenAddress(std::string_view listen);

struct ServerState;  // shared with the sessions; defined in http_session.h

class HttpServer {
 public:
  using Options = HttpServerOptions;

  HttpServer(boost::asio::io_context& io, Options options);
  // Stop()s; in-flight sessions end on the io_context without calling handlers; waits for
  // blocking handlers that are running.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Registers a handler for `method` on exactly `path`. REQUIRES: before Start().
  void Route(std::string method, std::string path, Handler handler);
  // Like Route, for a handler that may block (reads files, waits for a graph): it runs on a
  // small thread pool of its own (two threads), so the io_context never waits for it. At most
  // kMaxBlockingRequests are in progress or waiting for a pool thread at once; more get 503.
  // The bound is sized for a page of graphs (a browser asks for six or more images at once).
  // The handler must be thread-safe. REQUIRES: before Start().
  void RouteBlocking(std::string method, std::string path, Handler handler);
  static constexpr int kMaxBlockingRequests = 32;
  // RouteBlocking for every path under `prefix`. REQUIRES: before Start().
  void RouteBlockingPrefix(std::string method, std::string prefix, Handler handler);

  // Registers a handler for `method` on every path starting with `prefix` ("/nodes/").
  // REQUIRES: before Start().
  void RoutePrefix(std::string method, std::string prefix, Handler handler);

  // Binds and listens, then accepts on the io_context. Fails with a message naming the
  // address: "listen 127.0.0.1:8080: Address already in use". Fails if already started.
  [[nodiscard]] Result<void> Start();

  // The bound port (the ephemeral one when listening on port 0); 0 before Start().
  [[nodiscard]] std::uint16_t port() const;

  // Stops accepting and closes every connection; requests not yet dispatched get no handler
  // call. Idempotent. The io_context's run() returns once the closes have been processed.
  void Stop();

  [[nodiscard]] const HttpServerStats& stats() const;

 private:
  std::shared_ptr<ServerState> state_;
};

}  // namespace gs::collector::web
