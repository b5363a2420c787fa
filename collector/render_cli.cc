#include "collector/render_cli.h"

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "alerts/downtime.h"
#include "collector/config/loader.h"
#include "collector/inventory/node.h"
#include "collector/storage/names.h"
#include "collector/storage/state_db.h"
#include "collector/web/api_handlers.h"
#include "collector/web/dashboard_handler.h"
#include "dashboards/dashboard.h"
#include "dashboards/node_page.h"
#include "dashboards/status_page.h"
#include "probes/perfdata.h"

namespace gs::collector {
namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;
using Clock = std::chrono::system_clock;

constexpr std::size_t kHistoryLines = 50;

constexpr const char* kRenderUsage = R"(usage: groundstation render --out DIR [OPTIONS]
write the web UI as a static site (HTML + PNG) from the collector's data directory
  -o, --out DIR       where to write (created; files there are replaced)
  -c, --config FILE   the collector's config (default: embedded): its data_dir, rrd.daemon,
                      nodes, checks and dashboards
  --periods LIST      graphs on check pages (default day,week,month,year)
)";

int Fail(const std::string& message, int code) {
  std::fprintf(stderr, "groundstation render: %s\n", message.c_str());
  return code;
}

// A node as the static site shows it: the first source that names it wins, as in the
// daemon (the config's nodes, the nodes file, EC2, DNS pools, then self-registration).
struct SiteNode {
  std::string address;
  std::string source;
  probes::Tags tags;
};

int SourceRank(const std::string& id) {
  for (int i = 0; const char* prefix : {"file:", "ec2:", "dns:"}) {
    if (id.starts_with(prefix)) return i;
    ++i;
  }
  return 3;
}

Result<std::map<std::string, SiteNode>> LoadNodes(const Config& config, StateDb& db) {
  std::map<std::string, SiteNode> nodes;
  for (const NodeConfig& n : config.nodes) {
    nodes.try_emplace(n.name, SiteNode{n.address, "config", {n.tags.begin(), n.tags.end()}});
  }
  auto discovered = db.LoadDiscovered();
  if (!discovered) return tl::unexpected(discovered.error());
  std::vector<std::pair<std::string, std::string>> sources(discovered->begin(), discovered->end());
  std::stable_sort(sources.begin(), sources.end(), [](const auto& a, const auto& b) {
    return SourceRank(a.first) < SourceRank(b.first);
  });
  for (const auto& [id, text] : sources) {
    for (inventory::DiscoveredNode& n : inventory::DecodeNodes(text)) {
      nodes.try_emplace(n.name, SiteNode{n.address, id, std::move(n.tags)});
    }
  }
  auto registered = db.LoadRegistrations();
  if (!registered) return tl::unexpected(registered.error());
  for (StoredRegistration& r : *registered) {
    nodes.try_emplace(r.name, SiteNode{r.address, "register", {r.tags.begin(), r.tags.end()}});
  }
  return nodes;
}

// Writes `content` to root/relative through a temporary file renamed into place.
bool WriteFile(const fs::path& root, const std::string& relative, std::string_view content,
               std::string& error) {
  const fs::path path = root / relative;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) {
    error = "cannot create " + path.parent_path().string() + ": " + ec.message();
    return false;
  }
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.close();
    if (!out) {
      error = "cannot write " + tmp.string();
      return false;
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    error = "cannot rename " + tmp.string() + ": " + ec.message();
    return false;
  }
  return true;
}

class SiteWriter {
 public:
  SiteWriter(const Config& config, const std::map<StateDb::CheckKey, alerts::CheckStatus>& states,
             fs::path out, Clock::time_point now)
      : config_(config),
        states_(states),
        out_(std::move(out)),
        rrd_root_(fs::path(config.data_dir) / "rrd"),
        now_(now) {}

  bool Page(const std::string& relative, const std::string& html, dashboards::Links& links) {
    for (dashboards::GraphImage& image : links.TakeImages()) {
      if (seen_.insert(image.file).second) images_.push_back(std::move(image));
    }
    ++pages_;
    return WriteFile(out_, relative, html, error_);
  }

