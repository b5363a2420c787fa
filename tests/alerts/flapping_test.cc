#include "alerts/flapping.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gs::alerts {
namespace {

using probes::State;
constexpr State kO = State::kOk;
constexpr State kW = State::kWarning;
constexpr State kC = State::kCritical;

// `n` states alternating between `first` and the other of OK/CRITICAL.
std::vector<State> Alternating(std::size_t n, State first = kO) {
  std::vector<State> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back((i % 2 == 0) == (first == kO) ? kO : kC);
  return out;
}

std::vector<State> Repeat(std::size_t n, State s) { return std::vector<State>(n, s); }

std::vector<State> Concat(std::vector<State> a, const std::vector<State>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Weight of change number i (1 = oldest of the 20, 20 = newest), as in Nagios.
double Weight(int i) { return 0.75 + (i - 1) * 0.5 / 19.0; }

TEST(FlapDetectorTest, AlternatingOkAndCriticalStartsFlappingOnce) {
  FlapDetector d;
  int started = 0;
  int started_at = 0;
  for (int i = 1; i <= 60; ++i) {
    if (d.Record(i % 2 == 1 ? kO : kC, FlapOptions{}) == FlapDetector::Change::kStarted) {
      ++started;
      started_at = i;
    }
  }
  EXPECT_EQ(started, 1);
  EXPECT_TRUE(d.flapping());
  EXPECT_DOUBLE_EQ(d.percent(), 100.0);
  // The missing older entries count as OK (Nagios pre-fills the history with OK): after 7
  // results the 6 newest changes weigh 35.5 % >= 30 %, after 6 results 29.9 % is not enough.
  EXPECT_EQ(started_at, 7);
}

TEST(FlapDetectorTest, SteadyCheckNeverFlaps) {
  for (State s : {kO, kW, kC}) {
    FlapDetector d;
    for (int i = 0; i < 100; ++i) {
      EXPECT_EQ(d.Record(s, FlapOptions{}), FlapDetector::Change::kNone) << ToString(s);
    }
    EXPECT_FALSE(d.flapping());
    EXPECT_DOUBLE_EQ(d.percent(), 0.0) << ToString(s);
  }
}

TEST(FlapDetectorTest, CheckThatStartsCriticalCountsOneChangeAndDoesNotFlap) {
  FlapDetector d;
  d.Record(kC, FlapOptions{});
  EXPECT_DOUBLE_EQ(d.percent(), Weight(20) * 5.0);  // 6.25 %: the virtual OK -> CRITICAL
  EXPECT_FALSE(d.flapping());
}

struct PercentCase {
  std::string name;
  std::vector<State> history;
  double percent;
};

TEST(FlapDetectorTest, PercentMatchesHandComputedValues) {
  const std::vector<PercentCase> cases = {
      {"no change", Repeat(21, kC), 0.0},
      {"every entry changes", Alternating(21), 100.0},
      {"newest change only", Concat(Repeat(20, kO), {kC}), 6.25},
      // OKx10 then CRITICALx11: change number 10 weighs 0.75 + 9 * 0.5 / 19.
      {"one change in the middle", Concat(Repeat(10, kO), Repeat(11, kC)),
       (0.75 + 9.0 * 0.5 / 19.0) * 5.0},
      {"oldest and newest change", Concat(Concat({kC}, Repeat(19, kO)), {kW}), (0.75 + 1.25) * 5.0},
      // C O C O then OK: changes 1, 2, 3 weigh 0.75 + 0/38, 1/38, 2/38.
      {"three oldest changes", Concat({kC, kO, kC}, Repeat(18, kO)), (2.25 + 3.0 / 38.0) * 5.0},
      // Only the newest 21 entries count: the leading CRITICALs are gone.
      {"longer history", Concat(Repeat(5, kC), Repeat(21, kO)), 0.0},
      // Fewer than 21 entries: padded with OK on the old side.
      {"short history", {kC, kO}, (Weight(19) + Weight(20)) * 5.0},
      {"empty", {}, 0.0},
  };
  for (const PercentCase& c : cases) {
    EXPECT_NEAR(PercentStateChange(c.history), c.percent, 1e-9) << c.name;
  }
}

TEST(FlapDetectorTest, RecordReportsThePercentOfTheNewestHistory) {
  FlapDetector d;
  for (State s : Concat(Repeat(10, kO), Repeat(11, kC))) d.Record(s, FlapOptions{});
  EXPECT_NEAR(d.percent(), 4.934210526315789, 1e-12);
}

TEST(FlapDetectorTest, HysteresisKeepsTheFlagBetweenTheThresholds) {
  // Flapping from 21 alternating results, then steady OK: the percent falls step by step.
  FlapDetector d;
  for (State s : Alternating(21)) d.Record(s, FlapOptions{});
  ASSERT_TRUE(d.flapping());
  int steps_between = 0;
  FlapDetector::Change change = FlapDetector::Change::kNone;
  while (change != FlapDetector::Change::kStopped) {
    change = d.Record(kO, FlapOptions{});
    if (d.percent() > 20.0) {
      EXPECT_EQ(change, FlapDetector::Change::kNone) << d.percent();
      EXPECT_TRUE(d.flapping()) << d.percent();
      if (d.percent() < 30.0) ++steps_between;
    }
  }
  EXPECT_LE(d.percent(), 20.0);
  EXPECT_FALSE(d.flapping());
  EXPECT_GT(steps_between, 0);  // the flag held while 20 % < percent < 30 %

  // Rising again from steady OK: not flapping until the percent reaches 30 %.
  FlapDetector up;
  steps_between = 0;
  for (State s : Alternating(21)) {
    change = up.Record(s, FlapOptions{});
    if (up.percent() < 30.0) {
      EXPECT_EQ(change, FlapDetector::Change::kNone) << up.percent();
      if (up.percent() > 20.0) ++steps_between;
    } else {
      break;
    }
  }
  EXPECT_EQ(change, FlapDetector::Change::kStarted);
  EXPECT_GT(steps_between, 0);
}

TEST(FlapDetectorTest, PercentBetweenThresholdsKeepsEitherFlag) {
  // OKx5, C O C O C O, OKx10: changes 5..10 weigh 4.5 + 39/38, i.e. 27.6 %. One more OK drops
  // an unchanged oldest entry and shifts every change one older: 26.8 %, still in the band.
  const std::vector<State> history =
      Concat(Concat(Repeat(5, kO), Alternating(6, kC)), Repeat(10, kO));
  ASSERT_EQ(history.size(), 21u);
  EXPECT_NEAR(PercentStateChange(history), (4.5 + 39.0 / 38.0) * 5.0, 1e-9);
  for (bool flag : {true, false}) {
    FlapDetector d;
    d.Restore(history, flag);
    EXPECT_EQ(d.Record(kO, FlapOptions{}), FlapDetector::Change::kNone);
    EXPECT_NEAR(d.percent(), (4.5 + 33.0 / 38.0) * 5.0, 1e-9);
    EXPECT_EQ(d.flapping(), flag);
  }
}

TEST(FlapDetectorTest, ThresholdsAreInclusive) {
  // OKx20 then CRITICAL is 6.25 % exactly: flapping starts at a high threshold of 6.25 %, and
  // stops at a low threshold of 6.25 % (Nagios compares with >= and <=).
  FlapDetector d;
  d.Restore(Repeat(20, kO), false);
  EXPECT_EQ(d.Record(kC, FlapOptions{1.0, 6.25, true}), FlapDetector::Change::kStarted);
  d.Restore(Repeat(20, kO), true);
  EXPECT_EQ(d.Record(kC, FlapOptions{6.25, 50.0, true}), FlapDetector::Change::kStopped);
}

TEST(FlapDetectorTest, DisabledOptionsNeverFlapButKeepThePercent) {
  const FlapOptions disabled{20.0, 30.0, false};
  FlapDetector d;
  for (State s : Alternating(50)) {
    EXPECT_EQ(d.Record(s, disabled), FlapDetector::Change::kNone);
  }
  EXPECT_FALSE(d.flapping());
  EXPECT_DOUBLE_EQ(d.percent(), 100.0);

  // Disabling a flapping detector ends the flapping, like DISABLE_SVC_FLAP_DETECTION.
  FlapDetector flapping;
  flapping.Restore(Alternating(21), true);
  EXPECT_EQ(flapping.Record(kO, disabled), FlapDetector::Change::kStopped);
  EXPECT_FALSE(flapping.flapping());
  EXPECT_EQ(flapping.Record(kC, disabled), FlapDetector::Change::kNone);
}

TEST(FlapDetectorTest, HistoryIsCappedAt21KeepingTheNewest) {
  FlapDetector d;
  std::vector<State> all;
  for (int i = 0; i < 100; ++i) {
    const State s = i % 3 == 0 ? kW : (i % 3 == 1 ? kO : kC);
    all.push_back(s);
    d.Record(s, FlapOptions{});
    EXPECT_LE(d.history().size(), FlapDetector::kHistorySize);
  }
  ASSERT_EQ(d.history().size(), 21u);
  EXPECT_EQ(d.history(), std::vector<State>(all.end() - 21, all.end()));
}

TEST(FlapDetectorTest, RestoreRoundTrips) {
  FlapDetector d;
  for (State s : Concat(Alternating(12), Repeat(3, kW))) d.Record(s, FlapOptions{});
  ASSERT_TRUE(d.flapping());

  FlapDetector restored;
  restored.Restore(d.history(), d.flapping());
  EXPECT_EQ(restored, d);
  EXPECT_DOUBLE_EQ(restored.percent(), d.percent());
  // Both continue identically.
  EXPECT_EQ(restored.Record(kO, FlapOptions{}), d.Record(kO, FlapOptions{}));
  EXPECT_EQ(restored, d);
}

TEST(FlapDetectorTest, RestoreKeepsTheNewest21Entries) {
  FlapDetector d;
  d.Restore(Concat(Repeat(10, kC), Repeat(21, kO)), false);
  EXPECT_EQ(d.history(), Repeat(21, kO));
  EXPECT_DOUBLE_EQ(d.percent(), 0.0);
}

}  // namespace
}  // namespace gs::alerts
