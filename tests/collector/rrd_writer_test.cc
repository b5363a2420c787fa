#include "collector/storage/rrd_writer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <map>

#include "tests/support/peers.h"
#include "tests/support/rrdcached_peer.h"

namespace gs::collector {
namespace {

using std::chrono::seconds;
using Clock = std::chrono::system_clock;
using test::TempDir;

bool WaitUntil(const std::function<bool()>& done) {
  return test::WaitUntil(done, std::chrono::seconds(10));
}

// `rrdtool fetch` rows as timestamp -> value (NaN rows included).
std::map<long, double> Fetch(const std::filesystem::path& file, long start, long end, long step) {
  std::map<long, double> rows;
  const std::string out =
      test::RunCommand({"rrdtool", "fetch", file.string(), "AVERAGE", "-r", std::to_string(step),
                        "-s", std::to_string(start), "-e", std::to_string(end)})
          .out;
  std::size_t pos = 0;
  while (pos < out.size()) {
    const std::size_t eol = std::min(out.find('\n', pos), out.size());
    const std::string line = out.substr(pos, eol - pos);
    pos = eol + 1;
    const std::size_t colon = line.find(": ");
    if (colon == std::string::npos) continue;
    rows[std::stol(line.substr(0, colon))] = std::stod(line.substr(colon + 2));
  }
  return rows;
}

// `rrdtool info` as key -> value text (quotes stripped).
std::map<std::string, std::string> Info(const std::filesystem::path& file) {
  std::map<std::string, std::string> info;
  const std::string out = test::RunCommand({"rrdtool", "info", file.string()}).out;
  std::size_t pos = 0;
  while (pos < out.size()) {
    const std::size_t eol = std::min(out.find('\n', pos), out.size());
    const std::string line = out.substr(pos, eol - pos);
    pos = eol + 1;
    const std::size_t eq = line.find(" = ");
    if (eq == std::string::npos) continue;
    std::string value = line.substr(eq + 3);
    if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
    info[line.substr(0, eq)] = value;
  }
  return info;
}

// A start time on a step boundary, an hour in the past.
long AlignedStart(long step) {
  const long now = static_cast<long>(Clock::to_time_t(Clock::now()));
  return (now - 3600) / step * step;
}

probes::Perfdata Pd(std::string label, double value) {
  probes::Perfdata p;
  p.label = std::move(label);
  p.value = value;
  return p;
}

RrdWriter::Sample At(long t, double value, std::string label = "time", long step = 60) {
  RrdWriter::Sample s;
  s.node = "web1";
  s.check = "http";
  s.step = seconds(step);
  s.time = Clock::from_time_t(static_cast<std::time_t>(t));
  s.perfdata.push_back(Pd(std::move(label), value));
  return s;
}

std::unique_ptr<RrdWriter> StartWriter(const std::filesystem::path& root, std::string daemon = "",
                                       std::size_t capacity = 1000) {
  auto w =
      RrdWriter::Start({.root = root, .daemon = std::move(daemon), .queue_capacity = capacity});
  EXPECT_TRUE(w) << w.error().message;
  return w ? std::move(*w) : nullptr;
}

TEST(MuninRrasTest, MatchesMuninForFiveMinuteSteps) {
  EXPECT_EQ(MuninRras(seconds(300)),
            (std::vector<std::string>{
                "RRA:AVERAGE:0.5:1:576", "RRA:AVERAGE:0.5:6:432", "RRA:AVERAGE:0.5:24:540",
                "RRA:AVERAGE:0.5:288:450", "RRA:MIN:0.5:1:576", "RRA:MIN:0.5:6:432",
                "RRA:MIN:0.5:24:540", "RRA:MIN:0.5:288:450", "RRA:MAX:0.5:1:576",
                "RRA:MAX:0.5:6:432", "RRA:MAX:0.5:24:540", "RRA:MAX:0.5:288:450"}));
}

TEST(MuninRrasTest, OddAndHugeStepsStillCoverEachSpan) {
  const std::vector<std::string> odd = MuninRras(seconds(7));
  EXPECT_EQ(odd[0], "RRA:AVERAGE:0.5:1:24686");  // ceil(172800 / 7)
  EXPECT_EQ(odd[1], "RRA:AVERAGE:0.5:258:431");  // ceil(1800 / 7) PDPs of 7 s
  const std::vector<std::string> huge = MuninRras(seconds(100000));
  EXPECT_EQ(huge[0], "RRA:AVERAGE:0.5:1:2");
  EXPECT_EQ(huge[3], "RRA:AVERAGE:0.5:1:389");
}

TEST(RrdWriterTest, WritesValuesThatRrdtoolReadsBack) {
  TempDir dir;
  auto w = StartWriter(dir.path() / "rrd");
  ASSERT_TRUE(w);
  const long t0 = AlignedStart(60);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(w->Submit(At(t0 + 60 * i, 1.5 + i)));
  w->Stop();
  EXPECT_EQ(w->stats().creates, 1u);
  EXPECT_EQ(w->stats().updates, 4u);
  EXPECT_EQ(w->stats().errors, 0u);
  const std::filesystem::path file = dir.path() / "rrd/web1/http/time.rrd";
  ASSERT_TRUE(std::filesystem::exists(file));
  const std::map<long, double> rows = Fetch(file, t0, t0 + 180, 60);
  ASSERT_EQ(rows.count(t0 + 60), 1u);
  EXPECT_DOUBLE_EQ(rows.at(t0 + 60), 2.5);
  EXPECT_DOUBLE_EQ(rows.at(t0 + 120), 3.5);
  EXPECT_DOUBLE_EQ(rows.at(t0 + 180), 4.5);
}

TEST(RrdWriterTest, ACacheTimeoutHoldsValuesUntilFlushWritesThemAll) {
  TempDir dir;
  auto w = RrdWriter::Start({.root = dir.path() / "rrd",
                             .daemon = "",
                             .queue_capacity = 1000,
                             .cache_timeout = std::chrono::hours(1)});
  ASSERT_TRUE(w) << w.error().message;
  const long t0 = AlignedStart(60);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE((*w)->Submit(At(t0 + 60 * i, 1.5 + i)));
  ASSERT_TRUE(WaitUntil([&] { return (*w)->stats().cached == 4; }));
  EXPECT_EQ((*w)->stats().updates, 0u);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "rrd/web1/http/time.rrd"));
  (*w)->Flush();
  EXPECT_EQ((*w)->stats().cached, 0);
  EXPECT_EQ((*w)->stats().updates, 4u);
  const std::map<long, double> rows =
      Fetch(dir.path() / "rrd/web1/http/time.rrd", t0, t0 + 180, 60);
  ASSERT_EQ(rows.count(t0 + 180), 1u);
  EXPECT_DOUBLE_EQ(rows.at(t0 + 180), 4.5);
}

