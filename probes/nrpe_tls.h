// The NRPE client's TLS state shared between checks: one OpenSSL context per mode and set of
// certificate files, and the last TLS session with each agent so that checks resume it
// instead of repeating the handshake. Internal to the NRPE probe; thread-safe.
#pragma once

#include <openssl/ssl.h>

#include <atomic>
#include <boost/asio/ssl/context.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "probes/nrpe_probe.h"
#include "probes/result.h"

namespace gs::probes {

// The context for `spec`'s TLS mode (kAnonymousDh or kCertificate): made on first use (which
// reads the certificate files) and cached by mode, file names and modification times, so a
// renewed certificate gets a new context. Fails naming the file OpenSSL could not use.
Result<std::shared_ptr<boost::asio::ssl::context>> NrpeTlsContext(const NrpeCheckSpec& spec);

// The last TLS session with each agent (host:port) per context, used in anonymous-DH mode
// (nrpe fails resumed handshakes when it asks for client certificates). There a resumption
// saves the 2048-bit DH key exchange on both sides, most of a check's CPU. nrpe
// forks per connection, but its session tickets are sealed with a key its parent made once,
// so every child accepts them; an agent that does not (restarted, tickets off) just does a
// full handshake. SSL_SESSION is reference-counted and may be shared between threads.
class TlsSessionCache {
 public:
  static constexpr std::size_t kMaxSessions = 4096;

  TlsSessionCache() = default;
  TlsSessionCache(const TlsSessionCache&) = delete;
  TlsSessionCache& operator=(const TlsSessionCache&) = delete;
  ~TlsSessionCache();

  // Before the handshake: offers the last session kept under `key`, if any.
  void Offer(const std::string& key, SSL* ssl);
  // After a successful handshake: keeps the session it ended with for the next check.
  void Keep(const std::string& key, SSL* ssl);
  // After a failed handshake: the next check starts afresh.
  void Forget(const std::string& key);

  // Handshakes that resumed a kept session (counted by Keep).
  [[nodiscard]] std::uint64_t resumed() const { return resumed_.load(); }

 private:
  void ClearLocked();  // REQUIRES: mu_ held, or no other user left

  std::mutex mu_;
  std::map<std::string, SSL_SESSION*> sessions_;  // guarded by mu_; owns one reference each
  std::atomic<std::uint64_t> resumed_{0};
};

// The process-wide session cache of NRPE checks.
TlsSessionCache& NrpeTlsSessions();

}  // namespace gs::probes
