// The NRPE probe and `check nrpe` against the real nrpe 4.1 daemon on 127.0.0.1, in each of
// its TLS modes. The command table is NrpeServer::StandardCommands() unless a test says
// otherwise (Options::commands is where further commands, e.g. one running
// `groundstation check disk`, go).
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <sstream>
#include <thread>

#include "probes/check_cli_support.h"
#include "probes/nrpe_probe.h"
#include "probes/nrpe_tls.h"
#include "tests/support/nrpe_peer.h"
#include "tests/support/syslog_peers.h"

namespace gs::probes {
namespace {

using test::NrpeServer;
using namespace std::chrono_literals;
using Tls = NrpeCheckSpec::Tls;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const Perfdata* Find(const CheckResult& r, const std::string& label) {
  for (const Perfdata& p : r.perfdata) {
    if (p.label == label) return &p;
  }
  return nullptr;
}

// A fixture with a started nrpe configured by ServerOptions(); skips only when nrpe is not
// installed.
class NrpeTest : public ::testing::Test {
 protected:
  virtual NrpeServer::Options ServerOptions() { return {}; }

  void SetUp() override {
    if (!NrpeServer::Available()) {
      GTEST_SKIP() << "nrpe is not installed (nagios-nrpe-server, monitoring-plugins-basic)";
    }
    server_ = std::make_unique<NrpeServer>(ServerOptions());
    ASSERT_TRUE(server_->Start()) << server_->error();
  }

  [[nodiscard]] NrpeCheckSpec Spec(const std::string& command, Tls tls = Tls::kAnonymousDh) const {
    NrpeCheckSpec spec;
    spec.host = "127.0.0.1";
    spec.port = server_->port();
    spec.command = command;
    spec.tls = tls;
    spec.timeout = 10s;
    return spec;
  }

  // RunNrpeCheck, with nrpe's log on failure.
  CheckResult Run(const NrpeCheckSpec& spec) {
    CheckResult r = RunNrpeCheck(spec);
    log_ = "result: " + r.text + "\n" + r.long_text + "\nnrpe log:\n" + server_->log();
    return r;
  }

