#include "collector/web/dashboard_handler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/peers.h"
#include "tests/support/rrd_files.h"

namespace gs::collector::web {
namespace {

namespace fs = std::filesystem;

class DashboardHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root = dir.path() / "rrd";
    // The tree the RRD writer makes: names sanitised ("/" -> "_", "log:ssh" -> "log_ssh").
    for (const char* f :
         {"web01/http/time_total.rrd", "web01/http/size.rrd", "web02/http/time_total.rrd",
          "db01/disk/_.rrd", "db01/disk/__inodes.rrd", "db01/disk/_var.rrd",
          "mail.example/log_ssh/matches.rrd", "web01/log_oom/matches.rrd"}) {
      fs::create_directories((root / f).parent_path());
      ASSERT_TRUE(test::WriteFile(root / f, ""));
    }
  }

  // "node check metric" of each series, with its legend.
  std::vector<std::string> Found(const dashboards::DashboardGraph& g,
                                 const std::optional<std::vector<std::string>>& nodes,
                                 std::size_t* omitted = nullptr) {
    const SeriesFound found = FindSeries(g, nodes, root);
    if (omitted != nullptr) *omitted = found.omitted;
    std::vector<std::string> out;
    for (const auto& s : found.series) {
      out.push_back(fs::relative(s.file, root).string() + " = " + s.legend);
    }
    return out;
  }

  test::TempDir dir;
  fs::path root;
};

dashboards::DashboardGraph Graph(std::vector<std::string> check, std::vector<std::string> metric) {
  dashboards::DashboardGraph g;
  g.title = "t";
  g.check = std::move(check);
  g.metric = std::move(metric);
  return g;
}

TEST_F(DashboardHandlerTest, OneMetricOverSelectedNodesIsLegendedByNode) {
  EXPECT_EQ(Found(Graph({"http"}, {"time_total"}), std::vector<std::string>{"web02", "web01"}),
            (std::vector<std::string>{"web01/http/time_total.rrd = web01",
                                      "web02/http/time_total.rrd = web02"}));
  // A node without the file is simply not drawn.
  EXPECT_TRUE(Found(Graph({"http"}, {"time_total"}), std::vector<std::string>{"db01"}).empty());
  EXPECT_TRUE(Found(Graph({"http"}, {"time_total"}), std::vector<std::string>{}).empty());
}

TEST_F(DashboardHandlerTest, GlobsMatchNamesAsStoredAndExclusionsApply) {
  // "log:*" over every node directory, syslog hosts outside the inventory included.
  EXPECT_EQ(Found(Graph({"log:*"}, {"matches"}), std::nullopt),
            (std::vector<std::string>{"mail.example/log_ssh/matches.rrd = mail.example log_ssh",
                                      "web01/log_oom/matches.rrd = web01 log_oom"}));
  EXPECT_EQ(
      Found(Graph({"disk"}, {"*", "!* inodes"}), std::nullopt),
      (std::vector<std::string>{"db01/disk/_.rrd = db01 _", "db01/disk/_var.rrd = db01 _var"}));
  EXPECT_EQ(Found(Graph({"*"}, {"size"}), std::nullopt),
            (std::vector<std::string>{"web01/http/size.rrd = web01 http"}));
}

TEST_F(DashboardHandlerTest, AtMostTheLimitWithTheRestCounted) {
  dashboards::DashboardGraph g = Graph({"*"}, {"*"});
  g.limit = 3;
  std::size_t omitted = 0;
  EXPECT_EQ(Found(g, std::nullopt, &omitted).size(), 3u);
  EXPECT_EQ(omitted, 5u);
}

TEST_F(DashboardHandlerTest, NamesFromOutsideNeverLeaveTheStore) {
  EXPECT_TRUE(
      Found(Graph({"http"}, {"time_total"}), std::vector<std::string>{"../rrd/web01"}).empty());
  EXPECT_TRUE(Found(Graph({"../../*"}, {"*"}), std::nullopt).empty());
}

TEST_F(DashboardHandlerTest, LegendsNameWhatTheChecksPrinted) {
  const std::vector<probes::Perfdata> disk = {
      probes::Perfdata{"/", 1, "B", "", "", 0.0, std::nullopt},
      probes::Perfdata{"/ inodes", 1, "", "", "", 0.0, std::nullopt}};
  EXPECT_EQ(OriginalNames({"db01", "disk", "_"}, "db01", "disk", disk)->metric, "/");
  EXPECT_EQ(OriginalNames({"db01", "disk", "__inodes"}, "db01", "disk", disk)->metric, "/ inodes");
  EXPECT_FALSE(OriginalNames({"db01", "disk", "_var"}, "db01", "disk", disk));
  EXPECT_FALSE(OriginalNames({"db01", "disk", "_"}, "db01", "http", disk));
  EXPECT_EQ(OriginalNames({"mail_1", "log_ssh", "x"}, "mail 1", "log:ssh",
                          {probes::Perfdata{"x", 1, "", "", "", 0.0, std::nullopt}})
                ->check,
            "log:ssh");

  const dashboards::DashboardGraph g = Graph({"disk"}, {"*", "!* inodes"});
  SeriesFound found = FindSeries(g, std::nullopt, root);
  ASSERT_EQ(found.stored.size(), 2u);
  EXPECT_EQ(found.series[0].legend, "db01 _");
  Relabel(g, found, {SeriesNames{"db01", "disk", "/"}, std::nullopt});
  EXPECT_EQ(found.series[0].legend, "db01 /");
  EXPECT_EQ(found.series[1].legend, "db01 _var");  // unknown: the stored name
}

TEST(DashboardImageTest, DrawsEveryMatchingFileOrAnEmptyGraphThatSaysSo) {
  test::TempDir dir;
  const fs::path root = dir.path() / "rrd";
  const long now = static_cast<long>(std::time(nullptr));
  for (const char* node : {"web01", "web02"}) {
    ASSERT_TRUE(test::WriteRrd(root / node / "http/time_total.rrd", 60,
                               {{now - 120, 0.2}, {now - 60, 0.4}}));
  }
  dashboards::GraphRenderer renderer;
  const GraphApi api{root, "", &renderer};
  dashboards::DashboardGraph g = Graph({"http"}, {"time_total"});
  g.stacked = true;
  g.thresholds = {{0.5, "warning", "#E69F00"}};
  Request r;
  r.method = "GET";
  r.path = "/dashboards/web/0.png";
  r.query_params = {{"period", "hour"}};
  const Response png = DashboardImage(api, g, std::nullopt, r, "png");
  ASSERT_EQ(png.status, 200) << png.body;
  EXPECT_EQ(png.body.rfind("\x89PNG", 0), 0u);
  const Response svg = DashboardImage(api, g, std::nullopt, r, "svg");
  ASSERT_EQ(svg.status, 200) << svg.body;
  EXPECT_NE(svg.body.find("<svg"), std::string::npos);
  // Nothing matches: still an image (with a line saying so), not a broken one on the page.
  const Response empty = DashboardImage(api, Graph({"mysql"}, {"lag"}), std::nullopt, r, "svg");
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_NE(empty.body.find("<svg"), std::string::npos);
  EXPECT_EQ(DashboardImage(api, g, std::nullopt, r, "gif").status, 404);
  r.query_params = {{"period", "decade"}};
  EXPECT_EQ(DashboardImage(api, g, std::nullopt, r, "png").status, 400);
}

}  // namespace
}  // namespace gs::collector::web
