// The syslog peers of tests/support/syslog_peers.h on their own, without groundstation:
// rsyslog forwards to raw Python sinks (plain TCP and TLS), rsyslog and syslog-ng receive
// what loggen sends. A failure here is a broken helper or peer, not a groundstation bug.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/peers.h"
#include "tests/support/syslog_peers.h"

namespace gs::test {
namespace {

namespace fs = std::filesystem;

// A sink that appends every byte it receives over TCP (or TLS with CERT KEY) to OUT; with CA
// it requires a client certificate from that CA and prints "peer <CN>" per connection.
constexpr const char* kSinkPy = R"(import socket, ssl, sys, threading
port, out = int(sys.argv[1]), open(sys.argv[2], "ab", buffering=0)
lock, ctx = threading.Lock(), None
if len(sys.argv) > 4:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[3], sys.argv[4])
    if len(sys.argv) > 5:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(sys.argv[5])
def serve(c):
    try:
        if ctx:
            c = ctx.wrap_socket(c, server_side=True)
            subject = dict(x[0] for x in (c.getpeercert() or {}).get("subject", ()))
            print("peer", subject.get("commonName", "-"), flush=True)
        while (d := c.recv(65536)):
            with lock:
                out.write(d)
    except (OSError, ssl.SSLError) as e:
        print("error", e, flush=True)
t = socket.socket()
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("127.0.0.1", port))
t.listen(16)
print("ready", flush=True)
while True:
    c, _ = t.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
)";

// kSinkPy on a free port, started from `dir`; its bytes in out(), its stdout in stdout().
class Sink {
 public:
  Sink(const TempDir& dir, const std::string& name, const std::vector<std::string>& tls_args)
      : port_(FreePort()), out_(dir / (name + ".bin")), stdout_(dir / (name + ".stdout")) {
    WriteFile(dir / "sink.py", kSinkPy);
    std::vector<std::string> argv{"/usr/bin/python3", (dir / "sink.py").string(),
                                  std::to_string(port_), out_.string()};
    argv.insert(argv.end(), tls_args.begin(), tls_args.end());
    process_ = std::make_unique<Process>(
        argv, Process::Options{.env = {}, .stdout_path = stdout_.string(), .stderr_path = ""});
    ready_ = process_->started() &&
             WaitUntil([&] { return ReadFile(stdout_).find("ready") != std::string::npos; }, 10s);
  }
  [[nodiscard]] bool ready() const { return ready_; }
  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string bytes() const { return ReadFile(out_); }
  [[nodiscard]] std::string stdout_text() const { return ReadFile(stdout_); }

 private:
  int port_;
  fs::path out_;
  fs::path stdout_;
  std::unique_ptr<Process> process_;
  bool ready_ = false;
};

// Splits an RFC 6587 octet-counted stream into its messages; false when a frame is malformed
// or incomplete (then `messages` holds the frames before it).
bool SplitOctetCounted(const std::string& stream, std::vector<std::string>* messages) {
  std::size_t at = 0;
  while (at < stream.size()) {
    const std::size_t space = stream.find(' ', at);
    if (space == std::string::npos || space == at || space - at > 6) return false;
    const std::string digits = stream.substr(at, space - at);
    if (digits.find_first_not_of("0123456789") != std::string::npos) return false;
    const std::size_t length = std::stoul(digits);
    if (space + 1 + length > stream.size()) return false;
    messages->push_back(stream.substr(space + 1, length));
    at = space + 1 + length;
  }
  return true;
}

bool AnyContains(const std::vector<std::string>& messages, const std::string& text) {
  return std::ranges::any_of(
      messages, [&](const std::string& m) { return m.find(text) != std::string::npos; });
}

