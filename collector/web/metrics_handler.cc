// GET /metrics: every counter and queue depth of the pipeline in Prometheus text format.
#include <set>
#include <string_view>

#include "alerts/dispatcher.h"
#include "alerts/watchdog.h"
#include "collector/check_engine.h"
#include "collector/inventory/inventory.h"
#include "collector/probe_registry.h"
#include "collector/scheduler.h"
#include "collector/storage/rrd_writer.h"
#include "collector/storage/state_writer.h"
#include "collector/syslog/log_archive.h"
#include "collector/syslog/log_rules.h"
#include "collector/syslog/syslog_server.h"
#include "collector/web/api_handlers.h"
#include "collector/web/http_server.h"
#include "collector/web/prometheus_text.h"
#include "collector/worker.h"
#include "dashboards/graph_renderer.h"

namespace gs::collector::web {

namespace {

using Labels = std::vector<std::pair<std::string, std::string>>;

template <typename T>
double D(const T& v) {
  return static_cast<double>(v);
}

// A family with one unlabelled sample.
void Single(PrometheusText& out, std::string_view name, std::string_view help,
            std::string_view type, double value) {
  out.Family(name, help, type);
  out.Sample(name, {}, value);
}

void SchedulerMetrics(PrometheusText& out, const Scheduler& s) {
  Single(out, "groundstation_jobs", "Scheduled (node, check) jobs.", "gauge", D(s.size()));
  Single(out, "groundstation_jobs_running", "Jobs with a probe run in progress.", "gauge",
         D(s.running()));
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
  Single(out, "groundstation_notifications_total", "Notifications created by HARD changes.",
         "counter", D(engine.notifications()));
  const alerts::GroundState& g = engine.alert_engine().ground();
  Single(out, "groundstation_uplink_lost",
         "1 while the uplink is lost (every uplink check fails, \"uplink lost\" sent).", "gauge",
         g.uplink_lost ? 1 : 0);
  Single(out, "groundstation_region_unreachable",
         "1 while the region is unreachable (\"region unreachable\" sent).", "gauge",
         g.region_unreachable ? 1 : 0);
}

// Each check's state and latest perfdata values, so Prometheus can federate from groundstation.
void LatestValues(PrometheusText& out, const CheckEngine& engine) {
  out.Family("groundstation_check_state",
             "Each check's current state: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.", "gauge");
  out.Family("groundstation_check_value",
             "Each check's latest perfdata values, by metric (the plugin's label) and unit.",
             "gauge");
  std::set<std::string_view> seen;
  for (const auto& [key, entry] : engine.entries()) {
    out.Sample("groundstation_check_state",
               {{"node", key.first},
                {"check", key.second},
                {"kind", entry.kind},
                {"state_type", alerts::ToString(entry.status.type)}},
               probes::ExitCode(entry.status.state));
    seen.clear();
    for (const probes::Perfdata& p : entry.perfdata) {
      if (!seen.insert(p.label).second) continue;  // a label printed twice: the first counts
      out.Sample("groundstation_check_value",
                 {{"node", key.first}, {"check", key.second}, {"metric", p.label}, {"uom", p.uom}},
                 p.value);
    }
  }
}

void GraphMetrics(PrometheusText& out, const dashboards::GraphRenderer& renderer) {
  const auto& s = renderer.stats();
  out.Family("groundstation_graphs_total", "Graph requests, by outcome.", "counter");
  out.Sample("groundstation_graphs_total", {{"result", "rendered"}}, D(s.renders.load()));
  out.Sample("groundstation_graphs_total", {{"result", "cached"}}, D(s.cache_hits.load()));
  out.Sample("groundstation_graphs_total", {{"result", "error"}}, D(s.errors.load()));
  out.Sample("groundstation_graphs_total", {{"result", "busy"}}, D(s.rejected.load()));
  Single(out, "groundstation_graph_cache_bytes", "Rendered images held in the graph cache.",
         "gauge", D(s.cached_bytes.load()));
}

void WatchdogMetrics(PrometheusText& out, const alerts::Watchdog& w) {
  const auto& s = w.stats();
  out.Family("groundstation_watchdog_pings_total",
             "Outbound heartbeats: sent (accepted), failed, withheld (daemon unhealthy).",
             "counter");
  out.Sample("groundstation_watchdog_pings_total", {{"result", "sent"}}, D(s.sent.load()));
  out.Sample("groundstation_watchdog_pings_total", {{"result", "failed"}}, D(s.failed.load()));
  out.Sample("groundstation_watchdog_pings_total", {{"result", "withheld"}}, D(s.withheld.load()));
  Single(out, "groundstation_watchdog_last_success_seconds",
         "Unix time of the latest accepted heartbeat (0: none yet).", "gauge",
         D(s.last_success_ms.load()) / 1000.0);
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
    double mysql_depth = 0;
    double mysql_dropped = 0;
    for (const auto& worker : v.probes->mysql_workers()) {
      mysql_depth += D(worker->depth());
      mysql_dropped += D(worker->dropped());
    }
    out.Sample("groundstation_queue_depth", {{"queue", "mysql_probe"}}, mysql_depth);
    out.Sample("groundstation_queue_dropped_total", {{"queue", "mysql_probe"}}, mysql_dropped);
    Single(out, "groundstation_plugins_running", "Plugins (kind exec) running now.", "gauge",
           D(v.probes->running_plugins()));
    Single(out, "groundstation_http_probe_in_flight", "HTTP transfers in progress.", "gauge",
           D(h.in_flight.load()));
    out.Family("groundstation_http_probe_checks_total",
               "HTTP checks started, by client: the minimal one (plain http:// to an IP "
               "address) or libcurl (the rest).",
               "counter");
    out.Sample("groundstation_http_probe_checks_total", {{"client", "minimal"}},
               D(h.minimal_client.load()));
    out.Sample("groundstation_http_probe_checks_total", {{"client", "libcurl"}},
               D(h.libcurl.load()));
  }
  if (v.rrd != nullptr) {
    const auto& r = v.rrd->stats();
    out.Sample("groundstation_queue_depth", {{"queue", "rrd"}}, D(r.queued.load()));
    out.Sample("groundstation_queue_dropped_total", {{"queue", "rrd"}}, D(r.dropped.load()));
    Single(out, "groundstation_rrd_cached_values",
           "Values held by rrd.cache_timeout, not yet written.", "gauge", D(r.cached.load()));
    Single(out, "groundstation_rrd_updates_total", "RRD file updates written.", "counter",
           D(r.updates.load()));
    Single(out, "groundstation_rrd_creates_total", "RRD files created.", "counter",
           D(r.creates.load()));
    Single(out, "groundstation_rrd_stale_total",
           "Values dropped: not newer than the file's last update.", "counter", D(r.stale.load()));
    Single(out, "groundstation_rrd_errors_total", "RRD creates or updates that failed.", "counter",
           D(r.errors.load()));
  }
  if (v.alert_worker != nullptr) {
    out.Sample("groundstation_queue_depth", {{"queue", "alerts"}}, D(v.alert_worker->depth()));
    out.Sample("groundstation_queue_dropped_total", {{"queue", "alerts"}},
               D(v.alert_worker->dropped()));
  }
  if (v.state_writer != nullptr) {
    Single(out, "groundstation_state_commits_total", "state.db transactions of check states.",
           "counter", D(v.state_writer->commits()));
    Single(out, "groundstation_state_errors_total", "Failed state.db writes.", "counter",
           D(v.state_writer->errors()));
  }
}

void AlertMetrics(PrometheusText& out, const alerts::Dispatcher& d) {
  const auto& s = d.stats();
  Single(out, "groundstation_notifications_enqueued_total", "Notifications written to the outbox.",
         "counter", D(s.enqueued.load()));
  Single(out, "groundstation_notification_deliveries_total",
         "Notifications accepted by their endpoint (webhook 2xx).", "counter",
         D(s.delivered.load()));
  Single(out, "groundstation_notification_retries_total",
         "Failed delivery attempts; each is retried with backoff.", "counter",
         D(s.attempts_failed.load()));
  Single(out, "groundstation_notification_store_errors_total",
         "Outbox writes that failed (the notification was not accepted).", "counter",
         D(s.store_errors.load()));
  Single(out, "groundstation_outbox_pending", "Notifications in the outbox, not yet delivered.",
         "gauge", D(s.pending.load()));
  const std::vector<alerts::Dispatcher::NotifierStats> lanes = d.notifier_stats();
  out.Family("groundstation_notifier_pending", "Notifications waiting, by notifier.", "gauge");
  for (const auto& n : lanes) {
    out.Sample("groundstation_notifier_pending", {{"notifier", n.name}}, D(n.pending));
  }
  out.Family("groundstation_notifier_deliveries_total", "Notifications accepted, by notifier.",
             "counter");
  for (const auto& n : lanes) {
    out.Sample("groundstation_notifier_deliveries_total", {{"notifier", n.name}}, D(n.delivered));
  }
  out.Family("groundstation_notifier_failures_total", "Failed delivery attempts, by notifier.",
             "counter");
  for (const auto& n : lanes) {
    out.Sample("groundstation_notifier_failures_total", {{"notifier", n.name}},
               D(n.attempts_failed));
  }
}

void ServerMetrics(PrometheusText& out, const HttpServer& server) {
  const auto& s = server.stats();
  out.Family("groundstation_http_requests_total", "HTTP responses sent, by status class.",
             "counter");
  out.Sample("groundstation_http_requests_total", {{"code", "2xx"}}, D(s.responses_2xx.load()));
  out.Sample("groundstation_http_requests_total", {{"code", "4xx"}}, D(s.responses_4xx.load()));
  out.Sample("groundstation_http_requests_total", {{"code", "5xx"}}, D(s.responses_5xx.load()));
  Single(out, "groundstation_http_bad_requests_total", "Requests refused before routing.",
         "counter", D(s.bad_requests.load()));
  Single(out, "groundstation_http_rejected_connections_total",
         "Connections closed at once: over the connection limit.", "counter",
         D(s.rejected_connections.load()));
  Single(out, "groundstation_http_handler_errors_total",
         "Requests whose handler threw (answered 500).", "counter", D(s.handler_errors.load()));
  Single(out, "groundstation_http_timeouts_total",
         "Connections closed because a request did not arrive in time.", "counter",
         D(s.timeouts.load()));
  Single(out, "groundstation_http_connections", "Open HTTP connections.", "gauge",
         D(s.active_connections.load()));
}

void SyslogMetrics(PrometheusText& out, const syslog::SyslogServer& server) {
  struct Counter {
    const char* name;
    const char* help;
    std::atomic<std::uint64_t> syslog::ListenerStats::*field;
  };
  static constexpr Counter kCounters[] = {
      {"groundstation_syslog_messages_received_total", "Syslog messages received.",
       &syslog::ListenerStats::received},
      {"groundstation_syslog_messages_parsed_total", "Messages parsed as RFC 5424 or RFC 3164.",
       &syslog::ListenerStats::parsed},
      {"groundstation_syslog_messages_unparsed_total",
       "Messages that could not be parsed (kept whole, flagged).",
       &syslog::ListenerStats::unparsed},
      {"groundstation_syslog_messages_truncated_total", "Messages cut at syslog.max_message_size.",
       &syslog::ListenerStats::truncated},
      {"groundstation_syslog_bytes_received_total", "Bytes received.",
       &syslog::ListenerStats::bytes},
      {"groundstation_syslog_connections_total", "TCP/TLS connections accepted.",
       &syslog::ListenerStats::connections},
      {"groundstation_syslog_connections_rejected_total",
       "Connections closed at once: over syslog.max_connections.",
       &syslog::ListenerStats::connections_rejected},
      {"groundstation_syslog_framing_errors_total",
       "Connections closed on a bogus RFC 6587 octet count.",
       &syslog::ListenerStats::framing_errors},
      {"groundstation_syslog_tls_failures_total",
       "TLS handshakes that failed or clients not allowed.", &syslog::ListenerStats::tls_failures},
      {"groundstation_syslog_reader_paused_total",
       "Times a TCP/TLS reader waited for space in the archive queue.",
       &syslog::ListenerStats::paused},
  };
  for (const Counter& c : kCounters) {
    out.Family(c.name, c.help, "counter");
    for (const auto& l : server.listeners()) {
      out.Sample(c.name, {{"listener", l->url.text}}, D((l->stats.*c.field).load()));
    }
  }
  const char* dropped = "groundstation_syslog_messages_dropped_total";
  out.Family(dropped,
             "Messages lost: UDP archive queue full, UDP kernel socket buffer overflow, or held "
             "by a connection when shutdown could not wait longer.",
             "counter");
  for (const auto& l : server.listeners()) {
    out.Sample(dropped, {{"listener", l->url.text}, {"reason", "queue"}},
               D(l->stats.dropped_queue.load()));
    out.Sample(dropped, {{"listener", l->url.text}, {"reason", "kernel"}},
               D(l->stats.dropped_kernel.load()));
    out.Sample(dropped, {{"listener", l->url.text}, {"reason", "shutdown"}},
               D(l->stats.dropped_shutdown.load()));
  }
  out.Family("groundstation_syslog_connections", "Open TCP/TLS connections.", "gauge");
  out.Family("groundstation_syslog_udp_receive_buffer_bytes",
             "SO_RCVBUF of each UDP listener as granted by the kernel.", "gauge");
  for (const auto& l : server.listeners()) {
    if (l->url.transport == syslog::ListenUrl::Transport::kUdp) {
      out.Sample("groundstation_syslog_udp_receive_buffer_bytes", {{"listener", l->url.text}},
                 D(l->stats.receive_buffer.load()));
    } else {
      out.Sample("groundstation_syslog_connections", {{"listener", l->url.text}},
                 D(l->stats.connections_open.load()));
    }
  }
}

void ArchiveMetrics(PrometheusText& out, const syslog::LogArchive& archive) {
  const auto& s = archive.stats();
  Single(out, "groundstation_syslog_archive_written_total", "Log records written to the archive.",
         "counter", D(s.written.load()));
  Single(out, "groundstation_syslog_archive_bytes_written_total", "Bytes written to the archive.",
         "counter", D(s.bytes_written.load()));
  Single(out, "groundstation_syslog_archive_write_errors_total",
         "Failed archive opens or writes (retried at the next flush).", "counter",
         D(s.write_errors.load()));
  Single(out, "groundstation_syslog_archive_lost_total",
         "Records given up after archive writes kept failing.", "counter", D(s.lost.load()));
  Single(out, "groundstation_syslog_archive_queue_bytes",
         "Message bytes waiting for the archive writer.", "gauge", D(s.queue_bytes.load()));
  Single(out, "groundstation_syslog_archive_queue_full_total",
         "Batches refused because the archive queue was full.", "counter",
         D(s.refused_batches.load()));
  Single(out, "groundstation_syslog_archive_open_files", "Open archive files.", "gauge",
         D(s.open_files.load()));
  Single(out, "groundstation_syslog_archive_files_removed_total",
         "Day files deleted by syslog.retention.", "counter", D(s.files_removed.load()));
  Single(out, "groundstation_syslog_archive_files_compressed_total", "Closed days gzipped.",
         "counter", D(s.files_compressed.load()));
}

void InventoryMetrics(PrometheusText& out, const StageView& v) {
  const inventory::Inventory& inv = *v.inventory;
  out.Family("groundstation_inventory_nodes", "Nodes in the inventory, by winning source.",
             "gauge");
  std::map<std::string, std::size_t> by_source;
  for (const auto& s : inv.sources()) by_source[s.spec.id] = 0;
  for (const auto& [name, entry] : inv.nodes()) ++by_source[entry.source];
  for (const auto& [source, n] : by_source) {
    out.Sample("groundstation_inventory_nodes", {{"source", source}}, D(n));
  }
  out.Family("groundstation_discovery_refreshes_total", "Discovery refreshes, by source.",
             "counter");
  out.Family("groundstation_discovery_failures_total",
             "Discovery refreshes that failed or were unconfirmed empty answers, by source.",
             "counter");
  out.Family("groundstation_discovery_failing",
             "1 while the source's latest refresh failed (its last good nodes are kept).", "gauge");
  for (const auto& s : inv.sources()) {
    const Labels l{{"source", s.spec.id}};
    out.Sample("groundstation_discovery_refreshes_total", l, D(s.refreshes));
    out.Sample("groundstation_discovery_failures_total", l, D(s.failures));
    out.Sample("groundstation_discovery_failing", l, s.failing ? 1 : 0);
  }
  if (v.registration_errors != nullptr && v.registrations_expired != nullptr) {
    Single(out, "groundstation_registrations_rejected_total",
           "Self-registration requests refused as malformed.", "counter",
           D(v.registration_errors->load()));
    Single(out, "groundstation_registrations_expired_total",
           "Self-registered nodes dropped for not renewing in time.", "counter",
           D(v.registrations_expired->load()));
  }
}

}  // namespace

