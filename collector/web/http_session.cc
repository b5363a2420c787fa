#include "collector/web/http_session.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "collector/web/beast_request.h"

namespace gs::collector::web {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Stream = beast::tcp_stream;
using StreamPtr = std::shared_ptr<Stream>;
using BeastResponse = http::response<http::string_body>;

constexpr std::size_t kReadChunk = 8 * 1024;
constexpr std::size_t kMaxLingerBytes = 64 * 1024;
constexpr std::chrono::seconds kLingerTimeout{1};

auto Redirect(beast::error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

// Unregisters the session and releases its connection slot however the coroutine ends.
class SessionGuard {
 public:
  SessionGuard(std::shared_ptr<ServerState> state, std::uint64_t id)
      : state_(std::move(state)), id_(id) {}
  ~SessionGuard() {
    {
      const std::lock_guard lock(state_->mu);
      state_->sessions.erase(id_);
    }
    --state_->stats.active_connections;
  }
  SessionGuard(const SessionGuard&) = delete;
  SessionGuard& operator=(const SessionGuard&) = delete;

 private:
  std::shared_ptr<ServerState> state_;
  std::uint64_t id_;
};

void CountResponse(HttpServerStats& stats, int status) {
  ++stats.requests;
  if (status >= 500) {
    ++stats.responses_5xx;
  } else if (status >= 400) {
    ++stats.responses_4xx;
  } else {
    ++stats.responses_2xx;
  }
}

// A header a handler may set: no CR, LF or NUL anywhere (no response splitting).
bool SafeHeader(std::string_view name, std::string_view value) {
  constexpr std::string_view kBad("\r\n\0", 3);
  return !name.empty() && name.find_first_of(kBad) == std::string_view::npos &&
         value.find_first_of(kBad) == std::string_view::npos;
}

BeastResponse ToBeast(Response response, unsigned version, bool keep_alive, bool head) {
  BeastResponse out;
  out.result(static_cast<unsigned>(response.status));
  out.version(version);
  out.set(http::field::server, "groundstation");
  out.set(http::field::cache_control, "no-store");
  out.set("X-Content-Type-Options", "nosniff");
  if (SafeHeader("Content-Type", response.content_type)) {
    out.set(http::field::content_type, response.content_type);
  }
  for (const auto& [name, value] : response.headers) {
    if (SafeHeader(name, value)) out.set(name, value);
  }
  out.keep_alive(keep_alive);
  if (response.status == 204 || response.status == 304) return out;  // never a body
  out.body() = std::move(response.body);
  out.prepare_payload();         // Content-Length of the full body...
  if (head) out.body().clear();  // ...which HEAD announces but does not send
  return out;
}

asio::awaitable<bool> Send(ServerState& state, Stream& stream, Response response, unsigned version,
                           bool keep_alive, bool head) {
  const int status = response.status;
  BeastResponse message = ToBeast(std::move(response), version, keep_alive, head);
  stream.expires_after(state.options.write_timeout);
  beast::error_code ec;
  co_await http::async_write(stream, message, Redirect(ec));
  CountResponse(state.stats, status);
  co_return !ec;
}

// Half-closes, then drains what the client is still sending for a moment before closing, so
// the kernel does not answer unread bytes with a RST that would destroy our error response.
asio::awaitable<void> LingeringClose(Stream& stream) {
  beast::error_code ec;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  stream.expires_after(kLingerTimeout);
  std::vector<char> sink(4096);
  std::size_t drained = 0;
  while (!ec && drained < kMaxLingerBytes) {
    drained += co_await stream.async_read_some(asio::buffer(sink), Redirect(ec));
  }
  stream.close();
}

asio::awaitable<void> Refuse(ServerState& state, Stream& stream, const RequestError& error,
                             unsigned version) {
  ++state.stats.bad_requests;
  co_await Send(state, stream, TextResponse(error.status, error.message + "\n"), version,
                /*keep_alive=*/false, /*head=*/false);
  co_await LingeringClose(stream);
}

// Waits for the first byte of the next request (unless already buffered) for `timeout`.
asio::awaitable<bool> WaitForBytes(ServerState& state, Stream& stream, beast::flat_buffer& buffer,
                                   std::chrono::seconds timeout) {
  if (buffer.size() > 0) co_return true;
  beast::error_code ec;
  stream.expires_after(timeout);
  const std::size_t n = co_await stream.async_read_some(buffer.prepare(kReadChunk), Redirect(ec));
  if (ec == beast::error::timeout) ++state.stats.timeouts;
  if (ec) co_return false;
  buffer.commit(n);
  co_return true;
}

// Reads one request within read_timeout, answering "Expect: 100-continue" (curl sends it).
asio::awaitable<beast::error_code> ReadRequest(ServerState& state, Stream& stream,
                                               beast::flat_buffer& buffer, BeastParser& parser) {
  beast::error_code ec;
  stream.expires_after(state.options.read_timeout);
  co_await http::async_read_header(stream, buffer, parser, Redirect(ec));
  if (ec || parser.is_done()) co_return ec;
  if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
    http::response<http::empty_body> go_on{http::status::continue_, parser.get().version()};
    co_await http::async_write(stream, go_on, Redirect(ec));
    if (ec) co_return ec;
  }
  co_await http::async_read(stream, buffer, parser, Redirect(ec));
  co_return ec;
}

bool IsParseError(const beast::error_code& ec) {
  static const auto& http_category = http::make_error_code(http::error::bad_target).category();
  return ec.category() == http_category && ec != http::error::end_of_stream &&
         ec != http::error::partial_message;
}

Response Dispatch(ServerState& state, const Request& request) {
  // Stop() may have run since the bytes arrived: its handlers' owners may be gone.
  if (state.stopping) return TextResponse(503, "shutting down\n");
  Router::Outcome outcome = state.router.Dispatch(request);
  if (outcome.handler_threw) ++state.stats.handler_errors;
  return std::move(outcome.response);
}

// Answers one parsed request; true if the connection stays open for the next one.
asio::awaitable<bool> Serve(ServerState& state, Stream& stream, BeastRequest message,
                            const std::string& remote) {
  const unsigned version = message.version();
  const bool keep_alive = message.keep_alive();
  auto request = FromBeast(std::move(message), state.limits, remote);
  if (!request) {
    co_await Refuse(state, stream, request.error(), 11);
    co_return false;
  }
  const bool keep = keep_alive && !state.stopping;
  const bool head = request->method == "HEAD";
  Response response;
  if (state.pool && state.IsBlocking(request->path)) {
    if (state.blocking_in_flight.fetch_add(1) >= HttpServer::kMaxBlockingRequests) {
      response = TextResponse(503, "busy: too many slow requests in progress, retry\n");
    } else {
      response = co_await asio::co_spawn(
          *state.pool,
          [&state, &request]() -> asio::awaitable<Response> {
            co_return Dispatch(state, *request);
          },
          asio::use_awaitable);
    }
    --state.blocking_in_flight;
  } else {
    response = Dispatch(state, *request);
  }
  if (!co_await Send(state, stream, std::move(response), version, keep, head)) {
    co_return false;
  }
  if (!keep) co_await LingeringClose(stream);
  co_return keep;
}

asio::awaitable<void> RunSession(std::shared_ptr<ServerState> state, StreamPtr stream,
                                 std::uint64_t id, std::string remote) {
  const SessionGuard guard(state, id);
  beast::flat_buffer buffer(state->options.max_header_bytes + kReadChunk);
  std::chrono::seconds wait = state->options.read_timeout;  // a new connection must speak up
  for (;;) {
    if (!co_await WaitForBytes(*state, *stream, buffer, wait)) co_return;
    wait = state->options.idle_timeout;
    BeastParser parser;
    ApplyLimits(state->limits, parser);
    const beast::error_code ec = co_await ReadRequest(*state, *stream, buffer, parser);
    if (ec == beast::error::timeout) ++state->stats.timeouts;
    if (IsParseError(ec)) co_await Refuse(*state, *stream, ErrorForParse(ec), 11);
    if (ec) co_return;
    if (!co_await Serve(*state, *stream, parser.release(), remote)) co_return;
  }
}

std::string FormatEndpoint(const asio::ip::tcp::endpoint& endpoint) {
  const std::string address = endpoint.address().to_string();
  const std::string port = std::to_string(endpoint.port());
  return endpoint.address().is_v6() ? "[" + address + "]:" + port : address + ":" + port;
}

}  // namespace