  std::unique_ptr<NrpeServer> server_;
  std::string log_;
};

class NrpeAnonymousDhTest : public NrpeTest {};

TEST_F(NrpeAnonymousDhTest, ReportsTheAgentsVersionWhenNoCommandIsGiven) {
  const CheckResult r = Run(Spec(""));
  EXPECT_EQ(r.state, State::kOk) << log_;
  EXPECT_EQ(r.text, "NRPE v4.1.0") << log_;
}

TEST_F(NrpeAnonymousDhTest, PassesEveryStateAndTextOfTheAgentThrough) {
  const std::vector<std::tuple<std::string, State, std::string>> cases = {
      {"ok", State::kOk, "OK: all good"},
      {"warn", State::kWarning, "WARNING: disk 85%"},
      {"crit", State::kCritical, "CRITICAL: disk 99%"},
      {"unknown", State::kUnknown, "UNKNOWN: cannot tell"},
  };
  for (const auto& [command, state, text] : cases) {
    const CheckResult r = Run(Spec(command));
    EXPECT_EQ(r.state, state) << log_;
    EXPECT_EQ(r.text, text) << log_;
    EXPECT_TRUE(r.perfdata.empty());
    EXPECT_GT(r.duration, 0ns);
  }
}

TEST_F(NrpeAnonymousDhTest, PassesThePluginsPerfdataThrough) {
  const CheckResult r = Run(Spec("load"));
  EXPECT_EQ(r.state, State::kOk) << log_;
  EXPECT_TRUE(r.text.starts_with("LOAD OK - total load average: ")) << r.text;
  ASSERT_EQ(r.perfdata.size(), 3u) << log_;
  const Perfdata* load1 = Find(r, "load1");
  ASSERT_NE(load1, nullptr);
  EXPECT_EQ(load1->warn, "50.000");
  EXPECT_EQ(load1->crit, "90.000");
  EXPECT_EQ(load1->min, 0.0);
}

TEST_F(NrpeAnonymousDhTest, PassesLongOutputAndPerfdataOfEveryLineThrough) {
  const CheckResult r = Run(Spec("multiline"));
  EXPECT_EQ(r.state, State::kOk) << log_;
  EXPECT_EQ(r.text, "DISK OK - all fine");
  EXPECT_EQ(r.long_text, "volume a\nvolume b");
  ASSERT_EQ(r.perfdata.size(), 2u) << log_;
  EXPECT_EQ(r.perfdata[0].label, "free");
  EXPECT_EQ(r.perfdata[0].uom, "%");
  EXPECT_EQ(r.perfdata[1].label, "used");
  EXPECT_EQ(r.perfdata[1].uom, "B");
}

TEST_F(NrpeAnonymousDhTest, ReportsACommandWithoutOutputAsTheAgentDoes) {
  const CheckResult r = Run(Spec("silent"));
  EXPECT_EQ(r.state, State::kUnknown) << log_;
  EXPECT_EQ(r.text, "NRPE: Unable to read output");
}

TEST_F(NrpeAnonymousDhTest, ReportsAnUndefinedCommandAsUnknownWithTheAgentsText) {
  const CheckResult r = Run(Spec("nosuch"));
  EXPECT_EQ(r.state, State::kUnknown) << log_;
  EXPECT_EQ(r.text, "NRPE: Command 'nosuch' not defined");
}

TEST_F(NrpeAnonymousDhTest, ReportsAHangingCommandAsCriticalSocketTimeout) {
  NrpeCheckSpec spec = Spec("hang");
  spec.timeout = 1s;
  const CheckResult r = Run(spec);
  EXPECT_EQ(r.state, State::kCritical) << log_;
  EXPECT_TRUE(r.text.starts_with("Socket timeout after 1 seconds (waiting for the response"))
      << r.text;
}

TEST_F(NrpeAnonymousDhTest, ReportsATimeoutAsUnknownWhenAskedTo) {
  NrpeCheckSpec spec = Spec("hang");
  spec.timeout = 500ms;
  spec.timeout_unknown = true;
  const CheckResult r = Run(spec);
  EXPECT_EQ(r.state, State::kUnknown) << log_;
  EXPECT_TRUE(r.text.starts_with("Socket timeout after 0.5 seconds")) << r.text;
}

TEST_F(NrpeAnonymousDhTest, SpeaksPacketV2AndV4WhenForced) {
  for (const int version : {2, 4}) {
    NrpeCheckSpec spec = Spec("warn");
    spec.version = version;
    const CheckResult r = Run(spec);
    EXPECT_EQ(r.state, State::kWarning) << "v" << version << ": " << log_;
    EXPECT_EQ(r.text, "WARNING: disk 85%");
  }
}

// nrpe 4.1 accepts v2 and v4 queries only: a forced v3 query is dropped unanswered (its log
// says "Request packet version was invalid!"), which is UNKNOWN like check_nrpe's "Receive
// header underflow"; unforced, check_nrpe's fallback to v2 would answer it.
TEST_F(NrpeAnonymousDhTest, ReportsThatNrpe41DropsAForcedV3QueryUnanswered) {
  NrpeCheckSpec spec = Spec("ok");
  spec.version = 3;
  const CheckResult r = Run(spec);
  EXPECT_EQ(r.state, State::kUnknown) << log_;
  EXPECT_TRUE(Contains(r.text, "closed the connection without answering")) << r.text;
  EXPECT_TRUE(test::WaitUntil(
      [&] { return Contains(server_->log(), "Request packet version was invalid"); }, 5s))
      << server_->log();
}

// Debian builds nrpe without argument support: "ok!x" is dropped unanswered, for v4 and for
// the v2 retry alike.
TEST_F(NrpeAnonymousDhTest, ReportsThatDebiansNrpeDropsCommandArguments) {
  NrpeCheckSpec spec = Spec("ok");
  spec.args = {"x"};
  const CheckResult r = Run(spec);
  EXPECT_EQ(r.state, State::kUnknown) << log_;
  EXPECT_TRUE(Contains(r.text, "closed the connection without answering")) << r.text;
  EXPECT_EQ(r.long_text, "The same happened with packet v4 before this v2 retry.");
  EXPECT_TRUE(test::WaitUntil(
      [&] { return Contains(server_->log(), "Request contained command arguments"); }, 5s))
      << server_->log();
}

TEST_F(NrpeAnonymousDhTest, CallsDoneOnceForEachOfManyConcurrentChecksOnTheIoThread) {
  boost::asio::io_context io;
  std::vector<CheckResult> results;
  std::vector<std::thread::id> threads;
  constexpr int kChecks = 12;
  for (int i = 0; i < kChecks; ++i) {
    StartNrpeCheck(io, Spec(i % 2 == 0 ? "ok" : "warn"), [&](CheckResult r) {
      results.push_back(std::move(r));
      threads.push_back(std::this_thread::get_id());
    });
  }
  EXPECT_TRUE(results.empty());  // nothing runs before the io_context does
  io.run();
  ASSERT_EQ(results.size(), static_cast<std::size_t>(kChecks));
  for (const CheckResult& r : results) {
    EXPECT_TRUE(r.state == State::kOk || r.state == State::kWarning) << r.text;
  }
  for (const auto& id : threads) EXPECT_EQ(id, std::this_thread::get_id());
}

TEST_F(NrpeAnonymousDhTest, LaterChecksResumeTheTlsSessionInsteadOfAFullHandshake) {
  const std::uint64_t before = NrpeTlsSessions().resumed();
  for (int i = 0; i < 3; ++i) {
    const CheckResult r = Run(Spec("ok"));
    EXPECT_EQ(r.state, State::kOk) << r.text;
  }
  // The first check may be the first with this agent; the later ones resume its session.
  EXPECT_GE(NrpeTlsSessions().resumed() - before, 2U);
}

TEST_F(NrpeAnonymousDhTest, ReportsAPlainClientAgainstATlsAgentAsCriticalWithAHint) {
  const CheckResult r = Run(Spec("ok", Tls::kNone));
  EXPECT_EQ(r.state, State::kCritical) << log_;
  EXPECT_TRUE(Contains(r.text, "Connection reset by peer; does the agent use TLS")) << r.text;
}

class NrpePlainTest : public NrpeTest {
 protected:
  NrpeServer::Options ServerOptions() override { return {.tls = NrpeServer::Tls::kNone}; }
};

TEST_F(NrpePlainTest, ChecksAnAgentRunningWithoutTls) {
  const CheckResult r = Run(Spec("crit", Tls::kNone));
  EXPECT_EQ(r.state, State::kCritical) << log_;
  EXPECT_EQ(r.text, "CRITICAL: disk 99%");
}

TEST_F(NrpePlainTest, ReportsATlsClientAgainstAPlainAgentAsAFailedHandshake) {
  const CheckResult r = Run(Spec("ok"));
  EXPECT_EQ(r.state, State::kCritical) << log_;
  EXPECT_TRUE(r.text.starts_with("TLS handshake with 127.0.0.1:")) << r.text;
  EXPECT_TRUE(Contains(r.text, "running without TLS (-n)")) << r.text;
}

// Servers with certificates (ssl_use_adh=0) sharing one test PKI per suite.
class NrpeCertificateTest : public NrpeTest {
 protected:
  static void SetUpTestSuite() {
    pki_ = std::make_unique<test::TempDir>();
    if (!test::MakeCertificates(pki_->path(), &pki_error_)) pki_.reset();
  }
  static void TearDownTestSuite() { pki_.reset(); }

