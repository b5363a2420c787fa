#include "alerts/http_post.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <mutex>
#include <utility>

namespace gs::alerts {
namespace {

// How much of an error answer's body is kept for the error message.
constexpr std::size_t kBodyExcerpt = 300;

// Keeps the first kBodyExcerpt bytes of the answer. Never throws (C callback).
std::size_t KeepExcerpt(char* data, std::size_t size, std::size_t nmemb, void* user) {
  auto* out = static_cast<std::string*>(user);
  const std::size_t n = size * nmemb;
  if (out->size() < kBodyExcerpt) out->append(data, std::min(n, kBodyExcerpt - out->size()));
  return n;
}

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

// One line of printable text from an answer body, for an error message.
std::string Excerpt(const std::string& body) {
  std::string out;
  for (char c : body) out.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

struct HttpPost::CurlState {
  CURL* easy = nullptr;
  std::array<char, CURL_ERROR_SIZE> error{};
  ~CurlState() {
    if (easy != nullptr) curl_easy_cleanup(easy);
  }
};

HttpPost::HttpPost() : curl_(std::make_unique<CurlState>()) {}
HttpPost::~HttpPost() = default;

SendResult HttpPost::Send(const Request& request) {
  if (curl_->easy == nullptr) {
    InitCurlOnce();
    curl_->easy = curl_easy_init();
    if (curl_->easy == nullptr) return SendFailed("curl_easy_init failed");
  }
  CURL* easy = curl_->easy;
  curl_easy_reset(easy);  // keeps the connection cache, drops the previous request's options

  HeaderList headers;
  bool ok = headers.Append("Content-Type: " + request.content_type) && headers.Append("Expect:");
  for (const std::string& line : request.headers) ok = ok && headers.Append(line);
  if (!ok) return SendFailed("out of memory building headers");

  std::string answer;
  curl_->error[0] = '\0';
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers.list);
  if (request.method == "GET") {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
    if (request.method != "POST") {
      curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
  }
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &KeepExcerpt);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, curl_->error.data());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  if (request.basic_auth) {
    curl_easy_setopt(easy, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    curl_easy_setopt(easy, CURLOPT_USERPWD, request.basic_auth->c_str());
  }

  const CURLcode rc = curl_easy_perform(easy);
  if (rc != CURLE_OK) {
    return SendFailed(curl_->error[0] != '\0' ? std::string(curl_->error.data())
                                              : std::string(curl_easy_strerror(rc)));
  }
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status <= 299) return {};
  std::string message = "HTTP " + std::to_string(status);
  if (const std::string excerpt = Excerpt(answer); !excerpt.empty()) message += ": " + excerpt;
  std::optional<std::chrono::seconds> retry_after;
  if (status == 429 || status == 503) {
    curl_off_t seconds = -1;
    // libcurl parses both forms of the header (delay-seconds and HTTP-date).
    if (curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &seconds) == CURLE_OK && seconds > 0) {
      retry_after = std::chrono::seconds(seconds);
      message += " (Retry-After " + std::to_string(seconds) + " s)";
    }
  }
  return SendFailed(std::move(message), retry_after);
}

}  // namespace gs::alerts
