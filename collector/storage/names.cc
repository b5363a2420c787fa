#include "collector/storage/names.h"

#include <cstdint>

namespace gs::collector {
namespace {

bool Allowed(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// FNV-1a, 64 bit: stable across runs and builds (unlike std::hash), which matters because the
// result names files on disk.
std::uint64_t Fnv1a(std::string_view s) {
  std::uint64_t h = 14695981039346656037ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
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
  if (too_long) out += "-" + Hex16(Fnv1a(name));
  return out;
}

}  // namespace gs::collector
