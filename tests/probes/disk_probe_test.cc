// The disk probe: mountinfo parsing, mount selection, thresholds, and a real 4 MiB tmpfs
// filled past them (mount(2) as root; skipped only when mounting is not permitted).
#include "probes/disk_probe.h"

#include <gtest/gtest.h>
#include <sys/mount.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "probes/check_cli_support.h"
#include "probes/nagios_output.h"
#include "tests/support/peers.h"

namespace gs::probes {
namespace {

// A box with a bit of everything: pseudo filesystems, a container overlay, a snap, a bind of
// a subtree of /data, /data mounted twice, NFS, a path with a space, btrfs.
constexpr std::string_view kMountinfo =
    "22 29 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
    "23 29 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
    "24 29 0:5 / /dev rw,nosuid,relatime shared:2 - devtmpfs udev rw,size=4007480k\n"
    "26 29 0:24 / /run rw,nosuid,nodev,noexec,relatime shared:5 - tmpfs tmpfs rw,size=804k\n"
    "29 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro\n"
    "30 24 0:26 / /dev/shm rw,nosuid,nodev shared:4 - tmpfs tmpfs rw\n"
    "40 29 8:2 / /boot rw,relatime shared:30 - ext4 /dev/sda2 rw\n"
    "41 29 7:3 / /snap/core22/1380 ro,nodev,relatime shared:31 - squashfs /dev/loop3 ro\n"
    "45 29 8:17 /sub /srv rw,relatime shared:40 - xfs /dev/sdb1 rw,attr2\n"
    "46 29 8:17 / /data rw,relatime shared:40 - xfs /dev/sdb1 rw,attr2\n"
    "47 29 8:17 / /mnt/data2 rw,relatime shared:40 - xfs /dev/sdb1 rw,attr2\n"
    "50 29 0:48 / /var/lib/docker/overlay2/abc/merged rw,relatime - overlay overlay "
    "rw,lowerdir=/x\n"
    "51 29 0:49 / /mnt/nfs rw,relatime shared:50 - nfs4 server:/export rw,vers=4.2\n"
    "52 29 8:33 / /mnt/my\\040disk rw,relatime shared:51 - ext4 /dev/sdc1 rw\n"
    "53 29 0:50 / /srv/btrfs rw,relatime shared:52 - btrfs /dev/sdd rw,space_cache=v2\n"
    "54 29 0:51 / /mnt/fuse rw,nosuid,nodev - fuse.s3fs s3fs rw,user_id=0\n";

std::vector<std::string> MountPoints(const std::vector<MountEntry>& mounts) {
  std::vector<std::string> out;
  out.reserve(mounts.size());
  for (const MountEntry& m : mounts) out.push_back(m.mount_point);
  return out;
}

const Perfdata* Find(const CheckResult& r, const std::string& label) {
  for (const Perfdata& p : r.perfdata) {
    if (p.label == label) return &p;
  }
  return nullptr;
}

TEST(MountinfoTest, ParsesEveryFieldOfTheProcManPageExample) {
  const MountinfoParse parsed = ParseMountinfo(
      "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue\n");
  ASSERT_EQ(parsed.mounts.size(), 1u);
  EXPECT_EQ(parsed.bad_lines, 0u);
  const MountEntry& m = parsed.mounts[0];
  EXPECT_EQ(m.mount_id, 36);
  EXPECT_EQ(m.parent_id, 35);
  EXPECT_EQ(m.major, 98u);
  EXPECT_EQ(m.minor, 0u);
  EXPECT_EQ(m.root, "/mnt1");
  EXPECT_EQ(m.mount_point, "/mnt2");
  EXPECT_EQ(m.mount_options, "rw,noatime");
  EXPECT_EQ(m.optional_fields, std::vector<std::string>{"master:1"});
  EXPECT_EQ(m.fs_type, "ext3");
  EXPECT_EQ(m.source, "/dev/root");
  EXPECT_EQ(m.super_options, "rw,errors=continue");
  EXPECT_FALSE(m.ReadOnly());
}

TEST(MountinfoTest, AcceptsZeroOrSeveralOptionalFields) {
  const MountinfoParse parsed = ParseMountinfo(
      "1 0 8:1 / / ro - ext4 /dev/sda1 rw\n"
      "2 1 8:2 / /a rw shared:1 master:2 propagate_from:3 unbindable - xfs /dev/sda2 rw\n");
  ASSERT_EQ(parsed.mounts.size(), 2u);
  EXPECT_TRUE(parsed.mounts[0].optional_fields.empty());
  EXPECT_TRUE(parsed.mounts[0].ReadOnly());
  EXPECT_EQ(parsed.mounts[1].optional_fields.size(), 4u);
  EXPECT_EQ(parsed.mounts[1].fs_type, "xfs");
}

TEST(MountinfoTest, UnescapesOctalEscapesInPathsAndSource) {
  const MountinfoParse parsed =
      ParseMountinfo("52 29 8:33 /a\\134b /mnt/my\\040disk\\011tab rw - ext4 /dev/disk\\040x rw\n");
  ASSERT_EQ(parsed.mounts.size(), 1u);
  EXPECT_EQ(parsed.mounts[0].root, "/a\\b");
  EXPECT_EQ(parsed.mounts[0].mount_point, "/mnt/my disk\ttab");
  EXPECT_EQ(parsed.mounts[0].source, "/dev/disk x");
}

TEST(MountinfoTest, KeepsBackslashesThatAreNotEscapes) {
  EXPECT_EQ(UnescapeMountField("a\\x"), "a\\x");
  EXPECT_EQ(UnescapeMountField("a\\04"), "a\\04");
  EXPECT_EQ(UnescapeMountField("a\\777"), "a\\777");
  EXPECT_EQ(UnescapeMountField("\\"), "\\");
  EXPECT_EQ(UnescapeMountField("\\101\\102"), "AB");
}

TEST(MountinfoTest, SkipsAndCountsMalformedLinesButKeepsTheRest) {
  const MountinfoParse parsed = ParseMountinfo(
      "garbage\n"
      "1 2 3 4 5\n"
      "x 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
      "1 0 8:1 / / rw shared:1 ext4 /dev/sda1 rw\n"
      "1 0 8-1 / / rw - ext4 /dev/sda1 rw\n"
      "1 0 8:1 relative / rw - ext4 /dev/sda1 rw\n"
      "1 0 8:1 / / rw - ext4\n"
      "\n"
      "9 0 8:1 / / rw - ext4 /dev/sda1 rw\n");
  ASSERT_EQ(parsed.mounts.size(), 1u);
  EXPECT_EQ(parsed.mounts[0].mount_id, 9);
  EXPECT_EQ(parsed.bad_lines, 7u);
  ASSERT_EQ(parsed.errors.size(), 7u);
  EXPECT_EQ(parsed.errors[0].rfind("line 1: ", 0), 0u) << parsed.errors[0];
  EXPECT_NE(parsed.errors[3].find("separator"), std::string::npos) << parsed.errors[3];
}

TEST(MountinfoTest, CapsTheNumberOfMounts) {
  std::string text;
  for (std::size_t i = 0; i < kMaxMounts + 5; ++i) {
    text += std::to_string(i) + " 1 0:" + std::to_string(i) + " / /m" + std::to_string(i) +
            " rw - ext4 /dev/x rw\n";
  }
  const MountinfoParse parsed = ParseMountinfo(text);
  EXPECT_EQ(parsed.mounts.size(), kMaxMounts);
  EXPECT_EQ(parsed.dropped_mounts, 5u);
}

TEST(MountinfoTest, FindsTheMountHoldingAPathByLongestPrefix) {
  const auto mounts = ParseMountinfo(kMountinfo).mounts;
  const auto holder = [&](std::string_view path) {
    const MountEntry* m = MountHolding(mounts, path);
    return m == nullptr ? std::string("none") : m->mount_point;
  };
  EXPECT_EQ(holder("/"), "/");
  EXPECT_EQ(holder("/var/log/syslog"), "/");
  EXPECT_EQ(holder("/boot"), "/boot");
  EXPECT_EQ(holder("/boot/grub"), "/boot");
  EXPECT_EQ(holder("/bootx"), "/");
  EXPECT_EQ(holder("/mnt/my disk/file"), "/mnt/my disk");
  EXPECT_EQ(holder("/srv/btrfs/x"), "/srv/btrfs");
  EXPECT_EQ(MountHolding({}, "/"), nullptr);
}

TEST(MountinfoTest, PrefersTheLaterOfTwoMountsOnTheSamePoint) {
  const auto mounts = ParseMountinfo(
                          "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"
                          "2 1 8:2 / /data rw - ext4 /dev/sda2 rw\n"
                          "3 1 8:3 / /data rw - ext4 /dev/sda3 rw\n")
                          .mounts;
  const MountEntry* m = MountHolding(mounts, "/data/x");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->source, "/dev/sda3");
}

TEST(SelectMountsTest, SkipsPseudoImageAndNetworkFilesystemsAndCountsBindMountsOnce) {
  const auto mounts = ParseMountinfo(kMountinfo).mounts;
  const auto selected = SelectMounts(mounts, DiskCheckSpec{});
  EXPECT_EQ(MountPoints(selected), (std::vector<std::string>{"/", "/boot", "/data", "/mnt/my disk",
                                                             "/srv/btrfs", "/mnt/fuse"}));
  // /srv (a bind of /data/sub) came first, but the mount of the whole filesystem is kept.
  EXPECT_EQ(selected[2].root, "/");
}

TEST(SelectMountsTest, IncludeTypesSelectsExactlyThoseTypesEvenPseudoOnes) {
  const auto mounts = ParseMountinfo(kMountinfo).mounts;
  DiskCheckSpec spec;
  spec.include_types = {"tmpfs", "fuse.*"};
  EXPECT_EQ(MountPoints(SelectMounts(mounts, spec)),
            (std::vector<std::string>{"/run", "/dev/shm", "/mnt/fuse"}));
  spec.include_types = {"nfs*"};
  EXPECT_EQ(MountPoints(SelectMounts(mounts, spec)), std::vector<std::string>{"/mnt/nfs"});
}

TEST(SelectMountsTest, ExcludesTypesAndPathsByGlob) {
  const auto mounts = ParseMountinfo(kMountinfo).mounts;
  DiskCheckSpec spec;
  spec.exclude_types = {"ext*"};
  spec.exclude_paths = {"/mnt/*", "/srv/btrfs"};
  EXPECT_EQ(MountPoints(SelectMounts(mounts, spec)), (std::vector<std::string>{"/data"}));
  spec.exclude_types = {};
  spec.exclude_paths = {"/mn", "/boo"};  // not a prefix match: a plain path is exact
  EXPECT_EQ(SelectMounts(mounts, spec).size(), 6u);
}

TEST(SelectMountsTest, ExcludingOneMountOfAFilesystemKeepsAnother) {
  const auto mounts = ParseMountinfo(kMountinfo).mounts;
  DiskCheckSpec spec;
  spec.exclude_paths = {"/data"};
  const auto selected = SelectMounts(mounts, spec);
  const auto points = MountPoints(selected);
  EXPECT_NE(std::find(points.begin(), points.end(), "/mnt/data2"), points.end());
  EXPECT_EQ(std::find(points.begin(), points.end(), "/srv"), points.end());
}

TEST(SkippedByDefaultTest, NamesTheFilesystemsThatCauseFalseAlerts) {
  for (const char* type : {"squashfs", "tmpfs", "overlay", "devtmpfs", "proc", "nsfs", "nfs4"}) {
    EXPECT_TRUE(SkippedByDefault(type)) << type;
  }
  for (const char* type : {"ext4", "xfs", "btrfs", "zfs", "vfat", "f2fs"}) {
    EXPECT_FALSE(SkippedByDefault(type)) << type;
  }
}

constexpr std::uint64_t kGiB = 1024ULL * 1024 * 1024;

// A 100 GiB filesystem with `used` GiB used and no reserved blocks, 1000 inodes.
MountReading Reading(double used_gib, std::uint64_t free_inodes = 900) {
  const auto used = static_cast<std::uint64_t>(used_gib * static_cast<double>(kGiB));
  return MountReading{"/data", "xfs", "/dev/sdb1",
                      FsUsage{100 * kGiB, 100 * kGiB - used, 100 * kGiB - used, 1000, free_inodes},
                      ""};
}

struct ThresholdCase {
  const char* name;
  MountReading reading;
  DiskCheckSpec spec;
  State state;
  const char* text;
};

class DiskThresholdTest : public ::testing::TestWithParam<ThresholdCase> {};

TEST_P(DiskThresholdTest, GivesTheStateAndNamesTheBreachedThreshold) {
  const ThresholdCase& c = GetParam();
  const CheckResult r = EvaluateDisk({c.reading}, c.spec);
  EXPECT_EQ(r.state, c.state) << r.text;
  EXPECT_EQ(r.text, c.text);
}

DiskCheckSpec Spec(double warn, double crit) {
  DiskCheckSpec spec;
  spec.warn_percent = warn;
  spec.crit_percent = crit;
  return spec;
}

DiskCheckSpec FreeSpec(std::uint64_t warn, std::uint64_t crit) {
  DiskCheckSpec spec = Spec(101, 101);
  spec.warn_free_bytes = warn;
  spec.crit_free_bytes = crit;
  return spec;
}

DiskCheckSpec InodeSpec(double warn, double crit) {
  DiskCheckSpec spec;
  spec.warn_inode_percent = warn;
  spec.crit_inode_percent = crit;
  return spec;
}

INSTANTIATE_TEST_SUITE_P(
    Table, DiskThresholdTest,
    ::testing::Values(
        ThresholdCase{"half_full", Reading(50), Spec(80, 90), State::kOk, "/data 50.0% used"},
        ThresholdCase{"at_warning", Reading(80), Spec(80, 90), State::kWarning,
                      "/data 80.0% used (WARNING)"},
        ThresholdCase{"past_critical", Reading(93.1), Spec(80, 90), State::kCritical,
                      "/data 93.1% used (CRITICAL)"},
        ThresholdCase{"disabled_percent", Reading(99), Spec(101, 101), State::kOk,
                      "/data 99.0% used"},
        ThresholdCase{"free_above_warning", Reading(90), FreeSpec(5 * kGiB, kGiB), State::kOk,
                      "/data 90.0% used"},
        ThresholdCase{"free_below_warning", Reading(96), FreeSpec(5 * kGiB, kGiB), State::kWarning,
                      "/data 4.0 GiB free (WARNING)"},
        ThresholdCase{"free_below_critical", Reading(99.5), FreeSpec(5 * kGiB, kGiB),
                      State::kCritical, "/data 512.0 MiB free (CRITICAL)"},
        ThresholdCase{"inodes_warning", Reading(10, 80), InodeSpec(90, 95), State::kWarning,
                      "/data inodes 92.0% used (WARNING)"},
        ThresholdCase{"inodes_critical", Reading(10, 10), InodeSpec(90, 95), State::kCritical,
                      "/data inodes 99.0% used (CRITICAL)"},
        ThresholdCase{"space_and_inodes", Reading(85, 10), InodeSpec(90, 95), State::kCritical,
                      "/data 85.0% used, inodes 99.0% used (CRITICAL)"}),
    [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(EvaluateDiskTest, CountsReservedBlocksAsDfDoes) {
  // 100 GiB, 10 GiB free of which 5 GiB reserved for root: used 90 of 95 usable.
  MountReading r{"/", "ext4", "/dev/sda1", FsUsage{100 * kGiB, 10 * kGiB, 5 * kGiB, 0, 0}, ""};
  const CheckResult result = EvaluateDisk({r}, Spec(80, 90));
  EXPECT_EQ(result.state, State::kCritical);
  EXPECT_EQ(result.text, "/ 94.7% used (CRITICAL)");
}

TEST(EvaluateDiskTest, WritesCheckDiskCompatiblePerfdataForSpaceAndInodes) {
  DiskCheckSpec spec = Spec(80, 90);
  spec.crit_free_bytes = 20 * kGiB;  // lower than the 90% mark: fires first
  spec.warn_inode_percent = 50;
  const CheckResult r = EvaluateDisk({Reading(50)}, spec);
  const Perfdata* space = Find(r, "/data");
  ASSERT_NE(space, nullptr);
  EXPECT_EQ(*space,
            (Perfdata{"/data", 50.0 * static_cast<double>(kGiB), "B", std::to_string(80 * kGiB),
                      std::to_string(80 * kGiB), 0.0, 100.0 * static_cast<double>(kGiB)}));
  const Perfdata* inodes = Find(r, "/data inodes");
  ASSERT_NE(inodes, nullptr);
  EXPECT_EQ(*inodes, (Perfdata{"/data inodes", 100, "", "500", "", 0.0, 1000.0}));
  EXPECT_NE(FormatPluginLine("DISK", r).find("'/data inodes'=100;500;;0;1000"), std::string::npos)
      << FormatPluginLine("DISK", r);
}

TEST(EvaluateDiskTest, LeavesOutInodePerfdataWhenTheFilesystemHasNoInodeCount) {
  MountReading r = Reading(10);
  r.usage->total_inodes = 0;
  r.usage->free_inodes = 0;
  const CheckResult result = EvaluateDisk({r}, InodeSpec(1, 2));
  EXPECT_EQ(result.state, State::kOk);
  EXPECT_EQ(Find(result, "/data inodes"), nullptr);
}

TEST(EvaluateDiskTest, NamesTheFilesystemsInTroubleFirstWorstFirst) {
  MountReading root = Reading(10);
  root.mount_point = "/";
  MountReading var = Reading(85);
  var.mount_point = "/var";
  MountReading data = Reading(95);
  MountReading gone{"/mnt/gone", "", "", std::nullopt, "statvfs /mnt/gone: Stale file handle"};
  const CheckResult r = EvaluateDisk({root, var, data, gone}, Spec(80, 90));
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_EQ(r.text,
            "/data 95.0% used (CRITICAL), statvfs /mnt/gone: Stale file handle (CRITICAL), "
            "/var 85.0% used (WARNING), / 10.0% used");
  EXPECT_NE(r.long_text.find("/data: CRITICAL, xfs on /dev/sdb1, 95.0% used (95.0 GiB of 100.0 "
                             "GiB), 5.0 GiB free, inodes 10.0% used (100 of 1000)"),
            std::string::npos)
      << r.long_text;
  EXPECT_EQ(r.perfdata.size(), 6u);  // space and inodes of the three that could be read
}

TEST(EvaluateDiskTest, IsUnknownWhenNothingIsSelected) {
  const CheckResult r = EvaluateDisk({}, DiskCheckSpec{});
  EXPECT_EQ(r.state, State::kUnknown);
  EXPECT_EQ(r.text, "no filesystems selected");
}

TEST(RunDiskCheckTest, IsUnknownWhenTheMountTableCannotBeRead) {
  DiskCheckSpec spec;
  spec.mountinfo_path = "/nonexistent/mountinfo";
  const CheckResult r = RunDiskCheck(spec);
  EXPECT_EQ(r.state, State::kUnknown);
  EXPECT_EQ(r.text, "cannot read /nonexistent/mountinfo: No such file or directory");
}

TEST(RunDiskCheckTest, LabelsExplicitPathsAsGivenWithoutAMountTable) {
  DiskCheckSpec spec = Spec(101, 101);
  spec.paths = {"/"};
  spec.mountinfo_path = "/nonexistent/mountinfo";
  const CheckResult r = RunDiskCheck(spec);
  EXPECT_EQ(r.state, State::kOk) << r.text;
  EXPECT_NE(Find(r, "/"), nullptr);
  EXPECT_TRUE(
      r.long_text.ends_with("\ncannot read /nonexistent/mountinfo: No such file or "
                            "directory"))
      << r.long_text;
}

TEST(RunDiskCheckTest, IsCriticalForAnExplicitPathThatDoesNotExist) {
  DiskCheckSpec spec;
  spec.paths = {"/nonexistent/data"};
  const CheckResult r = RunDiskCheck(spec);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_EQ(r.text, "/nonexistent/data: No such file or directory (CRITICAL)");
}

TEST(RunDiskCheckTest, CountsTwoPathsOnOneFilesystemOnce) {
  DiskCheckSpec spec = Spec(101, 101);
  spec.paths = {"/", "/proc/.."};
  const CheckResult r = RunDiskCheck(spec);
  EXPECT_EQ(r.state, State::kOk) << r.text;
  ASSERT_FALSE(r.perfdata.empty());
  EXPECT_EQ(r.perfdata[0].label, "/");
  EXPECT_EQ(r.text, "/ " + r.text.substr(2)) << "one item only: " << r.text;
  EXPECT_EQ(r.text.find(','), std::string::npos) << r.text;
}

TEST(RunDiskCheckTest, ChecksByDefaultWhatLocalMountPointsLists) {
  const CheckResult r = RunDiskCheck(Spec(101, 101));
  std::vector<std::string> labels;
  for (const Perfdata& p : r.perfdata) {
    if (!p.label.ends_with(" inodes")) labels.push_back(p.label);
  }
  EXPECT_EQ(labels, LocalMountPoints()) << FormatPluginLine("DISK", r);
}

TEST(DiskCliTest, RejectsBadThresholdsAsUnknownUsageErrors) {
  struct Case {
    cli::Args args;
    std::string first_line;
  };
  const std::vector<Case> cases = {
      {{"-w", "abc"},
       "DISK UNKNOWN - --warning: 'abc' is not a size (500MB, 2GB, 10%, or a bare number of MB)"},
      {{"-c", "120%"}, "DISK UNKNOWN - --critical: '120%' is not a percentage 0-100%"},
      {{"-w", "5XB"},
       "DISK UNKNOWN - --warning: '5XB' is not a size (500MB, 2GB, 10%, or a bare number of MB)"},
      {{"-w", "1GB", "--warn-free", "2GB"}, "DISK UNKNOWN - give --warning SIZE or --warn-free"},
      {{"-K", "-1%"}, "DISK UNKNOWN - --icritical: '-1%' is not a percentage 0-100%"},
      {{"stray"}, ""},
  };
  for (const Case& c : cases) {
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(cli::RunDisk(c.args, out, err), 3) << out.str();
    const std::string line = out.str().substr(0, out.str().find('\n'));
    if (!c.first_line.empty()) {
      EXPECT_EQ(line, c.first_line);
    }
    EXPECT_EQ(line.rfind("DISK UNKNOWN - ", 0), 0u) << line;
  }
}

TEST(DiskCliTest, HelpExplainsThatThresholdsGiveFreeSpace) {
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(cli::RunDisk({"--help"}, out, err), 3);
  EXPECT_NE(out.str().find("they give the FREE space"), std::string::npos) << out.str();
}

// A real 4 MiB tmpfs with 64 inodes, mounted in a temp dir and unmounted after each test.
class TmpfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto dir = dir_.path() / "mnt";
    std::filesystem::create_directory(dir);
    if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=4m,nr_inodes=64,mode=0700") != 0) {
      const int error = errno;
      if (error == EPERM) GTEST_SKIP() << "mount(2) of a tmpfs is not permitted (EPERM): not root";
      FAIL() << "mount tmpfs on " << dir << ": " << std::strerror(error);
    }
    mounts_.push_back(dir.string());
    mount_point_ = std::filesystem::canonical(dir).string();
  }

