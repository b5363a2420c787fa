#include "probes/http_transfer.h"

#include <strings.h>

#include <algorithm>
#include <memory>
#include <mutex>

namespace gs::probes {

namespace {

struct CurlFree {
  void operator()(char* p) const { curl_free(p); }
};
using CurlString = std::unique_ptr<char, CurlFree>;

struct CurlUrlFree {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

// "Connection: close" as a header list that lives as long as the process (libcurl only reads
// it), shared by every plain GET.
curl_slist* ConnectionCloseList() {
  static curl_slist item{const_cast<char*>("Connection: close"), nullptr};
  return &item;
}

double Seconds(curl_off_t microseconds) { return static_cast<double>(microseconds) / 1e6; }

std::string_view TrimLineEnd(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n' || s.back() == ' ')) {
    s.remove_suffix(1);
  }
  return s;
}

curl_off_t GetTime(CURL* easy, CURLINFO info) {
  curl_off_t value = 0;
  if (curl_easy_getinfo(easy, info, &value) != CURLE_OK) return 0;
  return value;
}

}  // namespace

void EnsureCurlInitialized() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HttpTransfer::HttpTransfer() {
  EnsureCurlInitialized();
  easy_ = curl_easy_init();
}

HttpTransfer::~HttpTransfer() {
  Release();
  curl_easy_cleanup(easy_);
}

void HttpTransfer::Release() {
  curl_slist_free_all(headers_);
  headers_ = nullptr;
  curl_slist_free_all(connect_to_);
  connect_to_ = nullptr;
  // A pool of thousands of transfers must not each keep a large body buffer alive.
  if (body_.capacity() > 64 * 1024) std::string().swap(body_);
}

Result<bool> HttpTransfer::Prepare(const HttpCheckSpec& spec, bool keep_body) {
  if (easy_ == nullptr) return Fail("curl_easy_init failed");
  Release();
  body_.clear();
  size_ = 0;
  reason_.clear();
  error_[0] = '\0';
  keep_body_ = keep_body;
  // A plain GET after a plain GET (nearly every monitoring check) only re-sets the per-check
  // options below; curl_easy_reset plus the fixed options were about 5% of the user-space
  // instructions of a check (bench/README.md). Anything else starts from a reset handle, so
  // no option of a previous check (method, body, headers, CONNECT_TO) leaks into this one.
  const bool plain = IsPlainGet(spec);
  if (!plain || !plain_configured_) {
    curl_easy_reset(easy_);
    ApplyFixedOptions();
  }
  plain_configured_ = plain;
  if (auto ok = ApplySni(spec); !ok) {
    plain_configured_ = false;
    return ok;
  }
  const long timeout_ms = static_cast<long>(std::max<std::int64_t>(1, spec.timeout.count()));
  curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(easy_, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(easy_, CURLOPT_FOLLOWLOCATION, spec.follow_redirects ? 1L : 0L);
  curl_easy_setopt(easy_, CURLOPT_MAXREDIRS, static_cast<long>(spec.max_redirects));
  curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYPEER, spec.verify_tls ? 1L : 0L);
  curl_easy_setopt(easy_, CURLOPT_SSL_VERIFYHOST, spec.verify_tls ? 2L : 0L);
  if (!plain) {
    ApplyMethod(spec);
    ApplyHeaders(spec);
  }
  return true;
}

bool HttpTransfer::IsPlainGet(const HttpCheckSpec& spec) {
  return spec.method == "GET" && spec.body.empty() && spec.headers.empty() &&
         spec.host_header.empty() && spec.sni.empty();
}

// Options every check has, whatever its spec: a fresh connection closed after the transfer,
// no signals, our callbacks and error buffer, HTTP(S) only, certificate info.
void HttpTransfer::ApplyFixedOptions() {
  curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy_, CURLOPT_FRESH_CONNECT, 1L);
  curl_easy_setopt(easy_, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, error_.data());
  curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &HttpTransfer::OnWrite);
  curl_easy_setopt(easy_, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(easy_, CURLOPT_HEADERFUNCTION, &HttpTransfer::OnHeader);
  curl_easy_setopt(easy_, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(easy_, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy_, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy_, CURLOPT_CERTINFO, 1L);
  curl_easy_setopt(easy_, CURLOPT_USERAGENT, "groundstation-check-http");
  // One request per connection, said up front (as check_http does) so the server closes
  // first; see BuildHttpRequest in http_client.cc. Checks with headers of their own get it
  // from ApplyHeaders.
  curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, ConnectionCloseList());
}

