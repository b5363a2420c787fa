// The files behind a dashboard graph, and its image: GET /dashboards/<name>/<index>.png|svg.
// The query is that of /graph/ (graph_handler.h); period= and trend= default to the graph's
// own. Runs on the HTTP server's pool (it lists directories and waits for the renderer);
// thread-safe.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "collector/web/graph_handler.h"
#include "dashboards/dashboard.h"
#include "probes/perfdata.h"

namespace gs::collector::web {

// The names of one series: as the store keeps them (sanitised directory and file names), or
// as the check printed them.
struct SeriesNames {
  std::string node, check, metric;
};

struct SeriesFound {
  std::vector<dashboards::FoundSeries> series;  // legends from the stored names
  std::vector<SeriesNames> stored;              // the stored names of each series
  std::size_t omitted = 0;                      // matching files past graph.limit
};

// The files rrd_root/<node>/<check>/<metric>.rrd a dashboard graph draws: for the node names
// in `nodes` (nullopt: every node directory, so syslog hosts outside the inventory too),
// every check and metric matching the graph's patterns as the RRD writer names them. At most
// graph.limit, in node, check, metric order; each legend is the node, with the check and
// metric when the graph's patterns may match several.
SeriesFound FindSeries(const dashboards::DashboardGraph& graph,
                       const std::optional<std::vector<std::string>>& nodes,
                       const std::filesystem::path& rrd_root);

// The names a stored series stands for when it is (`node`, `check`) with one of `perfdata`'s
// labels: the check's and the label's sanitised forms must be the stored ones ("/" for the
// stored "_"). nullopt otherwise.
std::optional<SeriesNames> OriginalNames(const SeriesNames& stored, const std::string& node,
                                         const std::string& check,
                                         const std::vector<probes::Perfdata>& perfdata);

// For each stored series, the names it stands for where known (nullopt: show the stored ones).
using NameLookup =
    std::function<std::vector<std::optional<SeriesNames>>(const std::vector<SeriesNames>&)>;

// Legends from the original names (`originals` parallel to found.stored), as FindSeries
// makes them.
void Relabel(const dashboards::DashboardGraph& graph, SeriesFound& found,
             const std::vector<std::optional<SeriesNames>>& originals);

// The image of `graph` for `request` (format from `ext`: "png" or "svg"): 200, 400 for a
// bad parameter, 503/500 as GraphImage. With no file matching, the graph is drawn empty, with
// a line saying so (not a broken image on the page). `names`, when set, gives the legends the
// names the checks printed.
Response DashboardImage(const GraphApi& api, const dashboards::DashboardGraph& graph,
                        const std::optional<std::vector<std::string>>& nodes,
                        const Request& request, const std::string& ext,
                        const NameLookup& names = nullptr);

}  // namespace gs::collector::web
