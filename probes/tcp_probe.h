// TCP and TLS checks on Boost.Asio with C++20 coroutines: connect (every resolved address in
// turn), optionally a TLS handshake with SNI and certificate inspection (tls_inspect.h), then
// optionally send bytes and wait for a PCRE2 match in the reply. One deadline covers the whole
// check. StartTcpCheck may be called from any thread; its callback runs on a thread running
// the io_context. RunTcpCheck blocks the calling thread (for the command line).
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "probes/check_result.h"
#include "probes/range.h"

namespace gs::probes {

struct TcpCheckSpec {
  std::string host;                          // name or address literal (IPv6 without brackets)
  int port = 0;                              // 1..65535
  std::chrono::milliseconds timeout{10000};  // for the whole check, resolution included
  // Bytes to send after connecting (after the handshake for TLS); empty: nothing is sent.
  std::string send;
  // PCRE2 pattern (multiline) matched against what was received so far, after every read,
  // until it matches, the peer closes, kMaxExpectBytes arrived or the deadline passes.
  // Empty: nothing is read.
  std::string expect_regex;
  // Connect time in seconds (from the start of the check until the TCP connection is
  // established, name resolution included, as check_tcp measures it), Nagios ranges.
  Range warn_time;
  Range crit_time;
  bool tls = false;
  // Server name sent as SNI and checked against the certificate. Empty: the host when it is a
  // name; no SNI (and the certificate is checked for the IP address) when it is an address.
  std::string sni;
  bool verify_chain = true;     // chain must verify against ca_file or the system CA paths
  bool verify_hostname = true;  // leaf must match sni (or the host)
  std::string ca_file;          // PEM bundle (or a hashed directory); empty: system defaults
  // Days left of the soonest-expiring presented certificate: fewer than crit -> CRITICAL,
  // fewer than warn -> WARNING. Expired or not yet valid is CRITICAL regardless.
  std::optional<int> cert_warn_days;
  std::optional<int> cert_crit_days;
  std::string client_cert;  // PEM certificate chain presented when the server asks
  std::string client_key;   // PEM key; empty: taken from client_cert
  friend bool operator==(const TcpCheckSpec&, const TcpCheckSpec&) = default;
};

// At most this many bytes are read while waiting for expect_regex.
inline constexpr std::size_t kMaxExpectBytes = std::size_t{64} * 1024;

// Starts one check on `io`. `done` is called exactly once, from a thread running `io`, with
// the result: refused, unreachable, timed out, a failed handshake, a certificate problem or an
// unmatched reply are CRITICAL results with the reason; UNKNOWN only when the check could not
// run (bad port, invalid regex, unreadable CA or client certificate). If `io` is stopped and
// destroyed before the check completes, `done` is destroyed without being called.
//
// Text: "127.0.0.1:22 connected in 0.001 s, '^SSH-' matched in 21 bytes" or, with TLS,
// "127.0.0.1:443 TLSv1.3 handshake in 0.012 s, certificate CN=localhost valid 364 days (until
// 2027-11-22)"; each problem is appended as " - problem". Perfdata: time_connect (s, with the
// time thresholds), time_tls (s), days_left (with "N:" ranges), bytes_received (B, with
// send/expect).
void StartTcpCheck(boost::asio::io_context& io, TcpCheckSpec spec,
                   std::function<void(CheckResult)> done);

// Runs one check on a private io_context and returns its result (used by the command line).
CheckResult RunTcpCheck(const TcpCheckSpec& spec);

// Interprets the escapes check_tcp accepts in its send string: "\n", "\r", "\t" and "\\".
// A backslash before any other character, or at the end, is kept as it is.
std::string InterpretEscapes(std::string_view text);

// `text` quoted for a result line: printable ASCII verbatim, '"' and '\' escaped, "\r", "\n",
// "\t" and "\xNN" for other bytes; at most `max_bytes` of the input, then "...".
std::string QuoteBytes(std::string_view text, std::size_t max_bytes = 100);

}  // namespace gs::probes
