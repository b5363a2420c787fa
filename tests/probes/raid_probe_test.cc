// The md RAID probe: /proc/mdstat fixtures modelled on real kernel output (md.c's
// md_seq_show) decoded, evaluated, and run through `check raid`.
#include "probes/raid_probe.h"

#include <gtest/gtest.h>

#include <sstream>

#include "probes/check_cli_support.h"
#include "probes/nagios_output.h"
#include "tests/support/peers.h"

namespace gs::probes {
namespace {

std::string FixturePath(const std::string& name) {
  return std::string(GS_SOURCE_DIR) + "/tests/probes/fixtures/mdstat/" + name;
}

MdstatReport Fixture(const std::string& name) {
  const std::string text = gs::test::ReadFile(FixturePath(name));
  EXPECT_FALSE(text.empty()) << "missing fixture " << name;
  return ParseMdstat(text);
}

const MdArray* Array(const MdstatReport& report, const std::string& name) {
  for (const MdArray& a : report.arrays) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

const Perfdata* Find(const CheckResult& r, const std::string& label) {
  for (const Perfdata& p : r.perfdata) {
    if (p.label == label) return &p;
  }
  return nullptr;
}

TEST(ParseMdstatTest, DecodesACleanRaid1) {
  const MdstatReport report = Fixture("clean_raid1.txt");
  EXPECT_EQ(report.personalities.size(), 8u);
  EXPECT_EQ(report.unparsed_lines, 0u);
  ASSERT_EQ(report.arrays.size(), 1u);
  const MdArray& a = report.arrays[0];
  EXPECT_EQ(a.name, "md0");
  EXPECT_TRUE(a.active);
  EXPECT_FALSE(a.read_only);
  EXPECT_EQ(a.level, "raid1");
  EXPECT_EQ(a.members, (std::vector<MdMember>{{"sdb1", 1}, {"sda1", 0}}));
  EXPECT_EQ(a.blocks, 976630464u);
  EXPECT_EQ(a.raid_disks, 2);
  EXPECT_EQ(a.active_disks, 2);
  EXPECT_EQ(a.status, "UU");
  EXPECT_EQ(a.sync, MdSync{});
  EXPECT_FALSE(a.Degraded());
}

TEST(ParseMdstatTest, DecodesEveryMemberFlag) {
  const MdstatReport report = Fixture("multiple.txt");
  const MdArray* md0 = Array(report, "md0");
  const MdArray* md3 = Array(report, "md3");
  ASSERT_NE(md0, nullptr);
  ASSERT_NE(md3, nullptr);
  EXPECT_TRUE(md0->members[2].spare);
  EXPECT_EQ(md0->members[2].device, "sdc1");
  EXPECT_TRUE(md3->members[0].write_mostly);
  EXPECT_TRUE(md3->members[1].replacement);
  EXPECT_EQ(md3->members[1].index, 1);
  const MdArray* md1 = Array(report, "md1");
  ASSERT_NE(md1, nullptr);
  EXPECT_TRUE(md1->members[0].failed);
  EXPECT_FALSE(md1->members[1].failed);
}

TEST(ParseMdstatTest, DecodesRecoveryProgressFinishAndSpeed) {
  const MdstatReport report = Fixture("raid1_recovery.txt");
  const MdArray& a = report.arrays.at(0);
  EXPECT_EQ(a.sync.action, MdSyncAction::kRecovery);
  EXPECT_EQ(a.sync.percent, 42.3);
  EXPECT_EQ(a.sync.finish_minutes, 12.5);
  EXPECT_EQ(a.sync.speed_kib, 374932.0);
  EXPECT_TRUE(a.Degraded());
}

TEST(ParseMdstatTest, DecodesACheckWithThePaddedPercentage) {
  const MdstatReport report = Fixture("raid6_check.txt");
  const MdArray& a = report.arrays.at(0);
  EXPECT_EQ(a.level, "raid6");
  EXPECT_EQ(a.sync.action, MdSyncAction::kCheck);
  EXPECT_EQ(a.sync.percent, 7.5);
  EXPECT_EQ(a.status, "UUUUUU");
}

TEST(ParseMdstatTest, DecodesAHundredPercentWithoutASpace) {
  const MdstatReport report = ParseMdstat(
      "md0 : active raid1 sdb1[1] sda1[0]\n"
      "      1000 blocks [2/2] [UU]\n"
      "      [====================>]  resync =100.0% (1000/1000) finish=0.0min speed=1K/sec\n");
  ASSERT_EQ(report.arrays.size(), 1u);
  EXPECT_EQ(report.arrays[0].sync.percent, 100.0);
  EXPECT_EQ(report.unparsed_lines, 0u);
}

TEST(ParseMdstatTest, DecodesDelayedAndPendingResyncs) {
  const MdstatReport report = Fixture("resync_delayed_pending.txt");
  ASSERT_EQ(report.arrays.size(), 3u);
  EXPECT_EQ(report.arrays[0].sync.action, MdSyncAction::kResync);
  EXPECT_EQ(report.arrays[0].sync.percent, 17.9);
  EXPECT_TRUE(report.arrays[1].sync.delayed);
  EXPECT_FALSE(report.arrays[1].sync.percent);
  EXPECT_TRUE(report.arrays[2].sync.pending);
  EXPECT_TRUE(report.arrays[2].auto_read_only);
  EXPECT_EQ(report.unparsed_lines, 0u);
}

TEST(ParseMdstatTest, DecodesAnInactiveArrayWithoutLevelOrStatus) {
  const MdstatReport report = Fixture("inactive.txt");
  const MdArray& a = report.arrays.at(0);
  EXPECT_EQ(a.name, "md127");
  EXPECT_FALSE(a.active);
  EXPECT_TRUE(a.level.empty());
  EXPECT_EQ(a.members.size(), 2u);
  EXPECT_TRUE(a.members[0].spare && a.members[1].spare);
  EXPECT_EQ(a.blocks, 7813774336u);
  EXPECT_FALSE(a.raid_disks);
}

TEST(ParseMdstatTest, DecodesRaid10Raid0AndLinear) {
  const MdstatReport report = Fixture("raid10_raid0_linear.txt");
  ASSERT_EQ(report.arrays.size(), 3u);
  EXPECT_EQ(report.arrays[0].level, "raid10");
  EXPECT_EQ(report.arrays[0].status, "UUUU");
  EXPECT_EQ(report.arrays[1].level, "raid0");
  EXPECT_FALSE(report.arrays[1].raid_disks);
  EXPECT_EQ(report.arrays[2].level, "linear");
  EXPECT_TRUE(report.arrays[2].read_only);
  EXPECT_EQ(report.unparsed_lines, 0u);
}

TEST(ParseMdstatTest, CountsJunkAsNotesAndKeepsWhatParses) {
  const MdstatReport report = Fixture("junk.txt");
  const MdArray* md0 = Array(report, "md0");
  ASSERT_NE(md0, nullptr);
  EXPECT_EQ(md0->status, "UU");
  EXPECT_EQ(md0->sync.action, MdSyncAction::kNone);
  const MdArray* md1 = Array(report, "md1");
  ASSERT_NE(md1, nullptr);
  EXPECT_EQ(md1->members, std::vector<MdMember>{(MdMember{"sde1", 1})});
  EXPECT_FALSE(md1->raid_disks);  // "[UUX]" is no status
  ASSERT_NE(Array(report, "md2"), nullptr);
  // "garbage", "this line means nothing", "frobnicate", "sdd1[x]", "sdc1[0](Q)",
  // "[UUX]"'s blocks line is accepted, "[99999999999/2] blocks", the orphan line.
  EXPECT_EQ(report.unparsed_lines, 7u);
  ASSERT_EQ(report.notes.size(), 7u);
  EXPECT_EQ(report.notes[0], "line 2: unrecognised line 'garbage here !!'");
  EXPECT_EQ(report.notes[3], "line 7: unrecognised member 'sdd1[x]'");
}

TEST(ParseMdstatTest, ShowsBinaryJunkInNotesAsQuestionMarks) {
  const MdstatReport report = Fixture("junk_binary.txt");
  ASSERT_EQ(report.arrays.size(), 1u);
  ASSERT_EQ(report.notes.size(), 1u);
  EXPECT_EQ(report.notes[0], "line 4: unrecognised line '???? binary'");
}

TEST(ParseMdstatTest, CapsArraysAndMembers) {
  std::string text;
  for (std::size_t i = 0; i < kMaxMdArrays + 10; ++i) {
    text += "md" + std::to_string(i) + " : active raid1 sda[0]\n      1 blocks [1/1] [U]\n";
  }
  text += "md_big : active raid1";
  for (std::size_t i = 0; i < kMaxMdMembers + 3; ++i) text += " d" + std::to_string(i) + "[1]";
  const MdstatReport report = ParseMdstat(text + "\n");
  EXPECT_EQ(report.arrays.size(), kMaxMdArrays);
  EXPECT_EQ(report.dropped, 11u);
  EXPECT_EQ(report.unparsed_lines, 0u);  // lines of dropped arrays are skipped silently

  const MdstatReport one = ParseMdstat(text.substr(text.find("md_big")));
  ASSERT_EQ(one.arrays.size(), 1u);
  EXPECT_EQ(one.arrays[0].members.size(), kMaxMdMembers);
  EXPECT_EQ(one.dropped, 3u);
}

struct EvaluateCase {
  const char* fixture;
  State state;
  const char* text;
};

class EvaluateRaidTest : public ::testing::TestWithParam<EvaluateCase> {};

TEST_P(EvaluateRaidTest, GivesTheStateAndNamesTheArraysInTroubleFirst) {
  const EvaluateCase& c = GetParam();
  const CheckResult r = EvaluateRaid(Fixture(c.fixture), RaidCheckSpec{});
  EXPECT_EQ(r.state, c.state) << r.text;
  EXPECT_EQ(r.text, c.text);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, EvaluateRaidTest,
    ::testing::Values(
        EvaluateCase{"clean_raid1.txt", State::kOk, "md0 raid1 [UU]"},
        EvaluateCase{"raid5_degraded_failed.txt", State::kCritical,
                     "md2 degraded [UU_U] sdc1 failed"},
        EvaluateCase{"raid1_degraded_removed.txt", State::kCritical,
                     "md1 degraded [U_] 1 of 2 devices missing"},
        EvaluateCase{"raid1_recovery.txt", State::kWarning,
                     "md1 recovery 42.3% finish 12.5min [U_]"},
        EvaluateCase{"raid6_check.txt", State::kOk, "md3 check 7.5% finish 301.2min"},
        EvaluateCase{"raid5_reshape.txt", State::kWarning,
                     "md0 reshape 0.5% finish 1163.5min [UUUUU]"},
        EvaluateCase{"resync_delayed_pending.txt", State::kWarning,
                     "md10 resync 17.9% finish 128.0min [UU], md11 resync=DELAYED, "
                     "md12 resync=PENDING"},
        EvaluateCase{"inactive.txt", State::kCritical, "md127 inactive"},
        EvaluateCase{"raid10_raid0_linear.txt", State::kOk,
                     "md4 raid10 [UUUU], md5 raid0, md6 linear"},
        EvaluateCase{"multiple.txt", State::kCritical,
                     "md1 degraded [U_] sdb2 failed, md2 recovery 12.6% finish 74.2min [UU_], "
                     "md0 raid1 [UU], md3 check 7.5% finish 1.0min"},
        EvaluateCase{"no_arrays.txt", State::kOk, "no md arrays"},
        EvaluateCase{"junk.txt", State::kCritical, "md2 inactive, md0 raid1 [UU], md1 raid1"}));

TEST(EvaluateRaidTest, WarnsAboutAFailedSpareOfAnIntactArray) {
  const CheckResult r = EvaluateRaid(ParseMdstat("md0 : active raid1 sdc1[2](F) sdb1[1] sda1[0]\n"
                                                 "      1000 blocks [2/2] [UU]\n"),
                                     RaidCheckSpec{});
  EXPECT_EQ(r.state, State::kWarning);
  EXPECT_EQ(r.text, "md0 [UU] sdc1 failed");
}

TEST(EvaluateRaidTest, IsCriticalWhenARequiredArrayIsMissing) {
  RaidCheckSpec spec;
  spec.required_arrays = {"md0", "md9"};
  const CheckResult r = EvaluateRaid(Fixture("clean_raid1.txt"), spec);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_EQ(r.text, "md9 missing, md0 raid1 [UU]");
  const CheckResult none = EvaluateRaid(Fixture("no_arrays.txt"), spec);
  EXPECT_EQ(none.text, "md0 missing, md9 missing");
}

TEST(EvaluateRaidTest, WritesThreeStablePerfdataItemsPerArray) {
  const CheckResult r = EvaluateRaid(Fixture("multiple.txt"), RaidCheckSpec{});
  EXPECT_EQ(r.perfdata.size(), 12u);
  EXPECT_EQ(*Find(r, "md1_active_devices"),
            (Perfdata{"md1_active_devices", 1, "", "", "", 0.0, 2.0}));
  EXPECT_EQ(*Find(r, "md1_failed_devices"),
            (Perfdata{"md1_failed_devices", 1, "", "", "", 0.0, std::nullopt}));
  EXPECT_EQ(Find(r, "md1_sync_pct")->value, 100.0);
  EXPECT_EQ(Find(r, "md2_sync_pct")->value, 12.6);
  EXPECT_EQ(Find(r, "md2_sync_pct")->uom, "%");
  EXPECT_EQ(Find(r, "md0_failed_devices")->value, 0.0);
  const CheckResult inactive = EvaluateRaid(Fixture("inactive.txt"), RaidCheckSpec{});
  EXPECT_EQ(Find(inactive, "md127_active_devices")->value, 0.0);
  EXPECT_EQ(Find(inactive, "md127_sync_pct")->value, 0.0);
  const CheckResult raid0 = EvaluateRaid(Fixture("raid10_raid0_linear.txt"), RaidCheckSpec{});
  EXPECT_EQ(*Find(raid0, "md5_active_devices"),
            (Perfdata{"md5_active_devices", 2, "", "", "", 0.0, 2.0}));
}

TEST(EvaluateRaidTest, DescribesEveryArrayAndTheParseNotesInLongText) {
  const CheckResult r = EvaluateRaid(Fixture("multiple.txt"), RaidCheckSpec{});
  EXPECT_NE(r.long_text.find("md2: active raid5, 2 of 3 in sync [UU_], members sdh[3] sdg[1] "
                             "sdf[0], 1953260544 blocks, recovery 12.6% finish 74.2min speed "
                             "191652K/sec"),
            std::string::npos)
      << r.long_text;
  EXPECT_NE(r.long_text.find("sdk1[2](W) sdj1[1](R)"), std::string::npos) << r.long_text;
  const CheckResult junk = EvaluateRaid(Fixture("junk.txt"), RaidCheckSpec{});
  EXPECT_NE(junk.long_text.find("7 unrecognised line(s) or word(s) skipped, first: line 2: "),
            std::string::npos)
      << junk.long_text;
}

TEST(RunRaidCheckTest, ReadsTheFileItIsGiven) {
  RaidCheckSpec spec;
  spec.mdstat_path = FixturePath("raid5_degraded_failed.txt");
  const CheckResult r = RunRaidCheck(spec);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_EQ(r.text, "md2 degraded [UU_U] sdc1 failed");
}

TEST(RunRaidCheckTest, IsUnknownWhenTheFileCannotBeRead) {
  RaidCheckSpec spec;
  spec.mdstat_path = "/nonexistent/mdstat";
  const CheckResult r = RunRaidCheck(spec);
  EXPECT_EQ(r.state, State::kUnknown);
  EXPECT_EQ(r.text,
            "cannot read /nonexistent/mdstat: No such file or directory (is the md driver "
            "loaded?)");
}

struct CliRun {
  int exit_code;
  std::string out;
};

CliRun RunCli(const cli::Args& args) {
  std::ostringstream out;
  std::ostringstream err;
  const int code = cli::RunRaid(args, out, err);
  return {code, out.str()};
}

TEST(RaidCliTest, PrintsAPluginLineWithPerfdata) {
  const CliRun run = RunCli({"--mdstat", FixturePath("raid1_recovery.txt")});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out.substr(0, run.out.find('\n')),
            "RAID WARNING - md1 recovery 42.3% finish 12.5min [U_] | md1_active_devices=1;;;0;2 "
            "md1_failed_devices=0;;;0 md1_sync_pct=42.3%;;;0;100");
  const CheckResult parsed = ParsePluginOutput(run.out, run.exit_code);
  EXPECT_EQ(parsed.perfdata.size(), 3u);
}

TEST(RaidCliTest, RequiresTheArraysItIsGivenWithOrWithoutDev) {
  const CliRun run =
      RunCli({"--mdstat", FixturePath("clean_raid1.txt"), "--array", "/dev/md0", "-a", "md1"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out.rfind("RAID CRITICAL - md1 missing, md0 raid1 [UU] | ", 0), 0u) << run.out;
}

TEST(RaidCliTest, PrintsJsonAndRejectsStrayWords) {
  const CliRun json = RunCli({"--mdstat", FixturePath("inactive.txt"), "--json"});
  EXPECT_EQ(json.exit_code, 2);
  EXPECT_NE(json.out.find("\"text\":\"md127 inactive\""), std::string::npos) << json.out;
  const CliRun stray = RunCli({"md0"});
  EXPECT_EQ(stray.exit_code, 3);
  EXPECT_EQ(stray.out.rfind("RAID UNKNOWN - ", 0), 0u) << stray.out;
}

}  // namespace
}  // namespace gs::probes
