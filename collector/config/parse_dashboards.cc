// The dashboards: section and the dashboard definition files it names (dashboards/dashboard.h).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "collector/config/loader.h"
#include "collector/config/parse.h"
#include "dashboards/shipped.h"

namespace gs::collector::config_parse {
namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kMaxFile = 1 << 20;
constexpr std::size_t kMaxFiles = 1000;
constexpr std::size_t kMaxGraphs = 100;

bool ValidName(std::string_view name) {
  return !name.empty() && name.size() <= 128 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

// A list of name patterns ("time_total", ["*", "!* inodes"]); `fallback` when absent.
std::vector<std::string> Patterns(YamlWalker& w, const YAML::Node& g, const std::string& key,
                                  const char* name) {
  auto list = w.StringList(g, name, key);
  if (!list) return {"*"};
  if (list->empty() || std::any_of(list->begin(), list->end(),
                                   [](const std::string& p) { return p.empty() || p == "!"; })) {
    w.Error(g[name], KeyPath(key, name), "patterns must not be empty");
  } else if (std::all_of(list->begin(), list->end(),
                         [](const std::string& p) { return p.starts_with('!'); })) {
    list->insert(list->begin(), "*");  // only exclusions: everything else
  }
  return std::move(*list);
}

void Threshold(YamlWalker& w, const YAML::Node& g, const std::string& key, const char* name,
               const char* label, const char* color, dashboards::DashboardGraph& out) {
  const std::optional<double> v = w.Number(g, name, key);
  if (!v) return;
  if (!std::isfinite(*v)) {
    w.Error(g[name], KeyPath(key, name), "must be a finite number");
    return;
  }
  out.thresholds.push_back({*v, label, color});
}

std::optional<dashboards::DashboardGraph> ParseGraph(YamlWalker& w, const YAML::Node& g,
                                                     const std::string& key) {
  if (!w.ExpectMap(g, key,
                   {"title", "select", "check", "metric", "unit", "stack", "trend", "warn", "crit",
                    "min", "max", "period", "limit"})) {
    return std::nullopt;
  }
  dashboards::DashboardGraph out;
  out.title = w.String(g, "title", key).value_or("");
  if (out.title.empty()) {
    w.Error(g["title"].IsDefined() ? g["title"] : g, KeyPath(key, "title"), "is required");
  }
  if (g["select"].IsDefined()) out.select = ParseSelector(w, g["select"], KeyPath(key, "select"));
  out.check = Patterns(w, g, key, "check");
  out.metric = Patterns(w, g, key, "metric");
  out.unit = w.String(g, "unit", key).value_or("");
  out.stacked = w.Bool(g, "stack", key).value_or(false);
  out.trend = w.Bool(g, "trend", key).value_or(false);
  Threshold(w, g, key, "warn", "warning", "#E69F00", out);
  Threshold(w, g, key, "crit", "critical", "#D55E00", out);
  out.min = w.Number(g, "min", key);
  out.max = w.Number(g, "max", key);
  if (out.min && out.max && !(*out.min < *out.max)) {
    w.Error(g["max"], KeyPath(key, "max"), "must be greater than min");
  }
  out.period = w.String(g, "period", key).value_or(out.period);
  if (!dashboards::PeriodSeconds(out.period)) {
    w.Error(g["period"], KeyPath(key, "period"), "must be hour, day, week, month or year");
  }
  out.limit = w.Int(g, "limit", key, 1, 200).value_or(out.limit);
  return out;
}

}  // namespace

// One definition file; its problems go to `errors`.
std::optional<dashboards::Dashboard> ParseDashboard(std::string_view text,
                                                    const std::string& source,
                                                    const std::string& name,
                                                    std::vector<ConfigError>& errors) {
  YamlWalker w(source);
  auto parsed = ParseYaml(text, source);
  if (!parsed) {
    errors.insert(errors.end(), parsed.error().begin(), parsed.error().end());
    return std::nullopt;
  }
  const YAML::Node root = *parsed;
  dashboards::Dashboard out;
  out.name = name;
  out.source = source;
  try {
    if (w.ExpectMap(root, "", {"title", "description", "graphs"})) {
      out.title = w.String(root, "title", "").value_or(name);
      out.description = w.String(root, "description", "").value_or("");
      const YAML::Node graphs = root["graphs"];
      if (!graphs.IsDefined() || graphs.IsNull()) {
        w.Error(root, "graphs", "is required (a list of graphs)");
      } else if (w.ExpectSequence(graphs, "graphs")) {
        if (graphs.size() > kMaxGraphs) {
          w.Error(graphs, "graphs", "at most " + std::to_string(kMaxGraphs) + " graphs");
        }
        for (std::size_t i = 0; i < graphs.size() && i < kMaxGraphs; ++i) {
          if (auto g = ParseGraph(w, graphs[i], KeyPath("graphs", i))) {
            out.graphs.push_back(std::move(*g));
          }
        }
      }
    }
  } catch (const YAML::Exception& e) {
    w.Error(root, "", std::string("unexpected structure: ") + e.what());
  }
  if (!w.errors().empty()) {
    auto found = w.TakeErrors();
    errors.insert(errors.end(), found.begin(), found.end());
    return std::nullopt;
  }
  return out;
}

namespace {

// The *.yaml and *.yml files of `dir`, by name; problems with the directory go to `w`.
std::map<std::string, fs::path> DefinitionFiles(YamlWalker& w, const YAML::Node& node,
                                                const std::string& dir) {
  std::map<std::string, fs::path> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    w.Error(node, "dashboards.dir", "\"" + dir + "\" is not a readable directory");
    return files;
  }
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    if (p.extension() != ".yaml" && p.extension() != ".yml") continue;
    if (files.size() == kMaxFiles) {
      w.Error(node, "dashboards.dir", "more than " + std::to_string(kMaxFiles) + " definitions");
      break;
    }
    files[p.stem().string()] = p;
  }
  if (ec) w.Error(node, "dashboards.dir", "cannot list \"" + dir + "\": " + ec.message());
  return files;
}

