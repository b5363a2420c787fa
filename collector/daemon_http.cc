// The Daemon's HTTP routes (kept apart from daemon.cc so each file stays about one thing).
#include <cstdio>

#include "collector/daemon.h"

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
  view.server = http_.get();
  view.syslog = syslog_.get();
  view.archive = archive_.get();
  view.log_rules = [this]() -> std::shared_ptr<const syslog::LogRules> { return log_rules_; };
  view.reloads = [this] { return reloads_; };
  view.reload_failures = [this] { return reload_failures_; };
  http_->Route("GET", "/healthz", [](const web::Request&) {
    return web::Response{200, "text/plain; charset=utf-8", "ok\n", {}};
  });
  http_->Route("GET", "/api/v1/status",
               [view](const web::Request& r) { return web::StatusJson(view, r); });
  http_->RouteBlocking("GET", "/api/v1/logs",
                       [view](const web::Request& r) { return web::LogsJson(view, r); });
  http_->Route("GET", "/metrics", [view](const web::Request&) { return web::Metrics(view); });
  http_->Route("GET", "/", [view](const web::Request&) { return web::StatusPage(view); });
  if (auto ok = http_->Start(); !ok) {
    std::fprintf(stderr, "groundstation: %s\n", ok.error().message.c_str());
    http_.reset();
  }
}

}  // namespace gs::collector
