// GET /api/v1/logs: searches the log archive (see collector/syslog/log_search.h).
#include <nlohmann/json.hpp>

#include "collector/syslog/log_archive.h"
#include "collector/syslog/log_search.h"
#include "collector/web/api_handlers.h"

namespace gs::collector::web {

Response LogsJson(const StageView& view, const Request& request) {
  auto error = [](std::string message) {
    return Response{
        400, "application/json", nlohmann::json{{"error", std::move(message)}}.dump() + "\n", {}};
  };
  if (view.archive == nullptr) return error("no log archive");
  auto query = syslog::ParseLogQuery(request.query_params, std::chrono::system_clock::now());
  if (!query) return error(query.error().message);
  // Read-your-writes: what was received before this request is in the files first.
  view.archive->Flush(std::chrono::seconds(2));
  auto result = syslog::SearchLogs(view.archive->root(), *query);
  if (!result) return error(result.error().message);
  return Response{200, "application/json", syslog::LogSearchJson(*result) + "\n", {}};
}

}  // namespace gs::collector::web
