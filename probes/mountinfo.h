// Mountinfo: the mount table of /proc/<pid>/mountinfo (proc(5)) decoded into plain values, and
// the lookup of the mount that holds a path. Pure functions on text; thread-safe.
//
// One line per mount:
//   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
//   (1)(2) (3)  (4)   (5)      (6)      (7)    (8) (9)    (10)        (11)
// mount ID, parent ID, major:minor of the filesystem, root of the mount within the filesystem,
// mount point, per-mount options, zero or more optional fields ("shared:1") ended by "-",
// filesystem type ("ext4", "fuse.sshfs"), source ("/dev/sda1", "none"), superblock options.
// Spaces, tabs, newlines and backslashes in paths are written as octal escapes ("\040").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gs::probes {

struct MountEntry {
  int mount_id = 0;
  int parent_id = 0;
  unsigned major = 0;
  unsigned minor = 0;
  std::string root;         // unescaped; "/" unless a bind mount of a subtree
  std::string mount_point;  // unescaped
  std::string mount_options;
  std::vector<std::string> optional_fields;  // "shared:1", "master:2", ...
  std::string fs_type;
  std::string source;  // unescaped
  std::string super_options;

  // True when the per-mount options start with "ro".
  [[nodiscard]] bool ReadOnly() const;

  friend bool operator==(const MountEntry&, const MountEntry&) = default;
};

struct MountinfoParse {
  std::vector<MountEntry> mounts;  // in file order
  // "line 3: ..." for the first kMaxMountinfoErrors malformed lines.
  std::vector<std::string> errors;
  std::size_t bad_lines = 0;       // every malformed line, with or without a message
  std::size_t dropped_mounts = 0;  // well-formed lines past kMaxMounts
};

// Parses the whole text. Malformed lines are skipped and counted, never fatal: the other
// mounts still count. Empty lines are ignored. Bounded: at most kMaxMounts entries and
// kMaxOptionalFields optional fields per entry; memory is linear in the input.
MountinfoParse ParseMountinfo(std::string_view text);

// Undoes the kernel's octal escapes ("\040" -> ' '); a backslash not followed by three octal
// digits of a byte value (<= \377) is kept as is.
std::string UnescapeMountField(std::string_view field);

// The mount whose mount point is the longest path prefix of `path` (an absolute, canonical
// path, as realpath(3) returns), i.e. the filesystem that holds it. Among mounts on the same
// point the last listed wins (a later mount hides an earlier one). nullptr when none matches.
const MountEntry* MountHolding(const std::vector<MountEntry>& mounts, std::string_view path);

inline constexpr std::size_t kMaxMounts = 10000;
inline constexpr std::size_t kMaxOptionalFields = 16;
inline constexpr std::size_t kMaxMountinfoErrors = 16;

}  // namespace gs::probes
