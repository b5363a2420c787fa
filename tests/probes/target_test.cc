#include "probes/target.h"

#include <gtest/gtest.h>

#include "probes/disk_probe.h"

namespace gs::probes {
namespace {

using Kind = Selector::Condition::Kind;

TEST(SelectorTest, TheEmptySelectorMatchesEveryTarget) {
  EXPECT_TRUE(Selector{}.Matches({}));
  EXPECT_TRUE(Selector{}.Matches({{"role", "web"}}));
}

TEST(SelectorTest, EachConditionKindMatchesAsDocumented) {
  const Tags web{{"role", "web"}, {"env", "production"}};
  const Tags bare{};
  struct Case {
    Selector::Condition c;
    bool on_web;
    bool on_bare;
  };
  const Case cases[] = {
      {{"role", Kind::kEquals, {"web"}}, true, false},
      {{"role", Kind::kEquals, {"db"}}, false, false},
      {{"role", Kind::kOneOf, {"db", "web"}}, true, false},
      {{"env", Kind::kNoneOf, {"production"}}, false, true},
      {{"env", Kind::kNoneOf, {"staging"}}, true, true},
      {{"role", Kind::kExists, {}}, true, false},
      {{"role", Kind::kAbsent, {}}, false, true},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Selector({c.c}).Matches(web), c.on_web) << c.c.key;
    EXPECT_EQ(Selector({c.c}).Matches(bare), c.on_bare) << c.c.key;
  }
}

TEST(SelectorTest, AllConditionsMustHold) {
  const Selector s({{"role", Kind::kEquals, {"web"}}, {"env", Kind::kNoneOf, {"production"}}});
  EXPECT_FALSE(s.Matches({{"role", "web"}, {"env", "production"}}));
  EXPECT_TRUE(s.Matches({{"role", "web"}, {"env", "staging"}}));
}

TEST(DiskProbeTest, RootIsMeasuredWithCheckDiskStylePerfdata) {
  const CheckResult r = RunDiskCheck(DiskCheckSpec{{"/"}, 100, 100});
  ASSERT_NE(r.state, State::kUnknown) << r.text;
  ASSERT_EQ(r.perfdata.size(), 1u);
  EXPECT_EQ(r.perfdata[0].label, "/");
  EXPECT_EQ(r.perfdata[0].uom, "B");
  EXPECT_GT(r.perfdata[0].max.value_or(0), 0);
  EXPECT_NE(r.text.find("% used"), std::string::npos);
}

TEST(DiskProbeTest, ThresholdsOfZeroPercentMakeItCritical) {
  EXPECT_EQ(RunDiskCheck(DiskCheckSpec{{"/"}, 0, 0}).state, State::kCritical);
}

TEST(DiskProbeTest, AMissingPathIsUnknown) {
  const CheckResult r = RunDiskCheck(DiskCheckSpec{{"/nonexistent/path"}, 80, 90});
  EXPECT_EQ(r.state, State::kUnknown);
  EXPECT_NE(r.text.find("No such file"), std::string::npos);
}

TEST(DiskProbeTest, EveryLocalFilesystemIsFoundWithoutPseudoOnes) {
  const auto mounts = LocalMountPoints();
  EXPECT_FALSE(mounts.empty());
  for (const auto& m : mounts) EXPECT_FALSE(m.starts_with("/proc")) << m;
}

}  // namespace
}  // namespace gs::probes
