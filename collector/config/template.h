// Per-node templates in check settings: {address}, {name} and {tag:KEY}. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "probes/result.h"
#include "probes/target.h"

namespace gs::collector {

// Fails on an unknown placeholder or an unterminated '{' (config validation uses this with
// no target to check the syntax: then tags are not looked up).
[[nodiscard]] Result<void> ValidateTemplate(std::string_view text);

// Expands the placeholders for `target`; fails when a {tag:KEY} is missing on the node.
[[nodiscard]] Result<std::string> ExpandTemplate(std::string_view text,
                                                 const probes::Target& target);

}  // namespace gs::collector