Response Metrics(const StageView& view) {
  PrometheusText out;
  if (view.scheduler != nullptr) SchedulerMetrics(out, *view.scheduler);
  if (view.engine != nullptr) {
    EngineMetrics(out, *view.engine);
    LatestValues(out, *view.engine);
  }
  if (view.renderer != nullptr) GraphMetrics(out, *view.renderer);
  QueueMetrics(out, view);
  if (view.dispatcher) {
    if (auto d = view.dispatcher(); d != nullptr) AlertMetrics(out, *d);
  }
  if (view.watchdog) {
    if (auto w = view.watchdog(); w != nullptr) WatchdogMetrics(out, *w);
  }
  if (view.server != nullptr) ServerMetrics(out, *view.server);
  if (view.syslog != nullptr) SyslogMetrics(out, *view.syslog);
  if (view.archive != nullptr) ArchiveMetrics(out, *view.archive);
  if (view.log_rules) {
    if (auto rules = view.log_rules(); rules != nullptr) {
      out.Family("groundstation_log_rule_matches_total", "Log records matched, by rule.",
                 "counter");
      out.Family("groundstation_log_rule_alerts_total",
                 "Times a rule's alert threshold was reached (per host), by rule.", "counter");
      for (const auto& r : rules->stats()) {
        out.Sample("groundstation_log_rule_matches_total", {{"rule", r.name}}, D(r.matches));
        out.Sample("groundstation_log_rule_alerts_total", {{"rule", r.name}}, D(r.alerts));
      }
    }
  }
  if (view.inventory != nullptr) InventoryMetrics(out, view);
  if (view.reloads) {
    out.Family("groundstation_config_reloads_total", "Config reloads, by result.", "counter");
    out.Sample("groundstation_config_reloads_total", {{"result", "applied"}}, D(view.reloads()));
    out.Sample("groundstation_config_reloads_total", {{"result", "refused"}},
               D(view.reload_failures()));
  }
  return Response{200, std::string(kPrometheusContentType), out.Take(), {}};
}

}  // namespace gs::collector::web
