#include "probes/tls_inspect.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string_view>
#include <system_error>

namespace gs::probes {

namespace {

namespace ssl = boost::asio::ssl;
using std::chrono::system_clock;

constexpr std::size_t kMaxNameBytes = 128;  // of a subject shown in a result
constexpr int kMaxListedNames = 8;          // subjectAltNames listed on a host name mismatch

std::int64_t ModifiedNs(const std::string& path) {
  if (path.empty()) return 0;
  std::error_code ec;
  const auto t = std::filesystem::last_write_time(path, ec);
  if (ec) return -1;
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

Result<bool> LoadTrust(ssl::context& ctx, const std::string& ca_file) {
  boost::system::error_code ec;
  std::error_code fs_ec;
  if (ca_file.empty()) {
    ctx.set_default_verify_paths(ec);
  } else if (std::filesystem::is_directory(ca_file, fs_ec)) {
    ctx.add_verify_path(ca_file, ec);
  } else if (!std::filesystem::exists(ca_file, fs_ec)) {
    return Fail("cannot load CA file " + ca_file + ": no such file");
  } else {
    ctx.load_verify_file(ca_file, ec);
  }
  if (!ec) return true;
  return Fail("cannot load " + (ca_file.empty() ? "the system CA paths" : "CA file " + ca_file) +
              ": " + ec.message());
}

Result<std::shared_ptr<ssl::context>> BuildContext(const TlsContextKey& key) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3);
  ctx->set_verify_mode(ssl::verify_none);
  if (key.load_trust) {
    if (auto ok = LoadTrust(*ctx, key.ca_file); !ok) return tl::unexpected(ok.error());
  }
  if (key.client_cert.empty()) return ctx;
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(key.client_cert, ec);
  if (ec) return Fail("cannot load client certificate " + key.client_cert + ": " + ec.message());
  const std::string& key_file = key.client_key.empty() ? key.client_cert : key.client_key;
  ctx->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) return Fail("cannot load client key " + key_file + ": " + ec.message());
  return ctx;
}

// Control characters replaced, at most kMaxNameBytes kept (names come from the network).
std::string Printable(std::string_view text) {
  std::string out;
  for (const char c : text.substr(0, kMaxNameBytes)) {
    const auto u = static_cast<unsigned char>(c);
    out += u < 0x20 || u == 0x7f ? '?' : c;
  }
  if (text.size() > kMaxNameBytes) out += "...";
  return out;
}

std::string_view AsnText(const ASN1_STRING* s) {
  if (s == nullptr || ASN1_STRING_length(s) <= 0) return {};
  return {reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
          static_cast<std::size_t>(ASN1_STRING_length(s))};
}

std::string NameText(const X509_NAME* name) {
  if (name == nullptr) return "(no name)";
  if (const int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1); i >= 0) {
    unsigned char* utf8 = nullptr;
    const int n =
        ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
    if (n >= 0) {
      std::string cn(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(n));
      OPENSSL_free(utf8);
      return "CN=" + Printable(cn);
    }
  }
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return "(unprintable name)";
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string text = length > 0 ? Printable({data, static_cast<std::size_t>(length)}) : "";
  BIO_free(bio);
  return text.empty() ? "(empty name)" : text;
}

