#include "dashboards/graph.h"

#include <rrd.h>

#include <array>
#include <charconv>
#include <cstring>

namespace gs::dashboards {
namespace {

// Distinct on white and for the common kinds of colour blindness (Okabe-Ito, then greys).
constexpr std::array<std::string_view, 8> kPalette = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                                      "#56B4E9", "#D55E00", "#000000", "#999999"};
constexpr std::string_view kTrendColor = "#D55E00";

// rrd_graph splits its arguments on ':'; a literal colon (or backslash) is escaped.
std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == ':' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string Seconds(std::chrono::system_clock::time_point t) {
  return std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
}

std::string Number(double v) {
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

// The series' colour: its own, else the palette's.
std::string ColorOf(const GraphSpec& spec, std::size_t i) {
  const std::string& own = spec.series[i].color;
  return own.empty() ? std::string(kPalette[i % kPalette.size()]) : own;
}

void AddSeries(const GraphSpec& spec, std::size_t i, std::vector<std::string>& args) {
  const std::string v = "v" + std::to_string(i);
  const GraphSeries& s = spec.series[i];
  const std::string color = ColorOf(spec, i);
  args.push_back("DEF:" + v + "=" + Escape(s.file) + ":value:" + spec.cf);
  const std::string legend = Escape(s.legend.empty() ? s.file : s.legend);
  if (spec.stacked) {
    args.push_back("AREA:" + v + color + "CC:" + legend + (i > 0 ? ":STACK" : ""));
  } else {
    args.push_back("LINE1:" + v + color + ":" + legend);
  }
  for (const auto& [name, fn] :
       {std::pair{"last", "LAST"}, {"avg", "AVERAGE"}, {"max", "MAXIMUM"}}) {
    args.push_back("VDEF:" + v + name + "=" + v + "," + fn);
    args.push_back("GPRINT:" + v + name + ":" + name + " %.3lf%s");
  }
  args.push_back("COMMENT:\\l");
  if (spec.trend) {
    // The least-squares line through the shown points, evaluated at every step up to `end`
    // (COUNT is the step's index, as LSLSLOPE's x is).
    args.push_back("VDEF:" + v + "slope=" + v + ",LSLSLOPE");
    args.push_back("VDEF:" + v + "int=" + v + ",LSLINT");
    args.push_back("CDEF:" + v + "trend=" + v + ",POP," + v + "slope,COUNT,*," + v + "int,+");
    args.push_back("LINE1:" + v + "trend" +
                   std::string(spec.series.size() == 1 ? kTrendColor : color) + ":" + legend +
                   " trend:dashes");
    args.push_back("COMMENT:\\l");
  }
}

}  // namespace

std::string_view ContentType(ImageFormat format) {
  return format == ImageFormat::kSvg ? "image/svg+xml" : "image/png";
}

std::vector<std::string> GraphArgs(const GraphSpec& spec) {
  std::vector<std::string> args = {"--imgformat", spec.format == ImageFormat::kSvg ? "SVG" : "PNG",
                                   "--start",     Seconds(spec.start),
                                   "--end",       Seconds(spec.end),
                                   "--width",     std::to_string(spec.width),
                                   "--height",    std::to_string(spec.height),
                                   "--slope-mode"};
  if (!spec.title.empty()) args.insert(args.end(), {"--title", spec.title});
  if (!spec.vertical_label.empty())
    args.insert(args.end(), {"--vertical-label", spec.vertical_label});
  if (spec.lower_limit) args.insert(args.end(), {"--lower-limit", Number(*spec.lower_limit)});
  if (spec.upper_limit) args.insert(args.end(), {"--upper-limit", Number(*spec.upper_limit)});
  if (spec.lower_limit || spec.upper_limit) args.push_back("--rigid");
  if (!spec.daemon.empty()) args.insert(args.end(), {"--daemon", spec.daemon});
  for (std::size_t i = 0; i < spec.series.size(); ++i) AddSeries(spec, i, args);
  for (const GraphThreshold& t : spec.thresholds) {
    args.push_back("HRULE:" + Number(t.value) + t.color + ":" + Escape(t.label) + ":dashes");
  }
  return args;
}

Result<std::string> RenderGraph(const GraphSpec& spec) {
  if (spec.series.empty() && spec.thresholds.empty()) {
    return Fail("a graph needs at least one series or line");
  }
  std::vector<std::string> args = GraphArgs(spec);
  args.insert(args.begin(), {"graphv", "-"});  // "-": the image comes back in the info list
  std::vector<char*> argv;
  argv.reserve(args.size());
  for (std::string& a : args) argv.push_back(a.data());
  rrd_clear_error();
  rrd_info_t* info = rrd_graph_v(static_cast<int>(argv.size()), argv.data());
  if (info == nullptr) {
    std::string message = rrd_test_error() ? rrd_get_error() : "rrd_graph failed";
    rrd_clear_error();
    return Fail(message);
  }
  std::string image;
  for (rrd_info_t* i = info; i != nullptr; i = i->next) {
    if (i->type == RD_I_BLO && std::strcmp(i->key, "image") == 0) {
      image.assign(reinterpret_cast<const char*>(i->value.u_blo.ptr), i->value.u_blo.size);
    }
  }
  rrd_info_free(info);
  if (image.empty()) return Fail("rrd_graph returned no image");
  return image;
}

}  // namespace gs::dashboards

// LeakSanitizer (ASan builds): librrd 1.7.2's graph code leaks about 15 bytes per render and
// per GPRINT (vasprintf'd strings in rrd_graph_v; the rrdtool CLI does the same), and pango and
// fontconfig keep their font caches for the life of the process. Neither is ours to free.
// librrd is built without frame pointers, so LSan's fast unwinder stops inside it: the
// suppressions name the modules (and glibc's vasprintf, which only librrd calls here), not
// rrd_graph_v. The hook is only read by LSan.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:rrd_graph_v\nleak:librrd.so\nleak:__vasprintf_internal\nleak:libfontconfig.so\n"
         "leak:libpango\n";
}
