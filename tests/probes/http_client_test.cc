// The minimal HTTP client: which checks it takes, the request it sends (compared with the one
// libcurl sends), and, against a server on 127.0.0.1 that answers with exact bytes, that it
// reports what libcurl reports for every way a response can end or go wrong.
#include "probes/http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "probes/http_probe.h"
#include "tests/support/peers.h"

namespace gs::probes {
namespace {

using namespace std::chrono_literals;

HttpCheckSpec Spec(std::string url) {
  HttpCheckSpec spec;
  spec.url = std::move(url);
  spec.timeout = 5s;
  return spec;
}

std::optional<PlainHttpTarget> Target(const HttpCheckSpec& spec) {
  return PlainHttpTarget::Parse(spec, false);
}

TEST(PlainHttpTargetTest, TakesPlainHttpToAnIpAddress) {
  auto t = Target(Spec("http://10.0.0.5:8080/health?full=1#top"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->host, "10.0.0.5");
  EXPECT_EQ(t->port, 8080);
  EXPECT_EQ(t->target, "/health?full=1");
  const auto* a4 = reinterpret_cast<const sockaddr_in*>(&t->address);
  EXPECT_EQ(a4->sin_family, AF_INET);
  EXPECT_EQ(ntohs(a4->sin_port), 8080);

  t = Target(Spec("HTTP://127.0.0.1"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->port, 80);
  EXPECT_EQ(t->target, "/");
  t = Target(Spec("http://127.0.0.1?x=1"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->target, "/?x=1");

  t = Target(Spec("http://[::1]:9000/a/b"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->host, "[::1]");
  EXPECT_EQ(t->port, 9000);
  EXPECT_EQ(reinterpret_cast<const sockaddr_in6*>(&t->address)->sin6_family, AF_INET6);

  HttpCheckSpec post = Spec("http://127.0.0.1/");
  post.method = "POST";
  post.body = "x=1";
  post.headers = {"X-Token: abc"};
  post.host_header = "example.test";
  EXPECT_TRUE(Target(post));
}

TEST(PlainHttpTargetTest, LeavesEverythingElseToLibcurl) {
  for (const char* url :
       {"https://127.0.0.1/", "http://localhost/", "http://example.com/", "http://127.1/",
        "http://user:pw@127.0.0.1/", "http://127.0.0.1:0/", "http://127.0.0.1:70000/",
        "http://127.0.0.1:/", "http://127.0.0.1/a b", "http://127.0.0.1/a/../b",
        "http://127.0.0.1/./", "http://127.0.0.1/a/..", "http://[fe80::1%25eth0]/",
        "ftp://127.0.0.1/", "http://", "http://127.0.0.1/\xc3\xa9"}) {
    EXPECT_FALSE(Target(Spec(url))) << url;
  }
  HttpCheckSpec spec = Spec("http://127.0.0.1/");
  EXPECT_FALSE(PlainHttpTarget::Parse(spec, /*proxy_configured=*/true));
  spec.follow_redirects = true;
  EXPECT_FALSE(Target(spec));
  spec = Spec("http://127.0.0.1/");
  spec.sni = "example.test";
  EXPECT_FALSE(Target(spec));
  spec = Spec("http://127.0.0.1/");
  spec.headers = {"X-Curl-Empty;"};
  EXPECT_FALSE(Target(spec));
  spec.headers = {"Bad Name: 1"};
  EXPECT_FALSE(Target(spec));
  spec.headers = {"X: a\r\nInjected: 1"};
  EXPECT_FALSE(Target(spec));
  spec.headers = {};
  spec.method = "GET /x";
  EXPECT_FALSE(Target(spec));
}

std::string Request(const HttpCheckSpec& spec) {
  std::string out;
  BuildHttpRequest(spec, *Target(spec), out);
  return out;
}

TEST(BuildHttpRequestTest, SendsWhatLibcurlSends) {
  EXPECT_EQ(Request(Spec("http://127.0.0.1:8080/health?x=1")),
            "GET /health?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"
            "User-Agent: groundstation-check-http\r\nAccept: */*\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(Request(Spec("http://[::1]:80/")),
            "GET / HTTP/1.1\r\nHost: [::1]\r\n"
            "User-Agent: groundstation-check-http\r\nAccept: */*\r\nConnection: close\r\n\r\n");
  HttpCheckSpec spec = Spec("http://127.0.0.1:81/submit");
  spec.method = "POST";
  spec.body = "a=1";
  spec.host_header = "example.test";
  spec.headers = {"Accept:", "X-Token: t", "User-Agent: probe/2", "Connection: keep-alive"};
  EXPECT_EQ(Request(spec),
            "POST /submit HTTP/1.1\r\nX-Token: t\r\nUser-Agent: probe/2\r\n"
            "Connection: keep-alive\r\n"
            "Host: example.test\r\nContent-Length: 3\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n\r\na=1");
  spec.method = "HEAD";  // HEAD sends no body, whatever the spec holds
  EXPECT_EQ(Request(spec).find("a=1"), std::string::npos);
  spec = Spec("http://127.0.0.1/");
  spec.method = "DELETE";
  EXPECT_EQ(Request(spec).substr(0, 21), "DELETE / HTTP/1.1\r\nHo");
  EXPECT_EQ(Request(spec).find("Content-Length"), std::string::npos);
}

// A server on 127.0.0.1 that reads one request per connection and answers with exact bytes,
// then closes (or resets, or keeps the connection open). Records each request.
class ScriptedServer {
 public:
  enum class End { kClose, kReset, kHold };

  ScriptedServer() {
    listen_fd_ = test::ListenOnLoopback(port_);
    thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedServer() {
    stop_.store(true);
    thread_.join();
    for (int fd : held_) ::close(fd);
    ::close(listen_fd_);
  }
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  void Reply(std::string bytes, End end = End::kClose) {
    std::lock_guard lock(mu_);
    reply_ = std::move(bytes);
    end_ = end;
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<std::string> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  void Serve() {
    while (!stop_.load()) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      std::string request = ReadRequest(fd);
      std::string reply;
      End end = End::kClose;
      {
        std::lock_guard lock(mu_);
        requests_.push_back(std::move(request));
        reply = reply_;
        end = end_;
      }
      for (std::size_t sent = 0; sent < reply.size();) {
        const ssize_t n = ::send(fd, reply.data() + sent, reply.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
      }
      if (end == End::kHold) {
        held_.push_back(fd);
        continue;
      }
      if (end == End::kReset) {
        const linger l{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
      }
      ::close(fd);
    }
  }
  // Headers, then Content-Length bytes of body; gives up after 2 s of silence.
  static std::string ReadRequest(int fd) {
    std::string in;
    char buf[4096];
    while (true) {
      const std::size_t end = in.find("\r\n\r\n");
      if (end != std::string::npos) {
        const std::size_t cl = in.find("Content-Length: ");
        const std::size_t want =
            end + 4 + (cl == std::string::npos || cl > end ? 0 : std::stoul(in.substr(cl + 16)));
        if (in.size() >= want) return in;
      }
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 2000) <= 0) return in;
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return in;
      in.append(buf, static_cast<std::size_t>(n));
    }
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::string reply_;
  End end_ = End::kClose;
  std::vector<std::string> requests_;
  std::vector<int> held_;  // server thread only
  std::thread thread_;
};

// The request's lines, sorted, so two requests with the same headers in another order match.
std::vector<std::string> Lines(const std::string& request) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  while (at < request.size()) {
    const std::size_t end = request.find("\r\n", at);
    lines.push_back(request.substr(at, end == std::string::npos ? end : end - at));
    if (end == std::string::npos) break;
    at = end + 2;
  }
  std::sort(lines.begin() + 1, lines.end());
  return lines;
}

std::optional<double> Value(const CheckResult& r, const std::string& label) {
  for (const Perfdata& p : r.perfdata) {
    if (p.label == label) return p.value;
  }
  return std::nullopt;
}

// The text up to " in " (the time differs between two runs).
std::string Stable(const std::string& text) { return text.substr(0, text.find(" in ")); }

class HttpClientAgainstLibcurlTest : public ::testing::Test {
 protected:
  // Runs `spec` on both clients against the current reply; they must agree.
  void ExpectSameResult(const HttpCheckSpec& spec, State expected) {
    const CheckResult minimal = RunHttpCheck(spec, HttpClient::kAuto);
    const CheckResult curl = RunHttpCheck(spec, HttpClient::kCurl);
    EXPECT_EQ(minimal.state, expected) << minimal.text;
    EXPECT_EQ(curl.state, expected) << curl.text;
    if (expected != State::kCritical || !minimal.perfdata.empty()) {
      EXPECT_EQ(Stable(minimal.text), Stable(curl.text));
      EXPECT_EQ(Value(minimal, "size"), Value(curl, "size"));
    }
  }
  ScriptedServer server_;
};

TEST_F(HttpClientAgainstLibcurlTest, BothSendTheSameRequest) {
  server_.Reply("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  HttpCheckSpec post = Spec(server_.Url("/form?a=1"));
  post.method = "POST";
  post.body = "x=1&y=2";
  post.headers = {"X-Token: abc", "Accept: text/plain", "User-Agent:"};
  post.host_header = "example.test";
  HttpCheckSpec put = Spec(server_.Url("/"));
  put.method = "PUT";
  put.body = "{}";
  put.headers = {"Content-Type: application/json", "Connection:"};
  for (const HttpCheckSpec& spec : {Spec(server_.Url("/health")), post, put}) {
    ExpectSameResult(spec, State::kOk);
    const auto requests = server_.requests();
    ASSERT_GE(requests.size(), 2u);
    EXPECT_EQ(Lines(requests[requests.size() - 2]), Lines(requests.back()))
        << "minimal:\n"
        << requests[requests.size() - 2] << "libcurl:\n"
        << requests.back();
  }
}

TEST_F(HttpClientAgainstLibcurlTest, EveryWayABodyEnds) {
  server_.Reply("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
  ExpectSameResult(Spec(server_.Url("/")), State::kOk);
  server_.Reply(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n");
  ExpectSameResult(Spec(server_.Url("/")), State::kOk);
  server_.Reply("HTTP/1.0 200 OK\r\n\r\nuntil the end");
  ExpectSameResult(Spec(server_.Url("/")), State::kOk);
  server_.Reply("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
  ExpectSameResult(Spec(server_.Url("/")), State::kWarning);
  server_.Reply("HTTP/1.1 204 No Content\r\n\r\n", ScriptedServer::End::kHold);
  ExpectSameResult(Spec(server_.Url("/")), State::kOk);
  // The regex sees the body, however it was framed.
  server_.Reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  HttpCheckSpec regex = Spec(server_.Url("/"));
  regex.body_regex = "^abc$";
  ExpectSameResult(regex, State::kOk);
  regex.body_regex = "xyz";
  ExpectSameResult(regex, State::kCritical);
}

TEST_F(HttpClientAgainstLibcurlTest, BrokenResponsesAreCritical) {
  server_.Reply("");
  const CheckResult empty = RunHttpCheck(Spec(server_.Url("/")));
  EXPECT_EQ(empty.state, State::kCritical);
  EXPECT_EQ(empty.text, "Empty reply from server");
  EXPECT_EQ(RunHttpCheck(Spec(server_.Url("/")), HttpClient::kCurl).text,
            "Empty reply from server");

  server_.Reply("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
  const CheckResult partial = RunHttpCheck(Spec(server_.Url("/")));
  EXPECT_EQ(partial.state, State::kCritical);
  EXPECT_EQ(partial.text, "transfer closed with 7 bytes remaining to read");
  EXPECT_EQ(RunHttpCheck(Spec(server_.Url("/")), HttpClient::kCurl).text,
            "transfer closed with 7 bytes remaining to read");

  server_.Reply("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", ScriptedServer::End::kReset);
  const CheckResult reset = RunHttpCheck(Spec(server_.Url("/")));
  EXPECT_EQ(reset.state, State::kCritical);
  EXPECT_EQ(reset.text, "Recv failure: Connection reset by peer");

  server_.Reply("SSH-2.0-OpenSSH_9.2p1\r\n");
  EXPECT_EQ(RunHttpCheck(Spec(server_.Url("/"))).state, State::kCritical);
  EXPECT_EQ(RunHttpCheck(Spec(server_.Url("/")), HttpClient::kCurl).state, State::kCritical);

  server_.Reply("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n", ScriptedServer::End::kHold);
  HttpCheckSpec slow = Spec(server_.Url("/"));
  slow.timeout = 300ms;
  const CheckResult timed_out = RunHttpCheck(slow);
  EXPECT_EQ(timed_out.state, State::kCritical);
  EXPECT_EQ(timed_out.text.substr(0, 25), "Operation timed out after") << timed_out.text;
}

TEST_F(HttpClientAgainstLibcurlTest, ARefusedConnectionIsCritical) {
  // A port that was just free: nothing listens there.
  int port = 0;
  ::close(test::ListenOnLoopback(port));
  const CheckResult r =
      RunHttpCheck(Spec("http://127.0.0.1:" + std::to_string(port) + "/"), HttpClient::kAuto);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_EQ(r.text.substr(0, 34), "Failed to connect to 127.0.0.1 por") << r.text;
  EXPECT_NE(r.text.find("Couldn't connect to server (Connection refused)"), std::string::npos)
      << r.text;
}

TEST_F(HttpClientAgainstLibcurlTest, TheProbeRunsBothClientsSideBySide) {
  server_.Reply("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  HttpProbe probe(HttpProbe::Options{.queue_capacity = 100, .max_in_flight = 8});
  std::mutex mu;
  std::vector<CheckResult> results;
  std::condition_variable cv;
  constexpr int kChecks = 40;
  for (int i = 0; i < kChecks; ++i) {
    // Every other check has a redirect policy only libcurl has.
    HttpCheckSpec spec = Spec(server_.Url("/"));
    spec.follow_redirects = i % 2 == 1;
    ASSERT_TRUE(probe.Submit(spec, [&](CheckResult r) {
      std::lock_guard lock(mu);
      results.push_back(std::move(r));
      cv.notify_all();
    }));
  }
  std::unique_lock lock(mu);
  cv.wait_for(lock, 30s, [&] { return results.size() == kChecks; });
  ASSERT_EQ(results.size(), static_cast<std::size_t>(kChecks));
  for (const CheckResult& r : results) EXPECT_EQ(r.state, State::kOk) << r.text;
  EXPECT_EQ(probe.stats().minimal_client.load(), kChecks / 2);
  EXPECT_EQ(probe.stats().libcurl.load(), kChecks / 2);
}

}  // namespace
}  // namespace gs::probes
