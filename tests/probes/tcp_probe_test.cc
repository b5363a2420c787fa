// The TCP/TLS probe and its commands against real peers on 127.0.0.1: a Python TCP server,
// nginx with TLS, and `openssl s_server` with certificates made for each case; plus the pure
// certificate evaluation with synthetic chains.
#include "probes/tcp_probe.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <sstream>
#include <thread>

#include "probes/check_cli_support.h"
#include "probes/tls_inspect.h"
#include "tests/support/syslog_peers.h"
#include "tests/support/tls_peers.h"

namespace gs::probes {
namespace {

using gs::test::CertSpec;
using gs::test::OpensslServer;
using gs::test::ScriptServer;
using namespace std::chrono_literals;
using Time = std::chrono::system_clock::time_point;

const Perfdata* Find(const CheckResult& r, const std::string& label) {
  for (const Perfdata& p : r.perfdata) {
    if (p.label == label) return &p;
  }
  return nullptr;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TcpCheckSpec Spec(int port, bool tls = false) {
  TcpCheckSpec spec;
  spec.host = "127.0.0.1";
  spec.port = port;
  spec.timeout = 10s;
  spec.tls = tls;
  return spec;
}

struct Cli {
  int code;
  std::string out;
};
Cli RunCli(int (*command)(const cli::Args&, std::ostream&, std::ostream&), const cli::Args& args) {
  std::ostringstream out;
  std::ostringstream err;
  const int code = command(args, out, err);
  return {code, out.str()};
}

TEST(TcpEscapesTest, CheckTcpEscapesBecomeBytesAndOthersStayAsTheyAre) {
  EXPECT_EQ(InterpretEscapes(R"(HEAD / HTTP/1.0\r\n\r\n)"), "HEAD / HTTP/1.0\r\n\r\n");
  EXPECT_EQ(InterpretEscapes(R"(a\tb\\n)"), "a\tb\\n");
  EXPECT_EQ(InterpretEscapes(R"(\d\)"), R"(\d\)");
  EXPECT_EQ(QuoteBytes("220 \"ok\"\r\n\x01\xff"), R"("220 \"ok\"\r\n\x01\xff")");
  EXPECT_EQ(QuoteBytes("abcdef", 3), "\"abc\"...");
}

CertificateInfo Cert(std::string role, std::string cn, Time not_before, Time not_after) {
  return {std::move(role), "CN=" + std::move(cn), "CN=Test CA", true, not_before, not_after};
}

TEST(TlsExpiryTest, TheSoonestExpiringElementOfTheChainDecides) {
  const Time now = std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} + 12h;
  const Time past = now - 100 * 24h;
  struct Case {
    std::vector<CertificateInfo> chain;
    std::optional<int> warn, crit;
    State state;
    std::string text;
    std::optional<std::int64_t> days;
  };
  const std::vector<Case> cases = {
      {{Cert("leaf", "localhost", past, now + 364 * 24h + 1h)},
       30,
       7,
       State::kOk,
       "certificate CN=localhost valid 364 days (until 2027-11-22)",
       364},
      {{Cert("leaf", "localhost", past, now + 4 * 24h + 1h)},
       30,
       3,
       State::kWarning,
       "leaf CN=localhost expires in 4 days (2026-11-27)",
       4},
      {{Cert("leaf", "localhost", past, now + 4 * 24h + 1h)},
       30,
       5,
       State::kCritical,
       "leaf CN=localhost expires in 4 days (2026-11-27)",
       4},
      {{Cert("leaf", "a", past, now + 90 * 24h), Cert("intermediate", "Sub CA", past, now + 50h)},
       std::nullopt,
       3,
       State::kCritical,
       "intermediate CN=Sub CA expires in 2 days (2026-11-25)",
       2},
      {{Cert("leaf", "a", past, now + 90 * 24h), Cert("intermediate", "Sub CA", past, now + 50h)},
       std::nullopt,
       std::nullopt,
       State::kOk,
       "certificate CN=a, intermediate CN=Sub CA valid 2 days (until 2026-11-25)",
       2},
      {{Cert("leaf", "old", past, now - 3 * 24h - 1h)},
       std::nullopt,
       std::nullopt,
       State::kCritical,
       "leaf CN=old expired 3 days ago (2026-11-20)",
       -4},
      {{Cert("leaf", "new", now + 49h, now + 400 * 24h)},
       std::nullopt,
       std::nullopt,
       State::kCritical,
       "leaf CN=new not valid before 2026-11-25 13:00 UTC",
       400},
      {{}, std::nullopt, std::nullopt, State::kCritical, "no certificate presented", std::nullopt},
  };
  for (const Case& c : cases) {
    const TlsVerdict v = EvaluateExpiry(c.chain, now, c.warn, c.crit);
    EXPECT_EQ(v.state, c.state) << c.text;
    EXPECT_EQ(v.certificate_text, c.text);
    EXPECT_EQ(v.days_left, c.days) << c.text;
  }
}

TEST(TlsExpiryTest, ChainAndHostnameProblemsCountOnlyWhenTheirVerificationIsOn) {
  const Time now = std::chrono::system_clock::now();
  TlsSession session{"TLSv1.3",
                     {Cert("leaf", "localhost", now - 24h, now + 100 * 24h)},
                     18 /* X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT */,
                     "certificate mismatch"};
  TlsVerdict v = EvaluateTls(session, {true, true, std::nullopt, std::nullopt}, now);
  EXPECT_EQ(v.state, State::kCritical);
  ASSERT_EQ(v.problems.size(), 2u);
  EXPECT_EQ(v.problems[0], "certificate verify failed: self-signed certificate");
  EXPECT_EQ(v.problems[1], "certificate mismatch");
  v = EvaluateTls(session, {false, false, std::nullopt, std::nullopt}, now);
  EXPECT_EQ(v.state, State::kOk);
  EXPECT_TRUE(v.problems.empty());
}

TEST(TcpProbeSpecTest, ChecksThatCannotRunAreUnknown) {
  TcpCheckSpec bad_port = Spec(0);
  EXPECT_EQ(RunTcpCheck(bad_port).state, State::kUnknown);
  TcpCheckSpec bad_regex = Spec(test::FreePort());
  bad_regex.expect_regex = "(";
  const CheckResult r = RunTcpCheck(bad_regex);
  EXPECT_EQ(r.state, State::kUnknown);
  EXPECT_TRUE(Contains(r.text, "invalid regex")) << r.text;
  TcpCheckSpec no_ca = Spec(test::FreePort(), true);
  no_ca.ca_file = "/nonexistent/ca.pem";
  EXPECT_EQ(RunTcpCheck(no_ca).text, "cannot load CA file /nonexistent/ca.pem: no such file");
}

TEST(TcpProbeTest, ARefusedPortIsCriticalWithTheReason) {
  const int port = test::FreePort();
  const CheckResult r = RunTcpCheck(Spec(port));
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_EQ(r.text, "connect to 127.0.0.1:" + std::to_string(port) + ": Connection refused");
  EXPECT_TRUE(r.perfdata.empty());
}

TEST(TcpProbeTest, AServerThatNeverAnswersTimesOutWaitingForTheExpectedReply) {
  test::HangServer hang;
  TcpCheckSpec spec = Spec(hang.port());
  spec.expect_regex = "^220";
  spec.timeout = 1s;
  const CheckResult r = RunTcpCheck(spec);
  EXPECT_EQ(r.state, State::kCritical);
  const std::string address = "127.0.0.1:" + std::to_string(hang.port());
  EXPECT_TRUE(Contains(r.text,
                       " s - '^220' not matched, nothing received (timeout after 1 s "
                       "waiting for a reply from " +
                           address + ")"))
      << r.text;
  EXPECT_NE(Find(r, "time_connect"), nullptr);
}

TEST(TcpProbeTest, AHandshakeThatNeverCompletesTimesOutAsCritical) {
  test::HangServer hang;
  TcpCheckSpec spec = Spec(hang.port(), true);
  spec.timeout = 500ms;
  const CheckResult r = RunTcpCheck(spec);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_EQ(r.text, "timeout after 0.5 s in the TLS handshake with 127.0.0.1:" +
                        std::to_string(hang.port()));
}

class ScriptServerTest : public ::testing::Test {
 protected:
  void Serve(ScriptServer::Mode mode) {
    if (!ScriptServer::Available()) GTEST_SKIP() << "/usr/bin/python3 is not installed";
    server_ = std::make_unique<ScriptServer>(mode);
    ASSERT_TRUE(server_->Start()) << server_->error();
  }
  std::unique_ptr<ScriptServer> server_;
};

TEST_F(ScriptServerTest, AListeningPortIsOkWithTheConnectTime) {
  Serve(ScriptServer::Mode::kBannerEcho);
  const CheckResult r = RunTcpCheck(Spec(server_->port()));
  EXPECT_EQ(r.state, State::kOk) << r.text;
  EXPECT_TRUE(Contains(r.text, "127.0.0.1:" + std::to_string(server_->port()) + " connected in "))
      << r.text;
  ASSERT_NE(Find(r, "time_connect"), nullptr);
  EXPECT_EQ(Find(r, "time_connect")->uom, "s");
  EXPECT_EQ(Find(r, "bytes_received"), nullptr);
}

TEST_F(ScriptServerTest, ConnectTimeThresholdsSetTheState) {
  Serve(ScriptServer::Mode::kBannerEcho);
  TcpCheckSpec spec = Spec(server_->port());
  spec.warn_time = *Range::Parse("@0:100");  // alerts inside 0..100 s: always
  EXPECT_EQ(RunTcpCheck(spec).state, State::kWarning);
  spec.crit_time = *Range::Parse("@0:100");
  const CheckResult r = RunTcpCheck(spec);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_EQ(Find(r, "time_connect")->crit, "@0:100");
}

TEST_F(ScriptServerTest, HostNamesAreResolvedAndEveryAddressIsTried) {
  Serve(ScriptServer::Mode::kBannerEcho);  // IPv4 only: "localhost" may try ::1 first
  TcpCheckSpec spec = Spec(server_->port());
  spec.host = "localhost";
  EXPECT_EQ(RunTcpCheck(spec).state, State::kOk);
}

TEST_F(ScriptServerTest, TheSentBytesAreEchoedAndMatched) {
  Serve(ScriptServer::Mode::kBannerEcho);
  TcpCheckSpec spec = Spec(server_->port());
  spec.send = "PING 42\r\n";
  spec.expect_regex = "^PING \\d+\\r$";
  const CheckResult r = RunTcpCheck(spec);
  EXPECT_EQ(r.state, State::kOk) << r.text;
  EXPECT_TRUE(Contains(r.text, ", '^PING \\d+\\r$' matched in ")) << r.text;
  EXPECT_GE(Find(r, "bytes_received")->value, 9);
}

TEST_F(ScriptServerTest, AnUnmatchedReplyIsCriticalAndShowsWhatArrived) {
  Serve(ScriptServer::Mode::kBannerClose);
  TcpCheckSpec spec = Spec(server_->port());
  spec.expect_regex = "^OK";
  const CheckResult r = RunTcpCheck(spec);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_TRUE(Contains(r.text, R"( - '^OK' not matched in 9 bytes (closed by the server): )"
                               R"("220 bye\r\n")"))
      << r.text;
  EXPECT_EQ(Find(r, "bytes_received")->value, 9);
}

TEST_F(ScriptServerTest, ReadingStopsAtTheLimitInsteadOfWaitingForTheTimeout) {
  Serve(ScriptServer::Mode::kFlood);
  TcpCheckSpec spec = Spec(server_->port());
  spec.expect_regex = "y";
  spec.timeout = 60s;
  const CheckResult r = RunTcpCheck(spec);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_TRUE(Contains(r.text, "not matched in 65536 bytes (read limit): \"xxx")) << r.text;
  EXPECT_EQ(Find(r, "bytes_received")->value, 65536);
}

TEST_F(ScriptServerTest, ATlsHandshakeWithAPlainServerIsCriticalWithOpensslsReason) {
  Serve(ScriptServer::Mode::kBannerEcho);
  const CheckResult r = RunTcpCheck(Spec(server_->port(), true));
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_TRUE(Contains(r.text, "TLS handshake with 127.0.0.1:" + std::to_string(server_->port()) +
                                   " failed: wrong version number"))
      << r.text;
}

TEST_F(ScriptServerTest, ManyChecksShareOneIoContextAndEachCallsBackOnce) {
  Serve(ScriptServer::Mode::kBannerEcho);
  boost::asio::io_context io;
  std::atomic<int> ok{0};
  std::atomic<int> calls{0};
  constexpr int kChecks = 20;
  for (int i = 0; i < kChecks; ++i) {
    TcpCheckSpec spec = Spec(i % 2 == 0 ? server_->port() : test::FreePort());
    spec.expect_regex = "^220";
    StartTcpCheck(io, spec, [&](const CheckResult& r) {
      ++calls;
      if (r.state == State::kOk) ++ok;
    });
  }
  std::thread second([&] { io.run(); });
  io.run();
  second.join();
  EXPECT_EQ(calls.load(), kChecks);
  EXPECT_EQ(ok.load(), kChecks / 2);
}

TEST_F(ScriptServerTest, TheTcpCommandSendsEscapesAndPrintsAPluginLine) {
  Serve(ScriptServer::Mode::kBannerEcho);
  const std::string port = std::to_string(server_->port());
  Cli c = RunCli(cli::RunTcp, {"-H", "127.0.0.1", "-p", port, "-s", "hi\\r\\n", "-e", "^hi\\r$",
                               "-w", "5", "-c", "10"});
  EXPECT_EQ(c.code, 0) << c.out;
  EXPECT_EQ(c.out.rfind("TCP OK - 127.0.0.1:" + port + " connected in ", 0), 0u) << c.out;
  EXPECT_TRUE(Contains(c.out, "| time_connect=")) << c.out;
  EXPECT_TRUE(Contains(c.out, "s;5;10;0 bytes_received=")) << c.out;
  c = RunCli(cli::RunTcp, {"-H", "127.0.0.1", "-p", std::to_string(test::FreePort())});
  EXPECT_EQ(c.code, 2);
  EXPECT_TRUE(Contains(c.out, "TCP CRITICAL - connect to 127.0.0.1:")) << c.out;
  c = RunCli(cli::RunTcp, {"-H", "127.0.0.1"});
  EXPECT_EQ(c.code, 3);
  EXPECT_EQ(c.out, "TCP UNKNOWN - missing --port\n");
}

class NginxTlsTest : public test::NginxTest {};

TEST_F(NginxTlsTest, TlsIsOkWithVersionHandshakeTimeAndDaysLeft) {
  TcpCheckSpec spec = Spec(nginx_->tls_port(), true);
  spec.ca_file = nginx_->cert_path().string();
  spec.cert_warn_days = 7;
  spec.cert_crit_days = 3;
  const CheckResult r = RunTcpCheck(spec);
  EXPECT_EQ(r.state, State::kOk) << r.text;
  // nginx 1.22 offers TLS 1.2 unless told otherwise (1.23.4 added TLS 1.3 to the default).
  EXPECT_TRUE(Contains(r.text, " TLSv1.2 handshake in ") ||
              Contains(r.text, " TLSv1.3 handshake in "))
      << r.text;
  EXPECT_TRUE(Contains(r.text, "s, certificate CN=localhost valid 29 days (until ")) << r.text;
  ASSERT_NE(Find(r, "time_tls"), nullptr);
  EXPECT_EQ(Find(r, "days_left")->value, 29);
  EXPECT_EQ(Find(r, "days_left")->warn, "7:");
  EXPECT_EQ(Find(r, "days_left")->crit, "3:");
}

TEST_F(NginxTlsTest, ASelfSignedCertificateFailsChainVerificationUnlessItIsOff) {
  TcpCheckSpec spec = Spec(nginx_->tls_port(), true);
  const CheckResult r = RunTcpCheck(spec);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_TRUE(Contains(r.text, " - certificate verify failed: self-signed certificate")) << r.text;
  spec.verify_chain = false;
  EXPECT_EQ(RunTcpCheck(spec).state, State::kOk);
}

TEST(NginxTlsExpiryTest, ACertificateExpiringSoonIsWarningThenCritical) {
  if (!test::Nginx::Available()) GTEST_SKIP() << "nginx is not installed";
  test::Nginx nginx({.tls = true, .cert_days = 3});
  ASSERT_TRUE(nginx.Start()) << nginx.error();
  const std::string port = std::to_string(nginx.tls_port());
  const cli::Args args = {
      "-H", "127.0.0.1", "-p", port, "--ca", nginx.cert_path().string(), "--days-warn", "7"};
  Cli c = RunCli(cli::RunTls, args);
  EXPECT_EQ(c.code, 1) << c.out;
  EXPECT_TRUE(Contains(c.out, "TLS WARNING - 127.0.0.1:" + port + " TLSv1.")) << c.out;
  EXPECT_TRUE(Contains(c.out, "s, leaf CN=localhost expires in 2 days (")) << c.out;
  EXPECT_TRUE(Contains(c.out, " days_left=2;7:\n")) << c.out;
  cli::Args crit = args;
  crit.insert(crit.end(), {"--days-crit", "5", "--json"});
  c = RunCli(cli::RunTls, crit);
  EXPECT_EQ(c.code, 2) << c.out;
  EXPECT_TRUE(Contains(c.out, R"("state":"CRITICAL")")) << c.out;
}

TEST(TlsContextCacheTest, AContextIsReusedUntilItsFilesChange) {
  test::TempDir dir;
  std::string error;
  ASSERT_TRUE(test::MakeCertificates(dir.path(), &error)) << error;
  TlsContextCache cache;
  const TlsContextKey key{true, (dir / "ca.crt").string(), (dir / "client.crt").string(),
                          (dir / "client.key").string()};
  const auto first = cache.Get(key);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(cache.Get(key)->get(), first->get());
  const auto renewed_at = std::filesystem::last_write_time(dir / "ca.crt") + 2s;
  std::filesystem::last_write_time(dir / "ca.crt", renewed_at);
  EXPECT_NE(cache.Get(key)->get(), first->get());
  const auto wrong_key =
      cache.Get({true, "", (dir / "client.crt").string(), (dir / "server.key").string()});
  ASSERT_FALSE(wrong_key);
  EXPECT_EQ(wrong_key.error().message.rfind("cannot load client key ", 0), 0u)
      << wrong_key.error().message;
}

// s_server with MakeCertificates' PKI plus certificates made for the case at hand.
class OpensslServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(test::MakeCertificates(dir_.path(), &error)) << error;
  }
  void Make(const CertSpec& spec) {
    std::string error;
    ASSERT_TRUE(test::MakeCertificate(dir_.path(), spec, &error)) << error;
  }
  void Serve(OpensslServer::Options options) {
    server_ = std::make_unique<OpensslServer>(std::move(options));
    ASSERT_TRUE(server_->Start()) << server_->error();
  }
  void Serve(const std::string& name) {
    Serve({.cert = Path(name + ".crt"), .key = Path(name + ".key")});
  }
  std::filesystem::path Path(const std::string& name) const { return dir_ / name; }
  TcpCheckSpec TlsSpec() const {
    TcpCheckSpec spec = Spec(server_->port(), true);
    spec.ca_file = Path("ca.crt").string();
    return spec;
  }
  test::TempDir dir_;
  std::unique_ptr<OpensslServer> server_;
};

