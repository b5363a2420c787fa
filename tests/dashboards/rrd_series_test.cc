#include "dashboards/rrd_series.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/peers.h"
#include "tests/support/rrdcached_peer.h"

namespace gs::dashboards {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;
using test::RunCommand;
using test::TempDir;

constexpr const char* kRrdtool = "/usr/bin/rrdtool";
// A multiple of 60 and of 300, so rows are stamped exactly at the update times.
constexpr long long kT0 = 1'700'000'100 - 60;  // 1700000040

Clock::time_point At(long long epoch_seconds) {
  return Clock::time_point(std::chrono::seconds(epoch_seconds));
}

// Runs the rrdtool CLI; an empty string on success, else what went wrong.
std::string Rrdtool(std::vector<std::string> args) {
  args.insert(args.begin(), kRrdtool);
  const test::CommandResult r = RunCommand(args);
  if (r.exit_code == 0) return "";
  return "rrdtool exited " + std::to_string(r.exit_code) + ": " + r.err + r.out;
}

// One GAUGE data source "value", step 60, like RrdWriter's files: AVERAGE, MIN and MAX at
// 1 step (100 rows) and at 5 steps (50 rows).
std::string CreateRrd(const std::filesystem::path& file) {
  return Rrdtool({"create", file.string(), "--start", std::to_string(kT0), "--step", "60",
                  "DS:value:GAUGE:120:U:U", "RRA:AVERAGE:0.5:1:100", "RRA:MIN:0.5:1:100",
                  "RRA:MAX:0.5:1:100", "RRA:AVERAGE:0.5:5:50", "RRA:MIN:0.5:5:50",
                  "RRA:MAX:0.5:5:50"});
}

// Writes value i at kT0 + 60 * i for i in [first, last].
std::string UpdateRrd(const std::filesystem::path& file, int first, int last,
                      const std::string& daemon = "") {
  std::vector<std::string> args = {"update"};
  if (!daemon.empty()) args.insert(args.end(), {"--daemon", daemon});
  args.push_back(file.string());
  for (int i = first; i <= last; ++i) {
    args.push_back(std::to_string(kT0 + 60LL * i) + ":" + std::to_string(i));
  }
  return Rrdtool(args);
}

// Compares with NaN == NaN, printing both on mismatch.
::testing::AssertionResult SameValues(const std::vector<double>& actual,
                                      const std::vector<double>& expected) {
  bool same = actual.size() == expected.size();
  for (std::size_t i = 0; same && i < actual.size(); ++i) {
    same = (std::isnan(actual[i]) && std::isnan(expected[i])) || actual[i] == expected[i];
  }
  if (same) return ::testing::AssertionSuccess();
  auto print = [](const std::vector<double>& v) {
    std::string s;
    for (double x : v) s += std::to_string(x) + " ";
    return s;
  };
  return ::testing::AssertionFailure()
         << "actual: " << print(actual) << "\nexpected: " << print(expected);
}

class RrdSeriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kRrdtool)) {
      GTEST_SKIP() << "rrdtool is not installed (scripts/install-deps.sh)";
    }
    ASSERT_EQ(CreateRrd(file_), "");
    ASSERT_EQ(UpdateRrd(file_, 1, 15), "");  // values 1..15 at kT0+60 .. kT0+900
  }
  TempDir dir_;
  std::filesystem::path file_ = dir_ / "value.rrd";
};

TEST_F(RrdSeriesTest, ReturnsTheValuesAtTheirTimes) {
  const Result<Series> s = FetchSeries(file_.string(), "AVERAGE", At(kT0), At(kT0 + 600));
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->step, 60s);
  EXPECT_EQ(s->start, At(kT0 + 60));  // the row (kT0, kT0+60]
  // Ten rows up to the one stamped kT0+600; librrd's extra row (kT0+600, kT0+660], which
  // holds value 11, is dropped.
  EXPECT_TRUE(SameValues(s->values, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
}

TEST_F(RrdSeriesTest, UnalignedTimesTakeTheRowsThatContainThem) {
  const Result<Series> s =
      FetchSeries(file_.string(), "AVERAGE", At(kT0 + 30), At(kT0 + 590) + 500ms);
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->start, At(kT0 + 60));  // (kT0, kT0+60] contains kT0+30
  EXPECT_TRUE(SameValues(s->values, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));  // up to (kT0+540, +600]
}

