#include "dashboards/links.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace gs::dashboards {
namespace {

TEST(SiteNameTest, OneSafeFileNamePerName) {
  EXPECT_EQ(SiteName("web01"), "web01");
  EXPECT_EQ(SiteName("/"), "%2F");
  EXPECT_EQ(SiteName("/var inodes"), "%2Fvar%20inodes");
  EXPECT_EQ(SiteName("log:ssh"), "log%3Assh");
  EXPECT_EQ(SiteName("."), "%2E");
  EXPECT_EQ(SiteName(".."), "%2E%2E");
  EXPECT_EQ(SiteName(""), "%00");
  // Names that SanitizeName would merge ("/" and "_") stay apart.
  EXPECT_NE(SiteName("/"), SiteName("_"));
}

TEST(SiteNameTest, LongNamesAreCutWithAHashAndStayDistinct) {
  const std::string a(300, '/');
  std::string b = a;
  b.back() = '_';
  const std::string sa = SiteName(a);
  const std::string sb = SiteName(b);
  EXPECT_LE(sa.size(), 200u);
  EXPECT_NE(sa, sb);
  EXPECT_NE(sa.find('~'), std::string::npos);
  // Never a broken %XX escape before the hash.
  const std::size_t tilde = sa.find('~');
  const std::size_t pct = sa.rfind('%', tilde);
  EXPECT_EQ(tilde - pct, 3u) << sa;
}

TEST(LinksTest, ServerLinksAreTheDaemonsUrls) {
  const Links links = Links::Server();
  EXPECT_TRUE(links.live());
  EXPECT_EQ(links.Home(), "/");
  EXPECT_EQ(links.Node("web 01"), "/nodes/web%2001");
  EXPECT_EQ(links.Check("a", "log:x"), "/nodes/a/log%3Ax");
  EXPECT_EQ(links.Dashboards(), "/dashboards");
  EXPECT_EQ(links.Dashboard("web"), "/dashboards/web");
  EXPECT_EQ(links.Graph("a", "b", "c", 1.5, std::nullopt, "week", 480, 120),
            "/graph/a/b/c.png?period=week&width=480&height=120&warn=1.5");
  EXPECT_EQ(links.DashboardGraph("web", 2, "day", 720, 200),
            "/dashboards/web/2.png?period=day&width=720&height=200");
  EXPECT_TRUE(links.images().empty());
}

TEST(LinksTest, StaticLinksAreRelativeFilesAndRecordEachImage) {
  Links links = Links::Static(2);
  EXPECT_FALSE(links.live());
  EXPECT_EQ(links.Home(), "../../index.html");
  EXPECT_EQ(links.Node("web 01"), "../../nodes/web%252001/index.html");
  EXPECT_EQ(links.Check("a", "log:x"), "../../nodes/a/log%253Ax/index.html");
  EXPECT_EQ(links.Dashboards(), "../../dashboards/index.html");
  EXPECT_EQ(links.Dashboard("web"), "../../dashboards/web/index.html");
  EXPECT_EQ(links.Graph("a", "disk", "/", 80, 90, "day", 480, 120),
            "../../graphs/a/disk/%252F.day.png");
  EXPECT_EQ(links.DashboardGraph("web", 2, "month", 720, 200), "../../dashboards/web/2.month.png");
  ASSERT_EQ(links.images().size(), 2u);
  EXPECT_EQ(links.images()[0].file, "graphs/a/disk/%2F.day.png");
  EXPECT_EQ(links.images()[0].metric, "/");
  EXPECT_EQ(links.images()[0].warn, 80);
  EXPECT_EQ(links.images()[1].file, "dashboards/web/2.month.png");
  EXPECT_EQ(links.images()[1].dashboard, "web");
  EXPECT_EQ(links.images()[1].index, 2u);
  EXPECT_EQ(links.TakeImages().size(), 2u);
  EXPECT_TRUE(links.images().empty());
  EXPECT_EQ(Links::Static(0).Home(), "index.html");
}

}  // namespace
}  // namespace gs::dashboards
