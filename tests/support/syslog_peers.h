// Real syslog peers for the integration tests (and the configuration the benchmark mirrors):
// a test PKI made by the openssl CLI, rsyslogd as a sender (imfile and imtcp inputs forwarded
// by omfwd over TCP, TLS or UDP) or as a receiver, syslog-ng as a receiver, and loggen.
//
// rsyslog is not installed (Debian's rsyslog conflicts with syslog-ng-core): scripts/test.sh
// unpacks it with scripts/fetch-rsyslog.sh and exports its root as GS_RSYSLOG_ROOT. Each peer
// runs in the foreground in its own TempDir (config, state, pid file, output, its own log) and
// is stopped by PID. Each object belongs to the test thread that made it; the free functions
// are safe from any thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/peers.h"

namespace gs::test {

// Writes a test PKI into the existing directory `dir` with the openssl CLI (about 1 s):
//   ca.crt ca.key              CN=Test CA (the trusted CA)
//   server.crt server.key      CN=localhost, SAN DNS:localhost + IP:127.0.0.1, serverAuth, by ca
//   client.crt client.key      CN=client.example, SAN DNS:client.example, clientAuth, by ca
//   other-ca.crt other-ca.key  CN=Other CA, unrelated to ca
//   rogue.crt rogue.key        CN=rogue, clientAuth, signed by other-ca (negative tests)
// Certificates are valid from now for 365 days (CAs 3650), keys are unencrypted RSA 2048. Every
// file is mode 0644, so peers that drop root can read them (the TempDir itself is 0700).
// False, with the reason in `*error` (when not null), when openssl fails.
[[nodiscard]] bool MakeCertificates(const std::filesystem::path& dir, std::string* error);

// Runs `openssl ARGS...` (30 s at most); false, with its stderr in `*error` (when not null),
// unless it exits 0.
bool Openssl(const std::vector<std::string>& args, std::string* error);

// loggen (package syslog-ng-core) from PATH or /usr/bin; nullopt when it is not installed.
std::optional<std::filesystem::path> LoggenPath();

// True when a TCP connection to 127.0.0.1:`port` succeeds (then closed at once).
bool TcpAccepts(int port);
// True when process `pid` itself holds a listening TCP socket (`protocol` "tcp") or a bound
// UDP socket ("udp") on local `port`, any address (from /proc/net/* and /proc/PID/fd). Unlike
// TcpAccepts, not fooled by another process that took the port first.
bool HasSocket(pid_t pid, const std::string& protocol, int port);
// The receive buffer the kernel gave the UDP socket on `port`, in bytes, as `ss -m` reports it
// (rb: twice what SO_RCVBUF asked for, capped at 2 x net.core.rmem_max unless the owner used
// SO_RCVBUFFORCE); nullopt when no such socket exists or ss is missing.
std::optional<std::int64_t> UdpReceiveBufferBytes(int port);

// rsyslogd 8 from a private unpack (GS_RSYSLOG_ROOT). Inputs, bound to one ruleset:
//   - imtcp on 127.0.0.1:port() (always; octet-counted and LF framing, 3164 and 5424);
//   - imfile on append_file() when `file_input` (each appended line becomes one message);
//   - imudp on 127.0.0.1:udp_port() when `udp` (receive buffer `udp_receive_buffer`).
// Every message from them goes to each of `forwards` (omfwd, each with its own queue and
// endless retries, so a sink that is not up yet gets the message later) and, with `receive`,
// to output_file(), one line per message (see Receiver()). rsyslogd's own messages go to
// log_file(), never to the forwards.
class Rsyslog {
 public:
  struct Forward {
    std::string protocol = "tcp";  // "tcp" or "udp", to 127.0.0.1:port
    int port = 0;
    std::string framing = "octet-counted";  // TCP: "octet-counted" (RFC 6587) or "traditional" (LF)
    std::string template_name = "RSYSLOG_SyslogProtocol23Format";  // RFC 5424
    // TLS over TCP: "" for plain, "gtls" (GnuTLS) or "ossl" (OpenSSL) stream driver, mode 1,
    // x509/name: the server's certificate must chain to cert_dir/ca.crt and name
    // `permitted_peer`. rsyslog presents cert_dir/<client_cert>.crt/.key (MakeCertificates'
    // layout; "rogue" for a certificate from another CA).
    std::string tls{};
    std::string permitted_peer = "localhost";
    std::filesystem::path cert_dir{};
    std::string client_cert = "client";
  };
  struct Options {
    std::vector<Forward> forwards{};
    int tcp_port = 0;  // imtcp port; 0 picks a free one
    bool file_input = true;
    std::string file_tag = "app";
    std::string file_facility = "local0";
    std::string file_severity = "warning";
    bool udp = false;
    int udp_port = 0;                        // 0 picks a free one
    std::string udp_receive_buffer = "32m";  // imudp rcvbufSize; as root rsyslog forces it
    bool receive = false;                    // write every message to output_file()
  };
  // Receiver mode as the benchmark runs it: imtcp + imudp (32 MiB receive buffer) on the given
  // ports (0: free ones), no imfile, every message appended to output_file() by omfile with a
  // built-in template RSYSLOG_FileFormat ("RFC3339-TIMESTAMP HOSTNAME TAG MSG"), asynchronous
  // writes, 256 KiB buffers, flushed at least every second: a fair production setup.
  static Options Receiver(int tcp_port, int udp_port);

