// Real syslog senders against the real `groundstation run`: rsyslog forwarding with omfwd
// (RFC 5424 template, octet-counted TCP, and TLS with both of its stream drivers using
// certificates the test makes), TLS client-certificate checks, and loggen over TCP and UDP
// in both formats: every message sent is in the archive and found through /api/v1/logs.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/support/collector_api.h"
#include "tests/support/peers.h"
#include "tests/support/syslog_peers.h"

namespace gs::test {
namespace {

using nlohmann::json;
constexpr auto kDeadline = std::chrono::seconds(60);

class SyslogSendersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(MakeCertificates(dir_.path(), &error)) << error;
  }

  // Listeners: udp and tcp on port_, tls on tls_port_ (client certificates from ca.crt).
  void Start(const std::string& allowed_subjects = "[client.example]") {
    api_port_ = FreePort();
    api_ = CollectorApi(api_port_);
    port_ = FreePort();
    tls_port_ = FreePort();
    const std::string d = dir_.path().string();
    const std::string config =
        "data_dir: " + d + "/var\n" + "http: {listen: \"127.0.0.1:" + std::to_string(api_port_) +
        "\"}\n" + "syslog:\n" + "  listen: [\"udp://127.0.0.1:" + std::to_string(port_) +
        "\", \"tcp://127.0.0.1:" + std::to_string(port_) +
        "\", \"tls://127.0.0.1:" + std::to_string(tls_port_) + "\"]\n" + "  tls: {cert_file: " + d +
        "/server.crt, key_file: " + d + "/server.key, ca_file: " + d +
        "/ca.crt, require_client_cert: true, allowed_subjects: " + allowed_subjects + "}\n";
    daemon_ = StartCollector(dir_, config, api_);
    ASSERT_TRUE(daemon_) << ReadFile(dir_ / "gs.err");
  }

  std::string TlsListener() const {
    return "{listener=\"tls://127.0.0.1:" + std::to_string(tls_port_) + "\"}";
  }

  TempDir dir_;
  CollectorApi api_;
  int api_port_ = 0;
  int port_ = 0;
  int tls_port_ = 0;
  std::unique_ptr<Process> daemon_;
};

class RsyslogSendersTest : public SyslogSendersTest,
                           public ::testing::WithParamInterface<const char*> {};

TEST_P(RsyslogSendersTest, ForwardsOverOctetCountedTcpAndTls) {
  if (!Rsyslog::Root())
    GTEST_SKIP() << "rsyslog is not unpacked (GS_RSYSLOG_ROOT; scripts/test.sh)";
  Start();
  Rsyslog::Options options;
  options.forwards.push_back(Rsyslog::Forward{.protocol = "tcp", .port = port_});
  Rsyslog::Forward tls{.protocol = "tcp", .port = tls_port_};
  tls.tls = GetParam();
  tls.cert_dir = dir_.path();
  options.forwards.push_back(tls);
  Rsyslog rsyslog(options);
  ASSERT_TRUE(rsyslog.Start()) << rsyslog.error();
  { std::ofstream(rsyslog.append_file(), std::ios::app) << "file line via rsyslog token-file\n"; }
  ASSERT_EQ(RunCommand({"logger", "-n", "127.0.0.1", "-P", std::to_string(rsyslog.port()), "-T",
                        "--rfc3164", "-t", "viaimtcp", "imtcp token-tcp"})
                .exit_code,
            0);
  // Each message arrives twice: once over plain TCP, once over TLS.
  ASSERT_TRUE(
      WaitUntil([&] { return api_.Logs("q=token-file")["records"].size() == 2; }, kDeadline))
      << ReadFile(rsyslog.log_file()) << ReadFile(dir_ / "gs.err");
  ASSERT_TRUE(
      WaitUntil([&] { return api_.Logs("q=token-tcp")["records"].size() == 2; }, kDeadline));
  json r = api_.Logs("q=token-file")["records"][0];
  EXPECT_EQ(r["format"], "rfc5424");
  EXPECT_EQ(r["app_name"], "app");
  EXPECT_EQ(r["facility"], "local0");
  EXPECT_EQ(r["severity"], "warning");
  EXPECT_EQ(r["msg"], "file line via rsyslog token-file");
  json t = api_.Logs("q=token-tcp")["records"][0];
  EXPECT_EQ(t["app_name"], "viaimtcp");
  EXPECT_EQ(api_.Metric("groundstation_syslog_messages_received_total" + TlsListener()), 2);
  EXPECT_EQ(api_.Metric("groundstation_syslog_tls_failures_total" + TlsListener()), 0);
}

INSTANTIATE_TEST_SUITE_P(Drivers, RsyslogSendersTest, ::testing::Values("gtls", "ossl"),
                         [](const auto& p) { return std::string(p.param); });

