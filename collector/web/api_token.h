// The API token that write endpoints require (Authorization: Bearer TOKEN), kept in the file
// named by http.token_file. Blocking file I/O: call at start-up and reload, not per request.
#pragma once

#include <filesystem>
#include <string>

#include "probes/result.h"

namespace gs::collector::web {

// Reads the token from `path` (surrounding whitespace trimmed). When the file does not exist
// it is created with a new random token (32 bytes from getrandom(2), hex) and mode 0600, so a
// fresh install has write endpoints protected from the first start. Fails on an unreadable
// file or one whose token is shorter than 16 characters.
Result<std::string> LoadOrCreateToken(const std::filesystem::path& path);

}  // namespace gs::collector::web