  explicit Rsyslog(Options options);
  ~Rsyslog();
  Rsyslog(const Rsyslog&) = delete;
  Rsyslog& operator=(const Rsyslog&) = delete;

  // GS_RSYSLOG_ROOT when it holds usr/sbin/rsyslogd; nullopt otherwise (tests then
  // GTEST_SKIP: run scripts/test.sh, or scripts/fetch-rsyslog.sh DIR and set the variable).
  static std::optional<std::filesystem::path> Root();

  // Writes rsyslog.conf, validates it with `rsyslogd -N1` (false with its output in error()),
  // starts `rsyslogd -n -f CONF -i PIDFILE -M MODDIR` and waits (10 s) until imtcp accepts
  // connections and, with `udp`, the UDP port is bound. Retries on new free ports when one it
  // picked was taken meanwhile. REQUIRES: Root() is set; not running.
  [[nodiscard]] bool Start();
  // SIGTERM by PID and wait (SIGKILL after 5 s). Idempotent; Start() may follow.
  void Stop();

  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] pid_t pid() const { return process_ ? process_->pid() : -1; }
  [[nodiscard]] int port() const { return options_.tcp_port; }
  [[nodiscard]] int udp_port() const { return options_.udp_port; }
  [[nodiscard]] std::filesystem::path append_file() const { return dir_ / "append.log"; }
  [[nodiscard]] std::filesystem::path output_file() const { return dir_ / "received.log"; }
  [[nodiscard]] std::filesystem::path log_file() const { return dir_ / "rsyslogd.log"; }
  [[nodiscard]] std::filesystem::path config_file() const { return dir_ / "rsyslog.conf"; }
  // The UDP receive buffer rsyslogd got (see UdpReceiveBufferBytes); nullopt without `udp`.
  [[nodiscard]] std::optional<std::int64_t> udp_receive_buffer_bytes() const;

 private:
  [[nodiscard]] std::string Config() const;
  bool StartOnce(bool* port_taken);
  Options options_;
  bool pick_tcp_port_;
  bool pick_udp_port_;
  TempDir dir_;
  std::unique_ptr<Process> process_;
  std::string error_;
};

// syslog-ng 3 (syslog-ng-core) as a receiver, in the foreground with its own config, persist,
// pid and control files in a TempDir. Four listeners on 127.0.0.1, free ports:
//   tcp_port()       network(): LF-framed RFC 3164 (loggen -i -S)
//   tcp_5424_port()  syslog():  RFC 6587 octet-counted RFC 5424 (loggen -i -S -P). network()
//                    cannot do this: with flags(syslog-protocol) it takes the octet count for
//                    the message's program name.
//   udp_port()       network(): RFC 3164 datagrams (loggen -i -D)
//   udp_5424_port()  syslog():  RFC 5424 datagrams (loggen -i -D -P -F)
// Every message is appended to output_file() as "ISODATE HOST MSGHDR MESSAGE", with flow
// control (a TCP sender waits instead of messages being dropped when the file writer lags).
class SyslogNg {
 public:
  struct Options {
    // so-rcvbuf() of the UDP sockets. syslog-ng uses plain SO_RCVBUF, so the kernel caps it
    // at net.core.rmem_max (see udp_receive_buffer_bytes() for what it got).
    std::int64_t so_rcvbuf = std::int64_t{32} << 20;
  };
  explicit SyslogNg(Options options);
  SyslogNg() : SyslogNg(Options{}) {}
  ~SyslogNg();
  SyslogNg(const SyslogNg&) = delete;
  SyslogNg& operator=(const SyslogNg&) = delete;

  // /usr/sbin/syslog-ng when installed, else nullopt (tests GTEST_SKIP).
  static std::optional<std::filesystem::path> Binary();

  // Checks the config (`syslog-ng -s`), starts `syslog-ng -F -f CONF -R PERSIST -p PID -c CTL
  // --no-caps` and waits (10 s) until all four listeners are up; retries on new ports when one
  // was taken. False with the reason (and syslog-ng's output) in error(). REQUIRES: Binary().
  [[nodiscard]] bool Start();
  void Stop();  // SIGTERM by PID and wait; idempotent

  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] pid_t pid() const { return process_ ? process_->pid() : -1; }
  [[nodiscard]] int tcp_port() const { return tcp_port_; }
  [[nodiscard]] int tcp_5424_port() const { return tcp_5424_port_; }
  [[nodiscard]] int udp_port() const { return udp_port_; }
  [[nodiscard]] int udp_5424_port() const { return udp_5424_port_; }
  [[nodiscard]] std::filesystem::path output_file() const { return dir_ / "received.log"; }
  [[nodiscard]] std::filesystem::path log_file() const { return dir_ / "syslog-ng.log"; }
  [[nodiscard]] std::optional<std::int64_t> udp_receive_buffer_bytes() const {
    return UdpReceiveBufferBytes(udp_port_);
  }

 private:
  void PickPorts();
  [[nodiscard]] std::string Config() const;
  bool StartOnce(bool* port_taken);
  Options options_;
  TempDir dir_;
  int tcp_port_ = 0;
  int tcp_5424_port_ = 0;
  int udp_port_ = 0;
  int udp_5424_port_ = 0;
  std::unique_ptr<Process> process_;
  std::string error_;
};

}  // namespace gs::test
