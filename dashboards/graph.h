// Graph: what one rendered RRD graph shows (GraphSpec), the rrd_graph arguments that draw it
// (GraphArgs) and the librrd call that renders it to PNG or SVG bytes (RenderGraph).
//
// GraphArgs is a pure function; thread-safe. RenderGraph calls librrd's graph code, which keeps
// global state (getopt, font cache) and is not thread-safe: call it from one thread only
// (GraphRenderer owns that thread in the daemon).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probes/result.h"

namespace gs::dashboards {

enum class ImageFormat { kPng, kSvg };

// "image/png" or "image/svg+xml".
std::string_view ContentType(ImageFormat format);

// One line (or stacked area) of a graph: the "value" data source of one RRD file.
struct GraphSeries {
  std::string file;    // path of the .rrd file
  std::string legend;  // shown in the legend with its last, average and maximum value
  std::string color;   // "#RRGGBB"; "" takes the next colour of the palette
};

// A horizontal rule, e.g. a check's warning or critical threshold.
struct GraphThreshold {
  double value = 0;
  std::string label;
  std::string color;  // "#RRGGBB"
};

struct GraphSpec {
  std::string title;
  std::string vertical_label;  // the unit, e.g. "s" or "B"
  std::vector<GraphSeries> series;
  std::string cf = "AVERAGE";  // consolidation function read from the archives: AVERAGE, MIN, MAX
  bool stacked = false;        // areas stacked on each other instead of overlaid lines
  std::vector<GraphThreshold> thresholds;
  // A least-squares trend line per series over the shown data, drawn dashed to `end`; with
  // `end` in the future it is the projection.
  bool trend = false;
  std::chrono::system_clock::time_point start;
  std::chrono::system_clock::time_point end;
  int width = 720;  // of the canvas, pixels (librrd adds axes and legend around it)
  int height = 200;
  std::optional<double> lower_limit;  // fixed axis limits (rigid); unset: librrd scales
  std::optional<double> upper_limit;
  ImageFormat format = ImageFormat::kPng;
  // "unix:/path" of rrdcached: librrd asks it to flush every file before reading, so a graph
  // never misses values rrdcached still holds. "": the files are read directly.
  std::string daemon;
};

// The arguments after "graphv <file>" that draw `spec` (one DEF per series, legend with
// last/average/maximum, HRULEs, trend VDEF/CDEFs). Colons and backslashes in file names and
// text are escaped as rrd_graph requires.
std::vector<std::string> GraphArgs(const GraphSpec& spec);

// Renders `spec` in memory; it needs a series or a threshold line. Fails with librrd's
// message (a missing file, an unreadable RRD, a bad time range). REQUIRES: no other thread calls
// librrd's graph code at the same time.
Result<std::string> RenderGraph(const GraphSpec& spec);

}  // namespace gs::dashboards
