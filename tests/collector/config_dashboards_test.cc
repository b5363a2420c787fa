// The dashboards: section and the definition files: the shipped ones, an operator's directory
// replacing them by name, and every kind of mistake reported as a config error.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "dashboards/shipped.h"
#include "tests/collector/config_test_support.h"
#include "tests/support/peers.h"

namespace gs::collector {
namespace {

const dashboards::Dashboard* Find(const Config& c, const std::string& name) {
  for (const auto& d : c.dashboards.list) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

TEST(ConfigDashboardsTest, TheShippedDefinitionsAreThereEvenInAnEmptyConfig) {
  for (const std::string yaml : {"", "data_dir: ./x\n"}) {
    const Config c = Load(yaml);
    ASSERT_EQ(c.dashboards.list.size(), dashboards::ShippedDashboards().size());
    for (const char* name : {"capacity", "database", "overview", "syslog", "web"}) {
      const dashboards::Dashboard* d = Find(c, name);
      ASSERT_NE(d, nullptr) << name;
      EXPECT_FALSE(d->graphs.empty()) << name;
      EXPECT_EQ(d->source, "<shipped>/" + std::string(name) + ".yaml");
    }
  }
  const Config c = Load("");
  const dashboards::Dashboard* web = Find(c, "web");
  EXPECT_EQ(web->title, "Web tier");
  const dashboards::DashboardGraph& time = web->graphs[0];
  EXPECT_EQ(time.metric, std::vector<std::string>{"time_total"});
  ASSERT_TRUE(time.select);
  EXPECT_TRUE(time.select->Matches({{"role", "web"}}));
  EXPECT_FALSE(time.select->Matches({{"role", "db"}}));
  ASSERT_EQ(time.thresholds.size(), 2u);
  EXPECT_EQ(time.thresholds[0].value, 0.5);
  EXPECT_EQ(time.thresholds[1].value, 2);
  const dashboards::DashboardGraph& disk = Find(c, "overview")->graphs[1];
  EXPECT_EQ(disk.metric, (std::vector<std::string>{"*", "!* inodes"}));
}

TEST(ConfigDashboardsTest, AnOperatorDirectoryAddsAndReplacesByName) {
  test::TempDir dir;
  ASSERT_TRUE(test::WriteFile(dir / "web.yaml",
                              "title: Our web\ngraphs:\n  - {title: t, metric: time_ttfb}\n"));
  ASSERT_TRUE(test::WriteFile(dir / "queue.yml",
                              "description: jobs waiting\n"
                              "graphs:\n"
                              "  - title: Queue depth\n"
                              "    select: {role: worker, env: [\"!dev\"]}\n"
                              "    check: [\"queue*\", \"!queue_test\"]\n"
                              "    metric: depth\n"
                              "    unit: jobs\n"
                              "    stack: true\n"
                              "    trend: true\n"
                              "    warn: 100\n"
                              "    min: 0\n"
                              "    max: 1000\n"
                              "    period: week\n"
                              "    limit: 5\n"));
  ASSERT_TRUE(test::WriteFile(dir / "notes.txt", "not a dashboard"));
  const Config c = Load("dashboards: {dir: " + dir.path().string() + "}\n");
  EXPECT_EQ(c.dashboards.list.size(), dashboards::ShippedDashboards().size() + 1);
  EXPECT_EQ(Find(c, "web")->title, "Our web");
  EXPECT_EQ(Find(c, "web")->source, (dir / "web.yaml").string());
  const dashboards::Dashboard* queue = Find(c, "queue");
  ASSERT_NE(queue, nullptr);
  EXPECT_EQ(queue->title, "queue");  // no title: the name
  const dashboards::DashboardGraph& g = queue->graphs.at(0);
  EXPECT_EQ(g.check, (std::vector<std::string>{"queue*", "!queue_test"}));
  EXPECT_TRUE(g.stacked);
  EXPECT_TRUE(g.trend);
  EXPECT_EQ(g.thresholds.size(), 1u);
  EXPECT_EQ(g.min, 0);
  EXPECT_EQ(g.max, 1000);
  EXPECT_EQ(g.period, "week");
  EXPECT_EQ(g.limit, 5);
  EXPECT_EQ(g.unit, "jobs");

  const Config only = Load("dashboards: {dir: " + dir.path().string() + ", shipped: false}\n");
  EXPECT_EQ(only.dashboards.list.size(), 2u);
  EXPECT_EQ(Find(only, "overview"), nullptr);
}

TEST(ConfigDashboardsTest, MistakesInADefinitionAreConfigErrorsWithTheFileAndLine) {
  test::TempDir dir;
  const std::string section = "dashboards: {dir: " + dir.path().string() + "}\n";
  const auto refused = [&](const std::string& text, const std::string& needle) {
    EXPECT_TRUE(test::WriteFile(dir / "bad.yaml", text));
    return Refused(section, needle);
  };
  EXPECT_TRUE(refused("graphs:\n  - {title: t, colour: red}\n",
                      "bad.yaml:2:16: graphs[0].colour: unknown key"));
  EXPECT_TRUE(refused("graphs:\n  - {title: t, period: fortnight}\n",
                      "graphs[0].period: must be hour, day, week, month or year"));
  EXPECT_TRUE(refused("graphs:\n  - {metric: x}\n", "graphs[0].title: is required"));
  EXPECT_TRUE(refused("title: x\n", "graphs: is required"));
  EXPECT_TRUE(refused("graphs:\n  - {title: t, min: 5, max: 1}\n", "must be greater than min"));
  EXPECT_TRUE(refused("graphs:\n  - {title: t, warn: lots}\n", "graphs[0].warn"));
  EXPECT_TRUE(refused("graphs:\n  - {title: t, limit: 0}\n", "graphs[0].limit"));
  EXPECT_TRUE(refused("graphs:\n  - {title: t, metric: \"\"}\n", "patterns must not be empty"));
  EXPECT_TRUE(refused("graphs:\n  - {title: t, select: {role: [web}}\n", "bad.yaml:2"));
  EXPECT_TRUE(refused("graphs: [\n", "YAML syntax"));
  std::filesystem::remove(dir / "bad.yaml");
  ASSERT_TRUE(test::WriteFile(dir / "has space.yaml", "graphs: []\n"));
  EXPECT_TRUE(Refused(section, "a dashboard's file name must be"));
  std::filesystem::remove(dir / "has space.yaml");
  EXPECT_TRUE(Refused("dashboards: {dir: /nonexistent/dashboards}\n",
                      "dashboards.dir: \"/nonexistent/dashboards\" is not a readable directory"));
  EXPECT_TRUE(Refused("dashboards: {shipped: maybe}\n", "dashboards.shipped"));
  EXPECT_TRUE(Refused("dashboards: {folder: x}\n", "dashboards.folder: unknown key"));
}

}  // namespace
}  // namespace gs::collector
