#include "collector/web/http_request.h"

// GCC 12 reports a false -Wmaybe-uninitialized inside Beast's parser (a boost::optional in
// basic_parser::content_length, inlined into put()). Must precede the Beast includes.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <cctype>
#include <string_view>

#include "collector/web/beast_request.h"

namespace gs::collector::web {
namespace {

namespace http = boost::beast::http;

tl::unexpected<RequestError> Bad(std::string message, int status = 400) {
  return tl::unexpected<RequestError>(RequestError{status, std::move(message)});
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsControl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace

RequestResult<std::string> PercentDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      const int hi = i + 2 < in.size() ? HexValue(in[i + 1]) : -1;
      const int lo = hi >= 0 ? HexValue(in[i + 2]) : -1;
      if (lo < 0) return Bad("malformed percent-escape");
      c = static_cast<char>(hi * 16 + lo);
      if (c == '\0') return Bad("NUL byte (%00) not allowed");
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    out.push_back(c);
  }
  return out;
}

std::string PercentEncode(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size());
  for (const char c : in) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0x0f]);
    }
  }
  return out;
}

RequestResult<std::string> NormalizePath(std::string_view raw_path) {
  if (raw_path.empty() || raw_path.front() != '/') return Bad("path must start with '/'");
  auto decoded = PercentDecode(raw_path, /*plus_is_space=*/false);
  if (!decoded) return tl::unexpected(decoded.error());
  std::string out;
  std::string_view rest = *decoded;
  while (!rest.empty()) {
    const std::size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") return Bad("\"..\" not allowed in path");
    for (const char c : segment) {
      if (IsControl(c)) return Bad("control byte in path");
    }
    out.push_back('/');
    out.append(segment);
  }
  if (out.empty() || decoded->back() == '/') out.push_back('/');
  return out;
}

RequestResult<std::map<std::string, std::string>> ParseQuery(std::string_view query,
                                                             const RequestLimits& limits) {
  std::map<std::string, std::string> params;
  std::size_t count = 0;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    if (++count > limits.max_query_params) return Bad("too many query parameters");
    const std::size_t eq = pair.find('=');
    auto key = PercentDecode(pair.substr(0, eq), /*plus_is_space=*/true);
    auto value = PercentDecode(
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!key || !value) return Bad("malformed query string");
    params.emplace(std::move(*key), std::move(*value));  // emplace keeps the first occurrence
  }
  return params;
}

RequestResult<void> ParseTarget(std::string_view target, const RequestLimits& limits,
                                Request& out) {
  if (target.find('#') != std::string_view::npos) return Bad("fragment not allowed in target");
  const std::size_t q = target.find('?');
  auto path = NormalizePath(target.substr(0, q));
  if (!path) return tl::unexpected(path.error());
  out.path = std::move(*path);
  out.query = q == std::string_view::npos ? std::string() : std::string(target.substr(q + 1));
  auto params = ParseQuery(out.query, limits);
  if (!params) return tl::unexpected(params.error());
  out.query_params = std::move(*params);
  return {};
}

void ApplyLimits(const RequestLimits& limits, BeastParser& parser) {
  parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  parser.body_limit(limits.max_body_bytes);
  parser.eager(true);
}

RequestError ErrorForParse(const boost::beast::error_code& ec) {
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
    return {431, "request header too large"};
  }
  if (ec == http::error::body_limit) return {413, "request body too large"};
  return {400, "malformed request: " + ec.message()};
}

RequestResult<Request> FromBeast(BeastRequest&& message, const RequestLimits& limits,
                                 std::string remote) {
  if (message.version() == 11 && message.find(http::field::host) == message.end()) {
    return Bad("missing Host header");
  }
  Request request;
  request.method = std::string(message.method_string());
  if (auto target = ParseTarget(message.target(), limits, request); !target) {
    return tl::unexpected(target.error());
  }
  request.authorization = std::string(message[http::field::authorization]);
  request.body = std::move(message.body());
  request.remote = std::move(remote);
  return request;
}

RequestResult<Request> ParseRequestBytes(std::string_view raw, const RequestLimits& limits) {
  BeastParser parser;
  ApplyLimits(limits, parser);
  boost::beast::error_code ec;
  while (!parser.is_done()) {
    const std::size_t used = parser.put(boost::asio::buffer(raw.data(), raw.size()), ec);
    raw.remove_prefix(used);
    if (ec == http::error::need_more || (!ec && used == 0)) return Bad("incomplete request");
    if (ec) return tl::unexpected(ErrorForParse(ec));
  }
  return FromBeast(parser.release(), limits, /*remote=*/"");
}

bool AuthorizedBearer(const Request& request, std::string_view token) {
  constexpr std::string_view kScheme = "Bearer ";
  const std::string_view got = request.authorization;
  if (token.empty() || got.size() < kScheme.size()) return false;
  if (!EqualsIgnoreCase(got.substr(0, kScheme.size()), kScheme)) return false;
  const std::string_view presented = got.substr(kScheme.size());
  // Touch every byte of the expected token whatever the input, so timing reveals nothing
  // about how much of a guess was right.
  std::size_t diff = presented.size() ^ token.size();
  for (std::size_t i = 0; i < token.size(); ++i) {
    const char c = i < presented.size() ? presented[i] : '\0';
    diff |= static_cast<unsigned char>(c ^ token[i]);
  }
  return diff == 0;
}

}  // namespace gs::collector::web
