#include "dashboards/graph.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "dashboards/graph_renderer.h"
#include "tests/support/peers.h"
#include "tests/support/rrdcached_peer.h"

namespace gs::dashboards {
namespace {

using std::chrono::seconds;
using Clock = std::chrono::system_clock;

// `rrdtool ARGS...` run to its end: its exit code and output.
test::CommandResult Rrdtool(std::vector<std::string> args) {
  args.insert(args.begin(), "/usr/bin/rrdtool");
  return test::RunCommand(args);
}

// A file like the collector's: one GAUGE "value", step 60, an hour of a rising line.
std::filesystem::path MakeRrd(const std::filesystem::path& dir, long now, const std::string& name) {
  const std::filesystem::path file = dir / name;
  EXPECT_EQ(Rrdtool({"create", file.string(), "--start", std::to_string(now - 3600), "--step", "60",
                     "DS:value:GAUGE:120:U:U", "RRA:AVERAGE:0.5:1:1440", "RRA:MAX:0.5:1:1440"})
                .exit_code,
            0);
  std::vector<std::string> update = {"update", file.string()};
  for (long t = now - 3540; t <= now; t += 60) {
    update.push_back(std::to_string(t) + ":" + std::to_string((t - now + 3600) / 60));
  }
  EXPECT_EQ(Rrdtool(update).exit_code, 0);
  return file;
}

long Now() { return static_cast<long>(Clock::to_time_t(Clock::now())); }

GraphSpec Spec(const std::filesystem::path& file, long now) {
  GraphSpec spec;
  spec.title = "web01 http time";
  spec.vertical_label = "s";
  spec.series = {{file.string(), "time", ""}};
  spec.start = Clock::from_time_t(now - 3600);
  spec.end = Clock::from_time_t(now);
  spec.width = 400;
  spec.height = 100;
  return spec;
}

bool IsPng(const std::string& image) {
  return image.size() > 24 && image.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0 &&
         image.compare(12, 4, "IHDR") == 0;
}

// The PNG's width from its IHDR chunk.
unsigned PngWidth(const std::string& image) {
  unsigned w = 0;
  for (int i = 16; i < 20; ++i)
    w = w << 8 | static_cast<unsigned char>(image[static_cast<std::size_t>(i)]);
  return w;
}

bool Contains(const std::vector<std::string>& args, const std::string& a) {
  return std::find(args.begin(), args.end(), a) != args.end();
}

TEST(GraphArgsTest, OneDefAndLegendPerSeriesWithEscapedColons) {
  GraphSpec spec;
  spec.series = {{"/d/a:b.rrd", "x:y", ""}, {"/d/c.rrd", "c", "#123456"}};
  spec.start = Clock::from_time_t(1000);
  spec.end = Clock::from_time_t(2000);
  const std::vector<std::string> args = GraphArgs(spec);
  auto has = [&](const std::string& a) { return Contains(args, a); };
  EXPECT_TRUE(has("DEF:v0=/d/a\\:b.rrd:value:AVERAGE"));
  EXPECT_TRUE(has("LINE1:v0#0072B2:x\\:y"));
  EXPECT_TRUE(has("LINE1:v1#123456:c"));
  EXPECT_TRUE(has("--start") && has("1000") && has("2000"));
  EXPECT_FALSE(has("--daemon"));
  EXPECT_FALSE(has("--rigid"));
}

TEST(GraphArgsTest, StackedAreasThresholdsTrendLimitsAndDaemon) {
  GraphSpec spec;
  spec.series = {{"/a.rrd", "a", ""}, {"/b.rrd", "b", ""}};
  spec.stacked = true;
  spec.trend = true;
  spec.thresholds = {{0.5, "warning", "#E69F00"}};
  spec.lower_limit = 0;
  spec.daemon = "unix:/run/rrdcached.sock";
  spec.format = ImageFormat::kSvg;
  const std::vector<std::string> args = GraphArgs(spec);
  auto has = [&](const std::string& a) { return Contains(args, a); };
  EXPECT_TRUE(has("AREA:v0#0072B2CC:a"));
  EXPECT_TRUE(has("AREA:v1#E69F00CC:b:STACK"));
  EXPECT_TRUE(has("HRULE:0.5#E69F00:warning:dashes"));
  EXPECT_TRUE(has("VDEF:v1slope=v1,LSLSLOPE"));
  EXPECT_TRUE(has("CDEF:v1trend=v1,POP,v1slope,COUNT,*,v1int,+"));
  EXPECT_TRUE(has("--rigid") && has("--lower-limit") && has("SVG"));
  EXPECT_TRUE(has("unix:/run/rrdcached.sock"));
  EXPECT_EQ(ContentType(ImageFormat::kSvg), "image/svg+xml");
  EXPECT_EQ(ContentType(ImageFormat::kPng), "image/png");
}

TEST(RenderGraphTest, DrawsAValidPngAndSvgOfARealFile) {
  test::TempDir dir;
  const long now = Now();
  GraphSpec spec = Spec(MakeRrd(dir.path(), now, "time.rrd"), now);
  spec.thresholds = {{50, "critical", "#D55E00"}};
  auto png = RenderGraph(spec);
  ASSERT_TRUE(png) << png.error().message;
  EXPECT_TRUE(IsPng(*png));
  EXPECT_GT(PngWidth(*png), 400u);  // the canvas plus axes and legend
  spec.format = ImageFormat::kSvg;
  auto svg = RenderGraph(spec);
  ASSERT_TRUE(svg) << svg.error().message;
  EXPECT_EQ(svg->rfind("<?xml", 0), 0u);
  EXPECT_NE(svg->find("<svg"), std::string::npos);
  EXPECT_NE(svg->find("</svg>"), std::string::npos);
}

TEST(RenderGraphTest, ATrendProjectsIntoTheFuture) {
  test::TempDir dir;
  const long now = Now();
  GraphSpec spec = Spec(MakeRrd(dir.path(), now, "disk.rrd"), now);
  spec.trend = true;
  spec.end = Clock::from_time_t(now + 1800);
  auto png = RenderGraph(spec);
  ASSERT_TRUE(png) << png.error().message;
  EXPECT_TRUE(IsPng(*png));
}

TEST(RenderGraphTest, AMissingFileOrNoSeriesIsAnError) {
  test::TempDir dir;
  const long now = Now();
  auto missing = RenderGraph(Spec(dir.path() / "nope.rrd", now));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("nope.rrd"), std::string::npos) << missing.error().message;
  GraphSpec empty = Spec(dir.path() / "nope.rrd", now);
  empty.series.clear();
  EXPECT_FALSE(RenderGraph(empty));
  // librrd's error state does not leak into the next render.
  auto good = RenderGraph(Spec(MakeRrd(dir.path(), now, "ok.rrd"), now));
  EXPECT_TRUE(good) << good.error().message;
}

TEST(GraphRendererTest, TheSameGraphComesFromTheCacheAndManyThreadsShareOneRenderer) {
  test::TempDir dir;
  const long now = Now();
  GraphRenderer renderer;
  const GraphSpec spec = Spec(MakeRrd(dir.path(), now, "time.rrd"), now);
  auto first = renderer.Render(spec);
  ASSERT_TRUE(first) << first.error().message;
  auto again = renderer.Render(spec);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->get(), first->get());  // the very same image
  EXPECT_EQ(renderer.stats().renders, 1u);
  EXPECT_EQ(renderer.stats().cache_hits, 1u);

  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      GraphSpec s = spec;
      s.height = 101 + i;  // a different graph each
      for (int k = 0; k < 3; ++k) {
        if (auto r = renderer.Render(s); r && IsPng(**r)) ++good;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(good, 12);
  EXPECT_EQ(renderer.stats().renders, 5u);
  EXPECT_EQ(renderer.stats().errors, 0u);
}

TEST(GraphRendererTest, ErrorsAreNotCachedAndTheCacheStaysWithinItsBytes) {
  test::TempDir dir;
  const long now = Now();
  GraphRenderer::Options options;
  options.cache_bytes = 1;  // nothing fits
  GraphRenderer renderer(options);
  EXPECT_FALSE(renderer.Render(Spec(dir.path() / "nope.rrd", now)));
  EXPECT_FALSE(renderer.Render(Spec(dir.path() / "nope.rrd", now)));
  EXPECT_EQ(renderer.stats().errors, 2u);
  const GraphSpec spec = Spec(MakeRrd(dir.path(), now, "time.rrd"), now);
  ASSERT_TRUE(renderer.Render(spec));
  ASSERT_TRUE(renderer.Render(spec));
  EXPECT_EQ(renderer.stats().renders, 2u);
  EXPECT_EQ(renderer.stats().cached_bytes, 0);
}

// With rrdcached holding writes for an hour, the graph still shows them: librrd asks the
// daemon to flush the file first, so the file on disk has the value afterwards.
TEST(RenderGraphTest, WithRrdcachedTheFilesAreFlushedBeforeDrawing) {
  if (!test::Rrdcached::Available()) {
    GTEST_SKIP() << "rrdcached is not installed (apt-get install rrdcached)";
  }
  test::TempDir dir;
  const std::filesystem::path base = std::filesystem::canonical(dir.path()) / "rrd";
  std::filesystem::create_directories(base);
  test::Rrdcached daemon(dir.path(), base, 3600);
  ASSERT_TRUE(daemon.WaitReady()) << "rrdcached did not come up";
  const long now = Now();
  const std::filesystem::path file = MakeRrd(base, now - 120, "time.rrd");
  ASSERT_EQ(Rrdtool({"update", "--daemon", daemon.address(), file.string(),
                     std::to_string(now) + ":4242"})
                .exit_code,
            0);
  const test::CommandResult before = Rrdtool({"lastupdate", file.string()});
  ASSERT_EQ(before.exit_code, 0);
  EXPECT_EQ(before.out.find("4242"), std::string::npos) << "rrdcached wrote the value by itself";

  GraphSpec spec = Spec(file, now);
  spec.daemon = daemon.address();
  auto png = RenderGraph(spec);
  ASSERT_TRUE(png) << png.error().message;
  EXPECT_TRUE(IsPng(*png));
  const test::CommandResult after = Rrdtool({"lastupdate", file.string()});
  ASSERT_EQ(after.exit_code, 0);
  EXPECT_NE(after.out.find("4242"), std::string::npos) << after.out;
}

}  // namespace
}  // namespace gs::dashboards
