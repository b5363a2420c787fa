#include "probes/disk_probe.h"

#include <sys/statvfs.h>

#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace gs::probes {

namespace {

constexpr std::array<std::string_view, 22> kPseudoFs = {
    "proc",     "sysfs",   "devtmpfs", "devpts",      "tmpfs",  "securityfs", "cgroup", "cgroup2",
    "pstore",   "bpf",     "debugfs",  "tracefs",     "mqueue", "hugetlbfs",  "autofs", "overlay",
    "squashfs", "fusectl", "configfs", "binfmt_misc", "nsfs",   "ramfs"};

bool IsPseudo(std::string_view fs) {
  for (std::string_view p : kPseudoFs) {
    if (p == fs) return true;
  }
  return false;
}

std::string HumanBytes(double bytes) {
  constexpr std::array<const char*, 5> kUnits = {"B", "KiB", "MiB", "GiB", "TiB"};
  std::size_t unit = 0;
  while (bytes >= 1024 && unit + 1 < kUnits.size()) {
    bytes /= 1024;
    ++unit;
  }
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "%.1f %s", bytes, kUnits[unit]);
  return buf.data();
}

// Unescapes the octal escapes of /proc/mounts (\040 for a space).
std::string UnescapeMount(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto octal = [&](std::size_t j) { return j < s.size() && s[j] >= '0' && s[j] <= '7'; };
    if (s[i] == '\\' && octal(i + 1) && octal(i + 2) && octal(i + 3)) {
      const int v = (s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0');
      out += static_cast<char>(v);
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

State CheckOne(const std::string& path, const DiskCheckSpec& spec, CheckResult& out) {
  struct statvfs st {};
  if (::statvfs(path.c_str(), &st) != 0) {
    out.text += (out.text.empty() ? "" : ", ") + path + " " + std::strerror(errno);
    return State::kUnknown;
  }
  const double frsize = static_cast<double>(st.f_frsize);
  const double used = static_cast<double>(st.f_blocks - st.f_bfree) * frsize;
  const double avail = static_cast<double>(st.f_bavail) * frsize;
  const double total = static_cast<double>(st.f_blocks) * frsize;
  const double usable = used + avail;
  const double pct = usable > 0 ? 100.0 * used / usable : 0;
  State state = State::kOk;
  if (pct >= spec.crit_percent) {
    state = State::kCritical;
  } else if (pct >= spec.warn_percent) {
    state = State::kWarning;
  }
  std::array<char, 160> buf{};
  std::snprintf(buf.data(), buf.size(), "%s %.1f%% used (%s of %s)", path.c_str(), pct,
                HumanBytes(used).c_str(), HumanBytes(usable).c_str());
  out.text += (out.text.empty() ? "" : ", ") + std::string(buf.data());
  auto threshold = [&](double percent) {
    return std::to_string(std::llround(usable * percent / 100.0));
  };
  out.perfdata.push_back(Perfdata{path, used, "B", threshold(spec.warn_percent),
                                  threshold(spec.crit_percent), 0.0, total});
  return state;
}

}  // namespace

std::vector<std::string> LocalMountPoints() {
  std::vector<std::string> out;
  std::ifstream mounts("/proc/self/mounts");
  std::string line;
  while (std::getline(mounts, line)) {
    std::istringstream fields(line);
    std::string device;
    std::string mount;
    std::string fs;
    if (!(fields >> device >> mount >> fs) || IsPseudo(fs)) continue;
    std::string path = UnescapeMount(mount);
    bool duplicate = false;
    for (const auto& seen : out) duplicate = duplicate || seen == path;
    if (!duplicate) out.push_back(std::move(path));
  }
  return out;
}

CheckResult RunDiskCheck(const DiskCheckSpec& spec) {
  CheckResult result;
  result.started = std::chrono::system_clock::now();
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<std::string> paths = spec.paths.empty() ? LocalMountPoints() : spec.paths;
  result.state = State::kOk;
  if (paths.empty()) {
    result.state = State::kUnknown;
    result.text = "no local filesystems found";
  }
  for (const auto& path : paths) result.state = Worst(result.state, CheckOne(path, spec, result));
  result.duration = std::chrono::steady_clock::now() - t0;
  return result;
}

}  // namespace gs::probes