TEST_F(RrdSeriesTest, RowsNotWrittenYetAreNaN) {
  const Result<Series> s =
      FetchSeries(file_.string(), "MAX", At(kT0 + 780), At(kT0 + 1080), std::string());
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->start, At(kT0 + 840));
  EXPECT_TRUE(SameValues(s->values, {14, 15, NAN, NAN, NAN}));
}

TEST_F(RrdSeriesTest, AResolutionHintReadsTheCoarserArchiveOfTheChosenCf) {
  // 5-step rows stamped at multiples of 300: (kT0+60, kT0+360] holds values 2..6 and
  // (kT0+360, kT0+660] values 7..11.
  const auto fetch = [&](const char* cf) {
    return FetchSeries(file_.string(), cf, At(kT0 + 60), At(kT0 + 660),
                       FetchOptions{.daemon = "", .resolution = 300s});
  };
  const Result<Series> average = fetch("AVERAGE");
  ASSERT_TRUE(average.has_value()) << average.error().message;
  EXPECT_EQ(average->step, 300s);
  EXPECT_EQ(average->start, At(kT0 + 360));
  EXPECT_TRUE(SameValues(average->values, {4, 9}));
  const Result<Series> min = fetch("MIN");
  ASSERT_TRUE(min.has_value()) << min.error().message;
  EXPECT_TRUE(SameValues(min->values, {2, 7}));
  const Result<Series> max = fetch("MAX");
  ASSERT_TRUE(max.has_value()) << max.error().message;
  EXPECT_TRUE(SameValues(max->values, {6, 11}));
  // Without the hint the same span comes from the finest archive.
  const Result<Series> fine = FetchSeries(file_.string(), "AVERAGE", At(kT0 + 60), At(kT0 + 660));
  ASSERT_TRUE(fine.has_value()) << fine.error().message;
  EXPECT_EQ(fine->step, 60s);
  EXPECT_EQ(fine->values.size(), 10u);
}

TEST_F(RrdSeriesTest, AMissingFileFailsWithLibrrdsMessage) {
  const std::string missing = (dir_ / "missing.rrd").string();
  const Result<Series> s = FetchSeries(missing, "AVERAGE", At(kT0), At(kT0 + 600));
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find(missing), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("No such file or directory"), std::string::npos)
      << s.error().message;
}

TEST_F(RrdSeriesTest, AFileThatIsNotAnRrdFails) {
  const std::filesystem::path text = dir_ / "text.rrd";
  ASSERT_TRUE(test::WriteFile(text, std::string(4096, 'x')));
  const Result<Series> s = FetchSeries(text.string(), "AVERAGE", At(kT0), At(kT0 + 600));
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("is not an RRD file"), std::string::npos) << s.error().message;
  // Too short to hold even a header.
  ASSERT_TRUE(test::WriteFile(text, "hello\n"));
  const Result<Series> short_file = FetchSeries(text.string(), "AVERAGE", At(kT0), At(kT0 + 600));
  ASSERT_FALSE(short_file.has_value());
  EXPECT_NE(short_file.error().message.find(text.string()), std::string::npos)
      << short_file.error().message;
}

