// GET /metrics: every counter and queue depth of the pipeline in Prometheus text format.
#include "alerts/dispatcher.h"
#include "collector/check_engine.h"
#include "collector/probe_registry.h"
#include "collector/scheduler.h"
#include "collector/storage/rrd_writer.h"
#include "collector/storage/state_writer.h"
#include "collector/web/api_handlers.h"
#include "collector/web/http_server.h"
#include "collector/web/prometheus_text.h"
#include "collector/worker.h"

namespace gs::collector::web {

namespace {

using Labels = std::vector<std::pair<std::string, std::string>>;

template <typename T>
double D(const T& v) {
  return static_cast<double>(v);
}

void SchedulerMetrics(PrometheusText& out, const Scheduler& s) {
  out.Family("groundstation_jobs", "Scheduled (node, check) jobs.", "gauge");
  out.Sample("groundstation_jobs", {}, D(s.size()));
  out.Family("groundstation_jobs_running", "Jobs with a probe run in progress.", "gauge");
  out.Sample("groundstation_jobs_running", {}, D(s.running()));
  out.Family("groundstation_check_runs_total", "Probe runs started, by kind.", "counter");
  for (const auto& [kind, c] : s.counters()) {
    out.Sample("groundstation_check_runs_total", {{"kind", kind}}, D(c.runs));
  }
  out.Family("groundstation_check_late_total",
             "Runs that started later than due (loop or queue overloaded), by kind.", "counter");
  for (const auto& [kind, c] : s.counters()) {
    out.Sample("groundstation_check_late_total", {{"kind", kind}}, D(c.late));
  }
  out.Family("groundstation_check_skipped_total",
             "Runs skipped: the previous run overlapped the slot, or the probe queue was full.",
             "counter");
  for (const auto& [kind, c] : s.counters()) {
    out.Sample("groundstation_check_skipped_total", {{"kind", kind}, {"reason", "overlap"}},
               D(c.skipped_overlap));
    out.Sample("groundstation_check_skipped_total", {{"kind", kind}, {"reason", "queue_full"}},
               D(c.skipped_rejected));
  }
  out.Family("groundstation_check_results_total", "Probe results by kind and state.", "counter");
  for (const auto& [kind, c] : s.counters()) {
    for (const auto& [state, n] : c.results) {
      out.Sample("groundstation_check_results_total", {{"kind", kind}, {"state", state}}, D(n));
    }
  }
}

void EngineMetrics(PrometheusText& out, const CheckEngine& engine) {
  std::map<std::pair<std::string, std::string>, int> counts;
  for (const auto& [key, entry] : engine.entries()) {
    ++counts[{std::string(probes::ToString(entry.status.state)),
              alerts::ToString(entry.status.type)}];
  }
  out.Family("groundstation_checks", "Current check states.", "gauge");
  for (const auto& [key, n] : counts) {
    out.Sample("groundstation_checks", {{"state", key.first}, {"state_type", key.second}}, D(n));
  }
  out.Family("groundstation_notifications_total", "Notifications created by HARD changes.",
             "counter");
  out.Sample("groundstation_notifications_total", {}, D(engine.notifications()));
}

void QueueMetrics(PrometheusText& out, const StageView& v) {
  out.Family("groundstation_queue_depth", "Items waiting in each bounded queue.", "gauge");
  out.Family("groundstation_queue_dropped_total", "Items dropped because a queue was full.",
             "counter");
  if (v.probes != nullptr) {
    const auto& h = v.probes->http_stats();
    out.Sample("groundstation_queue_depth", {{"queue", "http_probe"}}, D(h.queued.load()));
    out.Sample("groundstation_queue_dropped_total", {{"queue", "http_probe"}},
               D(h.rejected.load()));
    const Worker& w = v.probes->blocking_worker();
    out.Sample("groundstation_queue_depth", {{"queue", "blocking_probe"}}, D(w.depth()));
    out.Sample("groundstation_queue_dropped_total", {{"queue", "blocking_probe"}}, D(w.dropped()));
    out.Family("groundstation_http_probe_in_flight", "HTTP transfers in progress.", "gauge");
    out.Sample("groundstation_http_probe_in_flight", {}, D(h.in_flight.load()));
  }
  if (v.rrd != nullptr) {
    const auto& r = v.rrd->stats();
    out.Sample("groundstation_queue_depth", {{"queue", "rrd"}}, D(r.queued.load()));
    out.Sample("groundstation_queue_dropped_total", {{"queue", "rrd"}}, D(r.dropped.load()));
    out.Family("groundstation_rrd_cached_values",
               "Values held by rrd.cache_timeout, not yet written.", "gauge");
    out.Sample("groundstation_rrd_cached_values", {}, D(r.cached.load()));
    out.Family("groundstation_rrd_updates_total", "RRD file updates written.", "counter");
    out.Sample("groundstation_rrd_updates_total", {}, D(r.updates.load()));
    out.Family("groundstation_rrd_creates_total", "RRD files created.", "counter");
    out.Sample("groundstation_rrd_creates_total", {}, D(r.creates.load()));
    out.Family("groundstation_rrd_stale_total",
               "Values dropped: not newer than the file's last update.", "counter");
    out.Sample("groundstation_rrd_stale_total", {}, D(r.stale.load()));
    out.Family("groundstation_rrd_errors_total", "RRD creates or updates that failed.", "counter");
    out.Sample("groundstation_rrd_errors_total", {}, D(r.errors.load()));
  }
  if (v.alert_worker != nullptr) {
    out.Sample("groundstation_queue_depth", {{"queue", "alerts"}}, D(v.alert_worker->depth()));
    out.Sample("groundstation_queue_dropped_total", {{"queue", "alerts"}},
               D(v.alert_worker->dropped()));
  }
  if (v.state_writer != nullptr) {
    out.Family("groundstation_state_commits_total", "state.db transactions of check states.",
               "counter");
    out.Sample("groundstation_state_commits_total", {}, D(v.state_writer->commits()));
    out.Family("groundstation_state_errors_total", "Failed state.db writes.", "counter");
    out.Sample("groundstation_state_errors_total", {}, D(v.state_writer->errors()));
  }
}

void AlertMetrics(PrometheusText& out, const alerts::Dispatcher& d) {
  const auto& s = d.stats();
  out.Family("groundstation_notifications_enqueued_total", "Notifications written to the outbox.",
             "counter");
  out.Sample("groundstation_notifications_enqueued_total", {}, D(s.enqueued.load()));
  out.Family("groundstation_notification_deliveries_total",
             "Notifications accepted by their endpoint (webhook 2xx).", "counter");
  out.Sample("groundstation_notification_deliveries_total", {}, D(s.delivered.load()));
  out.Family("groundstation_notification_retries_total",
             "Failed delivery attempts; each is retried with backoff.", "counter");
  out.Sample("groundstation_notification_retries_total", {}, D(s.attempts_failed.load()));
  out.Family("groundstation_notification_store_errors_total",
             "Outbox writes that failed (the notification was not accepted).", "counter");
  out.Sample("groundstation_notification_store_errors_total", {}, D(s.store_errors.load()));
  out.Family("groundstation_outbox_pending", "Notifications in the outbox, not yet delivered.",
             "gauge");
  out.Sample("groundstation_outbox_pending", {}, D(s.pending.load()));
}

void ServerMetrics(PrometheusText& out, const HttpServer& server) {
  const auto& s = server.stats();
  out.Family("groundstation_http_requests_total", "HTTP responses sent, by status class.",
             "counter");
  out.Sample("groundstation_http_requests_total", {{"code", "2xx"}}, D(s.responses_2xx.load()));
  out.Sample("groundstation_http_requests_total", {{"code", "4xx"}}, D(s.responses_4xx.load()));
  out.Sample("groundstation_http_requests_total", {{"code", "5xx"}}, D(s.responses_5xx.load()));
  out.Family("groundstation_http_bad_requests_total", "Requests refused before routing.",
             "counter");
  out.Sample("groundstation_http_bad_requests_total", {}, D(s.bad_requests.load()));
  out.Family("groundstation_http_rejected_connections_total",
             "Connections closed at once: over the connection limit.", "counter");
  out.Sample("groundstation_http_rejected_connections_total", {}, D(s.rejected_connections.load()));
  out.Family("groundstation_http_handler_errors_total",
             "Requests whose handler threw (answered 500).", "counter");
  out.Sample("groundstation_http_handler_errors_total", {}, D(s.handler_errors.load()));
  out.Family("groundstation_http_timeouts_total",
             "Connections closed because a request did not arrive in time.", "counter");
  out.Sample("groundstation_http_timeouts_total", {}, D(s.timeouts.load()));
  out.Family("groundstation_http_connections", "Open HTTP connections.", "gauge");
  out.Sample("groundstation_http_connections", {}, D(s.active_connections.load()));
}

}  // namespace

Response Metrics(const StageView& view) {
  PrometheusText out;
  if (view.scheduler != nullptr) SchedulerMetrics(out, *view.scheduler);
  if (view.engine != nullptr) EngineMetrics(out, *view.engine);
  QueueMetrics(out, view);
  if (view.dispatcher) {
    if (auto d = view.dispatcher(); d != nullptr) AlertMetrics(out, *d);
  }
  if (view.server != nullptr) ServerMetrics(out, *view.server);
  if (view.reloads) {
    out.Family("groundstation_config_reloads_total", "Config reloads, by result.", "counter");
    out.Sample("groundstation_config_reloads_total", {{"result", "applied"}}, D(view.reloads()));
    out.Sample("groundstation_config_reloads_total", {{"result", "refused"}},
               D(view.reload_failures()));
  }
  return Response{200, std::string(kPrometheusContentType), out.Take(), {}};
}

}  // namespace gs::collector::web