  void TearDown() override {
    for (auto it = mounts_.rbegin(); it != mounts_.rend(); ++it) {
      EXPECT_EQ(::umount2(it->c_str(), 0), 0) << *it << ": " << std::strerror(errno);
    }
  }

  // Writes a file of `bytes` bytes into the tmpfs.
  void Fill(std::size_t bytes) {
    std::ofstream out(mount_point_ + "/fill", std::ios::binary);
    out << std::string(bytes, 'x');
    ASSERT_TRUE(out.flush()) << "could not write " << bytes << " bytes";
  }

  // Bind-mounts `from` (inside the tmpfs) at a new directory of the temp dir.
  std::string Bind(const std::string& from, const std::string& name) {
    const auto to = dir_.path() / name;
    std::filesystem::create_directories(from);
    std::filesystem::create_directory(to);
    if (::mount(from.c_str(), to.c_str(), nullptr, MS_BIND, nullptr) != 0) {
      ADD_FAILURE() << "bind " << from << " " << to << ": " << std::strerror(errno);
      return "";
    }
    mounts_.push_back(to.string());
    return std::filesystem::canonical(to).string();
  }

  CheckResult Cli(const cli::Args& args, int* exit_code) {
    cli::Args all = {"-p", mount_point_};
    all.insert(all.end(), args.begin(), args.end());
    std::ostringstream out;
    std::ostringstream err;
    *exit_code = cli::RunDisk(all, out, err);
    last_output_ = out.str();
    return ParsePluginOutput(last_output_, *exit_code);
  }

