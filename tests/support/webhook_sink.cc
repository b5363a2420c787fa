// WebhookSink (webhook_sink.h): a blocking accept loop and one thread per connection.
#include "tests/support/webhook_sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <stdexcept>

namespace gs::test {
namespace {

constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
constexpr std::size_t kMaxBodyBytes = 4 * 1024 * 1024;
constexpr int kPollMs = 50;  // how often blocked threads look at the stop flag

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

bool SendAll(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

// Reads more bytes into `buffer`; false on EOF, error or stop.
bool ReadMore(int fd, std::string& buffer, const std::atomic<bool>& stop) {
  char chunk[16384];
  while (!stop) {
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, kPollMs);
    if (ready < 0) return false;
    if (ready == 0) continue;
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
  return false;
}

struct Request {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;
  std::string body;
};

// Parses the head (request line and headers, without the blank line); false when malformed.
bool ParseHead(const std::string& head, Request& r) {
  std::size_t at = head.find("\r\n");
  const std::string line = head.substr(0, at);
  const auto sp1 = line.find(' ');
  if (sp1 == std::string::npos) return false;
  const auto sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string::npos) return false;
  r.method = line.substr(0, sp1);
  r.path = line.substr(sp1 + 1, sp2 - sp1 - 1);
  while (at != std::string::npos) {
    const std::size_t start = at + 2;
    at = head.find("\r\n", start);
    const std::string field = head.substr(start, at == std::string::npos ? at : at - start);
    const auto colon = field.find(':');
    if (colon == std::string::npos) continue;
    r.headers[Lower(Trim(field.substr(0, colon)))] = Trim(field.substr(colon + 1));
  }
  return true;
}

// Reads one request from `fd` (keeping what follows in `buffer`); false on EOF, a malformed or
// oversized request, or stop.
bool ReadRequest(int fd, std::string& buffer, const std::atomic<bool>& stop, Request& r) {
  std::size_t end = std::string::npos;
  while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
    if (buffer.size() > kMaxHeaderBytes || !ReadMore(fd, buffer, stop)) return false;
  }
  if (!ParseHead(buffer.substr(0, end), r)) return false;
  buffer.erase(0, end + 4);
  const auto length = r.headers.find("content-length");
  const std::size_t size =
      length == r.headers.end() ? 0 : std::strtoul(length->second.c_str(), nullptr, 10);
  if (size > kMaxBodyBytes) return false;
  while (buffer.size() < size) {
    if (!ReadMore(fd, buffer, stop)) return false;
  }
  r.body = buffer.substr(0, size);
  buffer.erase(0, size);
  return true;
}

std::string StatusLine(int status, const char* reason) {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason +
         "\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n";
}

}  // namespace

WebhookSink::WebhookSink() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::listen(listen_fd_, 128) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (listen_fd_ >= 0) ::close(listen_fd_);
    throw std::runtime_error("WebhookSink: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(addr.sin_port);
  accept_thread_ = std::thread([this] { AcceptLoop(); });
}

WebhookSink::~WebhookSink() {
  stop_ = true;
  accept_thread_.join();
  Reap(/*all=*/true);
  ::close(listen_fd_);
}

std::string WebhookSink::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void WebhookSink::Misbehave(Mode mode, std::chrono::steady_clock::time_point until) {
  std::lock_guard lock(mu_);
  mode_ = mode;
  until_ = until;
}

void WebhookSink::SetHook(Hook hook) {
  std::lock_guard lock(mu_);
  hook_ = std::move(hook);
}

std::vector<WebhookSink::Delivery> WebhookSink::Deliveries() const {
  std::lock_guard lock(mu_);
  return deliveries_;
}

std::size_t WebhookSink::delivery_count() const {
  std::lock_guard lock(mu_);
  return deliveries_.size();
}

WebhookSink::Counts WebhookSink::counts() const {
  std::lock_guard lock(mu_);
  return counts_;
}

WebhookSink::Mode WebhookSink::CurrentMode() const {
  std::lock_guard lock(mu_);
  return std::chrono::steady_clock::now() < until_ ? mode_ : Mode::kAccept;
}

void WebhookSink::AcceptLoop() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, kPollMs) <= 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    Reap(/*all=*/false);
    if (connections_.size() >= kMaxConnections) {
      ::close(fd);
      continue;
    }
    auto c = std::make_unique<Connection>();
    c->fd = fd;
    Connection& ref = *c;
    c->thread = std::thread([this, &ref] { Serve(ref); });
    connections_.push_back(std::move(c));
  }
}

void WebhookSink::Reap(bool all) {
  for (auto it = connections_.begin(); it != connections_.end();) {
    if (all || (*it)->done) {
      (*it)->thread.join();
      it = connections_.erase(it);
    } else {
      ++it;
    }
  }
}

void WebhookSink::Hang(int fd) const {
  while (!stop_ && CurrentMode() == Mode::kHang) {
    pollfd p{fd, POLLIN | POLLRDHUP, 0};
    const int ready = ::poll(&p, 1, kPollMs);
    if (ready < 0 || (ready > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0)) return;
  }
}

void WebhookSink::Serve(Connection& c) {
  std::string buffer;
  for (;;) {
    Request r;
    if (!ReadRequest(c.fd, buffer, stop_, r)) break;
    const Delivery request{r.path, std::move(r.headers), std::move(r.body),
                           std::chrono::steady_clock::now()};
    const Mode mode = CurrentMode();
    Hook hook;
    {
      std::lock_guard lock(mu_);
      ++counts_.requests;
      hook = hook_;
    }
    if (!Answer(c.fd, mode, request, hook)) break;
  }
  ::close(c.fd);
  c.done = true;
}

bool WebhookSink::Answer(int fd, Mode mode, const Delivery& request, const Hook& hook) {
  if (hook && hook(Stage::kRead, request)) {
    std::lock_guard lock(mu_);
    ++counts_.dropped;
    return false;
  }
  if (mode == Mode::kHang) {
    Hang(fd);
    std::lock_guard lock(mu_);
    ++counts_.hung;
    return false;  // never answered: the client saw a timeout or a closed connection
  }
  if (mode == Mode::kFail) {
    {
      std::lock_guard lock(mu_);
      ++counts_.failed;
    }
    return SendAll(fd, StatusLine(500, "Internal Server Error"));
  }
  if (!SendAll(fd, StatusLine(200, "OK"))) return false;
  {
    std::lock_guard lock(mu_);
    ++counts_.accepted;
    deliveries_.push_back(request);
  }
  if (hook) hook(Stage::kAnswered, request);
  return true;
}

}  // namespace gs::test