  // Every image the pages link, drawn one after the other (librrd's graph code is not
  // thread-safe). A graph with no data is drawn empty, saying so.
  bool Images(const std::map<std::string, SiteNode>& nodes) {
    for (const dashboards::GraphImage& image : images_) {
      dashboards::GraphSpec spec =
          image.dashboard.empty() ? MetricSpec(image) : DashboardSpec(image, nodes);
      spec.daemon = config_.rrd.daemon;
      spec.width = image.width;
      spec.height = image.height;
      const long span = dashboards::PeriodSeconds(image.period).value_or(86400);
      spec.start = now_ - std::chrono::seconds(span);
      spec.end = spec.trend ? now_ + std::chrono::seconds(span / 4) : now_;
      if (spec.series.empty()) spec.thresholds.push_back({0, "no data yet", "#999999"});
      auto png = dashboards::RenderGraph(spec);
      if (!png) {
        std::fprintf(stderr, "groundstation render: %s: %s\n", image.file.c_str(),
                     png.error().message.c_str());
        ++failed_;
        continue;
      }
      if (!WriteFile(out_, image.file, *png, error_)) return false;
      ++written_;
    }
    return true;
  }

  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] std::size_t pages() const { return pages_; }
  [[nodiscard]] std::size_t images() const { return written_; }
  [[nodiscard]] std::size_t failed() const { return failed_; }

 private:
  dashboards::GraphSpec MetricSpec(const dashboards::GraphImage& image) const {
    dashboards::GraphSpec spec;
    const fs::path file = rrd_root_ / SanitizeName(image.node) / SanitizeName(image.check) /
                          (SanitizeName(image.metric) + ".rrd");
    spec.title = image.node + " " + image.check + " " + image.metric;
    std::error_code ec;
    if (fs::is_regular_file(file, ec)) spec.series = {{file.string(), image.metric, ""}};
    if (image.warn) spec.thresholds.push_back({*image.warn, "warning", "#E69F00"});
    if (image.crit) spec.thresholds.push_back({*image.crit, "critical", "#D55E00"});
    return spec;
  }

  dashboards::GraphSpec DashboardSpec(const dashboards::GraphImage& image,
                                      const std::map<std::string, SiteNode>& nodes) const {
    const auto& list = config_.dashboards.list;
    const auto d = std::find_if(list.begin(), list.end(), [&](const dashboards::Dashboard& x) {
      return x.name == image.dashboard;
    });
    const dashboards::DashboardGraph& graph = d->graphs.at(image.index);
    std::optional<std::vector<std::string>> selected;
    if (graph.select) {
      selected.emplace();
      for (const auto& [name, node] : nodes) {
        if (graph.select->Matches(node.tags)) selected->push_back(name);
      }
    }
    web::SeriesFound found = web::FindSeries(graph, selected, rrd_root_);
    // The legends name what the checks printed ("/" rather than the stored "_").
    std::vector<std::optional<web::SeriesNames>> originals;
    for (const web::SeriesNames& stored : found.stored) {
      std::optional<web::SeriesNames> n;
      for (auto it = states_.lower_bound({stored.node, ""});
           !n && it != states_.end() && it->first.first == stored.node; ++it) {
        n = web::OriginalNames(stored, it->first.first, it->first.second,
                               probes::ParsePerfdata(it->second.perfdata).items);
      }
      originals.push_back(std::move(n));
    }
    web::Relabel(graph, found, originals);
    return dashboards::DashboardGraphSpec(graph, std::move(found.series), found.omitted);
  }

  const Config& config_;
  const std::map<StateDb::CheckKey, alerts::CheckStatus>& states_;
  fs::path out_;
  fs::path rrd_root_;
  Clock::time_point now_;
  std::vector<dashboards::GraphImage> images_;
  std::set<std::string> seen_;
  std::string error_;
  std::size_t pages_ = 0, written_ = 0, failed_ = 0;
};

std::string KindOf(const Config& config, const std::string& check, int& max_attempts) {
  for (const CheckConfig& c : config.checks) {
    if (c.name == check) {
      max_attempts = c.max_attempts;
      return c.kind;
    }
  }
  max_attempts = 1;
  if (check.starts_with("log:")) return "log";
  if (check.starts_with("forecast:")) return "forecast";
  return "";
}

std::vector<std::string> Periods(const std::string& list) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from <= list.size()) {
    const std::size_t comma = std::min(list.find(',', from), list.size());
    out.push_back(list.substr(from, comma - from));
    from = comma + 1;
  }
  return out;
}

}  // namespace

