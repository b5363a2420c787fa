#include "dashboards/links.h"

#include <charconv>
#include <cmath>
#include <cstdint>

#include "dashboards/html.h"
#include "probes/hash.h"

namespace gs::dashboards {
namespace {

constexpr std::size_t kMaxSiteName = 200;

std::string Number(double v) {
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

// The href of a file path below the site's root: each segment percent-encoded again, since a
// web server (or the browser, for file://) decodes the link once to find the file.
std::string Href(const std::string& prefix, std::initializer_list<std::string_view> dirs,
                 std::string_view file) {
  std::string out = prefix;
  for (const std::string_view d : dirs) out += UrlSegment(SiteName(d)) + "/";
  out += file;
  return out;
}

}  // namespace

std::string SiteName(std::string_view name) {
  std::string out = UrlSegment(name);
  if (out.empty()) return "%00";
  if (out.find_first_not_of('.') == std::string::npos) {
    std::string dots;
    for (std::size_t i = 0; i < out.size(); ++i) dots += "%2E";
    out = std::move(dots);
  }
  if (out.size() > kMaxSiteName) {
    char hex[17];
    const auto res = std::to_chars(hex, hex + sizeof hex - 1, probes::Fnv1a64(name), 16);
    out.resize(kMaxSiteName - 17);
    // Never cut inside a %XX escape.
    if (const std::size_t pct = out.rfind('%'); pct != std::string::npos && pct + 3 > out.size())
      out.resize(pct);
    out += "~" + std::string(hex, res.ptr);
  }
  return out;
}

Links Links::Server() { return Links(true, ""); }

Links Links::Static(int depth) {
  std::string prefix;
  for (int i = 0; i < depth; ++i) prefix += "../";
  return Links(false, std::move(prefix));
}

std::string Links::Home() const { return live_ ? "/" : prefix_ + "index.html"; }

std::string Links::Node(std::string_view node) const {
  if (live_) return "/nodes/" + UrlSegment(node);
  return Href(prefix_, {"nodes", node}, "index.html");
}

std::string Links::Check(std::string_view node, std::string_view check) const {
  if (live_) return "/nodes/" + UrlSegment(node) + "/" + UrlSegment(check);
  return Href(prefix_, {"nodes", node, check}, "index.html");
}

std::string Links::Dashboards() const {
  return live_ ? "/dashboards" : prefix_ + "dashboards/index.html";
}

std::string Links::Dashboard(std::string_view name) const {
  if (live_) return "/dashboards/" + UrlSegment(name);
  return Href(prefix_, {"dashboards", name}, "index.html");
}

std::string Links::Graph(std::string_view node, std::string_view check, std::string_view metric,
                         std::optional<double> warn, std::optional<double> crit,
                         std::string_view period, int width, int height) const {
  if (live_) {
    std::string url = "/graph/" + UrlSegment(node) + "/" + UrlSegment(check) + "/" +
                      UrlSegment(metric) + ".png?period=" + std::string(period) +
                      "&width=" + std::to_string(width) + "&height=" + std::to_string(height);
    if (warn && std::isfinite(*warn)) url += "&warn=" + Number(*warn);
    if (crit && std::isfinite(*crit)) url += "&crit=" + Number(*crit);
    return url;
  }
  const std::string file_name = SiteName(metric) + "." + std::string(period) + ".png";
  GraphImage image;
  image.node = std::string(node);
  image.check = std::string(check);
  image.metric = std::string(metric);
  image.warn = warn && std::isfinite(*warn) ? warn : std::nullopt;
  image.crit = crit && std::isfinite(*crit) ? crit : std::nullopt;
  image.period = std::string(period);
  image.width = width;
  image.height = height;
  image.file = "graphs/" + SiteName(node) + "/" + SiteName(check) + "/" + file_name;
  images_.push_back(std::move(image));
  return Href(prefix_, {"graphs", node, check}, UrlSegment(file_name));
}

std::string Links::DashboardGraph(std::string_view name, std::size_t index, std::string_view period,
                                  int width, int height) const {
  if (live_) {
    return "/dashboards/" + UrlSegment(name) + "/" + std::to_string(index) +
           ".png?period=" + std::string(period) + "&width=" + std::to_string(width) +
           "&height=" + std::to_string(height);
  }
  const std::string file_name = std::to_string(index) + "." + std::string(period) + ".png";
  GraphImage image;
  image.dashboard = std::string(name);
  image.index = index;
  image.period = std::string(period);
  image.width = width;
  image.height = height;
  image.file = "dashboards/" + SiteName(name) + "/" + file_name;
  images_.push_back(std::move(image));
  return Href(prefix_, {"dashboards", name}, file_name);
}

}  // namespace gs::dashboards
