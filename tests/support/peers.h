// Test helpers shared by every test folder: free ports, temp dirs, child processes stopped
// by PID, polling with a deadline, and real peers on 127.0.0.1 (nginx, a server that never
// answers). Each object belongs to the test thread that made it; FreePort() and the free
// functions are safe from any thread.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace gs::test {

using namespace std::chrono_literals;

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it, close). There
// is a small race until the peer binds it; fixtures retry on "address in use".
int FreePort();

// Polls `predicate` every 20 ms until it returns true (-> true) or `timeout` passes (-> false).
// The one way tests wait for something; never sleep to synchronise.
bool WaitUntil(const std::function<bool()>& predicate, std::chrono::milliseconds timeout);

// A fresh directory under /tmp (mode 0700), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::filesystem::path operator/(const std::string& name) const {
    return path_ / name;
  }

 private:
  std::filesystem::path path_;
};

// Writes `text` to `path` (truncating); returns false on failure.
bool WriteFile(const std::filesystem::path& path, const std::string& text);
// The whole file, or "" when it cannot be read.
std::string ReadFile(const std::filesystem::path& path);

// A child process started with posix_spawnp. On destruction it gets SIGTERM and is waited
// for by PID (SIGKILL after 5 s).
class Process {
 public:
  struct Options {
    std::vector<std::string> env;  // extra "NAME=value" entries over the current environment
    std::string stdout_path;       // empty: inherit
    std::string stderr_path;       // empty: inherit
  };
  // Check started() afterwards; error() says why it did not.
  explicit Process(const std::vector<std::string>& argv, const Options& options);
  explicit Process(const std::vector<std::string>& argv) : Process(argv, Options{}) {}
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  [[nodiscard]] bool started() const { return pid_ > 0; }
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] pid_t pid() const { return pid_; }
  // True while the child has not exited (reaps it once it has).
  bool Running();
  // Waits for the exit; its code (128 + signal when killed), or nullopt on timeout.
  std::optional<int> WaitExit(std::chrono::milliseconds timeout);
  // Sends `signal` and waits for the exit (SIGKILL after 5 s). Idempotent.
  // Only sends `signal` (e.g. SIGHUP); does not wait.
  void Signal(int signal);
  void Kill(int signal);

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  std::string error_;
};

struct CommandResult {
  int exit_code = -1;  // 128 + signal when killed; -1 when it could not start or timed out
  std::string out;
  std::string err;
};
// Runs argv to completion (killed after `timeout`) and returns its exit code and output.
CommandResult RunCommand(const std::vector<std::string>& argv,
                         std::chrono::milliseconds timeout = 60s);

struct HttpResponse {
  int status = 0;  // 0: no response
  std::string body;
};
// GET through the curl CLI (certificates not verified, 5 s timeout).
HttpResponse HttpGet(const std::string& url);
// POST `body` through the curl CLI, with "Authorization: Bearer TOKEN" unless `token` is empty.
HttpResponse HttpPost(const std::string& url, const std::string& body,
                      const std::string& token = "");

// nginx on 127.0.0.1 with a fixed set of routes:
//   /health 200 "ok\n", / 200 "hello\n" (static file), /fail 500, /notfound 404,
//   /redirect 302 -> /health; and with tls an https listener with a self-signed certificate
//   for localhost and 127.0.0.1 made by the openssl CLI (valid `cert_days` days).
// Stop() and Start() again reuse the same ports.
class Nginx {
 public:
  struct Options {
    bool tls = false;
    int cert_days = 30;
  };
  explicit Nginx(Options options);
  Nginx() : Nginx(Options{}) {}
  ~Nginx();

  // True when the nginx binary exists (else tests GTEST_SKIP with that reason).
  static bool Available();

  // Starts nginx and waits until /health answers; false (see error()) when it does not.
  [[nodiscard]] bool Start();
  void Stop();
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] int tls_port() const { return tls_port_; }
  [[nodiscard]] std::string Url(const std::string& path) const;     // http://127.0.0.1:P/path
  [[nodiscard]] std::string TlsUrl(const std::string& path) const;  // https://127.0.0.1:PS/path
  [[nodiscard]] std::filesystem::path cert_path() const { return dir_ / "cert.pem"; }

 private:
  bool WriteConfig();
  bool StartOnce();
  Options options_;
  TempDir dir_;
  int port_ = 0;
  int tls_port_ = 0;
  std::unique_ptr<Process> process_;
  std::string error_;
};

// A listening TCP socket on 127.0.0.1 at a free port (backlog 64, close-on-exec); sets
// `port`. -1 on failure.
int ListenOnLoopback(int& port);

// Accepts TCP connections on 127.0.0.1 and never sends a byte (timeouts).
class HangServer {
 public:
  HangServer();
  ~HangServer();
  HangServer(const HangServer&) = delete;
  HangServer& operator=(const HangServer&) = delete;
  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string Url(const std::string& path) const;

 private:
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::vector<int> accepted_;  // worker thread only
  std::thread thread_;
};

// A fixture with a started nginx (plain and TLS listeners, 30-day certificate); skips the
// test, saying why, only when nginx is not installed.
class NginxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Nginx::Available()) GTEST_SKIP() << "nginx is not installed (scripts/install-deps.sh)";
    nginx_ = std::make_unique<Nginx>(Nginx::Options{.tls = true, .cert_days = 30});
    ASSERT_TRUE(nginx_->Start()) << nginx_->error();
  }
  std::unique_ptr<Nginx> nginx_;
};

}  // namespace gs::test
