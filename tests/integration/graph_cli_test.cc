// `groundstation graph`: the real binary drawing a file the real rrdtool wrote.
#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <string>

#include "tests/support/peers.h"
#include "tests/support/rrd_files.h"

namespace gs::test {
namespace {

class GraphCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::filesystem::path file = dir.path() / "rrd/web01/http/time_total.rrd";
    const long now = static_cast<long>(std::time(nullptr));
    ASSERT_TRUE(WriteRrd(file, 60, {{now - 120, 0.2}, {now - 60, 0.3}}));
  }

  CommandResult Graph(std::vector<std::string> args) {
    args.insert(args.begin(), {GS_BINARY, "graph"});
    args.insert(args.end(), {"--data-dir", dir.path().string()});
    return RunCommand(args);
  }

  TempDir dir;
};

TEST_F(GraphCliTest, WritesAPngOrAnSvgOfAMetric) {
  const std::string png = (dir.path() / "out.png").string();
  const CommandResult r = Graph(
      {"web01", "http", "time_total", "--period", "hour", "--trend", "--warn", "0.5", "-o", png});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(png).rfind("\x89PNG", 0), 0u);
  const CommandResult svg = Graph({"web01", "http", "time_total", "--svg"});  // to stdout
  ASSERT_EQ(svg.exit_code, 0) << svg.err;
  EXPECT_NE(svg.out.find("<svg"), std::string::npos);
}

TEST_F(GraphCliTest, NoDataIsExit1AndBadOptionsExit2) {
  const CommandResult missing = Graph({"web01", "http", "nosuch", "-o", "/dev/null"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no data for web01/http/nosuch"), std::string::npos) << missing.err;
  EXPECT_EQ(Graph({"web01", "http"}).exit_code, 2);
  EXPECT_EQ(Graph({"web01", "http", "time_total", "--period", "decade"}).exit_code, 2);
  EXPECT_EQ(Graph({"web01", "http", "time_total", "--bogus"}).exit_code, 2);
}

}  // namespace
}  // namespace gs::test
