// Daemon: the composition root. Builds every stage from a validated Config, wires them in
// pipeline order (scheduler -> probes -> check engine -> state store, RRD, alert outbox; web
// server reading all of them), runs the io_context, reloads on SIGHUP and shuts down in
// pipeline order on SIGTERM/SIGINT. Run() is called once, from the main thread.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "alerts/dispatcher.h"
#include "alerts/watchdog.h"
#include "collector/check_engine.h"
#include "collector/config/config.h"
#include "collector/inventory/discovery.h"
#include "collector/inventory/inventory.h"
#include "collector/passive.h"
#include "collector/probe_registry.h"
#include "collector/scheduler.h"
#include "collector/storage/rrd_writer.h"
#include "collector/storage/state_db.h"
#include "collector/storage/state_writer.h"
#include "collector/syslog/log_archive.h"
#include "collector/syslog/log_rules.h"
#include "collector/syslog/syslog_server.h"
#include "collector/web/api_handlers.h"
#include "collector/web/graph_handler.h"
#include "collector/web/http_server.h"
#include "collector/worker.h"
#include "dashboards/graph_renderer.h"
#include "dashboards/node_page.h"

namespace gs::collector {

class Daemon {
 public:
  // `config_path` is re-read on SIGHUP; empty: the embedded default (reload re-reads it).
  Daemon(Config config, std::filesystem::path config_path);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Opens storage, binds the HTTP server, starts the schedule and runs until a signal asks
  // to stop. Returns the process exit code; start-up failures are printed to stderr.
  int Run();

 private:
  Result<void> Open();
  void StartHttp();
  Result<void> StartSyslog();
  Result<void> ApplyLogRules(const Config& config);
  [[nodiscard]] std::shared_ptr<const syslog::NodeIndex> BuildNodeIndex() const;
  [[nodiscard]] std::shared_ptr<const syslog::NodeTags> BuildNodeTags() const;
  void OnLogAlert(const std::string& host, const std::string& rule, probes::CheckResult result);
  // The node and check pages (daemon_pages.cc).
  [[nodiscard]] std::optional<dashboards::NodeView> NodeViewOf(const std::string& name) const;
  web::Response NodePage(const web::Request& request);
  [[nodiscard]] web::Response AlertsPage() const;
  // /dashboards (on the io_context) and /dashboards/<name>[/<index>.png|svg] (on the pool).
  [[nodiscard]] web::Response DashboardList() const;
  web::Response DashboardRequest(const web::GraphApi& graphs, const web::Request& request);
  // Forecast rules (daemon_forecast.cc).
  static std::string ForecastCheckName(const std::string& forecast);
  void StartForecasts();
  void ForecastTick();
  void RunForecast(const ForecastConfig& forecast);
  void OnForecasts(const std::string& name,
                   std::vector<std::pair<inventory::NodeRef, probes::CheckResult>> results);
  Result<void> DropPrivileges() const;
  void ApplyConfig(std::shared_ptr<const Config> config);
  void Reload();
  void Shutdown();
  void OnSignal(int signal);
  // Jobs of the running nodes of the inventory that each check selects.
  std::vector<JobSpec> BuildJobs(const Config& config) const;
  // The inventory (daemon_inventory.cc).
  static std::vector<inventory::SourceSpec> InventorySources(const Config& config);
  void ApplyInventory(const Config& config);
  void ApplyNodes();
  [[nodiscard]] std::string RetireReason(const JobKey& key) const;
  void OnDiscovery(const std::string& id, inventory::Discovery::Answer answer);
  void ReportDiscovery(const inventory::SourceStatus& source);
  [[nodiscard]] std::vector<inventory::DiscoveredNode> RegisteredNodes() const;
  void RegisteredChanged();
  Result<void> LoadRegistrations();
  void ExpireRegistrations(std::chrono::system_clock::time_point now);
  web::Response Register(const web::Request& request);
  web::Response Unregister(const web::Request& request);
  [[nodiscard]] nlohmann::json InventoryJson() const;
  [[nodiscard]] web::Response ExplainNode(const web::Request& request) const;
  void RouteInventoryApi();
  void ReplaceDispatcher(const Config& config);
  void Record(const JobSpec& job, const probes::CheckResult& result);
  // On the alert worker: the messages and the records that say they were sent in one
  // state.db transaction (a crash keeps both or neither), then the history.
  void PersistAlerts(const alerts::AlertEngine::Output& out);
  // Group commit of engine outputs on the alert worker (see daemon.cc).
  void GatherAlerts(alerts::AlertEngine::Output out);
  void FlushAlerts();
  void ScheduleAlertTick();
  // Starts, replaces or stops the outbound heartbeat to match `config`.
  void ApplyWatchdog(const WatchdogConfig& config);
  // GET /api/v1/problems and the other alert endpoints (daemon_alerts.cc).
  void RouteAlertApi();
  [[nodiscard]] nlohmann::json ProblemsJson() const;
  // Reads (or on first start creates) http.token_file; "" when none is configured.
  Result<void> LoadApiToken();
  // POST /api/v1/heartbeat and /api/v1/results: the submission applied to its job.
  web::Response SubmitPassive(PassiveSubmission submission);

