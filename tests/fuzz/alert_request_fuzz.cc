// Fuzzes the JSON bodies of POST /api/v1/acknowledgements and POST /api/v1/downtimes: every
// input goes to both ParseAckRequest and ParseDowntimeRequest. On what they accept it checks
// what the handlers and the daemon rely on, and follows the value on its way to state.db:
//  - an ack names a node, a check and an author, was created now and, when it expires, expires
//    after now; stored in its alert's record (EncodeAlertRecord) it reads back equal, at the
//    millisecond precision of state.db;
//  - a downtime has an author and a non-empty selector and ends after it starts; its API answer
//    (DowntimeToJson) is a JSON object; stored (EncodeDowntime) it reads back equal, at
//    millisecond precision; ActiveAt and ActiveUntil agree at its start and at now.
// Times are resolved against a fixed "now", and local-time schedules are evaluated in a fixed
// zone with DST (a POSIX TZ rule), so that every input is deterministic.
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
#include "collector/web/alert_handlers.h"

namespace {

using gs::alerts::Ack;
using gs::alerts::Downtime;
using TimePoint = std::chrono::system_clock::time_point;

const TimePoint kNow = TimePoint(std::chrono::seconds(1714564800));  // 2024-05-01T12:00:00Z

// `t` as state.db keeps it: milliseconds since the epoch; time_point::max() is "open-ended".
TimePoint Stored(TimePoint t) {
  if (t == TimePoint::max()) return t;
  return TimePoint(std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()));
}

void CheckAck(const gs::alerts::AlertKey& key, const Ack& ack) {
  if (key.first.empty() || key.second.empty() || ack.author.empty()) __builtin_trap();
  if (ack.created != kNow || (ack.expires && *ack.expires <= kNow)) __builtin_trap();
  gs::alerts::AlertRecord record;
  record.facts.node = key.first;
  record.facts.check = key.second;
  record.ack = ack;
  const auto decoded = gs::collector::DecodeAlertRecord(gs::collector::EncodeAlertRecord(record));
  if (!decoded || !decoded->ack) __builtin_trap();
  Ack want = ack;
  want.created = Stored(want.created);
  if (want.expires) want.expires = Stored(*want.expires);
  if (*decoded->ack != want) __builtin_trap();
}

// ActiveAt and ActiveUntil must agree at `now`; a downtime ends no later than its end.
void CheckActive(const Downtime& d, TimePoint now) {
  const std::optional<TimePoint> until = gs::alerts::ActiveUntil(d, now);
  if (gs::alerts::ActiveAt(d, now) != until.has_value()) __builtin_trap();
  if (until && (*until <= now || *until > d.end)) __builtin_trap();
}

void CheckDowntime(const Downtime& d) {
  if (d.author.empty() || d.match.conditions().empty() || d.end <= d.start) __builtin_trap();
  if (d.created != kNow) __builtin_trap();
  if (!gs::collector::DowntimeToJson(d).is_object()) __builtin_trap();
  const auto decoded = gs::collector::DecodeDowntime(gs::collector::EncodeDowntime(d));
  if (!decoded) __builtin_trap();
  Downtime want = d;
  want.start = Stored(want.start);
  want.end = Stored(want.end);
  want.created = Stored(want.created);
  if (*decoded != want) __builtin_trap();
  CheckActive(d, d.start);
  CheckActive(d, kNow);
  // A one-off downtime is active from its start until its end.
  if (!d.every && gs::alerts::ActiveUntil(d, d.start) != d.end) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool kZoneSet = [] {
    setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
    tzset();
    return true;
  }();
  (void)kZoneSet;
  const std::string body(reinterpret_cast<const char*>(data), size);
  if (const auto ack = gs::collector::web::ParseAckRequest(body, kNow)) {
    CheckAck(ack->first, ack->second);
  } else if (ack.error().message.empty()) {
    __builtin_trap();
  }
  if (const auto downtime = gs::collector::web::ParseDowntimeRequest(body, kNow)) {
    CheckDowntime(*downtime);
  } else if (downtime.error().message.empty()) {
    __builtin_trap();
  }
  return 0;
}
