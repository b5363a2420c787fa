// End to end: a real nginx, the real `groundstation run`, a real webhook receiver and the
// rrdtool CLI, all on 127.0.0.1, started and stopped by PID.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/support/peers.h"

namespace gs::test {
namespace {

using nlohmann::json;

constexpr auto kDeadline = std::chrono::seconds(60);

// The python webhook receiver of PEERS.md: saves each POST as OUTDIR/hook-N.json. Each start
// gets its own OUTDIR (the script counts from 1 again); Hooks() lists them all in order.
class WebhookReceiver {
 public:
  WebhookReceiver(int port, std::filesystem::path out) : port_(port), out_(std::move(out)) {}
  bool Start() {
    ++starts_;
    process_ = std::make_unique<Process>(std::vector<std::string>{
        "/usr/bin/python3", std::string(GS_SOURCE_DIR) + "/tests/support/webhook_rx.py",
        std::to_string(port_), (out_ / std::to_string(starts_)).string()});
    return process_->started();
  }
  void Stop() { process_.reset(); }
  [[nodiscard]] std::vector<json> Hooks() const {
    std::vector<json> hooks;
    for (int run = 1; run <= starts_; ++run) {
      for (int i = 1;; ++i) {
        const auto path = out_ / std::to_string(run) / ("hook-" + std::to_string(i) + ".json");
        if (!std::filesystem::exists(path)) break;
        hooks.push_back(json::parse(ReadFile(path), nullptr, false));
      }
    }
    return hooks;
  }

 private:
  int port_;
  std::filesystem::path out_;
  int starts_ = 0;
  std::unique_ptr<Process> process_;
};

class Collector {
 public:
  Collector(const TempDir& dir, std::filesystem::path config)
      : dir_(dir), config_(std::move(config)) {}
  bool Start() {
    ++starts_;
    process_ = std::make_unique<Process>(
        std::vector<std::string>{GS_BINARY, "run", "-c", config_.string()},
        Process::Options{{},
                         (dir_ / ("gs-" + std::to_string(starts_) + ".out")).string(),
                         (dir_ / ("gs-" + std::to_string(starts_) + ".err")).string()});
    return process_->started();
  }
  std::optional<int> Stop() {
    process_->Kill(SIGTERM);
    auto code = process_->WaitExit(std::chrono::seconds(30));
    process_.reset();
    return code;
  }
  void Signal(int s) { process_->Signal(s); }
  bool Running() { return process_ && process_->Running(); }
  [[nodiscard]] std::string Stderr() const {
    return ReadFile(dir_ / ("gs-" + std::to_string(starts_) + ".err"));
  }

 private:
  const TempDir& dir_;
  std::filesystem::path config_;
  std::unique_ptr<Process> process_;
  int starts_ = 0;
};

std::string Config(const TempDir& dir, int api_port, int nginx_port, int hook_port,
                   const std::string& extra_nodes = "") {
  return "data_dir: " + (dir / "var").string() + "\n" +
         "http: {listen: \"127.0.0.1:" + std::to_string(api_port) + "\"}\n" +
         "nodes:\n"
         "  - {name: web01, address: 127.0.0.1, tags: {role: web, port: \"" +
         std::to_string(nginx_port) + "\"}}\n" + extra_nodes +
         "checks:\n"
         "  - name: http\n"
         "    kind: http\n"
         "    select: {role: web}\n"
         "    interval: 1s\n"
         "    timeout: 2s\n"
         "    max_attempts: 2\n"
         "    retry_interval: 1s\n"
         "    url: \"http://{address}:{tag:port}/health\"\n"
         "    expect_status: [200]\n"
         "notifiers:\n"
         "  - {name: ops, kind: webhook, url: \"http://127.0.0.1:" +
         std::to_string(hook_port) +
         "/hook\", timeout: 2s}\n"
         "routes:\n"
         "  - {match: {}, notify: [ops]}\n";
}

json Status(int api_port) {
  auto r = HttpGet("http://127.0.0.1:" + std::to_string(api_port) + "/api/v1/status");
  if (r.status != 200) return json();
  return json::parse(r.body, nullptr, false);
}

// The status entry of (node, check), or null.
json Entry(int api_port, const std::string& node, const std::string& check) {
  json s = Status(api_port);
  if (!s.is_object() || !s.contains("checks")) return json();
  for (const auto& c : s["checks"]) {
    if (c.value("node", "") == node && c.value("check", "") == check) return c;
  }
  return json();
}

bool EntryIs(int api_port, const std::string& node, const std::string& state,
             const std::string& type) {
  json e = Entry(api_port, node, "http");
  return e.is_object() && e["state"] == state && e["state_type"] == type;
}

class DaemonE2ETest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Nginx::Available()) GTEST_SKIP() << "nginx is not installed (scripts/install-deps.sh)";
    ASSERT_TRUE(nginx.Start()) << nginx.error();
    api_port = FreePort();
    hook_port = FreePort();
    config_path = dir / "groundstation.yaml";
    ASSERT_TRUE(WriteFile(config_path, Config(dir, api_port, nginx.port(), hook_port)));
  }

  TempDir dir;
  Nginx nginx;
  int api_port = 0;
  int hook_port = 0;
  std::filesystem::path config_path;
};

