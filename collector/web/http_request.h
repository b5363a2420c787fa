// Request, Response and the sans-I/O half of the HTTP server: turning raw bytes or a parsed
// Beast message into a validated Request (normalised path, decoded query, size limits), and
// the bearer-token check for write endpoints. Pure functions on values; safe from any thread.
//
// Kept apart from the socket code so tests and the fuzz target can feed canned bytes through
// exactly the parser and limits the server uses.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <utility>
#include <vector>

namespace gs::collector::web {

// One HTTP request as a handler sees it. Every field is already validated and decoded.
struct Request {
  std::string method;  // "GET", "POST", ...; HEAD reaches GET handlers as "HEAD".
  std::string path;    // percent-decoded, normalised: starts with '/', no "." or ".." segments.
  std::string query;   // raw, after '?', not decoded.
  std::map<std::string, std::string> query_params;  // decoded; the first occurrence wins.
  std::string body;
  std::string authorization;  // the Authorization header value, "" if absent.
  std::string remote;         // peer "ip:port"; "" when parsed offline.
};

// What a handler returns. The server adds Content-Length, Server and (unless the handler set
// one) Cache-Control: no-store.
struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Bounds applied to every request before it reaches a handler.
struct RequestLimits {
  std::size_t max_header_bytes = 16 * 1024;  // request line + headers; over it: 431.
  std::size_t max_body_bytes = 1 << 20;      // over it: 413.
  std::size_t max_query_params = 64;         // over it: 400.
};

// A request refused before it reached a handler: the status to answer with and a short reason
// (sent as the response body, so it never echoes request bytes).
struct RequestError {
  int status = 400;
  std::string message;
};

template <typename T>
using RequestResult = tl::expected<T, RequestError>;

// Decodes %XX escapes (and '+' as space when `plus_is_space`). Fails on a malformed escape
// or a decoded NUL byte.
RequestResult<std::string> PercentDecode(std::string_view in, bool plus_is_space);

// Percent-encodes every byte outside RFC 3986 "unreserved" (for building links).
std::string PercentEncode(std::string_view in);

// Decodes and normalises an origin-form path ("/a/./b//c" -> "/a/b/c", trailing '/' kept).
// Fails with 400 on a path not starting with '/', "..", NUL, control bytes, bad escapes.
RequestResult<std::string> NormalizePath(std::string_view raw_path);

// Parses "a=1&b=x%20y&flag" into decoded pairs (a bare key maps to ""). Fails with 400 on a
// bad escape or more than limits.max_query_params parameters.
RequestResult<std::map<std::string, std::string>> ParseQuery(std::string_view query,
                                                             const RequestLimits& limits);

// Validates the request-target and fills path, query and query_params of `out`.
RequestResult<void> ParseTarget(std::string_view target, const RequestLimits& limits, Request& out);

// Parses one complete HTTP/1.x request from `raw` with the same Beast parser, limits and
// validation the server uses. Bytes after the first request are ignored. An incomplete
// request fails with 400. Used by the fuzz target and the tests.
RequestResult<Request> ParseRequestBytes(std::string_view raw, const RequestLimits& limits);

// True iff `request.authorization` is exactly "Bearer <token>". The comparison takes the
// same time wherever the first difference is. An empty token authorises nobody.
bool AuthorizedBearer(const Request& request, std::string_view token);

}  // namespace gs::collector::web
