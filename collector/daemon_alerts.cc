// The Daemon's alert API: open problems, acknowledgements, downtimes, history (kept apart from
// daemon.cc so each file stays about one thing). Everything here runs on the io_context
// thread, where the check engine lives, except history (a blocking worker reading state.db).
#include <cstdio>
#include <nlohmann/json.hpp>

#include "collector/daemon.h"
#include "collector/storage/alert_codec.h"
#include "collector/web/alert_handlers.h"
#include "collector/web/passive_handlers.h"

namespace gs::collector {
namespace {

using nlohmann::json;

json AckJson(const std::optional<alerts::Ack>& ack) {
  if (!ack) return nullptr;
  return {{"author", ack->author},
          {"comment", ack->comment},
          {"sticky", ack->sticky},
          {"created", alerts::FormatRfc3339(ack->created)},
          {"expires", ack->expires ? json(alerts::FormatRfc3339(*ack->expires)) : json(nullptr)}};
}

json HistoryJson(const std::vector<alerts::HistoryEntry>& entries) {
  json out = json::array();
  for (const alerts::HistoryEntry& e : entries) {
    out.push_back({{"time", alerts::FormatRfc3339(e.time)},
                   {"node", e.node},
                   {"check", e.check},
                   {"event", e.event},
                   {"state", std::string(probes::ToString(e.state))},
                   {"text", e.text}});
  }
  return out;
}

}  // namespace

json Daemon::ProblemsJson() const {
  const auto now = std::chrono::system_clock::now();
  const alerts::AlertEngine& engine = engine_->alert_engine();
  json out = json::array();
  for (const auto& [key, a] : engine.records()) {
    if (!a.hard_problem) continue;
    json notified = json::array();
    for (const auto& [route, rec] : a.routes) {
      if (rec.firing) notified.push_back(route);
    }
    const std::string held = engine.HoldReason(key, now);
    out.push_back({{"node", key.first},
                   {"check", key.second},
                   {"state", std::string(probes::ToString(a.state))},
                   {"output", a.output},
                   {"since", alerts::FormatRfc3339(a.since)},
                   {"tags", *a.facts.tags},
                   {"acknowledged", AckJson(a.ack)},
                   {"in_downtime", engine.InDowntime(key, now)},
                   {"flapping", a.flap.flapping()},
                   {"held", held.empty() ? json(nullptr) : json(held)},
                   {"notified_routes", std::move(notified)}});
  }
  return out;
}

void Daemon::RouteAlertApi() {
  web::AlertApi api;
  api.token = [this] { return api_token_; };
  api.problems = [this] { return ProblemsJson(); };
  api.ground = [this] {
    const alerts::GroundState& g = engine_->alert_engine().ground();
    auto since = [](bool on, auto t) {
      return on ? json(alerts::FormatRfc3339(t)) : json(nullptr);
    };
    return json{{"uplink_lost", g.uplink_lost},
                {"uplink_since", since(g.uplink_lost, g.uplink_since)},
                {"region_unreachable", g.region_unreachable},
                {"region_since", since(g.region_unreachable, g.region_since)}};
  };
  api.acknowledge = [this](const alerts::AlertKey& key, alerts::Ack ack) {
    if (auto ok = engine_->Acknowledge(key, std::move(ack)); !ok) {
      const bool known = engine_->entries().count(key) != 0;
      return web::JsonError(known ? 409 : 404, ok.error().message);
    }
    const auto& records = engine_->alert_engine().records();
    return web::JsonResponse(200, json{{"node", key.first},
                                       {"check", key.second},
                                       {"acknowledged", AckJson(records.at(key).ack)}});
  };
  api.unacknowledge = [this](const alerts::AlertKey& key) {
    if (auto ok = engine_->RemoveAck(key); !ok) return web::JsonError(404, ok.error().message);
    return web::JsonResponse(200, json{{"node", key.first}, {"check", key.second}});
  };
  api.downtimes = [this] {
    json out = json::array();
    const auto now = std::chrono::system_clock::now();
    for (const alerts::Downtime& d : downtimes_) {
      json j = DowntimeToJson(d);
      j["active"] = alerts::ActiveAt(d, now);
      out.push_back(std::move(j));
    }
    return out;
  };
  api.add_downtime = [this](alerts::Downtime d) {
    // One small SQLite write on the io_context: downtimes are rare operator actions.
    if (auto ok = db_->SaveDowntime(d); !ok) return web::JsonError(500, ok.error().message);
    downtimes_.push_back(d);
    engine_->SetDowntimes(downtimes_);
    std::fprintf(stderr, "groundstation: downtime %s added by %s\n", d.id.c_str(),
                 d.author.c_str());
    return web::JsonResponse(201, DowntimeToJson(d));
  };
  api.remove_downtime = [this](const std::string& id) {
    auto removed = db_->RemoveDowntime(id);
    if (!removed) return web::JsonError(500, removed.error().message);
    const auto erased =
        std::erase_if(downtimes_, [&](const alerts::Downtime& d) { return d.id == id; });
    if (!*removed && erased == 0) return web::JsonError(404, "no downtime " + id);
    engine_->SetDowntimes(downtimes_);
    return web::JsonResponse(200, json{{"id", id}, {"removed", true}});
  };
  api.history = [this](const std::string& node, const std::string& check, std::size_t limit) {
    auto entries = db_->LoadHistory(node, check, limit);
    if (!entries) return web::JsonError(500, entries.error().message);
    return web::JsonResponse(200, json{{"history", HistoryJson(*entries)}});
  };
  http_->Route("GET", "/api/v1/problems",
               [api](const web::Request& r) { return web::ProblemsGet(api, r); });
  http_->Route("POST", "/api/v1/acknowledgements",
               [api](const web::Request& r) { return web::AcknowledgementPost(api, r); });
  http_->Route("DELETE", "/api/v1/acknowledgements",
               [api](const web::Request& r) { return web::AcknowledgementDelete(api, r); });
  http_->Route("GET", "/api/v1/downtimes",
               [api](const web::Request& r) { return web::DowntimesGet(api, r); });
  http_->Route("POST", "/api/v1/downtimes",
               [api](const web::Request& r) { return web::DowntimePost(api, r); });
  http_->RoutePrefix("DELETE", "/api/v1/downtimes/",
                     [api](const web::Request& r) { return web::DowntimeDelete(api, r); });
  http_->RouteBlocking("GET", "/api/v1/history",
                       [api](const web::Request& r) { return web::HistoryGet(api, r); });
}

}  // namespace gs::collector
