#include "alerts/webhook_notifier.h"

#include <curl/curl.h>

#include <array>
#include <mutex>
#include <utility>

namespace gs::alerts {
namespace {

// Discards the response body; only the status code matters. Never throws (C callback).
std::size_t DiscardBody(char*, std::size_t size, std::size_t nmemb, void*) { return size * nmemb; }

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct HeaderList {
  curl_slist* list = nullptr;
  ~HeaderList() { curl_slist_free_all(list); }
  // Returns false when libcurl could not allocate.
  bool Append(const std::string& line) {
    curl_slist* next = curl_slist_append(list, line.c_str());
    if (next == nullptr) return false;
    list = next;
    return true;
  }
};

}  // namespace

struct WebhookNotifier::CurlState {
  CURL* easy = nullptr;
  std::array<char, CURL_ERROR_SIZE> error{};
  ~CurlState() {
    if (easy != nullptr) curl_easy_cleanup(easy);
  }
};

WebhookNotifier::WebhookNotifier(Options options)
    : options_(std::move(options)), curl_(std::make_unique<CurlState>()) {}

WebhookNotifier::~WebhookNotifier() = default;

Result<void> WebhookNotifier::Send(const Notification& n) {
  if (curl_->easy == nullptr) {
    InitCurlOnce();
    curl_->easy = curl_easy_init();
    if (curl_->easy == nullptr) return Fail("curl_easy_init failed");
  }
  CURL* easy = curl_->easy;
  curl_easy_reset(easy);  // keeps the connection cache, drops the previous request's options

  HeaderList headers;
  bool ok = headers.Append("Content-Type: application/json") &&
            headers.Append("Idempotency-Key: " + n.id) && headers.Append("Expect:");
  if (options_.bearer_token)
    ok = ok && headers.Append("Authorization: Bearer " + *options_.bearer_token);
  for (const auto& [name, value] : options_.headers) ok = ok && headers.Append(name + ": " + value);
  if (!ok) return Fail("out of memory building headers");

  const std::string body = ToWebhookJson(n);
  curl_->error[0] = '\0';
  curl_easy_setopt(easy, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers.list);
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &DiscardBody);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, curl_->error.data());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");

  const CURLcode rc = curl_easy_perform(easy);
  if (rc != CURLE_OK) {
    return Fail(curl_->error[0] != '\0' ? std::string(curl_->error.data())
                                        : std::string(curl_easy_strerror(rc)));
  }
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) return Fail("HTTP " + std::to_string(status));
  return {};
}

}  // namespace gs::alerts