int RenderCommand(const std::vector<std::string>& args) {
  po::options_description desc;
  desc.add_options()("help,h", "")("config,c", po::value<std::string>()->default_value(""))(
      "out,o", po::value<std::string>())(
      "periods", po::value<std::string>()->default_value("day,week,month,year"));
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::fprintf(stderr, "groundstation render: %s\n%s", e.what(), kRenderUsage);
    return 2;
  }
  if (vm.count("help") != 0) {
    std::printf("%s", kRenderUsage);
    return 0;
  }
  if (vm.count("out") == 0 || vm["out"].as<std::string>().empty()) {
    std::fprintf(stderr, "groundstation render: give --out DIR\n%s", kRenderUsage);
    return 2;
  }
  const std::vector<std::string> periods = Periods(vm["periods"].as<std::string>());
  for (const std::string& p : periods) {
    if (!dashboards::PeriodSeconds(p)) {
      return Fail("--periods: \"" + p + "\" is not hour, day, week, month or year", 2);
    }
  }
  const std::string config_path = vm["config"].as<std::string>();
  ConfigResult config = config_path.empty()
                            ? LoadConfigText(DefaultConfigText(), std::string(kDefaultConfigSource))
                            : LoadConfigFile(config_path);
  if (!config) {
    for (const ConfigError& e : config.error()) std::fprintf(stderr, "%s\n", e.ToString().c_str());
    return 2;
  }
  const fs::path db_path = fs::path(config->data_dir) / "state.db";
  std::error_code ec;
  if (!fs::is_regular_file(db_path, ec)) {
    return Fail("no " + db_path.string() + ": has the collector run with this config?", 1);
  }
  auto db = StateDb::Open(db_path);
  if (!db) return Fail(db.error().message, 1);
  auto nodes = LoadNodes(*config, **db);
  if (!nodes) return Fail("state.db: " + nodes.error().message, 1);
  auto states = (*db)->LoadCheckStates();
  if (!states) return Fail("state.db: " + states.error().message, 1);
  auto records = (*db)->LoadAlertRecords();
  if (!records) return Fail("state.db: " + records.error().message, 1);
  auto downtimes = (*db)->LoadDowntimes();
  if (!downtimes) return Fail("state.db: " + downtimes.error().message, 1);

  const auto now = Clock::now();
  std::map<std::pair<std::string, std::string>, const alerts::AlertRecord*> by_key;
  for (const alerts::AlertRecord& r : *records) by_key[{r.facts.node, r.facts.check}] = &r;

  // The overview's rows, and each node's view (inventory nodes without a result included).
  std::vector<dashboards::StatusRow> rows;
  std::map<std::string, dashboards::NodeView> views;
  for (const auto& [name, node] : *nodes) {
    dashboards::NodeView& v = views[name];
    v.name = name;
    v.address = node.address;
    v.source = node.source;
    v.lifecycle = "known";
    v.tags = node.tags;
  }
  for (const auto& [key, status] : *states) {
    int max_attempts = 1;
    dashboards::CheckView c;
    c.kind = KindOf(*config, key.second, max_attempts);
    c.status = web::StatusRowFrom(key.first, key.second, status, max_attempts);
    if (const auto r = by_key.find(key); r != by_key.end()) {
      c.status.acknowledged = r->second->ack.has_value();
      c.status.flapping = r->second->flap.flapping();
    }
    probes::Tags tags;
    if (const auto n = nodes->find(key.first); n != nodes->end()) tags = n->second.tags;
    tags["node"] = key.first;
    tags["check"] = key.second;
    c.status.in_downtime = std::any_of(downtimes->begin(), downtimes->end(), [&](const auto& d) {
      return alerts::ActiveAt(d, now) && alerts::Covers(d, tags);
    });
    for (const probes::Perfdata& p : probes::ParsePerfdata(status.perfdata).items) {
      c.metrics.push_back({p.label, p.value, p.uom, p.warn, p.crit});
    }
    rows.push_back(c.status);
    dashboards::NodeView& v = views[key.first];
    v.name = key.first;
    v.checks.push_back(std::move(c));
  }

  const fs::path out = vm["out"].as<std::string>();
  SiteWriter site(*config, *states, out, now);
  auto links = dashboards::Links::Static(0);
  bool ok = site.Page("index.html", dashboards::RenderStatusPage(rows, now, "groundstation", links),
                      links);
  for (const auto& [name, view] : views) {
    if (!ok) break;
    links = dashboards::Links::Static(2);
    const std::string dir = "nodes/" + dashboards::SiteName(name) + "/";
    ok = site.Page(dir + "index.html", dashboards::RenderNodePage(view, now, links), links);
    for (const dashboards::CheckView& c : view.checks) {
      if (!ok) break;
      auto history = (*db)->LoadHistory(name, c.status.check, kHistoryLines);
      if (!history) return Fail("state.db: " + history.error().message, 1);
      std::vector<dashboards::HistoryLine> lines;
      for (const alerts::HistoryEntry& h : *history) {
        lines.push_back({h.time, h.event, std::string(probes::ToString(h.state)), h.text});
      }
      links = dashboards::Links::Static(3);
      ok = site.Page(dir + dashboards::SiteName(c.status.check) + "/index.html",
                     dashboards::RenderCheckPage(view, c, lines, now, links, periods), links);
    }
  }
  if (ok) {
    links = dashboards::Links::Static(1);
    ok = site.Page("dashboards/index.html",
                   dashboards::RenderDashboardList(config->dashboards.list, now, links), links);
  }
  for (const dashboards::Dashboard& d : config->dashboards.list) {
    if (!ok) break;
    links = dashboards::Links::Static(2);
    ok = site.Page("dashboards/" + dashboards::SiteName(d.name) + "/index.html",
                   dashboards::RenderDashboardPage(d, "", now, links), links);
  }
  if (ok) ok = site.Images(*nodes);
  if (!ok) return Fail(site.error(), 1);
  std::printf("wrote %zu pages and %zu graphs to %s", site.pages(), site.images(),
              out.string().c_str());
  if (site.failed() > 0) std::printf(" (%zu graphs failed, named above)", site.failed());
  std::printf("\n");
  return site.failed() > 0 ? 1 : 0;
}

}  // namespace gs::collector
