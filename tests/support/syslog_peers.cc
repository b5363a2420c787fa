// Syslog peers of syslog_peers.h: openssl test PKI, rsyslogd (private unpack), syslog-ng, loggen.
#include "tests/support/syslog_peers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <system_error>
#include <utility>

namespace gs::test {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSyslogNg = "/usr/sbin/syslog-ng";

// Runs `openssl args...`; false with its stderr in `*error` when it fails.

bool MakeCa(const fs::path& dir, const std::string& name, const std::string& cn,
            std::string* error) {
  const std::string base = (dir / name).string();
  return Openssl(
      {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", base + ".key", "-out",
       base + ".crt", "-days", "3650", "-subj", "/CN=" + cn, "-addext",
       "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"},
      error);
}

// A leaf certificate `name`.crt/.key for `cn`, signed by `ca`.crt/.key.
bool MakeLeaf(const fs::path& dir, const std::string& name, const std::string& cn,
              const std::string& san, const std::string& eku, const std::string& ca,
              std::string* error) {
  const std::string ext =
      "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
      "subjectAltName=" +
      san + "\nextendedKeyUsage=" + eku + "\n";
  const std::string base = (dir / name).string();
  const std::string ca_base = (dir / ca).string();
  if (!WriteFile(base + ".ext", ext)) {
    if (error != nullptr) *error = "cannot write " + base + ".ext";
    return false;
  }
  const bool ok =
      Openssl({"req", "-newkey", "rsa:2048", "-nodes", "-keyout", base + ".key", "-out",
               base + ".csr", "-subj", "/CN=" + cn},
              error) &&
      Openssl({"x509", "-req", "-in", base + ".csr", "-CA", ca_base + ".crt", "-CAkey",
               ca_base + ".key", "-CAserial", ca_base + ".srl", "-CAcreateserial", "-days", "365",
               "-sha256", "-extfile", base + ".ext", "-out", base + ".crt"},
              error);
  std::error_code ignored;
  fs::remove(base + ".csr", ignored);
  fs::remove(base + ".ext", ignored);
  return ok;
}

// The directory holding rsyslog's modules (imtcp.so ...) under an unpacked root.
std::optional<fs::path> RsyslogModuleDir(const fs::path& root) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root / "usr" / "lib", ec)) {
    if (fs::exists(entry.path() / "rsyslog" / "imtcp.so")) return entry.path() / "rsyslog";
  }
  if (fs::exists(root / "usr/lib/rsyslog/imtcp.so")) return root / "usr/lib/rsyslog";
  return std::nullopt;
}

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

// The process output and log files of a peer, for error messages.
std::string Logs(const std::vector<fs::path>& files) {
  std::string out;
  for (const fs::path& f : files) {
    const std::string text = ReadFile(f);
    if (!text.empty()) out += "\n--- " + f.filename().string() + ":\n" + text;
  }
  return out;
}

// One omfwd action of the inputs' ruleset.
std::string ForwardAction(const Rsyslog::Forward& f) {
  std::ostringstream a;
  a << R"(  action(type="omfwd" target="127.0.0.1" port=)" << Quoted(std::to_string(f.port))
    << " protocol=" << Quoted(f.protocol) << " template=" << Quoted(f.template_name);
  if (f.protocol == "tcp") a << " TCP_Framing=" << Quoted(f.framing);
  if (!f.tls.empty()) {
    a << "\n    StreamDriver=" << Quoted(f.tls)
      << R"( StreamDriverMode="1" StreamDriverAuthMode="x509/name")"
      << " StreamDriverPermittedPeers=" << Quoted(f.permitted_peer)
      << "\n    streamDriver.CAFile=" << Quoted((f.cert_dir / "ca.crt").string())
      << " streamDriver.CertFile=" << Quoted((f.cert_dir / (f.client_cert + ".crt")).string())
      << " streamDriver.KeyFile=" << Quoted((f.cert_dir / (f.client_cert + ".key")).string());
  }
  // Its own queue and endless retries: a sink that is down (or a TLS peer that is refused)
  // neither loses the message nor stalls the other forwards. A short action-completion
  // timeout keeps Stop() fast while a target is down (rsyslogd otherwise retries in a tight
  // loop for a second, writing thousands of lines to stderr).
  a << "\n"
    << R"(    queue.type="LinkedList" queue.timeoutActionCompletion="100")"
    << R"( action.resumeRetryCount="-1" action.resumeInterval="1")"
    << R"( action.reportSuspension="off"))" << '\n';
  return a.str();
}

}  // namespace

