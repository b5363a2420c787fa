#include "probes/disk_probe.h"

#include <fnmatch.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <utility>

namespace gs::probes {

namespace {

// Skipped unless named by include_types: pseudo/virtual (no blocks of their own, or memory
// that is not disk), read-only images (always 100% full by design) and network filesystems
// (monitored on their server; a dead one would hang statvfs).
constexpr auto kSkippedTypes = std::to_array<std::string_view>(
    {// pseudo / virtual
     "proc", "sysfs", "devtmpfs", "devpts", "tmpfs", "ramfs", "securityfs", "cgroup", "cgroup2",
     "pstore", "bpf", "debugfs", "tracefs", "mqueue", "hugetlbfs", "autofs", "overlay", "fusectl",
     "configfs", "binfmt_misc", "nsfs", "efivarfs", "selinuxfs", "rpc_pipefs", "nfsd", "devfs",
     "fuse.lxcfs", "fuse.gvfsd-fuse", "fuse.portal",
     // read-only images
     "squashfs", "iso9660", "udf", "erofs", "cramfs", "romfs",
     // network
     "nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p"});

// A percent threshold that never fires (used percent is at most 100).
constexpr double kDisabled = 101;

// Reading more than this of a mount table means something is wrong; the rest is ignored.
constexpr std::size_t kMaxMountinfoBytes = std::size_t{16} * 1024 * 1024;

bool Glob(const std::string& pattern, const std::string& text) {
  return ::fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

bool AnyGlob(const std::vector<std::string>& patterns, const std::string& text) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return Glob(p, text); });
}

std::string HumanBytes(double bytes) {
  constexpr std::array<const char*, 6> kUnits = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  std::size_t unit = 0;
  while (bytes >= 1024 && unit + 1 < kUnits.size()) {
    bytes /= 1024;
    ++unit;
  }
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "%.1f %s", bytes, kUnits[unit]);
  return buf.data();
}

std::string Percent(double value) {
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "%.1f%%", value);
  return buf.data();
}

State Above(double value, double warn, double crit) {
  if (value >= crit) return State::kCritical;
  return value >= warn ? State::kWarning : State::kOk;
}

State Below(double value, std::optional<std::uint64_t> warn, std::optional<std::uint64_t> crit) {
  if (crit && value < static_cast<double>(*crit)) return State::kCritical;
  return warn && value < static_cast<double>(*warn) ? State::kWarning : State::kOk;
}

std::string Integer(double value) { return std::to_string(std::llround(std::max(0.0, value))); }

// The used amount (of `total`) at which "used percent >= pct" fires; nullopt when disabled.
std::optional<double> PercentTide(double total, std::optional<double> pct) {
  if (!pct || *pct > 100) return std::nullopt;
  return total * *pct / 100.0;
}

// The lowest used amount at which either threshold fires, as a perfdata threshold ("" if none).
std::string Tide(std::optional<double> a, std::optional<double> b) {
  if (a && b) return Integer(std::min(*a, *b));
  if (a || b) return Integer(a ? *a : *b);
  return "";
}

// One measure of one filesystem (space or inodes): its state, the first-line items of the
// thresholds it breaches ("93.1% used"), and its part of the long text.
struct Part {
  State state = State::kOk;
  std::vector<std::string> alerts;
  std::string summary;  // the first-line item when nothing is breached
  std::string detail;
};

Part Space(const MountReading& r, const FsUsage& u, const DiskCheckSpec& spec,
           std::vector<Perfdata>& perf) {
  const auto used = static_cast<double>(u.total_bytes - std::min(u.free_bytes, u.total_bytes));
  const auto avail = static_cast<double>(u.avail_bytes);
  const double usable = used + avail;
  const double pct = usable > 0 ? 100.0 * used / usable : 0;
  const auto free_tide = [&](std::optional<std::uint64_t> f) -> std::optional<double> {
    if (!f) return std::nullopt;
    return std::max(0.0, usable - static_cast<double>(*f));
  };
  perf.push_back(
      Perfdata{r.mount_point, used, "B",
               Tide(PercentTide(usable, spec.warn_percent), free_tide(spec.warn_free_bytes)),
               Tide(PercentTide(usable, spec.crit_percent), free_tide(spec.crit_free_bytes)), 0.0,
               static_cast<double>(u.total_bytes)});
  const State space = Above(pct, spec.warn_percent, spec.crit_percent);
  const State free = Below(avail, spec.warn_free_bytes, spec.crit_free_bytes);
  Part part{Worst(space, free), {}, Percent(pct) + " used", ""};
  if (space != State::kOk) part.alerts.push_back(Percent(pct) + " used");
  if (free != State::kOk) part.alerts.push_back(HumanBytes(avail) + " free");
  part.detail = Percent(pct) + " used (" + HumanBytes(used) + " of " + HumanBytes(usable) + "), " +
                HumanBytes(avail) + " free";
  return part;
}

