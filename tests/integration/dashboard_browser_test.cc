// The dashboards in a real browser: headless Chromium (Debian's chromium package, PEERS.md
// section 11) loads the overview and a node page from a running groundstation. The pages must
// render with every graph image fetched from the daemon, and screenshots are kept as test
// artefacts in <build>/test-artifacts/.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/daemon_test.h"
#include "tests/support/peers.h"

namespace gs::test {
namespace {

constexpr char kChromium[] = "/usr/bin/chromium";

std::filesystem::path ArtifactDir() {
  // GS_BINARY is <build>/collector/groundstation.
  const std::filesystem::path dir =
      std::filesystem::path(GS_BINARY).parent_path().parent_path() / "test-artifacts";
  std::filesystem::create_directories(dir);
  return dir;
}

class DashboardBrowserTest : public DaemonTest {
 protected:
  // chromium ARGS... URL with the flags of PEERS.md (root needs --no-sandbox) and a private
  // profile; its output.
  CommandResult Chromium(const std::vector<std::string>& args, const std::string& url) {
    std::vector<std::string> argv = {kChromium,
                                     "--headless",
                                     "--no-sandbox",
                                     "--disable-gpu",
                                     "--disable-dev-shm-usage",
                                     "--disable-quic",
                                     "--no-first-run",
                                     "--no-default-browser-check",
                                     "--disable-background-networking",
                                     "--disable-component-update",
                                     "--disable-sync",
                                     "--disable-extensions",
                                     "--disable-features=Translate,MediaRouter,OptimizationHints",
                                     "--metrics-recording-only",
                                     "--user-data-dir=" + (dir_.path() / "profile").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back(url);
    return RunCommand(argv, std::chrono::seconds(90));
  }
};

bool IsPngFile(const std::filesystem::path& path) {
  const std::string bytes = ReadFile(path);
  return bytes.size() > 1000 && bytes.rfind("\x89PNG\r\n\x1a\n", 0) == 0;
}

TEST_F(DashboardBrowserTest, OverviewAndNodePageRenderWithTheirGraphs) {
  if (!std::filesystem::exists(kChromium)) {
    GTEST_SKIP() << "chromium is not installed (scripts/install-deps.sh test)";
  }
  Start(
      "nodes:\n"
      "  - {name: web01, address: 127.0.0.1, tags: {role: web}}\n"
      "  - {name: web02, address: 127.0.0.1, tags: {role: web}}\n"
      "checks:\n"
      "  - {name: app, kind: heartbeat, max_age: 1h}\n");
  // Passive results with perfdata: two metrics, so two graphs on web01's page.
  const nlohmann::json result{{"node", "web01"},
                              {"check", "app"},
                              {"state", "WARNING"},
                              {"output", "APP WARNING - slow | load=1.5;1;2;0 users=3;;;0"}};
  ASSERT_EQ(HttpPost(api_.Url("/api/v1/results"), result.dump(), token_).status, 200);
  Submit("web02", "app", "OK");
  const std::filesystem::path rrd = dir_.path() / "var/rrd/web01/app";
  ASSERT_TRUE(WaitUntil(
      [&] {
        return std::filesystem::exists(rrd / "load.rrd") &&
               std::filesystem::exists(rrd / "users.rrd");
      },
      std::chrono::seconds(30)));

  const std::filesystem::path artifacts = ArtifactDir();
  const CommandResult overview =
      Chromium({"--screenshot=" + (artifacts / "overview.png").string(), "--window-size=1280,800"},
               api_.Url("/"));
  ASSERT_EQ(overview.exit_code, 0) << overview.err;
  EXPECT_TRUE(IsPngFile(artifacts / "overview.png"));
  const CommandResult overview_dom = Chromium({"--dump-dom"}, api_.Url("/"));
  ASSERT_EQ(overview_dom.exit_code, 0) << overview_dom.err;
  EXPECT_NE(overview_dom.out.find("href=\"/nodes/web01\""), std::string::npos) << overview_dom.out;
  EXPECT_NE(overview_dom.out.find("WARNING"), std::string::npos);

  const auto graphs_served = [&] {
    return api_.Metric("groundstation_graphs_total{result=\"rendered\"}") +
           api_.Metric("groundstation_graphs_total{result=\"cached\"}");
  };
  const double served_before = graphs_served();
  const CommandResult node = Chromium(
      {"--screenshot=" + (artifacts / "node-web01.png").string(), "--window-size=1280,1400"},
      api_.Url("/nodes/web01"));
  ASSERT_EQ(node.exit_code, 0) << node.err;
  EXPECT_TRUE(IsPngFile(artifacts / "node-web01.png"));
  // The browser fetched both graphs and the daemon drew them (the screenshot waits for the
  // page's load event, which waits for its images).
  EXPECT_GE(graphs_served() - served_before, 2);
  EXPECT_EQ(api_.Metric("groundstation_graphs_total{result=\"error\"}"), 0);
  const CommandResult node_dom = Chromium({"--dump-dom"}, api_.Url("/nodes/web01"));
  ASSERT_EQ(node_dom.exit_code, 0) << node_dom.err;
  EXPECT_NE(node_dom.out.find("/graph/web01/app/load.png?period=day"), std::string::npos);
  EXPECT_NE(node_dom.out.find("/graph/web01/app/users.png?period=day"), std::string::npos);
  EXPECT_NE(node_dom.out.find("role=web"), std::string::npos);

  // The alerts page: web01's WARNING is an open problem with its action buttons (the page's
  // script ran: it filled the token field from localStorage, empty here, without failing).
  const CommandResult alerts =
      Chromium({"--screenshot=" + (artifacts / "alerts.png").string(), "--window-size=1280,800"},
               api_.Url("/alerts"));
  ASSERT_EQ(alerts.exit_code, 0) << alerts.err;
  const CommandResult alerts_dom = Chromium({"--dump-dom"}, api_.Url("/alerts"));
  EXPECT_NE(alerts_dom.out.find("data-action=\"ack\" data-node=\"web01\" data-check=\"app\""),
            std::string::npos)
      << alerts_dom.out;
  const HttpResponse logs = HttpGet(api_.Url("/logs?q=&severity="));
  EXPECT_EQ(logs.status, 200);
  EXPECT_NE(logs.body.find("No records."), std::string::npos);
  EXPECT_EQ(HttpGet(api_.Url("/logs?q=(")).status, 400);
}

}  // namespace
}  // namespace gs::test