TEST_F(DaemonE2ETest, ChecksAlertsRecoversAndResumesTheOutboxAcrossARestart) {
  WebhookReceiver receiver(hook_port, dir / "hooks");
  ASSERT_TRUE(receiver.Start());
  Collector gs(dir, config_path);
  ASSERT_TRUE(gs.Start());

  // 1. OK in the API, numbers in the RRD file (read back with the real rrdtool).
  ASSERT_TRUE(WaitUntil([&] { return EntryIs(api_port, "web01", "OK", "HARD"); }, kDeadline))
      << gs.Stderr();
  const auto rrd = dir / "var/rrd/web01/http/time_total.rrd";
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto fetch = RunCommand({"rrdtool", "fetch", rrd.string(), "AVERAGE", "-s", "-120"});
        return fetch.exit_code == 0 && fetch.out.find("e-0") != std::string::npos;
      },
      kDeadline))
      << "no value in " << rrd;
  // The daemon draws that file, and /metrics carries the latest values for federation.
  const std::string base = "http://127.0.0.1:" + std::to_string(api_port);
  const auto graph = HttpGet(base + "/graph/web01/http/time_total.png?period=hour&trend=1");
  EXPECT_EQ(graph.status, 200) << graph.body;
  EXPECT_EQ(graph.body.rfind("\x89PNG", 0), 0u);
  EXPECT_EQ(HttpGet(base + "/graph/web01/http/nosuch.svg").status, 404);
  // The node page lists the check with a day graph per metric; the check page has all four
  // periods; both link where the status page does.
  const auto node_page = HttpGet(base + "/nodes/web01");
  EXPECT_EQ(node_page.status, 200);
  EXPECT_NE(node_page.body.find("/graph/web01/http/time_total.png?period=day"), std::string::npos)
      << node_page.body;
  EXPECT_NE(node_page.body.find("role=web"), std::string::npos);
  const auto check_page = HttpGet(base + "/nodes/web01/http");
  EXPECT_EQ(check_page.status, 200);
  EXPECT_NE(check_page.body.find("/graph/web01/http/time_total.png?period=year"),
            std::string::npos);
  EXPECT_EQ(HttpGet(base + "/nodes/nosuch").status, 404);
  EXPECT_EQ(HttpGet(base + "/nodes/web01/nosuch").status, 404);
  const auto metrics = HttpGet(base + "/metrics");
  EXPECT_NE(metrics.body.find("groundstation_check_value{node=\"web01\",check=\"http\","
                              "metric=\"time_total\",uom=\"s\"}"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("groundstation_check_state{node=\"web01\",check=\"http\""),
            std::string::npos);
  EXPECT_NE(metrics.body.find("groundstation_graphs_total{result=\"rendered\"} 1"),
            std::string::npos);

  // 2. nginx down: after max_attempts (2) exactly one CRITICAL webhook.
  nginx.Stop();
  ASSERT_TRUE(WaitUntil([&] { return receiver.Hooks().size() == 1; }, kDeadline));
  const json firing = receiver.Hooks()[0];
  EXPECT_EQ(firing["status"], "firing");
  EXPECT_EQ(firing["node"], "web01");
  EXPECT_EQ(firing["check"], "http");
  EXPECT_EQ(firing["state"], "CRITICAL");
  EXPECT_EQ(firing["previous_state"], "OK");
  EXPECT_EQ(firing["tags"]["role"], "web");
  EXPECT_FALSE(firing["id"].get<std::string>().empty());
  EXPECT_FALSE(firing["since"].get<std::string>().empty());
  // Let three more failing checks run: still exactly one webhook.
  std::set<std::string> seen;
  ASSERT_TRUE(WaitUntil(
      [&] {
        json e = Entry(api_port, "web01", "http");
        if (e.is_object() && e["last_check"].is_string()) seen.insert(e["last_check"]);
        return seen.size() >= 4;
      },
      kDeadline));
  EXPECT_EQ(receiver.Hooks().size(), 1u);

  // 3. A restart while the problem persists remembers it: no second CRITICAL webhook.
  ASSERT_EQ(gs.Stop(), 0);
  ASSERT_TRUE(gs.Start());
  seen.clear();
  ASSERT_TRUE(WaitUntil(
      [&] {
        json e = Entry(api_port, "web01", "http");
        if (e.is_object() && e["last_check"].is_string()) seen.insert(e["last_check"]);
        return seen.size() >= 3;
      },
      kDeadline))
      << gs.Stderr();
  EXPECT_TRUE(EntryIs(api_port, "web01", "CRITICAL", "HARD"));
  EXPECT_EQ(receiver.Hooks().size(), 1u);

  // 4. Receiver down, nginx back, collector restarted: the restart does not re-alert, the
  //    recovery is detected and waits in the outbox until the receiver is back.
  receiver.Stop();
  ASSERT_EQ(gs.Stop(), 0);
  ASSERT_TRUE(nginx.Start()) << nginx.error();
  ASSERT_TRUE(gs.Start());
  ASSERT_TRUE(WaitUntil([&] { return EntryIs(api_port, "web01", "OK", "HARD"); }, kDeadline))
      << gs.Stderr();
  EXPECT_EQ(receiver.Hooks().size(), 1u);
  ASSERT_TRUE(receiver.Start());
  ASSERT_TRUE(WaitUntil([&] { return receiver.Hooks().size() >= 2; }, kDeadline)) << gs.Stderr();
  const auto hooks = receiver.Hooks();
  ASSERT_EQ(hooks.size(), 2u);
  EXPECT_EQ(hooks[1]["status"], "resolved");
  EXPECT_EQ(hooks[1]["state"], "OK");
  EXPECT_EQ(hooks[1]["previous_state"], "CRITICAL");
  EXPECT_EQ(gs.Stop(), 0);
}

