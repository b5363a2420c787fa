// SanitizeName: turns an outside name (node, check or metric label) into one safe path
// component for the data directory. Pure function; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gs::collector {

inline constexpr std::size_t kMaxNameLength = 128;

// Keeps [A-Za-z0-9._-] and maps every other byte (so each byte of a UTF-8 sequence, '/',
// NUL, ...) to '_'. The result is never empty, "." or ".." (those become "_"), so it can
// never leave its parent directory. Names longer than kMaxNameLength are cut and end in
// "-" plus 16 hex digits of a hash of the whole original name, so distinct long names stay
// distinct. Names differing only in replaced bytes may map to the same result.
std::string SanitizeName(std::string_view name);

// A glob pattern (fnmatch: * ? [...] [!...]) over names as SanitizeName stores them: each
// other byte is mapped as SanitizeName maps it, so "log:*" matches the directory "log_ssh"
// of the check "log:ssh". A leading "!" (a negated pattern of a list) is kept.
std::string SanitizePattern(std::string_view pattern);

}  // namespace gs::collector
