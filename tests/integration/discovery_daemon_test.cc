// Discovery inside the real `groundstation run`: EC2 through a fake EC2 endpoint that checks
// every request's SigV4 signature (tests/support/ec2_rx.py) while the fleet scales out and in,
// instances stop, the API throttles and the daemon restarts with the API down; and a DNS pool
// served by a real dnsmasq whose members are checked one by one under the pool's name.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/daemon_test.h"
#include "tests/support/dnsmasq_peer.h"
#include "tests/support/peers.h"
#include "tests/support/python_peer.h"

namespace gs::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
constexpr auto kDeadline = std::chrono::seconds(30);
constexpr char kKeyId[] = "AKIAGSTESTEXAMPLE";  // what ec2_rx.py accepts
constexpr char kSecret[] = "gs/test+secret/EXAMPLEKEY";

std::string Instance(const std::string& id, const std::string& state, const std::string& name,
                     const std::string& role) {
  return "<item><instanceId>" + id + "</instanceId><instanceState><code>16</code><name>" + state +
         "</name></instanceState><instanceType>t3.micro</instanceType><placement>"
         "<availabilityZone>eu-west-1a</availabilityZone></placement>"
         "<privateIpAddress>127.0.0.1</privateIpAddress><tagSet>"
         "<item><key>Name</key><value>" +
         name + "</value></item><item><key>role</key><value>" + role +
         "</value></item></tagSet></item>";
}

std::string Page(const std::string& instances, const std::string& next_token = "") {
  return "<DescribeInstancesResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
         "<requestId>r</requestId><reservationSet><item><reservationId>r-1</reservationId>"
         "<instancesSet>" +
         instances + "</instancesSet></item></reservationSet>" +
         (next_token.empty() ? "" : "<nextToken>" + next_token + "</nextToken>") +
         "</DescribeInstancesResponse>";
}

class DiscoveryDaemonTest : public DaemonTest {
 protected:
  void Start(const std::string& inventory, const std::string& checks) {
    DaemonTest::Start("checks:\n" + checks + inventory);
  }
};

class Ec2DiscoveryTest : public DiscoveryDaemonTest {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(ec2_dir_);
    ec2_ = StartPythonPeer("ec2_rx.py", {ec2_dir_.string()}, ec2_dir_);
    ASSERT_TRUE(ec2_.process) << ReadFile(ec2_dir_ / "stderr.log");
  }

  void StartWithEc2() {
    Start(
        "inventory:\n"
        "  ec2:\n"
        "    - name: prod\n"
        "      region: eu-west-1\n"
        "      endpoint: \"http://127.0.0.1:" +
            std::to_string(ec2_.port) +
            "\"\n"
            "      filters: {\"tag:role\": [web, db]}\n"
            "      tags: {env: test}\n"
            "      refresh: 1s\n"
            "      access_key_id: " +
            kKeyId + "\n      secret_access_key: \"" + kSecret +
            "\"\n"
            "      imds_endpoint: \"\"\n",
        "  - {name: app, kind: heartbeat, select: {role: web}, max_age: 1h}\n");
  }
  void SetPages(const std::string& first, const std::string& second = "") {
    if (!second.empty()) {
      ASSERT_TRUE(WriteFile(ec2_dir_ / "page-p2.xml", Page(second)));
    }
    ASSERT_TRUE(WriteFile(ec2_dir_ / "page-first.xml", Page(first, second.empty() ? "" : "p2")));
  }

  std::filesystem::path ec2_dir_ = dir_ / "ec2";
  PythonPeer ec2_;
};

TEST_F(Ec2DiscoveryTest, TheFleetScalesOutAndInAndOnlyRunningNodesAreCheckedAndPaged) {
  SetPages(
      Instance("i-01", "running", "web-1", "web") + Instance("i-02", "running", "web-2", "web"),
      Instance("i-03", "stopped", "db-1", "db"));
  StartWithEc2();
  ASSERT_TRUE(WaitUntil([&] { return Runs("web-1", "app") && Runs("web-2", "app"); }, kDeadline))
      << ReadFile(dir_ / "gs.err");
  const json web1 = Node("web-1");
  EXPECT_EQ(web1["source"], "ec2:prod");
  EXPECT_EQ(web1["address"], "127.0.0.1");
  EXPECT_EQ(web1["tags"]["instance_id"], "i-01");
  EXPECT_EQ(web1["tags"]["availability_zone"], "eu-west-1a");
  EXPECT_EQ(web1["tags"]["env"], "test");
  EXPECT_EQ(Node("db-1")["lifecycle"], "stopped");
  // The filter went to the API; every request carried a signature ec2_rx.py accepted.
  const std::string requests = ReadFile(ec2_dir_ / "requests.log");
  EXPECT_NE(requests.find("\"Filter.1.Name\": \"tag:role\""), std::string::npos) << requests;
  EXPECT_EQ(requests.find("\"_auth\": \"ok\""), requests.find("\"_auth\""));
  EXPECT_EQ(requests.find("mismatch"), std::string::npos) << requests;

  // web-2 fails for real: paged.
  Submit("web-2", "app", "CRITICAL");
  ASSERT_TRUE(WaitForHook("web-2", "firing").is_object());

  // Scale out (web-3), web-2 is stopped: web-3 is checked, web-2's alert resolves quietly.
  SetPages(Instance("i-01", "running", "web-1", "web") +
           Instance("i-02", "stopped", "web-2", "web") +
           Instance("i-04", "running", "web-3", "web"));
  ASSERT_TRUE(
      WaitUntil([&] { return Runs("web-3", "app") && !Listed("web-2", "app"); }, kDeadline));
  const json stopped = WaitForHook("web-2", "resolved");
  ASSERT_TRUE(stopped.is_object());
  EXPECT_EQ(stopped["alerts"][0]["reason"], "node stopped");

  // Scale in: web-3 terminated, then gone from the answers. No page for it, ever.
  SetPages(Instance("i-01", "running", "web-1", "web") +
           Instance("i-04", "terminated", "web-3", "web"));
  ASSERT_TRUE(WaitUntil([&] { return !Listed("web-3", "app"); }, kDeadline));
  SetPages(Instance("i-01", "running", "web-1", "web"));
  ASSERT_TRUE(WaitUntil([&] { return Node("web-3").is_null(); }, kDeadline));
  for (const json& h : Hooks()) {
    EXPECT_FALSE(h["node"] == "web-3") << h.dump();
  }
  EXPECT_TRUE(Runs("web-1", "app"));
}

