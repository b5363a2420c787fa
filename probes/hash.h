// Fnv1a64: a 64-bit FNV-1a hash, stable across runs, builds and platforms (unlike std::hash),
// for names that end up on disk. Header-only, pure; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace gs::probes {

inline std::uint64_t Fnv1a64(std::string_view text) {
  std::uint64_t h = 14695981039346656037ULL;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace gs::probes
