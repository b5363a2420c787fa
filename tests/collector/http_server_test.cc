// HttpServer over real TCP on 127.0.0.1: the server's io_context runs on a test thread, the
// test talks to it through plain blocking POSIX sockets with a receive deadline.
#include "collector/web/http_server.h"

// GCC 12 reports a false -Wmaybe-uninitialized inside Beast's parser (boost::optional in
// basic_parser::content_length). Must precede the Beast includes.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

namespace gs::collector::web {
namespace {

namespace http = boost::beast::http;
using ClientResponse = http::response<http::string_body>;

constexpr auto kDeadline = std::chrono::seconds(10);

bool WaitUntil(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + kDeadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// A blocking client socket whose every recv gives up after kDeadline.
class RawClient {
 public:
  explicit RawClient(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    timeval timeout{static_cast<time_t>(kDeadline.count()), 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  [[nodiscard]] bool connected() const { return connected_; }

  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // One response; nullopt if the connection ends or the deadline passes first.
  std::optional<ClientResponse> Read(bool head = false) {
    http::response_parser<http::string_body> parser;
    parser.skip(head);
    boost::beast::error_code ec;
    while (!parser.is_done()) {
      const std::size_t used = parser.put(boost::asio::buffer(pending_), ec);
      pending_.erase(0, used);
      if (ec && ec != http::error::need_more) return std::nullopt;
      if (parser.is_done()) break;
      if ((used == 0 || pending_.empty()) && !Receive()) return std::nullopt;
    }
    return parser.release();
  }

  // True once the server has closed the connection (EOF or reset); false at the deadline.
  bool WaitForClose() {
    pending_.clear();
    for (;;) {
      char byte[512];
      const ssize_t n = ::recv(fd_, byte, sizeof byte, 0);
      if (n == 0 || (n < 0 && errno == ECONNRESET)) return true;
      if (n < 0) return false;  // EAGAIN: the deadline passed with the connection open
    }
  }

 private:
  bool Receive() {
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    pending_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_;
  bool connected_ = false;
  std::string pending_;
};

std::string Get(std::string_view target) {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n\r\n";
}

class HttpServerTest : public ::testing::Test {
 protected:
  void Start(HttpServerOptions options = {}) {
    options.listen = "127.0.0.1:0";
    server_ = std::make_unique<HttpServer>(io_, options);
    server_->Route("GET", "/hello", [](const Request&) { return TextResponse(200, "hello\n"); });
    server_->Route("POST", "/echo", [](const Request& r) { return TextResponse(200, r.body); });
    server_->Route("GET", "/query", [](const Request& r) {
      std::string out;
      for (const auto& [k, v] : r.query_params) out += "[" + k + "]=[" + v + "]";
      return TextResponse(200, out);
    });
    server_->Route("GET", "/throw",
                   [](const Request&) -> Response { throw std::runtime_error("handler bug"); });
    server_->RoutePrefix("GET", "/nodes/",
                         [](const Request& r) { return TextResponse(200, r.path); });
    auto started = server_->Start();
    ASSERT_TRUE(started) << started.error().message;
    thread_ = std::thread([this] { io_.run(); });
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) {
      EXPECT_TRUE(WaitUntil([this] { return io_.stopped(); })) << "run() did not return";
      io_.stop();
      thread_.join();
    }
  }

  RawClient Connect() { return RawClient(server_->port()); }

  boost::asio::io_context io_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
};

TEST_F(HttpServerTest, RouteAnswers200WithStandardHeaders) {
  Start();
  RawClient client = Connect();
  ASSERT_TRUE(client.Send(Get("/hello")));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
  EXPECT_EQ(response->body(), "hello\n");
  EXPECT_EQ((*response)[http::field::content_length], "6");
  EXPECT_EQ((*response)[http::field::server], "groundstation");
  EXPECT_EQ((*response)[http::field::cache_control], "no-store");
  EXPECT_EQ((*response)[http::field::content_type], "text/plain; charset=utf-8");
  EXPECT_TRUE(WaitUntil([&] { return server_->stats().responses_2xx == 1; }));
}

TEST_F(HttpServerTest, UnknownPathIs404) {
  Start();
  RawClient client = Connect();
  ASSERT_TRUE(client.Send(Get("/nope")));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 404u);
}

TEST_F(HttpServerTest, WrongMethodIs405WithAllow) {
  Start();
  RawClient client = Connect();
  ASSERT_TRUE(client.Send("DELETE /hello HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 405u);
  EXPECT_EQ((*response)[http::field::allow], "GET, HEAD");
}

TEST_F(HttpServerTest, HeadOnGetRouteSendsHeadersOnly) {
  Start();
  RawClient client = Connect();
  ASSERT_TRUE(client.Send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n" + Get("/hello")));
  auto head = client.Read(/*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->result_int(), 200u);
  EXPECT_EQ((*head)[http::field::content_length], "6");
  EXPECT_EQ(head->body(), "");
  auto get = client.Read();  // the body of HEAD was not sent: the next response parses cleanly
  ASSERT_TRUE(get);
  EXPECT_EQ(get->body(), "hello\n");
}

TEST_F(HttpServerTest, QueryParametersAreDecoded) {
  Start();
  RawClient client = Connect();
  ASSERT_TRUE(client.Send(Get("/query?name=a%20b&x=1+2&flag&name=second")));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "[flag]=[][name]=[a b][x]=[1 2]");
}

TEST_F(HttpServerTest, PrefixRouteSeesNormalisedPath) {
  Start();
  RawClient client = Connect();
  ASSERT_TRUE(client.Send(Get("/nodes/./web%2001//cpu")));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "/nodes/web 01/cpu");
}

TEST_F(HttpServerTest, DotDotAndNulInPathAre400) {
  Start();
  for (const char* target : {"/nodes/../etc/passwd", "/nodes/%2e%2e/x", "/hello%00"}) {
    RawClient client = Connect();
    ASSERT_TRUE(client.Send(Get(target)));
    auto response = client.Read();
    ASSERT_TRUE(response) << target;
    EXPECT_EQ(response->result_int(), 400u) << target;
    EXPECT_TRUE(client.WaitForClose()) << target;
  }
}

TEST_F(HttpServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  Start();
  RawClient client = Connect();
  ASSERT_TRUE(client.Send(Get("/hello")));
  auto first = client.Read();
  ASSERT_TRUE(client.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nping"));
  auto second = client.Read();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->body(), "hello\n");
  EXPECT_EQ(second->body(), "ping");
}

TEST_F(HttpServerTest, ChunkedBodyAndExpectContinue) {
  Start();
  RawClient client = Connect();
  ASSERT_TRUE(
      client.Send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n"));
  auto go_on = client.Read();
  ASSERT_TRUE(go_on);
  EXPECT_EQ(go_on->result_int(), 100u);
  ASSERT_TRUE(client.Send("3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body(), "abcde");
}

TEST_F(HttpServerTest, GarbageIs400AndConnectionClosed) {
  Start();
  RawClient client = Connect();
  ASSERT_TRUE(client.Send(std::string("\x01\x02 garbage \xff\r\n\r\n", 17)));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 400u);
  EXPECT_TRUE(client.WaitForClose());
  EXPECT_TRUE(WaitUntil([&] { return server_->stats().bad_requests == 1; }));
}

TEST_F(HttpServerTest, OversizedHeaderIs431) {
  HttpServerOptions options;
  options.max_header_bytes = 1024;
  Start(options);
  RawClient client = Connect();
  ASSERT_TRUE(client.Send("GET /hello HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(4000, 'a') +
                          "\r\n\r\n"));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 431u);
  EXPECT_TRUE(client.WaitForClose());
}

TEST_F(HttpServerTest, OversizedBodyIs413) {
  HttpServerOptions options;
  options.max_body_bytes = 100;
  Start(options);
  RawClient client = Connect();
  ASSERT_TRUE(client.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\n" +
                          std::string(1000, 'b')));
  auto response = client.Read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 413u);
  EXPECT_TRUE(client.WaitForClose());
}

TEST_F(HttpServerTest, ThrowingHandlerIs500AndServerKeepsServing) {
  Start();
  RawClient client = Connect();
  ASSERT_TRUE(client.Send(Get("/throw") + Get("/hello")));
  auto failed = client.Read();
  auto next = client.Read();
  ASSERT_TRUE(failed && next);
  EXPECT_EQ(failed->result_int(), 500u);
  EXPECT_EQ(failed->body().find("handler bug"), std::string::npos) << "no internals leaked";
  EXPECT_EQ(next->result_int(), 200u);
  EXPECT_TRUE(WaitUntil(
      [&] { return server_->stats().handler_errors == 1 && server_->stats().responses_5xx == 1; }));
}

TEST_F(HttpServerTest, StalledClientIsDisconnectedAfterReadTimeout) {
  HttpServerOptions options;
  options.read_timeout = std::chrono::seconds(1);
  Start(options);
  RawClient client = Connect();
  ASSERT_TRUE(client.Send("GET /hello HTTP/1.1\r\nHost: t\r\n"));  // ...and never finishes
  EXPECT_TRUE(client.WaitForClose());
  EXPECT_TRUE(WaitUntil([&] { return server_->stats().timeouts == 1; }));
}

TEST_F(HttpServerTest, ConnectionsBeyondMaxAreClosedAndCounted) {
  HttpServerOptions options;
  options.max_connections = 1;
  Start(options);
  RawClient first = Connect();
  ASSERT_TRUE(first.Send(Get("/hello")));
  ASSERT_TRUE(first.Read());  // the first connection now holds the only slot
  RawClient second = Connect();
  EXPECT_TRUE(second.WaitForClose());
  EXPECT_TRUE(WaitUntil([&] { return server_->stats().rejected_connections == 1; }));
  ASSERT_TRUE(first.Send(Get("/hello")));
  EXPECT_TRUE(first.Read());
}

TEST_F(HttpServerTest, StopClosesIdleKeepAliveConnections) {
  Start();
  RawClient client = Connect();
  ASSERT_TRUE(client.Send(Get("/hello")));
  ASSERT_TRUE(client.Read());
  server_->Stop();
  EXPECT_TRUE(client.WaitForClose());
  EXPECT_TRUE(WaitUntil([this] { return io_.stopped(); }));
}

TEST_F(HttpServerTest, StartOnPortInUseFailsClearly) {
  Start();
  HttpServerOptions options;
  options.listen = "127.0.0.1:" + std::to_string(server_->port());
  HttpServer second(io_, options);
  auto started = second.Start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().message, "listen " + options.listen + ": Address already in use");
}

TEST(ParseListenAddressTest, AcceptsTheDocumentedForms) {
  EXPECT_EQ(ParseListenAddress("127.0.0.1:8080")->port(), 8080);
  EXPECT_TRUE(ParseListenAddress("[::1]:9")->address().is_v6());
  EXPECT_TRUE(ParseListenAddress(":80")->address().is_unspecified());
  EXPECT_TRUE(ParseListenAddress("localhost:1")->address().is_loopback());
  EXPECT_EQ(ParseListenAddress("example.com:80").error().message,
            "listen example.com:80: \"example.com\" is not an IP address (or localhost)");
  EXPECT_FALSE(ParseListenAddress("127.0.0.1"));
  EXPECT_FALSE(ParseListenAddress("127.0.0.1:65536"));
  EXPECT_FALSE(ParseListenAddress("::1:80"));
}

}  // namespace
}  // namespace gs::collector::web