// With an SNI name the URL's host becomes that name (so SNI, certificate name and Host all
// use it) and CONNECT_TO sends the connection to the original host and port.
Result<bool> HttpTransfer::ApplySni(const HttpCheckSpec& spec) {
  if (spec.sni.empty()) {
    curl_easy_setopt(easy_, CURLOPT_URL, spec.url.c_str());
    return true;
  }
  std::unique_ptr<CURLU, CurlUrlFree> url(curl_url());
  if (!url || curl_url_set(url.get(), CURLUPART_URL, spec.url.c_str(), 0) != CURLUE_OK) {
    return Fail("bad URL '" + spec.url + "'");
  }
  char* raw = nullptr;
  curl_url_get(url.get(), CURLUPART_HOST, &raw, 0);
  CurlString host(raw);
  raw = nullptr;
  curl_url_get(url.get(), CURLUPART_PORT, &raw, CURLU_DEFAULT_PORT);
  CurlString port(raw);
  if (!host || !port || curl_url_set(url.get(), CURLUPART_HOST, spec.sni.c_str(), 0) != CURLUE_OK) {
    return Fail("cannot use SNI name '" + spec.sni + "' with URL '" + spec.url + "'");
  }
  raw = nullptr;
  curl_url_get(url.get(), CURLUPART_URL, &raw, 0);
  CurlString rewritten(raw);
  if (!rewritten) return Fail("cannot rewrite URL '" + spec.url + "'");
  const std::string rule = spec.sni + ":" + port.get() + ":" + host.get() + ":" + port.get();
  connect_to_ = curl_slist_append(nullptr, rule.c_str());
  curl_easy_setopt(easy_, CURLOPT_URL, rewritten.get());
  curl_easy_setopt(easy_, CURLOPT_CONNECT_TO, connect_to_);
  return true;
}

