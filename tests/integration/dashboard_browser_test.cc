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

// Every href= and src= of the HTML files below `site` that is a relative link names an
// existing file (a web server, or the browser from file://, decodes the link once).
std::vector<std::string> BrokenLinks(const std::filesystem::path& site, std::size_t& checked) {
  std::vector<std::string> broken;
  for (const auto& f : std::filesystem::recursive_directory_iterator(site)) {
    if (f.path().extension() != ".html") continue;
    const std::string html = ReadFile(f.path());
    for (const std::string attribute : {"href=\"", "src=\""}) {
      for (std::size_t at = html.find(attribute); at != std::string::npos;
           at = html.find(attribute, at + 1)) {
        const std::size_t from = at + attribute.size();
        const std::string target = html.substr(from, html.find_first_of("\"?#", from) - from);
        if (target.empty() || target.find("://") != std::string::npos) continue;
        std::string decoded;
        for (std::size_t i = 0; i < target.size(); ++i) {
          if (target[i] == '%' && i + 2 < target.size()) {
            decoded += static_cast<char>(std::stoi(target.substr(i + 1, 2), nullptr, 16));
            i += 2;
          } else {
            decoded += target[i];
          }
        }
        ++checked;
        if (!std::filesystem::exists(f.path().parent_path() / decoded)) {
          broken.push_back(f.path().string() + ": " + target);
        }
      }
    }
  }
  return broken;
}