std::optional<std::string> ReadDefinition(const fs::path& path, std::string& problem) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    problem = "not a regular file";
    return std::nullopt;
  }
  if (fs::file_size(path, ec) > kMaxFile) {
    problem = "larger than 1 MiB";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problem = "cannot read";
    return std::nullopt;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

void ParseDashboards(YamlWalker& w, const YAML::Node& node, Config& config) {
  DashboardsSection& section = config.dashboards;
  if (node.IsDefined() && !node.IsNull() && w.ExpectMap(node, "dashboards", {"dir", "shipped"})) {
    section.dir = w.String(node, "dir", "dashboards").value_or("");
    section.shipped = w.Bool(node, "shipped", "dashboards").value_or(true);
  }
  std::vector<ConfigError> errors;
  std::map<std::string, dashboards::Dashboard> by_name;
  if (section.shipped) {
    for (const dashboards::ShippedFile& f : dashboards::ShippedDashboards()) {
      const std::string name(f.name.substr(0, f.name.rfind('.')));
      if (auto d = ParseDashboard(f.text, "<shipped>/" + std::string(f.name), name, errors)) {
        by_name[name] = std::move(*d);
      }
    }
  }
  if (!section.dir.empty()) {
    for (const auto& [name, path] : DefinitionFiles(w, node["dir"], section.dir)) {
      if (!ValidName(name)) {
        errors.push_back({path.string(), 0, 0, "",
                          "a dashboard's file name must be 1-128 of A-Z a-z 0-9 . _ - before "
                          ".yaml"});
        continue;
      }
      std::string problem;
      const auto text = ReadDefinition(path, problem);
      if (!text) {
        errors.push_back({path.string(), 0, 0, "", problem});
        continue;
      }
      if (auto d = ParseDashboard(*text, path.string(), name, errors)) {
        by_name[name] = std::move(*d);
      }
    }
  }
  w.AddErrors(std::move(errors));
  for (auto& [name, d] : by_name) section.list.push_back(std::move(d));
}

}  // namespace gs::collector::config_parse

namespace gs::collector {

DashboardResult LoadDashboardText(std::string_view text, const std::string& source,
                                  const std::string& name) {
  std::vector<ConfigError> errors;
  auto d = config_parse::ParseDashboard(text, source, name, errors);
  if (!d) return tl::unexpected(std::move(errors));
  return std::move(*d);
}

}  // namespace gs::collector