ServerState::ServerState(asio::io_context& io_context, HttpServerOptions server_options)
    : io(io_context),
      options(std::move(server_options)),
      limits(options.limits()),
      acceptor(asio::make_strand(io_context)) {}

bool ServerState::IsBlocking(const std::string& path) const {
  if (blocking_paths.contains(path)) return true;
  for (const std::string& prefix : blocking_prefixes) {
    if (path.starts_with(prefix)) return true;
  }
  return false;
}

void StartSession(const std::shared_ptr<ServerState>& state, asio::ip::tcp::socket socket) {
  beast::error_code ec;
  const auto peer = socket.remote_endpoint(ec);
  std::string remote = ec ? std::string() : FormatEndpoint(peer);
  auto stream = std::make_shared<Stream>(std::move(socket));
  std::uint64_t id = 0;
  {
    const std::lock_guard lock(state->mu);
    // Stop() sets `stopping` before it snapshots `sessions` under this lock, so a session
    // registered too late for the snapshot sees the flag here.
    if (state->stopping) return;
    id = state->next_session_id++;
    state->sessions.emplace(id, stream);
  }
  ++state->stats.active_connections;
  // Every expected failure is an error_code inside; only bad_alloc could arrive here, and the
  // guard has already released the session by then.
  asio::co_spawn(stream->get_executor(), RunSession(state, stream, id, std::move(remote)),
                 [](const std::exception_ptr&) {});
}

void CloseAllSessions(ServerState& state) {
  std::vector<StreamPtr> live;
  {
    const std::lock_guard lock(state.mu);
    for (const auto& [id, weak] : state.sessions) {
      if (StreamPtr stream = weak.lock()) live.push_back(std::move(stream));
    }
  }
  for (const StreamPtr& stream : live) {
    asio::post(stream->get_executor(), [stream] {
      beast::error_code ec;
      stream->socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
      stream->close();
    });
  }
}

}  // namespace gs::collector::web
