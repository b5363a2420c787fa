// Dashboards: named pages of graphs, each graph defined by a node selector and check and
// metric patterns ("every node with role=web, metric time_total, overlaid, with the 0.5 s and
// 2 s lines"). The definitions are YAML files (dashboards/*.yaml shipped with groundstation,
// more in the config's dashboards.dir), read by the config loader; this header holds what
// they become and the pure functions that draw pages and graph specs from them. Adding a
// dashboard needs no code. Safe from any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dashboards/graph.h"
#include "dashboards/links.h"
#include "probes/target.h"

namespace gs::dashboards {

struct DashboardGraph {
  std::string title;
  std::optional<probes::Selector> select;  // unset: every node with data, inventory or not
  // Check names and perfdata labels, each a name or a glob (* ? [...]: "log:*"); a name is
  // taken when it matches one pattern and none of the "!"-prefixed ones.
  std::vector<std::string> check = {"*"};
  std::vector<std::string> metric = {"*"};
  std::string unit;                        // the vertical axis label
  bool stacked = false;                    // areas stacked instead of overlaid lines
  bool trend = false;                      // least-squares trend lines, projected past now
  std::vector<GraphThreshold> thresholds;  // warn: and crit: lines
  std::optional<double> min, max;          // fixed axis limits
  std::string period = "day";              // hour, day, week, month, year
  int limit = 30;                          // at most this many series (lines) per graph
};

struct Dashboard {
  std::string name;   // the file's stem: /dashboards/<name>
  std::string title;  // default: the name
  std::string description;
  std::string source;  // the file it was read from
  std::vector<DashboardGraph> graphs;
};

// The span of a period name in seconds: hour, day, week, month (31 d), year (366 d); nullopt
// for anything else.
std::optional<long> PeriodSeconds(std::string_view period);

// "role=web, env!=dev" for a caption; "every node" for none.
std::string DescribeSelector(const std::optional<probes::Selector>& select);

// The list at /dashboards: each dashboard's title (linked), description and graph count.
std::string RenderDashboardList(const std::vector<Dashboard>& dashboards,
                                std::chrono::system_clock::time_point now,
                                const Links& links = Links::Server());

// One dashboard: its description, links to other periods (live pages only) and every graph
// as an image over `period` ("" : each graph's own period), captioned with what it selects.
std::string RenderDashboardPage(const Dashboard& dashboard, std::string_view period,
                                std::chrono::system_clock::time_point now,
                                const Links& links = Links::Server());

// One line of a dashboard graph: a file found for it, with its legend.
struct FoundSeries {
  std::string file;
  std::string legend;
};

// What draws `graph` from `series` (title, lines or stack, thresholds, trend, axis limits),
// `omitted` more series left out (said in the title). The caller sets the times, the canvas
// and the format.
GraphSpec DashboardGraphSpec(const DashboardGraph& graph, std::vector<FoundSeries> series,
                             std::size_t omitted);

// True when `text` matches one of `patterns` (globs as fnmatch without flags: * ? [...]) and
// none of those starting with "!".
bool MatchesPatterns(const std::vector<std::string>& patterns, const std::string& text);

// True when `patterns` is one plain name (no glob, no negation): a graph of many nodes then
// needs only the node in each legend.
bool IsSingleName(const std::vector<std::string>& patterns);

}  // namespace gs::dashboards
