// The inventory merge: precedence and shadowing, last good answers kept through failures and
// unconfirmed empty answers, sources dropped by a reload; and ExplainSelector's sentences.
#include "collector/inventory/inventory.h"

#include <gtest/gtest.h>

#include "collector/inventory/explain.h"
#include "collector/inventory/plan.h"

namespace gs::collector::inventory {
namespace {

using Outcome = Inventory::Outcome;
const auto kNow = std::chrono::system_clock::time_point(std::chrono::hours(500'000));

DiscoveredNode N(const std::string& name, const std::string& address = "10.0.0.1",
                 Lifecycle lifecycle = Lifecycle::kRunning) {
  return DiscoveredNode{{name, address, {{"role", "web"}}}, lifecycle};
}

Inventory ThreeSources() {
  Inventory inv;
  inv.SetSources({{"config", 0, true}, {"ec2:prod", 1, false}, {"register", 3, true}});
  return inv;
}

TEST(InventoryTest, LowerPrecedenceWinsAndTheLosersAreListedAsShadowed) {
  Inventory inv = ThreeSources();
  EXPECT_EQ(inv.Update("register", std::vector{N("web01", "10.9.9.9"), N("web09")}, kNow),
            Outcome::kChanged);
  EXPECT_EQ(inv.Update("ec2:prod", std::vector{N("web01", "10.0.0.5")}, kNow), Outcome::kChanged);
  EXPECT_EQ(inv.Update("config", std::vector{N("web01", "10.0.0.1")}, kNow), Outcome::kChanged);
  ASSERT_EQ(inv.nodes().size(), 2u);
  const InventoryEntry& web01 = inv.nodes().at("web01");
  EXPECT_EQ(web01.source, "config");
  EXPECT_EQ(web01.node->address, "10.0.0.1");
  EXPECT_EQ(web01.shadowed, (std::vector<std::string>{"ec2:prod", "register"}));
  EXPECT_EQ(inv.nodes().at("web09").source, "register");
}

TEST(InventoryTest, TheSameAnswerAgainIsUnchanged) {
  Inventory inv = ThreeSources();
  EXPECT_EQ(inv.Update("ec2:prod", std::vector{N("b"), N("a")}, kNow), Outcome::kChanged);
  EXPECT_EQ(inv.Update("ec2:prod", std::vector{N("a"), N("b")}, kNow), Outcome::kUnchanged);
  EXPECT_EQ(inv.source("ec2:prod")->refreshes, 2u);
}

// A refresh that changes one node replaces that one; the others stay the very same objects,
// which the jobs of those nodes keep sharing.
TEST(InventoryTest, UnchangedNodesKeepTheirSharedCopy) {
  Inventory inv = ThreeSources();
  inv.Update("ec2:prod", std::vector{N("a"), N("b"), N("c")}, kNow);
  const NodeRef a = inv.nodes().at("a").node;
  const NodeRef b = inv.nodes().at("b").node;
  EXPECT_EQ(inv.Update("ec2:prod", std::vector{N("c"), N("b", "10.0.0.2"), N("a")}, kNow),
            Outcome::kChanged);
  EXPECT_EQ(inv.nodes().at("a").node, a);
  EXPECT_NE(inv.nodes().at("b").node, b);
  EXPECT_EQ(inv.nodes().at("b").node->address, "10.0.0.2");
  EXPECT_EQ(inv.source("ec2:prod")->nodes.size(), 3u);
  EXPECT_EQ(inv.Update("ec2:prod", std::vector{N("a"), N("b", "10.0.0.2")}, kNow),
            Outcome::kChanged);
  EXPECT_EQ(inv.nodes().count("c"), 0u);
}

TEST(InventoryTest, AFailureKeepsTheLastGoodAnswer) {
  Inventory inv = ThreeSources();
  inv.Update("ec2:prod", std::vector{N("a"), N("b")}, kNow);
  EXPECT_EQ(inv.Update("ec2:prod", Fail("EC2 error RequestLimitExceeded: slow down"), kNow),
            Outcome::kKept);
  EXPECT_EQ(inv.nodes().size(), 2u);
  const SourceStatus& s = *inv.source("ec2:prod");
  EXPECT_TRUE(s.failing);
  EXPECT_EQ(s.last_error, "EC2 error RequestLimitExceeded: slow down");
  EXPECT_EQ(s.failures, 1u);
  EXPECT_EQ(inv.Update("ec2:prod", std::vector{N("a")}, kNow), Outcome::kChanged);
  EXPECT_FALSE(inv.source("ec2:prod")->failing);
  EXPECT_EQ(inv.nodes().size(), 1u);
}

TEST(InventoryTest, AnEmptyAnswerNeedsConfirmingAndOneAfterAnErrorDoesNotCount) {
  Inventory inv = ThreeSources();
  inv.Update("ec2:prod", std::vector{N("a"), N("b")}, kNow);
  EXPECT_EQ(inv.Update("ec2:prod", std::vector<DiscoveredNode>{}, kNow), Outcome::kKept);
  EXPECT_TRUE(inv.source("ec2:prod")->failing);
  EXPECT_EQ(inv.nodes().size(), 2u);
  EXPECT_EQ(inv.Update("ec2:prod", std::vector<DiscoveredNode>{}, kNow), Outcome::kChanged);
  EXPECT_TRUE(inv.nodes().empty());
  EXPECT_FALSE(inv.source("ec2:prod")->failing);

  inv.Update("ec2:prod", std::vector{N("a")}, kNow);
  inv.Update("ec2:prod", Fail("timeout"), kNow);
  EXPECT_EQ(inv.Update("ec2:prod", std::vector<DiscoveredNode>{}, kNow), Outcome::kKept);
  EXPECT_EQ(inv.Update("ec2:prod", std::vector<DiscoveredNode>{}, kNow), Outcome::kKept);
  EXPECT_EQ(inv.nodes().size(), 1u);
  EXPECT_EQ(inv.Update("ec2:prod", std::vector<DiscoveredNode>{}, kNow), Outcome::kChanged);
  EXPECT_TRUE(inv.nodes().empty());
}

TEST(InventoryTest, AuthoritativeSourcesEmptyAtOnce) {
  Inventory inv = ThreeSources();
  inv.Update("register", std::vector{N("a")}, kNow);
  EXPECT_EQ(inv.Update("register", std::vector<DiscoveredNode>{}, kNow), Outcome::kChanged);
  EXPECT_TRUE(inv.nodes().empty());
}

TEST(InventoryTest, ReloadKeepsListedSourcesAndDropsTheOthers) {
  Inventory inv = ThreeSources();
  inv.Update("ec2:prod", std::vector{N("a")}, kNow);
  inv.Update("register", std::vector{N("r")}, kNow);
  inv.SetSources({{"config", 0, true}, {"ec2:prod", 1, false}});
  EXPECT_EQ(inv.nodes().size(), 1u);
  EXPECT_TRUE(inv.source("ec2:prod")->answered);
  EXPECT_EQ(inv.source("register"), nullptr);
  EXPECT_EQ(inv.Update("register", std::vector{N("r")}, kNow), Outcome::kUnchanged);
  EXPECT_EQ(inv.nodes().size(), 1u);
}

TEST(InventoryTest, LifecycleIsKeptAndNamed) {
  Inventory inv = ThreeSources();
  inv.Update("ec2:prod", std::vector{N("a", "10.0.0.1", Lifecycle::kStopped)}, kNow);
  EXPECT_EQ(inv.nodes().at("a").node->lifecycle, Lifecycle::kStopped);
  EXPECT_EQ(LifecycleName(Lifecycle::kTerminated), "terminated");
  EXPECT_EQ(LifecycleName(Lifecycle::kPending), "pending");
}

TEST(InventoryTest, ARestoredAnswerStandsInUntilTheSourceAnswers) {
  Inventory inv = ThreeSources();
  inv.Restore("ec2:prod", {N("b"), N("a")});
  EXPECT_EQ(inv.nodes().size(), 2u);
  EXPECT_FALSE(inv.source("ec2:prod")->answered);
  // A failure keeps it; the first real answer replaces it; later restores are ignored.
  EXPECT_EQ(inv.Update("ec2:prod", Fail("down"), kNow), Outcome::kKept);
  EXPECT_EQ(inv.nodes().size(), 2u);
  EXPECT_EQ(inv.Update("ec2:prod", std::vector{N("c")}, kNow), Outcome::kChanged);
  inv.Restore("ec2:prod", {N("x")});
  ASSERT_EQ(inv.nodes().size(), 1u);
  EXPECT_EQ(inv.nodes().begin()->first, "c");
  inv.Restore("nosuch", {N("x")});
  EXPECT_EQ(inv.nodes().size(), 1u);
}

TEST(InventoryTest, NodesRoundTripThroughTheirJsonAndBadEntriesAreSkipped) {
  const std::vector<DiscoveredNode> nodes{N("a", "10.0.0.1", Lifecycle::kStopped),
                                          DiscoveredNode{{"b", "", {}}, Lifecycle::kRunning}};
  std::vector<NodeRef> refs;
  for (const DiscoveredNode& n : nodes) refs.push_back(std::make_shared<const DiscoveredNode>(n));
  EXPECT_EQ(DecodeNodes(EncodeNodes(refs)), nodes);
  EXPECT_TRUE(DecodeNodes("not json").empty());
  EXPECT_TRUE(DecodeNodes("{}").empty());
  const auto some = DecodeNodes(
      R"([{"name": "a", "address": "x", "tags": {}, "lifecycle": "running"},
          {"name": 1, "address": "x", "tags": {}, "lifecycle": "running"},
          {"name": "c", "address": "x", "tags": {}, "lifecycle": "exploded"}, 7])");
  ASSERT_EQ(some.size(), 1u);
  EXPECT_EQ(some[0].name, "a");
  EXPECT_EQ(ParseLifecycle("stopping"), Lifecycle::kStopping);
  EXPECT_EQ(ParseLifecycle("Running"), std::nullopt);
}

TEST(PlanJobsTest, RunningNodesWithAnAddressThatTheSelectorMatches) {
  Inventory inv = ThreeSources();
  inv.Update("ec2:prod",
             std::vector{N("a"), N("b", "10.0.0.2", Lifecycle::kStopped), N("c", ""),
                         DiscoveredNode{{"d", "10.0.0.4", {{"role", "db"}}}, Lifecycle::kRunning}},
             kNow);
  CheckConfig web;
  web.name = "http";
  web.select = probes::Selector({{"role", probes::Selector::Condition::Kind::kEquals, {"web"}}});
  CheckConfig all;
  all.name = "ping";
  const std::vector<JobSpec> jobs = PlanJobs({web, all}, inv.nodes());
  std::vector<std::string> keys;
  for (const JobSpec& j : jobs) keys.push_back(j.check->name + "/" + j.target->name);
  EXPECT_EQ(keys, (std::vector<std::string>{"http/a", "ping/a", "ping/d"}));
  EXPECT_EQ(jobs[0].target->address, "10.0.0.1");
  EXPECT_EQ(jobs[0].target->tags.at("role"), "web");
  // Both checks of node a refer to the inventory's one copy of it.
  EXPECT_EQ(jobs[0].target.get(), inv.nodes().at("a").node.get());
  EXPECT_EQ(jobs[1].target.get(), jobs[0].target.get());
}

TEST(ExplainSelectorTest, OneSentencePerCondition) {
  using C = probes::Selector::Condition;
  const probes::Selector select({C{"role", C::Kind::kEquals, {"web"}},
                                 C{"env", C::Kind::kOneOf, {"prod", "staging"}},
                                 C{"zone", C::Kind::kExists, {}}});
  const probes::Tags tags{{"role", "web"}, {"env", "dev"}};
  const SelectorExplanation why = ExplainSelector(select, tags);
  EXPECT_FALSE(why.matches);
  EXPECT_EQ(why.reasons, (std::vector<std::string>{
                             "role is \"web\" (wants web): yes",
                             "env is \"dev\" (wants one of [prod, staging]): no",
                             "zone is missing (wants it set): no",
                         }));
  const SelectorExplanation all = ExplainSelector(probes::Selector(), tags);
  EXPECT_TRUE(all.matches);
  EXPECT_EQ(all.reasons, (std::vector<std::string>{"empty selector: every node"}));
}

}  // namespace
}  // namespace gs::collector::inventory
