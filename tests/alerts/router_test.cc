#include "alerts/router.h"

#include <gtest/gtest.h>

namespace gs::alerts {
namespace {

using Cond = probes::Selector::Condition;

probes::Selector Eq(std::string key, std::string value) {
  return probes::Selector({Cond{std::move(key), Cond::Kind::kEquals, {std::move(value)}}});
}

TEST(RouterTest, EmptySelectorMatchesEverything) {
  std::vector<Route> routes = {{probes::Selector(), {"ops"}, true}};
  EXPECT_EQ(NotifiersFor(routes, {{"node", "web1"}}), std::vector<std::string>{"ops"});
}

TEST(RouterTest, EveryMatchingRouteContributesInOrderWithoutDuplicates) {
  std::vector<Route> routes = {
      {Eq("role", "web"), {"web-team", "ops"}, true},
      {Eq("role", "db"), {"dba"}, true},
      {probes::Selector(), {"ops", "archive"}, true},
  };
  EXPECT_EQ(NotifiersFor(routes, {{"role", "web"}, {"node", "web1"}, {"check", "http"}}),
            (std::vector<std::string>{"web-team", "ops", "archive"}));
  EXPECT_EQ(NotifiersFor(routes, {{"role", "db"}}),
            (std::vector<std::string>{"dba", "ops", "archive"}));
}

TEST(RouterTest, StopsAfterMatchingRouteWithoutContinue) {
  std::vector<Route> routes = {
      {Eq("check", "disk"), {"storage"}, false},
      {probes::Selector(), {"ops"}, true},
  };
  EXPECT_EQ(NotifiersFor(routes, {{"check", "disk"}}), std::vector<std::string>{"storage"});
  EXPECT_EQ(NotifiersFor(routes, {{"check", "http"}}), std::vector<std::string>{"ops"});
}

TEST(RouterTest, PseudoTagsNodeAndCheckCanBeMatched) {
  std::vector<Route> routes = {{Eq("node", "db1"), {"pager"}, true}};
  EXPECT_EQ(NotifiersFor(routes, {{"node", "db1"}, {"check", "mysql"}}),
            std::vector<std::string>{"pager"});
  EXPECT_TRUE(NotifiersFor(routes, {{"node", "db2"}}).empty());
}

TEST(RouterTest, NoRoutesNoNotifiers) { EXPECT_TRUE(NotifiersFor({}, {{"a", "b"}}).empty()); }

}  // namespace
}  // namespace gs::alerts
