#include "dashboards/status_page.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>
#include <tuple>

namespace gs::dashboards {
namespace {

using Clock = std::chrono::system_clock;

// Display order of states; the index is also the sort rank.
constexpr std::array<std::string_view, 4> kStates = {"CRITICAL", "UNKNOWN", "WARNING", "OK"};

std::size_t Rank(std::string_view state) {
  const auto it = std::find(kStates.begin(), kStates.end(), state);
  return static_cast<std::size_t>(it - kStates.begin());  // kStates.size() for anything else
}

// A fixed CSS class: never derived from the (untrusted) state text itself.
std::string_view CssClass(std::size_t rank) {
  constexpr std::array<std::string_view, 5> kClasses = {"crit", "unkn", "warn", "ok", "other"};
  return kClasses[std::min(rank, kClasses.size() - 1)];
}

std::string PercentEncode(std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : in) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out += {'%', kHex[u >> 4], kHex[u & 0x0f]};
    }
  }
  return out;
}

std::string UtcTimestamp(Clock::time_point t) {
  const std::time_t seconds = Clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  std::array<char, 32> buffer{};
  const std::size_t n = std::strftime(buffer.data(), buffer.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buffer.data(), n);
}

// <time> element: relative text, exact UTC time as a tooltip.
std::string TimeCell(Clock::time_point t, Clock::time_point now) {
  if (t == Clock::time_point{}) return "<td class=\"time\">never</td>";
  const std::string exact = UtcTimestamp(t);
  return "<td class=\"time\"><time datetime=\"" + exact + "\" title=\"" + exact + "\">" +
         RelativeTime(t, now) + "</time></td>";
}

