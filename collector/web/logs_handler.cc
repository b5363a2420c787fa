// GET /api/v1/logs: searches the log archive (see collector/syslog/log_search.h).
#include <nlohmann/json.hpp>

#include "collector/syslog/log_archive.h"
#include "collector/syslog/log_search.h"
#include "collector/web/api_handlers.h"
#include "dashboards/logs_page.h"

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

Response LogsPage(const StageView& view, const Request& request) {
  dashboards::LogsView page;
  std::map<std::string, std::string> params;
  for (const auto& [key, value] : request.query_params) {
    page.params[key] = value;
    if (!value.empty()) params[key] = value;  // an empty form field means "any"
  }
  const auto now = std::chrono::system_clock::now();
  auto query = syslog::ParseLogQuery(params, now);
  if (view.archive == nullptr) {
    page.error = "no log archive";
  } else if (!query) {
    page.error = query.error().message;
  } else {
    view.archive->Flush(std::chrono::seconds(2));
    auto result = syslog::SearchLogs(view.archive->root(), *query);
    if (!result) {
      page.error = result.error().message;
    } else {
      page.more = result->more;
      page.incomplete = result->incomplete;
      for (const syslog::LogRecord& r : result->records) {
        page.lines.push_back({r.received, r.hostname.empty() ? r.source : r.hostname, r.node,
                              r.app_name, std::string(syslog::SeverityName(r.severity)), r.msg});
      }
    }
  }
  return Response{page.error.empty() ? 200 : 400,
                  "text/html; charset=utf-8",
                  dashboards::RenderLogsPage(page, now),
                  {}};
}

}  // namespace gs::collector::web