// Nothing for filesystems without an inode count (btrfs, some FUSE filesystems).
std::optional<Part> Inodes(const MountReading& r, const FsUsage& u, const DiskCheckSpec& spec,
                           std::vector<Perfdata>& perf) {
  if (u.total_inodes == 0) return std::nullopt;
  const auto total = static_cast<double>(u.total_inodes);
  const double used = total - static_cast<double>(std::min(u.free_inodes, u.total_inodes));
  const double pct = 100.0 * used / total;
  perf.push_back(Perfdata{r.mount_point + " inodes", used, "",
                          Tide(PercentTide(total, spec.warn_inode_percent), std::nullopt),
                          Tide(PercentTide(total, spec.crit_inode_percent), std::nullopt), 0.0,
                          total});
  Part part;
  part.state = Above(pct, spec.warn_inode_percent.value_or(kDisabled),
                     spec.crit_inode_percent.value_or(kDisabled));
  if (part.state != State::kOk) part.alerts.push_back("inodes " + Percent(pct) + " used");
  part.detail =
      "inodes " + Percent(pct) + " used (" + Integer(used) + " of " + Integer(total) + ")";
  return part;
}

// What one filesystem contributes to the result.
struct Verdict {
  State state = State::kOk;
  std::string line_item;  // for the first line
  std::string detail;     // one line of long text
};

Verdict Evaluate(const MountReading& r, const DiskCheckSpec& spec, std::vector<Perfdata>& perf) {
  if (!r.usage) {
    return Verdict{State::kCritical, r.error + " (CRITICAL)",
                   r.mount_point + ": CRITICAL, " + r.error};
  }
  Part space = Space(r, *r.usage, spec, perf);
  const std::optional<Part> inodes = Inodes(r, *r.usage, spec, perf);
  Verdict v{space.state, r.mount_point, ""};
  std::string details = space.detail;
  if (inodes) {
    v.state = Worst(v.state, inodes->state);
    space.alerts.insert(space.alerts.end(), inodes->alerts.begin(), inodes->alerts.end());
    details += ", " + inodes->detail;
  }
  const std::string state(ToString(v.state));
  for (std::size_t i = 0; i < space.alerts.size(); ++i) {
    v.line_item += (i == 0 ? " " : ", ") + space.alerts[i];
  }
  // All well: the used percent, as df shows it.
  if (space.alerts.empty()) v.line_item += " " + space.summary;
  if (v.state != State::kOk) v.line_item += " (" + state + ")";
  v.detail = r.mount_point + ": " + state + (r.fs_type.empty() ? "" : ", " + r.fs_type) +
             (r.source.empty() ? "" : " on " + r.source) + ", " + details;
  return v;
}

Result<MountinfoParse> ReadMountTable(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail("cannot read " + path + ": " + std::strerror(errno));
  std::string text;
  std::array<char, 65536> chunk{};
  while (text.size() < kMaxMountinfoBytes && in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) return Fail("cannot read " + path + ": read error");
  return ParseMountinfo(text);
}

MountReading Read(const std::string& label, const std::string& stat_path, const MountEntry* m) {
  MountReading r;
  r.mount_point = label;
  if (m != nullptr) {
    r.fs_type = m->fs_type;
    r.source = m->source;
  }
  auto usage = StatFilesystem(stat_path);
  if (usage) {
    r.usage = *usage;
  } else {
    r.error = usage.error().message;
  }
  return r;
}

// Explicit paths: the filesystem holding each, once per filesystem.
std::vector<MountReading> ReadPaths(const std::vector<std::string>& paths,
                                    const std::vector<MountEntry>& mounts) {
  std::vector<MountReading> out;
  std::set<std::pair<unsigned, unsigned>> seen;  // devices already read
  for (const std::string& path : paths) {
    std::error_code ec;
    const std::filesystem::path canonical = std::filesystem::canonical(path, ec);
    if (ec) {
      out.push_back(MountReading{path, "", "", std::nullopt, path + ": " + ec.message()});
      continue;
    }
    const MountEntry* m = MountHolding(mounts, canonical.string());
    if (m != nullptr && !seen.emplace(m->major, m->minor).second) continue;
    out.push_back(Read(m != nullptr ? m->mount_point : path, canonical.string(), m));
  }
  return out;
}

