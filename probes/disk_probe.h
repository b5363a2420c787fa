// Disk space and inode probe (statvfs), the check_disk equivalent: the local box's
// filesystems, or the ones a node's NRPE agent checks with `groundstation check disk`.
//
// Threads: RunDiskCheck and StatFilesystem block. statvfs(2) can hang for as long as a dead
// network mount stays dead (hard NFS), so call them on a worker thread, never on the
// io_context; the `check disk` command bounds the wait with --timeout. Everything else here
// is a pure function. All are thread-safe.
//
// Which filesystems (decisions, see SelectMounts):
//  - Explicit `paths`: each checks the filesystem holding it (a path need not be a mount
//    point); type filters and default skips do not apply to them, `exclude_paths` does not
//    either. A path that cannot be resolved is CRITICAL for that path.
//  - Otherwise every mount of /proc/self/mountinfo, minus: pseudo/virtual filesystems (proc,
//    sysfs, tmpfs, devtmpfs, overlay, nsfs, cgroup, ...), read-only image filesystems
//    (squashfs, iso9660, erofs, ...), network filesystems (nfs, cifs, fuse.sshfs, ...; a hung
//    server would hang the probe), unless `include_types` is given: then exactly the types it
//    names. `exclude_types` and `exclude_paths` always apply. Types and paths are fnmatch(3)
//    globs without FNM_PATHNAME: "/mnt" matches exactly that mount point, "/mnt/*" everything
//    below it ('*' also matches '/'), "fuse.*" every FUSE type.
//  - One filesystem is counted once: mounts with the same major:minor are the same
//    filesystem (bind mounts, the same device mounted twice; statvfs reports the same numbers
//    for all of them). The mount with root "/" is kept, else the first listed.
//
// Thresholds (each optional; the worst state over all filesystems and thresholds wins):
//  used percent >= warn/crit_percent (of used + available, as df computes Use%), available
//  bytes < warn/crit_free_bytes, inode used percent >= warn/crit_inode_percent.
//
// Output: the first line names the filesystems in trouble first, worst first
// ("/data 93.1% used (CRITICAL), /var inodes 91.0% used (WARNING), / 45.1% used"), long_text
// has one line per filesystem. Perfdata, stable labels:
//  "<mount point>"        used bytes, uom "B", warn/crit = the used bytes at which the space
//                         thresholds fire, min 0, max = size: check_disk's layout (RRD files
//                         are named after the label). The thresholds are computed on used +
//                         available, like the alert, so with reserved blocks they sit lower
//                         than check_disk's, which it computes on the size.
//  "<mount point> inodes" used inodes, warn/crit the inode counts at which they fire, min 0,
//                         max = inode count; only for filesystems that have an inode count
//                         (btrfs reports none).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probes/check_result.h"
#include "probes/mountinfo.h"
#include "probes/result.h"

namespace gs::probes {

struct DiskCheckSpec {
  // Paths to check (any path on the filesystem); empty: every selected mount (see above).
  std::vector<std::string> paths;
  // Used space, percent of used + available; above 100 disables the threshold.
  double warn_percent = 80;
  double crit_percent = 90;
  // Available space (for unprivileged users, as df's Avail) below this many bytes.
  std::optional<std::uint64_t> warn_free_bytes{};
  std::optional<std::uint64_t> crit_free_bytes{};
  // Used inodes, percent of all inodes.
  std::optional<double> warn_inode_percent{};
  std::optional<double> crit_inode_percent{};
  // Filesystem type globs: when not empty, only these types (default skips do not apply).
  std::vector<std::string> include_types{};
  std::vector<std::string> exclude_types{};
  // Mount point globs to leave out.
  std::vector<std::string> exclude_paths{};
  // Where the mount table is read from (tests point it at a fixture).
  std::string mountinfo_path = "/proc/self/mountinfo";
  friend bool operator==(const DiskCheckSpec&, const DiskCheckSpec&) = default;
};

// The statvfs numbers of one filesystem, in bytes and inodes.
struct FsUsage {
  std::uint64_t total_bytes = 0;  // f_blocks
  std::uint64_t free_bytes = 0;   // f_bfree, including the blocks reserved for root
  std::uint64_t avail_bytes = 0;  // f_bavail, what unprivileged users may still write
  std::uint64_t total_inodes = 0;
  std::uint64_t free_inodes = 0;
};

// One filesystem to evaluate: its usage, or why it could not be read.
struct MountReading {
  std::string mount_point;  // also the perfdata label
  std::string fs_type;      // may be empty (explicit path without a mount table)
  std::string source;
  std::optional<FsUsage> usage;
  // Why usage is empty, naming the path ("statvfs /mnt/nfs: Stale file handle").
  std::string error;
};

// True for the types skipped by default: pseudo/virtual, read-only image and network
// filesystems.
[[nodiscard]] bool SkippedByDefault(std::string_view fs_type);

// The mounts checked when spec.paths is empty, in mount table order, one per filesystem.
[[nodiscard]] std::vector<MountEntry> SelectMounts(const std::vector<MountEntry>& mounts,
                                                   const DiskCheckSpec& spec);

// statvfs(2) of `path`; fails with "statvfs /x: <strerror>". Blocks (see above).
[[nodiscard]] Result<FsUsage> StatFilesystem(const std::string& path);

// Applies the thresholds to the readings and builds the result (state, text, long text,
// perfdata). No readings: UNKNOWN "no filesystems selected".
[[nodiscard]] CheckResult EvaluateDisk(const std::vector<MountReading>& readings,
                                       const DiskCheckSpec& spec);

// Reads the mount table, selects, runs statvfs on each filesystem and evaluates. An unreadable
// mount table is UNKNOWN (without explicit paths; with them each path labels itself).
// Blocks (see above).
CheckResult RunDiskCheck(const DiskCheckSpec& spec);

// The mount points RunDiskCheck checks by default on this box.
std::vector<std::string> LocalMountPoints();

}  // namespace gs::probes
