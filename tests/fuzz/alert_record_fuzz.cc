// Fuzzes the decoders of collector/storage/alert_codec.h, which read state.db rows that an
// older version or a hand edit may have written: every input goes to DecodeAlertRecord,
// DecodeGroundState, DecodeDowntime and (when it is JSON) SelectorFromJson. On what they accept
// it checks that the encoders are their inverse, as persistence relies on:
//  - Decode(Encode(x)) == x and Encode(Decode(Encode(x))) == Encode(x) for records, the ground
//    state and downtimes; SelectorFromJson(SelectorToJson(s)) == s for selectors;
//  - the API form of a downtime (DowntimeToJson) is a JSON object, and evaluating a decoded
//    downtime (ActiveAt, ActiveUntil, Covers) does not crash; ActiveAt and ActiveUntil agree.
// Local-time schedules are evaluated in a fixed zone with DST (a POSIX TZ rule).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "alerts/alert_engine.h"
#include "alerts/downtime.h"
#include "collector/storage/alert_codec.h"

namespace {

using gs::alerts::Downtime;
using TimePoint = std::chrono::system_clock::time_point;

const TimePoint kNow = TimePoint(std::chrono::seconds(1714564800));  // 2024-05-01T12:00:00Z

void CheckRecord(const std::string& text) {
  const auto record = gs::collector::DecodeAlertRecord(text);
  if (!record) {
    if (record.error().message.empty()) __builtin_trap();
    return;
  }
  const std::string encoded = gs::collector::EncodeAlertRecord(*record);
  const auto again = gs::collector::DecodeAlertRecord(encoded);
  if (!again || *again != *record) __builtin_trap();
  if (gs::collector::EncodeAlertRecord(*again) != encoded) __builtin_trap();
}

void CheckGroundState(const std::string& text) {
  const auto state = gs::collector::DecodeGroundState(text);
  if (!state) {
    if (state.error().message.empty()) __builtin_trap();
    return;
  }
  const std::string encoded = gs::collector::EncodeGroundState(*state);
  const auto again = gs::collector::DecodeGroundState(encoded);
  if (!again || *again != *state) __builtin_trap();
  if (gs::collector::EncodeGroundState(*again) != encoded) __builtin_trap();
}

void CheckActive(const Downtime& d, TimePoint now) {
  const std::optional<TimePoint> until = gs::alerts::ActiveUntil(d, now);
  if (gs::alerts::ActiveAt(d, now) != until.has_value()) __builtin_trap();
  if (until && (*until <= now || *until > d.end)) __builtin_trap();
}

void CheckDowntime(const std::string& text) {
  const auto downtime = gs::collector::DecodeDowntime(text);
  if (!downtime) {
    if (downtime.error().message.empty()) __builtin_trap();
    return;
  }
  const std::string encoded = gs::collector::EncodeDowntime(*downtime);
  const auto again = gs::collector::DecodeDowntime(encoded);
  if (!again || *again != *downtime) __builtin_trap();
  if (gs::collector::EncodeDowntime(*again) != encoded) __builtin_trap();
  if (!gs::collector::DowntimeToJson(*downtime).is_object()) __builtin_trap();
  CheckActive(*downtime, kNow);
  if (downtime->start < downtime->end) CheckActive(*downtime, downtime->start);
  (void)gs::alerts::Covers(*downtime, {{"node", "web01"}, {"check", "http"}, {"role", "web"}});
}

void CheckSelector(const std::string& text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return;
  const auto selector = gs::collector::SelectorFromJson(j);
  if (!selector) {
    if (selector.error().message.empty()) __builtin_trap();
    return;
  }
  const auto again = gs::collector::SelectorFromJson(gs::collector::SelectorToJson(*selector));
  if (!again || *again != *selector) __builtin_trap();
  (void)selector->Matches({{"node", "web01"}, {"check", "http"}, {"role", "web"}});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool kZoneSet = [] {
    setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
    tzset();
    return true;
  }();
  (void)kZoneSet;
  const std::string text(reinterpret_cast<const char*>(data), size);
  CheckRecord(text);
  CheckGroundState(text);
  CheckDowntime(text);
  CheckSelector(text);
  return 0;
}
