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

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
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
