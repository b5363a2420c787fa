// BodyRegex: a PCRE2 pattern compiled once (JIT when available) for matching response
// bodies, and RegexCache, which keeps one compiled pattern per distinct pattern string.
// Not thread-safe: a BodyRegex owns its match data, so use each from one thread at a time
// (the HTTP worker owns its cache; RunHttpCheck compiles its own).
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "probes/result.h"

namespace gs::probes {

class BodyRegex {
 public:
  // Compiles `pattern` with PCRE2_MULTILINE ('^'/'$' match at line breaks, like check_http's
  // POSIX REG_NEWLINE). Fails with PCRE2's message and the offset of the error.
  [[nodiscard]] static Result<std::unique_ptr<BodyRegex>> Compile(std::string_view pattern);
  ~BodyRegex();
  BodyRegex(const BodyRegex&) = delete;
  BodyRegex& operator=(const BodyRegex&) = delete;

  // True when the pattern matches somewhere in `text`; fails when PCRE2 gives up (e.g. the
  // match limit was hit).
  [[nodiscard]] Result<bool> Matches(std::string_view text);

 private:
  BodyRegex() = default;
  struct Handles;
  std::unique_ptr<Handles> h_;
};

class RegexCache {
 public:
  // The compiled pattern, compiled on first use. The pointer stays valid until the cache is
  // destroyed or flushed (when it grows past kMaxEntries, which only happens on a pathological
  // number of distinct patterns).
  [[nodiscard]] Result<std::shared_ptr<BodyRegex>> Get(const std::string& pattern);

  static constexpr std::size_t kMaxEntries = 1024;

 private:
  std::map<std::string, std::shared_ptr<BodyRegex>, std::less<>> entries_;
};

}  // namespace gs::probes
