// The alert endpoints of the JSON API: open problems, acknowledgements, downtimes and alert
// history. Writes need the API token (like the passive endpoints). Requests are parsed and
// validated here; the daemon supplies the actions. Handlers run on the io_context thread
// (history on a blocking worker) and never block.
//
//   GET    /api/v1/problems                      {"problems": [...]}
//   POST   /api/v1/acknowledgements              {"node", "check", "author", "comment",
//                                                 "sticky" (true), "expires" (optional:
//                                                 RFC 3339 or a duration from now, "2h")}
//   DELETE /api/v1/acknowledgements?node=&check=
//   GET    /api/v1/downtimes                     {"downtimes": [...]}
//   POST   /api/v1/downtimes                     {"match": {selector} | "node"/"check",
//                                                 "start" (default now), "end" | "duration",
//                                                 "every" ("sun,sat 02:00 2h"), "author",
//                                                 "comment"} -> 201 {"id", ...}
//   DELETE /api/v1/downtimes/<id>
//   GET    /api/v1/history?node=&check=&limit=   {"history": [...]}, newest first
#pragma once

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "alerts/alert_engine.h"
#include "alerts/downtime.h"
#include "collector/web/http_request.h"

namespace gs::collector::web {

struct AlertApi {
  std::function<std::string()> token;  // "" when writes are disabled
  std::function<nlohmann::json()> problems;
  // {"uplink_lost", "uplink_since", "region_unreachable", "region_since"}; unset: omitted.
  std::function<nlohmann::json()> ground;
  // Each returns the response body's JSON, or an error message with its status.
  std::function<Response(const alerts::AlertKey&, alerts::Ack)> acknowledge;
  std::function<Response(const alerts::AlertKey&)> unacknowledge;
  std::function<nlohmann::json()> downtimes;
  std::function<Response(alerts::Downtime)> add_downtime;
  std::function<Response(const std::string& id)> remove_downtime;
  // Blocking (reads state.db).
  std::function<Response(const std::string& node, const std::string& check, std::size_t limit)>
      history;
};

Response ProblemsGet(const AlertApi& api, const Request& request);
Response AcknowledgementPost(const AlertApi& api, const Request& request);
Response AcknowledgementDelete(const AlertApi& api, const Request& request);
Response DowntimesGet(const AlertApi& api, const Request& request);
Response DowntimePost(const AlertApi& api, const Request& request);
Response DowntimeDelete(const AlertApi& api, const Request& request);
Response HistoryGet(const AlertApi& api, const Request& request);

// Parsing, exposed for tests and fuzzing. `now` resolves relative times.
Result<std::pair<alerts::AlertKey, alerts::Ack>> ParseAckRequest(
    const std::string& body, std::chrono::system_clock::time_point now);
Result<alerts::Downtime> ParseDowntimeRequest(const std::string& body,
                                              std::chrono::system_clock::time_point now);

// A JSON response with `status`.
Response JsonResponse(int status, const nlohmann::json& body);

}  // namespace gs::collector::web
