// HttpReceiver: a scriptable HTTP endpoint on 127.0.0.1 for the notifier tests (webhook,
// Slack, SMS gateways, Twilio-style APIs). It records every request and answers with a chosen
// status, failures for the first N requests, a Retry-After header, or no answer at all for a
// while. It runs tests/support/http_rx.py (/usr/bin/python3, a threading server: a hanging
// request does not hold up the others) in a subdirectory of a TempDir, and stops it with
// SIGTERM on destruction. It lives in gs::test like every test helper (a gs::testing namespace
// would hide gtest's ::testing from code inside namespace gs).
//
// Thread-safety: construct and destroy on one thread; Requests() and WaitForRequests() only
// read files and may be called from any thread, also while another thread sends.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/peers.h"

namespace gs::test {

struct ReceivedRequest {
  std::string method;                          // "POST"
  std::string path;                            // with query string, e.g. "/hook?x=1"
  std::map<std::string, std::string> headers;  // names lower-cased; repeats joined by ", "
  std::string body;                            // the raw bytes
};

class HttpReceiver {
 public:
  // Every member has an initializer, so designated initializers may name any subset:
  // HttpReceiver r(dir, {.fail_first = 1, .fail_status = 429, .retry_after = 7});
  struct Options {
    int status = 200;       // answer to every request...
    int fail_first = 0;     // ...except the first N, answered with fail_status
    int fail_status = 500;  // (body "injected failure\n", text/plain)
    // Seconds; sent as Retry-After on every answer that is not 2xx (failed answers, and
    // all answers when `status` itself is not 2xx).
    std::optional<int> retry_after{};
    int hang_first = 0;  // the first N requests get no answer for hang_seconds
    int hang_seconds = 30;
    // Body of every answer given with `status` (e.g. Twilio's JSON, or with status 400 its
    // error JSON).
    std::string response_body{};
    std::string content_type = "application/json";  // of the answers given with `status`
    // The loopback address to listen on (a DNS pool test puts members at 127.0.0.2, ...).
    std::string bind = "127.0.0.1";
  };

  // Starts the receiver and returns once it accepts connections. Throws std::runtime_error
  // (a test failure under gtest) when it cannot start. `dir` must outlive the receiver.
  explicit HttpReceiver(const TempDir& dir);  // default Options
  HttpReceiver(const TempDir& dir, Options options);
  ~HttpReceiver();
  HttpReceiver(const HttpReceiver&) = delete;
  HttpReceiver& operator=(const HttpReceiver&) = delete;

  [[nodiscard]] int port() const { return port_; }
  // "http://BIND:PORT" + path
  [[nodiscard]] std::string url(const std::string& path = "/") const;
  // Every request received so far, in arrival order (also ones answered with a failure, and
  // hanging ones: a request is recorded as soon as it has been read, before it is answered).
  [[nodiscard]] std::vector<ReceivedRequest> Requests() const;
  // Waits (up to `timeout`) until at least n requests arrived; returns Requests() (fewer than
  // n when the timeout passed). Not [[nodiscard]]: waiting alone is a use.
  std::vector<ReceivedRequest> WaitForRequests(
      std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;

 private:
  [[nodiscard]] std::size_t CountRequests() const;

  std::filesystem::path dir_;  // this receiver's own subdirectory of the TempDir
  std::unique_ptr<Process> process_;
  int port_ = 0;
  std::string bind_;
};

}  // namespace gs::test
