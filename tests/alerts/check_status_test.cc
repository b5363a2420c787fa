#include "alerts/check_status.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gs::alerts {
namespace {

using probes::State;
using std::chrono::seconds;
using Time = std::chrono::system_clock::time_point;

constexpr State kOk = State::kOk;
constexpr State kWarn = State::kWarning;
constexpr State kCrit = State::kCritical;
constexpr State kUnk = State::kUnknown;
constexpr StateType kSoft = StateType::kSoft;
constexpr StateType kHard = StateType::kHard;

struct Step {
  State result;
  State state;
  StateType type;
  int attempt;
  bool hard_change;
  State previous_hard_state;
};

struct Case {
  std::string name;
  int max_attempts;
  std::vector<Step> steps;  // applied in order to a fresh, unchecked status
};

const std::vector<Case>& Cases() {
  static const std::vector<Case> cases = {
      {"FirstOkResultIsHardOkWithoutNotification", 3, {{kOk, kOk, kHard, 1, false, kOk}}},
      {"FirstProblemStartsSoft", 3, {{kCrit, kCrit, kSoft, 1, false, kOk}}},
      {"ProblemBecomesHardAtMaxAttempts",
       3,
       {{kOk, kOk, kHard, 1, false, kOk},
        {kCrit, kCrit, kSoft, 1, false, kOk},
        {kCrit, kCrit, kSoft, 2, false, kOk},
        {kCrit, kCrit, kHard, 3, true, kOk},
        {kCrit, kCrit, kHard, 3, false, kCrit}}},
      {"SoftRecoveryIsNotNotified",
       3,
       {{kWarn, kWarn, kSoft, 1, false, kOk},
        {kWarn, kWarn, kSoft, 2, false, kOk},
        {kOk, kOk, kHard, 1, false, kOk}}},
      {"HardRecoveryIsNotified",
       2,
       {{kCrit, kCrit, kSoft, 1, false, kOk},
        {kCrit, kCrit, kHard, 2, true, kOk},
        {kOk, kOk, kHard, 1, true, kCrit},
        {kOk, kOk, kHard, 1, false, kOk}}},
      {"HardWarningToHardCriticalIsAHardChange",
       2,
       {{kWarn, kWarn, kSoft, 1, false, kOk},
        {kWarn, kWarn, kHard, 2, true, kOk},
        {kCrit, kCrit, kHard, 2, true, kWarn},
        {kUnk, kUnk, kHard, 2, true, kCrit}}},
      {"SoftStateChangesKeepCountingAttempts",
       3,
       {{kWarn, kWarn, kSoft, 1, false, kOk},
        {kCrit, kCrit, kSoft, 2, false, kOk},
        {kWarn, kWarn, kHard, 3, true, kOk}}},
      {"MaxAttemptsOneIsHardAtOnce",
       1,
       {{kCrit, kCrit, kHard, 1, true, kOk},
        {kCrit, kCrit, kHard, 1, false, kCrit},
        {kOk, kOk, kHard, 1, true, kCrit}}},
  };
  return cases;
}

class CheckStatusTransitionTest : public testing::TestWithParam<Case> {};

TEST_P(CheckStatusTransitionTest, FollowsNagiosSemantics) {
  const Case& c = GetParam();
  CheckStatus status;
  Time now{seconds(1000)};
  for (std::size_t i = 0; i < c.steps.size(); ++i) {
    const Step& s = c.steps[i];
    SCOPED_TRACE("step " + std::to_string(i));
    Transition t = Apply(status, s.result, "out " + std::to_string(i), c.max_attempts, now);
    EXPECT_EQ(t.next.state, s.state);
    EXPECT_EQ(t.next.type, s.type);
    EXPECT_EQ(t.next.attempt, s.attempt);
    EXPECT_EQ(t.hard_change, s.hard_change);
    EXPECT_EQ(t.previous_hard_state, s.previous_hard_state);
    EXPECT_TRUE(t.next.checked);
    EXPECT_EQ(t.next.last_check, now);
    EXPECT_EQ(t.next.output, "out " + std::to_string(i));
    status = t.next;
    now += seconds(10);
  }
}

INSTANTIATE_TEST_SUITE_P(Table, CheckStatusTransitionTest, testing::ValuesIn(Cases()),
                         [](const testing::TestParamInfo<Case>& p) { return p.param.name; });

TEST(CheckStatusTest, TimestampsTrackStateAndHardStateChanges) {
  const Time t0{seconds(100)};
  Transition t = Apply(CheckStatus{}, kOk, "", 2, t0);
  EXPECT_EQ(t.next.last_change, t0);
  EXPECT_EQ(t.next.last_hard_change, t0);

  t = Apply(t.next, kOk, "", 2, t0 + seconds(10));
  EXPECT_EQ(t.next.last_change, t0) << "no change while OK";

  t = Apply(t.next, kCrit, "", 2, t0 + seconds(20));  // SOFT 1
  EXPECT_EQ(t.next.last_change, t0 + seconds(20));
  EXPECT_EQ(t.next.last_hard_change, t0) << "a soft problem keeps the hard OK";

  t = Apply(t.next, kCrit, "", 2, t0 + seconds(30));  // HARD
  EXPECT_EQ(t.next.last_change, t0 + seconds(20)) << "same state, no change";
  EXPECT_EQ(t.next.last_hard_change, t0 + seconds(30));

  t = Apply(t.next, kCrit, "", 2, t0 + seconds(40));
  EXPECT_EQ(t.next.last_hard_change, t0 + seconds(30));

  t = Apply(t.next, kOk, "", 2, t0 + seconds(50));  // hard recovery
  EXPECT_EQ(t.next.last_change, t0 + seconds(50));
  EXPECT_EQ(t.next.last_hard_change, t0 + seconds(50));
}

TEST(CheckStatusTest, SoftRecoveryChangesStateButNotHardState) {
  const Time t0{seconds(100)};
  Transition t = Apply(CheckStatus{}, kOk, "", 3, t0);
  t = Apply(t.next, kWarn, "", 3, t0 + seconds(10));
  t = Apply(t.next, kOk, "", 3, t0 + seconds(20));
  EXPECT_EQ(t.next.last_change, t0 + seconds(20));
  EXPECT_EQ(t.next.last_hard_change, t0);
}

TEST(CheckStatusTest, FirstProblemWithMaxAttemptsOneSetsHardChangeTime) {
  const Time t0{seconds(100)};
  Transition t = Apply(CheckStatus{}, kCrit, "boom", 1, t0);
  EXPECT_TRUE(t.hard_change);
  EXPECT_EQ(t.next.last_hard_change, t0);
  EXPECT_EQ(t.next.last_change, t0);
}

}  // namespace
}  // namespace gs::alerts
