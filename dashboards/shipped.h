// The dashboard definitions shipped with groundstation (dashboards/*.yaml in the source tree),
// embedded in the binary at build time so a bare install has them. Immutable; thread-safe.
#pragma once

#include <span>
#include <string_view>

namespace gs::dashboards {

struct ShippedFile {
  std::string_view name;  // "web.yaml"
  std::string_view text;
};

// In file name order.
std::span<const ShippedFile> ShippedDashboards();

}  // namespace gs::dashboards