TEST_F(SyslogSendersTest, TlsRefusesClientsWithoutAnAllowedCertificate) {
  if (!Rsyslog::Root())
    GTEST_SKIP() << "rsyslog is not unpacked (GS_RSYSLOG_ROOT; scripts/test.sh)";
  Start("[someone-else.example]");
  // A client certificate from the trusted CA, but not an allowed subject.
  {
    Rsyslog::Forward tls{.protocol = "tcp", .port = tls_port_};
    tls.tls = "ossl";
    tls.cert_dir = dir_.path();
    Rsyslog rsyslog(Rsyslog::Options{.forwards = {tls}});
    ASSERT_TRUE(rsyslog.Start()) << rsyslog.error();
    { std::ofstream(rsyslog.append_file(), std::ios::app) << "not allowed token-denied\n"; }
    EXPECT_TRUE(WaitUntil(
        [&] { return api_.Metric("groundstation_syslog_tls_failures_total" + TlsListener()) >= 1; },
        kDeadline));
  }
  // The openssl CLI with a certificate from another CA: the handshake itself fails.
  const auto before = api_.Metric("groundstation_syslog_tls_failures_total" + TlsListener());
  RunCommand({"/bin/sh", "-c",
              "echo '<13>app: rogue token-rogue' | timeout 10 openssl s_client -quiet -no_ign_eof "
              "-connect "
              "127.0.0.1:" +
                  std::to_string(tls_port_) + " -cert " + (dir_ / "rogue.crt").string() + " -key " +
                  (dir_ / "rogue.key").string() + " -CAfile " + (dir_ / "ca.crt").string()});
  EXPECT_TRUE(WaitUntil(
      [&] {
        return api_.Metric("groundstation_syslog_tls_failures_total" + TlsListener()) > before;
      },
      kDeadline));
  EXPECT_EQ(api_.Logs("q=token-")["records"].size(), 0u);
  EXPECT_TRUE(daemon_->Running());
}

TEST_F(SyslogSendersTest, TheOpensslClientWithAnAllowedCertificateIsArchived) {
  Start();
  auto r = RunCommand({"/bin/sh", "-c",
                       "printf '<13>app: openssl client token-openssl\\n' | timeout 10 openssl "
                       "s_client -quiet -no_ign_eof "
                       "-connect 127.0.0.1:" +
                           std::to_string(tls_port_) + " -cert " + (dir_ / "client.crt").string() +
                           " -key " + (dir_ / "client.key").string() + " -CAfile " +
                           (dir_ / "ca.crt").string()});
  json found = api_.FindLog("token-openssl", kDeadline);
  ASSERT_TRUE(found.is_object()) << r.err << ReadFile(dir_ / "gs.err");
  EXPECT_EQ(found["app_name"], "app");
}

TEST_F(SyslogSendersTest, EveryLoggenMessageIsArchivedAndSearchable) {
  const auto loggen = LoggenPath();
  if (!loggen) GTEST_SKIP() << "loggen is not installed (syslog-ng-core)";
  Start();
  constexpr int kCount = 3000;
  struct Run {
    std::vector<std::string> flags;
    const char* what;
  };
  const std::vector<Run> runs = {{{"-i", "-S"}, "tcp 3164 LF"},
                                 {{"-i", "-S", "-P"}, "tcp 5424 octet-counted"},
                                 {{"-i", "-D"}, "udp 3164"},
                                 {{"-i", "-D", "-P", "-F"}, "udp 5424"}};
  std::size_t expected = 0;
  for (const Run& run : runs) {
    const std::string since = std::to_string(std::time(nullptr) - 1);
    std::vector<std::string> argv = {loggen->string()};
    argv.insert(argv.end(), run.flags.begin(), run.flags.end());
    for (const std::string& a :
         {std::string("-n"), std::to_string(kCount), std::string("-r"), std::string("20000"),
          std::string("-s"), std::string("200"), std::string("127.0.0.1"), std::to_string(port_)}) {
      argv.push_back(a);
    }
    auto sent = RunCommand(argv);
    ASSERT_EQ(sent.exit_code, 0) << run.what << ": " << sent.err;
    expected += kCount;
    ASSERT_TRUE(WaitUntil([&] { return CountLines(dir_ / "var" / "logs") == expected; }, kDeadline))
        << run.what << ": " << CountLines(dir_ / "var" / "logs") << " of " << expected
        << " archived";
    // Through the API: this run's messages, each sequence number once.
    json r = api_.Logs("app=prg00000&limit=10000&q=seq:&since=" + since);
    std::set<std::string> seqs;
    for (const json& rec : r["records"]) {
      const std::string msg = rec["msg"];
      const auto at = msg.find("seq: ");
      if (at != std::string::npos) seqs.insert(msg.substr(at + 5, 10));
    }
    EXPECT_EQ(seqs.size(), static_cast<std::size_t>(kCount)) << run.what;
  }
  EXPECT_EQ(api_.Metric("groundstation_syslog_messages_unparsed_total{listener=\"tcp://127.0.0.1:" +
                        std::to_string(port_) + "\"}"),
            0);
}

}  // namespace
}  // namespace gs::test
