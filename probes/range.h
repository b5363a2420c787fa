// Range: a Nagios threshold range ("10", "10:", "~:10", "10:20", "@10:20") as defined by
// the Nagios plugin development guidelines. Immutable value; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "probes/result.h"

namespace gs::probes {

// Parses a plain decimal number as plugins print it: optional '-', digits with an optional
// '.' fraction, optional exponent ("-1.5", ".5", "3e-3"). No '+', "inf", "nan", hex, commas
// or surrounding spaces. Out-of-range values (1e999) fail. Shared by ranges and perfdata.
[[nodiscard]] std::optional<double> ParseDecimal(std::string_view text);

// Length of the longest prefix of `text` that ParseDecimal accepts (0 when none).
[[nodiscard]] std::size_t DecimalPrefixLength(std::string_view text);

class Range {
 public:
  // The empty range: never alerts.
  Range() = default;

  // Parses the guideline syntax. "10" means alert outside 0..10; "10:" outside 10..inf;
  // "~:10" outside -inf..10; "10:20" outside 10..20; "@10:20" inside 10..20 (inclusive).
  // Fails on anything else (e.g. "20:10", "abc", "1:2:3") with a message quoting the input.
  [[nodiscard]] static Result<Range> Parse(std::string_view text);

  // True when `value` should raise an alert under this range.
  [[nodiscard]] bool Alerts(double value) const;

  [[nodiscard]] bool empty() const { return text_.empty(); }

  // The text it was parsed from (perfdata carries thresholds verbatim).
  [[nodiscard]] const std::string& text() const { return text_; }

  // Two ranges are equal when they were parsed from the same text.
  friend bool operator==(const Range& a, const Range& b) { return a.text_ == b.text_; }

 private:
  std::string text_;
  double low_ = 0;
  double high_ = 0;
  bool low_infinite_ = false;
  bool high_infinite_ = false;
  bool inside_ = false;  // '@': alert when inside the range
};

}  // namespace gs::probes