// The time, or nullopt when unreadable. Years are clamped to 1900..2250, the range of
// system_clock's nanoseconds (notAfter 9999-12-31 means "no expiry" in RFC 5280).
std::optional<system_clock::time_point> ToTimePoint(const ASN1_TIME* t) {
  using namespace std::chrono;
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
  const year_month_day ymd{year{std::clamp(tm.tm_year + 1900, 1900, 2250)},
                           month{static_cast<unsigned>(tm.tm_mon + 1)},
                           day{static_cast<unsigned>(tm.tm_mday)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd} + hours{tm.tm_hour} + minutes{tm.tm_min} + seconds{tm.tm_sec};
}

CertificateInfo Describe(X509* cert, bool leaf) {
  CertificateInfo info;
  info.subject = NameText(X509_get_subject_name(cert));
  info.issuer = NameText(X509_get_issuer_name(cert));
  info.role = leaf ? "leaf" : X509_check_issued(cert, cert) == X509_V_OK ? "root" : "intermediate";
  const auto not_before = ToTimePoint(X509_get0_notBefore(cert));
  const auto not_after = ToTimePoint(X509_get0_notAfter(cert));
  info.dates_readable = not_before && not_after;
  if (info.dates_readable) {
    info.not_before = *not_before;
    info.not_after = *not_after;
  }
  return info;
}

std::string IpText(const ASN1_OCTET_STRING* ip) {
  const std::string_view bytes = AsnText(ip);
  char text[INET6_ADDRSTRLEN] = {};
  const int family = bytes.size() == 4 ? AF_INET : bytes.size() == 16 ? AF_INET6 : 0;
  if (family == 0 || inet_ntop(family, bytes.data(), text, sizeof text) == nullptr) return "?";
  return text;
}

// " (names: DNS:localhost, IP:127.0.0.1)", or "" without DNS/IP subjectAltNames.
std::string SubjectAltNames(X509* cert) {
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return "";
  std::string out;
  int listed = 0;
  const int count = sk_GENERAL_NAME_num(names);
  for (int i = 0; i < count && listed < kMaxListedNames; ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type != GEN_DNS && name->type != GEN_IPADD) continue;
    out += listed++ == 0 ? " (names: " : ", ";
    out += name->type == GEN_DNS ? "DNS:" + Printable(AsnText(name->d.dNSName))
                                 : "IP:" + IpText(name->d.iPAddress);
  }
  GENERAL_NAMES_free(names);
  if (listed == 0) return "";
  return out + (listed < count ? ", ...)" : ")");
}

std::optional<std::string> HostnameProblem(X509* leaf, const std::string& name) {
  if (leaf == nullptr) return "no certificate to match '" + Printable(name) + "'";
  boost::system::error_code ec;
  (void)boost::asio::ip::make_address(name, ec);
  const int match = !ec ? X509_check_ip_asc(leaf, name.c_str(), 0)
                        : X509_check_host(leaf, name.data(), name.size(),
                                          X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, nullptr);
  if (match == 1) return std::nullopt;
  return "certificate " + NameText(X509_get_subject_name(leaf)) + " does not match '" +
         Printable(name) + "'" + SubjectAltNames(leaf);
}

std::string Days(std::int64_t days) {
  return std::to_string(days) + (days == 1 ? " day" : " days");
}

// "2030-01-01 00:00 UTC".
std::string FormatDateTime(system_clock::time_point t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::hh_mm_ss hms{std::chrono::floor<std::chrono::seconds>(t - day)};
  char text[16];
  std::snprintf(text, sizeof text, " %02d:%02d UTC", static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()));
  return FormatDate(t) + text;
}

}  // namespace

TlsContextCache& TlsContextCache::Shared() {
  // Never destroyed: contexts must not be freed after OpenSSL's own atexit cleanup.
  static auto* cache = new TlsContextCache();
  return *cache;
}

Result<std::shared_ptr<ssl::context>> TlsContextCache::Get(const TlsContextKey& key) {
  Entry entry{key, ModifiedNs(key.load_trust ? key.ca_file : ""), ModifiedNs(key.client_cert),
              ModifiedNs(key.client_key)};
  std::lock_guard lock(mu_);
  if (auto it = entries_.find(entry); it != entries_.end()) return it->second;
  auto ctx = BuildContext(key);
  if (!ctx) return ctx;  // failures are not cached: the file may be fixed by the next run
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_.emplace(std::move(entry), *ctx);
  return ctx;
}