  NrpeServer::Options ServerOptions() override {
    return {.tls = NrpeServer::Tls::kCertificates,
            .client_certs = ClientCerts(),
            .cert_dir = pki_ ? pki_->path() : std::filesystem::path("/nonexistent")};
  }
  virtual int ClientCerts() { return 2; }

  void SetUp() override {
    if (NrpeServer::Available()) {
      ASSERT_NE(pki_, nullptr) << pki_error_;
    }
    NrpeTest::SetUp();
  }

  // A check presenting `client`.crt/.key (none when empty) and verifying with `ca`.crt.
  [[nodiscard]] NrpeCheckSpec CertSpec(const std::string& client, const std::string& ca) const {
    NrpeCheckSpec spec = Spec("ok", Tls::kCertificate);
    if (!client.empty()) {
      spec.cert_file = (pki_->path() / (client + ".crt")).string();
      spec.key_file = (pki_->path() / (client + ".key")).string();
    }
    spec.ca_file = (pki_->path() / (ca + ".crt")).string();
    return spec;
  }

  static inline std::unique_ptr<test::TempDir> pki_;
  static inline std::string pki_error_;
};

TEST_F(NrpeCertificateTest, ChecksWithAClientCertificateAndAVerifiedAgent) {
  const CheckResult r = Run(CertSpec("client", "ca"));
  EXPECT_EQ(r.state, State::kOk) << log_;
  EXPECT_EQ(r.text, "OK: all good");
}

TEST_F(NrpeCertificateTest, ReportsAnAgentWhoseCertificateDoesNotChainToTheCa) {
  const CheckResult r = Run(CertSpec("client", "other-ca"));
  EXPECT_EQ(r.state, State::kCritical) << log_;
  EXPECT_TRUE(Contains(r.text,
                       "failed (certificates): the agent's certificate failed "
                       "verification: self-signed certificate in certificate chain"))
      << r.text;
}

TEST_F(NrpeCertificateTest, ReportsAnAnonymousClientRejectedByTheAgent) {
  const CheckResult r = Run(Spec("ok"));
  EXPECT_EQ(r.state, State::kCritical) << log_;
  EXPECT_TRUE(r.text.starts_with("TLS handshake with 127.0.0.1:")) << r.text;
  EXPECT_TRUE(Contains(r.text, "(anonymous DH)")) << r.text;
}

// With TLS 1.3 the agent checks the client's certificate after the client finished its
// handshake: the rejection shows when the query is sent or the answer read.
TEST_F(NrpeCertificateTest, ReportsAClientWithoutOrWithAnUntrustedCertificateAsCritical) {
  for (const std::string client : {"", "rogue"}) {
    const CheckResult r = Run(CertSpec(client, "ca"));
    EXPECT_EQ(r.state, State::kCritical) << client << ": " << log_;
    EXPECT_TRUE(Contains(r.text, "did the agent reject the client certificate?")) << r.text;
  }
  EXPECT_TRUE(test::WaitUntil(
      [&] { return Contains(server_->log(), "SSL Client has an invalid certificate: /CN=rogue"); },
      5s))
      << server_->log();
}

TEST_F(NrpeCertificateTest, ReportsAnUnreadableCertificateFileAsUnknown) {
  NrpeCheckSpec spec = CertSpec("client", "ca");
  spec.cert_file = (pki_->path() / "missing.crt").string();
  const CheckResult r = Run(spec);
  EXPECT_EQ(r.state, State::kUnknown);
  EXPECT_TRUE(r.text.starts_with("cannot load client certificate")) << r.text;
}

class NrpeServerCertificateOnlyTest : public NrpeCertificateTest {
 protected:
  int ClientCerts() override { return 0; }
};

TEST_F(NrpeServerCertificateOnlyTest, VerifiesTheAgentWithoutAClientCertificate) {
  const CheckResult r = Run(CertSpec("", "ca"));
  EXPECT_EQ(r.state, State::kOk) << log_;
  EXPECT_EQ(r.text, "OK: all good");
}

TEST_F(NrpeServerCertificateOnlyTest, ChecksUnverifiedInAnonymousModeLikeCheckNrpeWithoutA) {
  const CheckResult r = Run(Spec("warn"));
  EXPECT_EQ(r.state, State::kWarning) << log_;
}

TEST(NrpeProbe, ReportsARefusedConnectionAsCriticalOrUnknownWhenAskedTo) {
  NrpeCheckSpec spec;
  spec.host = "127.0.0.1";
  spec.port = test::FreePort();
  const CheckResult r = RunNrpeCheck(spec);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_EQ(r.text, "connect to 127.0.0.1:" + std::to_string(spec.port) + ": Connection refused");
  spec.timeout_unknown = true;
  EXPECT_EQ(RunNrpeCheck(spec).state, State::kUnknown);
}

TEST(NrpeProbe, ReportsAnAgentThatNeverAnswersTheHandshakeAsATimeout) {
  test::HangServer hang;
  NrpeCheckSpec spec;
  spec.host = "127.0.0.1";
  spec.port = hang.port();
  spec.timeout = 300ms;
  const CheckResult r = RunNrpeCheck(spec);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_EQ(r.text, "Socket timeout after 0.3 seconds (in the TLS handshake with 127.0.0.1:" +
                        std::to_string(hang.port()) + ")");
}

TEST(NrpeProbe, ReportsAnInvalidSpecAsUnknownWithoutConnecting) {
  const std::vector<std::pair<NrpeCheckSpec, std::string>> cases = {
      {NrpeCheckSpec{}, "no host given"},
      {NrpeCheckSpec{.host = "h", .port = 0}, "port 0 is outside 1..65535"},
      {NrpeCheckSpec{.host = "h", .version = 5}, "packet version 5 is not 2, 3 or 4"},
      {NrpeCheckSpec{.host = "h", .tls = Tls::kCertificate, .cert_file = "c"},
       "needs both a certificate file and a key file"},
      {NrpeCheckSpec{.host = "h", .command = std::string(2000, 'x'), .version = 2}, "allows 1023"},
  };
  for (const auto& [spec, message] : cases) {
    const CheckResult r = RunNrpeCheck(spec);
    EXPECT_EQ(r.state, State::kUnknown);
    EXPECT_TRUE(Contains(r.text, message)) << r.text;
  }
}

// `groundstation check nrpe`, called in-process.
class NrpeCliTest : public NrpeTest {
 protected:
  int Cli(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    args.insert(args.begin(), {"-H", "127.0.0.1", "-p", std::to_string(server_->port())});
    return cli::RunNrpe(args, out_, err_);
  }
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(NrpeCliTest, PrintsTheAgentsLineVerbatimWithItsExitCode) {
  EXPECT_EQ(Cli({"-c", "warn"}), 1);
  EXPECT_EQ(out_.str(), "WARNING: disk 85%\n");
  EXPECT_EQ(Cli({"-c", "multiline"}), 0);
  // Perfdata of every line is gathered on the first (FormatPassthrough), as Nagios reads it.
  EXPECT_EQ(out_.str(), "DISK OK - all fine | free=80%;20;10 used=12B\nvolume a\nvolume b\n");
  EXPECT_EQ(Cli({}), 0);
  EXPECT_EQ(out_.str(), "NRPE v4.1.0\n");
}

TEST_F(NrpeCliTest, PrintsJsonAndTakesEveryWordAfterDashAAsAnArgument) {
  EXPECT_EQ(Cli({"-c", "crit", "--json"}), 2);
  EXPECT_TRUE(Contains(out_.str(), R"("state":"CRITICAL")")) << out_.str();
  EXPECT_EQ(Cli({"-2", "-t", "5", "-c", "ok", "-a", "-w", "10%"}), 3);
  EXPECT_TRUE(Contains(out_.str(), "closed the connection without answering")) << out_.str();
  EXPECT_TRUE(test::WaitUntil(
      [&] { return Contains(server_->log(), "Request contained command arguments"); }, 5s));
}

TEST_F(NrpeCliTest, RejectsConflictingOptionsAsUsageErrors) {
  EXPECT_EQ(Cli({"-n", "-A", "ca.crt"}), 3);
  EXPECT_TRUE(out_.str().starts_with("NRPE UNKNOWN - -n excludes")) << out_.str();
  EXPECT_EQ(Cli({"-2", "-4"}), 3);
  EXPECT_TRUE(Contains(out_.str(), "exclude each other")) << out_.str();
  EXPECT_EQ(Cli({"-C", "client.crt"}), 3);
  EXPECT_TRUE(Contains(out_.str(), "-C and -K go together")) << out_.str();
  EXPECT_EQ(cli::RunNrpe({"-c", "ok"}, out_, err_), 3);
}

}  // namespace
}  // namespace gs::probes
