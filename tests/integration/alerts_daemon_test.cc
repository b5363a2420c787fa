// The alert engine inside the real `groundstation run`: problems, acknowledgements, downtimes
// and history through the API and the `groundstation alerts` CLI; "uplink lost" sent once
// with the per-node pages held; the watchdog's outbound heartbeat. States are driven through
// POST /api/v1/results on passive checks, notifications land in a real HTTP receiver.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/collector_api.h"
#include "tests/support/http_receiver.h"
#include "tests/support/peers.h"

namespace gs::test {
namespace {

using nlohmann::json;
constexpr auto kDeadline = std::chrono::seconds(30);

class AlertsDaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const int port = FreePort();
    api_ = CollectorApi(port);
    const std::string d = dir_.path().string();
    const std::string config =
        "data_dir: " + d + "/var\n" + "http: {listen: \"127.0.0.1:" + std::to_string(port) +
        "\", token_file: " + d + "/api-token}\n" +
        "nodes:\n"
        "  - {name: gw, address: 127.0.0.1, tags: {role: uplink}}\n"
        "  - {name: web01, address: 127.0.0.1, tags: {role: web}}\n"
        "  - {name: web02, address: 127.0.0.1, tags: {role: web}}\n"
        "checks:\n"
        "  - {name: reach, kind: heartbeat, select: {role: uplink}, max_age: 1h}\n"
        "  - {name: app, kind: heartbeat, select: {role: web}, max_age: 1h}\n"
        "notifiers:\n"
        "  - {name: ops, kind: webhook, url: \"" +
        hooks_.url("/hook") +
        "\"}\n"
        "routes:\n"
        "  - {notify: [ops]}\n"
        "uplink: {checks: {role: uplink}}\n"
        "watchdog: {url: \"" +
        hooks_.url("/ping") + "\", interval: 1s, timeout: 1s}\n";
    daemon_ = StartCollector(dir_, config, api_);
    ASSERT_TRUE(daemon_) << ReadFile(dir_ / "gs.err");
    token_ = ReadFile(dir_ / "api-token");
    while (!token_.empty() && token_.back() == '\n') token_.pop_back();
  }