TEST_F(OpensslServerTest, TheHostNameIsVerifiedUnlessItIsOff) {
  Serve("server");
  TcpCheckSpec spec = TlsSpec();
  EXPECT_EQ(RunTcpCheck(spec).state, State::kOk) << "127.0.0.1 is an IP subjectAltName";
  spec.sni = "wrong.example";
  const CheckResult r = RunTcpCheck(spec);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_TRUE(Contains(r.text,
                       " - certificate CN=localhost does not match 'wrong.example' "
                       "(names: DNS:localhost, IP:127.0.0.1)"))
      << r.text;
  spec.verify_hostname = false;
  EXPECT_EQ(RunTcpCheck(spec).state, State::kOk);
}

TEST_F(OpensslServerTest, TheSniNameSelectsTheServersCertificate) {
  Make({.name = "other", .cn = "other.example", .san = "DNS:other.example"});
  Serve({.cert = Path("server.crt"),
         .key = Path("server.key"),
         .sni_name = "other.example",
         .cert2 = Path("other.crt"),
         .key2 = Path("other.key")});
  TcpCheckSpec spec = TlsSpec();
  spec.sni = "other.example";
  const CheckResult named = RunTcpCheck(spec);
  EXPECT_EQ(named.state, State::kOk) << named.text;
  EXPECT_TRUE(Contains(named.text, "certificate CN=other.example valid ")) << named.text;
  spec.sni.clear();  // an address: no SNI is sent
  const CheckResult plain = RunTcpCheck(spec);
  EXPECT_TRUE(Contains(plain.text, "certificate CN=localhost valid ")) << plain.text;
}

