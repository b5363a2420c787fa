#include "collector/web/prometheus_text.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <set>

namespace gs::collector::web {
namespace {

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Doubles represent every integer up to 2^53 exactly.
constexpr double kMaxExactInteger = 9007199254740992.0;

}  // namespace

bool IsValidMetricName(std::string_view name) {
  if (name.empty() || IsDigit(name.front())) return false;
  for (const char c : name) {
    if (!IsAlpha(c) && !IsDigit(c) && c != '_' && c != ':') return false;
  }
  return true;
}

bool IsValidLabelName(std::string_view name) {
  if (name.empty() || IsDigit(name.front()) || name.starts_with("__")) return false;
  for (const char c : name) {
    if (!IsAlpha(c) && !IsDigit(c) && c != '_') return false;
  }
  return true;
}

std::string FormatSampleValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::trunc(value) == value && std::fabs(value) < kMaxExactInteger) {
    return std::to_string(static_cast<std::int64_t>(value));
  }
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), result.ptr);
}

namespace {

// The length of the well-formed UTF-8 sequence at value[i] (RFC 3629: no overlongs, no
// surrogates, at most U+10FFFF), 0 when the bytes there are not one.
std::size_t Utf8Length(std::string_view value, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(value[k]); };
  const unsigned char b = byte(i);
  if (b < 0x80) return 1;
  std::size_t n = 0;
  unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    if (b == 0xE0) low = 0xA0;
    if (b == 0xED) high = 0x9F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    if (b == 0xF0) low = 0x90;
    if (b == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + n > value.size() || byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return n;
}

}  // namespace

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size();) {
    const char c = value[i];
    if (const std::size_t n = Utf8Length(value, i); n != 1) {
      // Prometheus requires UTF-8 label values: a bad byte becomes U+FFFD.
      out.append(n == 0 ? std::string_view("\xEF\xBF\xBD") : value.substr(i, n));
      i += n == 0 ? 1 : n;
      continue;
    }
    ++i;
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (const char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void PrometheusText::Family(std::string_view name, std::string_view help, std::string_view type) {
  const std::string key(name);
  if (!IsValidMetricName(name)) {
    errors_.push_back("invalid metric name \"" + key + "\"");
  } else if (type != "counter" && type != "gauge") {
    errors_.push_back(key + ": unsupported type \"" + std::string(type) + "\"");
  } else if (index_.contains(key)) {
    errors_.push_back(key + ": family declared twice");
  } else {
    index_.emplace(key, families_.size());
    families_.push_back({"# HELP " + key + " " + EscapeHelp(help) + "\n# TYPE " + key + " " +
                             std::string(type) + "\n",
                         {}});
  }
}

void PrometheusText::Sample(std::string_view name, const Labels& labels, double value) {
  const std::string key(name);
  const auto it = index_.find(key);
  if (it == index_.end()) {
    errors_.push_back(key + ": sample for an undeclared family");
    return;
  }
  std::string line = key;
  std::set<std::string_view> seen;
  for (const auto& [label, label_value] : labels) {
    if (!IsValidLabelName(label) || !seen.insert(label).second) {
      errors_.push_back(key + ": invalid or repeated label name \"" + label + "\"");
      return;
    }
    line += seen.size() == 1 ? "{" : ",";
    line += label + "=\"" + EscapeLabelValue(label_value) + "\"";
  }
  if (!labels.empty()) line += "}";
  families_[it->second].samples += line + " " + FormatSampleValue(value) + "\n";
}

std::string PrometheusText::Take() {
  std::string out;
  for (const FamilyText& family : families_) out += family.header + family.samples;
  families_.clear();
  index_.clear();
  return out;
}

}  // namespace gs::collector::web