  std::shared_ptr<const Config> config_;
  std::filesystem::path config_path_;
  boost::asio::io_context io_;
  boost::asio::signal_set signals_;

  std::unique_ptr<StateDb> db_;
  std::unique_ptr<StateWriter> state_writer_;
  std::unique_ptr<RrdWriter> rrd_;
  // Declared before alert_worker_, whose idle hook uses them until it is destroyed.
  std::optional<alerts::AlertEngine::Output> alert_inbox_;  // alert worker only: not committed
  std::size_t alert_inbox_steps_ = 0;                       // alert worker only
  std::unique_ptr<Worker> alert_worker_;  // owns every call into the dispatcher's store
  mutable std::mutex dispatcher_mu_;
  std::shared_ptr<alerts::Dispatcher> dispatcher_;  // guarded by dispatcher_mu_
  std::string api_token_;                           // io_context thread only
  std::unique_ptr<ProbeRegistry> probes_;
  std::unique_ptr<CheckEngine> engine_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<boost::asio::steady_timer> alert_tick_;
  // Steady-clock time (ns) of the latest alert tick: the watchdog's sign that the loop runs.
  std::atomic<std::int64_t> last_tick_ns_{0};
  std::shared_ptr<alerts::Watchdog> watchdog_;  // io_context thread only; null when off
  WatchdogConfig watchdog_config_;              // what watchdog_ runs
  std::vector<alerts::Downtime> downtimes_;     // io_context thread only; mirrors state.db
  // Declared before http_, whose pool threads draw graphs with it until http_ is destroyed.
  std::unique_ptr<dashboards::GraphRenderer> renderer_;
  std::unique_ptr<web::HttpServer> http_;
  std::unique_ptr<Worker> forecast_worker_;  // reads RRD files for the forecast rules
  std::unique_ptr<boost::asio::steady_timer> forecast_timer_;
  std::map<std::string, std::chrono::steady_clock::time_point> forecast_due_;  // io thread
  std::map<std::string, std::set<JobKey>> forecast_keys_;  // io thread: last evaluated nodes
  std::unique_ptr<syslog::LogArchive> archive_;
  std::unique_ptr<syslog::SyslogServer> syslog_;  // null without syslog.listen
  std::shared_ptr<syslog::LogRules> log_rules_;   // observer of archive_; replaced on reload
  inventory::Inventory inventory_;                // io_context thread only
  std::unique_ptr<inventory::Discovery> discovery_;
  InventoryConfig discovery_config_;  // what discovery_ runs
  // Discovery answers read from state.db at start, until ApplyInventory seeds them.
  std::map<std::string, std::vector<inventory::DiscoveredNode>> restored_discovery_;
  std::map<std::string, std::shared_ptr<const CheckConfig>> discovery_checks_;  // by source id
  // Self-registration: read by the API's blocking workers, written there and on the io thread.
  mutable std::mutex registrations_mu_;
  std::map<std::string, StoredRegistration> registrations_;  // guarded; mirrors state.db
  RegisterConfig register_settings_;                         // guarded by registrations_mu_
  std::string register_token_;                               // guarded; copy of api_token_
  std::atomic<std::uint64_t> registration_errors_{0};
  std::atomic<std::uint64_t> registrations_expired_{0};
  std::uint64_t reloads_ = 0;
  std::uint64_t reload_failures_ = 0;
  bool stopping_ = false;
};

}  // namespace gs::collector
