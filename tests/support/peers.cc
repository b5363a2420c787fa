// Peer fixtures of peers.h: the curl CLI, nginx and a server that never answers.
#include "tests/support/peers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

namespace gs::test {

namespace {

constexpr const char* kNginx = "/usr/sbin/nginx";

HttpResponse ParseCurl(const CommandResult& r) {
  HttpResponse response;
  const std::size_t nl = r.out.rfind('\n');
  if (nl == std::string::npos) return response;
  response.status = std::atoi(r.out.c_str() + nl + 1);
  response.body = r.out.substr(0, nl);
  return response;
}

}  // namespace

HttpResponse HttpGet(const std::string& url) {
  return ParseCurl(RunCommand({"curl", "-sS", "-k", "-m", "5", "-w", "\n%{http_code}", url}, 10s));
}

HttpResponse HttpPost(const std::string& url, const std::string& body, const std::string& token) {
  std::vector<std::string> argv = {
      "curl", "-sS", "-k", "-m", "5", "-w", "\n%{http_code}", "-X", "POST", "--data-binary", body};
  if (!token.empty()) {
    argv.push_back("-H");
    argv.push_back("Authorization: Bearer " + token);
  }
  argv.push_back(url);
  return ParseCurl(RunCommand(argv, 10s));
}

Nginx::Nginx(Options options) : options_(options) {
  port_ = FreePort();
  tls_port_ = options_.tls ? FreePort() : 0;
  std::filesystem::create_directories(dir_ / "html");
  WriteFile(dir_ / "html" / "index.html", "hello\n");
  if (options_.tls) {
    const CommandResult r =
        RunCommand({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    (dir_ / "key.pem").string(), "-out", cert_path().string(), "-days",
                    std::to_string(options_.cert_days), "-subj", "/CN=localhost", "-addext",
                    "subjectAltName=DNS:localhost,IP:127.0.0.1"});
    if (r.exit_code != 0) error_ = "openssl failed: " + r.err;
  }
}

Nginx::~Nginx() { Stop(); }

bool Nginx::Available() { return ::access(kNginx, X_OK) == 0; }

bool Nginx::WriteConfig() {
  const std::string d = dir_.path().string();
  std::ostringstream c;
  c << "user root;\nworker_processes 1;\ndaemon off;\npid " << d << "/nginx.pid;\n"
    << "error_log " << d << "/error.log warn;\nevents { worker_connections 1024; }\n"
    << "http {\n  access_log off;\n"
    << "  client_body_temp_path " << d << "/cb; proxy_temp_path " << d << "/px;\n"
    << "  fastcgi_temp_path " << d << "/fc; uwsgi_temp_path " << d << "/uw;\n"
    << "  scgi_temp_path " << d << "/sc;\n  server {\n    listen 127.0.0.1:" << port_ << ";\n";
  if (options_.tls) {
    c << "    listen 127.0.0.1:" << tls_port_ << " ssl;\n    ssl_certificate " << d
      << "/cert.pem;\n    ssl_certificate_key " << d << "/key.pem;\n";
  }
  c << "    root " << d << "/html;\n"
    << "    location = /health { default_type text/plain; return 200 \"ok\\n\"; }\n"
    << "    location = /fail { return 500 \"boom\\n\"; }\n"
    << "    location = /notfound { return 404 \"nope\\n\"; }\n"
    << "    location = /redirect { return 302 /health; }\n  }\n}\n";
  return WriteFile(dir_ / "nginx.conf", c.str());
}

bool Nginx::StartOnce() {
  if (!WriteConfig()) {
    error_ = "cannot write nginx.conf";
    return false;
  }
  const std::string d = dir_.path().string();
  process_ = std::make_unique<Process>(
      std::vector<std::string>{kNginx, "-p", d, "-c", d + "/nginx.conf", "-e", d + "/error.log"});
  if (!process_->started()) {
    error_ = process_->error();
    return false;
  }
  const bool up =
      WaitUntil([&] { return !process_->Running() || HttpGet(Url("/health")).status == 200; }, 10s);
  if (up && process_->Running()) return true;
  error_ = "nginx did not start: " + ReadFile(dir_ / "error.log");
  process_.reset();
  return false;
}

bool Nginx::Start() {
  if (!error_.empty() && options_.tls && !std::filesystem::exists(cert_path())) return false;
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (StartOnce()) return true;
    // Someone took a port between FreePort() and nginx's bind: pick new ones and retry.
    if (error_.find("Address already in use") == std::string::npos) return false;
    port_ = FreePort();
    if (options_.tls) tls_port_ = FreePort();
  }
  return false;
}

void Nginx::Stop() { process_.reset(); }

std::string Nginx::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::string Nginx::TlsUrl(const std::string& path) const {
  return "https://127.0.0.1:" + std::to_string(tls_port_) + path;
}

int ListenOnLoopback(int& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return -1;
  }
  port = ntohs(addr.sin_port);
  return fd;
}

HangServer::HangServer() {
  listen_fd_ = ListenOnLoopback(port_);
  thread_ = std::thread([this] {
    while (!stop_.load()) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) > 0) {
        const int fd = ::accept(listen_fd_, nullptr, nullptr);
        if (fd >= 0) accepted_.push_back(fd);
      }
    }
  });
}

HangServer::~HangServer() {
  stop_.store(true);
  thread_.join();
  for (int fd : accepted_) ::close(fd);
  ::close(listen_fd_);
}

std::string HangServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

}  // namespace gs::test
