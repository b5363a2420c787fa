// Local disk space probe (statvfs), the check_disk equivalent for the box itself.
// Blocking (statvfs can hang on a dead network mount): run it on a worker, not on the
// io_context. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "probes/check_result.h"

namespace gs::probes {

struct DiskCheckSpec {
  // Mount points or any path on the filesystem; empty: every local filesystem
  // (from /proc/self/mounts, without pseudo filesystems such as proc, tmpfs, overlay).
  std::vector<std::string> paths;
  double warn_percent = 80;  // used space, percent of what df counts (used + available)
  double crit_percent = 90;
};

// Worst state over all paths. Text "/ 45.1% used (12.3 GiB of 27.4 GiB)"; perfdata per path
// as check_disk: label = mount path, value = used bytes, warn/crit in bytes, min 0, max size.
// An unreadable path is UNKNOWN for that path.
CheckResult RunDiskCheck(const DiskCheckSpec& spec);

// The local filesystems of /proc/self/mounts, without pseudo filesystems.
std::vector<std::string> LocalMountPoints();

}  // namespace gs::probes
