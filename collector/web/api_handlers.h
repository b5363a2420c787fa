// The daemon's read-only HTTP endpoints: /healthz, /api/v1/status, /metrics and the status
// page. Each handler reads the pipeline's state through a StageView and runs on the
// io_context thread (where the scheduler and check engine live), so it never blocks.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "alerts/check_status.h"
#include "collector/web/http_request.h"
#include "dashboards/status_page.h"

namespace gs::alerts {
class Dispatcher;
class Watchdog;
}  // namespace gs::alerts

namespace gs::dashboards {
class GraphRenderer;
}  // namespace gs::dashboards

namespace gs::collector {

class CheckEngine;
class Scheduler;
class ProbeRegistry;
class RrdWriter;
class StateWriter;
class Worker;

namespace web {
class HttpServer;
}
namespace inventory {
class Inventory;
}
namespace syslog {
class LogArchive;
class LogRules;
class SyslogServer;
}  // namespace syslog

// Pointers to the stages, owned by the Daemon; any may be null in tests.
struct StageView {
  const CheckEngine* engine = nullptr;
  const Scheduler* scheduler = nullptr;
  const ProbeRegistry* probes = nullptr;
  const RrdWriter* rrd = nullptr;
  const StateWriter* state_writer = nullptr;
  const Worker* alert_worker = nullptr;  // hands notifications to the outbox
  std::function<std::shared_ptr<const alerts::Dispatcher>()> dispatcher;  // replaced on reload
  std::function<std::shared_ptr<const alerts::Watchdog>()> watchdog;      // null when off
  const web::HttpServer* server = nullptr;
  const syslog::SyslogServer* syslog = nullptr;  // null when no listener is configured
  syslog::LogArchive* archive = nullptr;
  std::function<std::shared_ptr<const syslog::LogRules>()> log_rules;  // replaced on reload
  std::function<std::uint64_t()> reloads;
  std::function<std::uint64_t()> reload_failures;
  const inventory::Inventory* inventory = nullptr;  // io_context thread only
  const std::atomic<std::uint64_t>* registration_errors = nullptr;
  const std::atomic<std::uint64_t>* registrations_expired = nullptr;
  const dashboards::GraphRenderer* renderer = nullptr;  // null before the HTTP server starts
};

namespace web {

// {"checks": [{"node", "check", "kind", "state", "state_type", "attempt", "max_attempts",
// "output", "perfdata": [...], "last_check", "last_change"}]} (times RFC 3339 UTC, null when
// never checked), ordered by node then check. Filters: ?node=, ?check=, ?state=.
Response StatusJson(const StageView& view, const Request& request);

// Prometheus text exposition of every counter and queue depth.
Response Metrics(const StageView& view);

// GET /api/v1/logs: the archive search of collector/syslog/log_search.h; 400 with a reason
// for a bad parameter or pattern. Blocks on file reads: register with RouteBlocking.
Response LogsJson(const StageView& view, const Request& request);

// GET /logs: the HTML search page over the archive (same query as /api/v1/logs; empty fields
// mean "any"). Blocks on file reads: register with RouteBlocking.
Response LogsPage(const StageView& view, const Request& request);

// The HTML overview ("/").
Response StatusPage(const StageView& view);

// The overview's row of one check's status, without the alert markers.
dashboards::StatusRow StatusRowFrom(const std::string& node, const std::string& check,
                                    const alerts::CheckStatus& s, int max_attempts);

// The overview's row of one check the engine knows, with the alert engine's markers
// (acknowledged, in downtime, flapping). REQUIRES: `key` is in engine.entries(); io thread.
dashboards::StatusRow StatusRowOf(const CheckEngine& engine,
                                  const std::pair<std::string, std::string>& key,
                                  std::chrono::system_clock::time_point now);

// RFC 3339 UTC with millisecond precision: "2026-11-22T03:38:33.756Z".
std::string FormatTime(std::chrono::system_clock::time_point t);

}  // namespace web
}  // namespace gs::collector
