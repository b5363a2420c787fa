#include "dashboards/logs_page.h"

#include <array>
#include <utility>

#include "dashboards/html.h"

namespace gs::dashboards {
namespace {

using Clock = std::chrono::system_clock;

// The form's fields: (name, label, placeholder).
constexpr std::array<std::array<std::string_view, 3>, 7> kFields = {{
    {"q", "Pattern", "PCRE2, e.g. error|fail"},
    {"host", "Host", "any"},
    {"node", "Node", "any"},
    {"app", "App", "any"},
    {"severity", "Severity at least", "e.g. warning"},
    {"since", "Since", "e.g. 1h or 2026-11-22T10:00:00Z"},
    {"limit", "Limit", "100"},
}};

std::string Param(const LogsView& view, std::string_view name) {
  const auto it = view.params.find(std::string(name));
  return it == view.params.end() ? "" : it->second;
}

void AppendForm(std::string& out, const LogsView& view) {
  out += "<form class=\"search\" method=\"get\" action=\"/logs\">\n";
  for (const auto& [name, label, placeholder] : kFields) {
    out += "<label>" + std::string(label) + " <input name=\"" + std::string(name) + "\" value=\"" +
           HtmlEscape(Param(view, name)) + "\" placeholder=\"" + std::string(placeholder) +
           "\"></label>\n";
  }
  out += "<button type=\"submit\">Search</button>\n</form>\n";
}

// The severity's class: err and worse red, warning amber, the rest plain.
std::string_view SeverityClass(std::string_view severity) {
  if (severity == "emerg" || severity == "alert" || severity == "crit" || severity == "err") {
    return "crit";
  }
  return severity == "warning" ? "warn" : "other";
}

}  // namespace

std::string RenderLogsPage(const LogsView& view, Clock::time_point now) {
  std::string out;
  AppendPageHead(out, "Logs", now, 0);
  if (!view.error.empty()) out += "<p class=\"error\">" + HtmlEscape(view.error) + "</p>\n";
  AppendForm(out, view);
  out += "<p class=\"soft\">" + std::to_string(view.lines.size()) + " records, newest first";
  if (view.more) out += "; older matches left out (raise the limit or narrow the search)";
  if (view.incomplete) out += "; the search stopped at its time or size bound";
  out +=
      ".</p>\n<table>\n<thead><tr><th>Received</th><th>Host</th><th>App</th>"
      "<th>Severity</th><th>Message</th></tr></thead>\n<tbody>\n";
  for (auto it = view.lines.rbegin(); it != view.lines.rend(); ++it) {
    const LogLine& l = *it;
    out += "<tr>" + TimeCell(l.received, now) + "<td>";
    if (!l.node.empty()) {
      out += "<a href=\"/nodes/" + UrlSegment(l.node) + "\">" + HtmlEscape(l.host) + "</a>";
    } else {
      out += HtmlEscape(l.host);
    }
    out += "</td><td>" + HtmlEscape(l.app) + "</td><td>";
    if (!l.severity.empty()) {
      out += "<span class=\"badge " + std::string(SeverityClass(l.severity)) + "\">" +
             HtmlEscape(l.severity) + "</span>";
    }
    out += "</td><td class=\"output\">" + HtmlEscape(l.msg) + "</td></tr>\n";
  }
  if (view.lines.empty()) out += "<tr><td colspan=\"5\">No records.</td></tr>\n";
  out += "</tbody>\n</table>\n";
  AppendPageTail(out);
  return out;
}

}  // namespace gs::dashboards
