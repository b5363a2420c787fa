// `groundstation check disk` and `check raid` as plugins of a real nrpe 4.1 agent, read back
// by our NRPE client, in both TLS modes: how nodes report their disks and RAID arrays.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "probes/nrpe_probe.h"
#include "tests/support/nrpe_peer.h"
#include "tests/support/syslog_peers.h"

namespace gs::probes {
namespace {

using test::NrpeServer;
using namespace std::chrono_literals;

class NrpeGroundstationTest : public ::testing::TestWithParam<NrpeServer::Tls> {
 protected:
  void SetUp() override {
    if (!NrpeServer::Available()) {
      GTEST_SKIP() << "nrpe is not installed (nagios-nrpe-server, monitoring-plugins-basic)";
    }
    // The sanitizer build's leak checker needs ptrace rights the nagios user may lack.
    const std::string gs = "ASAN_OPTIONS=detect_leaks=0 " + ReachableBinary().string();
    NrpeServer::Options options;
    options.commands = {
        {"gs_disk", gs + " check disk -p / -w 1% -c 1%"},
        {"gs_disk_full", gs + " check disk -p / -w 99% -c 99%"},
        {"gs_raid", gs + " check raid"},
    };
    options.tls = GetParam();
    if (GetParam() == NrpeServer::Tls::kCertificates) {
      std::string error;
      ASSERT_TRUE(test::MakeCertificates(pki_.path(), &error)) << error;
      options.cert_dir = pki_.path();
    }
    server_ = std::make_unique<NrpeServer>(options);
    ASSERT_TRUE(server_->Start()) << server_->error();
  }

  // nrpe runs commands as nagios, who may not reach the build tree (a checkout under /root):
  // then a copy in a directory anyone may enter.
  std::filesystem::path ReachableBinary() {
    if (test::RunCommand({"runuser", "-u", "nagios", "--", "test", "-x", GS_BINARY}).exit_code ==
        0) {
      return GS_BINARY;
    }
    EXPECT_EQ(::chmod(bin_.path().c_str(), 0755), 0);
    const auto copy = bin_ / "groundstation";
    std::filesystem::copy_file(GS_BINARY, copy);
    return copy;
  }

  CheckResult Check(const std::string& command) {
    NrpeCheckSpec spec;
    spec.host = "127.0.0.1";
    spec.port = server_->port();
    spec.command = command;
    spec.timeout = 30s;
    if (GetParam() == NrpeServer::Tls::kCertificates) {
      spec.tls = NrpeCheckSpec::Tls::kCertificate;
      spec.cert_file = (pki_ / "client.crt").string();
      spec.key_file = (pki_ / "client.key").string();
      spec.ca_file = (pki_ / "ca.crt").string();
    }
    CheckResult r = RunNrpeCheck(spec);
    log_ = r.text + "\n" + r.long_text + "\nnrpe log:\n" + server_->log();
    return r;
  }

  test::TempDir bin_;
  test::TempDir pki_;
  std::unique_ptr<NrpeServer> server_;
  std::string log_;
};

TEST_P(NrpeGroundstationTest, CheckDiskRunsOnTheAgentWithItsPerfdata) {
  const CheckResult ok = Check("gs_disk");
  EXPECT_EQ(ok.state, State::kOk) << log_;
  EXPECT_TRUE(ok.text.starts_with("DISK OK - / ")) << log_;
  ASSERT_FALSE(ok.perfdata.empty()) << log_;
  EXPECT_EQ(ok.perfdata[0].label, "/");
  EXPECT_EQ(ok.perfdata[0].uom, "B");
  const CheckResult full = Check("gs_disk_full");
  EXPECT_EQ(full.state, State::kCritical) << log_;
  EXPECT_TRUE(full.text.starts_with("DISK CRITICAL - ")) << log_;
}

TEST_P(NrpeGroundstationTest, CheckRaidRunsOnTheAgent) {
  const CheckResult r = Check("gs_raid");
  EXPECT_NE(r.state, State::kUnknown) << log_;
  EXPECT_TRUE(r.text.starts_with("RAID ")) << log_;
}

INSTANTIATE_TEST_SUITE_P(TlsModes, NrpeGroundstationTest,
                         ::testing::Values(NrpeServer::Tls::kAnonymousDh,
                                           NrpeServer::Tls::kCertificates),
                         [](const auto& param_info) {
                           return param_info.param == NrpeServer::Tls::kAnonymousDh
                                      ? "AnonymousDh"
                                      : "Certificates";
                         });

}  // namespace
}  // namespace gs::probes
