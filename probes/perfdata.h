// Perfdata: one Nagios performance-data item ('label'=value[UOM];[warn];[crit];[min];[max])
// and the single place where perfdata is formatted and parsed. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probes/result.h"

namespace gs::probes {

struct Perfdata {
  std::string label;
  double value = 0;  // NaN: the plugin printed 'U' (value unknown)
  // Unit of measure as in the plugin guidelines: "", "s", "ms", "us", "%", "B", "KB", "MB",
  // "TB", "c" (and anything else a plugin printed, kept verbatim).
  std::string uom;
  // Threshold ranges in Nagios range syntax, verbatim ("", "10", "@10:20", "~:5").
  std::string warn;
  std::string crit;
  std::optional<double> min;
  std::optional<double> max;

  friend bool operator==(const Perfdata&, const Perfdata&) = default;
};

// Formats one item: label quoted when it contains a space, '=' or a quote (quotes doubled),
// numbers in shortest round-trip form, trailing empty fields dropped.
std::string FormatPerfdata(const Perfdata& p);

// Formats a list separated by single spaces.
std::string FormatPerfdata(const std::vector<Perfdata>& items);

// Result of parsing a perfdata string: the items that parsed, plus one message per item
// that did not (bad items are skipped, never fatal: a plugin's other values still count).
struct PerfdataParse {
  std::vector<Perfdata> items;
  std::vector<std::string> errors;
};

// Parses the text after '|' (may span several long-output lines joined by spaces).
// Bounded: at most kMaxPerfdataItems items and labels of at most kMaxLabelLength bytes.
PerfdataParse ParsePerfdata(std::string_view text);

// Formats a number in shortest round-trip form, as a plain decimal for magnitudes in
// [1e-6, 1e15) ("0.004012", "612", "0.00001") and with an exponent beyond ("1e+20"); NaN and
// infinities, which no plugin can print as a value, become "U".
std::string FormatNumber(double value);

inline constexpr std::size_t kMaxPerfdataItems = 256;
inline constexpr std::size_t kMaxLabelLength = 200;
// Units and thresholds longer than this are rejected (plugins print a handful of bytes).
inline constexpr std::size_t kMaxFieldLength = 64;

}  // namespace gs::probes