TlsSession InspectSession(ssl_st* ssl, const std::string& expected_name, bool check_hostname) {
  TlsSession session;
  session.version = SSL_get_version(ssl);
  session.verify_result = SSL_get_verify_result(ssl);
  // On the client side the presented chain starts with the leaf.
  STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
  const int count = chain != nullptr ? sk_X509_num(chain) : 0;
  for (int i = 0; i < count && session.chain.size() < kMaxChainLength; ++i) {
    session.chain.push_back(Describe(sk_X509_value(chain, i), i == 0));
  }
  X509* leaf = SSL_get0_peer_certificate(ssl);
  if (session.chain.empty() && leaf != nullptr) session.chain.push_back(Describe(leaf, true));
  if (check_hostname) session.hostname_problem = HostnameProblem(leaf, expected_name);
  return session;
}

TlsVerdict EvaluateExpiry(const std::vector<CertificateInfo>& chain, system_clock::time_point now,
                          std::optional<int> warn_days, std::optional<int> crit_days) {
  TlsVerdict v;
  v.state = State::kCritical;
  if (chain.empty()) {
    v.certificate_text = "no certificate presented";
    return v;
  }
  for (const CertificateInfo& c : chain) {
    if (!c.dates_readable) {
      v.certificate_text = c.role + " " + c.subject + " has unreadable validity dates";
      return v;
    }
  }
  const auto soonest =
      std::min_element(chain.begin(), chain.end(),
                       [](const auto& a, const auto& b) { return a.not_after < b.not_after; });
  const std::int64_t days = std::chrono::floor<std::chrono::days>(soonest->not_after - now).count();
  v.days_left = days;
  const std::string who = soonest->role + " " + soonest->subject;
  const std::string date = FormatDate(soonest->not_after);
  for (const CertificateInfo& c : chain) {
    if (c.not_before > now) {
      v.certificate_text =
          c.role + " " + c.subject + " not valid before " + FormatDateTime(c.not_before);
      return v;
    }
  }
  if (soonest->not_after <= now) {
    const auto ago = std::chrono::floor<std::chrono::days>(now - soonest->not_after).count();
    v.certificate_text =
        who + " expired " + (ago == 0 ? "today" : Days(ago) + " ago") + " (" + date + ")";
    return v;
  }
  v.state = State::kOk;
  if (crit_days && days < *crit_days) {
    v.state = State::kCritical;
  } else if (warn_days && days < *warn_days) {
    v.state = State::kWarning;
  }
  if (v.state != State::kOk) {
    v.certificate_text =
        who + " expires " + (days == 0 ? "today" : "in " + Days(days)) + " (" + date + ")";
  } else {
    v.certificate_text = "certificate " + chain.front().subject +
                         (soonest == chain.begin() ? "" : ", " + who) + " valid " + Days(days) +
                         " (until " + date + ")";
  }
  return v;
}

TlsVerdict EvaluateTls(const TlsSession& session, const TlsPolicy& policy,
                       system_clock::time_point now) {
  TlsVerdict v = EvaluateExpiry(session.chain, now, policy.warn_days, policy.crit_days);
  if (policy.verify_chain && session.verify_result != X509_V_OK) {
    // The expiry check names the element and date; OpenSSL's "certificate has expired" would
    // only repeat it.
    const bool validity = session.verify_result == X509_V_ERR_CERT_HAS_EXPIRED ||
                          session.verify_result == X509_V_ERR_CERT_NOT_YET_VALID;
    if (!validity || v.state != State::kCritical) {
      v.problems.push_back(std::string("certificate verify failed: ") +
                           X509_verify_cert_error_string(session.verify_result));
      v.state = State::kCritical;
    }
  }
  if (policy.verify_hostname && session.hostname_problem) {
    v.problems.push_back(*session.hostname_problem);
    v.state = State::kCritical;
  }
  return v;
}

std::string DescribeChain(const std::vector<CertificateInfo>& chain) {
  std::string text;
  for (const CertificateInfo& c : chain) {
    if (!text.empty()) text += '\n';
    text += c.role + " " + c.subject + ", issuer " + c.issuer;
    if (c.dates_readable) {
      text += ", valid " + FormatDate(c.not_before) + " to " + FormatDate(c.not_after);
    }
  }
  return text;
}

std::string FormatDate(system_clock::time_point t) {
  const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(t)};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return text;
}

}  // namespace gs::probes
