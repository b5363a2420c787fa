#include "probes/target.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace gs::probes