  static constexpr std::size_t kFill = 4'000'000;  // 95.4% of 4 MiB: 188 KiB stay free
  gs::test::TempDir dir_;
  std::vector<std::string> mounts_;
  std::string mount_point_;
  std::string last_output_;
};

TEST_F(TmpfsTest, FilledPastTheThresholdsIsCriticalAndNamedFirst) {
  Fill(kFill);
  DiskCheckSpec spec = Spec(80, 90);
  spec.paths = {mount_point_};
  const CheckResult r = RunDiskCheck(spec);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_EQ(r.text.rfind(mount_point_ + " 95.", 0), 0u) << r.text;
  EXPECT_TRUE(r.text.ends_with("% used (CRITICAL)")) << r.text;
  const Perfdata* p = Find(r, mount_point_);
  ASSERT_NE(p, nullptr);
  EXPECT_GE(p->value, static_cast<double>(kFill));
  EXPECT_EQ(p->max, 4.0 * 1024 * 1024);
  EXPECT_EQ(p->uom, "B");
}

TEST_F(TmpfsTest, IsFoundByIncludingItsTypeAndSkippedByDefault) {
  Fill(kFill);
  DiskCheckSpec spec = Spec(80, 90);
  spec.include_types = {"tmpfs"};
  const CheckResult included = RunDiskCheck(spec);
  EXPECT_EQ(included.state, State::kCritical);
  EXPECT_NE(Find(included, mount_point_), nullptr) << FormatPluginLine("DISK", included);
  EXPECT_NE(included.text.find(mount_point_ + " 95."), std::string::npos) << included.text;
  const CheckResult by_default = RunDiskCheck(Spec(80, 90));
  EXPECT_EQ(Find(by_default, mount_point_), nullptr) << FormatPluginLine("DISK", by_default);
}

