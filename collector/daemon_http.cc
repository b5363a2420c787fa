// The Daemon's HTTP routes (kept apart from daemon.cc so each file stays about one thing).
#include <cstdio>
#include <nlohmann/json.hpp>

#include "collector/daemon.h"
#include "collector/web/api_token.h"
#include "collector/web/graph_handler.h"
#include "collector/web/passive_handlers.h"

namespace gs::collector {

void Daemon::StartHttp() {
  web::HttpServer::Options options;
  options.listen = config_->http.listen;
  http_ = std::make_unique<web::HttpServer>(io_, options);
  StageView view;
  view.engine = engine_.get();
  view.scheduler = scheduler_.get();
  view.probes = probes_.get();
  view.rrd = rrd_.get();
  view.state_writer = state_writer_.get();
  view.alert_worker = alert_worker_.get();
  view.dispatcher = [this]() -> std::shared_ptr<const alerts::Dispatcher> {
    std::lock_guard lock(dispatcher_mu_);
    return dispatcher_;
  };
  view.watchdog = [this]() -> std::shared_ptr<const alerts::Watchdog> { return watchdog_; };
  view.server = http_.get();
  view.syslog = syslog_.get();
  view.archive = archive_.get();
  view.log_rules = [this]() -> std::shared_ptr<const syslog::LogRules> { return log_rules_; };
  view.reloads = [this] { return reloads_; };
  view.reload_failures = [this] { return reload_failures_; };
  view.inventory = &inventory_;
  view.registration_errors = &registration_errors_;
  view.registrations_expired = &registrations_expired_;
  http_->Route("GET", "/healthz", [](const web::Request&) {
    return web::Response{200, "text/plain; charset=utf-8", "ok\n", {}};
  });
  http_->Route("GET", "/api/v1/status",
               [view](const web::Request& r) { return web::StatusJson(view, r); });
  http_->RouteBlocking("GET", "/logs",
                       [view](const web::Request& r) { return web::LogsPage(view, r); });
  http_->RouteBlocking("GET", "/api/v1/logs",
                       [view](const web::Request& r) { return web::LogsJson(view, r); });
  const web::PassiveApi passive{
      [this] { return api_token_; },
      [this](PassiveSubmission s) { return SubmitPassive(std::move(s)); }};
  http_->RoutePrefix("POST", "/api/v1/heartbeat/",
                     [passive](const web::Request& r) { return web::HeartbeatPost(passive, r); });
  http_->Route("POST", "/api/v1/results",
               [passive](const web::Request& r) { return web::ResultsPost(passive, r); });
  RouteAlertApi();
  RouteInventoryApi();
  renderer_ = std::make_unique<dashboards::GraphRenderer>();
  view.renderer = renderer_.get();
  const web::GraphApi graphs{std::filesystem::path(config_->data_dir) / "rrd", config_->rrd.daemon,
                             renderer_.get()};
  http_->RouteBlockingPrefix(
      "GET", "/graph/", [graphs](const web::Request& r) { return web::GraphImage(graphs, r); });
  http_->RouteBlockingPrefix("GET", "/api/v1/forecast/", [graphs](const web::Request& r) {
    return web::ForecastJson(graphs, r);
  });
  http_->Route("GET", "/metrics", [view](const web::Request&) { return web::Metrics(view); });
  http_->Route("GET", "/", [view](const web::Request&) { return web::StatusPage(view); });
  http_->Route("GET", "/alerts", [this](const web::Request&) { return AlertsPage(); });
  http_->RouteBlockingPrefix("GET", "/nodes/",
                             [this](const web::Request& r) { return NodePage(r); });
  http_->Route("GET", "/dashboards", [this](const web::Request&) { return DashboardList(); });
  http_->RouteBlockingPrefix("GET", "/dashboards/", [this, graphs](const web::Request& r) {
    return DashboardRequest(graphs, r);
  });
  if (auto ok = http_->Start(); !ok) {
    std::fprintf(stderr, "groundstation: %s\n", ok.error().message.c_str());
    http_.reset();
  }
}

Result<void> Daemon::LoadApiToken() {
  if (config_->http.token_file.empty()) {
    api_token_.clear();
  } else {
    auto token = web::LoadOrCreateToken(config_->http.token_file);
    if (!token) return Fail("http.token_file: " + token.error().message);
    api_token_ = std::move(*token);
  }
  std::lock_guard lock(registrations_mu_);
  register_token_ = api_token_;
  return {};
}

web::Response Daemon::SubmitPassive(PassiveSubmission submission) {
  const std::vector<std::string> nodes = scheduler_->NodesOf(submission.check);
  if (nodes.empty()) return web::JsonError(404, "no check named \"" + submission.check + "\"");
  if (submission.node.empty()) {
    if (nodes.size() > 1) {
      return web::JsonError(400, "check \"" + submission.check + "\" runs on " +
                                     std::to_string(nodes.size()) + " nodes: give node");
    }
    submission.node = nodes.front();
  }
  const JobKey key{submission.node, submission.check};
  if (!scheduler_->Submit(key, submission.result)) {
    return web::JsonError(
        404, "check \"" + submission.check + "\" does not run on node \"" + submission.node + "\"");
  }
  const auto it = engine_->entries().find(key);
  nlohmann::json body{{"node", key.first}, {"check", key.second}};
  if (it != engine_->entries().end()) {
    const alerts::CheckStatus& st = it->second.status;
    body["state"] = std::string(probes::ToString(st.state));
    body["state_type"] = st.type == alerts::StateType::kHard ? "HARD" : "SOFT";
    body["attempt"] = st.attempt;
    body["output"] = st.output;
  }
  return web::Response{200,
                       "application/json",
                       body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
                       {}};
}

}  // namespace gs::collector