// What long_text says about the mount table, if anything.
std::string TableNote(const Result<MountinfoParse>& result, const DiskCheckSpec& spec) {
  if (!result) return spec.paths.empty() ? "" : result.error().message;  // else it is the text
  const MountinfoParse& table = *result;
  const std::string& path = spec.mountinfo_path;
  if (table.bad_lines == 0 && table.dropped_mounts == 0) return "";
  std::string note = path + ": " + std::to_string(table.bad_lines) + " malformed line(s) skipped";
  if (!table.errors.empty()) note += " (" + table.errors.front() + ")";
  if (table.dropped_mounts > 0) {
    note += ", " + std::to_string(table.dropped_mounts) + " mounts past the limit ignored";
  }
  return note;
}

}  // namespace

bool SkippedByDefault(std::string_view fs_type) {
  return std::find(kSkippedTypes.begin(), kSkippedTypes.end(), fs_type) != kSkippedTypes.end();
}

std::vector<MountEntry> SelectMounts(const std::vector<MountEntry>& mounts,
                                     const DiskCheckSpec& spec) {
  std::vector<MountEntry> out;
  std::map<std::pair<unsigned, unsigned>, std::size_t> index;  // device -> position in out
  for (const MountEntry& m : mounts) {
    const bool wanted = spec.include_types.empty() ? !SkippedByDefault(m.fs_type)
                                                   : AnyGlob(spec.include_types, m.fs_type);
    if (!wanted || AnyGlob(spec.exclude_types, m.fs_type) ||
        AnyGlob(spec.exclude_paths, m.mount_point)) {
      continue;
    }
    const auto [it, inserted] = index.emplace(std::pair(m.major, m.minor), out.size());
    if (inserted) {
      out.push_back(m);
    } else if (out[it->second].root != "/" && m.root == "/") {
      out[it->second] = m;  // prefer the mount of the whole filesystem over a bind of a subtree
    }
  }
  return out;
}

Result<FsUsage> StatFilesystem(const std::string& path) {
  struct statvfs st {};
  if (::statvfs(path.c_str(), &st) != 0) {
    return Fail("statvfs " + path + ": " + std::strerror(errno));
  }
  const std::uint64_t frsize = st.f_frsize != 0 ? st.f_frsize : st.f_bsize;
  return FsUsage{.total_bytes = st.f_blocks * frsize,
                 .free_bytes = st.f_bfree * frsize,
                 .avail_bytes = st.f_bavail * frsize,
                 .total_inodes = st.f_files,
                 .free_inodes = st.f_ffree};
}

CheckResult EvaluateDisk(const std::vector<MountReading>& readings, const DiskCheckSpec& spec) {
  CheckResult result;
  if (readings.empty()) {
    result.text = "no filesystems selected";
    return result;
  }
  std::vector<Verdict> verdicts;
  verdicts.reserve(readings.size());
  for (const MountReading& r : readings) verdicts.push_back(Evaluate(r, spec, result.perfdata));
  std::stable_sort(verdicts.begin(), verdicts.end(), [](const Verdict& a, const Verdict& b) {
    return Severity(a.state) > Severity(b.state);
  });
  result.state = State::kOk;
  for (const Verdict& v : verdicts) {
    result.state = Worst(result.state, v.state);
    result.text += (result.text.empty() ? "" : ", ") + v.line_item;
    result.long_text += (result.long_text.empty() ? "" : "\n") + v.detail;
  }
  return result;
}

CheckResult RunDiskCheck(const DiskCheckSpec& spec) {
  const auto started = std::chrono::system_clock::now();
  const auto t0 = std::chrono::steady_clock::now();
  const auto table = ReadMountTable(spec.mountinfo_path);
  CheckResult result;
  if (!spec.paths.empty()) {
    result = EvaluateDisk(ReadPaths(spec.paths, table ? table->mounts : std::vector<MountEntry>{}),
                          spec);
  } else if (table) {
    std::vector<MountReading> readings;
    for (const MountEntry& m : SelectMounts(table->mounts, spec)) {
      readings.push_back(Read(m.mount_point, m.mount_point, &m));
    }
    result = EvaluateDisk(readings, spec);
  } else {
    result.text = table.error().message;
  }
  if (const std::string note = TableNote(table, spec); !note.empty()) {
    result.long_text += (result.long_text.empty() ? "" : "\n") + note;
  }
  result.started = started;
  result.duration = std::chrono::steady_clock::now() - t0;
  return result;
}

std::vector<std::string> LocalMountPoints() {
  const DiskCheckSpec spec;
  std::vector<std::string> out;
  const auto table = ReadMountTable(spec.mountinfo_path);
  if (!table) return out;
  for (const MountEntry& m : SelectMounts(table->mounts, spec)) out.push_back(m.mount_point);
  return out;
}

}  // namespace gs::probes
