#include "probes/range.h"

#include <charconv>
#include <system_error>

namespace gs::probes {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::size_t SkipDigits(std::string_view text, std::size_t i) {
  while (i < text.size() && IsDigit(text[i])) ++i;
  return i;
}

std::string Quote(std::string_view text) { return "'" + std::string(text) + "'"; }

// One end of a range: a number, or "~" (infinite) where allowed.
struct Bound {
  double value = 0;
  bool infinite = false;
};

Result<Bound> ParseBound(std::string_view piece, std::string_view whole, bool allow_tilde) {
  if (piece.empty()) return Fail("empty bound in range " + Quote(whole));
  if (piece == "~") {
    if (allow_tilde) return Bound{0, true};
    return Fail("'~' is only allowed as the start of range " + Quote(whole));
  }
  const std::optional<double> value = ParseDecimal(piece);
  if (!value) return Fail("bad number " + Quote(piece) + " in range " + Quote(whole));
  return Bound{*value, false};
}

}  // namespace

std::size_t DecimalPrefixLength(std::string_view text) {
  std::size_t i = 0;
  if (i < text.size() && text[i] == '-') ++i;
  const std::size_t int_start = i;
  i = SkipDigits(text, i);
  bool digits = i > int_start;
  if (i < text.size() && text[i] == '.') {
    const std::size_t frac_start = i + 1;
    const std::size_t frac_end = SkipDigits(text, frac_start);
    if (digits || frac_end > frac_start) {
      digits = true;
      i = frac_end;
    }
  }
  if (!digits) return 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < text.size() && (text[j] == '-' || text[j] == '+')) ++j;
    const std::size_t exp_end = SkipDigits(text, j);
    if (exp_end > j) i = exp_end;
  }
  return i;
}

std::optional<double> ParseDecimal(std::string_view text) {
  if (text.empty() || DecimalPrefixLength(text) != text.size()) return std::nullopt;
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

Result<Range> Range::Parse(std::string_view text) {
  if (text.empty()) return Fail("empty range ''");
  Range r;
  r.text_ = std::string(text);
  std::string_view rest = text;
  if (rest.front() == '@') {
    r.inside_ = true;
    rest.remove_prefix(1);
  }
  const std::size_t colon = rest.find(':');
  if (colon == std::string_view::npos) {
    auto high = ParseBound(rest, text, false);
    if (!high) return tl::unexpected(high.error());
    r.high_ = high->value;
  } else {
    auto low = ParseBound(rest.substr(0, colon), text, true);
    if (!low) return tl::unexpected(low.error());
    r.low_ = low->value;
    r.low_infinite_ = low->infinite;
    const std::string_view high_text = rest.substr(colon + 1);
    if (high_text.empty()) {
      if (r.low_infinite_) return Fail("range " + Quote(text) + " has no finite bound");
      r.high_infinite_ = true;
    } else {
      auto high = ParseBound(high_text, text, false);
      if (!high) return tl::unexpected(high.error());
      r.high_ = high->value;
    }
  }
  if (!r.low_infinite_ && !r.high_infinite_ && r.low_ > r.high_) {
    return Fail("range " + Quote(text) + " starts above its end");
  }
  return r;
}

bool Range::Alerts(double value) const {
  if (empty()) return false;
  const bool above_low = low_infinite_ || value >= low_;
  const bool below_high = high_infinite_ || value <= high_;
  const bool inside = above_low && below_high;
  return inside_ ? inside : !inside;
}

}  // namespace gs::probes