// The dashboards of dashboards/*.yaml and an operator's own, served by the daemon and drawn
// in the browser; then `groundstation render` writes the whole UI as files, every link of
// which resolves, and Chromium shows them from file://.
TEST_F(DashboardBrowserTest, DashboardsAndTheStaticSiteRender) {
  if (!std::filesystem::exists(kChromium)) {
    GTEST_SKIP() << "chromium is not installed (scripts/install-deps.sh test)";
  }
  const std::filesystem::path own = dir_.path() / "dashboards";
  std::filesystem::create_directories(own);
  ASSERT_TRUE(WriteFile(own / "team.yaml",
                        "title: Team <board>\n"
                        "graphs:\n"
                        "  - {title: Load of every web node, select: {role: web}, metric: load,\n"
                        "     stack: true, warn: 1, crit: 2}\n"
                        "  - {title: Nothing yet, check: mysql, metric: lag}\n"));
  Start(
      "nodes:\n"
      "  - {name: web01, address: 127.0.0.1, tags: {role: web}}\n"
      "  - {name: web02, address: 127.0.0.1, tags: {role: web}}\n"
      "  - {name: db01, address: 127.0.0.1, tags: {role: db}}\n"
      "checks:\n"
      "  - {name: app, kind: heartbeat, max_age: 1h}\n"
      "dashboards: {dir: " +
      own.string() + "}\n");
  for (const char* node : {"web01", "web02", "db01"}) {
    const nlohmann::json result{
        {"node", node},
        {"check", "app"},
        {"state", "OK"},
        {"output", "APP OK | load=0.5;1;2;0 time_total=0.25s;0.5;2;0 connections_pct=40%;80;95"}};
    ASSERT_EQ(HttpPost(api_.Url("/api/v1/results"), result.dump(), token_).status, 200);
  }
  ASSERT_TRUE(WaitUntil(
      [&] {
        for (const char* node : {"web01", "web02", "db01"}) {
          if (!std::filesystem::exists(dir_.path() / "var/rrd" / node / "app/load.rrd")) {
            return false;
          }
        }
        return true;
      },
      std::chrono::seconds(30)));

  // Over HTTP: the list, a page, its images.
  const HttpResponse list = HttpGet(api_.Url("/dashboards"));
  ASSERT_EQ(list.status, 200);
  for (const char* name : {"overview", "web", "database", "syslog", "capacity", "team"}) {
    EXPECT_NE(list.body.find("href=\"/dashboards/" + std::string(name) + "\""), std::string::npos)
        << name;
  }
  EXPECT_NE(list.body.find("Team &lt;board&gt;"), std::string::npos);
  const HttpResponse team = HttpGet(api_.Url("/dashboards/team?period=week"));
  ASSERT_EQ(team.status, 200);
  EXPECT_NE(team.body.find("src=\"/dashboards/team/0.png?period=week"), std::string::npos);
  const HttpResponse png = HttpGet(api_.Url("/dashboards/team/0.png?period=hour"));
  ASSERT_EQ(png.status, 200) << png.body;
  EXPECT_EQ(png.body.rfind("\x89PNG", 0), 0u);
  const HttpResponse svg = HttpGet(api_.Url("/dashboards/web/0.svg"));
  ASSERT_EQ(svg.status, 200) << svg.body;
  EXPECT_NE(svg.body.find("<svg"), std::string::npos);
  EXPECT_EQ(HttpGet(api_.Url("/dashboards/team/1.png")).status, 200);  // drawn empty
  EXPECT_EQ(HttpGet(api_.Url("/dashboards/team/2.png")).status, 404);
  EXPECT_EQ(HttpGet(api_.Url("/dashboards/nosuch")).status, 404);
  EXPECT_EQ(HttpGet(api_.Url("/dashboards/team/")).status, 404);
  EXPECT_EQ(HttpGet(api_.Url("/dashboards/team/x.png")).status, 404);
  EXPECT_EQ(HttpGet(api_.Url("/dashboards/team/0")).status, 404);
  EXPECT_EQ(HttpGet(api_.Url("/dashboards/team?period=decade")).status, 400);
  EXPECT_EQ(HttpGet(api_.Url("/dashboards/team/0.png?width=5")).status, 400);

  // In the browser: every graph of the web tier's page is fetched and drawn.
  const std::filesystem::path artifacts = ArtifactDir();
  const double errors_before = api_.Metric("groundstation_graphs_total{result=\"error\"}");
  const CommandResult web = Chromium(
      {"--screenshot=" + (artifacts / "dashboard-web.png").string(), "--window-size=1280,2000"},
      api_.Url("/dashboards/web"));
  ASSERT_EQ(web.exit_code, 0) << web.err;
  EXPECT_TRUE(IsPngFile(artifacts / "dashboard-web.png"));
  EXPECT_EQ(api_.Metric("groundstation_graphs_total{result=\"error\"}"), errors_before);

  // The recent results of a check, on its page.
  const HttpResponse check = HttpGet(api_.Url("/nodes/web01/app"));
  ASSERT_EQ(check.status, 200);
  EXPECT_NE(check.body.find("<h2>Recent results</h2>"), std::string::npos);
  EXPECT_NE(check.body.find("<td class=\"output\">APP OK</td>"), std::string::npos) << check.body;

  // The static site, written while the daemon runs.
  const std::filesystem::path site = dir_.path() / "site";
  const CommandResult render = RunCommand(
      {GS_BINARY, "render", "-c", (dir_.path() / "gs.yaml").string(), "--out", site.string()},
      std::chrono::seconds(120));
  ASSERT_EQ(render.exit_code, 0) << render.out << render.err;
  EXPECT_NE(render.out.find("wrote "), std::string::npos);
  for (const char* page :
       {"index.html", "nodes/web01/index.html", "nodes/web01/app/index.html",
        "dashboards/index.html", "dashboards/team/index.html", "dashboards/capacity/index.html"}) {
    EXPECT_TRUE(std::filesystem::exists(site / page)) << page;
  }
  EXPECT_TRUE(IsPngFile(site / "graphs/web01/app/load.week.png"));
  EXPECT_TRUE(IsPngFile(site / "dashboards/team/0.day.png"));
  EXPECT_TRUE(IsPngFile(site / "dashboards/team/1.day.png"));  // empty, saying so
  std::size_t checked = 0;
  const std::vector<std::string> broken = BrokenLinks(site, checked);
  EXPECT_GT(checked, 50u);
  EXPECT_TRUE(broken.empty()) << broken.front();
  // The check page carries the perfdata kept in state.db, with its thresholds drawn; and no
  // live parts.
  const std::string static_check = ReadFile(site / "nodes/web01/app/index.html");
  EXPECT_NE(static_check.find("<td>load</td><td>0.5 </td><td>1</td><td>2</td>"), std::string::npos)
      << static_check;
  EXPECT_EQ(static_check.find("/alerts"), std::string::npos);
  EXPECT_EQ(static_check.find("Recent results"), std::string::npos);
  const CommandResult from_file = Chromium(
      {"--screenshot=" + (artifacts / "static-overview.png").string(), "--window-size=1280,800"},
      "file://" + (site / "index.html").string());
  ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
  EXPECT_TRUE(IsPngFile(artifacts / "static-overview.png"));
  const CommandResult static_dom =
      Chromium({"--dump-dom"}, "file://" + (site / "dashboards/team/index.html").string());
  ASSERT_EQ(static_dom.exit_code, 0) << static_dom.err;
  EXPECT_NE(static_dom.out.find("src=\"../../dashboards/team/0.day.png\""), std::string::npos);

  // Bad options and a data directory the collector never used.
  EXPECT_EQ(RunCommand({GS_BINARY, "render"}).exit_code, 2);
  EXPECT_EQ(RunCommand({GS_BINARY, "render", "--out", site.string(), "--periods", "day,decade"})
                .exit_code,
            2);
  ASSERT_TRUE(
      WriteFile(dir_.path() / "empty.yaml", "data_dir: " + (dir_.path() / "none").string() + "\n"));
  const CommandResult none = RunCommand(
      {GS_BINARY, "render", "-c", (dir_.path() / "empty.yaml").string(), "--out", site.string()});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("has the collector run"), std::string::npos) << none.err;
}

}  // namespace
}  // namespace gs::test
