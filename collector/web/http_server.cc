#include "collector/web/http_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <exception>
#include <utility>

#include "collector/web/http_session.h"

namespace gs::collector::web {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// After a failed accept (EMFILE, ENOBUFS) wait before retrying instead of spinning.
constexpr std::chrono::milliseconds kAcceptBackoff{100};

asio::awaitable<void> AcceptLoop(std::shared_ptr<ServerState> state) {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await state->acceptor.async_accept(
        asio::make_strand(state->io), asio::redirect_error(asio::use_awaitable, ec));
    if (state->stopping || ec == asio::error::operation_aborted) co_return;
    if (ec) {
      asio::steady_timer backoff(state->acceptor.get_executor(), kAcceptBackoff);
      co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    if (static_cast<std::size_t>(state->stats.active_connections.load()) >=
        state->options.max_connections) {
      ++state->stats.rejected_connections;
      socket.close(ec);
      continue;
    }
    StartSession(state, std::move(socket));
  }
}

Result<std::uint16_t> ParsePort(std::string_view text) {
  unsigned value = 0;
  const auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || err != std::errc() || end != text.data() + text.size() || value > 65535) {
    return Fail("bad port \"" + std::string(text) + "\"");
  }
  return static_cast<std::uint16_t>(value);
}

// Splits "host:port" / "[v6]:port" / ":port" into host and port text.
Result<std::pair<std::string_view, std::string_view>> SplitHostPort(std::string_view listen) {
  if (listen.starts_with('[')) {
    const std::size_t close = listen.find("]:");
    if (close == std::string_view::npos) return Fail("expected \"[address]:port\"");
    return std::pair{listen.substr(1, close - 1), listen.substr(close + 2)};
  }
  const std::size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos) return Fail("expected \"host:port\"");
  const std::string_view host = listen.substr(0, colon);
  if (host.find(':') != std::string_view::npos) return Fail("IPv6 addresses need brackets");
  return std::pair{host, listen.substr(colon + 1)};
}

Result<asio::ip::address> ParseHost(std::string_view host) {
  if (host.empty()) return asio::ip::address(asio::ip::address_v4::any());
  if (host == "localhost") return asio::ip::address(asio::ip::address_v4::loopback());
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(std::string(host), ec);
  if (ec) return Fail("\"" + std::string(host) + "\" is not an IP address (or localhost)");
  return address;
}

Result<void> Listen(tcp::acceptor& acceptor, const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    return Fail(ec.message());
  }
  return {};
}

}  // namespace

Result<tcp::endpoint> ParseListenAddress(std::string_view listen) {
  const auto prefixed = [&](const Error& e) {
    return "listen " + std::string(listen) + ": " + e.message;
  };
  auto parts = SplitHostPort(listen);
  if (!parts) return Fail(prefixed(parts.error()));
  auto address = ParseHost(parts->first);
  if (!address) return Fail(prefixed(address.error()));
  auto port = ParsePort(parts->second);
  if (!port) return Fail(prefixed(port.error()));
  return tcp::endpoint(*address, *port);
}

HttpServer::HttpServer(asio::io_context& io, Options options)
    : state_(std::make_shared<ServerState>(io, std::move(options))) {}

HttpServer::~HttpServer() {
  Stop();
  if (state_->pool) state_->pool->join();
}

void HttpServer::RouteBlocking(std::string method, std::string path, Handler handler) {
  if (!state_->pool) state_->pool = std::make_unique<asio::thread_pool>(2);
  state_->blocking_paths.insert(path);
  Route(std::move(method), std::move(path), std::move(handler));
}

void HttpServer::RouteBlockingPrefix(std::string method, std::string prefix, Handler handler) {
  if (!state_->pool) state_->pool = std::make_unique<asio::thread_pool>(2);
  state_->blocking_prefixes.push_back(prefix);
  RoutePrefix(std::move(method), std::move(prefix), std::move(handler));
}

void HttpServer::Route(std::string method, std::string path, Handler handler) {
  state_->router.Add(std::move(method), std::move(path), std::move(handler));
}

void HttpServer::RoutePrefix(std::string method, std::string prefix, Handler handler) {
  state_->router.AddPrefix(std::move(method), std::move(prefix), std::move(handler));
}

Result<void> HttpServer::Start() {
  if (state_->started.exchange(true))
    return Fail("listen " + state_->options.listen + ": already started");
  auto endpoint = ParseListenAddress(state_->options.listen);
  if (!endpoint) return tl::unexpected(endpoint.error());
  if (auto listening = Listen(state_->acceptor, *endpoint); !listening) {
    return Fail("listen " + state_->options.listen + ": " + listening.error().message);
  }
  boost::system::error_code ec;
  state_->port = state_->acceptor.local_endpoint(ec).port();
  asio::co_spawn(state_->acceptor.get_executor(), AcceptLoop(state_),
                 [](const std::exception_ptr&) {});
  return {};
}

std::uint16_t HttpServer::port() const { return state_->port; }

void HttpServer::Stop() {
  if (state_->stopping.exchange(true)) return;
  asio::post(state_->acceptor.get_executor(), [state = state_] {
    boost::system::error_code ec;
    state->acceptor.close(ec);
  });
  CloseAllSessions(*state_);
}

const HttpServerStats& HttpServer::stats() const { return state_->stats; }

}  // namespace gs::collector::web