TEST_F(OpensslServerTest, AnExpiredLeafIsCriticalAndNamed) {
  const auto now = std::chrono::system_clock::now();
  Make({.name = "expired",
        .cn = "expired.example",
        .not_before = now - 30 * 24h,
        .not_after = now - 3 * 24h - 1h});
  Serve("expired");
  const CheckResult r = RunTcpCheck(TlsSpec());
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_TRUE(Contains(r.text, "s, leaf CN=expired.example expired 3 days ago (")) << r.text;
  EXPECT_FALSE(Contains(r.text, "verify failed")) << "the expiry text says it already";
}

TEST_F(OpensslServerTest, ACertificateNotValidYetIsCritical) {
  const auto now = std::chrono::system_clock::now();
  Make({.name = "future",
        .cn = "future.example",
        .not_before = now + 48h,
        .not_after = now + 400 * 24h});
  Serve("future");
  const CheckResult r = RunTcpCheck(TlsSpec());
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_TRUE(Contains(r.text, "s, leaf CN=future.example not valid before ")) << r.text;
}

TEST_F(OpensslServerTest, AnIntermediateExpiringFirstIsNamedWithItsDaysLeft) {
  const auto now = std::chrono::system_clock::now();
  Make({.name = "sub", .cn = "Sub CA", .san = "", .ca = true, .not_after = now + 4 * 24h + 1h});
  Make({.name = "leaf", .cn = "localhost", .issuer = "sub"});
  Serve({.cert = Path("leaf.crt"), .key = Path("leaf.key"), .chain = Path("sub.crt")});
  TcpCheckSpec spec = TlsSpec();
  spec.cert_warn_days = 10;
  const CheckResult r = RunTcpCheck(spec);
  EXPECT_EQ(r.state, State::kWarning) << r.text;
  EXPECT_TRUE(Contains(r.text, "s, intermediate CN=Sub CA expires in 4 days (")) << r.text;
  EXPECT_EQ(Find(r, "days_left")->value, 4);
  EXPECT_EQ(r.long_text.rfind("leaf CN=localhost, issuer CN=Sub CA, valid ", 0), 0u) << r.long_text;
  EXPECT_TRUE(Contains(r.long_text, "\nintermediate CN=Sub CA, issuer CN=Test CA, valid "))
      << r.long_text;
}

