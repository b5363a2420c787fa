// Fuzzes ParseMountinfo and what the disk probe does with its result (selection, the mount
// holding a path): any bytes parse within the caps into absolute mount points.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "probes/disk_probe.h"
#include "probes/mountinfo.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gs::probes;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const MountinfoParse parsed = ParseMountinfo(input);
  if (parsed.mounts.size() > kMaxMounts || parsed.errors.size() > kMaxMountinfoErrors) {
    std::abort();
  }
  if (parsed.errors.size() > parsed.bad_lines) std::abort();
  for (const MountEntry& m : parsed.mounts) {
    if (m.mount_point.empty() || m.mount_point.front() != '/') std::abort();
    if (m.root.empty() || m.root.front() != '/') std::abort();
    if (m.fs_type.empty() || m.optional_fields.size() > kMaxOptionalFields) std::abort();
  }
  const MountEntry* root = MountHolding(parsed.mounts, "/");
  if (root != nullptr && root->mount_point != "/") std::abort();
  const MountEntry* deep = MountHolding(parsed.mounts, "/var/lib/data");
  if (deep != nullptr && !std::string_view("/var/lib/data").starts_with(deep->mount_point)) {
    std::abort();
  }
  DiskCheckSpec spec;
  if (SelectMounts(parsed.mounts, spec).size() > parsed.mounts.size()) std::abort();
  spec.include_types = {"*"};
  spec.exclude_paths = {"/proc*"};
  if (SelectMounts(parsed.mounts, spec).size() > parsed.mounts.size()) std::abort();
  return 0;
}