TEST_F(Ec2DiscoveryTest, ThrottlingKeepsTheFleetRaisesOneAlertAndARestartRemembersTheFleet) {
  SetPages(Instance("i-01", "running", "web-1", "web") +
           Instance("i-02", "running", "web-2", "web"));
  StartWithEc2();
  ASSERT_TRUE(WaitUntil([&] { return Runs("web-1", "app") && Runs("web-2", "app"); }, kDeadline))
      << ReadFile(dir_ / "gs.err");
  ASSERT_TRUE(WriteFile(ec2_dir_ / "status", "503 RequestLimitExceeded\n"));
  const json failing = WaitForHook("groundstation", "firing");
  ASSERT_TRUE(failing.is_object());
  EXPECT_EQ(failing["check"], "discovery:ec2:prod");
  EXPECT_NE(failing["output"].get<std::string>().find("RequestLimitExceeded"), std::string::npos)
      << failing.dump();
  EXPECT_NE(failing["output"].get<std::string>().find("2 nodes"), std::string::npos);
  // Several more failed refreshes: the nodes stay, the alert is not repeated.
  const double failures =
      api_.Metric("groundstation_discovery_failures_total{source=\"ec2:prod\"}");
  ASSERT_TRUE(WaitUntil(
      [&] {
        return api_.Metric("groundstation_discovery_failures_total{source=\"ec2:prod\"}") >=
               failures + 3;
      },
      kDeadline));
  EXPECT_TRUE(Runs("web-1", "app") && Runs("web-2", "app"));
  int pages = 0;
  for (const json& h : Hooks()) pages += h["node"] == "groundstation" ? 1 : 0;
  EXPECT_EQ(pages, 1);

  // A restart while the API still throttles: the fleet saved in state.db is checked at once.
  daemon_.reset();
  StartWithEc2();
  ASSERT_TRUE(WaitUntil([&] { return Runs("web-1", "app") && Runs("web-2", "app"); }, kDeadline))
      << ReadFile(dir_ / "gs.err");
  EXPECT_EQ(Node("web-1")["source"], "ec2:prod");
  // The API recovers: the discovery alert resolves.
  std::filesystem::remove(ec2_dir_ / "status");
  EXPECT_TRUE(WaitForHook("groundstation", "resolved").is_object());
}

TEST_F(DiscoveryDaemonTest, DnsPoolMembersAreCheckedOneByOneUnderThePoolName) {
  if (!Dnsmasq::Available()) GTEST_SKIP() << "dnsmasq or dig is not installed";
  // One member answers (a receiver on 127.0.0.2), the other (127.0.0.3) refuses connections.
  HttpReceiver member(dir_, {.bind = "127.0.0.2"});
  Dnsmasq dns({.hosts = "127.0.0.2 web.cloud.test\n127.0.0.3 web.cloud.test\n"});
  ASSERT_TRUE(dns.Start()) << dns.error();
  const std::string port = std::to_string(member.port());
  Start("inventory:\n  dns:\n    - {name: web.cloud.test, server: \"" + dns.server() +
            "\", ipv6: false, refresh: 1s, tags: {role: web}}\n",
        "  - {name: site, kind: http, select: {pool: web.cloud.test}, interval: 1s, "
        "max_attempts: 1, timeout: 2s, url: \"http://{address}:" +
            port + "/health\"}\n");
  const std::string good = "web.cloud.test[127.0.0.2]";
  const std::string dead = "web.cloud.test[127.0.0.3]";
  ASSERT_TRUE(WaitUntil(
      [&] { return State(good, "site") == "OK" && State(dead, "site") == "CRITICAL"; }, kDeadline))
      << ReadFile(dir_ / "gs.err");
  EXPECT_EQ(Node(good)["tags"]["pool"], "web.cloud.test");
  EXPECT_EQ(Node(good)["tags"]["role"], "web");
  EXPECT_EQ(Node(good)["source"], "dns:web.cloud.test");
  // The member was asked under the pool's name.
  const auto requests = member.Requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests.front().headers.at("host"), "web.cloud.test:" + port);
  // The dead member is named in the page.
  const json page = WaitForHook(dead, "firing");
  ASSERT_TRUE(page.is_object());

  // The dead member leaves the pool: its check retires, its alert resolves without a page.
  ASSERT_TRUE(dns.SetHosts("127.0.0.2 web.cloud.test\n")) << dns.error();
  ASSERT_TRUE(WaitUntil([&] { return !Listed(dead, "site"); }, kDeadline));
  const json retired = WaitForHook(dead, "resolved");
  ASSERT_TRUE(retired.is_object());
  EXPECT_EQ(retired["alerts"][0]["reason"], "node retired");
  EXPECT_EQ(State(good, "site"), "OK");
}

}  // namespace
}  // namespace gs::test