TEST(RrdWriterTest, NewFilesHaveOneGaugeAndTheMuninArchives) {
  TempDir dir;
  auto w = StartWriter(dir.path() / "rrd");
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->Submit(At(AlignedStart(60), 1)));
  w->Flush();
  const auto info = Info(dir.path() / "rrd/web1/http/time.rrd");
  EXPECT_EQ(info.at("step"), "60");
  EXPECT_EQ(info.at("ds[value].type"), "GAUGE");
  EXPECT_EQ(info.at("ds[value].minimal_heartbeat"), "120");
  const std::vector<std::string> rras = MuninRras(seconds(60));
  ASSERT_EQ(rras.size(), 12u);
  for (std::size_t i = 0; i < rras.size(); ++i) {
    const std::string key = "rra[" + std::to_string(i) + "]";
    const std::string want = "RRA:" + info.at(key + ".cf") +
                             ":0.5:" + info.at(key + ".pdp_per_row") + ":" + info.at(key + ".rows");
    EXPECT_EQ(want, rras[i]);
  }
  EXPECT_EQ(info.count("rra[12].cf"), 0u);
  EXPECT_EQ(info.at("rra[0].rows"), "2880");
  EXPECT_EQ(info.at("rra[3].pdp_per_row"), "1440");
}

TEST(RrdWriterTest, SameSecondAndOlderValuesAreDroppedAsStale) {
  TempDir dir;
  auto w = StartWriter(dir.path() / "rrd");
  ASSERT_TRUE(w);
  const long t0 = AlignedStart(60);
  ASSERT_TRUE(w->Submit(At(t0, 1)));
  ASSERT_TRUE(w->Submit(At(t0, 2)));
  ASSERT_TRUE(w->Submit(At(t0 - 60, 3)));
  w->Flush();
  ASSERT_TRUE(w->Submit(At(t0, 4)));  // stale in a later batch too
  ASSERT_TRUE(w->Submit(At(t0 + 60, 5)));
  w->Stop();
  EXPECT_EQ(w->stats().stale, 3u);
  EXPECT_EQ(w->stats().updates, 2u);
  EXPECT_EQ(w->stats().errors, 0u);
}

