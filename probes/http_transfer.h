// HttpTransfer: one reusable libcurl easy handle plus the buffers of one HTTP check
// (error text, bounded body, status line). Prepared per check, driven by a multi handle or
// curl_easy_perform, then turned into HttpMeasurements. Not thread-safe: one owner thread.
#pragma once

#include <curl/curl.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "probes/http_evaluate.h"
#include "probes/http_probe.h"
#include "probes/http_regex.h"

namespace gs::probes {

// Calls curl_global_init exactly once per process (thread-safe).
void EnsureCurlInitialized();

class HttpTransfer {
 public:
  // Response bytes kept for the regex; the rest is only counted.
  static constexpr std::size_t kMaxBodyKept = 1 << 20;

  HttpTransfer();
  ~HttpTransfer();
  HttpTransfer(const HttpTransfer&) = delete;
  HttpTransfer& operator=(const HttpTransfer&) = delete;

  // Configures the handle for `spec`: a fresh connection that is closed after the transfer,
  // no signals, timeouts, method/body/headers, Host and SNI overrides, redirects, TLS
  // verification, certificate info. Nothing of the previous check carries over. `spec` (its body)
  // must outlive the transfer. Keeps the body only when `keep_body`. Fails on a URL libcurl cannot
  // parse.
  [[nodiscard]] Result<bool> Prepare(const HttpCheckSpec& spec, bool keep_body);

  CURL* easy() { return easy_; }

  // What the finished transfer measured; `code` is its CURLcode.
  [[nodiscard]] HttpMeasurements Collect(CURLcode code) const;

  // The kept part of the body.
  [[nodiscard]] std::string_view body() const { return body_; }

  // Frees per-check lists; keeps the handle and buffer capacity for the next check.
  void Release();

 private:
  static std::size_t OnWrite(char* data, std::size_t size, std::size_t n, void* self) noexcept;
  static std::size_t OnHeader(char* data, std::size_t size, std::size_t n, void* self) noexcept;
  static bool IsPlainGet(const HttpCheckSpec& spec);
  void ApplyFixedOptions();
  Result<bool> ApplySni(const HttpCheckSpec& spec);
  void ApplyMethod(const HttpCheckSpec& spec);
  void ApplyHeaders(const HttpCheckSpec& spec);
  void ReadTimes(HttpMeasurements& m) const;
  void ReadCertificate(HttpMeasurements& m) const;

  CURL* easy_ = nullptr;
  curl_slist* headers_ = nullptr;
  curl_slist* connect_to_ = nullptr;
  std::array<char, CURL_ERROR_SIZE> error_{};
  std::string body_;
  std::uint64_t size_ = 0;
  bool keep_body_ = false;
  // The handle holds the fixed options and nothing spec-specific beyond what every Prepare()
  // sets: the previous check was a plain GET (see Prepare()).
  bool plain_configured_ = false;
  std::string reason_;
};

// Runs the finished `transfer` through the regex (when not null) and EvaluateHttp.
CheckResult FinishHttpCheck(const HttpCheckSpec& spec, HttpTransfer& transfer, CURLcode code,
                            BodyRegex* regex);

}  // namespace gs::probes
