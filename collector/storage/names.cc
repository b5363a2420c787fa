#include "collector/storage/names.h"

#include <cstdint>

#include "probes/hash.h"

namespace gs::collector {
namespace {

bool Allowed(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

std::string Hex16(std::uint64_t v) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kHex[v & 0xfU];
    v >>= 4;
  }
  return out;
}

}  // namespace

std::string SanitizeName(std::string_view name) {
  if (name.empty() || name == "." || name == "..") return "_";
  std::string out;
  const bool too_long = name.size() > kMaxNameLength;
  const std::size_t keep = too_long ? kMaxNameLength - 17 : name.size();
  out.reserve(kMaxNameLength);
  for (std::size_t i = 0; i < keep; ++i) out.push_back(Allowed(name[i]) ? name[i] : '_');
  if (too_long) out += "-" + Hex16(probes::Fnv1a64(name));
  return out;
}

std::string SanitizePattern(std::string_view pattern) {
  std::string out;
  out.reserve(pattern.size());
  bool in_bracket = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    const bool negation = c == '!' && (i == 0 || (in_bracket && pattern[i - 1] == '['));
    if (c == '[') in_bracket = true;
    if (c == ']') in_bracket = false;
    out.push_back(Allowed(c) || c == '*' || c == '?' || c == '[' || c == ']' || negation ? c : '_');
  }
  return out;
}

}  // namespace gs::collector
