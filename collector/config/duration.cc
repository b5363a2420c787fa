#include "collector/config/duration.h"

#include <array>
#include <charconv>
#include <cmath>

namespace gs::collector {

namespace {

struct Unit {
  std::string_view name;
  double ms;
};

constexpr std::array<Unit, 7> kUnits = {{{"ms", 1},
                                         {"s", 1e3},
                                         {"m", 60e3},
                                         {"h", 3600e3},
                                         {"d", 86400e3},
                                         {"w", 7 * 86400e3},
                                         {"y", 365 * 86400e3}}};

constexpr double kMaxMs = 10 * 365 * 86400e3;

bool IsUnitChar(char c) { return c >= 'a' && c <= 'z'; }

Result<double> ParseNumber(std::string_view text, std::size_t& pos) {
  const std::size_t start = pos;
  while (pos < text.size() && ((text[pos] >= '0' && text[pos] <= '9') || text[pos] == '.')) ++pos;
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data() + start, text.data() + pos, value);
  if (start == pos || ec != std::errc() || ptr != text.data() + pos) {
    return Fail("\"" + std::string(text) + "\": expected a number at offset " +
                std::to_string(start));
  }
  return value;
}

}  // namespace

Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  if (text.empty()) return Fail("empty duration");
  std::size_t pos = 0;
  double total = 0;
  bool bare = true;
  while (pos < text.size()) {
    auto number = ParseNumber(text, pos);
    if (!number) return tl::unexpected(number.error());
    const std::size_t unit_start = pos;
    while (pos < text.size() && IsUnitChar(text[pos])) ++pos;
    const std::string_view unit = text.substr(unit_start, pos - unit_start);
    if (unit.empty()) {
      if (pos != text.size() || !bare) return Fail(quoted + ": missing unit (ms, s, m, h, d, w)");
      total += *number * 1e3;  // a bare number is seconds, as in Nagios
      break;
    }
    bare = false;
    const Unit* found = nullptr;
    for (const Unit& u : kUnits) {
      if (u.name == unit) found = &u;
    }
    if (found == nullptr) {
      return Fail(quoted + ": unknown unit \"" + std::string(unit) + "\" (use ms, s, m, h, d, w)");
    }
    total += *number * found->ms;
    if (total > kMaxMs) return Fail(quoted + ": longer than 10 years");
  }
  if (!std::isfinite(total) || total > kMaxMs) return Fail(quoted + ": longer than 10 years");
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(total)));
}

std::string FormatDuration(std::chrono::milliseconds d) {
  std::int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  for (auto it = kUnits.rbegin(); it != kUnits.rend(); ++it) {
    const auto unit_ms = static_cast<std::int64_t>(it->ms);
    if (it->name == "y" || it->name == "w") continue;  // days read better than weeks
    if (ms >= unit_ms) {
      out += std::to_string(ms / unit_ms) + std::string(it->name);
      ms %= unit_ms;
    }
  }
  return out;
}

}  // namespace gs::collector
