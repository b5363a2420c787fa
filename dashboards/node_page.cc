#include "dashboards/node_page.h"

#include <charconv>
#include <cmath>

#include "probes/range.h"

namespace gs::dashboards {
namespace {

using Clock = std::chrono::system_clock;

std::string Number(double v) {
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

void AppendTags(std::string& out, const NodeView& node) {
  out += "<table class=\"facts\"><tbody>\n";
  out += "<tr><th>Address</th><td>" +
         (node.address.empty() ? std::string("not in the inventory") : HtmlEscape(node.address)) +
         "</td></tr>\n";
  if (!node.source.empty()) {
    out += "<tr><th>Source</th><td>" + HtmlEscape(node.source) + " (" + HtmlEscape(node.lifecycle) +
           ")</td></tr>\n";
  }
  out += "<tr><th>Tags</th><td class=\"tags\">";
  for (const auto& [key, value] : node.tags) {
    out += "<span>" + HtmlEscape(key) + "=" + HtmlEscape(value) + "</span>";
  }
  if (node.tags.empty()) out += "none";
  out += "</td></tr>\n</tbody></table>\n";
}

void AppendCheckRow(std::string& out, const NodeView& node, const CheckView& c,
                    Clock::time_point now, const Links& links) {
  const StatusRow& s = c.status;
  out += "<tr class=\"" + std::string(StateClass(StateRank(s.state))) + "\"><td><a href=\"" +
         HtmlEscape(links.Check(node.name, s.check)) + "\">" + HtmlEscape(s.check) +
         "</a></td><td>" + HtmlEscape(c.kind) + "</td><td>" + StateBadge(s.state);
  if (s.state_type == "SOFT") {
    out += " <span class=\"soft\">SOFT " + std::to_string(s.attempt) + "/" +
           std::to_string(s.max_attempts) + "</span>";
  }
  out += "</td><td class=\"output\">" + HtmlEscape(s.output) + "</td>" +
         TimeCell(s.last_change, now) + TimeCell(s.last_check, now) + "</tr>\n";
}

void AppendGraph(std::string& out, std::string_view node, std::string_view check,
                 const MetricView& m, std::string_view period, int width, int height,
                 const Links& links) {
  const std::string caption = std::string(check) + " " + m.label + " (" + std::string(period) + ")";
  out += "<figure><img loading=\"lazy\" src=\"" +
         HtmlEscape(GraphUrl(node, check, m, period, width, height, links)) + "\" alt=\"" +
         HtmlEscape(caption) + "\"><figcaption>" + HtmlEscape(caption) + "</figcaption></figure>\n";
}

void AppendHistory(std::string& out, const std::vector<HistoryLine>& history,
                   Clock::time_point now) {
  out +=
      "<h2>Alert history</h2>\n<table><thead><tr><th>Time</th><th>Event</th><th>State</th>"
      "<th>Text</th></tr></thead><tbody>\n";
  for (const HistoryLine& h : history) {
    out += "<tr>" + TimeCell(h.time, now) + "<td>" + HtmlEscape(h.event) + "</td><td>" +
           StateBadge(h.state) + "</td><td class=\"output\">" + HtmlEscape(h.text) + "</td></tr>\n";
  }
  if (history.empty()) out += "<tr><td colspan=\"4\">No alerts so far.</td></tr>\n";
  out += "</tbody></table>\n";
}

void AppendRecent(std::string& out, const std::vector<RecentResult>& recent,
                  Clock::time_point now) {
  out +=
      "<h2>Recent results</h2>\n<table><thead><tr><th>Time</th><th>State</th><th>Took</th>"
      "<th>Output</th></tr></thead><tbody>\n";
  for (const RecentResult& r : recent) {
    out += "<tr>" + TimeCell(r.time, now) + "<td>" + StateBadge(r.state) + "</td><td>" +
           Number(std::round(r.seconds * 1000) / 1000) + " s</td><td class=\"output\">" +
           HtmlEscape(r.output) + "</td></tr>\n";
  }
  if (recent.empty()) {
    out += "<tr><td colspan=\"4\">No results since the collector started.</td></tr>\n";
  }
  out += "</tbody></table>\n";
}

}  // namespace

std::optional<double> ThresholdLine(std::string_view range) {
  if (range.empty() || range.front() == '@') return std::nullopt;
  const std::size_t colon = range.find(':');
  if (colon == std::string_view::npos) return probes::ParseDecimal(range);
  if (colon + 1 < range.size()) return probes::ParseDecimal(range.substr(colon + 1));
  const std::string_view low = range.substr(0, colon);
  if (low == "~") return std::nullopt;
  return probes::ParseDecimal(low);
}

std::string GraphUrl(std::string_view node, std::string_view check, const MetricView& metric,
                     std::string_view period, int width, int height, const Links& links) {
  return links.Graph(node, check, metric.label, ThresholdLine(metric.warn),
                     ThresholdLine(metric.crit), period, width, height);
}

std::string RenderNodePage(const NodeView& node, Clock::time_point now, const Links& links) {
  std::string out;
  AppendPageHead(out, node.name, now, 60, links);
  AppendTags(out, node);
  out +=
      "<h2>Checks</h2>\n<table><thead><tr><th>Check</th><th>Kind</th><th>State</th>"
      "<th>Output</th><th>Last change</th><th>Last check</th></tr></thead><tbody>\n";
  for (const CheckView& c : node.checks) AppendCheckRow(out, node, c, now, links);
  if (node.checks.empty()) out += "<tr><td colspan=\"6\">No checks on this node.</td></tr>\n";
  out += "</tbody></table>\n";
  for (const CheckView& c : node.checks) {
    if (c.metrics.empty()) continue;
    out += "<h2><a href=\"" + HtmlEscape(links.Check(node.name, c.status.check)) + "\">" +
           HtmlEscape(c.status.check) + "</a></h2>\n<div class=\"graphs\">\n";
    for (const MetricView& m : c.metrics)
      AppendGraph(out, node.name, c.status.check, m, "day", 480, 120, links);
    out += "</div>\n";
  }
  AppendPageTail(out, links);
  return out;
}

std::string RenderCheckPage(const NodeView& node, const CheckView& check,
                            const std::vector<HistoryLine>& history, Clock::time_point now,
                            const Links& links, const std::vector<std::string>& periods) {
  std::string out;
  const StatusRow& s = check.status;
  AppendPageHead(out, node.name + " / " + s.check, now, 60, links);
  out += "<p><a href=\"" + HtmlEscape(links.Node(node.name)) + "\">&larr; " +
         HtmlEscape(node.name) + "</a></p>\n<table><tbody>\n<tr><th>State</th><td>" +
         StateBadge(s.state) + " " + HtmlEscape(s.state_type) + " " + std::to_string(s.attempt) +
         "/" + std::to_string(s.max_attempts) +
         "</td></tr>\n<tr><th>Output</th><td class=\"output\">" + HtmlEscape(s.output) +
         (check.long_text.empty() ? "" : "\n" + HtmlEscape(check.long_text)) +
         "</td></tr>\n<tr><th>Last check</th>" + TimeCell(s.last_check, now) +
         "</tr>\n<tr><th>Last change</th>" + TimeCell(s.last_change, now) +
         "</tr>\n</tbody></table>\n";
  if (!check.metrics.empty()) {
    out +=
        "<h2>Performance data</h2>\n<table><thead><tr><th>Metric</th><th>Value</th>"
        "<th>Warning</th><th>Critical</th></tr></thead><tbody>\n";
    for (const MetricView& m : check.metrics) {
      out += "<tr><td>" + HtmlEscape(m.label) + "</td><td>" + Number(m.value) + " " +
             HtmlEscape(m.uom) + "</td><td>" + HtmlEscape(m.warn) + "</td><td>" +
             HtmlEscape(m.crit) + "</td></tr>\n";
    }
    out += "</tbody></table>\n";
  }
  for (const MetricView& m : check.metrics) {
    out += "<h2>" + HtmlEscape(m.label) + "</h2>\n<div class=\"graphs\">\n";
    for (const std::string& period : periods) {
      AppendGraph(out, node.name, s.check, m, period, 560, 140, links);
    }
    out += "</div>\n";
  }
  if (!check.recent.empty() || links.live()) AppendRecent(out, check.recent, now);
  AppendHistory(out, history, now);
  AppendPageTail(out, links);
  return out;
}

}  // namespace gs::dashboards
