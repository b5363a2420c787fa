#include "collector/web/graph_handler.h"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <system_error>
#include <vector>

#include "collector/storage/names.h"
#include "collector/web/api_handlers.h"
#include "collector/web/passive_handlers.h"
#include "dashboards/dashboard.h"
#include "dashboards/forecast.h"
#include "dashboards/rrd_series.h"

namespace gs::collector::web {
namespace {

using std::chrono::seconds;
using Clock = std::chrono::system_clock;

constexpr long kMaxSpan = 10L * 366 * 86400;  // ten years: the longest archive holds 450 days

GraphRequest Refuse(int status, const std::string& message) {
  GraphRequest r;
  r.error = JsonError(status, message);
  return r;
}

template <typename T>
std::optional<T> Parse(const std::string& text) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The integer query parameter `name` within [low, high]; `fallback` when absent; nullopt when
// present but not such a number.
std::optional<long> Bounded(const Request& r, const std::string& name, long fallback, long low,
                            long high) {
  const auto it = r.query_params.find(name);
  if (it == r.query_params.end()) return fallback;
  const auto v = Parse<long>(it->second);
  if (!v || *v < low || *v > high) return std::nullopt;
  return v;
}

// "/graph/<node>/<check>/<metric>.<ext>" -> the three names and the extension.
std::optional<std::vector<std::string>> SplitPath(const std::string& path,
                                                  std::string_view kPrefix = "/graph/") {
  if (path.compare(0, kPrefix.size(), kPrefix) != 0) return std::nullopt;
  std::vector<std::string> parts;
  std::size_t from = kPrefix.size();
  for (;;) {
    const std::size_t slash = path.find('/', from);
    parts.push_back(
        path.substr(from, slash == std::string::npos ? std::string::npos : slash - from));
    if (parts.back().empty()) return std::nullopt;
    if (slash == std::string::npos) break;
    from = slash + 1;
  }
  if (parts.size() != 3) return std::nullopt;
  if (kPrefix != "/graph/") return parts;  // no extension
  const std::size_t dot = parts[2].rfind('.');
  if (dot == std::string::npos || dot == 0) return std::nullopt;
  parts.push_back(parts[2].substr(dot + 1));
  parts[2].resize(dot);
  return parts;
}

// The store's file for (node, check, metric), each name sanitised as the RRD writer does.
struct MetricFile {
  std::string node, check, metric;
  std::filesystem::path path;
  [[nodiscard]] bool exists() const {
    std::error_code ec;
    return std::filesystem::is_regular_file(path, ec);
  }
  [[nodiscard]] std::string Missing() const {
    return "no data for " + node + "/" + check + "/" + metric;
  }
};

MetricFile FileOf(const GraphApi& api, const std::vector<std::string>& parts) {
  MetricFile f{SanitizeName(parts[0]), SanitizeName(parts[1]), SanitizeName(parts[2]), {}};
  f.path = api.rrd_root / f.node / f.check / (f.metric + ".rrd");
  return f;
}

// Fills the span, end and resolution from period=, start=, end=, trend=.
std::optional<std::string> SetTimes(const Request& r, Clock::time_point now, long span,
                                    dashboards::GraphSpec& spec, int& max_age) {
  const auto param = [&](const char* name) -> const std::string* {
    const auto it = r.query_params.find(name);
    return it == r.query_params.end() ? nullptr : &it->second;
  };
  const long now_s = static_cast<long>(Clock::to_time_t(now));
  if (const std::string* p = param("period")) {
    const auto s = dashboards::PeriodSeconds(*p);
    if (!s) return "period must be hour, day, week, month or year";
    span = *s;
  }
  std::optional<long> start, end;
  // Epoch seconds up to the year 9999: far-off times must not overflow a time_point.
  constexpr long kLatest = 253'402'300'799;
  if (const std::string* s = param("start")) {
    if (!(start = Parse<long>(*s)) || *start < 0 || *start > kLatest) {
      return "start must be epoch seconds";
    }
  }
  if (const std::string* e = param("end")) {
    if (!(end = Parse<long>(*e)) || *end < 0 || *end > kLatest) return "end must be epoch seconds";
  }
  if (start && end && *start >= *end) return "start must be before end";
  if (start) span = (end ? *end : now_s) - *start;
  if (span <= 0 || span > kMaxSpan) return "the span must be positive and at most ten years";
  // One pixel of time: requests within it draw the same picture (and share the cache).
  const long resolution = std::max(1L, span / spec.width);
  const long last = end ? *end : now_s / resolution * resolution;
  long drawn_end = last;
  if (const std::string* t = param("trend")) spec.trend = *t != "0";
  if (spec.trend && !end) drawn_end += span / 4;  // the projection
  spec.start = Clock::from_time_t(last - span);
  spec.end = Clock::from_time_t(drawn_end);
  max_age = static_cast<int>(std::min(resolution, 3600L));
  return std::nullopt;
}

std::optional<std::string> SetThresholds(const Request& r, dashboards::GraphSpec& spec) {
  for (const auto& [name, color] : {std::pair{"warn", "#E69F00"}, {"crit", "#D55E00"}}) {
    const auto it = r.query_params.find(name);
    if (it == r.query_params.end()) continue;
    const auto v = Parse<double>(it->second);
    if (!v || !std::isfinite(*v)) return std::string(name) + " must be a number";
    spec.thresholds.push_back({*v, name == std::string("warn") ? "warning" : "critical", color});
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> ApplyImageQuery(const Request& request, Clock::time_point now,
                                           long default_span, dashboards::GraphSpec& spec,
                                           int& max_age) {
  const auto width = Bounded(request, "width", 720, 100, 3000);
  const auto height = Bounded(request, "height", 200, 50, 1500);
  if (!width || !height) return "width must be 100..3000 and height 50..1500";
  spec.width = static_cast<int>(*width);
  spec.height = static_cast<int>(*height);
  if (const auto cf = request.query_params.find("cf"); cf != request.query_params.end()) {
    if (cf->second != "AVERAGE" && cf->second != "MIN" && cf->second != "MAX") {
      return "cf must be AVERAGE, MIN or MAX";
    }
    spec.cf = cf->second;
  }
  if (auto bad = SetTimes(request, now, default_span, spec, max_age)) return bad;
  return SetThresholds(request, spec);
}

GraphRequest ParseGraphRequest(const GraphApi& api, const Request& request, Clock::time_point now) {
  const auto parts = SplitPath(request.path);
  if (!parts) return Refuse(404, "graphs are at /graph/<node>/<check>/<metric>.png or .svg");
  const std::string& ext = (*parts)[3];
  if (ext != "png" && ext != "svg") return Refuse(404, "a graph is .png or .svg");
  GraphRequest out;
  dashboards::GraphSpec spec;
  spec.format = ext == "svg" ? dashboards::ImageFormat::kSvg : dashboards::ImageFormat::kPng;
  spec.daemon = api.daemon;
  if (auto bad = ApplyImageQuery(request, now, 86400, spec, out.max_age)) return Refuse(400, *bad);
  const MetricFile file = FileOf(api, *parts);
  if (!file.exists()) return Refuse(404, file.Missing());
  spec.title = file.node + " " + file.check + " " + file.metric;
  spec.series = {{file.path.string(), file.metric, ""}};
  out.spec = std::move(spec);
  return out;
}

Response RenderedImage(const GraphApi& api, const GraphRequest& parsed) {
  auto image = api.renderer->Render(*parsed.spec);
  if (!image) {
    const bool busy = image.error().message.rfind("busy", 0) == 0;
    return JsonError(busy ? 503 : 500, image.error().message);
  }
  Response r;
  r.content_type = std::string(dashboards::ContentType(parsed.spec->format));
  r.body = **image;
  r.headers.emplace_back("Cache-Control", "max-age=" + std::to_string(parsed.max_age));
  return r;
}

Response GraphImage(const GraphApi& api, const Request& request) {
  GraphRequest parsed = ParseGraphRequest(api, request, Clock::now());
  if (!parsed.spec) return parsed.error;
  return RenderedImage(api, parsed);
}

Response ForecastJson(const GraphApi& api, const Request& request) {
  const auto parts = SplitPath(request.path, "/api/v1/forecast/");
  if (!parts) return JsonError(404, "forecasts are at /api/v1/forecast/<node>/<check>/<metric>");
  const auto param = [&](const char* name) -> const std::string* {
    const auto it = request.query_params.find(name);
    return it == request.query_params.end() ? nullptr : &it->second;
  };
  long span = 7 * 86400;
  if (const std::string* p = param("period")) {
    const auto s = dashboards::PeriodSeconds(*p);
    if (!s) return JsonError(400, "period must be hour, day, week, month or year");
    span = *s;
  }
  const std::string* above = param("above");
  const std::string* below = param("below");
  if (above != nullptr && below != nullptr) return JsonError(400, "give above or below, not both");
  std::optional<double> threshold;
  if (above != nullptr || below != nullptr) {
    threshold = Parse<double>(above != nullptr ? *above : *below);
    if (!threshold || !std::isfinite(*threshold))
      return JsonError(400, "above/below must be a number");
  }
  const MetricFile file = FileOf(api, *parts);
  if (!file.exists()) return JsonError(404, file.Missing());
  const auto now = Clock::now();
  auto series =
      dashboards::FetchSeries(file.path.string(), "AVERAGE", now - seconds(span), now, api.daemon);
  if (!series) return JsonError(500, series.error().message);
  const auto trend = dashboards::FitTrend(*series);
  if (!trend) return JsonError(422, "too few values in the period for a trend");
  nlohmann::json out{{"node", file.node},
                     {"check", file.check},
                     {"metric", file.metric},
                     {"points", trend->points},
                     {"last", trend->last_value},
                     {"slope_per_day", trend->SlopePerDay()},
                     {"r2", trend->r2}};
  if (threshold) {
    const auto direction =
        below != nullptr ? dashboards::Direction::kDown : dashboards::Direction::kUp;
    const dashboards::Crossing c = dashboards::ProjectCrossing(*trend, *threshold, direction, now);
    out["threshold"] = *threshold;
    out["direction"] = below != nullptr ? "below" : "above";
    out["crossing"] = c.kind == dashboards::Crossing::Kind::kNever     ? "never"
                      : c.kind == dashboards::Crossing::Kind::kAlready ? "already"
                                                                       : "at";
    out["when"] = c.kind == dashboards::Crossing::Kind::kNever ? nlohmann::json()
                                                               : nlohmann::json(FormatTime(c.when));
    out["days"] = c.kind == dashboards::Crossing::Kind::kNever ? nlohmann::json()
                                                               : nlohmann::json(c.DaysFrom(now));
  }
  return Response{200,
                  "application/json",
                  out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
                  {}};
}

}  // namespace gs::collector::web
