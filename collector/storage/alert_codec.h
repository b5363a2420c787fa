// The JSON forms of the alert engine's records (alerts::AlertRecord) and of downtimes, as
// stored in state.db and returned by the API. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "alerts/alert_engine.h"
#include "alerts/downtime.h"
#include "probes/result.h"

namespace gs::collector {

std::string EncodeAlertRecord(const alerts::AlertRecord& record);
// Fails on text EncodeAlertRecord did not write (a hand-edited database).
Result<alerts::AlertRecord> DecodeAlertRecord(const std::string& text);

// The engine's ground-station state (alerts/ground.h), and back.
std::string EncodeGroundState(const alerts::GroundState& state);
Result<alerts::GroundState> DecodeGroundState(const std::string& text);

// {"id", "match": {tag: value-or-list...}, "start", "end" (RFC 3339 or null for open-ended),
//  "every" (FormatRecurrence text or null), "author", "comment", "created"}
nlohmann::json DowntimeToJson(const alerts::Downtime& d);
std::string EncodeDowntime(const alerts::Downtime& d);
Result<alerts::Downtime> DecodeDowntime(const std::string& text);

// A selector as JSON (the config's form: {role: web, env: "!prod", check: [a, b]}) and back.
nlohmann::json SelectorToJson(const probes::Selector& s);
Result<probes::Selector> SelectorFromJson(const nlohmann::json& j);

}  // namespace gs::collector
