#include "alerts/router.h"

#include <gtest/gtest.h>

namespace gs::alerts {
namespace {

using Cond = probes::Selector::Condition;

probes::Selector Eq(std::string key, std::string value) {
  return probes::Selector({Cond{std::move(key), Cond::Kind::kEquals, {std::move(value)}}});
}

Route R(probes::Selector match, std::vector<std::string> notify, bool continue_matching) {
  Route r;
  r.match = std::move(match);
  r.notify = std::move(notify);
  r.continue_matching = continue_matching;
  return r;
}

TEST(RouterTest, EmptySelectorMatchesEverything) {
  std::vector<Route> routes = {R(probes::Selector(), {"ops"}, true)};
  EXPECT_EQ(NotifiersFor(routes, {{"node", "web1"}}), std::vector<std::string>{"ops"});
}

TEST(RouterTest, EveryMatchingRouteContributesInOrderWithoutDuplicates) {
  std::vector<Route> routes = {
      R(Eq("role", "web"), {"web-team", "ops"}, true),
      R(Eq("role", "db"), {"dba"}, true),
      R(probes::Selector(), {"ops", "archive"}, true),
  };
  EXPECT_EQ(NotifiersFor(routes, {{"role", "web"}, {"node", "web1"}, {"check", "http"}}),
            (std::vector<std::string>{"web-team", "ops", "archive"}));
  EXPECT_EQ(NotifiersFor(routes, {{"role", "db"}}),
            (std::vector<std::string>{"dba", "ops", "archive"}));
}

TEST(RouterTest, StopsAfterMatchingRouteWithoutContinue) {
  std::vector<Route> routes = {
      R(Eq("check", "disk"), {"storage"}, false),
      R(probes::Selector(), {"ops"}, true),
  };
  EXPECT_EQ(NotifiersFor(routes, {{"check", "disk"}}), std::vector<std::string>{"storage"});
  EXPECT_EQ(NotifiersFor(routes, {{"check", "http"}}), std::vector<std::string>{"ops"});
}

TEST(RouterTest, StatesLimitARouteAndGroupKeysAreStable) {
  Route pager = R(probes::Selector(), {"pager"}, true);
  pager.states = {probes::State::kCritical};
  pager.group_by = {"check", "role"};
  std::vector<Route> routes = {pager, R(probes::Selector(), {"ops"}, true)};
  EXPECT_EQ(NotifiersFor(routes, {{"role", "web"}}, probes::State::kWarning),
            std::vector<std::string>{"ops"});
  EXPECT_EQ(NotifiersFor(routes, {{"role", "web"}}, probes::State::kCritical),
            (std::vector<std::string>{"pager", "ops"}));
  const probes::Tags labels = GroupLabels(pager, {{"role", "web"}, {"check", "http"}, {"x", "y"}});
  EXPECT_EQ(labels, (probes::Tags{{"check", "http"}, {"role", "web"}}));
  EXPECT_EQ(GroupKey(RouteKey(routes, 0), labels), "route0:pager{check=http,role=web}");
  routes[0].name = "web-pager";
  EXPECT_EQ(RouteKey(routes, 0), "web-pager");
}

TEST(RouterTest, PseudoTagsNodeAndCheckCanBeMatched) {
  std::vector<Route> routes = {R(Eq("node", "db1"), {"pager"}, true)};
  EXPECT_EQ(NotifiersFor(routes, {{"node", "db1"}, {"check", "mysql"}}),
            std::vector<std::string>{"pager"});
  EXPECT_TRUE(NotifiersFor(routes, {{"node", "db2"}}).empty());
}

TEST(RouterTest, NoRoutesNoNotifiers) { EXPECT_TRUE(NotifiersFor({}, {{"a", "b"}}).empty()); }

}  // namespace
}  // namespace gs::alerts
