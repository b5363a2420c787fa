// HttpProbe: HTTP(S) checks. One worker thread drives every transfer (no thread per check)
// on one epoll set: plain http:// checks to an IP address through the minimal client of
// http_client.h, everything else (TLS, names, redirects, proxies) through libcurl's multi
// interface. Submit() is thread-safe and never blocks.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "probes/check_result.h"
#include "probes/range.h"

namespace gs::probes {

// An inclusive range of HTTP status codes: 200..200, 200..299.
struct StatusRange {
  int low = 0;
  int high = 0;
  friend bool operator==(const StatusRange&, const StatusRange&) = default;
};

// Parses "200", "200,301", "200-299,404" into ranges; fails on anything else.
[[nodiscard]] Result<std::vector<StatusRange>> ParseStatusRanges(std::string_view text);

// Everything one HTTP check needs; templates such as {address} are already expanded.
struct HttpCheckSpec {
  std::string url;
  std::string method = "GET";
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // request body (POST/PUT), may be empty
  std::string host_header;           // overrides Host: when not empty
  // TLS server name (SNI and certificate name) when it differs from the URL's host: the
  // connection still goes to the URL's host, the TLS handshake and Host use this name.
  std::string sni;
  bool follow_redirects = false;
  int max_redirects = 5;
  bool verify_tls = true;
  std::chrono::milliseconds timeout{10'000};
  // Empty: 1xx-3xx are OK, 4xx WARNING, 5xx CRITICAL (as check_http). Otherwise any code
  // outside these ranges is CRITICAL.
  std::vector<StatusRange> expect_status;
  std::string body_regex;  // PCRE2; a miss is CRITICAL. Empty: not checked.
  Range warn_time;         // seconds, Nagios range
  Range crit_time;
  std::optional<int> cert_warn_days;  // leaf certificate days left; checked only over TLS
  std::optional<int> cert_crit_days;
};

// Counters, readable from any thread (exported on /metrics).
struct HttpProbeStats {
  std::atomic<std::uint64_t> submitted{0};
  std::atomic<std::uint64_t> completed{0};
  std::atomic<std::uint64_t> rejected{0};  // queue full
  std::atomic<std::int64_t> queued{0};
  std::atomic<std::int64_t> in_flight{0};
  std::atomic<std::uint64_t> minimal_client{0};  // checks started on the minimal client
  std::atomic<std::uint64_t> libcurl{0};         // checks started on libcurl
};

// Which client runs a check: kAuto takes the minimal client whenever it can run the check as
// libcurl would (PlainHttpTarget::Parse), kCurl always libcurl.
enum class HttpClient { kAuto, kCurl };

class HttpProbe {
 public:
  struct Options {
    std::size_t queue_capacity = 20'000;  // checks waiting to start
    std::size_t max_in_flight = 2'000;    // concurrent transfers
    HttpClient client = HttpClient::kAuto;
  };
  using Callback = std::function<void(CheckResult)>;

  explicit HttpProbe(Options options);
  HttpProbe() : HttpProbe(Options{}) {}
  // Stops the worker; checks still queued or running complete with UNKNOWN "shutting down".
  ~HttpProbe();
  HttpProbe(const HttpProbe&) = delete;
  HttpProbe& operator=(const HttpProbe&) = delete;

  // Queues one check. Returns false (and counts it in stats().rejected) when the queue is
  // full; `done` is then never called. Otherwise `done` is called exactly once, on the
  // probe's worker thread: it must not block (post the result elsewhere).
  bool Submit(HttpCheckSpec spec, Callback done);

  [[nodiscard]] const HttpProbeStats& stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Runs one check synchronously (used by `groundstation check http`), on the same client the
// probe would choose.
CheckResult RunHttpCheck(const HttpCheckSpec& spec, HttpClient client = HttpClient::kAuto);

}  // namespace gs::probes
