// The overview served at "/": counts per state, the problems, then every check in a node x
// check grid.
// Pure functions of their arguments (no I/O, no clock reads, no globals); safe from any thread.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "dashboards/html.h"

namespace gs::dashboards {

// One check on one node as the status page shows it.
struct StatusRow {
  std::string node;
  std::string check;
  std::string state;       // "OK", "WARNING", "CRITICAL", "UNKNOWN" (anything else: "other")
  std::string state_type;  // "SOFT" or "HARD"
  int attempt = 1;
  int max_attempts = 1;
  std::string output;                                 // plugin output, shown verbatim (escaped)
  std::chrono::system_clock::time_point last_check;   // epoch = never checked
  std::chrono::system_clock::time_point last_change;  // epoch = never changed
  bool acknowledged = false;                          // an operator acknowledged the problem
  bool in_downtime = false;                           // a downtime covers it now
  bool flapping = false;
};

// A complete, self-contained HTML5 page (inline CSS, no external assets, no scripts, refreshes
// every 30 s): counts per state; the problems (every check not OK) ordered CRITICAL, UNKNOWN,
// WARNING, other, within a state by node then check, with acknowledgement, downtime and
// flapping markers; then the grid: one row per node, one column per check name, each cell the
// state, its markers and the age of the last result, linking to the check page. Every value
// from `rows` and `title` is escaped; node names link to their node page, cells to the check
// page (`links`: the daemon's URLs or a static site's files). A live page's footer links
// /api/v1/status and /metrics.
std::string RenderStatusPage(const std::vector<StatusRow>& rows,
                             std::chrono::system_clock::time_point now, std::string_view title,
                             const Links& links = Links::Server());

}  // namespace gs::dashboards
