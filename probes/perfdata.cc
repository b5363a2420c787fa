#include "probes/perfdata.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "probes/range.h"

namespace gs::probes {

namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool NeedsQuotes(std::string_view label) {
  for (char c : label) {
    if (IsSpace(c) || c == '=' || c == '\'') return true;
  }
  return label.empty();
}

// An excerpt of bad input for an error message: quoted, at most 60 bytes.
std::string Excerpt(std::string_view text) {
  constexpr std::size_t kMax = 60;
  if (text.size() <= kMax) return "'" + std::string(text) + "'";
  return "'" + std::string(text.substr(0, kMax)) + "...'";
}

// Splits "a;b;c" into at most `max` pieces; returns the number of ';'-separated fields.
std::size_t SplitFields(std::string_view text, std::string_view* fields, std::size_t max) {
  std::size_t count = 0;
  while (true) {
    const std::size_t semi = text.find(';');
    if (count < max) fields[count] = text.substr(0, semi);
    ++count;
    if (semi == std::string_view::npos) return count;
    text.remove_prefix(semi + 1);
  }
}

Result<std::string> CheckUnit(std::string_view uom) {
  if (uom.size() > kMaxFieldLength) return Fail("unit too long");
  if (!uom.empty() && uom.front() == ',') return Fail("decimal commas are not supported");
  for (char c : uom) {
    if ((c >= '0' && c <= '9') || c == '.' || c == ',') return Fail("bad unit " + Excerpt(uom));
  }
  return std::string(uom);
}

Result<std::optional<double>> ParseLimit(std::string_view text, const char* what) {
  if (text.empty() || text == "U") return std::optional<double>();
  std::optional<double> value = ParseDecimal(text);
  if (!value) return Fail(std::string("bad ") + what + " " + Excerpt(text));
  return value;
}

// Parses "value[UOM][;warn[;crit[;min[;max]]]]" into `p`.
Result<bool> ParseValueFields(std::string_view text, Perfdata& p) {
  std::string_view fields[5];
  const std::size_t count = SplitFields(text, fields, 5);
  if (count > 5) return Fail("too many ';' fields");
  if (fields[0] == "U") {
    // The plugin could not determine the value (guidelines): kept as NaN, which formats as
    // "U" again and reaches an RRD as unknown.
    p.value = std::numeric_limits<double>::quiet_NaN();
  } else {
    const std::size_t n = DecimalPrefixLength(fields[0]);
    if (n == 0) return Fail("bad value " + Excerpt(fields[0]));
    p.value = *ParseDecimal(fields[0].substr(0, n));
    auto uom = CheckUnit(fields[0].substr(n));
    if (!uom) return tl::unexpected(uom.error());
    p.uom = std::move(*uom);
  }
  if (fields[1].size() > kMaxFieldLength || fields[2].size() > kMaxFieldLength) {
    return Fail("threshold too long");
  }
  p.warn = std::string(fields[1]);
  p.crit = std::string(fields[2]);
  auto min = ParseLimit(fields[3], "min");
  if (!min) return tl::unexpected(min.error());
  auto max = ParseLimit(fields[4], "max");
  if (!max) return tl::unexpected(max.error());
  p.min = *min;
  p.max = *max;
  return true;
}

class Parser {
 public:
  explicit Parser(std::string_view in) : in_(in) {}

  PerfdataParse Run() && {
    while (true) {
      while (pos_ < in_.size() && IsSpace(in_[pos_])) ++pos_;
      if (pos_ >= in_.size()) break;
      if (out_.items.size() >= kMaxPerfdataItems) {
        out_.errors.push_back("more than " + std::to_string(kMaxPerfdataItems) +
                              " perfdata items; the rest is ignored");
        break;
      }
      const std::size_t start = pos_;
      Perfdata p;
      Result<bool> ok = ParseItem(p);
      if (ok) {
        out_.items.push_back(std::move(p));
      } else {
        SkipToken();
        out_.errors.push_back("perfdata " + Excerpt(in_.substr(start, pos_ - start)) + ": " +
                              ok.error().message);
      }
    }
    return std::move(out_);
  }

 private:
  void SkipToken() {
    while (pos_ < in_.size() && !IsSpace(in_[pos_])) ++pos_;
  }

  Result<bool> ParseQuotedLabel(std::string& label) {
    ++pos_;  // opening quote
    while (true) {
      const std::size_t quote = in_.find('\'', pos_);
      if (quote == std::string_view::npos) {
        pos_ = in_.size();
        return Fail("unterminated quoted label");
      }
      label.append(in_.substr(pos_, quote - pos_));
      pos_ = quote + 1;
      if (pos_ < in_.size() && in_[pos_] == '\'') {
        label.push_back('\'');
        ++pos_;
      } else {
        return true;
      }
      if (label.size() > kMaxLabelLength) return Fail("label too long");
    }
  }

  Result<bool> ParseLabel(std::string& label) {
    if (in_[pos_] == '\'') {
      if (auto ok = ParseQuotedLabel(label); !ok) return ok;
    } else {
      const std::size_t start = pos_;
      while (pos_ < in_.size() && in_[pos_] != '=' && !IsSpace(in_[pos_])) ++pos_;
      label.assign(in_.substr(start, pos_ - start));
    }
    if (pos_ >= in_.size() || in_[pos_] != '=') return Fail("missing '=' after the label");
    ++pos_;
    if (label.empty()) return Fail("empty label");
    if (label.size() > kMaxLabelLength) return Fail("label too long");
    return true;
  }

  Result<bool> ParseItem(Perfdata& p) {
    if (auto ok = ParseLabel(p.label); !ok) return ok;
    const std::size_t start = pos_;
    SkipToken();
    return ParseValueFields(in_.substr(start, pos_ - start), p);
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  PerfdataParse out_;
};

}  // namespace

std::string FormatNumber(double value) {
  if (!std::isfinite(value)) return "U";
  // Plain decimals where they stay short (graphers such as PNP4Nagios do not all read
  // exponents); the shortest general form for the extremes.
  const double magnitude = std::fabs(value);
  const bool plain = value == 0 || (magnitude >= 1e-6 && magnitude < 1e15);
  char buf[128];
  const auto [end, ec] = plain
                             ? std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed)
                             : std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc()) return "U";
  return std::string(buf, end);
}

std::string FormatPerfdata(const Perfdata& p) {
  std::string out;
  if (NeedsQuotes(p.label)) {
    out.push_back('\'');
    for (char c : p.label) {
      if (c == '\'') out.push_back('\'');
      out.push_back(c);
    }
    out.push_back('\'');
  } else {
    out = p.label;
  }
  out += '=';
  out += FormatNumber(p.value);
  out += p.uom;
  const std::string fields[4] = {p.warn, p.crit, p.min ? FormatNumber(*p.min) : std::string(),
                                 p.max ? FormatNumber(*p.max) : std::string()};
  std::size_t last = 4;
  while (last > 0 && fields[last - 1].empty()) --last;
  for (std::size_t i = 0; i < last; ++i) {
    out += ';';
    out += fields[i];
  }
  return out;
}

std::string FormatPerfdata(const std::vector<Perfdata>& items) {
  std::string out;
  for (const Perfdata& p : items) {
    if (!out.empty()) out += ' ';
    out += FormatPerfdata(p);
  }
  return out;
}

PerfdataParse ParsePerfdata(std::string_view text) { return Parser(text).Run(); }

}  // namespace gs::probes
