#include "probes/http_client.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "probes/text_fields.h"

namespace gs::probes {

namespace {

// RFC 9110 tchar: what a method or header name may consist of.
bool IsToken(std::string_view s) {
  constexpr std::string_view kExtra = "!#$%&'*+-.^_`|~";
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           kExtra.find(c) != std::string_view::npos;
  });
}

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

// Visible ASCII only: anything else libcurl would encode or reject, and we leave that to it.
bool IsPlainTarget(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

// libcurl removes "." and ".." segments from the path (RFC 3986 section 5.2.4).
bool HasDotSegment(std::string_view path) {
  const std::size_t query = path.find('?');
  path = path.substr(0, query);
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    const std::string_view segment = path.substr(start, slash - start);
    if (segment == "." || segment == "..") return true;
    start = slash + 1;
  }
  return false;
}

std::string_view HeaderName(std::string_view header) { return header.substr(0, header.find(':')); }

std::string_view HeaderValue(std::string_view header) {
  const std::size_t colon = header.find(':');
  std::string_view value = colon == std::string_view::npos ? "" : header.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  return value;
}

// A header the check would send: "Name: value", the name a token, no line break.
bool IsSendableHeader(std::string_view header) {
  return header.find(':') != std::string_view::npos && IsToken(HeaderName(header)) &&
         !HasLineBreak(header);
}

bool ParsePort(std::string_view text, int& port) {
  if (text.empty() || text.size() > 5) return false;
  int n = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  if (n < 1 || n > 65535) return false;
  port = n;
  return true;
}

// Fills the address from an IP literal ("10.0.0.5" or "[::1]"); false for names.
bool ParseAddress(std::string_view host, int port, PlainHttpTarget& t) {
  t.address = {};
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    const std::string literal(host.substr(1, host.size() - 2));
    auto* a6 = reinterpret_cast<sockaddr_in6*>(&t.address);
    if (inet_pton(AF_INET6, literal.c_str(), &a6->sin6_addr) != 1) return false;
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons(static_cast<std::uint16_t>(port));
    t.address_size = sizeof(sockaddr_in6);
    return true;
  }
  const std::string literal(host);
  auto* a4 = reinterpret_cast<sockaddr_in*>(&t.address);
  // inet_pton takes only the four-part dotted decimal form; libcurl's shorthands (127.1,
  // octal, hex) are left to libcurl.
  if (inet_pton(AF_INET, literal.c_str(), &a4->sin_addr) != 1) return false;
  a4->sin_family = AF_INET;
  a4->sin_port = htons(static_cast<std::uint16_t>(port));
  t.address_size = sizeof(sockaddr_in);
  return true;
}

bool HasUserHeader(const HttpCheckSpec& spec, std::string_view name) {
  if (!spec.host_header.empty() && EqualsIgnoreCase(name, "Host")) return true;
  return std::any_of(spec.headers.begin(), spec.headers.end(),
                     [&](const std::string& h) { return EqualsIgnoreCase(HeaderName(h), name); });
}

void AppendHeader(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

// The spec sends a body, as libcurl's POSTFIELDS does (HttpTransfer::ApplyMethod).
bool SendsBody(const HttpCheckSpec& spec) {
  return spec.method != "HEAD" && (!spec.body.empty() || spec.method == "POST");
}

std::string_view ErrorText(int error) {
  const char* text = strerrordesc_np(error);
  return text != nullptr ? text : "unknown error";
}

}  // namespace

bool HttpProxyConfigured() {
  for (const char* name : {"http_proxy", "all_proxy", "ALL_PROXY"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && value[0] != '\0') return true;
  }
  return false;
}

std::optional<PlainHttpTarget> PlainHttpTarget::Parse(const HttpCheckSpec& spec,
                                                      bool proxy_configured) {
  if (proxy_configured || spec.follow_redirects || !spec.sni.empty() || !IsToken(spec.method) ||
      HasLineBreak(spec.host_header) ||
      !std::all_of(spec.headers.begin(), spec.headers.end(), IsSendableHeader)) {
    return std::nullopt;
  }
  std::string_view url = spec.url;
  constexpr std::string_view kScheme = "http://";
  if (url.size() <= kScheme.size() || !EqualsIgnoreCase(url.substr(0, kScheme.size()), kScheme)) {
    return std::nullopt;
  }
  url.remove_prefix(kScheme.size());
  url = url.substr(0, url.find('#'));
  const std::size_t authority_end = url.find_first_of("/?");
  const std::string_view authority = url.substr(0, authority_end);
  std::string_view rest =
      authority_end == std::string_view::npos ? std::string_view() : url.substr(authority_end);
  if (authority.find('@') != std::string_view::npos || !IsPlainTarget(rest) ||
      HasDotSegment(rest)) {
    return std::nullopt;
  }
  PlainHttpTarget t;
  // The port follows the last ':' after an IPv6 literal's ']'.
  const std::size_t bracket = authority.rfind(']');
  const std::size_t colon = authority.rfind(':');
  std::string_view host = authority;
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    if (!ParsePort(authority.substr(colon + 1), t.port)) return std::nullopt;
    host = authority.substr(0, colon);
  }
  if (!ParseAddress(host, t.port, t)) return std::nullopt;
  t.host = std::string(host);
  if (rest.empty() || rest.front() == '?') t.target = "/";
  t.target.append(rest);
  return t;
}

