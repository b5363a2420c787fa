// Small text helpers: splitting kernel text files (/proc/self/mountinfo, /proc/mdstat) into
// fields, comparing protocol tokens. Header-only, pure; thread-safe.
#pragma once

#include <algorithm>
#include <string_view>
#include <vector>

namespace gs::probes {

// The non-empty runs of `line` between any of `separators` (the kernel writes single spaces;
// anything inside a field is escaped).
inline std::vector<std::string_view> SplitFields(std::string_view line,
                                                 std::string_view separators = " \t") {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    i = line.find_first_not_of(separators, i);
    if (i == std::string_view::npos) break;
    const std::size_t end = std::min(line.find_first_of(separators, i), line.size());
    out.push_back(line.substr(i, end - i));
    i = end;
  }
  return out;
}

// `a` and `b` are equal ignoring ASCII case (HTTP header names, schemes, codings); unlike
// strcasecmp, independent of the locale.
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

}  // namespace gs::probes
