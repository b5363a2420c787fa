// The node page (/nodes/<node>: the node's tags and every check with its graphs) and the check
// page (/nodes/<node>/<check>: state, output, perfdata, day/week/month/year graphs, alert
// history). Pure functions of their arguments (no I/O, no clock reads); safe from any thread.
// Every value is escaped; graph images are <img> links to /graph/... of the same server.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dashboards/status_page.h"

namespace gs::dashboards {

// One perfdata value of a check's latest result.
struct MetricView {
  std::string label;
  double value = 0;
  std::string uom;
  std::string warn;  // Nagios ranges as the plugin printed them
  std::string crit;
};

// One result of the check's recent runs.
struct RecentResult {
  std::chrono::system_clock::time_point time;
  std::string state;
  std::string output;
  double seconds = 0;  // how long the run took
};

struct CheckView {
  StatusRow status;
  std::string kind;
  std::string long_text;
  std::vector<MetricView> metrics;
  std::vector<RecentResult> recent;  // newest first
};

struct NodeView {
  std::string name;
  std::string address;    // "" when the node is not in the inventory
  std::string source;     // the inventory source that lists it
  std::string lifecycle;  // "running", "stopped", ...
  std::map<std::string, std::string, std::less<>> tags;
  std::vector<CheckView> checks;  // in check name order
};

// One line of a check's alert history, newest first.
struct HistoryLine {
  std::chrono::system_clock::time_point time;
  std::string event;  // "problem", "recovery", "notified", ...
  std::string state;
  std::string text;
};

// The line a threshold range draws on a graph: its bound ("10" -> 10, "10:" -> 10,
// "~:10" -> 10, "5:10" -> 10); nullopt for "" and for "@" ranges (alert inside).
std::optional<double> ThresholdLine(std::string_view range);

// The image link of a metric's graph over `period`, with the lines of its warning and
// critical ranges: /graph/<node>/<check>/<metric>.png?period=...&width=...&height=...&warn=
// &crit= on the daemon, the image file in a static site.
std::string GraphUrl(std::string_view node, std::string_view check, const MetricView& metric,
                     std::string_view period, int width, int height,
                     const Links& links = Links::Server());

std::string RenderNodePage(const NodeView& node, std::chrono::system_clock::time_point now,
                           const Links& links = Links::Server());

// The check page: a graph per metric and period of `periods` (day, week, month, year by
// default). The recent results are listed when there are some, or on a live page (which then
// says none arrived yet). REQUIRES: `check` is one of node.checks.
std::string RenderCheckPage(
    const NodeView& node, const CheckView& check, const std::vector<HistoryLine>& history,
    std::chrono::system_clock::time_point now, const Links& links = Links::Server(),
    const std::vector<std::string>& periods = {"day", "week", "month", "year"});

}  // namespace gs::dashboards
