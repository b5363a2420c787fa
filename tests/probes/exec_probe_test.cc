#include "probes/exec_probe.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "probes/check_cli_support.h"
#include "tests/support/peers.h"

namespace gs::probes {
namespace {

using namespace std::chrono_literals;
using test::TempDir;

constexpr const char* kPlugins = "/usr/lib/nagios/plugins";

std::string Plugin(const std::string& name) { return std::string(kPlugins) + "/" + name; }

bool PluginsInstalled() { return std::filesystem::exists(Plugin("check_dummy")); }

CheckResult RunArgv(std::vector<std::string> argv, std::chrono::milliseconds timeout = 10s) {
  ExecSpec spec;
  spec.argv = std::move(argv);
  spec.timeout = timeout;
  return RunExecCheck(spec);
}

CheckResult Shell(const std::string& script, std::chrono::milliseconds timeout = 10s) {
  return RunArgv({"/bin/sh", "-c", script}, timeout);
}

TEST(ExecProbeTest, CheckDummyExitCodesMapToTheirStates) {
  if (!PluginsInstalled()) GTEST_SKIP() << "monitoring-plugins-basic is not installed";
  for (int code = 0; code <= 3; ++code) {
    const CheckResult r = RunArgv({Plugin("check_dummy"), std::to_string(code), "said so"});
    EXPECT_EQ(r.state, StateFromExit(code)) << code;
    EXPECT_NE(r.text.find("said so"), std::string::npos) << r.text;
    EXPECT_GT(r.duration.count(), 0);
  }
}

TEST(ExecProbeTest, AnExitCodeOutsideZeroToThreeIsUnknownAndSaysSo) {
  const CheckResult r = Shell("echo 'odd'; exit 4");
  EXPECT_EQ(r.state, State::kUnknown);
  EXPECT_EQ(r.text, "odd");
  EXPECT_NE(r.long_text.find("Return code of 4 is out of bounds"), std::string::npos);
}

TEST(ExecProbeTest, ParsesLongOutputAndPerfdataOnEveryLine) {
  // In sh, '"'"' inside single quotes is one literal quote: the label is 'a b'.
  const CheckResult r = Shell(
      "printf 'DISK OK - free space | /=10B;20;30;0;40\\nline two\\nline three | "
      "'\"'\"'a b'\"'\"'=5%%;;;0;100\\nx=1c\\n'");
  EXPECT_EQ(r.state, State::kOk);
  EXPECT_EQ(r.text, "DISK OK - free space");
  EXPECT_EQ(r.long_text, "line two\nline three");
  ASSERT_EQ(r.perfdata.size(), 3U);
  EXPECT_EQ(r.perfdata[0].label, "/");
  EXPECT_EQ(r.perfdata[1].label, "a b");
  EXPECT_EQ(r.perfdata[1].uom, "%");
  EXPECT_EQ(r.perfdata[2].uom, "c");
}

TEST(ExecProbeTest, MalformedPerfdataIsReportedNotDropped) {
  const CheckResult r = Shell("echo 'OK | good=1 bad=x1 also=2'");
  EXPECT_EQ(r.state, State::kOk);
  ASSERT_EQ(r.perfdata.size(), 2U);
  EXPECT_NE(r.long_text.find("perfdata ignored"), std::string::npos) << r.long_text;
  EXPECT_NE(r.long_text.find("bad"), std::string::npos) << r.long_text;
}

TEST(ExecProbeTest, ATimeoutKillsTheWholeProcessGroupAndIsCritical) {
  TempDir dir;
  const std::string pid_file = (dir / "grandchild.pid").string();
  // The plugin leaves a grandchild in its process group: it must die with the plugin.
  const CheckResult r =
      Shell("sleep 60 & echo $! > " + pid_file + "; echo 'started'; sleep 60", 300ms);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_NE(r.text.find("timed out after 0.3 s"), std::string::npos) << r.text;
  EXPECT_NE(r.long_text.find("partial output: started"), std::string::npos) << r.long_text;
  const pid_t grandchild = std::stoi(test::ReadFile(pid_file));
  ASSERT_GT(grandchild, 0);
  EXPECT_TRUE(test::WaitUntil([&] { return ::kill(grandchild, 0) != 0; }, 5s))
      << "grandchild " << grandchild << " survived the timeout";
}

TEST(ExecProbeTest, OutputPastTheCapIsCountedNotStored) {
  ExecSpec spec;
  spec.argv = {"/bin/sh", "-c", "head -c 200000 /dev/zero | tr '\\0' a; echo"};
  spec.max_output = 1000;
  const CheckResult r = RunExecCheck(spec);
  EXPECT_EQ(r.state, State::kOk);
  EXPECT_EQ(r.text.size(), 1000U);
  EXPECT_NE(r.long_text.find("output truncated: 199001 bytes over the 1000-byte limit"),
            std::string::npos)
      << r.long_text;
}

TEST(ExecProbeTest, StderrIsQuotedWhenStdoutIsEmpty) {
  const CheckResult r = Shell("echo 'cannot open /etc/x' >&2; exit 3");
  EXPECT_EQ(r.state, State::kUnknown);
  EXPECT_EQ(r.text, "(No output on stdout) stderr: cannot open /etc/x");
}

TEST(ExecProbeTest, AMissingProgramIsUnknownWithTheReason) {
  const CheckResult r = RunArgv({"/nonexistent/check_nothing"});
  EXPECT_EQ(r.state, State::kUnknown);
  EXPECT_EQ(r.text, "cannot run /nonexistent/check_nothing: No such file or directory");
}

TEST(ExecProbeTest, APluginKilledByASignalIsUnknown) {
  const CheckResult r = Shell("kill -SEGV $$");
  EXPECT_EQ(r.state, State::kUnknown);
  EXPECT_NE(r.text.find("killed by signal 11"), std::string::npos) << r.text;
}

TEST(ExecProbeTest, ThePluginInheritsNoDescriptorOfOurs) {
  const int leaked = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  ASSERT_GE(leaked, 0);
  const CheckResult r = Shell("ls /proc/$$/fd | tr '\\n' ' '");
  ::close(leaked);
  EXPECT_EQ(r.text, "0 1 2");
}

TEST(ExecProbeTest, ThePluginGetsDefaultSignalsAndANullStdin) {
  const sighandler_t old = ::signal(SIGPIPE, SIG_IGN);  // as the daemon has it
  const CheckResult r = Shell("yes | head -c 1 >/dev/null; read x; echo \"read=$?\"");
  ::signal(SIGPIPE, old);
  EXPECT_EQ(r.text, "read=1");  // stdin is /dev/null: read hits EOF at once
}

TEST(ExecProbeTest, RealMonitoringPluginsParse) {
  if (!PluginsInstalled()) GTEST_SKIP() << "monitoring-plugins-basic is not installed";
  const CheckResult load =
      RunArgv({Plugin("check_load"), "-w", "500,500,500", "-c", "900,900,900"});
  EXPECT_EQ(load.state, State::kOk) << load.text;
  ASSERT_EQ(load.perfdata.size(), 3U);
  EXPECT_EQ(load.perfdata[0].label, "load1");
  const CheckResult disk = RunArgv({Plugin("check_disk"), "-w", "1%", "-c", "1%", "-p", "/"});
  EXPECT_NE(disk.state, State::kUnknown) << disk.text;
  ASSERT_EQ(disk.perfdata.size(), 1U);
  EXPECT_EQ(disk.perfdata[0].label, "/");
  EXPECT_EQ(disk.perfdata[0].uom, "B");
  const CheckResult procs = RunArgv({Plugin("check_procs"), "-c", "1:", "-C", "sh"});
  EXPECT_NE(procs.state, State::kUnknown) << procs.text;
  ASSERT_FALSE(procs.perfdata.empty());
  EXPECT_EQ(procs.perfdata[0].label, "procs");
}

TEST(ExecProbeTest, CheckHttpAgainstNginx) {
  if (!PluginsInstalled() || !test::Nginx::Available()) GTEST_SKIP() << "needs nginx + plugins";
  test::Nginx nginx;
  ASSERT_TRUE(nginx.Start()) << nginx.error();
  const std::string port = std::to_string(nginx.port());
  const CheckResult ok = RunArgv({Plugin("check_http"), "-H", "127.0.0.1", "-p", port, "-u", "/"});
  EXPECT_EQ(ok.state, State::kOk) << ok.text;
  EXPECT_NE(ok.text.find("200 OK"), std::string::npos);
  ASSERT_EQ(ok.perfdata.size(), 2U);
  EXPECT_EQ(ok.perfdata[0].label, "time");
  const CheckResult fail =
      RunArgv({Plugin("check_http"), "-H", "127.0.0.1", "-p", port, "-u", "/fail"});
  EXPECT_EQ(fail.state, State::kCritical) << fail.text;
}

TEST(ExecCliTest, PrintsThePluginOutputAsItWasAndItsExitCode) {
  std::ostringstream out;
  std::ostringstream err;
  const int code = cli::RunExec({"--", "/bin/sh", "-c", "echo 'WARN: x | a=1'; exit 1"}, out, err);
  EXPECT_EQ(code, 1);
  EXPECT_EQ(out.str(), "WARN: x | a=1\n");
}

TEST(ExecCliTest, JsonPrintsTheParsedResult) {
  std::ostringstream out;
  std::ostringstream err;
  const int code =
      cli::RunExec({"--json", "--", "/bin/sh", "-c", "echo 'fine | t=0.5s;1;2'"}, out, err);
  EXPECT_EQ(code, 0);
  EXPECT_NE(out.str().find("\"state\":\"OK\""), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("\"label\":\"t\""), std::string::npos) << out.str();
}

TEST(ExecCliTest, AMissingCommandIsAUsageError) {
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(cli::RunExec({"--json"}, out, err), 3);
  EXPECT_EQ(out.str(), "EXEC UNKNOWN - missing '-- COMMAND'\n");
}

}  // namespace
}  // namespace gs::probes
