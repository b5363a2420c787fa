#include "collector/web/graph_handler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "tests/support/peers.h"
#include "tests/support/rrd_files.h"

namespace gs::collector::web {
namespace {

using Clock = std::chrono::system_clock;

class GraphHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root = dir.path() / "rrd";
    file = root / "web01/http/time_total.rrd";
    const long now = static_cast<long>(Clock::to_time_t(Clock::now()));
    ASSERT_TRUE(test::WriteRrd(file, 60, {{now - 120, 0.25}, {now - 60, 0.5}}));
    api = GraphApi{root, "", &renderer};
  }

  Request Get(const std::string& path, std::map<std::string, std::string> params = {}) {
    Request r;
    r.method = "GET";
    r.path = path;
    r.query_params = std::move(params);
    return r;
  }

  test::TempDir dir;
  std::filesystem::path root;
  std::filesystem::path file;
  dashboards::GraphRenderer renderer;
  GraphApi api;
};

const auto kNow = Clock::from_time_t(1'800'000'123);

TEST_F(GraphHandlerTest, ADayEndsAtTheLastWholePixelOfTime) {
  const GraphRequest g = ParseGraphRequest(api, Get("/graph/web01/http/time_total.png"), kNow);
  ASSERT_TRUE(g.spec) << g.error.body;
  const long end = 1'800'000'123L / 120 * 120;  // 86400 s over 720 px: 120 s a pixel
  EXPECT_EQ(Clock::to_time_t(g.spec->end), end);
  EXPECT_EQ(Clock::to_time_t(g.spec->start), end - 86400);
  EXPECT_EQ(g.max_age, 120);
  ASSERT_EQ(g.spec->series.size(), 1u);
  EXPECT_EQ(g.spec->series[0].file, file.string());
  EXPECT_EQ(g.spec->format, dashboards::ImageFormat::kPng);
  EXPECT_FALSE(g.spec->trend);
  EXPECT_TRUE(g.spec->thresholds.empty());
}

TEST_F(GraphHandlerTest, PeriodTrendThresholdsSizeAndFormatAreTakenFromTheQuery) {
  const GraphRequest g =
      ParseGraphRequest(api,
                        Get("/graph/web01/http/time_total.svg", {{"period", "week"},
                                                                 {"trend", "1"},
                                                                 {"warn", "0.5"},
                                                                 {"crit", "2"},
                                                                 {"width", "1000"},
                                                                 {"height", "300"},
                                                                 {"cf", "MAX"}}),
                        kNow);
  ASSERT_TRUE(g.spec) << g.error.body;
  EXPECT_EQ(g.spec->format, dashboards::ImageFormat::kSvg);
  EXPECT_TRUE(g.spec->trend);
  EXPECT_EQ(g.spec->width, 1000);
  EXPECT_EQ(g.spec->height, 300);
  EXPECT_EQ(g.spec->cf, "MAX");
  const long resolution = 7 * 86400 / 1000;
  const long end = 1'800'000'123L / resolution * resolution;
  EXPECT_EQ(Clock::to_time_t(g.spec->start), end - 7 * 86400);
  EXPECT_EQ(Clock::to_time_t(g.spec->end), end + 7 * 86400 / 4);  // the projection
  ASSERT_EQ(g.spec->thresholds.size(), 2u);
  EXPECT_EQ(g.spec->thresholds[0].value, 0.5);
  EXPECT_EQ(g.spec->thresholds[1].label, "critical");
}

TEST_F(GraphHandlerTest, AnExplicitRangeIsDrawnAsAsked) {
  const GraphRequest g = ParseGraphRequest(
      api, Get("/graph/web01/http/time_total.png", {{"start", "1000"}, {"end", "5000"}}), kNow);
  ASSERT_TRUE(g.spec) << g.error.body;
  EXPECT_EQ(Clock::to_time_t(g.spec->start), 1000);
  EXPECT_EQ(Clock::to_time_t(g.spec->end), 5000);
}

TEST_F(GraphHandlerTest, BadRequestsAreRefusedWithAReason) {
  struct Case {
    std::string path;
    std::map<std::string, std::string> params;
    int status;
  };
  const std::vector<Case> cases = {
      {"/graph/web01/http.png", {}, 404},
      {"/graph/web01/http/time_total/x.png", {}, 404},
      {"/graph/web01//time_total.png", {}, 404},
      {"/graph/web01/http/time_total", {}, 404},
      {"/graph/web01/http/time_total.gif", {}, 404},
      {"/graph/web01/http/nosuch.png", {}, 404},
      {"/graph/nosuch/http/time_total.png", {}, 404},
      {"/graph/web01/http/time_total.png", {{"period", "decade"}}, 400},
      {"/graph/web01/http/time_total.png", {{"width", "5"}}, 400},
      {"/graph/web01/http/time_total.png", {{"height", "1e9"}}, 400},
      {"/graph/web01/http/time_total.png", {{"start", "5000"}, {"end", "1000"}}, 400},
      {"/graph/web01/http/time_total.png", {{"start", "-5"}}, 400},
      {"/graph/web01/http/time_total.png", {{"start", "0"}, {"end", "999999999999"}}, 400},
      {"/graph/web01/http/time_total.png",
       {{"start", "9223372036854775000"}, {"end", "9223372036854775807"}},
       400},
      {"/graph/web01/http/time_total.png", {{"warn", "abc"}}, 400},
      {"/graph/web01/http/time_total.png", {{"crit", "inf"}}, 400},
      {"/graph/web01/http/time_total.png", {{"cf", "LAST"}}, 400},
  };
  for (const Case& c : cases) {
    const GraphRequest g = ParseGraphRequest(api, Get(c.path, c.params), kNow);
    EXPECT_FALSE(g.spec) << c.path;
    EXPECT_EQ(g.error.status, c.status) << c.path;
    EXPECT_NE(g.error.body.find("\"error\""), std::string::npos) << c.path;
  }
}

TEST_F(GraphHandlerTest, NamesAreSanitisedSoNothingOutsideTheStoreIsRead) {
  // ".." as a name is "_" on disk: root/web01/_/time_total.rrd, which does not exist.
  const GraphRequest g = ParseGraphRequest(api, Get("/graph/web01/../time_total.png"), kNow);
  EXPECT_FALSE(g.spec);
  EXPECT_EQ(g.error.status, 404);
}

TEST_F(GraphHandlerTest, AnswersAPngAndAnSvgThatBrowsersMayCacheForOnePixelOfTime) {
  const Response png = GraphImage(api, Get("/graph/web01/http/time_total.png"));
  ASSERT_EQ(png.status, 200) << png.body;
  EXPECT_EQ(png.content_type, "image/png");
  EXPECT_EQ(png.body.rfind("\x89PNG", 0), 0u);
  ASSERT_EQ(png.headers.size(), 1u);
  EXPECT_EQ(png.headers[0].first, "Cache-Control");
  EXPECT_EQ(png.headers[0].second, "max-age=120");
  const Response svg =
      GraphImage(api, Get("/graph/web01/http/time_total.svg", {{"trend", "1"}, {"warn", "1"}}));
  ASSERT_EQ(svg.status, 200) << svg.body;
  EXPECT_EQ(svg.content_type, "image/svg+xml");
  EXPECT_NE(svg.body.find("<svg"), std::string::npos);
  EXPECT_EQ(GraphImage(api, Get("/graph/web01/http/nope.png")).status, 404);
}

TEST_F(GraphHandlerTest, AFileLibrrdCannotReadIsA500) {
  std::filesystem::create_directories(root / "web01/disk");
  std::ofstream(root / "web01/disk/used.rrd") << "garbage\n";
  const Response r = GraphImage(api, Get("/graph/web01/disk/used.png"));
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("error"), std::string::npos);
}

TEST_F(GraphHandlerTest, TheForecastApiRefusesWhatItCannotAnswer) {
  EXPECT_EQ(ForecastJson(api, Get("/api/v1/forecast/web01/http")).status, 404);
  EXPECT_EQ(ForecastJson(api, Get("/api/v1/forecast/web01/http/nosuch")).status, 404);
  EXPECT_EQ(ForecastJson(api, Get("/api/v1/forecast/web01/http/time_total",
                                  {{"above", "1"}, {"below", "0"}}))
                .status,
            400);
  EXPECT_EQ(
      ForecastJson(api, Get("/api/v1/forecast/web01/http/time_total", {{"period", "x"}})).status,
      400);
  // Two values only: no trend yet.
  const Response few = ForecastJson(api, Get("/api/v1/forecast/web01/http/time_total"));
  EXPECT_EQ(few.status, 422) << few.body;
}

}  // namespace
}  // namespace gs::collector::web
