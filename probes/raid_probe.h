// Linux software RAID (md) probe: /proc/mdstat decoded into arrays, and the check that turns
// them into one Nagios result. ParseMdstat and EvaluateRaid are pure functions; RunRaidCheck
// reads a file (procfs: never blocks for long). All are thread-safe.
//
// What the kernel writes (drivers/md/md.c, md_seq_show), one block per array, e.g.
//   md1 : active (auto-read-only) raid5 sdc1[2](F) sdb1[1] sda1[0] sdd1[3](S)
//         1953260544 blocks super 1.2 level 5, 512k chunk, algorithm 2 [3/2] [UU_]
//         [==>...]  recovery = 12.6% (123297280/976630272) finish=74.2min speed=191652K/sec
//         bitmap: 0/8 pages [0KB], 65536KB chunk
// (the progress bar is 20 characters wide), or "resync=DELAYED" / "resync=PENDING" in place
// of the progress line; "inactive" arrays have no level and no [n/m]. The action word is
// resync, recovery, check or reshape (the kernel prints a requested repair as "resync";
// "repair" is accepted too). Bitmap, "Personalities" and "unused devices" lines carry
// nothing the check needs.
//
// States (EvaluateRaid), per array; the worst wins:
//  - inactive: CRITICAL "md5 inactive"
//  - resync/recovery/reshape running, degraded or not: WARNING with progress,
//    "md1 recovery 42.3% finish 12.5min [U_]"
//  - degraded ([n/m] with m < n, or a '_' in [UU_]) and no rebuild running: CRITICAL,
//    "md0 degraded [U_] sdb1 failed" or, when no member is flagged (F),
//    "md0 degraded [U_] 1 of 2 devices missing"
//  - resync=DELAYED or resync=PENDING: WARNING "md2 resync=PENDING"
//  - a member flagged (F) in an array that is not degraded (a failed spare): WARNING
//    "md0 [UU] sdc1 failed"
//  - check/repair running: OK "md3 check 7.5% finish 1.0min"; otherwise OK "md0 raid1 [UU]"
//  - a required array absent: CRITICAL "md9 missing"; no arrays at all: OK "no md arrays"
//  - the file unreadable: UNKNOWN (RunRaidCheck)
// The first line names the arrays in trouble first, worst first; long_text has one line per
// array and the parse notes. Perfdata per array (stable labels, every array every time):
//   "<md>_active_devices"  devices in sync (m of [n/m]; raid0/linear: members), min 0, max n
//   "<md>_failed_devices"  members flagged (F), min 0
//   "<md>_sync_pct"        progress of the running resync/recovery/reshape/check, uom "%";
//                          100 when none runs, 0 when inactive or DELAYED/PENDING
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probes/check_result.h"

namespace gs::probes {

struct MdMember {
  std::string device;         // "sda1", "nvme0n1p2"
  int index = 0;              // the number in brackets (the kernel's descriptor number)
  bool failed = false;        // (F)
  bool spare = false;         // (S)
  bool write_mostly = false;  // (W)
  bool replacement = false;   // (R)
  bool journal = false;       // (J)
  friend bool operator==(const MdMember&, const MdMember&) = default;
};

enum class MdSyncAction { kNone, kResync, kRecovery, kCheck, kRepair, kReshape };

// "resync", "recovery", ... ("idle" for kNone).
std::string_view ToString(MdSyncAction action);

struct MdSync {
  MdSyncAction action = MdSyncAction::kNone;
  std::optional<double> percent;         // 0..100
  std::optional<double> finish_minutes;  // the kernel's estimate
  std::optional<double> speed_kib;       // KiB per second
  bool delayed = false;  // "resync=DELAYED": waits for another array on the same disks
  bool pending = false;  // "resync=PENDING": starts on the first write (auto-read-only)
  friend bool operator==(const MdSync&, const MdSync&) = default;
};

struct MdArray {
  std::string name;  // "md0"
  bool active = false;
  bool read_only = false;       // "(read-only)"
  bool auto_read_only = false;  // "(auto-read-only)"
  std::string level;            // "raid1", "raid10", "linear"; empty when inactive
  std::vector<MdMember> members;
  std::uint64_t blocks = 0;         // 1 KiB blocks
  std::optional<int> raid_disks;    // n of [n/m]
  std::optional<int> active_disks;  // m of [n/m]
  std::string status;               // "UU_" of [UU_]
  MdSync sync;

  // True when [n/m] has m < n or the status shows a '_'.
  [[nodiscard]] bool Degraded() const;
  friend bool operator==(const MdArray&, const MdArray&) = default;
};

struct MdstatReport {
  std::vector<std::string> personalities;  // "raid1", "raid6", ...
  std::vector<MdArray> arrays;             // in file order
  // "line 7: unrecognised line '...'" for lines (and header words) that fit nothing, the
  // first kMaxMdstatNotes of them.
  std::vector<std::string> notes;
  std::size_t unparsed_lines = 0;  // all such lines and words
  std::size_t dropped = 0;         // arrays and members past the caps
};

// Decodes /proc/mdstat. Never fails: what fits nothing is counted as a note and skipped.
// Bounded: at most kMaxMdArrays arrays, kMaxMdMembers members each, names of at most
// kMaxMdName bytes and status strings of at most kMaxMdMembers characters.
MdstatReport ParseMdstat(std::string_view text);

struct RaidCheckSpec {
  std::string mdstat_path = "/proc/mdstat";
  // Arrays that must exist ("md0"); absent ones are CRITICAL.
  std::vector<std::string> required_arrays{};
  friend bool operator==(const RaidCheckSpec&, const RaidCheckSpec&) = default;
};

// The states and text above, for an already parsed report.
CheckResult EvaluateRaid(const MdstatReport& report, const RaidCheckSpec& spec);

// Reads spec.mdstat_path (at most kMaxMdstatBytes), parses and evaluates it.
CheckResult RunRaidCheck(const RaidCheckSpec& spec);

inline constexpr std::size_t kMaxMdArrays = 256;
inline constexpr std::size_t kMaxMdMembers = 256;
inline constexpr std::size_t kMaxMdName = 64;
inline constexpr std::size_t kMaxMdstatNotes = 16;
inline constexpr std::size_t kMaxMdstatBytes = 1024 * 1024;

}  // namespace gs::probes
