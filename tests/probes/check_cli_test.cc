#include "probes/check_cli.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace gs::probes {
namespace {

int Cli(std::vector<std::string> args, std::string& out, std::string& err) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  std::ostringstream o;
  std::ostringstream e;
  const int code = RunCheckCli(static_cast<int>(argv.size()), argv.data(), o, e);
  out = o.str();
  err = e.str();
  return code;
}

TEST(CheckCliTest, HelpListsEveryKindAndEachKindsOptions) {
  std::string out;
  std::string err;
  EXPECT_EQ(Cli({"--help"}, out, err), 3);  // Nagios plugins exit UNKNOWN after --help
  for (const char* kind : {"http", "tcp", "tls", "mysql", "disk", "raid", "nrpe", "exec"}) {
    EXPECT_NE(out.find("\n  " + std::string(kind) + " "), std::string::npos) << kind;
    EXPECT_NE(out.find("Usage: groundstation check " + std::string(kind)), std::string::npos)
        << kind;
  }
}

TEST(CheckCliTest, AnUnknownKindIsUnknownWithTheListOnStderr) {
  std::string out;
  std::string err;
  EXPECT_EQ(Cli({"ftp"}, out, err), 3);
  EXPECT_EQ(out, "CHECK UNKNOWN - unknown check kind 'ftp'\n");
  EXPECT_NE(err.find("  nrpe  "), std::string::npos) << err;
}

TEST(CheckCliTest, EachKindsBadArgumentsAreUnknownWithItsLabel) {
  const struct {
    const char* kind;
    const char* label;
  } cases[] = {{"tcp", "TCP"},   {"tls", "TLS"},   {"mysql", "MYSQL"}, {"disk", "DISK"},
               {"raid", "RAID"}, {"nrpe", "NRPE"}, {"exec", "EXEC"},   {"http", "HTTP"}};
  for (const auto& c : cases) {
    std::string out;
    std::string err;
    EXPECT_EQ(Cli({c.kind, "--no-such-option"}, out, err), 3) << c.kind;
    EXPECT_TRUE(out.starts_with(std::string(c.label) + " UNKNOWN - ")) << out;
    EXPECT_NE(err.find("Usage: groundstation check"), std::string::npos) << c.kind;
  }
}

}  // namespace
}  // namespace gs::probes
