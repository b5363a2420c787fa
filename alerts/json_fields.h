// Field conversions shared by every JSON form of the alerting data (webhook bodies, the outbox
// payload, the engine's records in state.db): tags as a JSON object, times as Unix
// milliseconds, and a dump that never throws on invalid UTF-8 from plugin output.
// Header-only, pure, thread-safe.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "probes/target.h"

namespace gs::alerts::json_fields {

inline nlohmann::json TagsToJson(const probes::Tags& tags) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [key, value] : tags) j[key] = value;
  return j;
}

// Non-string values are skipped; anything but an object gives no tags (a hand-edited
// database loses tags, not the notification).
inline probes::Tags TagsFromJson(const nlohmann::json& j) {
  probes::Tags tags;
  if (!j.is_object()) return tags;
  for (const auto& [key, value] : j.items()) {
    if (value.is_string()) tags.emplace(key, value.get<std::string>());
  }
  return tags;
}

inline std::int64_t ToMs(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// Clamped to what the clock can hold, so a hand-edited value cannot overflow.
inline std::chrono::system_clock::time_point FromMs(std::int64_t ms) {
  using Clock = std::chrono::system_clock;
  constexpr std::int64_t kMax =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::duration::max()).count();
  return Clock::time_point(std::chrono::duration_cast<Clock::duration>(
      std::chrono::milliseconds(std::clamp(ms, -kMax, kMax))));
}

// Compact JSON; invalid UTF-8 is replaced (U+FFFD) instead of throwing.
inline std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace gs::alerts::json_fields
