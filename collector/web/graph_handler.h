// GET /graph/<node>/<check>/<metric>.png|svg: one metric's RRD file drawn by the renderer.
//
// Query parameters (all optional):
//   period=hour|day|week|month|year   the span shown, ending now (default day)
//   start=, end=                      epoch seconds instead of a period (end defaults to now)
//   width=100..3000, height=50..1500  the canvas (default 720 x 200)
//   cf=AVERAGE|MIN|MAX                the archives read (default AVERAGE)
//   trend=1                           a least-squares trend line, projected a quarter of the
//                                     span past now (unless end= is given)
//   warn=NUMBER, crit=NUMBER          drawn as dashed horizontal rules
//
// Runs on the HTTP server's pool for slow requests (it waits for the renderer); thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "collector/web/http_request.h"
#include "dashboards/graph.h"
#include "dashboards/graph_renderer.h"

namespace gs::collector::web {

struct GraphApi {
  std::filesystem::path rrd_root;  // data_dir/rrd
  std::string daemon;              // rrd.daemon: "" or "unix:/path" of rrdcached
  dashboards::GraphRenderer* renderer = nullptr;
};

// The GraphSpec a graph request asks for at `now`, or the 400/404 response that refuses it
// (bad path, unknown format, a parameter out of range, no such file). Pure apart from checking
// that the file exists.
struct GraphRequest {
  std::optional<dashboards::GraphSpec> spec;
  Response error;
  int max_age = 0;  // seconds the image stays right (one pixel of time): Cache-Control
};
GraphRequest ParseGraphRequest(const GraphApi& api, const Request& request,
                               std::chrono::system_clock::time_point now);

// Sets the canvas, the archives, the times and the threshold lines of `spec` from the query
// parameters above; `default_span` (seconds) and spec.trend are the defaults of period= and
// trend=. Returns what is wrong with a bad parameter.
std::optional<std::string> ApplyImageQuery(const Request& request,
                                           std::chrono::system_clock::time_point now,
                                           long default_span, dashboards::GraphSpec& spec,
                                           int& max_age);

// The rendered image of a parsed request (200, with Cache-Control), 503 when the renderer is
// busy, 500 when librrd fails.
Response RenderedImage(const GraphApi& api, const GraphRequest& parsed);

// The image (200), or 400/404 as ParseGraphRequest says, 503 when the renderer is busy, 500
// when librrd fails on an existing file.
Response GraphImage(const GraphApi& api, const Request& request);

// GET /api/v1/forecast/<node>/<check>/<metric>?above=N|below=N[&period=week]: the
// least-squares trend of the metric over the period (default week, ending now) and when it
// reaches N: {"node", "check", "metric", "points", "last", "slope_per_day", "r2", "threshold",
// "direction": "above|below", "crossing": "never|already|at", "when": RFC 3339 | null,
// "days": number | null}. Without above/below, only the trend. 404 for no such file, 400 for
// a bad parameter, 422 when there are too few points for a trend. Reads the file (with
// rrd.daemon: flushes it first): register with RouteBlockingPrefix.
Response ForecastJson(const GraphApi& api, const Request& request);

}  // namespace gs::collector::web
