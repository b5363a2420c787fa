// HTTP check evaluation: turns what one transfer measured into a CheckResult (state, text,
// perfdata), plus the small parsers it needs. Pure functions without I/O, so unit tests can
// feed measurements directly; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probes/check_result.h"
#include "probes/http_probe.h"

namespace gs::probes {

// What one HTTP transfer measured. Times are in seconds and are consecutive phases of the
// (last) request: dns + connect + tls + ttfb (waiting for the first response byte after the
// handshake) + body transfer = total.
struct HttpMeasurements {
  bool transfer_ok = true;  // false: no complete response (refused, timeout, TLS error...)
  std::string error;        // curl's message when !transfer_ok
  long status = 0;          // final HTTP status code
  std::string reason;       // reason phrase of the final status line ("" for HTTP/2)
  double time_total = 0;
  double time_dns = 0;
  double time_connect = 0;
  double time_tls = 0;
  double time_ttfb = 0;
  std::uint64_t size = 0;  // response body bytes received (all of them, not only those kept)
  bool tls = false;        // the final request went over TLS
  std::optional<std::int64_t> cert_days_left;  // leaf certificate, whole days (floor)
  std::optional<bool> body_matched;            // regex result; nullopt: no regex in the spec
  std::string regex_error;                     // the regex could not be evaluated
};

// Evaluates per the HttpCheckSpec contract; the worst state wins. Perfdata labels:
// time_total (with the spec's time thresholds), time_dns, time_connect, time_tls, time_ttfb,
// size, and cert_days_left over TLS. A failed transfer is CRITICAL with curl's message and
// no perfdata.
CheckResult EvaluateHttp(const HttpCheckSpec& spec, const HttpMeasurements& m);

class BodyRegex;

// Matches `body` against `regex` (when not null and the transfer succeeded), then
// EvaluateHttp: how either HTTP client's finished check becomes its result.
CheckResult EvaluateHttpResponse(const HttpCheckSpec& spec, HttpMeasurements m,
                                 std::string_view body, BodyRegex* regex);

// "200,301-302" (the inverse of ParseStatusRanges).
std::string FormatStatusRanges(const std::vector<StatusRange>& ranges);

// The standard reason phrase of common status codes ("Not Found"), "" for others.
std::string_view StandardReason(long status);

// Parses OpenSSL's certificate date text as curl's CERTINFO reports it
// ("Jan 29 12:00:00 2027 GMT", "Feb  1 00:00:00 2020 GMT").
std::optional<std::chrono::system_clock::time_point> ParseCertDate(std::string_view text);

// Whole days from `now` until `expiry`, rounded down (negative once expired).
std::int64_t DaysLeft(std::chrono::system_clock::time_point expiry,
                      std::chrono::system_clock::time_point now);

}  // namespace gs::probes
