#include "dashboards/dashboard.h"

#include <fnmatch.h>

#include "dashboards/html.h"

namespace gs::dashboards {
namespace {

using Clock = std::chrono::system_clock;

constexpr int kWidth = 720;
constexpr int kHeight = 200;

std::string Condition(const probes::Selector::Condition& c) {
  using Kind = probes::Selector::Condition::Kind;
  std::string values;
  for (const std::string& v : c.values) values += (values.empty() ? "" : "|") + v;
  switch (c.kind) {
    case Kind::kEquals:
    case Kind::kOneOf:
      return c.key + "=" + values;
    case Kind::kNoneOf:
      return c.key + "!=" + values;
    case Kind::kExists:
      return c.key + " set";
    case Kind::kAbsent:
      return c.key + " unset";
  }
  return c.key;
}

std::string Join(const std::vector<std::string>& patterns) {
  std::string out;
  for (const std::string& p : patterns) out += (out.empty() ? "" : " ") + p;
  return out;
}

std::string Caption(const DashboardGraph& g) {
  std::string out = DescribeSelector(g.select);
  if (g.check != std::vector<std::string>{"*"}) out += " · check " + Join(g.check);
  if (g.metric != std::vector<std::string>{"*"}) out += " · " + Join(g.metric);
  if (g.stacked) out += " · stacked";
  if (g.trend) out += " · trend";
  return out;
}

}  // namespace

std::optional<long> PeriodSeconds(std::string_view period) {
  if (period == "hour") return 3600;
  if (period == "day") return 86400;
  if (period == "week") return 7 * 86400;
  if (period == "month") return 31 * 86400;
  if (period == "year") return 366 * 86400;
  return std::nullopt;
}

std::string DescribeSelector(const std::optional<probes::Selector>& select) {
  if (!select || select->conditions().empty()) return "every node";
  std::string out;
  for (const auto& c : select->conditions()) out += (out.empty() ? "" : ", ") + Condition(c);
  return out;
}

std::string RenderDashboardList(const std::vector<Dashboard>& dashboards, Clock::time_point now,
                                const Links& links) {
  std::string out;
  AppendPageHead(out, "Dashboards", now, 0, links);
  out +=
      "<table><thead><tr><th>Dashboard</th><th>Description</th><th>Graphs</th></tr></thead>"
      "<tbody>\n";
  for (const Dashboard& d : dashboards) {
    out += "<tr><td><a href=\"" + HtmlEscape(links.Dashboard(d.name)) + "\">" +
           HtmlEscape(d.title) + "</a></td><td>" + HtmlEscape(d.description) + "</td><td>" +
           std::to_string(d.graphs.size()) + "</td></tr>\n";
  }
  if (dashboards.empty()) out += "<tr><td colspan=\"3\">No dashboards defined.</td></tr>\n";
  out += "</tbody></table>\n";
  AppendPageTail(out, links);
  return out;
}

std::string RenderDashboardPage(const Dashboard& dashboard, std::string_view period,
                                Clock::time_point now, const Links& links) {
  std::string out;
  AppendPageHead(out, dashboard.title, now, 60, links);
  if (!dashboard.description.empty()) {
    out += "<p>" + HtmlEscape(dashboard.description) + "</p>\n";
  }
  if (links.live()) {
    out += "<p class=\"periods\">";
    for (const char* p : {"hour", "day", "week", "month", "year"}) {
      out += p == period ? "<b>" + std::string(p) + "</b> "
                         : "<a href=\"" + HtmlEscape(links.Dashboard(dashboard.name)) +
                               "?period=" + p + "\">" + p + "</a> ";
    }
    out += "</p>\n";
  }
  out += "<div class=\"graphs\">\n";
  for (std::size_t i = 0; i < dashboard.graphs.size(); ++i) {
    const DashboardGraph& g = dashboard.graphs[i];
    const std::string_view shown = period.empty() ? std::string_view(g.period) : period;
    out += "<figure><img loading=\"lazy\" src=\"" +
           HtmlEscape(links.DashboardGraph(dashboard.name, i, shown, kWidth, kHeight)) +
           "\" alt=\"" + HtmlEscape(g.title) + "\"><figcaption><b>" + HtmlEscape(g.title) +
           "</b> (" + HtmlEscape(std::string(shown)) + ") " + HtmlEscape(Caption(g)) +
           "</figcaption></figure>\n";
  }
  if (dashboard.graphs.empty()) out += "<p>This dashboard has no graphs.</p>\n";
  out += "</div>\n<p class=\"source\">Defined in " + HtmlEscape(dashboard.source) + "</p>\n";
  AppendPageTail(out, links);
  return out;
}

GraphSpec DashboardGraphSpec(const DashboardGraph& graph, std::vector<FoundSeries> series,
                             std::size_t omitted) {
  GraphSpec spec;
  spec.title = graph.title;
  if (omitted > 0) spec.title += " (" + std::to_string(omitted) + " more not drawn)";
  spec.vertical_label = graph.unit;
  for (FoundSeries& s : series) spec.series.push_back({std::move(s.file), std::move(s.legend), ""});
  spec.stacked = graph.stacked;
  spec.thresholds = graph.thresholds;
  spec.trend = graph.trend;
  spec.lower_limit = graph.min;
  spec.upper_limit = graph.max;
  return spec;
}

bool MatchesPatterns(const std::vector<std::string>& patterns, const std::string& text) {
  bool taken = false;
  for (const std::string& p : patterns) {
    if (p.starts_with('!')) {
      if (::fnmatch(p.c_str() + 1, text.c_str(), 0) == 0) return false;
    } else if (!taken) {
      taken = ::fnmatch(p.c_str(), text.c_str(), 0) == 0;
    }
  }
  return taken;
}

bool IsSingleName(const std::vector<std::string>& patterns) {
  return patterns.size() == 1 && patterns[0].find_first_of("*?[!") == std::string::npos;
}

}  // namespace gs::dashboards
