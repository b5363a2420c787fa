#include "collector/web/api_handlers.h"

#include <ctime>
#include <nlohmann/json.hpp>

#include "alerts/dispatcher.h"
#include "collector/check_engine.h"
#include "collector/probe_registry.h"
#include "collector/scheduler.h"
#include "collector/storage/rrd_writer.h"
#include "collector/storage/state_writer.h"
#include "collector/web/http_server.h"
#include "collector/web/prometheus_text.h"
#include "dashboards/status_page.h"

namespace gs::collector::web {

namespace {

using nlohmann::json;

json PerfdataJson(const std::vector<probes::Perfdata>& items) {
  json out = json::array();
  for (const auto& p : items) {
    out.push_back({{"label", p.label},
                   {"value", p.value},
                   {"uom", p.uom},
                   {"warn", p.warn.empty() ? json(nullptr) : json(p.warn)},
                   {"crit", p.crit.empty() ? json(nullptr) : json(p.crit)},
                   {"min", p.min ? json(*p.min) : json(nullptr)},
                   {"max", p.max ? json(*p.max) : json(nullptr)}});
  }
  return out;
}

json TimeOrNull(std::chrono::system_clock::time_point t) {
  return t.time_since_epoch().count() == 0 ? json(nullptr) : json(FormatTime(t));
}

bool Filtered(const Request& request, const char* key, const std::string& value) {
  auto it = request.query_params.find(key);
  return it != request.query_params.end() && it->second != value;
}

}  // namespace

std::string FormatTime(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
  const std::time_t secs = static_cast<std::time_t>(ms.count() / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03dZ", static_cast<int>(ms.count() % 1000));
  return std::string(buf, n) + frac;
}

Response StatusJson(const StageView& view, const Request& request) {
  json checks = json::array();
  if (view.engine != nullptr) {
    for (const auto& [key, entry] : view.engine->entries()) {
      const auto& s = entry.status;
      const std::string state(probes::ToString(s.state));
      if (Filtered(request, "node", key.first) || Filtered(request, "check", key.second) ||
          Filtered(request, "state", state)) {
        continue;
      }
      checks.push_back({{"node", key.first},
                        {"check", key.second},
                        {"kind", entry.kind},
                        {"state", state},
                        {"state_type", alerts::ToString(s.type)},
                        {"attempt", s.attempt},
                        {"max_attempts", entry.max_attempts},
                        {"output", s.output},
                        {"perfdata", PerfdataJson(entry.perfdata)},
                        {"last_check", TimeOrNull(s.last_check)},
                        {"last_change", TimeOrNull(s.last_change)}});
    }
  }
  json body = {{"checks", std::move(checks)}};
  return Response{200,
                  "application/json",
                  body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n",
                  {}};
}

dashboards::StatusRow StatusRowFrom(const std::string& node, const std::string& check,
                                    const alerts::CheckStatus& s, int max_attempts) {
  dashboards::StatusRow row;
  row.node = node;
  row.check = check;
  row.state = std::string(probes::ToString(s.state));
  row.state_type = alerts::ToString(s.type);
  row.attempt = s.attempt;
  row.max_attempts = max_attempts;
  row.output = s.output;
  row.last_check = s.last_check;
  row.last_change = s.last_change;
  return row;
}

dashboards::StatusRow StatusRowOf(const CheckEngine& engine,
                                  const std::pair<std::string, std::string>& key,
                                  std::chrono::system_clock::time_point now) {
  const CheckEngine::Entry& entry = engine.entries().at(key);
  dashboards::StatusRow row =
      StatusRowFrom(key.first, key.second, entry.status, entry.max_attempts);
  const alerts::AlertEngine& alerts = engine.alert_engine();
  if (const auto a = alerts.records().find(key); a != alerts.records().end()) {
    row.acknowledged = a->second.ack.has_value();
    row.flapping = a->second.flap.flapping();
  }
  row.in_downtime = alerts.InDowntime(key, now);
  return row;
}

Response StatusPage(const StageView& view) {
  const auto now = std::chrono::system_clock::now();
  std::vector<dashboards::StatusRow> rows;
  if (view.engine != nullptr) {
    rows.reserve(view.engine->entries().size());
    for (const auto& [key, entry] : view.engine->entries()) {
      rows.push_back(StatusRowOf(*view.engine, key, now));
    }
  }
  return Response{200,
                  "text/html; charset=utf-8",
                  dashboards::RenderStatusPage(rows, now, "groundstation"),
                  {}};
}

}  // namespace gs::collector::web
