#include "collector/web/dashboard_handler.h"

#include <algorithm>
#include <system_error>

#include "collector/storage/names.h"
#include "collector/web/passive_handlers.h"

namespace gs::collector::web {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Sanitized(const std::vector<std::string>& patterns) {
  std::vector<std::string> out;
  out.reserve(patterns.size());
  for (const std::string& p : patterns) out.push_back(SanitizePattern(p));
  return out;
}

// The names of the entries of `dir` (directories, or regular files ending in `suffix`, which
// is removed) matching `patterns`, sorted.
std::vector<std::string> Matching(const fs::path& dir, const std::vector<std::string>& patterns,
                                  bool files, std::string_view suffix = {}) {
  std::vector<std::string> out;
  if (dashboards::IsSingleName(patterns)) {  // no listing for a plain name
    std::error_code ec;
    const fs::path p = dir / (patterns[0] + std::string(suffix));
    if (files ? fs::is_regular_file(p, ec) : fs::is_directory(p, ec)) out.push_back(patterns[0]);
    return out;
  }
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (files ? !it->is_regular_file(type_ec) : !it->is_directory(type_ec)) continue;
    std::string name = it->path().filename().string();
    if (files) {
      if (!name.ends_with(suffix)) continue;
      name.resize(name.size() - suffix.size());
    }
    if (dashboards::MatchesPatterns(patterns, name)) out.push_back(std::move(name));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The node, with the check and metric when the graph's patterns may match several.
std::string Legend(const dashboards::DashboardGraph& graph, const std::string& node,
                   const std::string& check, const std::string& metric) {
  std::string legend = node;
  if (!dashboards::IsSingleName(graph.check)) legend += " " + check;
  if (!dashboards::IsSingleName(graph.metric)) legend += " " + metric;
  return legend;
}

}  // namespace

SeriesFound FindSeries(const dashboards::DashboardGraph& graph,
                       const std::optional<std::vector<std::string>>& nodes,
                       const fs::path& rrd_root) {
  const std::vector<std::string> checks = Sanitized(graph.check);
  const std::vector<std::string> metrics = Sanitized(graph.metric);
  std::vector<std::string> dirs;
  if (nodes) {
    for (const std::string& n : *nodes) dirs.push_back(SanitizeName(n));
    std::sort(dirs.begin(), dirs.end());
    dirs.erase(std::unique(dirs.begin(), dirs.end()), dirs.end());
  } else {
    dirs = Matching(rrd_root, {"*"}, false);
  }
  SeriesFound out;
  const auto limit = static_cast<std::size_t>(graph.limit);
  for (const std::string& node : dirs) {
    for (const std::string& check : Matching(rrd_root / node, checks, false)) {
      for (const std::string& metric : Matching(rrd_root / node / check, metrics, true, ".rrd")) {
        if (out.series.size() == limit) {
          ++out.omitted;
          continue;
        }
        out.series.push_back({(rrd_root / node / check / (metric + ".rrd")).string(),
                              Legend(graph, node, check, metric)});
        out.stored.push_back({node, check, metric});
      }
    }
  }
  return out;
}

std::optional<SeriesNames> OriginalNames(const SeriesNames& stored, const std::string& node,
                                         const std::string& check,
                                         const std::vector<probes::Perfdata>& perfdata) {
  if (SanitizeName(node) != stored.node || SanitizeName(check) != stored.check) {
    return std::nullopt;
  }
  for (const probes::Perfdata& p : perfdata) {
    if (SanitizeName(p.label) == stored.metric) return SeriesNames{node, check, p.label};
  }
  return std::nullopt;
}

void Relabel(const dashboards::DashboardGraph& graph, SeriesFound& found,
             const std::vector<std::optional<SeriesNames>>& originals) {
  for (std::size_t i = 0; i < found.series.size() && i < originals.size(); ++i) {
    if (const auto& n = originals[i])
      found.series[i].legend = Legend(graph, n->node, n->check, n->metric);
  }
}

Response DashboardImage(const GraphApi& api, const dashboards::DashboardGraph& graph,
                        const std::optional<std::vector<std::string>>& nodes,
                        const Request& request, const std::string& ext, const NameLookup& names) {
  if (ext != "png" && ext != "svg") return JsonError(404, "a graph is .png or .svg");
  SeriesFound found = FindSeries(graph, nodes, api.rrd_root);
  if (names && !found.stored.empty()) Relabel(graph, found, names(found.stored));
  GraphRequest parsed;
  parsed.spec = dashboards::DashboardGraphSpec(graph, std::move(found.series), found.omitted);
  dashboards::GraphSpec& spec = *parsed.spec;
  spec.format = ext == "svg" ? dashboards::ImageFormat::kSvg : dashboards::ImageFormat::kPng;
  spec.daemon = api.daemon;
  const long span = dashboards::PeriodSeconds(graph.period).value_or(86400);
  if (auto bad =
          ApplyImageQuery(request, std::chrono::system_clock::now(), span, spec, parsed.max_age)) {
    return JsonError(400, *bad);
  }
  if (spec.series.empty()) {  // an empty graph that says so, not a broken image
    spec.thresholds.push_back({0, "no data matches this graph yet", "#999999"});
  }
  return RenderedImage(api, parsed);
}

}  // namespace gs::collector::web