constexpr std::string_view kStyle = R"css(
:root{--crit:#d64545;--unkn:#9b59b6;--warn:#e6a100;--ok:#2e9e5b;--other:#7f8c8d;
--bg:#f4f6f8;--fg:#1f2933;--muted:#697586;--line:#e3e8ee}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
background:var(--bg);color:var(--fg)}
header{background:#17202a;color:#fff;padding:14px 24px;display:flex;align-items:baseline;gap:16px}
header h1{margin:0;font-size:20px;font-weight:600}
header .now{color:#aab4bf;font-size:12px}
main{padding:20px 24px;max-width:1400px;margin:0 auto}
.summary{display:flex;gap:12px;flex-wrap:wrap;margin-bottom:18px}
.card{background:#fff;border-radius:8px;padding:10px 18px;min-width:120px;
border-left:6px solid var(--other);box-shadow:0 1px 2px rgba(0,0,0,.06)}
.card .n{font-size:26px;font-weight:700}.card .l{color:var(--muted);font-size:12px}
.card.crit{border-color:var(--crit)}.card.unkn{border-color:var(--unkn)}
.card.warn{border-color:var(--warn)}.card.ok{border-color:var(--ok)}
table{width:100%;border-collapse:collapse;background:#fff;border-radius:8px;overflow:hidden;
box-shadow:0 1px 2px rgba(0,0,0,.06)}
th,td{padding:8px 12px;text-align:left;vertical-align:top;border-bottom:1px solid var(--line)}
th{background:#eef1f4;font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
tr.crit td:first-child{box-shadow:inset 4px 0 var(--crit)}
tr.unkn td:first-child{box-shadow:inset 4px 0 var(--unkn)}
tr.warn td:first-child{box-shadow:inset 4px 0 var(--warn)}
.badge{display:inline-block;padding:2px 8px;border-radius:10px;color:#fff;font-size:12px;
font-weight:600;background:var(--other)}
.badge.crit{background:var(--crit)}.badge.unkn{background:var(--unkn)}
.badge.warn{background:var(--warn)}.badge.ok{background:var(--ok)}
.soft{color:var(--muted);font-size:12px}.time{white-space:nowrap;color:var(--muted)}
.output{white-space:pre-wrap;overflow-wrap:anywhere;font-family:ui-monospace,monospace;font-size:12px}
a{color:#1f6feb;text-decoration:none}a:hover{text-decoration:underline}
footer{color:var(--muted);font-size:12px;padding:16px 24px;text-align:center}
)css";

void AppendHead(std::string& out, std::string_view title, Clock::time_point now) {
  const std::string escaped = HtmlEscape(title);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta http-equiv=\"refresh\" content=\"30\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + escaped + "</title>\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n<header><h1>" + escaped + "</h1><span class=\"now\">as of " +
         UtcTimestamp(now) + "</span></header>\n<main>\n";
}

void AppendSummary(std::string& out, const std::vector<const StatusRow*>& rows) {
  std::array<std::size_t, kStates.size() + 1> counts{};
  for (const StatusRow* row : rows) ++counts[Rank(row->state)];
  out += "<section class=\"summary\">\n";
  for (std::size_t rank = 0; rank < counts.size(); ++rank) {
    if (rank == kStates.size() && counts[rank] == 0) continue;  // "other" only when present
    const std::string_view label = rank < kStates.size() ? kStates[rank] : "OTHER";
    out += "<div class=\"card " + std::string(CssClass(rank)) + "\"><div class=\"n\">" +
           std::to_string(counts[rank]) + "</div><div class=\"l\">" + std::string(label) +
           "</div></div>\n";
  }
  out += "<div class=\"card\"><div class=\"n\">" + std::to_string(rows.size()) +
         "</div><div class=\"l\">TOTAL</div></div>\n</section>\n";
}

void AppendRow(std::string& out, const StatusRow& row, Clock::time_point now) {
  const std::string_view css = CssClass(Rank(row.state));
  out += "<tr class=\"" + std::string(css) + "\">";
  out += "<td><a href=\"/nodes/" + PercentEncode(row.node) + "\">" + HtmlEscape(row.node) +
         "</a></td>";
  out += "<td>" + HtmlEscape(row.check) + "</td>";
  out += "<td><span class=\"badge " + std::string(css) + "\">" + HtmlEscape(row.state) + "</span>";
  if (row.state_type == "SOFT") {
    out += " <span class=\"soft\">SOFT " + std::to_string(row.attempt) + "/" +
           std::to_string(row.max_attempts) + "</span>";
  }
  out += "</td><td class=\"output\">" + HtmlEscape(row.output) + "</td>";
  out += TimeCell(row.last_change, now) + TimeCell(row.last_check, now) + "</tr>\n";
}

void AppendTable(std::string& out, const std::vector<const StatusRow*>& rows,
                 Clock::time_point now) {
  out +=
      "<table>\n<thead><tr><th>Node</th><th>Check</th><th>State</th><th>Output</th>"
      "<th>Last change</th><th>Last check</th></tr></thead>\n<tbody>\n";
  for (const StatusRow* row : rows) AppendRow(out, *row, now);
  if (rows.empty()) out += "<tr><td colspan=\"6\">No checks yet.</td></tr>\n";
  out += "</tbody>\n</table>\n";
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string RelativeTime(Clock::time_point then, Clock::time_point now) {
  using std::chrono::duration_cast;
  if (then == Clock::time_point{}) return "never";
  const auto seconds = duration_cast<std::chrono::seconds>(now - then).count();
  if (seconds < 5) return "just now";
  if (seconds < 60) return std::to_string(seconds) + " s ago";
  if (seconds < 3600) return std::to_string(seconds / 60) + " min ago";
  if (seconds < 48 * 3600) return std::to_string(seconds / 3600) + " h ago";
  return std::to_string(seconds / 86400) + " d ago";
}

std::string RenderStatusPage(const std::vector<StatusRow>& rows, Clock::time_point now,
                             std::string_view title) {
  std::vector<const StatusRow*> sorted;
  sorted.reserve(rows.size());
  for (const StatusRow& row : rows) sorted.push_back(&row);
  std::stable_sort(sorted.begin(), sorted.end(), [](const StatusRow* a, const StatusRow* b) {
    return std::forward_as_tuple(Rank(a->state), a->node, a->check) <
           std::forward_as_tuple(Rank(b->state), b->node, b->check);
  });
  std::string out;
  out.reserve(8192 + rows.size() * 512);
  AppendHead(out, title, now);
  AppendSummary(out, sorted);
  AppendTable(out, sorted, now);
  out +=
      "</main>\n<footer>groundstation &middot; <a href=\"/api/v1/status\">/api/v1/status</a>"
      " (JSON) &middot; <a href=\"/metrics\">/metrics</a> &middot; refreshes every 30 s"
      "</footer>\n</body>\n</html>\n";
  return out;
}

}  // namespace gs::dashboards