void HttpTransfer::ApplyMethod(const HttpCheckSpec& spec) {
  const std::string& method = spec.method;
  if (method == "HEAD") {
    curl_easy_setopt(easy_, CURLOPT_NOBODY, 1L);
  } else if (!spec.body.empty() || method == "POST") {
    curl_easy_setopt(easy_, CURLOPT_POSTFIELDS, spec.body.c_str());
    curl_easy_setopt(easy_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(spec.body.size()));
    if (method != "POST") curl_easy_setopt(easy_, CURLOPT_CUSTOMREQUEST, method.c_str());
  } else if (method != "GET" && !method.empty()) {
    curl_easy_setopt(easy_, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
}

void HttpTransfer::ApplyHeaders(const HttpCheckSpec& spec) {
  bool has_connection = false;
  for (const std::string& header : spec.headers) {
    headers_ = curl_slist_append(headers_, header.c_str());
    // "Connection: x", or libcurl's "Connection:" (removes) and "Connection;" (empty).
    has_connection = has_connection || (strncasecmp(header.c_str(), "Connection", 10) == 0 &&
                                        (header[10] == ':' || header[10] == ';'));
  }
  if (!has_connection) headers_ = curl_slist_append(headers_, "Connection: close");
  if (!spec.host_header.empty()) {
    headers_ = curl_slist_append(headers_, ("Host: " + spec.host_header).c_str());
  }
  // A request body would otherwise wait up to a second for "100 Continue".
  if (!spec.body.empty()) headers_ = curl_slist_append(headers_, "Expect:");
  curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, headers_);
}

std::size_t HttpTransfer::OnWrite(char* data, std::size_t size, std::size_t n,
                                  void* self) noexcept {
  auto* t = static_cast<HttpTransfer*>(self);
  const std::size_t bytes = size * n;
  t->size_ += bytes;
  if (t->keep_body_ && t->body_.size() < kMaxBodyKept) {
    try {
      t->body_.append(data, std::min(bytes, kMaxBodyKept - t->body_.size()));
    } catch (...) {
      return 0;  // out of memory: abort this transfer, never throw into libcurl
    }
  }
  return bytes;
}

std::size_t HttpTransfer::OnHeader(char* data, std::size_t size, std::size_t n,
                                   void* self) noexcept {
  auto* t = static_cast<HttpTransfer*>(self);
  const std::string_view line(data, size * n);
  if (line.substr(0, 5) != "HTTP/") return size * n;
  // "HTTP/1.1 200 OK": the reason phrase follows the second space (absent in HTTP/2).
  const std::size_t code = line.find(' ');
  const std::size_t reason = code == std::string_view::npos ? code : line.find(' ', code + 1);
  const std::string_view text =
      reason == std::string_view::npos ? std::string_view() : TrimLineEnd(line.substr(reason + 1));
  try {
    t->reason_.assign(text.substr(0, 64));
  } catch (...) {
    return 0;
  }
  return size * n;
}

void HttpTransfer::ReadTimes(HttpMeasurements& m) const {
  const curl_off_t dns = GetTime(easy_, CURLINFO_NAMELOOKUP_TIME_T);
  const curl_off_t connect = GetTime(easy_, CURLINFO_CONNECT_TIME_T);
  const curl_off_t tls = GetTime(easy_, CURLINFO_APPCONNECT_TIME_T);
  const curl_off_t first_byte = GetTime(easy_, CURLINFO_STARTTRANSFER_TIME_T);
  const curl_off_t ready = tls > 0 ? tls : connect;
  m.time_total = Seconds(GetTime(easy_, CURLINFO_TOTAL_TIME_T));
  m.time_dns = Seconds(dns);
  m.time_connect = Seconds(std::max<curl_off_t>(0, connect - dns));
  m.time_tls = tls > 0 ? Seconds(std::max<curl_off_t>(0, tls - connect)) : 0;
  m.time_ttfb = Seconds(std::max<curl_off_t>(0, first_byte - ready));
}

void HttpTransfer::ReadCertificate(HttpMeasurements& m) const {
  curl_certinfo* info = nullptr;
  if (curl_easy_getinfo(easy_, CURLINFO_CERTINFO, &info) != CURLE_OK || info == nullptr ||
      info->num_of_certs < 1) {
    return;
  }
  constexpr std::string_view kExpire = "Expire date:";
  for (const curl_slist* s = info->certinfo[0]; s != nullptr; s = s->next) {
    const std::string_view entry(s->data);
    if (entry.substr(0, kExpire.size()) != kExpire) continue;
    if (auto expiry = ParseCertDate(entry.substr(kExpire.size()))) {
      m.cert_days_left = DaysLeft(*expiry, std::chrono::system_clock::now());
    }
    return;
  }
}

HttpMeasurements HttpTransfer::Collect(CURLcode code) const {
  HttpMeasurements m;
  m.transfer_ok = code == CURLE_OK;
  if (!m.transfer_ok) {
    m.error = std::string(TrimLineEnd(error_[0] != '\0' ? std::string_view(error_.data())
                                                        : curl_easy_strerror(code)));
  }
  long status = 0;
  curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
  m.status = status;
  m.reason = reason_;
  m.size = size_;
  ReadTimes(m);
  const char* scheme = nullptr;
  curl_easy_getinfo(easy_, CURLINFO_SCHEME, &scheme);
  m.tls = scheme != nullptr && strcasecmp(scheme, "https") == 0;
  if (m.tls) ReadCertificate(m);
  return m;
}

CheckResult FinishHttpCheck(const HttpCheckSpec& spec, HttpTransfer& transfer, CURLcode code,
                            BodyRegex* regex) {
  return EvaluateHttpResponse(spec, transfer.Collect(code), transfer.body(), regex);
}

}  // namespace gs::probes
