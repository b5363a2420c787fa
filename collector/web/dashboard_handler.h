// The files behind a dashboard graph, and its image: GET /dashboards/<name>/<index>.png|svg.
// The query is that of /graph/ (graph_handler.h); period= and trend= default to the graph's
// own. Runs on the HTTP server's pool (it lists directories and waits for the renderer);
// thread-safe.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "collector/web/graph_handler.h"
#include "dashboards/dashboard.h"

namespace gs::collector::web {

struct SeriesFound {
  std::vector<dashboards::FoundSeries> series;
  std::size_t omitted = 0;  // matching files past graph.limit
};

// The files rrd_root/<node>/<check>/<metric>.rrd a dashboard graph draws: for the node names
// in `nodes` (nullopt: every node directory, so syslog hosts outside the inventory too),
// every check and metric matching the graph's patterns as the RRD writer names them. At most
// graph.limit, in node, check, metric order; each legend is the node, with the check and
// metric when the graph's patterns may match several.
SeriesFound FindSeries(const dashboards::DashboardGraph& graph,
                       const std::optional<std::vector<std::string>>& nodes,
                       const std::filesystem::path& rrd_root);

// The image of `graph` for `request` (format from `ext`: "png" or "svg"): 200, 400 for a
// bad parameter, 503/500 as GraphImage. With no file matching, the graph is drawn empty, with
// a line saying so (not a broken image on the page).
Response DashboardImage(const GraphApi& api, const dashboards::DashboardGraph& graph,
                        const std::optional<std::vector<std::string>>& nodes,
                        const Request& request, const std::string& ext);

}  // namespace gs::collector::web
