// TLS client pieces of the TCP probe: TlsContextCache (one client SSL_CTX per trust and client
// certificate setting, because loading CA stores is costly), inspection of what a server
// presented in a finished handshake (every certificate's validity, host name match, chain
// verification result) and the pure evaluation of those findings into a state and text.
// TlsContextCache is thread-safe; InspectSession reads the SSL object it is given (use it from
// the thread that owns that session); the other functions are pure and thread-safe.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "probes/result.h"
#include "probes/state.h"

struct ssl_st;

namespace gs::probes {

// What a client context is built from. Contexts never verify during the handshake
// (SSL_VERIFY_NONE): the handshake always completes so its certificates can be inspected, and
// the chain verdict is read afterwards with SSL_get_verify_result.
struct TlsContextKey {
  bool load_trust = true;   // load ca_file, or the system default paths when it is empty
  std::string ca_file;      // PEM bundle or hashed directory
  std::string client_cert;  // PEM chain presented to servers that ask; empty: none
  std::string client_key;   // PEM key; empty: read from client_cert
  friend auto operator<=>(const TlsContextKey&, const TlsContextKey&) = default;
};

class TlsContextCache {
 public:
  // The context for `key`, built on first use (files are read then, under the cache's lock).
  // A file whose modification time changed since gets a fresh context, so a renewed CA bundle
  // or client certificate is picked up. Fails with a message naming the file that could not
  // be loaded. At most kMaxEntries contexts are kept (beyond that the cache starts over;
  // contexts still in use stay alive through their shared_ptr).
  [[nodiscard]] Result<std::shared_ptr<boost::asio::ssl::context>> Get(const TlsContextKey& key);

  // The cache StartTcpCheck uses. A process-wide memo without observable state of its own,
  // which is why it may be shared rather than passed around.
  static TlsContextCache& Shared();

  static constexpr std::size_t kMaxEntries = 64;

 private:
  // The key plus the modification times (ns since epoch, -1: missing) of its three files.
  using Entry = std::tuple<TlsContextKey, std::int64_t, std::int64_t, std::int64_t>;
  std::mutex mu_;
  std::map<Entry, std::shared_ptr<boost::asio::ssl::context>> entries_;
};

// One certificate the server presented.
struct CertificateInfo {
  std::string role;     // "leaf" (the first), "intermediate", or "root" (self-issued)
  std::string subject;  // "CN=localhost"; the RFC 2253 subject when there is no CN
  std::string issuer;   // same form
  bool dates_readable = true;
  std::chrono::system_clock::time_point not_before{};
  std::chrono::system_clock::time_point not_after{};
};

// The findings of one handshake, as InspectSession reads them.
struct TlsSession {
  std::string version;                 // "TLSv1.3"
  std::vector<CertificateInfo> chain;  // as presented, leaf first (at most kMaxChainLength)
  long verify_result = 0;              // SSL_get_verify_result; 0 is X509_V_OK
  // Why the leaf does not match the expected name; nullopt when it matches or was not checked.
  std::optional<std::string> hostname_problem;
};

inline constexpr std::size_t kMaxChainLength = 16;

// Reads the version, presented chain and verify result of a completed handshake. With
// `check_hostname`, the leaf is matched against `expected_name` (X509_check_host, or
// X509_check_ip_asc when it is an IP address literal).
TlsSession InspectSession(ssl_st* ssl, const std::string& expected_name, bool check_hostname);

// How a TLS session is judged.
struct TlsPolicy {
  bool verify_chain = true;
  bool verify_hostname = true;
  std::optional<int> warn_days;
  std::optional<int> crit_days;
};

struct TlsVerdict {
  State state = State::kOk;
  // The certificate phrase: "certificate CN=localhost valid 364 days (until 2027-11-22)",
  // or the problem with the soonest-expiring element: "leaf CN=localhost expires in 4 days
  // (2026-11-27)", "intermediate CN=Sub CA expired 3 days ago (2026-11-20)", "leaf
  // CN=localhost not valid before 2030-01-01 00:00 UTC".
  std::string certificate_text;
  std::vector<std::string> problems;      // chain and host name problems, in that order
  std::optional<std::int64_t> days_left;  // of the soonest-expiring element, floor
};

// Validity of every presented certificate at `now` against the day thresholds (the
// certificate part of EvaluateTls).
TlsVerdict EvaluateExpiry(const std::vector<CertificateInfo>& chain,
                          std::chrono::system_clock::time_point now, std::optional<int> warn_days,
                          std::optional<int> crit_days);

// Expiry, then the chain verdict (unless !verify_chain; an expiry error already reported by
// the expiry check is not repeated), then the host name (unless !verify_hostname).
TlsVerdict EvaluateTls(const TlsSession& session, const TlsPolicy& policy,
                       std::chrono::system_clock::time_point now);

// One line per certificate for the long output: "leaf CN=localhost, issuer CN=Test CA, valid
// 2025-11-22 to 2026-11-22".
std::string DescribeChain(const std::vector<CertificateInfo>& chain);

// "2026-11-27" (UTC).
std::string FormatDate(std::chrono::system_clock::time_point t);

}  // namespace gs::probes