void BuildHttpRequest(const HttpCheckSpec& spec, const PlainHttpTarget& target, std::string& out) {
  out.append(spec.method).append(" ").append(target.target).append(" HTTP/1.1\r\n");
  // Host, then libcurl's other defaults, unless the check names them itself.
  if (!HasUserHeader(spec, "Host")) {
    out.append("Host: ").append(target.host);
    if (target.port != 80) out.append(":").append(std::to_string(target.port));
    out.append("\r\n");
  }
  if (!HasUserHeader(spec, "User-Agent"))
    AppendHeader(out, "User-Agent", "groundstation-check-http");
  if (!HasUserHeader(spec, "Accept")) AppendHeader(out, "Accept", "*/*");
  // One request per connection, said up front as check_http does: the server closes first
  // and keeps the TIME_WAIT, so a probe checking one address thousands of times does not
  // fill its own port range with them (connect()'s search for a free port then dominated the
  // kernel's work per check, bench/README.md).
  if (!HasUserHeader(spec, "Connection")) AppendHeader(out, "Connection", "close");
  bool host_sent = false;
  auto add_user = [&](std::string_view name, std::string_view value) {
    if (value.empty()) return;  // "Name:" removes a default header and sends nothing
    if (EqualsIgnoreCase(name, "Host")) {
      if (host_sent) return;  // libcurl uses the first one
      host_sent = true;
    }
    AppendHeader(out, name, value);
  };
  for (const std::string& header : spec.headers) add_user(HeaderName(header), HeaderValue(header));
  if (!spec.host_header.empty()) add_user("Host", spec.host_header);
  if (SendsBody(spec)) {
    if (!HasUserHeader(spec, "Content-Length")) {
      AppendHeader(out, "Content-Length", std::to_string(spec.body.size()));
    }
    if (!HasUserHeader(spec, "Content-Type")) {
      AppendHeader(out, "Content-Type", "application/x-www-form-urlencoded");
    }
  }
  out.append("\r\n");
  if (SendsBody(spec)) out.append(spec.body);
}

HttpConnection::~HttpConnection() { Release(); }

void HttpConnection::Release() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  // A pool of thousands of connections must not each keep a large buffer alive.
  if (body_.capacity() > 64 * 1024) std::string().swap(body_);
  if (request_.capacity() > 64 * 1024) std::string().swap(request_);
}

HttpConnection::Want HttpConnection::Start(const HttpCheckSpec& spec, const PlainHttpTarget& target,
                                           std::size_t keep_body) {
  Release();
  start_ = Clock::now();
  connected_at_ = first_byte_at_ = end_ = start_;
  connected_ = false;
  done_ = false;
  error_.clear();
  body_.clear();
  request_.clear();
  sent_ = 0;
  head_ = spec.method == "HEAD";
  host_ = target.host.size() > 2 && target.host.front() == '['
              ? target.host.substr(1, target.host.size() - 2)
              : target.host;
  port_ = target.port;
  parser_.Reset(head_, keep_body > 0 ? &body_ : nullptr, keep_body);
  BuildHttpRequest(spec, target, request_);
  fd_ = ::socket(target.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return ConnectFailed(errno);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&target.address), target.address_size) ==
      0) {
    return Connected();
  }
  if (errno != EINPROGRESS) return ConnectFailed(errno);
  // Over loopback and fast links the handshake has often finished by now: sending at once
  // saves waiting for writability (one epoll round trip). A socket still connecting refuses
  // with EAGAIN, a failed one with the connection's error.
  return Send();
}

HttpConnection::Want HttpConnection::Connected() {
  connected_ = true;
  connected_at_ = Clock::now();
  return Send();
}

