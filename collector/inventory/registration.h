// Self-registration: the body of POST /api/v1/register, by which a node announces itself, and
// the node it becomes. The body is outside input: the parser checks everything a node name,
// address or tag later flows into (file paths, probe targets, the dashboard) and bounds what
// it accepts.
//
// Thread-safety: pure functions on values; safe from any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "collector/inventory/node.h"
#include "probes/result.h"
#include "probes/target.h"

namespace gs::collector::inventory {

// The limits ParseRegistration enforces.
inline constexpr std::size_t kMaxRegistrationBody = 64 * 1024;  // bytes
inline constexpr std::size_t kMaxNodeName = 128;                // bytes
inline constexpr std::size_t kMaxRegistrationTags = 64;
inline constexpr std::size_t kMaxTagBytes = 256;                    // for a key and for a value
inline constexpr std::chrono::seconds kMaxRegistrationTtl{604800};  // one week

struct Registration {
  std::string name{};
  std::string address{};  // the name when the body has none
  probes::Tags tags{};
  std::optional<std::chrono::seconds> ttl{};  // absent: the registration does not expire
  friend bool operator==(const Registration&, const Registration&) = default;
};

// Parses a body like
//   {"name": "web07", "address": "10.0.0.7", "tags": {"role": "web"}, "ttl": 900}
// where only "name" is required.
// Fails, with a reason fit for a 400 body that names the field, when:
// - the body is over kMaxRegistrationBody bytes, not JSON, or not a JSON object, or an object
//   in it repeats a key (two parsers could disagree about which one counts);
// - a field is unknown;
// - name is missing, not a string, empty, over kMaxNodeName bytes, holds a byte outside
//   [A-Za-z0-9._-], or is "." or ".." (node names become path components);
// - address is not a string holding an IPv4 or IPv6 literal or an RFC 1123 host name (labels
//   of 1..63 letters, digits and hyphens, not starting or ending with one; 253 bytes at most;
//   the last label not all digits). An absent address defaults to the name, which must then
//   pass the same test;
// - tags is not an object of strings, has more than kMaxRegistrationTags entries, a key that
//   is empty or is one of the reserved "source" and "pool" (set by discovery itself), or a key
//   or value over kMaxTagBytes bytes or holding a control character (C0, DEL or C1);
// - ttl is not an integer number of seconds in 1..kMaxRegistrationTtl.
// Invalid input is echoed in a reason only when short and printable.
[[nodiscard]] Result<Registration> ParseRegistration(std::string_view body);

// The node `r` becomes: r's name, address and tags as they are, lifecycle kRunning.
[[nodiscard]] DiscoveredNode RegistrationNode(const Registration& r);

}  // namespace gs::collector::inventory
