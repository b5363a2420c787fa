// NRPE probe: asks an NRPE agent (nrpe 2.x to 4.1, e.g. Debian's nagios-nrpe-server) to run
// one of its configured commands and returns the agent's plugin result, as check_nrpe does:
// plain TCP, anonymous-DH TLS (nrpe's default) or TLS with certificates, packet v4 with a
// fallback to v2. Asynchronous on Boost.Asio (C++20 coroutines, one strand per check).
//
// StartNrpeCheck may be called from any thread; the check runs on the given io_context, which
// may be run by one or more threads. RunNrpeCheck blocks its caller (the CLI). TLS contexts
// (SSL_CTX) are built once per (mode, certificate, key, CA, their modification times) and
// shared through a small process-wide cache guarded by a mutex.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "probes/check_result.h"

namespace gs::probes {

struct NrpeCheckSpec {
  std::string host;  // name or address of the agent
  int port = 5666;
  // The agent's command name (command[NAME] in nrpe.cfg). Empty: "_NRPE_CHECK", which asks
  // the agent for its version (check_nrpe without -c).
  std::string command{};
  // Sent as "command!arg1!arg2". Debian's nrpe is built without argument support and drops
  // such a request unanswered (an UNKNOWN result that says so).
  std::vector<std::string> args{};
  // One deadline for name resolution, connect, TLS handshake and the exchange, retry included.
  std::chrono::milliseconds timeout{10000};
  enum class Tls {
    kNone,         // plain TCP (nrpe -n, check_nrpe -n)
    kAnonymousDh,  // TLS <= 1.2, check_nrpe's cipher list with ADH, nothing verified
    kCertificate,  // TLS with a client certificate and/or verification of the agent's
  };
  Tls tls = Tls::kAnonymousDh;
  // kCertificate only. cert_file and key_file (PEM) go together and are presented to the
  // agent (nrpe's ssl_client_certs). ca_file (PEM): the agent's certificate must chain to it;
  // its host name is not checked, as with check_nrpe -A. Without ca_file nothing is verified.
  std::string cert_file{};
  std::string key_file{};
  std::string ca_file{};
  // 0: packet v4, and when that exchange fails after connecting, once more with v2 on a new
  // connection (check_nrpe's behaviour; nrpe 2.x only speaks v2). 2, 3 or 4: that version
  // only (nrpe 4.1 refuses v3: it closes the connection, an UNKNOWN result).
  int version = 0;
  // Connection problems (unresolvable host, refused, reset, timeout, TLS handshake failure)
  // are CRITICAL, or UNKNOWN with this set (check_nrpe -u).
  bool timeout_unknown = false;
  friend bool operator==(const NrpeCheckSpec&, const NrpeCheckSpec&) = default;
};

// Runs one check. `done` is called exactly once with the result, on a thread running `io`
// (never inside this call), unless `io` is stopped and destroyed before the check finishes.
// The result: the agent's output parsed as plugin output (first line, long text, perfdata)
// with the agent's exit code as its state; CRITICAL (or UNKNOWN, see timeout_unknown) on a
// connection problem, with check_nrpe's wording ("connect to 127.0.0.1:5666: Connection
// refused", "Socket timeout after 10 seconds"); UNKNOWN for an invalid spec, unreadable
// certificate files, a malformed answer or a connection closed without an answer.
void StartNrpeCheck(boost::asio::io_context& io, NrpeCheckSpec spec,
                    std::function<void(CheckResult)> done);

// Runs one check on a private io_context and returns its result (for the CLI).
CheckResult RunNrpeCheck(const NrpeCheckSpec& spec);

}  // namespace gs::probes