TEST_F(OpensslServerTest, SendAndExpectWorkOverTls) {
  Serve("server");
  TcpCheckSpec spec = TlsSpec();
  spec.send = "olleh\n";  // s_server -rev answers each line reversed
  spec.expect_regex = "^hello$";
  const CheckResult r = RunTcpCheck(spec);
  EXPECT_EQ(r.state, State::kOk) << r.text;
  EXPECT_TRUE(Contains(r.text, ", '^hello$' matched in 6 bytes")) << r.text;
}

TEST_F(OpensslServerTest, AClientCertificateIsPresentedWhenTheServerRequiresOne) {
  Serve({.cert = Path("server.crt"), .key = Path("server.key"), .client_ca = Path("ca.crt")});
  TcpCheckSpec spec = TlsSpec();
  spec.send = "olleh\n";
  spec.expect_regex = "^hello$";
  EXPECT_EQ(RunTcpCheck(spec).state, State::kCritical) << "no client certificate";
  spec.client_cert = Path("client.crt").string();
  spec.client_key = Path("client.key").string();
  const CheckResult r = RunTcpCheck(spec);
  EXPECT_EQ(r.state, State::kOk) << r.text;
}

TEST_F(OpensslServerTest, TheTlsCommandMapsItsOptions) {
  Serve("server");
  const std::string port = std::to_string(server_->port());
  Cli c = RunCli(cli::RunTls, {"-H", "127.0.0.1", "-p", port, "--sni", "wrong.example"});
  EXPECT_EQ(c.code, 2) << "system CAs do not know the test CA: " << c.out;
  EXPECT_TRUE(Contains(c.out, "certificate verify failed: unable to get local issuer")) << c.out;
  c = RunCli(cli::RunTls, {"-H", "127.0.0.1", "-p", port, "--sni", "wrong.example", "--no-verify",
                           "--no-verify-hostname", "-s", "olleh\\n", "-e", "^hello$"});
  EXPECT_EQ(c.code, 0) << c.out;
  c = RunCli(cli::RunTls, {"-H", "127.0.0.1", "-p", port, "--key", "k.pem"});
  EXPECT_EQ(c.out, "TLS UNKNOWN - --key needs --cert\n");
}

}  // namespace
}  // namespace gs::probes