TEST_F(RrdSeriesTest, AnUnknownOrAbsentCfFails) {
  const Result<Series> bogus = FetchSeries(file_.string(), "MEDIAN", At(kT0), At(kT0 + 600));
  ASSERT_FALSE(bogus.has_value());
  EXPECT_NE(bogus.error().message.find("unknown consolidation function"), std::string::npos)
      << bogus.error().message;
  // A valid CF the file has no archive for: librrd serves it from a 1-step archive (one value
  // consolidates to itself under every CF) ...
  const Result<Series> last = FetchSeries(file_.string(), "LAST", At(kT0), At(kT0 + 180));
  ASSERT_TRUE(last.has_value()) << last.error().message;
  EXPECT_TRUE(SameValues(last->values, {1, 2, 3}));
  // ... but not from a consolidated one.
  const std::filesystem::path coarse = dir_ / "coarse.rrd";
  ASSERT_EQ(Rrdtool({"create", coarse.string(), "--start", std::to_string(kT0), "--step", "60",
                     "DS:value:GAUGE:120:U:U", "RRA:AVERAGE:0.5:5:50"}),
            "");
  const Result<Series> min = FetchSeries(coarse.string(), "MIN", At(kT0), At(kT0 + 600));
  ASSERT_FALSE(min.has_value());
  EXPECT_NE(min.error().message.find("does not contain an RRA matching"), std::string::npos)
      << min.error().message;
}

TEST_F(RrdSeriesTest, StartNotBeforeEndFails) {
  EXPECT_FALSE(FetchSeries(file_.string(), "AVERAGE", At(kT0), At(kT0)).has_value());
  EXPECT_FALSE(FetchSeries(file_.string(), "AVERAGE", At(kT0 + 600), At(kT0)).has_value());
}

TEST_F(RrdSeriesTest, AnUnreachableDaemonFailsInsteadOfReadingStaleData) {
  const std::string daemon = "unix:" + (dir_ / "no-such.sock").string();
  const Result<Series> s = FetchSeries(file_.string(), "AVERAGE", At(kT0), At(kT0 + 600), daemon);
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find("connecting to rrdcached"), std::string::npos)
      << s.error().message;
}

TEST_F(RrdSeriesTest, WithTheDaemonItSeesValuesRrdcachedStillHolds) {
  if (!test::Rrdcached::Available()) {
    GTEST_SKIP() << "rrdcached is not installed (scripts/install-deps.sh)";
  }
  TempDir peer_dir;
  const std::filesystem::path base = std::filesystem::canonical(peer_dir.path()) / "rrd";
  std::filesystem::create_directory(base);
  const std::filesystem::path file = base / "held.rrd";
  ASSERT_EQ(CreateRrd(file), "");
  ASSERT_EQ(UpdateRrd(file, 1, 2), "");
  // rrdcached holds updates for an hour, so only a flush writes them in this test.
  test::Rrdcached rrdcached(peer_dir.path(), base, 3600);
  ASSERT_TRUE(rrdcached.WaitReady()) << "rrdcached did not come up";
  const std::string daemon = rrdcached.address();
  ASSERT_EQ(UpdateRrd(file, 3, 3, daemon), "");  // value 3 at kT0+180, held in rrdcached

  const Result<Series> plain = FetchSeries(file.string(), "AVERAGE", At(kT0), At(kT0 + 180));
  ASSERT_TRUE(plain.has_value()) << plain.error().message;
  EXPECT_TRUE(SameValues(plain->values, {1, 2, NAN})) << "the update reached the file early";

  const Result<Series> flushed =
      FetchSeries(file.string(), "AVERAGE", At(kT0), At(kT0 + 180), daemon);
  ASSERT_TRUE(flushed.has_value()) << flushed.error().message;
  EXPECT_TRUE(SameValues(flushed->values, {1, 2, 3}));
  // The flush wrote it to the file: a plain read sees it now too.
  const Result<Series> after = FetchSeries(file.string(), "AVERAGE", At(kT0), At(kT0 + 180));
  ASSERT_TRUE(after.has_value()) << after.error().message;
  EXPECT_TRUE(SameValues(after->values, {1, 2, 3}));
}

}  // namespace
}  // namespace gs::dashboards
