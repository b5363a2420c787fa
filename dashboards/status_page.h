// The HTML status page served at "/": every check's current state, problems first.
// Pure functions of their arguments (no I/O, no clock reads, no globals); safe from any thread.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

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
};

// Escapes & < > " ' so any text is safe in HTML content and quoted attribute values.
std::string HtmlEscape(std::string_view text);

// "just now", "42 s ago", "5 min ago", "3 h ago", "12 d ago"; "never" for the epoch.
// A time in the future (clock skew) reads "just now".
std::string RelativeTime(std::chrono::system_clock::time_point then,
                         std::chrono::system_clock::time_point now);

// A complete, self-contained HTML5 page (inline CSS, no external assets, refreshes every
// 30 s): counts per state, then one table row per check ordered CRITICAL, UNKNOWN, WARNING,
// OK, other; within a state by node, then check. Every value from `rows` and `title` is
// escaped; node names link to /nodes/<percent-encoded name>. The footer links /api/v1/status
// and /metrics.
std::string RenderStatusPage(const std::vector<StatusRow>& rows,
                             std::chrono::system_clock::time_point now, std::string_view title);

}  // namespace gs::dashboards
