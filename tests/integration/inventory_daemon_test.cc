// The inventory inside the real `groundstation run`: a nodes file edited while it runs,
// self-registration through the API (token, bad bodies, renewal, expiry, DELETE), the
// inventory API and the `groundstation inventory` CLI with --explain. Checks are passive
// heartbeats, so what runs where is visible without probing anything.
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "tests/support/daemon_test.h"

namespace gs::test {
namespace {

using nlohmann::json;
constexpr auto kDeadline = std::chrono::seconds(30);

// METHOD url with an optional JSON body and bearer token, through the curl CLI.
HttpResponse Request(const std::string& method, const std::string& url, const std::string& body,
                     const std::string& token) {
  std::vector<std::string> argv = {"curl", "-s", "-m", "10", "-X", method, "-w", "\n%{http_code}"};
  if (!token.empty()) argv.insert(argv.end(), {"-H", "Authorization: Bearer " + token});
  if (!body.empty()) argv.insert(argv.end(), {"-H", "Content-Type: application/json", "-d", body});
  argv.push_back(url);
  const CommandResult r = RunCommand(argv);
  HttpResponse out;
  const auto nl = r.out.rfind('\n');
  if (nl == std::string::npos) return out;
  out.body = r.out.substr(0, nl);
  out.status = std::atoi(r.out.c_str() + nl + 1);
  return out;
}

class InventoryDaemonTest : public DaemonTest {
 protected:
  void Start(const std::string& inventory) {
    DaemonTest::Start(
        "nodes:\n"
        "  - {name: lb01, address: 127.0.0.1, tags: {role: lb}}\n"
        "checks:\n"
        "  - {name: app, kind: heartbeat, select: {role: web}, max_age: 1h}\n"
        "  - {name: front, kind: heartbeat, select: {role: lb}, max_age: 1h}\n" +
        inventory);
  }
  CommandResult Cli(std::vector<std::string> args) const {
    std::vector<std::string> argv = {GS_BINARY, "inventory", "--url", api_.Url("")};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }
};

TEST_F(InventoryDaemonTest, NodesFileEditsStartAndRetireChecksWithoutPaging) {
  const auto nodes_file = dir_ / "nodes.yaml";
  ASSERT_TRUE(WriteFile(nodes_file,
                        "- {name: web01, address: 127.0.0.1, tags: {role: web}}\n"
                        "- {name: web02, address: 127.0.0.1, tags: {role: web}}\n"));
  Start("inventory: {file: " + nodes_file.string() + ", file_check: 200ms}\n");
  ASSERT_TRUE(WaitUntil([&] { return Runs("web01", "app") && Runs("web02", "app"); }, kDeadline))
      << ReadFile(dir_ / "gs.err");
  EXPECT_EQ(Node("web01")["source"], "file:" + nodes_file.string());
  EXPECT_EQ(Node("lb01")["source"], "config");

  Submit("web02", "app", "CRITICAL");
  ASSERT_TRUE(WaitForHook("web02", "firing").is_object());

  // web02 leaves the file, web03 joins: its check starts, web02's stops and its alert is
  // resolved as retired (a resolution, never a page).
  ASSERT_TRUE(WriteFile(nodes_file,
                        "- {name: web01, address: 127.0.0.1, tags: {role: web}}\n"
                        "- {name: web03, address: 127.0.0.1, tags: {role: web, env: new}}\n"));
  ASSERT_TRUE(
      WaitUntil([&] { return Runs("web03", "app") && !Listed("web02", "app"); }, kDeadline));
  const json resolved = WaitForHook("web02", "resolved");
  ASSERT_TRUE(resolved.is_object());
  EXPECT_EQ(resolved["alerts"][0]["reason"], "node retired");
  EXPECT_TRUE(Node("web02").is_null());

  // A broken file keeps the last good nodes and raises one discovery alert.
  ASSERT_TRUE(WriteFile(nodes_file, "- {name: web01, bogus: 1}\n"));
  const json failing = WaitForHook("groundstation", "firing");
  ASSERT_TRUE(failing.is_object());
  EXPECT_EQ(failing["check"], "discovery:file:" + nodes_file.string());
  EXPECT_NE(failing["output"].get<std::string>().find("bogus"), std::string::npos)
      << failing.dump();
  EXPECT_TRUE(Runs("web03", "app"));
  EXPECT_EQ(
      api_.Metric("groundstation_discovery_failing{source=\"file:" + nodes_file.string() + "\"}"),
      1);
  // Fixed again: the discovery alert resolves.
  ASSERT_TRUE(WriteFile(nodes_file, "- {name: web01, address: 127.0.0.1, tags: {role: web}}\n"));
  ASSERT_TRUE(WaitForHook("groundstation", "resolved").is_object());
  ASSERT_TRUE(WaitUntil([&] { return !Listed("web03", "app"); }, kDeadline));
  for (const json& h : Hooks()) {
    EXPECT_FALSE(h["node"] == "web03" && h["status"] == "firing") << h.dump();
  }
}

TEST_F(InventoryDaemonTest, SelfRegistrationNeedsTheTokenValidatesRenewsAndExpires) {
  Start("inventory: {register: {expire_after: 1h, tags: {via: register}}}\n");
  const std::string url = api_.Url("/api/v1/register");
  // A ttl shorter than expire_after wins: 3 s without renewal and the node is gone.
  const std::string body =
      R"({"name": "web07", "address": "127.0.0.1", "tags": {"role": "web"}, "ttl": 3})";
  EXPECT_EQ(Request("POST", url, body, "").status, 401);
  EXPECT_EQ(Request("POST", url, body, "wrong").status, 401);
  const HttpResponse bad = Request("POST", url, R"({"name": "web 07"})", token_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("name"), std::string::npos) << bad.body;
  EXPECT_EQ(Request("POST", url, "not json", token_).status, 400);
  EXPECT_GE(api_.Metric("groundstation_registrations_rejected_total"), 2);

  const HttpResponse created = Request("POST", url, body, token_);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(json::parse(created.body)["tags"]["via"], "register");
  ASSERT_TRUE(WaitUntil([&] { return Runs("web07", "app"); }, kDeadline));
  EXPECT_EQ(Node("web07")["source"], "register");

  // Renewed every second for a while: it stays.
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(Request("POST", url, body, token_).status, 200);
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  EXPECT_TRUE(Runs("web07", "app"));

  // Not renewed: it expires and its checks retire.
  ASSERT_TRUE(WaitUntil([&] { return !Listed("web07", "app"); }, kDeadline));
  EXPECT_TRUE(Node("web07").is_null());
  EXPECT_EQ(api_.Metric("groundstation_registrations_expired_total"), 1);

  // DELETE takes a node out at once; a second DELETE is a 404.
  ASSERT_EQ(Request("POST", url, body, token_).status, 201);
  ASSERT_TRUE(WaitUntil([&] { return Runs("web07", "app"); }, kDeadline));
  EXPECT_EQ(Request("DELETE", url + "/web07", "", "").status, 401);
  EXPECT_EQ(Request("DELETE", url + "/web07", "", token_).status, 200);
  EXPECT_EQ(Request("DELETE", url + "/web07", "", token_).status, 404);
  ASSERT_TRUE(WaitUntil([&] { return !Listed("web07", "app"); }, kDeadline));
}

TEST_F(InventoryDaemonTest, RegistrationsSurviveARestart) {
  Start("inventory: {register: {expire_after: 1h}}\n");
  const std::string body = R"({"name": "db01", "address": "127.0.0.1", "tags": {"role": "web"}})";
  ASSERT_EQ(Request("POST", api_.Url("/api/v1/register"), body, token_).status, 201);
  ASSERT_TRUE(WaitUntil([&] { return Runs("db01", "app"); }, kDeadline));
  daemon_.reset();
  Start("inventory: {register: {expire_after: 1h}}\n");
  EXPECT_TRUE(WaitUntil([&] { return Runs("db01", "app"); }, kDeadline));
}

TEST_F(InventoryDaemonTest, RegistrationIsOffUnlessConfigured) {
  Start("");
  const HttpResponse r = Request("POST", api_.Url("/api/v1/register"),
                                 R"({"name": "x1", "address": "127.0.0.1"})", token_);
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("inventory.register"), std::string::npos) << r.body;
}

TEST_F(InventoryDaemonTest, InventoryCliListsSourcesAndExplainsChecks) {
  Start("");
  const CommandResult list = Cli({});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("lb01"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("config"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("role=lb"), std::string::npos) << list.out;

  const CommandResult why = Cli({"--explain", "lb01"});
  ASSERT_EQ(why.exit_code, 0) << why.err;
  EXPECT_NE(why.out.find("applies     front"), std::string::npos) << why.out;
  EXPECT_NE(why.out.find("not applied app"), std::string::npos) << why.out;
  EXPECT_NE(why.out.find("role is \"lb\" (wants web): no"), std::string::npos) << why.out;

  const CommandResult json_out = Cli({"--explain", "lb01", "--json"});
  ASSERT_EQ(json_out.exit_code, 0);
  const json doc = json::parse(json_out.out);
  ASSERT_EQ(doc["checks"].size(), 2u);

  EXPECT_EQ(Cli({"--explain", "nosuch"}).exit_code, 1);
  EXPECT_EQ(Cli({"--bogus"}).exit_code, 2);
}

}  // namespace
}  // namespace gs::test
