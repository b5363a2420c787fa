// Fuzzes ParseRegistration, the parser of POST /api/v1/register bodies. The input is the body.
//
// Invariants (std::abort on violation):
// - no crash, no exception escapes, and the same body always gives the same result;
// - a rejection has a non-empty reason without control characters;
// - an accepted registration obeys the contract of registration.h: a name of 1..128 bytes of
//   [A-Za-z0-9._-] other than "." and "..", a non-empty address, at most 64 tags without the
//   reserved keys, keys of 1..256 bytes and values of at most 256 bytes without C0 controls or
//   DEL, a ttl in 1..604800 s;
// - an accepted registration written back as JSON parses to the same registration.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "collector/inventory/registration.h"

namespace {

using gs::collector::inventory::ParseRegistration;
using gs::collector::inventory::Registration;

void Check(bool condition) {
  if (!condition) std::abort();
}

bool NoControl(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) return false;
  }
  return true;
}

void CheckAccepted(const Registration& r) {
  Check(!r.name.empty() && r.name.size() <= 128 && r.name != "." && r.name != "..");
  for (const char c : r.name) {
    Check((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '_' || c == '-');
  }
  Check(!r.address.empty() && r.address.size() <= 253 && NoControl(r.address));
  Check(r.tags.size() <= 64 && !r.tags.contains("source") && !r.tags.contains("pool"));
  for (const auto& [key, value] : r.tags) {
    Check(!key.empty() && key.size() <= 256 && value.size() <= 256);
    Check(NoControl(key) && NoControl(value));
  }
  Check(!r.ttl || (r.ttl->count() >= 1 && r.ttl->count() <= 604800));
}

// `r` as a body, with every field written out.
std::string Serialise(const Registration& r) {
  nlohmann::json body = {{"name", r.name}, {"address", r.address}};
  body["tags"] = nlohmann::json::object();
  for (const auto& [key, value] : r.tags) body["tags"][key] = value;
  if (r.ttl) body["ttl"] = r.ttl->count();
  return body.dump();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto parsed = ParseRegistration(body);
  const auto again = ParseRegistration(body);
  Check(parsed.has_value() == again.has_value());
  if (!parsed) {
    Check(!parsed.error().message.empty() && NoControl(parsed.error().message));
    Check(parsed.error().message == again.error().message);
    return 0;
  }
  Check(*parsed == *again);
  Check(size <= 64 * 1024);
  CheckAccepted(*parsed);
  const auto round_trip = ParseRegistration(Serialise(*parsed));
  Check(round_trip.has_value() && *round_trip == *parsed);
  return 0;
}
