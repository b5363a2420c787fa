// TLS peers of tls_peers.h: `openssl ca` certificates, `openssl s_server`, a Python TCP server.
#include "tests/support/tls_peers.h"

#include <unistd.h>

#include <ctime>
#include <system_error>

#include "tests/support/syslog_peers.h"

namespace gs::test {

namespace fs = std::filesystem;

namespace {

constexpr const char* kPython = "/usr/bin/python3";

// Listens on a kernel-chosen port, writes it to argv[2] (renamed into place, so a reader never
// sees half of it) and serves each connection in its own thread as argv[1] says.
constexpr const char* kServerScript = R"PY(
import os, socket, sys, threading
mode, port_file = sys.argv[1], sys.argv[2]
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(64)
with open(port_file + ".tmp", "w") as f:
    f.write(str(listener.getsockname()[1]))
os.rename(port_file + ".tmp", port_file)
def serve(conn):
    try:
        if mode == "echo":
            conn.sendall(b"220 ready\r\n")
            while True:
                data = conn.recv(4096)
                if not data:
                    break
                conn.sendall(data)
        elif mode == "close":
            conn.sendall(b"220 bye\r\n")
        else:
            chunk = b"x" * 4096
            while True:
                conn.sendall(chunk)
    except OSError:
        pass
    finally:
        conn.close()
while True:
    conn, _ = listener.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
)PY";

// "20260101000000Z", the date form `openssl ca -startdate/-enddate` takes.
std::string AsnDate(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%d%H%M%SZ", &tm);
  return text;
}

// The minimal `openssl ca` setup in `dir`: config, empty database and a serial file.
bool WriteCaConfig(const fs::path& dir, std::string* error) {
  const std::string d = dir.string();
  const bool ok =
      (fs::exists(dir / "tls-peers-index.txt") || WriteFile(dir / "tls-peers-index.txt", "")) &&
      (fs::exists(dir / "tls-peers.srl") || WriteFile(dir / "tls-peers.srl", "1000\n")) &&
      WriteFile(dir / "tls-peers-ca.cnf",
                "[ca]\ndefault_ca = d\n[d]\ndatabase = " + d + "/tls-peers-index.txt\n" +
                    "new_certs_dir = " + d + "\nserial = " + d + "/tls-peers.srl\n" +
                    "default_md = sha256\npolicy = p\nunique_subject = no\n" +
                    "[p]\ncommonName = supplied\n");
  if (!ok && error != nullptr) *error = "cannot write the openssl ca files in " + d;
  return ok;
}

std::string Extensions(const CertSpec& spec) {
  std::string ext = spec.ca ? "basicConstraints=critical,CA:TRUE\n"
                              "keyUsage=critical,keyCertSign,cRLSign\n"
                            : "basicConstraints=CA:FALSE\n"
                              "keyUsage=digitalSignature,keyEncipherment\n"
                              "extendedKeyUsage=serverAuth,clientAuth\n";
  if (!spec.san.empty()) ext += "subjectAltName=" + spec.san + "\n";
  return ext;
}

// The port in the first "ACCEPT host:PORT" line of `output`, 0 when there is none yet.
int AcceptedPort(const std::string& output) {
  const std::size_t line = output.find("ACCEPT ");
  if (line == std::string::npos) return 0;
  const std::size_t end = output.find('\n', line);
  if (end == std::string::npos) return 0;
  const std::size_t colon = output.rfind(':', end);
  if (colon == std::string::npos || colon < line) return 0;
  return std::atoi(output.c_str() + colon + 1);
}

}  // namespace

bool MakeCertificate(const fs::path& dir, const CertSpec& spec, std::string* error) {
  const std::string base = (dir / spec.name).string();
  const std::string issuer = (dir / spec.issuer).string();
  if (!WriteCaConfig(dir, error)) return false;
  if (!WriteFile(base + ".ext", Extensions(spec))) {
    if (error != nullptr) *error = "cannot write " + base + ".ext";
    return false;
  }
  const bool ok =
      Openssl({"req", "-newkey", "rsa:2048", "-nodes", "-keyout", base + ".key", "-out",
               base + ".csr", "-subj", "/CN=" + spec.cn},
              error) &&
      Openssl({"ca", "-batch", "-notext", "-config", (dir / "tls-peers-ca.cnf").string(), "-cert",
               issuer + ".crt", "-keyfile", issuer + ".key", "-in", base + ".csr", "-out",
               base + ".crt", "-startdate", AsnDate(spec.not_before), "-enddate",
               AsnDate(spec.not_after), "-extfile", base + ".ext"},
              error);
  std::error_code ignored;
  fs::remove(base + ".csr", ignored);
  fs::remove(base + ".ext", ignored);
  if (!ok) return false;
  for (const char* ext : {".crt", ".key"}) fs::permissions(base + ext, fs::perms(0644), ignored);
  return true;
}

OpensslServer::OpensslServer(Options options) : options_(std::move(options)) {}

OpensslServer::~OpensslServer() { process_.reset(); }

bool OpensslServer::Start() {
  std::vector<std::string> argv{"openssl", "s_server",
                                "-accept", "127.0.0.1:0",
                                "-cert",   options_.cert.string(),
                                "-key",    options_.key.string(),
                                "-rev"};
  if (!options_.chain.empty()) argv.insert(argv.end(), {"-cert_chain", options_.chain.string()});
  if (!options_.sni_name.empty()) {
    argv.insert(argv.end(), {"-servername", options_.sni_name, "-cert2", options_.cert2.string(),
                             "-key2", options_.key2.string()});
  }
  if (!options_.client_ca.empty()) {
    argv.insert(argv.end(),
                {"-Verify", "1", "-verify_return_error", "-CAfile", options_.client_ca.string()});
  }
  const fs::path out = dir_ / "s_server.out";
  const fs::path err = dir_ / "s_server.err";
  process_ = std::make_unique<Process>(
      argv, Process::Options{.env = {}, .stdout_path = out.string(), .stderr_path = err.string()});
  if (!process_->started()) {
    error_ = process_->error();
    return false;
  }
  const bool up = WaitUntil(
      [&] { return !process_->Running() || (port_ = AcceptedPort(ReadFile(out))) != 0; }, 10s);
  if (up && port_ != 0 && process_->Running()) return true;
  error_ = "openssl s_server did not start: " + ReadFile(out) + ReadFile(err);
  process_.reset();
  return false;
}

ScriptServer::ScriptServer(Mode mode) : mode_(mode) {}

ScriptServer::~ScriptServer() { process_.reset(); }

bool ScriptServer::Available() { return ::access(kPython, X_OK) == 0; }

bool ScriptServer::Start() {
  const char* mode = mode_ == Mode::kBannerEcho    ? "echo"
                     : mode_ == Mode::kBannerClose ? "close"
                                                   : "flood";
  const fs::path port_file = dir_ / "port";
  const fs::path log = dir_ / "server.log";
  process_ = std::make_unique<Process>(
      std::vector<std::string>{kPython, "-c", kServerScript, mode, port_file.string()},
      Process::Options{.env = {}, .stdout_path = "", .stderr_path = log.string()});
  if (!process_->started()) {
    error_ = process_->error();
    return false;
  }
  const bool up = WaitUntil(
      [&] { return !process_->Running() || (port_ = std::atoi(ReadFile(port_file).c_str())) > 0; },
      10s);
  if (up && port_ > 0 && process_->Running()) return true;
  error_ = "the Python TCP server did not start: " + ReadFile(log);
  process_.reset();
  return false;
}

}  // namespace gs::test
