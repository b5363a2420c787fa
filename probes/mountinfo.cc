#include "probes/mountinfo.h"

#include <charconv>
#include <optional>

#include "probes/text_fields.h"

namespace gs::probes {

namespace {

template <typename T>
std::optional<T> Number(std::string_view text) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

bool ParseDevice(std::string_view text, MountEntry& entry) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  const auto major = Number<unsigned>(text.substr(0, colon));
  const auto minor = Number<unsigned>(text.substr(colon + 1));
  if (!major || !minor) return false;
  entry.major = *major;
  entry.minor = *minor;
  return true;
}

// Parses one non-empty line; on failure returns the reason.
std::optional<std::string> ParseLine(std::string_view line, MountEntry& entry) {
  const std::vector<std::string_view> t = SplitFields(line);
  if (t.size() < 6) return "fewer than 6 fields";
  const auto id = Number<int>(t[0]);
  const auto parent = Number<int>(t[1]);
  if (!id || !parent) return "mount ID or parent ID is not a number";
  entry.mount_id = *id;
  entry.parent_id = *parent;
  if (!ParseDevice(t[2], entry)) return "bad major:minor '" + std::string(t[2]) + "'";
  if (t[3].front() != '/' || t[4].front() != '/') return "root or mount point is not absolute";
  entry.root = UnescapeMountField(t[3]);
  entry.mount_point = UnescapeMountField(t[4]);
  entry.mount_options = std::string(t[5]);
  std::size_t i = 6;
  for (; i < t.size() && t[i] != "-"; ++i) {
    if (entry.optional_fields.size() < kMaxOptionalFields) {
      entry.optional_fields.emplace_back(t[i]);
    }
  }
  if (i == t.size()) return "no ' - ' separator";
  if (t.size() - i < 3) return "no filesystem type and source after ' - '";
  entry.fs_type = UnescapeMountField(t[i + 1]);
  entry.source = UnescapeMountField(t[i + 2]);
  if (i + 3 < t.size()) entry.super_options = std::string(t[i + 3]);
  return std::nullopt;
}

bool IsOctal(char c) { return c >= '0' && c <= '7'; }

bool HasPathPrefix(std::string_view path, std::string_view prefix) {
  if (prefix == "/") return !path.empty() && path.front() == '/';
  if (path.substr(0, prefix.size()) != prefix) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

}  // namespace

bool MountEntry::ReadOnly() const {
  return mount_options == "ro" || mount_options.starts_with("ro,");
}

std::string UnescapeMountField(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size() && IsOctal(field[i + 1]) &&
        IsOctal(field[i + 2]) && IsOctal(field[i + 3])) {
      const int v = (field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0');
      if (v <= 0377) {
        out += static_cast<char>(v);
        i += 3;
        continue;
      }
    }
    out += field[i];
  }
  return out;
}

MountinfoParse ParseMountinfo(std::string_view text) {
  MountinfoParse out;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    MountEntry entry;
    if (auto error = ParseLine(line, entry)) {
      ++out.bad_lines;
      if (out.errors.size() < kMaxMountinfoErrors) {
        out.errors.push_back("line " + std::to_string(line_number) + ": " + *error);
      }
      continue;
    }
    if (out.mounts.size() >= kMaxMounts) {
      ++out.dropped_mounts;
      continue;
    }
    out.mounts.push_back(std::move(entry));
  }
  return out;
}

const MountEntry* MountHolding(const std::vector<MountEntry>& mounts, std::string_view path) {
  const MountEntry* best = nullptr;
  for (const MountEntry& m : mounts) {
    if (!HasPathPrefix(path, m.mount_point)) continue;
    if (best == nullptr || m.mount_point.size() >= best->mount_point.size()) best = &m;
  }
  return best;
}

}  // namespace gs::probes
