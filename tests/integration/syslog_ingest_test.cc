// Syslog ingest end to end: the real `groundstation run` with UDP and TCP listeners, real
// senders (util-linux logger, raw sockets), the archive on disk, GET /api/v1/logs, /metrics
// and `groundstation logs`; all on 127.0.0.1.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "tests/support/collector_api.h"
#include "tests/support/peers.h"

namespace gs::test {
namespace {

using nlohmann::json;
constexpr auto kDeadline = std::chrono::seconds(30);

class SyslogIngestTest : public ::testing::Test {
 protected:
  void Start(const std::string& extra_syslog = "", const std::string& extra_top = "") {
    api_port_ = FreePort();
    api_ = CollectorApi(api_port_);
    port_ = FreePort();
    const std::string config =
        "data_dir: " + (dir_ / "var").string() + "\n" +
        "http: {listen: \"127.0.0.1:" + std::to_string(api_port_) + "\"}\n" +
        "syslog:\n  listen: [\"udp://127.0.0.1:" + std::to_string(port_) +
        "\", \"tcp://127.0.0.1:" + std::to_string(port_) + "\"]\n" + extra_syslog +
        "nodes:\n  - {name: box, address: 127.0.0.1, tags: {role: ground}}\n" + extra_top;
    daemon_ = StartCollector(dir_, config, api_);
    ASSERT_TRUE(daemon_) << ReadFile(dir_ / "gs.err");
  }

  std::string Listener(const char* transport) const {
    return std::string("{listener=\"") + transport + "://127.0.0.1:" + std::to_string(port_) +
           "\"}";
  }

  CommandResult Logger(std::vector<std::string> args) {
    std::vector<std::string> argv = {"logger", "-n", "127.0.0.1", "-P", std::to_string(port_)};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }

  TempDir dir_;
  CollectorApi api_;
  int api_port_ = 0;
  int port_ = 0;
  std::unique_ptr<Process> daemon_;
};

TEST_F(SyslogIngestTest, LoggerOverUdpAndTcpIsArchivedSearchableAndCounted) {
  Start();
  ASSERT_EQ(
      Logger({"-d", "--rfc3164", "-t", "app3164", "-p", "user.err", "udp-3164-token"}).exit_code,
      0);
  ASSERT_EQ(Logger({"-d", "--rfc5424", "-t", "app5424", "-p", "local0.warning", "--msgid", "ID47",
                    "--sd-id", "ex@32473", "--sd-param", "iut=\"3\"", "udp-5424-token"})
                .exit_code,
            0);
  ASSERT_EQ(Logger({"-T", "--rfc5424", "-t", "lf", "tcp-lf-token"}).exit_code, 0);
  ASSERT_EQ(Logger({"-T", "--octet-count", "--rfc3164", "-t", "oc", "tcp-octet-token"}).exit_code,
            0);

  json r = api_.FindLog("udp-3164-token", kDeadline);
  ASSERT_TRUE(r.is_object()) << ReadFile(dir_ / "gs.err");
  EXPECT_EQ(r["app_name"], "app3164");
  EXPECT_EQ(r["facility"], "user");
  EXPECT_EQ(r["severity"], "err");
  EXPECT_EQ(r["source"], "127.0.0.1");
  EXPECT_EQ(r["node"], "box");
  EXPECT_EQ(r["msgid"], nullptr);
  EXPECT_EQ(r["format"], "rfc3164");

  r = api_.FindLog("udp-5424-token", kDeadline);
  ASSERT_TRUE(r.is_object());
  EXPECT_EQ(r["app_name"], "app5424");
  EXPECT_EQ(r["msgid"], "ID47");
  EXPECT_EQ(r["facility"], "local0");
  EXPECT_EQ(r["severity"], "warning");
  EXPECT_NE(r["structured_data"].get<std::string>().find("[ex@32473 iut=\"3\"]"),
            std::string::npos);
  EXPECT_EQ(r["format"], "rfc5424");
  const std::string host = r["hostname"];

  EXPECT_EQ(api_.FindLog("tcp-lf-token", kDeadline)["app_name"], "lf");
  EXPECT_EQ(api_.FindLog("tcp-octet-token", kDeadline)["app_name"], "oc");

  // Filters: host and app; the archive file is where the README says.
  EXPECT_EQ(api_.Logs("app=lf")["records"].size(), 1u);
  EXPECT_EQ(api_.Logs("host=" + host)["records"].size(), 4u);
  char day[16];
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(day, sizeof(day), "%Y-%m-%d", &tm);
  const std::string archived = ReadFile(dir_ / "var" / "logs" / host / (std::string(day) + ".log"));
  EXPECT_NE(archived.find("tcp-octet-token"), std::string::npos) << archived;

  // /metrics: per-listener counters.
  EXPECT_EQ(api_.Metric("groundstation_syslog_messages_received_total" + Listener("udp")), 2);
  EXPECT_EQ(api_.Metric("groundstation_syslog_messages_received_total" + Listener("tcp")), 2);
  EXPECT_EQ(api_.Metric("groundstation_syslog_messages_parsed_total" + Listener("udp")), 2);
  EXPECT_EQ(api_.Metric("groundstation_syslog_connections_total" + Listener("tcp")), 2);
  EXPECT_GT(api_.Metric("groundstation_syslog_bytes_received_total" + Listener("udp")), 100);
  EXPECT_GT(api_.Metric("groundstation_syslog_udp_receive_buffer_bytes" + Listener("udp")), 0);
  EXPECT_TRUE(WaitUntil(
      [&] { return api_.Metric("groundstation_syslog_archive_written_total") == 4; }, kDeadline));

  // The command line searches the same archive.
  auto cli = RunCommand(
      {GS_BINARY, "logs", "--data-dir", (dir_ / "var").string(), "-q", "token$", "--app", "oc"});
  EXPECT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_NE(cli.out.find("oc"), std::string::npos);
  EXPECT_NE(cli.out.find("tcp-octet-token"), std::string::npos);
  EXPECT_EQ(cli.out.find("tcp-lf-token"), std::string::npos);
  auto json_cli =
      RunCommand({GS_BINARY, "logs", "--data-dir", (dir_ / "var").string(), "--json", "-n", "2"});
  EXPECT_EQ(json::parse(json_cli.out, nullptr, false)["records"].size(), 2u);
  EXPECT_EQ(
      RunCommand({GS_BINARY, "logs", "--data-dir", "/nonexistent", "--since", "bad"}).exit_code, 2);

  // The API refuses bad parameters with a reason.
  auto bad = HttpGet(api_.Url("/api/v1/logs?limit=0"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("limit"), std::string::npos);
  EXPECT_EQ(HttpGet(api_.Url("/api/v1/logs?q=(unclosed")).status, 400);
}

TEST_F(SyslogIngestTest, ABogusOctetCountClosesThatConnectionOnlyAndIsCounted) {
  Start();
  // A valid frame, then a count that is not followed by a space.
  const std::string frame = "<13>app: before-bogus";
  EXPECT_TRUE(
      SendTcp(port_, std::to_string(frame.size()) + " " + frame + "12x <13>app: never\n", 10s));
  EXPECT_TRUE(api_.FindLog("before-bogus", kDeadline).is_object());
  EXPECT_EQ(api_.Metric("groundstation_syslog_framing_errors_total" + Listener("tcp")), 1);
  EXPECT_EQ(api_.Logs("q=never")["records"].size(), 0u);
  // Other connections are unaffected.
  SendTcp(port_, "<13>app: after-bogus\n");
  EXPECT_TRUE(api_.FindLog("after-bogus", kDeadline).is_object());
  EXPECT_TRUE(daemon_->Running());
}

TEST_F(SyslogIngestTest, LongMessagesAreTruncatedAndFlaggedNotDropped) {
  Start("  max_message_size: 1KiB\n");
  const std::string big = "<13>app: big-token " + std::string(5000, 'x');
  SendTcp(port_, std::to_string(big.size()) + " " + big + "<13>app: next-token\n");
  json r = api_.FindLog("big-token", kDeadline);
  ASSERT_TRUE(r.is_object());
  EXPECT_EQ(r["truncated"], true);
  EXPECT_LE(r["msg"].get<std::string>().size(), 1024u);
  EXPECT_TRUE(api_.FindLog("next-token", kDeadline).is_object());  // the stream stayed in sync
  EXPECT_EQ(api_.Metric("groundstation_syslog_messages_truncated_total" + Listener("tcp")), 1);
}

TEST_F(SyslogIngestTest, GarbageIsKeptWholeWithTheSenderAsHost) {
  Start();
  SendTcp(port_, "no pri here garbage-token\n\xff\xfe binary\n");
  json r = api_.FindLog("garbage-token", kDeadline);
  ASSERT_TRUE(r.is_object());
  EXPECT_EQ(r["format"], "unparsed");
  EXPECT_EQ(r["msg"], "no pri here garbage-token");
  EXPECT_EQ(r["facility"], nullptr);
  EXPECT_TRUE(WaitUntil(
      [&] {
        return api_.Metric("groundstation_syslog_messages_unparsed_total" + Listener("tcp")) == 2;
      },
      kDeadline));
}

TEST_F(SyslogIngestTest, ACleanShutdownWritesEverythingAccepted) {
  Start("  flush_interval: 60s\n");  // only the shutdown flush can write these
  std::string lines;
  for (int i = 0; i < 2000; ++i) lines += "<13>app: shutdown-" + std::to_string(i) + "\n";
  SendTcp(port_, lines);
  ASSERT_TRUE(WaitUntil(
      [&] {
        return api_.Metric("groundstation_syslog_messages_received_total" + Listener("tcp")) ==
               2000;
      },
      kDeadline));
  daemon_->Kill(SIGTERM);
  int archived = 0;
  for (const auto& host : std::filesystem::directory_iterator(dir_ / "var" / "logs")) {
    for (const auto& f : std::filesystem::directory_iterator(host.path())) {
      std::ifstream in(f.path());
      for (std::string line; std::getline(in, line);)
        archived += line.find("shutdown-") != std::string::npos;
    }
  }
  EXPECT_EQ(archived, 2000);
}

TEST_F(SyslogIngestTest, StartedAsRootItBindsThenRunsAsTheConfiguredUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (to switch users)";
  // nobody must be able to reach data_dir: the temp dir itself is 0700.
  std::filesystem::permissions(dir_.path(), std::filesystem::perms::owner_all |
                                                std::filesystem::perms::group_exec |
                                                std::filesystem::perms::others_exec);
  Start("", "user: nobody\n");
  const std::string status = ReadFile("/proc/" + std::to_string(daemon_->pid()) + "/status");
  const auto uid = status.find("\nUid:");
  ASSERT_NE(uid, std::string::npos);
  EXPECT_NE(status.substr(uid, 20).find("65534"), std::string::npos) << status.substr(uid, 40);
  SendTcp(port_, "<13>app: written-as-nobody\n");
  EXPECT_TRUE(api_.FindLog("written-as-nobody", kDeadline).is_object())
      << ReadFile(dir_ / "gs.err");
  EXPECT_NE(ReadFile(dir_ / "gs.out").find("running as nobody"), std::string::npos);
}

TEST_F(SyslogIngestTest, ALogRuleAlertsWithTheLastLinesAndRecovers) {
  const int hook_port = FreePort();
  Process receiver({"/usr/bin/python3", std::string(GS_SOURCE_DIR) + "/tests/support/webhook_rx.py",
                    std::to_string(hook_port), (dir_ / "hooks").string()});
  ASSERT_TRUE(receiver.started());
  Start(
      "  rules:\n"
      "    - {name: ssh_failed, pattern: \"Failed password for \\\\w+\", app_name: [sshd],\n"
      "       alert: {count: 3, window: 2s, lines: 2}}\n"
      "    - {name: quiet, pattern: \"never matches this\", severity: err}\n",
      "notifiers:\n  - {name: ops, kind: webhook, url: \"http://127.0.0.1:" +
          std::to_string(hook_port) + "/hook\", timeout: 2s}\n" +
          "routes:\n  - {match: {kind: log}, notify: [ops]}\n");
  std::string lines;
  for (int i = 1; i <= 3; ++i) {
    lines += "<38>Nov 22 03:38:3" + std::to_string(i) +
             " web07 sshd[99]: Failed password for user" + std::to_string(i) + " from 10.9.9.9\n";
  }
  lines += "<38>Nov 22 03:38:39 web07 cron[1]: Failed password for cron\n";  // another app
  SendTcp(port_, lines);
  auto hook = [&](int n) { return dir_ / "hooks" / ("hook-" + std::to_string(n) + ".json"); };
  ASSERT_TRUE(WaitUntil([&] { return std::filesystem::exists(hook(1)); }, kDeadline))
      << ReadFile(dir_ / "gs.err");
  json firing = json::parse(ReadFile(hook(1)), nullptr, false);
  EXPECT_EQ(firing["status"], "firing");
  EXPECT_EQ(firing["node"], "web07");
  EXPECT_EQ(firing["check"], "log:ssh_failed");
  EXPECT_EQ(firing["state"], "CRITICAL");
  const std::string output = firing["output"];
  EXPECT_NE(output.find("3 matches of log rule ssh_failed"), std::string::npos) << output;
  EXPECT_NE(output.find("Failed password for user3"), std::string::npos) << output;
  EXPECT_EQ(output.find("Failed password for user1"), std::string::npos) << output;  // 2 lines
  EXPECT_EQ(api_.Metric("groundstation_log_rule_matches_total{rule=\"ssh_failed\"}"), 3);
  EXPECT_EQ(api_.Metric("groundstation_log_rule_matches_total{rule=\"quiet\"}"), 0);
  // Two seconds later the window holds fewer than three: resolved.
  ASSERT_TRUE(WaitUntil([&] { return std::filesystem::exists(hook(2)); }, kDeadline));
  json resolved = json::parse(ReadFile(hook(2)), nullptr, false);
  EXPECT_EQ(resolved["status"], "resolved");
  EXPECT_EQ(resolved["check"], "log:ssh_failed");
  auto status =
      json::parse(HttpGet(api_.Url("/api/v1/status?check=log:ssh_failed")).body, nullptr, false);
  ASSERT_EQ(status["checks"].size(), 1u);
  EXPECT_EQ(status["checks"][0]["state"], "OK");
  EXPECT_EQ(status["checks"][0]["kind"], "log");
}

}  // namespace
}  // namespace gs::test
