#include "collector/web/passive_handlers.h"

#include <nlohmann/json.hpp>

namespace gs::collector::web {

namespace {

constexpr std::string_view kHeartbeatPrefix = "/api/v1/heartbeat/";

std::optional<Response> Unauthorized(const PassiveApi& api, const Request& request) {
  return RequireToken(api.token ? api.token() : std::string(), request);
}

std::string QueryParam(const Request& request, const char* name) {
  auto it = request.query_params.find(name);
  return it == request.query_params.end() ? std::string() : it->second;
}

}  // namespace

std::optional<Response> RequireToken(const std::string& token, const Request& request) {
  if (token.empty()) {
    return JsonError(403, "write endpoints are disabled: set http.token_file in the config");
  }
  if (AuthorizedBearer(request, token)) return std::nullopt;
  Response r = JsonError(401, "missing or wrong API token (Authorization: Bearer TOKEN)");
  r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

Response JsonError(int status, const std::string& message) {
  return Response{status,
                  "application/json",
                  nlohmann::json{{"error", message}}.dump(
                      -1, ' ', false, nlohmann::json::error_handler_t::replace) +
                      "\n",
                  {}};
}

Response HeartbeatPost(const PassiveApi& api, const Request& request) {
  if (auto denied = Unauthorized(api, request)) return *denied;
  std::string_view check = request.path;
  check.remove_prefix(std::min(check.size(), kHeartbeatPrefix.size()));
  if (check.find('/') != std::string_view::npos) {
    return JsonError(404, "no such endpoint: use /api/v1/heartbeat/<check>");
  }
  auto submission = ParseHeartbeat(check, QueryParam(request, "node"),
                                   QueryParam(request, "exit_code"), request.body);
  if (!submission) return JsonError(400, submission.error().message);
  return api.submit(std::move(*submission));
}

Response ResultsPost(const PassiveApi& api, const Request& request) {
  if (auto denied = Unauthorized(api, request)) return *denied;
  auto submission = ParseResultSubmission(request.body);
  if (!submission) return JsonError(400, submission.error().message);
  return api.submit(std::move(*submission));
}

}  // namespace gs::collector::web