HttpConnection::Want HttpConnection::Send() {
  while (sent_ < request_.size()) {
    const ssize_t n = ::send(fd_, request_.data() + sent_, request_.size() - sent_, MSG_NOSIGNAL);
    if (n >= 0) {
      if (!connected_) {
        connected_ = true;
        connected_at_ = Clock::now();
      }
      sent_ += static_cast<std::size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK || (!connected_ && errno == ENOTCONN)) {
      return Want::kWrite;
    }
    if (!connected_) return ConnectFailed(errno);
    return Finish("Send failure: " + std::string(ErrorText(errno)));
  }
  return Want::kRead;
}

HttpConnection::Want HttpConnection::OnReady(std::uint32_t events, std::span<char> scratch) {
  if (done_) return Want::kDone;
  if (!connected_) {
    if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) return Want::kWrite;
    int error = 0;
    socklen_t size = sizeof error;
    if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &size) != 0) error = errno;
    if (error != 0) return ConnectFailed(error);
    return Connected();
  }
  if (sent_ < request_.size()) return Send();
  return Receive(scratch);
}

HttpConnection::Want HttpConnection::Receive(std::span<char> scratch) {
  while (true) {
    const ssize_t n = ::recv(fd_, scratch.data(), scratch.size(), 0);
    if (n > 0) {
      if (!parser_.received_any()) first_byte_at_ = Clock::now();
      const auto status =
          parser_.Feed(std::string_view(scratch.data(), static_cast<std::size_t>(n)));
      if (status == HttpResponseParser::Status::kComplete) return Finish("");
      if (status == HttpResponseParser::Status::kError) return Finish(parser_.error());
      // A short read most likely emptied the socket: wait rather than read EAGAIN.
      if (static_cast<std::size_t>(n) < scratch.size()) return Want::kRead;
      continue;
    }
    if (n == 0) {
      const auto status = parser_.FeedEnd();
      return Finish(status == HttpResponseParser::Status::kComplete ? "" : parser_.error());
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Want::kRead;
    return Finish("Recv failure: " + std::string(ErrorText(errno)));
  }
}

void HttpConnection::TimeOut() {
  if (done_) return;
  const std::string ms = std::to_string(ElapsedMs());
  if (!connected_) {
    Finish("Connection timed out after " + ms + " milliseconds");
  } else {
    Finish("Operation timed out after " + ms + " milliseconds with " +
           std::to_string(parser_.body_size()) + " bytes received");
  }
}

void HttpConnection::Abort(std::string reason) {
  if (!done_) Finish(std::move(reason));
}

HttpConnection::Want HttpConnection::ConnectFailed(int error) {
  return Finish("Failed to connect to " + host_ + " port " + std::to_string(port_) + " after " +
                std::to_string(ElapsedMs()) + " ms: Couldn't connect to server (" +
                std::string(ErrorText(error)) + ")");
}

HttpConnection::Want HttpConnection::Finish(std::string error) {
  end_ = Clock::now();
  error_ = std::move(error);
  done_ = true;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  return Want::kDone;
}

long HttpConnection::ElapsedMs() const {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start_).count());
}

HttpMeasurements HttpConnection::Run(const HttpCheckSpec& spec, const PlainHttpTarget& target,
                                     std::size_t keep_body) {
  const auto deadline = Clock::now() + spec.timeout;
  std::vector<char> scratch(64 * 1024);
  auto want = Start(spec, target, keep_body);
  while (want != Want::kDone) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      TimeOut();
      break;
    }
    // poll's POLLIN/POLLOUT/POLLERR/POLLHUP have the values of their EPOLL* namesakes.
    pollfd p{fd_, static_cast<short>(want == Want::kWrite ? POLLOUT : POLLIN), 0};
    const int n = ::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 1000)));
    if (n < 0 && errno != EINTR) {
      Abort("poll failed: " + std::string(ErrorText(errno)));
      break;
    }
    if (n > 0) want = OnReady(static_cast<std::uint32_t>(p.revents), scratch);
  }
  return Collect();
}

HttpMeasurements HttpConnection::Collect() const {
  using Seconds = std::chrono::duration<double>;
  HttpMeasurements m;
  m.transfer_ok = done_ && error_.empty();
  m.error = error_;
  m.status = parser_.status_code();
  m.reason = parser_.reason();
  m.size = parser_.body_size();
  m.time_total = Seconds(end_ - start_).count();
  m.time_dns = 0;  // an IP address: nothing to resolve
  if (connected_) {
    m.time_connect = Seconds(connected_at_ - start_).count();
    if (parser_.received_any()) m.time_ttfb = Seconds(first_byte_at_ - connected_at_).count();
  }
  return m;
}

}  // namespace gs::probes
