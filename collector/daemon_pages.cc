// The Daemon's HTML pages besides "/": /nodes/<node>, /nodes/<node>/<check>, /alerts and the
// dashboards. The node and dashboard pages run on the HTTP server's pool (the check page reads
// its history from state.db, dashboard graphs list the RRD tree and wait for the renderer);
// what the engine, the inventory and the config hold is copied on the io_context thread,
// where they live.
#include <algorithm>
#include <charconv>
#include <future>
#include <system_error>
#include <tuple>

#include "collector/daemon.h"
#include "collector/storage/alert_codec.h"
#include "collector/web/dashboard_handler.h"
#include "collector/web/passive_handlers.h"
#include "dashboards/alerts_page.h"
#include "dashboards/node_page.h"

namespace gs::collector {
namespace {

constexpr auto kSnapshotWait = std::chrono::seconds(5);
constexpr std::size_t kHistoryLines = 50;

dashboards::CheckView CheckViewOf(const CheckEngine& engine, const JobKey& key,
                                  const CheckEngine::Entry& entry) {
  dashboards::CheckView v;
  v.status = web::StatusRowOf(engine, key, std::chrono::system_clock::now());
  v.kind = entry.kind;
  for (const probes::Perfdata& p : entry.perfdata) {
    v.metrics.push_back({p.label, p.value, p.uom, p.warn, p.crit});
  }
  for (const CheckEngine::Recent& r : entry.RecentNewestFirst()) {
    v.recent.push_back({r.started, std::string(probes::ToString(r.state)), r.text,
                        std::chrono::duration<double>(r.duration).count()});
  }
  return v;
}

web::Response Html(std::string body) {
  return web::Response{200, "text/html; charset=utf-8", std::move(body), {}};
}

// What f() returns, run on the io_context thread; nullopt when it does not answer in time
// (stopping).
template <typename F>
auto OnIo(boost::asio::io_context& io, F f) -> std::optional<decltype(f())> {
  using T = decltype(f());
  auto promise = std::make_shared<std::promise<T>>();
  auto future = promise->get_future();
  boost::asio::post(io, [f = std::move(f), promise] { promise->set_value(f()); });
  if (future.wait_for(kSnapshotWait) != std::future_status::ready) return std::nullopt;
  return future.get();
}

web::Response Busy() { return web::JsonError(503, "the daemon is busy or stopping, retry"); }

// A dashboard and, for one of its graphs, the inventory nodes its selector picks.
struct DashboardSnapshot {
  std::optional<dashboards::Dashboard> dashboard;
  std::optional<std::vector<std::string>> nodes;  // nullopt: no selector (every node)
};

}  // namespace

std::optional<dashboards::NodeView> Daemon::NodeViewOf(const std::string& name) const {
  dashboards::NodeView v;
  v.name = name;
  const auto node = inventory_.nodes().find(name);
  if (node != inventory_.nodes().end()) {
    v.address = node->second.node->address;
    v.source = node->second.source;
    v.lifecycle = std::string(inventory::LifecycleName(node->second.node->lifecycle));
    v.tags.insert(node->second.node->tags.begin(), node->second.node->tags.end());
  }
  const auto& entries = engine_->entries();
  for (auto it = entries.lower_bound(JobKey{name, ""});
       it != entries.end() && it->first.first == name; ++it) {
    v.checks.push_back(CheckViewOf(*engine_, it->first, it->second));
  }
  if (node == inventory_.nodes().end() && v.checks.empty()) return std::nullopt;
  return v;
}

// The node's view, copied on the io_context thread; nullopt (404) for an unknown node. An
// io_context that does not answer in time (stopping) gives 503.
web::Response Daemon::NodePage(const web::Request& request) {
  const std::string rest = request.path.substr(std::string_view("/nodes/").size());
  const std::size_t slash = rest.find('/');
  const std::string name = rest.substr(0, slash);
  const std::string check = slash == std::string::npos ? "" : rest.substr(slash + 1);
  if (name.empty() || check.find('/') != std::string::npos) {
    return web::JsonError(404, "pages are at /nodes/<node> and /nodes/<node>/<check>");
  }
  const auto snapshot = OnIo(io_, [this, name] { return NodeViewOf(name); });
  if (!snapshot) return Busy();
  const std::optional<dashboards::NodeView>& node = *snapshot;
  if (!node) return web::JsonError(404, "no node " + name);
  const auto now = std::chrono::system_clock::now();
  if (check.empty()) return Html(dashboards::RenderNodePage(*node, now));
  const auto c =
      std::find_if(node->checks.begin(), node->checks.end(),
                   [&](const dashboards::CheckView& v) { return v.status.check == check; });
  if (c == node->checks.end()) return web::JsonError(404, "no check " + check + " on " + name);
  std::vector<dashboards::HistoryLine> history;
  if (auto entries = db_->LoadHistory(name, check, kHistoryLines); entries) {
    for (const alerts::HistoryEntry& h : *entries) {
      history.push_back({h.time, h.event, std::string(probes::ToString(h.state)), h.text});
    }
  }
  return Html(dashboards::RenderCheckPage(*node, *c, history, now));
}

// GET /alerts, on the io_context thread (where the engine and the downtimes live).
web::Response Daemon::AlertsPage() const {
  const auto now = std::chrono::system_clock::now();
  const alerts::AlertEngine& engine = engine_->alert_engine();
  std::vector<dashboards::ProblemView> problems;
  for (const auto& [key, a] : engine.records()) {
    if (!a.hard_problem) continue;
    dashboards::ProblemView p;
    p.node = key.first;
    p.check = key.second;
    p.state = std::string(probes::ToString(a.state));
    p.output = a.output;
    p.since = a.since;
    p.acknowledged = a.ack.has_value();
    if (a.ack) {
      p.ack_author = a.ack->author;
      p.ack_comment = a.ack->comment;
    }
    p.in_downtime = engine.InDowntime(key, now);
    p.flapping = a.flap.flapping();
    p.held = engine.HoldReason(key, now);
    problems.push_back(std::move(p));
  }
  // Worst first, then the longest-standing.
  std::stable_sort(problems.begin(), problems.end(), [](const auto& x, const auto& y) {
    return std::forward_as_tuple(dashboards::StateRank(x.state), x.since) <
           std::forward_as_tuple(dashboards::StateRank(y.state), y.since);
  });
  std::vector<dashboards::DowntimeView> downtimes;
  for (const alerts::Downtime& d : downtimes_) {
    downtimes.push_back(
        {d.id,
         SelectorToJson(d.match).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
         d.start, d.end, d.author, d.comment, d.every.has_value(), alerts::ActiveAt(d, now)});
  }
  return Html(dashboards::RenderAlertsPage(problems, downtimes, now));
}

web::Response Daemon::DashboardList() const {
  return Html(
      dashboards::RenderDashboardList(config_->dashboards.list, std::chrono::system_clock::now()));
}

// /dashboards/<name>?period= (the page) and /dashboards/<name>/<index>.png|svg (a graph).
web::Response Daemon::DashboardRequest(const web::GraphApi& graphs, const web::Request& request) {
  const std::string rest = request.path.substr(std::string_view("/dashboards/").size());
  const std::size_t slash = rest.find('/');
  const std::string name = rest.substr(0, slash);
  const std::string file = slash == std::string::npos ? "" : rest.substr(slash + 1);
  std::optional<std::size_t> index;
  std::string ext;
  if (slash != std::string::npos) {
    const std::size_t dot = file.find('.');
    std::size_t i = 0;
    const char* digits_end = file.data() + (dot == std::string::npos ? 0 : dot);
    const auto [end, ec] = std::from_chars(file.data(), digits_end, i);
    if (dot == std::string::npos || dot == 0 || ec != std::errc() || end != digits_end) {
      return web::JsonError(404, "dashboard graphs are at /dashboards/<name>/<index>.png or .svg");
    }
    index = i;
    ext = file.substr(dot + 1);
  }
  const auto snapshot = OnIo(io_, [this, name, index] {
    DashboardSnapshot s;
    const auto& list = config_->dashboards.list;
    const auto it = std::find_if(list.begin(), list.end(),
                                 [&](const dashboards::Dashboard& d) { return d.name == name; });
    if (it == list.end()) return s;
    s.dashboard = *it;
    if (index && *index < it->graphs.size() && it->graphs[*index].select) {
      const probes::Selector& select = *it->graphs[*index].select;
      s.nodes.emplace();
      for (const auto& [node_name, entry] : inventory_.nodes()) {
        if (select.Matches(entry.node->tags)) s.nodes->push_back(node_name);
      }
    }
    return s;
  });
  if (!snapshot) return Busy();
  if (!snapshot->dashboard) return web::JsonError(404, "no dashboard " + name);
  const dashboards::Dashboard& dashboard = *snapshot->dashboard;
  if (!index) {
    std::string period;
    if (const auto p = request.query_params.find("period"); p != request.query_params.end()) {
      if (!dashboards::PeriodSeconds(p->second)) {
        return web::JsonError(400, "period must be hour, day, week, month or year");
      }
      period = p->second;
    }
    return Html(
        dashboards::RenderDashboardPage(dashboard, period, std::chrono::system_clock::now()));
  }
  if (*index >= dashboard.graphs.size()) {
    return web::JsonError(
        404, "dashboard " + name + " has " + std::to_string(dashboard.graphs.size()) + " graphs");
  }
  // The legends name what the checks printed ("/" rather than the stored "_").
  const web::NameLookup names = [this](const std::vector<web::SeriesNames>& stored) {
    auto found = OnIo(io_, [this, stored] {
      std::vector<std::optional<web::SeriesNames>> out;
      const auto& entries = engine_->entries();
      for (const web::SeriesNames& s : stored) {
        std::optional<web::SeriesNames> n;
        for (auto it = entries.lower_bound(JobKey{s.node, ""});
             !n && it != entries.end() && it->first.first == s.node; ++it) {
          n = web::OriginalNames(s, it->first.first, it->first.second, it->second.perfdata);
        }
        out.push_back(std::move(n));
      }
      return out;
    });
    return found ? std::move(*found) : std::vector<std::optional<web::SeriesNames>>(stored.size());
  };
  return web::DashboardImage(graphs, dashboard.graphs[*index], snapshot->nodes, request, ext,
                             names);
}

}  // namespace gs::collector
