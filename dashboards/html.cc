#include "dashboards/html.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>

namespace gs::dashboards {
namespace {

using Clock = std::chrono::system_clock;

constexpr std::string_view kStyle = R"css(
:root{--crit:#d64545;--unkn:#9b59b6;--warn:#e6a100;--ok:#2e9e5b;--other:#7f8c8d;
--bg:#f4f6f8;--fg:#1f2933;--muted:#697586;--line:#e3e8ee}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
background:var(--bg);color:var(--fg)}
header{background:#17202a;color:#fff;padding:14px 24px;display:flex;align-items:baseline;gap:16px;
flex-wrap:wrap}
header h1{margin:0;font-size:20px;font-weight:600}
header nav a{color:#cfd8e3;margin-right:12px}
header .now{color:#aab4bf;font-size:12px;margin-left:auto}
main{padding:20px 24px;max-width:1400px;margin:0 auto}
h2{font-size:16px;margin:22px 0 10px}
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
.tags span{display:inline-block;background:#e8edf3;border-radius:4px;padding:1px 6px;margin:0 4px 4px 0;
font-size:12px}
.graphs{display:flex;flex-wrap:wrap;gap:12px}
.graphs figure{margin:0;background:#fff;border-radius:8px;padding:8px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
.graphs figcaption{font-size:12px;color:var(--muted)}
.graphs img{display:block;max-width:100%;height:auto}
form.search{display:flex;flex-wrap:wrap;gap:8px 14px;align-items:flex-end;margin-bottom:14px}
form.search label{display:flex;flex-direction:column;font-size:12px;color:var(--muted)}
form.search input{font:inherit;padding:4px 8px;border:1px solid var(--line);border-radius:4px;
min-width:140px}
button{font:inherit;font-size:12px;padding:3px 10px;border:1px solid #c4ccd6;border-radius:4px;
background:#fff;cursor:pointer}button:hover{background:#eef1f4}
.error{color:var(--crit);font-weight:600}
.mark{display:inline-block;background:#e8edf3;color:var(--muted);border-radius:4px;padding:0 5px;
font-size:11px;font-weight:600}
.grid{overflow-x:auto}
td.cell{text-align:center;white-space:nowrap;font-size:12px;font-weight:600;color:#fff;
border-left:2px solid #fff}
td.cell a{color:#fff}td.cell .age{font-weight:400;opacity:.85;font-size:11px}
td.cell .mark{background:rgba(255,255,255,.3);color:#fff}
td.cell.crit{background:var(--crit)}td.cell.unkn{background:var(--unkn)}
td.cell.warn{background:var(--warn)}td.cell.ok{background:var(--ok)}
td.cell.other{background:var(--other)}td.cell.none{background:var(--bg)}
a{color:#1f6feb;text-decoration:none}a:hover{text-decoration:underline}
footer{color:var(--muted);font-size:12px;padding:16px 24px;text-align:center}
)css";

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

std::string UrlSegment(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out += {'%', kHex[u >> 4], kHex[u & 0x0f]};
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

std::string UtcTimestamp(Clock::time_point t) {
  const std::time_t seconds = Clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  std::array<char, 32> buffer{};
  const std::size_t n = std::strftime(buffer.data(), buffer.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buffer.data(), n);
}

std::string TimeCell(Clock::time_point t, Clock::time_point now) {
  if (t == Clock::time_point{}) return "<td class=\"time\">never</td>";
  const std::string exact = UtcTimestamp(t);
  return "<td class=\"time\"><time datetime=\"" + exact + "\" title=\"" + exact + "\">" +
         RelativeTime(t, now) + "</time></td>";
}

std::size_t StateRank(std::string_view state) {
  const auto it = std::find(kStateOrder.begin(), kStateOrder.end(), state);
  return static_cast<std::size_t>(it - kStateOrder.begin());
}

std::string_view StateClass(std::size_t rank) {
  constexpr std::array<std::string_view, 5> kClasses = {"crit", "unkn", "warn", "ok", "other"};
  return kClasses[std::min(rank, kClasses.size() - 1)];
}

std::string StateBadge(std::string_view state) {
  return "<span class=\"badge " + std::string(StateClass(StateRank(state))) + "\">" +
         HtmlEscape(state) + "</span>";
}

void AppendPageHead(std::string& out, std::string_view title, Clock::time_point now,
                    int refresh_seconds, const Links& links) {
  const std::string escaped = HtmlEscape(title);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  if (refresh_seconds > 0 && links.live()) {
    out += "<meta http-equiv=\"refresh\" content=\"" + std::to_string(refresh_seconds) + "\">\n";
  }
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + escaped + "</title>\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n<header><h1>" + escaped + "</h1><nav><a href=\"" +
         HtmlEscape(links.Home()) + "\">Overview</a><a href=\"" + HtmlEscape(links.Dashboards()) +
         "\">Dashboards</a>";
  if (links.live()) out += "<a href=\"/alerts\">Alerts</a><a href=\"/logs\">Logs</a>";
  out += "</nav><span class=\"now\">as of " + UtcTimestamp(now) + "</span></header>\n<main>\n";
}

void AppendPageTail(std::string& out, const Links& links) {
  if (links.live()) {
    out +=
        "</main>\n<footer>groundstation &middot; <a href=\"/api/v1/status\">/api/v1/status</a>"
        " (JSON) &middot; <a href=\"/metrics\">/metrics</a></footer>\n</body>\n</html>\n";
  } else {
    out +=
        "</main>\n<footer>groundstation &middot; a static snapshot written by groundstation "
        "render</footer>\n</body>\n</html>\n";
  }
}

}  // namespace gs::dashboards
