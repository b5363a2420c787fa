#include "collector/config/size.h"

#include <array>
#include <charconv>

namespace gs::collector {

namespace {

struct Unit {
  std::string_view name;
  std::uint64_t bytes;
};

constexpr std::array<Unit, 13> kUnits = {{{"", 1},
                                          {"B", 1},
                                          {"K", 1ULL << 10},
                                          {"KB", 1ULL << 10},
                                          {"KiB", 1ULL << 10},
                                          {"M", 1ULL << 20},
                                          {"MB", 1ULL << 20},
                                          {"MiB", 1ULL << 20},
                                          {"G", 1ULL << 30},
                                          {"GB", 1ULL << 30},
                                          {"GiB", 1ULL << 30},
                                          {"TB", 1ULL << 40},
                                          {"TiB", 1ULL << 40}}};

constexpr std::uint64_t kMax = 1ULL << 40;

}  // namespace

Result<std::uint64_t> ParseSize(std::string_view text) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  std::uint64_t number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end == text.data()) {
    return Fail(quoted + ": expected a number of bytes, e.g. 64KiB or 32MiB");
  }
  std::string_view unit = text.substr(static_cast<std::size_t>(end - text.data()));
  while (unit.starts_with(' ')) unit.remove_prefix(1);
  for (const Unit& u : kUnits) {
    if (u.name != unit) continue;
    if (number > kMax / u.bytes) return Fail(quoted + ": larger than 1TiB");
    return number * u.bytes;
  }
  return Fail(quoted + ": unknown unit \"" + std::string(unit) + "\" (B, KiB, MiB, GiB, TiB)");
}

}  // namespace gs::collector
