// Links: where the pages' links and images point. On the daemon (Links::Server()) they are
// its own absolute URLs (/nodes/<node>, /graph/...png?period=...); in the static site that
// `groundstation render` writes (Links::Static(depth)) they are relative paths to files, seen
// from a page `depth` directories below the site's root, so the site works from any URL
// prefix and from file://.
//
// The static site's layout (every name is SiteName()-encoded on disk):
//   index.html                                   the overview
//   nodes/<node>/index.html                      a node page
//   nodes/<node>/<check>/index.html              a check page
//   dashboards/index.html                        the list of dashboards
//   dashboards/<dashboard>/index.html            a dashboard
//   graphs/<node>/<check>/<metric>.<period>.png  a metric's graph
//   dashboards/<dashboard>/<graph>.<period>.png  a dashboard graph (index in the definition)
//
// In a static page every image link is also recorded as a GraphImage (images()), so the
// writer renders exactly the images its pages show. Not thread-safe (the record); cheap to
// copy.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gs::dashboards {

// An image a static page shows: a metric's graph, or graph `index` of a dashboard.
struct GraphImage {
  std::string node, check, metric;  // a metric's graph (dashboard empty)
  std::optional<double> warn, crit;
  std::string dashboard;  // a dashboard graph
  std::size_t index = 0;
  std::string period;  // hour, day, week, month, year
  int width = 0, height = 0;
  std::string file;  // its path below the site's root
};

// The on-disk (and link) form of one name in the static site: percent-encoded as UrlSegment
// does, so any name becomes one safe file name and two names never share one; "." and ".."
// are encoded too, and a name longer than 200 bytes is cut and given a hash suffix.
std::string SiteName(std::string_view name);

class Links {
 public:
  static Links Server();
  static Links Static(int depth);

  // Served by the daemon: the pages may link the API, the alerts and logs pages and refresh
  // themselves. False in a static site, which has none of those.
  [[nodiscard]] bool live() const { return live_; }

  [[nodiscard]] std::string Home() const;
  [[nodiscard]] std::string Node(std::string_view node) const;
  [[nodiscard]] std::string Check(std::string_view node, std::string_view check) const;
  [[nodiscard]] std::string Dashboards() const;
  [[nodiscard]] std::string Dashboard(std::string_view name) const;
  // A metric's graph over `period`, with the warning and critical lines.
  [[nodiscard]] std::string Graph(std::string_view node, std::string_view check,
                                  std::string_view metric, std::optional<double> warn,
                                  std::optional<double> crit, std::string_view period, int width,
                                  int height) const;
  // Graph `index` of dashboard `name` over `period`.
  [[nodiscard]] std::string DashboardGraph(std::string_view name, std::size_t index,
                                           std::string_view period, int width, int height) const;

  // The images linked so far (static pages only).
  [[nodiscard]] const std::vector<GraphImage>& images() const { return images_; }
  std::vector<GraphImage> TakeImages() { return std::move(images_); }

 private:
  Links(bool live, std::string prefix) : live_(live), prefix_(std::move(prefix)) {}
  bool live_;
  std::string prefix_;  // static: "../" per level
  mutable std::vector<GraphImage> images_;
};

}  // namespace gs::dashboards
