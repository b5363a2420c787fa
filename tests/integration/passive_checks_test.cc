// Passive checks and plugins in the real `groundstation run`: heartbeats and submitted plugin
// results through the API (token required), freshness turning a missing heartbeat CRITICAL,
// the last heartbeat surviving a restart, and an exec check running a plugin per node.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/collector_api.h"
#include "tests/support/peers.h"

namespace gs::test {
namespace {

using nlohmann::json;
constexpr auto kDeadline = std::chrono::seconds(30);

class PassiveChecksTest : public ::testing::Test {
 protected:
  void Start(const std::string& max_age = "3s") {
    api_port_ = api_port_ != 0 ? api_port_ : FreePort();
    api_ = CollectorApi(api_port_);
    const std::string d = dir_.path().string();
    const std::string config = "data_dir: " + d + "/var\n" +
                               "http: {listen: \"127.0.0.1:" + std::to_string(api_port_) +
                               "\", token_file: " + d + "/api-token}\n" +
                               "nodes:\n"
                               "  - {name: db01, address: 127.0.0.1, tags: {role: db}}\n"
                               "  - {name: db02, address: 127.0.0.2, tags: {role: db}}\n"
                               "  - {name: box, address: 127.0.0.1, tags: {role: ground}}\n"
                               "checks:\n"
                               "  - {name: backup, kind: heartbeat, select: {role: ground}, "
                               "interval: 1s, max_age: " +
                               max_age +
                               "}\n"
                               "  - {name: nightly, kind: heartbeat, select: {role: db}, "
                               "interval: 1s, max_age: 1h}\n"
                               "  - name: plugin\n"
                               "    kind: exec\n"
                               "    select: {role: db}\n"
                               "    interval: 1s\n"
                               "    command: [/bin/sh, -c, \"echo 'WARN on {name} at {address} | "
                               "v=1;2;3'; exit 1\"]\n";
    daemon_ = StartCollector(dir_, config, api_);
    ASSERT_TRUE(daemon_) << ReadFile(dir_ / "gs.err");
    token_ = ReadFile(dir_ / "api-token");
    while (!token_.empty() && token_.back() == '\n') token_.pop_back();
    ASSERT_EQ(token_.size(), 64U) << "a new install gets a random token";
  }

  json Status(const std::string& node, const std::string& check) const {
    const json j = json::parse(
        HttpGet(api_.Url("/api/v1/status?node=" + node + "&check=" + check)).body, nullptr, false);
    if (j.is_discarded() || j["checks"].empty()) return json();
    return j["checks"][0];
  }

  bool WaitForState(const std::string& node, const std::string& check, const std::string& state) {
    return WaitUntil(
        [&] {
          const json s = Status(node, check);
          return s.is_object() && s["state"] == state;
        },
        kDeadline);
  }

  TempDir dir_;
  CollectorApi api_;
  int api_port_ = 0;
  std::string token_;
  std::unique_ptr<Process> daemon_;
};

TEST_F(PassiveChecksTest, HeartbeatsNeedTheTokenAndGoCriticalWhenTheyStop) {
  Start();
  const std::string url = api_.Url("/api/v1/heartbeat/backup");
  EXPECT_EQ(HttpPost(url, "").status, 401);
  EXPECT_EQ(HttpPost(url, "", "wrong-token-wrong-token").status, 401);
  const HttpResponse ok = HttpPost(url, "", token_);
  ASSERT_EQ(ok.status, 200) << ok.body;
  const json body = json::parse(ok.body);
  EXPECT_EQ(body["node"], "box");
  EXPECT_EQ(body["state"], "OK");
  EXPECT_EQ(body["output"], "heartbeat received");
  // No further heartbeat: past max_age (3 s) the freshness check goes CRITICAL.
  ASSERT_TRUE(WaitForState("box", "backup", "CRITICAL"));
  EXPECT_NE(Status("box", "backup")["output"].get<std::string>().find("no heartbeat for"),
            std::string::npos);
  // The next heartbeat recovers it at once.
  ASSERT_EQ(HttpPost(url, "backup done: 12 GB | bytes=12GB", token_).status, 200);
  const json s = Status("box", "backup");
  EXPECT_EQ(s["state"], "OK");
  EXPECT_EQ(s["output"], "backup done: 12 GB");
}

TEST_F(PassiveChecksTest, SubmittedResultsNameTheirNodeWhenTheCheckHasSeveral) {
  Start();
  const std::string url = api_.Url("/api/v1/results");
  const HttpResponse ambiguous =
      HttpPost(url, R"({"check": "nightly", "exit_code": 2, "output": "x"})", token_);
  EXPECT_EQ(ambiguous.status, 400);
  EXPECT_NE(ambiguous.body.find("runs on 2 nodes"), std::string::npos) << ambiguous.body;
  const HttpResponse crit = HttpPost(
      url, R"({"node": "db02", "check": "nightly", "exit_code": 2, "output": "dump failed | n=0"})",
      token_);
  ASSERT_EQ(crit.status, 200) << crit.body;
  EXPECT_EQ(json::parse(crit.body)["state"], "CRITICAL");
  EXPECT_EQ(Status("db02", "nightly")["state"], "CRITICAL");
  EXPECT_TRUE(WaitForState("db01", "nightly", "OK"));  // waiting for its first heartbeat
  EXPECT_EQ(HttpPost(url, R"({"node": "db09", "check": "nightly", "exit_code": 0})", token_).status,
            404);
  EXPECT_EQ(HttpPost(url, R"({"check": "nosuch", "exit_code": 0})", token_).status, 404);
  const HttpResponse bad = HttpPost(url, R"({"check": "nightly", "exit_code": 7})", token_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("0..3"), std::string::npos) << bad.body;
  EXPECT_EQ(HttpPost(url, "not json", token_).status, 400);
}

TEST_F(PassiveChecksTest, TheLastHeartbeatSurvivesARestart) {
  Start("1h");
  ASSERT_EQ(HttpPost(api_.Url("/api/v1/heartbeat/backup"), "saved", token_).status, 200);
  daemon_->Kill(SIGTERM);
  Start("1h");
  // Restored from state.db: fresh, so the periodic evaluation repeats the last heartbeat
  // instead of "waiting for the first heartbeat".
  ASSERT_TRUE(WaitUntil(
      [&] {
        const json s = Status("box", "backup");
        return s.is_object() && s["output"] == "saved" && s["perfdata"].size() == 1;
      },
      kDeadline))
      << Status("box", "backup").dump();
}

TEST_F(PassiveChecksTest, AnExecCheckRunsThePluginPerNodeWithTemplates) {
  Start();
  ASSERT_TRUE(WaitForState("db02", "plugin", "WARNING"));
  const json s = Status("db02", "plugin");
  EXPECT_EQ(s["output"], "WARN on db02 at 127.0.0.2");
  ASSERT_EQ(s["perfdata"].size(), 1U);
  EXPECT_EQ(s["perfdata"][0]["label"], "v");
}

}  // namespace
}  // namespace gs::test
