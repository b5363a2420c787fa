// ParseRegistration: nlohmann::json parsed without exceptions, every type checked before any
// get<>(), so no json exception can escape; then each field validated against the contract in
// registration.h.
#include "collector/inventory/registration.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace gs::collector::inventory {

namespace {

using nlohmann::json;

// `text` quoted when it is short printable ASCII, else only its size: reasons go back to the
// sender and into logs, and must not carry control bytes or unbounded input.
std::string Shown(std::string_view text) {
  const bool printable = text.size() <= 64 && std::all_of(text.begin(), text.end(), [](char c) {
                           return c >= ' ' && c <= '~' && c != '"' && c != '\\';
                         });
  if (printable) return "\"" + std::string(text) + "\"";
  return "(" + std::to_string(text.size()) + " bytes)";
}

// C0 controls, DEL, and C1 controls (U+0080..U+009F, encoded C2 80..C2 9F). The parser has
// already checked that strings are valid UTF-8.
bool HasControl(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7F) return true;
    if (byte == 0xC2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return true;
    }
  }
  return false;
}

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 1123 2.1 host name; the last label must not be all digits (RFC 3696 2), so that a
// mistyped IPv4 literal like "10.0.0.256" is not taken for a name.
bool IsHostName(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  std::string_view last;
  while (true) {
    const std::size_t dot = name.find('.');
    const std::string_view label = name.substr(0, dot);
    if (label.empty() || label.size() > 63 || !IsAlnum(label.front()) || !IsAlnum(label.back())) {
      return false;
    }
    if (!std::all_of(label.begin(), label.end(), [](char c) { return IsAlnum(c) || c == '-'; })) {
      return false;
    }
    last = label;
    if (dot == std::string_view::npos) break;
    name.remove_prefix(dot + 1);
  }
  return !std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsIpLiteral(const std::string& text) {
  if (text.find('\0') != std::string::npos) return false;  // inet_pton would stop there
  in6_addr buffer{};
  return ::inet_pton(AF_INET, text.c_str(), &buffer) == 1 ||
         ::inet_pton(AF_INET6, text.c_str(), &buffer) == 1;
}

Result<std::string> CheckName(const json& body) {
  const auto it = body.find("name");
  if (it == body.end()) return Fail("name is required");
  if (!it->is_string()) return Fail("name must be a string");
  const auto& name = it->get_ref<const std::string&>();
  if (name.empty()) return Fail("name must not be empty");
  if (name.size() > kMaxNodeName) {
    return Fail("name is over " + std::to_string(kMaxNodeName) + " bytes");
  }
  const auto allowed = [](char c) { return IsAlnum(c) || c == '.' || c == '_' || c == '-'; };
  if (!std::all_of(name.begin(), name.end(), allowed)) {
    return Fail("name may only hold the characters A-Z a-z 0-9 . _ -");
  }
  if (name == "." || name == "..") return Fail(R"(name must not be "." or "..")");
  return name;
}

Result<std::string> CheckAddress(const json& body, const std::string& name) {
  const auto it = body.find("address");
  if (it == body.end()) {
    if (IsIpLiteral(name) || IsHostName(name)) return name;
    return Fail("address is required: name " + Shown(name) + " is not a host name");
  }
  if (!it->is_string()) return Fail("address must be a string");
  const auto& address = it->get_ref<const std::string&>();
  if (IsIpLiteral(address) || IsHostName(address)) return address;
  return Fail("address " + Shown(address) + " is neither an IP address nor a host name");
}

// The reason a tag key or value is unacceptable, or nullopt.
std::optional<std::string> BadTagText(std::string_view text, const char* what) {
  if (text.size() > kMaxTagBytes) {
    return std::string(what) + " is over " + std::to_string(kMaxTagBytes) + " bytes";
  }
  if (HasControl(text)) return std::string(what) + " holds a control character";
  return std::nullopt;
}

Result<probes::Tags> CheckTags(const json& body) {
  const auto it = body.find("tags");
  if (it == body.end()) return probes::Tags{};
  if (!it->is_object()) return Fail("tags must be an object of strings");
  if (it->size() > kMaxRegistrationTags) {
    return Fail("tags has " + std::to_string(it->size()) + " entries, at most " +
                std::to_string(kMaxRegistrationTags) + " are allowed");
  }
  probes::Tags tags;
  for (const auto& [key, value] : it->items()) {
    if (key.empty()) return Fail("tags: a key is empty");
    if (auto bad = BadTagText(key, "a key")) return Fail("tags: " + *bad);
    if (key == "source" || key == "pool") {
      return Fail("tags: the key \"" + key + "\" is reserved (discovery sets it)");
    }
    const std::string field = "tags " + Shown(key);
    if (!value.is_string()) return Fail(field + " must be a string");
    const auto& text = value.get_ref<const std::string&>();
    if (auto bad = BadTagText(text, "its value")) return Fail(field + ": " + *bad);
    tags.emplace(key, text);
  }
  return tags;
}

Result<std::optional<std::chrono::seconds>> CheckTtl(const json& body) {
  const auto it = body.find("ttl");
  if (it == body.end()) return std::optional<std::chrono::seconds>();
  const auto fail = [] {
    return Fail("ttl must be an integer number of seconds from 1 to " +
                std::to_string(kMaxRegistrationTtl.count()));
  };
  // Only an unsigned integer can be in range: negative ones and floats (900.5, 1e3) are out.
  if (!it->is_number_unsigned()) return fail();
  const auto seconds = it->get<std::uint64_t>();
  if (seconds < 1 || seconds > static_cast<std::uint64_t>(kMaxRegistrationTtl.count())) {
    return fail();
  }
  return std::optional<std::chrono::seconds>(static_cast<std::chrono::seconds::rep>(seconds));
}

// Parses without exceptions; an object that repeats a key is an error.
Result<json> ParseObject(std::string_view body) {
  std::vector<std::optional<std::set<std::string, std::less<>>>> open;  // objects and arrays
  std::optional<std::string> repeated;
  const json::parser_callback_t track = [&](int, json::parse_event_t event, json& parsed) {
    using Event = json::parse_event_t;
    if (event == Event::object_start) open.emplace_back(std::in_place);
    if (event == Event::array_start) open.emplace_back(std::nullopt);
    if ((event == Event::object_end || event == Event::array_end) && !open.empty()) {
      open.pop_back();
    }
    if (event == Event::key && !open.empty() && open.back() && parsed.is_string() &&
        !open.back()->insert(parsed.get_ref<const std::string&>()).second && !repeated) {
      repeated = parsed.get_ref<const std::string&>();
    }
    return true;
  };
  json parsed = json::parse(body, track, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return Fail("the body is not valid JSON");
  if (!parsed.is_object()) return Fail("the body must be a JSON object");
  if (repeated) return Fail("the body repeats the key " + Shown(*repeated));
  return parsed;
}

}  // namespace

Result<Registration> ParseRegistration(std::string_view body) {
  if (body.size() > kMaxRegistrationBody) {
    return Fail("the body is over " + std::to_string(kMaxRegistrationBody) + " bytes");
  }
  const Result<json> parsed = ParseObject(body);
  if (!parsed) return tl::unexpected(parsed.error());
  for (const auto& [key, value] : parsed->items()) {
    if (key != "name" && key != "address" && key != "tags" && key != "ttl") {
      return Fail("unknown field " + Shown(key));
    }
  }
  Result<std::string> name = CheckName(*parsed);
  if (!name) return tl::unexpected(name.error());
  Result<std::string> address = CheckAddress(*parsed, *name);
  if (!address) return tl::unexpected(address.error());
  Result<probes::Tags> tags = CheckTags(*parsed);
  if (!tags) return tl::unexpected(tags.error());
  const Result<std::optional<std::chrono::seconds>> ttl = CheckTtl(*parsed);
  if (!ttl) return tl::unexpected(ttl.error());
  return Registration{.name = std::move(*name),
                      .address = std::move(*address),
                      .tags = std::move(*tags),
                      .ttl = *ttl};
}

DiscoveredNode RegistrationNode(const Registration& r) {
  return DiscoveredNode{{r.name, r.address, r.tags}, Lifecycle::kRunning};
}

}  // namespace gs::collector::inventory