  void Submit(const std::string& node, const std::string& check, const std::string& state) {
    const json body{{"node", node}, {"check", check}, {"state", state}, {"output", state}};
    const HttpResponse r = HttpPost(api_.Url("/api/v1/results"), body.dump(), token_);
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // The webhook bodies received on /hook so far.
  std::vector<json> Hooks() const {
    std::vector<json> out;
    for (const ReceivedRequest& r : hooks_.Requests()) {
      if (r.path == "/hook") out.push_back(json::parse(r.body, nullptr, false));
    }
    return out;
  }
  // Waits for a webhook body with this event about node/check (any node/check when empty).
  json WaitForHook(const std::string& event, const std::string& node = "",
                   const std::string& status = "") const {
    json found;
    WaitUntil(
        [&] {
          for (const json& h : Hooks()) {
            if (h.is_object() && h["event"] == event && (node.empty() || h["node"] == node) &&
                (status.empty() || h["status"] == status)) {
              found = h;
              return true;
            }
          }
          return false;
        },
        kDeadline);
    return found;
  }

  CommandResult Cli(std::vector<std::string> args) const {
    std::vector<std::string> argv = {GS_BINARY, "alerts"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--url", api_.Url(""), "--token-file", (dir_ / "api-token").string()});
    return RunCommand(argv);
  }

  json Problems() const {
    return json::parse(HttpGet(api_.Url("/api/v1/problems")).body, nullptr, false);
  }

  TempDir dir_;
  HttpReceiver hooks_{dir_};
  CollectorApi api_;
  std::string token_;
  std::unique_ptr<Process> daemon_;
};

TEST_F(AlertsDaemonTest, ProblemsAcknowledgementsDowntimesAndHistoryThroughTheCli) {
  Submit("web01", "app", "CRITICAL");
  const json page = WaitForHook("alert", "web01", "firing");
  ASSERT_TRUE(page.is_object()) << ReadFile(dir_ / "gs.err");
  const CommandResult problems = Cli({"problems"});
  ASSERT_EQ(problems.exit_code, 0) << problems.err;
  const json listed = json::parse(problems.out);
  ASSERT_EQ(listed["problems"].size(), 1u) << problems.out;
  EXPECT_EQ(listed["problems"][0]["node"], "web01");
  EXPECT_EQ(listed["ground"]["uplink_lost"], false);

  const CommandResult ack = Cli({"ack", "web01", "app", "--author", "alice", "--comment", "on it"});
  ASSERT_EQ(ack.exit_code, 0) << ack.err;
  const json notice = WaitForHook("acknowledged", "web01");
  ASSERT_TRUE(notice.is_object());
  EXPECT_NE(notice["note"].get<std::string>().find("alice: on it"), std::string::npos);
  EXPECT_EQ(Problems()["problems"][0]["acknowledged"]["author"], "alice");
  EXPECT_EQ(Cli({"unack", "web01", "app"}).exit_code, 0);
  EXPECT_TRUE(Problems()["problems"][0]["acknowledged"].is_null());
  EXPECT_EQ(Cli({"unack", "web01", "app"}).exit_code, 1);  // not acknowledged any more
  EXPECT_EQ(Cli({"ack", "web02", "app", "--author", "alice"}).exit_code, 1);  // not a problem

  const CommandResult added =
      Cli({"downtime", "add", "--node", "web02", "--duration", "1h", "--author", "bob"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const std::string id = json::parse(added.out)["id"];
  const CommandResult list = Cli({"downtime", "list"});
  ASSERT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find(id), std::string::npos);
  Submit("web02", "app", "CRITICAL");  // in downtime: held, not paged
  ASSERT_TRUE(WaitUntil(
      [&] {
        const json all = Problems();
        for (const json& p : all["problems"]) {
          if (p["node"] == "web02") return p["held"] == "downtime";
        }
        return false;
      },
      kDeadline));
  EXPECT_EQ(Cli({"downtime", "rm", id}).exit_code, 0);
  EXPECT_TRUE(WaitForHook("alert", "web02", "firing").is_object());  // paged when it ends

  Submit("web01", "app", "OK");
  EXPECT_TRUE(WaitForHook("alert", "web01", "resolved").is_object());
  const CommandResult history = Cli({"history", "web01", "app"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  for (const char* event : {"problem", "acknowledged", "ack_removed", "recovery"}) {
    EXPECT_NE(history.out.find(event), std::string::npos) << event << " in " << history.out;
  }
}

TEST_F(AlertsDaemonTest, ALostUplinkIsOneAlertAndHoldsThePerNodePages) {
  Submit("gw", "reach", "CRITICAL");  // passive checks are HARD at once
  const json lost = WaitForHook("uplink_lost");
  ASSERT_TRUE(lost.is_object()) << ReadFile(dir_ / "gs.err");
  EXPECT_EQ(lost["alerts"][0]["node"], "gw");
  Submit("web01", "app", "CRITICAL");
  Submit("web02", "app", "CRITICAL");
  ASSERT_TRUE(WaitUntil([&] { return Problems()["problems"].size() == 3; }, kDeadline));
  const json held = Problems();
  for (const json& p : held["problems"]) EXPECT_EQ(p["held"], "uplink lost") << p.dump();
  EXPECT_EQ(Problems()["ground"]["uplink_lost"], true);
  EXPECT_EQ(api_.Metric("groundstation_uplink_lost"), 1);
  // Back: web01 recovered meanwhile, web02 still fails after its recheck.
  Submit("gw", "reach", "OK");
  Submit("web01", "app", "OK");
  Submit("web02", "app", "CRITICAL");
  const json back = WaitForHook("uplink_restored");
  ASSERT_TRUE(back.is_object());
  EXPECT_NE(back["note"].get<std::string>().find("still failing: web02/app"), std::string::npos)
      << back["note"];
  EXPECT_TRUE(WaitForHook("alert", "web02", "firing").is_object());
  int lost_messages = 0;
  for (const json& h : Hooks()) lost_messages += h["event"] == "uplink_lost" ? 1 : 0;
  EXPECT_EQ(lost_messages, 1);
  for (const json& h : Hooks()) EXPECT_NE(h["node"], "web01") << h.dump();  // never paged
}

TEST_F(AlertsDaemonTest, TheWatchdogPingsWhileTheDaemonRuns) {
  ASSERT_TRUE(WaitUntil(
      [&] {
        int pings = 0;
        for (const ReceivedRequest& r : hooks_.Requests()) pings += r.path == "/ping" ? 1 : 0;
        return pings >= 2;
      },
      kDeadline));
  EXPECT_GE(api_.Metric("groundstation_watchdog_pings_total{result=\"sent\"}"), 1);
}

}  // namespace
}  // namespace gs::test