TEST_F(DaemonE2ETest, SighupAddsNodesAndRefusesABrokenConfig) {
  Collector gs(dir, config_path);
  ASSERT_TRUE(gs.Start());
  ASSERT_TRUE(WaitUntil([&] { return EntryIs(api_port, "web01", "OK", "HARD"); }, kDeadline))
      << gs.Stderr();

  const std::string web02 = "  - {name: web02, address: 127.0.0.1, tags: {role: web, port: \"" +
                            std::to_string(nginx.port()) + "\"}}\n";
  ASSERT_TRUE(WriteFile(config_path, Config(dir, api_port, nginx.port(), hook_port, web02)));
  gs.Signal(SIGHUP);
  ASSERT_TRUE(WaitUntil([&] { return EntryIs(api_port, "web02", "OK", "HARD"); }, kDeadline))
      << gs.Stderr() << Status(api_port).dump();

  ASSERT_TRUE(WriteFile(config_path, "checks: [{name: x, kind: nope}]\n"));
  gs.Signal(SIGHUP);
  ASSERT_TRUE(WaitUntil([&] { return gs.Stderr().find("reload refused") != std::string::npos; },
                        kDeadline));
  EXPECT_TRUE(gs.Running());
  EXPECT_TRUE(Entry(api_port, "web02", "http").is_object());

  // Dropping web02 stops its job and removes it from the status.
  ASSERT_TRUE(WriteFile(config_path, Config(dir, api_port, nginx.port(), hook_port)));
  gs.Signal(SIGHUP);
  ASSERT_TRUE(WaitUntil([&] { return Entry(api_port, "web02", "http").is_null(); }, kDeadline));

  auto metrics = HttpGet("http://127.0.0.1:" + std::to_string(api_port) + "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("groundstation_check_runs_total{kind=\"http\"}"), std::string::npos);
  // http://127.0.0.1:... checks run on the minimal client, none of them on libcurl.
  const std::string minimal = "groundstation_http_probe_checks_total{client=\"minimal\"} ";
  const std::size_t at = metrics.body.find(minimal);
  ASSERT_NE(at, std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body[at + minimal.size()], '0') << metrics.body.substr(at, 80);
  EXPECT_NE(metrics.body.find("groundstation_http_probe_checks_total{client=\"libcurl\"} 0"),
            std::string::npos);
  EXPECT_NE(metrics.body.find("groundstation_config_reloads_total{result=\"refused\"} 1"),
            std::string::npos);
  EXPECT_EQ(HttpGet("http://127.0.0.1:" + std::to_string(api_port) + "/healthz").status, 200);
  EXPECT_EQ(gs.Stop(), 0);
}

TEST(ConfigCheckCliTest, PrintsEveryProblemAndExits2) {
  TempDir dir;
  ASSERT_TRUE(WriteFile(dir / "bad.yaml",
                        "bogus: 1\nchecks:\n  - {name: a, kind: http, url: 'http://x/', "
                        "interval: 30x}\n"));
  auto r = RunCommand({GS_BINARY, "config", "check", "-c", (dir / "bad.yaml").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.yaml:1:1: bogus: unknown key"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bad.yaml:3:55: checks[0].interval: bad duration"), std::string::npos)
      << r.err;
  auto missing = RunCommand({GS_BINARY, "config", "check", "-c", (dir / "none.yaml").string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("cannot read"), std::string::npos);
  ASSERT_TRUE(WriteFile(dir / "good.yaml", "nodes: [{name: a}]\n"));
  auto good = RunCommand({GS_BINARY, "config", "check", "-c", (dir / "good.yaml").string()});
  EXPECT_EQ(good.exit_code, 0) << good.err;
}

TEST(ConfigCheckCliTest, ABrokenConfigStartsNothing) {
  TempDir dir;
  const int port = FreePort();
  ASSERT_TRUE(WriteFile(dir / "bad.yaml", "data_dir: " + (dir / "var").string() +
                                              "\nhttp: {listen: \"127.0.0.1:" +
                                              std::to_string(port) + "\"}\nbogus: 1\n"));
  auto r = RunCommand({GS_BINARY, "run", "-c", (dir / "bad.yaml").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir / "var"));
}

}  // namespace
}  // namespace gs::test
