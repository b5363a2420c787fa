// The passive-check endpoints: POST /api/v1/heartbeat/<check> and POST /api/v1/results. Both
// need the API token. Handlers run on the io_context thread (where the scheduler and check
// engine live) and never block.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "collector/passive.h"
#include "collector/web/http_request.h"

namespace gs::collector::web {

struct PassiveApi {
  // The current API token; "" when http.token_file is not set (writes disabled).
  std::function<std::string()> token;
  // Applies a submission; returns the JSON of the job's new status, or an error response
  // (404 unknown check or node, 400 ambiguous node).
  std::function<Response(PassiveSubmission)> submit;
};

// POST /api/v1/heartbeat/<check>[?node=NODE][&exit_code=0..3], optional plain-text body.
Response HeartbeatPost(const PassiveApi& api, const Request& request);

// POST /api/v1/results with a JSON body (see collector/passive.h).
Response ResultsPost(const PassiveApi& api, const Request& request);

// nullopt when `request` carries `token` as its bearer token; else 401 (with the
// WWW-Authenticate challenge), or 403 when `token` is empty (writes are disabled).
std::optional<Response> RequireToken(const std::string& token, const Request& request);

// A JSON error body {"error": message} with `status`.
Response JsonError(int status, const std::string& message);

}  // namespace gs::collector::web