std::size_t LineCount(const fs::path& file) {
  const std::string text = ReadFile(file);
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(SyslogPeersSmokeTest, MakeCertificatesBuildsAChainAndARogueClient) {
  TempDir dir;
  std::string error;
  ASSERT_TRUE(MakeCertificates(dir.path(), &error)) << error;
  const std::string ca = (dir / "ca.crt").string();
  EXPECT_EQ(
      RunCommand({"openssl", "verify", "-CAfile", ca, (dir / "server.crt").string()}).exit_code, 0);
  EXPECT_EQ(RunCommand({"openssl", "verify", "-CAfile", ca, "-purpose", "sslclient",
                        (dir / "client.crt").string()})
                .exit_code,
            0);
  EXPECT_NE(
      RunCommand({"openssl", "verify", "-CAfile", ca, (dir / "rogue.crt").string()}).exit_code, 0);
  const CommandResult text =
      RunCommand({"openssl", "x509", "-in", (dir / "server.crt").string(), "-noout", "-text"});
  EXPECT_NE(text.out.find("DNS:localhost, IP Address:127.0.0.1"), std::string::npos) << text.out;
}

// Parameter: rsyslog's TLS stream driver.
class RsyslogForwardTest : public testing::TestWithParam<std::string> {};

TEST_P(RsyslogForwardTest, ForwardsAFileLineAndATcpMessageToPlainAndTlsSinks) {
  if (!Rsyslog::Root()) {
    GTEST_SKIP() << "no rsyslog: set GS_RSYSLOG_ROOT (scripts/test.sh runs "
                    "scripts/fetch-rsyslog.sh and sets it)";
  }
  TempDir dir;
  std::string error;
  ASSERT_TRUE(MakeCertificates(dir.path(), &error)) << error;
  Sink plain(dir, "plain", {});
  Sink tls(
      dir, "tls",
      {(dir / "server.crt").string(), (dir / "server.key").string(), (dir / "ca.crt").string()});
  ASSERT_TRUE(plain.ready() && tls.ready());

  Rsyslog::Options options;
  options.forwards.push_back({.protocol = "tcp", .port = plain.port()});
  options.forwards.push_back(
      {.protocol = "tcp", .port = tls.port(), .tls = GetParam(), .cert_dir = dir.path()});
  Rsyslog rsyslog(options);
  ASSERT_TRUE(rsyslog.Start()) << rsyslog.error();
  ASSERT_TRUE(WriteFile(rsyslog.append_file(), "first line from file\n"));
  const CommandResult logger =
      RunCommand({"logger", "-n", "127.0.0.1", "-P", std::to_string(rsyslog.port()), "-T",
                  "--rfc3164", "-t", "viaimtcp", "hello through imtcp"});
  ASSERT_EQ(logger.exit_code, 0) << logger.err;

  for (const Sink* sink : {&plain, &tls}) {
    std::vector<std::string> messages;
    const bool both = WaitUntil(
        [&] {
          messages.clear();
          return SplitOctetCounted(sink->bytes(), &messages) && messages.size() >= 2;
        },
        20s);
    ASSERT_TRUE(both) << "sink got: " << sink->bytes() << "\nsink said: " << sink->stdout_text()
                      << "\nrsyslogd: " << ReadFile(rsyslog.log_file());
    // local0.warning = <132>, RFC 5424 (version 1), APP-NAME from the imfile tag.
    EXPECT_TRUE(AnyContains(messages, "<132>1 ")) << sink->bytes();
    EXPECT_TRUE(AnyContains(messages, " app - - - first line from file\n")) << sink->bytes();
    EXPECT_TRUE(AnyContains(messages, " viaimtcp - - - ")) << sink->bytes();
    EXPECT_TRUE(AnyContains(messages, "hello through imtcp\n")) << sink->bytes();
  }
  EXPECT_NE(tls.stdout_text().find("peer client.example"), std::string::npos) << tls.stdout_text();
}

INSTANTIATE_TEST_SUITE_P(Drivers, RsyslogForwardTest, testing::Values("gtls", "ossl"),
                         [](const testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

TEST(SyslogPeersSmokeTest, RsyslogReceiverWritesEveryLoggenMessage) {
  const std::optional<fs::path> loggen = LoggenPath();
  if (!Rsyslog::Root()) GTEST_SKIP() << "no rsyslog: set GS_RSYSLOG_ROOT (scripts/test.sh)";
  if (!loggen) GTEST_SKIP() << "no loggen: install syslog-ng-core (scripts/install-deps.sh test)";
  Rsyslog rsyslog(Rsyslog::Receiver(0, 0));
  ASSERT_TRUE(rsyslog.Start()) << rsyslog.error();
  const std::string tcp = std::to_string(rsyslog.port());
  const std::string udp = std::to_string(rsyslog.udp_port());
  // 100 RFC 3164 over TCP, 100 octet-counted RFC 5424 over TCP, 100 RFC 5424 datagrams.
  struct Run {
    std::vector<std::string> options;
    std::string port;
  };
  for (const Run& run :
       {Run{{"-i", "-S"}, tcp}, Run{{"-i", "-S", "-P"}, tcp}, Run{{"-i", "-D", "-P", "-F"}, udp}}) {
    std::vector<std::string> argv{loggen->string(), "-Q", "-n", "100", "-s", "200"};
    argv.insert(argv.end(), run.options.begin(), run.options.end());
    argv.insert(argv.end(), {"127.0.0.1", run.port});
    const CommandResult r = RunCommand(argv, 30s);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  EXPECT_TRUE(WaitUntil([&] { return LineCount(rsyslog.output_file()) >= 300; }, 20s))
      << LineCount(rsyslog.output_file()) << " lines; rsyslogd: " << ReadFile(rsyslog.log_file());
  EXPECT_EQ(LineCount(rsyslog.output_file()), 300u);
  const std::optional<std::int64_t> rcvbuf = rsyslog.udp_receive_buffer_bytes();
  ASSERT_TRUE(rcvbuf.has_value());
  EXPECT_GE(*rcvbuf, std::int64_t{32} << 20);  // rsyslog forces it past rmem_max as root
}

TEST(SyslogPeersSmokeTest, SyslogNgWritesEveryLoggenMessage) {
  const std::optional<fs::path> loggen = LoggenPath();
  if (!SyslogNg::Binary() || !loggen) {
    GTEST_SKIP() << "no syslog-ng/loggen: install syslog-ng-core (scripts/install-deps.sh test)";
  }
  SyslogNg syslog_ng;
  ASSERT_TRUE(syslog_ng.Start()) << syslog_ng.error();
  const CommandResult r = RunCommand({loggen->string(), "-Q", "-i", "-S", "-n", "100", "-s", "200",
                                      "127.0.0.1", std::to_string(syslog_ng.tcp_port())},
                                     30s);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const CommandResult r5424 =
      RunCommand({loggen->string(), "-Q", "-i", "-S", "-P", "-n", "100", "-s", "200", "127.0.0.1",
                  std::to_string(syslog_ng.tcp_5424_port())},
                 30s);
  ASSERT_EQ(r5424.exit_code, 0) << r5424.err;
  EXPECT_TRUE(WaitUntil([&] { return LineCount(syslog_ng.output_file()) >= 200; }, 20s))
      << LineCount(syslog_ng.output_file())
      << " lines; syslog-ng: " << ReadFile(syslog_ng.log_file());
  const std::string out = ReadFile(syslog_ng.output_file());
  EXPECT_EQ(LineCount(syslog_ng.output_file()), 200u);
  // The syslog() listener parsed the framed RFC 5424: no raw "<PRI>1" header left in a line.
  EXPECT_EQ(out.find("<38>1 "), std::string::npos) << out.substr(0, 2000);
  EXPECT_TRUE(syslog_ng.udp_receive_buffer_bytes().has_value());
}

}  // namespace
}  // namespace gs::test