TEST_F(TmpfsTest, APathInsideIsLabelledWithTheMountPoint) {
  std::filesystem::create_directories(mount_point_ + "/sub/deeper");
  DiskCheckSpec spec = Spec(80, 90);
  spec.paths = {mount_point_ + "/sub/deeper", mount_point_};
  const CheckResult r = RunDiskCheck(spec);
  EXPECT_EQ(r.state, State::kOk) << r.text;
  ASSERT_EQ(r.perfdata.size(), 2u) << FormatPluginLine("DISK", r);
  EXPECT_EQ(r.perfdata[0].label, mount_point_);
  EXPECT_EQ(r.perfdata[1].label, mount_point_ + " inodes");
}

TEST_F(TmpfsTest, ABindMountOfItIsCountedOnce) {
  const std::string bind = Bind(mount_point_ + "/sub", "bind");
  ASSERT_FALSE(bind.empty());
  DiskCheckSpec spec = Spec(80, 90);
  spec.include_types = {"tmpfs"};
  const CheckResult r = RunDiskCheck(spec);
  EXPECT_NE(Find(r, mount_point_), nullptr) << FormatPluginLine("DISK", r);
  EXPECT_EQ(Find(r, bind), nullptr) << FormatPluginLine("DISK", r);
  spec.exclude_paths = {mount_point_};
  const CheckResult without_original = RunDiskCheck(spec);
  EXPECT_EQ(Find(without_original, mount_point_), nullptr);
  EXPECT_NE(Find(without_original, bind), nullptr) << FormatPluginLine("DISK", without_original);
}

