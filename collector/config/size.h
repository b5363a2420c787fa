// Byte sizes in config values: "64KiB", "32MiB", "1GiB", "512KB" (K, KB and KiB all mean
// 1024), "4096" (bytes). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "probes/result.h"

namespace gs::collector {

// Fails with a message quoting the text; bounded to 1 TiB.
[[nodiscard]] Result<std::uint64_t> ParseSize(std::string_view text);

}  // namespace gs::collector