TEST(RrdWriterTest, ANewWriterContinuesAfterTheFilesLastUpdate) {
  TempDir dir;
  const long t0 = AlignedStart(60);
  {
    auto w = StartWriter(dir.path() / "rrd");
    ASSERT_TRUE(w);
    ASSERT_TRUE(w->Submit(At(t0 + 60, 1)));
  }
  auto w = StartWriter(dir.path() / "rrd");
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->Submit(At(t0, 2)));
  ASSERT_TRUE(w->Submit(At(t0 + 120, 3)));
  w->Stop();
  EXPECT_EQ(w->stats().creates, 0u);
  EXPECT_EQ(w->stats().stale, 1u);
  EXPECT_EQ(w->stats().updates, 1u);
  EXPECT_EQ(w->stats().errors, 0u);
}

TEST(RrdWriterTest, HostileNamesStayInsideRoot) {
  TempDir dir;
  auto w = StartWriter(dir.path() / "rrd");
  ASSERT_TRUE(w);
  RrdWriter::Sample s = At(AlignedStart(60), 1, "..");
  s.node = "../../etc";
  s.check = "/";
  s.perfdata.push_back(Pd(std::string("a/\0b", 4), 2));
  ASSERT_TRUE(w->Submit(s));
  w->Stop();
  EXPECT_EQ(w->stats().creates, 2u);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "rrd/.._.._etc/_/_.rrd"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "rrd/.._.._etc/_/a__b.rrd"));
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path())) {
    const std::string p = entry.path().string();
    EXPECT_EQ(p.rfind((dir.path() / "rrd").string(), 0), 0u) << p;
  }
}

TEST(RrdWriterTest, AFailingFileIsCountedAndOthersKeepGoing) {
  TempDir dir;
  auto w = StartWriter(dir.path() / "rrd");
  ASSERT_TRUE(w);
  std::ofstream(dir.path() / "rrd/blocked") << "a file where a directory should be";
  RrdWriter::Sample bad = At(AlignedStart(60), 1);
  bad.node = "blocked";
  ASSERT_TRUE(w->Submit(bad));
  ASSERT_TRUE(w->Submit(At(AlignedStart(60), 1)));
  w->Stop();
  EXPECT_EQ(w->stats().errors, 1u);
  EXPECT_EQ(w->stats().updates, 1u);
}

TEST(RrdWriterTest, AFullQueueRefusesAndCounts) {
  TempDir dir;
  auto w = StartWriter(dir.path() / "rrd", "", /*capacity=*/0);
  ASSERT_TRUE(w);
  EXPECT_FALSE(w->Submit(At(AlignedStart(60), 1)));
  EXPECT_EQ(w->stats().dropped, 1u);
  w->Stop();
  EXPECT_FALSE(w->Submit(At(AlignedStart(60), 1))) << "stopped";
  EXPECT_EQ(w->stats().dropped, 2u);
}

TEST(RrdWriterTest, StartFailsWhenRootCannotBeCreated) {
  TempDir dir;
  std::ofstream(dir.path() / "file") << "x";
  auto w = RrdWriter::Start({.root = dir.path() / "file/rrd", .daemon = ""});
  EXPECT_FALSE(w);
}

TEST(RrdWriterTest, WritesThroughRrdcached) {
  if (!test::Rrdcached::Available()) {
    GTEST_SKIP() << "rrdcached is not installed (apt-get install rrdcached)";
  }
  TempDir dir;
  const std::filesystem::path root = std::filesystem::canonical(dir.path()) / "rrd";
  std::filesystem::create_directories(root);
  test::Rrdcached daemon(dir.path(), root);
  ASSERT_TRUE(daemon.WaitReady()) << "rrdcached did not come up";

  auto w = StartWriter(root, daemon.address());
  ASSERT_TRUE(w);
  const long t0 = AlignedStart(60);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(w->Submit(At(t0 + 60 * i, 10.0 * (i + 1))));
  w->Flush();  // through rrdcached and flushed to disk
  EXPECT_EQ(w->stats().errors, 0u);
  EXPECT_EQ(w->stats().creates, 1u);
  EXPECT_EQ(w->stats().updates, 3u);
  const std::map<long, double> rows = Fetch(root / "web1/http/time.rrd", t0, t0 + 120, 60);
  ASSERT_EQ(rows.count(t0 + 120), 1u);
  EXPECT_DOUBLE_EQ(rows.at(t0 + 60), 20.0);
  EXPECT_DOUBLE_EQ(rows.at(t0 + 120), 30.0);
  w->Stop();
}

}  // namespace
}  // namespace gs::collector