bool Openssl(const std::vector<std::string>& args, std::string* error) {
  std::vector<std::string> argv{"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  const CommandResult r = RunCommand(argv, 30s);
  if (r.exit_code == 0) return true;
  if (error != nullptr) *error = "openssl " + args.at(0) + " failed: " + r.err;
  return false;
}

bool MakeCertificates(const fs::path& dir, std::string* error) {
  const bool ok =
      MakeCa(dir, "ca", "Test CA", error) && MakeCa(dir, "other-ca", "Other CA", error) &&
      MakeLeaf(dir, "server", "localhost", "DNS:localhost,IP:127.0.0.1", "serverAuth", "ca",
               error) &&
      MakeLeaf(dir, "client", "client.example", "DNS:client.example", "clientAuth", "ca", error) &&
      MakeLeaf(dir, "rogue", "rogue", "DNS:rogue", "clientAuth", "other-ca", error);
  if (!ok) return false;
  for (const char* name : {"ca", "other-ca", "server", "client", "rogue"}) {
    for (const char* ext : {".crt", ".key"}) {
      std::error_code ec;
      fs::permissions(dir / (std::string(name) + ext), fs::perms(0644), ec);
      if (ec) {
        if (error != nullptr) *error = "chmod " + std::string(name) + ext + ": " + ec.message();
        return false;
      }
    }
  }
  return true;
}

std::optional<fs::path> LoggenPath() {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const fs::path candidate = fs::path(dir) / "loggen";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  if (::access("/usr/bin/loggen", X_OK) == 0) return fs::path("/usr/bin/loggen");
  return std::nullopt;
}

bool TcpAccepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

bool HasSocket(pid_t pid, const std::string& protocol, int port) {
  // /proc/net/<table> lines: "sl local_address rem_address st ... uid timeout inode ...",
  // addresses as HEXIP:HEXPORT, st 0A = LISTEN (TCP), 07 = bound/unconnected (UDP).
  const bool udp = protocol == "udp";
  std::array<char, 8> hex{};
  std::snprintf(hex.data(), hex.size(), ":%04X", static_cast<unsigned>(port));
  const std::string suffix(hex.data());
  std::vector<std::string> sockets;  // "socket:[inode]" as /proc/PID/fd links read
  for (const char* table : udp ? std::vector<const char*>{"/proc/net/udp", "/proc/net/udp6"}
                               : std::vector<const char*>{"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::istringstream lines(ReadFile(table));
    std::string line;
    while (std::getline(lines, line)) {
      std::istringstream in(line);
      std::array<std::string, 10> f;
      for (std::string& field : f) in >> field;
      const std::string& local = f[1];
      if (local.size() > 5 && local.compare(local.size() - 5, 5, suffix) == 0 &&
          f[3] == (udp ? "07" : "0A")) {
        sockets.push_back("socket:[" + f[9] + "]");
      }
    }
  }
  if (sockets.empty()) return false;
  std::error_code ec;
  for (const auto& fd : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
    const fs::path target = fs::read_symlink(fd.path(), ec);
    if (ec) continue;
    for (const std::string& socket : sockets) {
      if (target == socket) return true;
    }
  }
  return false;
}

std::optional<std::int64_t> UdpReceiveBufferBytes(int port) {
  const CommandResult r =
      RunCommand({"ss", "-H", "-u", "-a", "-n", "-m", "sport = :" + std::to_string(port)}, 10s);
  const std::size_t at = r.out.find("skmem:(");
  if (r.exit_code != 0 || at == std::string::npos) return std::nullopt;
  const std::size_t rb = r.out.find(",rb", at);
  if (rb == std::string::npos) return std::nullopt;
  return std::strtoll(r.out.c_str() + rb + 3, nullptr, 10);
}

// ---- Rsyslog ----

Rsyslog::Options Rsyslog::Receiver(int tcp_port, int udp_port) {
  Options options;
  options.tcp_port = tcp_port;
  options.file_input = false;
  options.udp = true;
  options.udp_port = udp_port;
  options.receive = true;
  return options;
}

Rsyslog::Rsyslog(Options options)
    : options_(std::move(options)),
      pick_tcp_port_(options_.tcp_port == 0),
      pick_udp_port_(options_.udp && options_.udp_port == 0) {
  if (pick_tcp_port_) options_.tcp_port = FreePort();
  if (pick_udp_port_) options_.udp_port = FreePort();
}

Rsyslog::~Rsyslog() { Stop(); }

std::optional<fs::path> Rsyslog::Root() {
  const char* root = std::getenv("GS_RSYSLOG_ROOT");
  if (root == nullptr || *root == '\0') return std::nullopt;
  if (::access((fs::path(root) / "usr/sbin/rsyslogd").c_str(), X_OK) != 0) return std::nullopt;
  return fs::path(root);
}

std::string Rsyslog::Config() const {
  const std::string d = dir_.path().string();
  const std::string inputs = std::string(R"( ruleset="gs_inputs"))") + '\n';
  std::ostringstream c;
  // processInternalMessages: rsyslogd's own messages go through this config (to log_file()),
  // not to the system logger's /dev/log (the default, where they are lost here).
  c << "global(workDirectory=" << Quoted(d + "/state")
    << R"( maxMessageSize="64k" processInternalMessages="on"))" << '\n'
    << R"(module(load="imtcp"))" << '\n';
  if (options_.file_input) c << R"(module(load="imfile"))" << '\n';
  if (options_.udp) c << R"(module(load="imudp"))" << '\n';
  c << R"(ruleset(name="gs_inputs") {)" << '\n';
  for (const Forward& f : options_.forwards) c << ForwardAction(f);
  if (options_.receive) {
    c << R"(  action(type="omfile" file=)" << Quoted(output_file().string())
      << R"( template="RSYSLOG_FileFormat" asyncWriting="on" ioBufferSize="256k")"
      << R"( flushOnTXEnd="off" flushInterval="1"))" << '\n';
  }
  if (options_.forwards.empty() && !options_.receive) c << "  stop\n";
  c << "}\n"
    << R"(input(type="imtcp" address="127.0.0.1" port=)"
    << Quoted(std::to_string(options_.tcp_port)) << inputs;
  if (options_.udp) {
    c << R"(input(type="imudp" address="127.0.0.1" port=)"
      << Quoted(std::to_string(options_.udp_port))
      << " rcvbufSize=" << Quoted(options_.udp_receive_buffer) << inputs;
  }
  if (options_.file_input) {
    c << R"(input(type="imfile" file=)" << Quoted(append_file().string())
      << " tag=" << Quoted(options_.file_tag) << " facility=" << Quoted(options_.file_facility)
      << " severity=" << Quoted(options_.file_severity) << inputs;
  }
  // The default ruleset only sees rsyslogd's own messages.
  c << R"(action(type="omfile" file=)" << Quoted(log_file().string()) << ")\n";
  return c.str();
}

bool Rsyslog::StartOnce(bool* port_taken) {
  *port_taken = false;
  const std::optional<fs::path> root = Root();
  const std::optional<fs::path> modules = root ? RsyslogModuleDir(*root) : std::nullopt;
  if (!modules) {
    error_ = "no rsyslogd with modules under GS_RSYSLOG_ROOT (scripts/fetch-rsyslog.sh)";
    return false;
  }
  const std::string rsyslogd = (*root / "usr/sbin/rsyslogd").string();
  std::error_code ec;
  fs::create_directories(dir_ / "state", ec);
  if (options_.file_input && !fs::exists(append_file())) WriteFile(append_file(), "");
  if (!WriteFile(config_file(), Config())) {
    error_ = "cannot write " + config_file().string();
    return false;
  }
  const CommandResult check =
      RunCommand({rsyslogd, "-N1", "-f", config_file().string(), "-M", modules->string()}, 30s);
  if (check.exit_code != 0) {
    error_ = "rsyslogd -N1 rejected the config:\n" + check.out + check.err + "\n" + Config();
    return false;
  }
  process_ = std::make_unique<Process>(
      std::vector<std::string>{rsyslogd, "-n", "-f", config_file().string(), "-i",
                               (dir_ / "rsyslogd.pid").string(), "-M", modules->string()},
      Process::Options{.env = {},
                       .stdout_path = (dir_ / "rsyslogd.out").string(),
                       .stderr_path = (dir_ / "rsyslogd.err").string()});
  if (!process_->started()) {
    error_ = process_->error();
    return false;
  }
  const bool up = WaitUntil(
      [&] {
        if (!process_->Running()) return true;
        const std::string out = ReadFile(dir_ / "rsyslogd.err");
        if (out.find("Could not create") != std::string::npos) return true;  // bind failed
        return HasSocket(pid(), "tcp", options_.tcp_port) && TcpAccepts(options_.tcp_port) &&
               (!options_.udp || HasSocket(pid(), "udp", options_.udp_port));
      },
      10s);
  const std::string logs = Logs({dir_ / "rsyslogd.out", dir_ / "rsyslogd.err", log_file()});
  // imtcp says "Address already in use", imudp only "Could not create udp listener".
  *port_taken = logs.find("Could not create") != std::string::npos;
  if (up && process_->Running() && !*port_taken) return true;
  error_ = "rsyslogd did not start" + logs;
  process_.reset();
  return false;
}

bool Rsyslog::Start() {
  for (int attempt = 0; attempt < 3; ++attempt) {
    bool port_taken = false;
    if (StartOnce(&port_taken)) return true;
    // A port picked by FreePort() was taken before rsyslogd bound it: new ones, once more.
    if (!port_taken || !(pick_tcp_port_ || pick_udp_port_)) return false;
    if (pick_tcp_port_) options_.tcp_port = FreePort();
    if (pick_udp_port_) options_.udp_port = FreePort();
  }
  return false;
}

void Rsyslog::Stop() { process_.reset(); }

std::optional<std::int64_t> Rsyslog::udp_receive_buffer_bytes() const {
  if (!options_.udp) return std::nullopt;
  return UdpReceiveBufferBytes(options_.udp_port);
}

// ---- SyslogNg ----

SyslogNg::SyslogNg(Options options) : options_(options) { PickPorts(); }

SyslogNg::~SyslogNg() { Stop(); }

std::optional<fs::path> SyslogNg::Binary() {
  if (::access(kSyslogNg, X_OK) != 0) return std::nullopt;
  return fs::path(kSyslogNg);
}

void SyslogNg::PickPorts() {
  tcp_port_ = FreePort();
  tcp_5424_port_ = FreePort();
  udp_port_ = FreePort();
  udp_5424_port_ = FreePort();
}

std::string SyslogNg::Config() const {
  // "Config version: 3.35" from `syslog-ng --version`; @version must not be newer than it.
  const std::string version = RunCommand({kSyslogNg, "--version"}, 10s).out;
  const std::size_t at = version.find("Config version: ");
  const std::string config_version =
      at == std::string::npos ? "3.38" : version.substr(at + 16, version.find('\n', at) - at - 16);
  const std::string rcvbuf = std::to_string(options_.so_rcvbuf);
  auto listener = [](const char* driver, int port, const char* transport,
                     const std::string& extra) {
    return std::string("  ") + driver + R"((ip("127.0.0.1") port()" + std::to_string(port) +
           R"() transport(")" + transport + R"(") )" + extra + ");\n";
  };
  // Production tuning: log-fetch-limit(1000) (default 10) reads up to 1,000 messages per
  // poll, 1.5x the throughput here. Flow control: per TCP connection a window of log-iw-size /
  // max-connections = 10,000 messages, 100,000 for each UDP source (UDP cannot be slowed, so
  // its window only has to be big enough never to stop reading); the destination queue
  // (log-fifo-size) holds every window, so nothing is dropped for lack of room.
  const std::string tcp_window = "max-connections(16) log-iw-size(160000) log-fetch-limit(1000)";
  const std::string udp_window =
      "log-iw-size(100000) log-fetch-limit(1000) so-rcvbuf(" + rcvbuf + ")";
  std::ostringstream c;
  c << "@version: " << config_version << "\n"
    << "options { stats-freq(0); keep-hostname(yes); chain-hostnames(no); use-dns(no);\n"
    << "  dns-cache(no); log-msg-size(65536); };\n"
    << "source s_net {\n"
    << listener("network", tcp_port_, "tcp", tcp_window)
    << listener("syslog", tcp_5424_port_, "tcp", tcp_window)
    << listener("network", udp_port_, "udp", udp_window)
    << listener("syslog", udp_5424_port_, "udp", udp_window) << "};\n"
    << "destination d_file { file(" << Quoted(output_file().string())
    << R"( template("${ISODATE} ${HOST} ${MSGHDR}${MESSAGE}\n"))"
    << " log-fifo-size(600000) flush-lines(1000)); };\n"
    << "log { source(s_net); destination(d_file); flags(flow-control); };\n";
  return c.str();
}

bool SyslogNg::StartOnce(bool* port_taken) {
  *port_taken = false;
  const fs::path conf = dir_ / "syslog-ng.conf";
  if (!WriteFile(conf, Config())) {
    error_ = "cannot write " + conf.string();
    return false;
  }
  const CommandResult check = RunCommand({kSyslogNg, "-s", "-f", conf.string()}, 30s);
  if (check.exit_code != 0) {
    error_ = "syslog-ng -s rejected the config:\n" + check.out + check.err + "\n" + Config();
    return false;
  }
  process_ = std::make_unique<Process>(
      std::vector<std::string>{
          kSyslogNg, "-F", "-f", conf.string(), "-R", (dir_ / "syslog-ng.persist").string(), "-p",
          (dir_ / "syslog-ng.pid").string(), "-c", (dir_ / "syslog-ng.ctl").string(), "--no-caps"},
      Process::Options{.env = {},
                       .stdout_path = (dir_ / "syslog-ng.out").string(),
                       .stderr_path = log_file().string()});
  if (!process_->started()) {
    error_ = process_->error();
    return false;
  }
  const bool up = WaitUntil(
      [&] {
        return !process_->Running() ||
               (HasSocket(pid(), "tcp", tcp_port_) && HasSocket(pid(), "tcp", tcp_5424_port_) &&
                HasSocket(pid(), "udp", udp_port_) && HasSocket(pid(), "udp", udp_5424_port_) &&
                TcpAccepts(tcp_port_) && TcpAccepts(tcp_5424_port_));
      },
      10s);
  if (up && process_->Running()) return true;
  const std::string logs = Logs({dir_ / "syslog-ng.out", log_file()});
  *port_taken = logs.find("Address already in use") != std::string::npos;
  error_ = "syslog-ng did not start" + logs;
  process_.reset();
  return false;
}

bool SyslogNg::Start() {
  for (int attempt = 0; attempt < 3; ++attempt) {
    bool port_taken = false;
    if (StartOnce(&port_taken)) return true;
    if (!port_taken) return false;
    PickPorts();  // one was taken between FreePort() and syslog-ng's bind
  }
  return false;
}

void SyslogNg::Stop() { process_.reset(); }

}  // namespace gs::test
