// HttpPost: one blocking HTTP request (a POST unless told otherwise) for the HTTP-based
// notifiers (webhook, Slack, Alertmanager, SMS gateways) and the watchdog, on a reused libcurl
// easy handle so keep-alive connections survive between sends.
//
// Thread-safety: not thread-safe; one instance per notifier, used from its delivery thread.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alerts/notifier.h"

namespace gs::alerts {

class HttpPost {
 public:
  struct Request {
    std::string url;
    std::string method = "POST";  // POST, GET or HEAD (GET and HEAD send no body)
    std::string body;
    std::string content_type = "application/json";
    std::vector<std::string> headers;       // whole lines, "Name: value"
    std::optional<std::string> basic_auth;  // "user:password"
    std::chrono::milliseconds timeout = std::chrono::seconds(10);
  };

  HttpPost();
  ~HttpPost();
  HttpPost(const HttpPost&) = delete;
  HttpPost& operator=(const HttpPost&) = delete;

  // Success on a 2xx answer. Otherwise the error is curl's reason or "HTTP <code>" followed
  // by the start of the answer's body (": ..."), and for 429 and 503 it carries the
  // Retry-After delay when the answer had one (seconds or an HTTP date).
  SendResult Send(const Request& request);

 private:
  struct CurlState;
  std::unique_ptr<CurlState> curl_;
};

}  // namespace gs::alerts
