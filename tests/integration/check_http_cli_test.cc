// `groundstation check http ...` as a Nagios plugin, run as a child process against a real
// nginx on 127.0.0.1: exit codes, the status line, usage errors and --json.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/peers.h"

namespace gs {
namespace {

using test::CommandResult;
using test::HangServer;
using test::Nginx;
using test::RunCommand;

CommandResult Check(std::vector<std::string> args) {
  args.insert(args.begin(), {GS_BINARY, "check", "http"});
  return RunCommand(args, std::chrono::seconds(30));
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

class CheckHttpCliTest : public test::NginxTest {};

TEST_F(CheckHttpCliTest, A200IsOkWithExitZeroAndPerfdata) {
  const CommandResult r = Check({"-u", nginx_->Url("/"), "-w", "0.5", "-c", "2"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(StartsWith(r.out, "HTTP OK - 200 OK in ")) << r.out;
  EXPECT_NE(r.out.find(" | time_total="), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("s;0.5;2;0 "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" size=6B;;;0"), std::string::npos) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << "one line: " << r.out;
}

TEST_F(CheckHttpCliTest, A404IsWarningUnlessOnly200IsExpected) {
  const CommandResult warn = Check({"-u", nginx_->Url("/notfound")});
  EXPECT_EQ(warn.exit_code, 1) << warn.out;
  EXPECT_TRUE(StartsWith(warn.out, "HTTP WARNING - 404 Not Found in ")) << warn.out;
  const CommandResult crit = Check({"-u", nginx_->Url("/notfound"), "-e", "200"});
  EXPECT_EQ(crit.exit_code, 2) << crit.out;
  EXPECT_TRUE(StartsWith(crit.out, "HTTP CRITICAL - 404 Not Found")) << crit.out;
  EXPECT_EQ(Check({"-u", nginx_->Url("/fail")}).exit_code, 2);
}

TEST_F(CheckHttpCliTest, ARegexMissIsCritical) {
  const CommandResult r = Check({"-u", nginx_->Url("/"), "-r", "goodbye"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("pattern not found"), std::string::npos) << r.out;
  EXPECT_EQ(Check({"-u", nginx_->Url("/"), "--regex", "^hello$"}).exit_code, 0);
}

TEST_F(CheckHttpCliTest, AResponseTimeOverTheWarningRangeIsWarning) {
  const CommandResult r = Check({"-u", nginx_->Url("/health"), "-w", "0"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
}

TEST_F(CheckHttpCliTest, RedirectsAreFollowedWithFollow) {
  EXPECT_TRUE(StartsWith(Check({"-u", nginx_->Url("/redirect")}).out, "HTTP OK - 302 "));
  const CommandResult r = Check({"-u", nginx_->Url("/redirect"), "-f", "-r", "^ok"});
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(StartsWith(r.out, "HTTP OK - 200 OK")) << r.out;
}

TEST_F(CheckHttpCliTest, TlsWithInsecureReportsCertificateDays) {
  const CommandResult r =
      Check({"-u", nginx_->TlsUrl("/"), "--insecure", "--cert-warn", "40", "--cert-crit", "7"});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.out.find("certificate expires in 29 days"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" cert_days_left=29;40:;7:"), std::string::npos) << r.out;
  const CommandResult ok = Check({"-u", nginx_->TlsUrl("/"), "--insecure", "--sni", "localhost"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_NE(ok.out.find(" cert_days_left=29"), std::string::npos) << ok.out;
}

TEST_F(CheckHttpCliTest, TlsVerifiesTheCertificateByDefault) {
  const CommandResult r = Check({"-u", nginx_->TlsUrl("/")});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_TRUE(StartsWith(r.out, "HTTP CRITICAL - ")) << r.out;
}

TEST_F(CheckHttpCliTest, JsonHasTheDocumentedShape) {
  const CommandResult r = Check({"-u", nginx_->Url("/health"), "--json", "-w", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["state"], "OK");
  EXPECT_EQ(j["exit"], 0);
  EXPECT_TRUE(StartsWith(j["text"].get<std::string>(), "200 OK in "));
  EXPECT_EQ(j["long_text"], "");
  ASSERT_TRUE(j["perfdata"].is_array());
  const auto& total = j["perfdata"][0];
  EXPECT_EQ(total["label"], "time_total");
  EXPECT_EQ(total["uom"], "s");
  EXPECT_EQ(total["warn"], "1");
  EXPECT_TRUE(total["crit"].is_null());
  EXPECT_EQ(total["min"], 0);
  EXPECT_TRUE(total["max"].is_null());
  EXPECT_TRUE(total["value"].is_number());
}

TEST(CheckHttpCliPeerlessTest, AClosedPortIsCriticalWithCurlsReason) {
  const int port = test::FreePort();
  const CommandResult r = Check({"-u", "http://127.0.0.1:" + std::to_string(port) + "/"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_TRUE(StartsWith(r.out, "HTTP CRITICAL - ")) << r.out;
  EXPECT_NE(r.out.find("Couldn't connect to server"), std::string::npos) << r.out;
}

TEST(CheckHttpCliPeerlessTest, AHangingServerTimesOutAsCritical) {
  HangServer hang;
  const CommandResult r = Check({"-u", hang.Url("/"), "-t", "1"});
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("timed out"), std::string::npos) << r.out;
}

struct BadArgs {
  std::vector<std::string> args;
  const char* reason_part;
};

class CheckHttpCliBadArgsTest : public ::testing::TestWithParam<BadArgs> {};

TEST_P(CheckHttpCliBadArgsTest, BadArgumentsAreUnknownWithUsageOnStderr) {
  const CommandResult r = Check(GetParam().args);
  EXPECT_EQ(r.exit_code, 3) << r.out;
  EXPECT_TRUE(StartsWith(r.out, "HTTP UNKNOWN - ")) << r.out;
  EXPECT_NE(r.out.find(GetParam().reason_part), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("Usage: groundstation check http"), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Table, CheckHttpCliBadArgsTest,
                         ::testing::Values(BadArgs{{}, "missing --url"},
                                           BadArgs{{"-u", "http://x/", "--bogus"}, "bogus"},
                                           BadArgs{{"-u", "http://x/", "-w", "20:10"},
                                                   "--warning: range '20:10'"},
                                           BadArgs{{"-u", "http://x/", "-e", "2xx"}, "--expect"},
                                           BadArgs{{"-u", "http://x/", "-t", "0"}, "--timeout"},
                                           BadArgs{{"-u", "http://x/", "-t", "soon"}, "timeout"},
                                           BadArgs{{"-u", "http://x/", "stray"}, "positional"}));

TEST(CheckCliTest, AnUnknownKindIsUnknownAndListsTheKinds) {
  const CommandResult r = RunCommand({GS_BINARY, "check", "gopher"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "CHECK UNKNOWN - unknown check kind 'gopher'\n");
  EXPECT_NE(r.err.find("http"), std::string::npos) << r.err;
}

TEST(CheckCliTest, HelpPrintsTheOptions) {
  const CommandResult r = RunCommand({GS_BINARY, "check", "http", "--help"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.out.find("--cert-warn"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace gs
