#include "probes/nrpe_tls.h"

#include <openssl/err.h>

#include <array>
#include <boost/asio/ssl.hpp>
#include <filesystem>
#include <string>

namespace gs::probes {

namespace {

namespace ssl = boost::asio::ssl;
using Tls = NrpeCheckSpec::Tls;

// check_nrpe's default cipher list: every suite including anonymous DH, at security level 0
// so that OpenSSL 3 still offers ADH and accepts nrpe's DH parameters.
constexpr const char* kAnonymousCiphers = "ALL:!MD5:@STRENGTH:@SECLEVEL=0";
constexpr std::size_t kMaxCachedContexts = 16;

// The first error OpenSSL queued (the cause), emptying the queue.
std::string OpenSslError() {
  const unsigned long first = ERR_get_error();
  ERR_clear_error();
  if (first == 0) return "unknown OpenSSL error";
  std::array<char, 256> text{};
  ERR_error_string_n(first, text.data(), text.size());
  return text.data();
}

Result<std::shared_ptr<ssl::context>> MakeContext(const NrpeCheckSpec& spec) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  SSL_CTX* ctx = context->native_handle();
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  if (spec.tls == Tls::kAnonymousDh) {
    // TLS 1.3 has no anonymous suites, and with nothing verified it would add nothing.
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    if (SSL_CTX_set_cipher_list(ctx, kAnonymousCiphers) != 1) {
      return Fail("TLS cipher list: " + OpenSslError());
    }
    return context;
  }
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (!spec.cert_file.empty()) {
    if (SSL_CTX_use_certificate_chain_file(ctx, spec.cert_file.c_str()) != 1) {
      return Fail("cannot load client certificate " + spec.cert_file + ": " + OpenSslError());
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, spec.key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
      return Fail("cannot use private key " + spec.key_file + ": " + OpenSslError());
    }
  }
  if (!spec.ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, spec.ca_file.c_str(), nullptr) != 1) {
      return Fail("cannot load CA certificates " + spec.ca_file + ": " + OpenSslError());
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  }
  return context;
}

// A file's modification time, part of the cache key so that a renewed certificate gets a
// new context; -1 when it cannot be read (loading then fails with OpenSSL's message).
std::string ModifiedTime(const std::string& path) {
  if (path.empty()) return "0";
  std::error_code ec;
  const auto time = std::filesystem::last_write_time(path, ec);
  return ec ? "-1" : std::to_string(time.time_since_epoch().count());
}

// TLS contexts by mode and files. Thread-safe; bounded (when full it starts over: contexts
// still in use live on in their checks through their shared_ptr).
class TlsContextCache {
 public:
  Result<std::shared_ptr<ssl::context>> Get(const NrpeCheckSpec& spec) {
    std::string key = std::to_string(static_cast<int>(spec.tls));
    if (spec.tls == Tls::kCertificate) {
      for (const std::string* file : {&spec.cert_file, &spec.key_file, &spec.ca_file}) {
        key += '\0' + *file + '\0' + ModifiedTime(*file);
      }
    }
    {
      const std::lock_guard lock(mu_);
      if (auto it = contexts_.find(key); it != contexts_.end()) return it->second;
    }
    auto context = MakeContext(spec);  // outside the lock: it reads files
    if (!context) return context;
    const std::lock_guard lock(mu_);
    if (contexts_.size() >= kMaxCachedContexts) contexts_.clear();
    contexts_.emplace(key, *context);
    return context;
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<ssl::context>> contexts_;
};

TlsContextCache& TlsContexts() {
  static TlsContextCache cache;
  return cache;
}

}  // namespace

Result<std::shared_ptr<ssl::context>> NrpeTlsContext(const NrpeCheckSpec& spec) {
  return TlsContexts().Get(spec);
}

TlsSessionCache::~TlsSessionCache() { ClearLocked(); }

void TlsSessionCache::Offer(const std::string& key, SSL* ssl) {
  const std::lock_guard lock(mu_);
  if (auto it = sessions_.find(key); it != sessions_.end()) SSL_set_session(ssl, it->second);
}

void TlsSessionCache::Keep(const std::string& key, SSL* ssl) {
  if (SSL_session_reused(ssl) == 1) ++resumed_;
  SSL_SESSION* session = SSL_get1_session(ssl);
  if (session == nullptr) return;
  const std::lock_guard lock(mu_);
  if (sessions_.size() >= kMaxSessions) ClearLocked();
  auto [it, inserted] = sessions_.try_emplace(key, session);
  if (!inserted) {
    SSL_SESSION_free(it->second);
    it->second = session;
  }
}

void TlsSessionCache::Forget(const std::string& key) {
  const std::lock_guard lock(mu_);
  if (auto it = sessions_.find(key); it != sessions_.end()) {
    SSL_SESSION_free(it->second);
    sessions_.erase(it);
  }
}

void TlsSessionCache::ClearLocked() {
  for (auto& [key, session] : sessions_) SSL_SESSION_free(session);
  sessions_.clear();
}

TlsSessionCache& NrpeTlsSessions() {
  static TlsSessionCache cache;
  return cache;
}

}  // namespace gs::probes