TEST_F(TmpfsTest, RunningOutOfInodesIsCritical) {
  for (int i = 0; i < 60; ++i) {
    std::ofstream(mount_point_ + "/f" + std::to_string(i)) << i;
  }
  DiskCheckSpec spec = Spec(80, 90);
  spec.paths = {mount_point_};
  spec.warn_inode_percent = 80;
  spec.crit_inode_percent = 90;
  const CheckResult r = RunDiskCheck(spec);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_TRUE(r.text.starts_with(mount_point_ + " inodes 9")) << r.text;
  const Perfdata* inodes = Find(r, mount_point_ + " inodes");
  ASSERT_NE(inodes, nullptr);
  EXPECT_EQ(inodes->max, 64.0);
  EXPECT_GE(inodes->value, 60.0);
}

TEST_F(TmpfsTest, CliThresholdsGiveFreeSpaceAsCheckDiskDoes) {
  Fill(kFill);  // 4.6% (188 KiB) free
  struct Case {
    cli::Args args;
    int exit_code;
  };
  const std::vector<Case> cases = {
      {{"-w", "10%", "-c", "2%"}, 1},
      {{"-w", "10%", "-c", "8%"}, 2},
      {{"-w", "3%", "-c", "1%"}, 0},
      {{"-w", "1", "-c", "0.1"}, 1},
      {{"-w", "1MB", "-c", "300KB"}, 2},
      {{"-w", "1MiB", "-c", "300k"}, 2},
      {{"--warn-free", "100K"}, 0},
      {{"--warn-free", "250K", "--crit-free", "0.1M"}, 1},
      {{"-w", "0.5GB"}, 1},
      {{}, 2},
      {{"-W", "50%", "-K", "10%", "-w", "1%"}, 0},
      {{"-W", "99%", "-K", "10%", "-w", "1%"}, 1},
  };
  for (const Case& c : cases) {
    int code = -1;
    const CheckResult r = Cli(c.args, &code);
    EXPECT_EQ(code, c.exit_code) << ::testing::PrintToString(c.args) << ": " << last_output_;
    EXPECT_EQ(
        last_output_.rfind("DISK " + std::string(ToString(r.state)) + " - " + mount_point_, 0), 0u)
        << last_output_;
  }
}

TEST_F(TmpfsTest, CliPerfdataCarriesByteThresholdsWithStableLabels) {
  int code = -1;
  const CheckResult r = Cli({"-w", "25%", "-c", "1MB"}, &code);
  EXPECT_EQ(code, 0) << last_output_;
  const Perfdata* space = Find(r, mount_point_);
  ASSERT_NE(space, nullptr) << last_output_;
  EXPECT_EQ(space->uom, "B");
  EXPECT_EQ(space->warn, "3145728");  // 75% of 4 MiB used = 25% free
  EXPECT_EQ(space->crit, "3145728");  // 4 MiB - 1 MiB
  EXPECT_NE(Find(r, mount_point_ + " inodes"), nullptr) << last_output_;
}

TEST_F(TmpfsTest, CliPrintsJsonOnRequest) {
  Fill(kFill);
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(cli::RunDisk({"-p", mount_point_, "--json"}, out, err), 2);
  EXPECT_EQ(out.str().rfind('{', 0), 0u) << out.str();
  EXPECT_NE(out.str().find("\"state\":\"CRITICAL\""), std::string::npos) << out.str();
}

}  // namespace
}  // namespace gs::probes
