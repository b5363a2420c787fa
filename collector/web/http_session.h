// ServerState and the per-connection session coroutine behind HttpServer. Internal to
// collector/web.
//
// ServerState is shared (shared_ptr) by the HttpServer, its accept loop and every session, so
// a session finishing after the HttpServer is destroyed never touches freed memory.
// Thread-safety: `router` and `options` are immutable once accepting starts; `stats` and
// `stopping` are atomics; `sessions` is guarded by `mu`; the acceptor lives on its own strand.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "collector/web/http_router.h"
#include "collector/web/http_server.h"

namespace gs::collector::web {

struct ServerState {
  ServerState(boost::asio::io_context& io_context, HttpServerOptions server_options);

  boost::asio::io_context& io;
  const HttpServerOptions options;
  const RequestLimits limits;
  Router router;
  // Exact paths and path prefixes whose handlers may block (file reads, graph rendering): they
  // run on `pool`, not the strand.
  std::set<std::string, std::less<>> blocking_paths;
  std::vector<std::string> blocking_prefixes;
  [[nodiscard]] bool IsBlocking(const std::string& path) const;
  std::unique_ptr<boost::asio::thread_pool> pool;  // created by the first RouteBlocking
  std::atomic<int> blocking_in_flight{0};
  HttpServerStats stats;
  boost::asio::ip::tcp::acceptor acceptor;
  std::atomic<std::uint16_t> port{0};
  std::atomic<bool> started{false};
  std::atomic<bool> stopping{false};

  std::mutex mu;
  std::uint64_t next_session_id = 0;  // guarded by mu
  std::unordered_map<std::uint64_t, std::weak_ptr<boost::beast::tcp_stream>> sessions;  // mu
};

// Registers the connection in `state` and spawns its session coroutine on the socket's
// executor (a strand). REQUIRES: `socket` was accepted on a strand of state->io.
void StartSession(const std::shared_ptr<ServerState>& state, boost::asio::ip::tcp::socket socket);

// Closes every registered connection, each on its own strand. Safe from any thread.
void CloseAllSessions(ServerState& state);

}  // namespace gs::collector::web
