// graphs_bench: RRD write throughput over many files and graph render latency while writing.
//
//   graphs_bench DIR [FILES=10000] [VALUES=10] [RENDERS=50] [RRDCACHED=unix:/path]
//
// 1. Writes: FILES files (step 60 s, the collector's Munin-style archives) through RrdWriter,
//    VALUES values each, three ways: (a) cache_timeout 0 (values written as they come; a file
//    gets one update per drained batch), (b) cache_timeout 1 h (each file's VALUES values in one
//    update), (c) through rrdcached (when RRDCACHED is given), including the flush to disk.
//    The files are created in an unmeasured first pass; values/s counts the measured pass.
// 2. Renders while writing: a writer thread keeps submitting values (through rrdcached when
//    given, else batched) while one-year graphs over 1 and over 50 files (hourly data for a
//    year) are drawn by RenderGraph, as the renderer thread does; p50/p99 in ms. The same
//    one-file graph through the `rrdtool graph` CLI for comparison.
// 3. The overview page (RenderStatusPage) with 10,000 checks: p50/p99.
// Every loop is bounded in count; bench/graphs.sh runs it.
#include <rrd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "collector/storage/rrd_writer.h"
#include "dashboards/graph.h"
#include "dashboards/status_page.h"

namespace gs {
namespace {

using Clock = std::chrono::steady_clock;
using Sys = std::chrono::system_clock;
namespace fs = std::filesystem;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// p50 and p99 of `ms` (sorted in place).
std::pair<double, double> Percentiles(std::vector<double>& ms) {
  std::sort(ms.begin(), ms.end());
  const auto at = [&](double q) {
    return ms[std::min(ms.size() - 1,
                       static_cast<std::size_t>(q * static_cast<double>(ms.size())))];
  };
  return {at(0.50), at(0.99)};
}

collector::RrdWriter::Sample SampleFor(int file, long t, double v) {
  collector::RrdWriter::Sample s;
  s.node = "n" + std::to_string(file);
  s.check = "http";
  s.step = std::chrono::seconds(60);
  s.time = Sys::from_time_t(t);
  s.perfdata = {probes::Perfdata{"time_total", v, "s", "", "", std::nullopt, std::nullopt}};
  return s;
}

// One pass of `values` values over `files` files; seconds until everything is written.
double WritePass(collector::RrdWriter& w, int files, int values, long t0) {
  const auto start = Clock::now();
  for (int v = 0; v < values; ++v) {
    for (int f = 0; f < files; ++f) {
      while (!w.Submit(SampleFor(f, t0 + 60L * v, v))) std::this_thread::yield();  // queue full
    }
  }
  w.Flush();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void WriteMode(const char* name, const fs::path& root, const std::string& daemon,
               std::chrono::seconds cache, int files, int values, long t0) {
  fs::create_directories(root);
  collector::RrdWriter w(
      {.root = root, .daemon = daemon, .queue_capacity = 100000, .cache_timeout = cache});
  const double create_s = WritePass(w, files, 1, t0);
  const double s = WritePass(w, files, values, t0 + 60);
  std::printf(
      "write %-22s files %d values/file %d: %.0f values/s (%.2f s; create pass %.2f s; "
      "errors %llu)\n",
      name, files, values, files * values / s, s, create_s,
      static_cast<unsigned long long>(w.stats().errors.load()));
}

// A file with a year of hourly values (a slow sine, so the graph has a shape).
std::string YearFile(const fs::path& dir, int i, long now) {
  const std::string path = (dir / ("year" + std::to_string(i) + ".rrd")).string();
  const long start = now - 366L * 86400;
  const char* rras[] = {"DS:value:GAUGE:7200:U:U", "RRA:AVERAGE:0.5:1:9000",
                        "RRA:AVERAGE:0.5:24:400", "RRA:MAX:0.5:24:400"};
  if (rrd_create_r2(path.c_str(), 3600, start - 3600, 1, nullptr, nullptr, 4, rras) != 0) {
    std::fprintf(stderr, "create %s: %s\n", path.c_str(), rrd_get_error());
    std::exit(1);
  }
  std::vector<std::string> values;
  for (long t = start; t <= now; t += 3600) {
    values.push_back(std::to_string(t) + ":" +
                     std::to_string(50 + 40 * std::sin(static_cast<double>(t) / 8.6e5 + i)));
  }
  std::vector<const char*> argv;
  for (const std::string& v : values) argv.push_back(v.c_str());
  if (rrd_update_r(path.c_str(), nullptr, static_cast<int>(argv.size()), argv.data()) != 0) {
    std::fprintf(stderr, "update %s: %s\n", path.c_str(), rrd_get_error());
    std::exit(1);
  }
  return path;
}

void RenderLatency(const char* name, dashboards::GraphSpec spec, int renders) {
  std::vector<double> ms;
  for (int i = 0; i < renders; ++i) {
    spec.end += std::chrono::seconds(1);  // a different graph each time: nothing cached
    const auto t = Clock::now();
    auto image = dashboards::RenderGraph(spec);
    ms.push_back(Ms(Clock::now() - t));
    if (!image) {
      std::fprintf(stderr, "render: %s\n", image.error().message.c_str());
      std::exit(1);
    }
  }
  const auto [p50, p99] = Percentiles(ms);
  std::printf("render %-28s %d renders: p50 %.1f ms p99 %.1f ms\n", name, renders, p50, p99);
}

void CliLatency(const std::string& file, int runs) {
  std::vector<double> ms;
  const std::string cmd =
      "rrdtool graph /dev/null --imgformat PNG --start end-1y --end now "
      "--width 720 --height 200 DEF:v=" +
      file + ":value:AVERAGE LINE1:v#0072B2:v >/dev/null";
  for (int i = 0; i < runs; ++i) {
    const auto t = Clock::now();
    if (std::system(cmd.c_str()) != 0) {
      std::fprintf(stderr, "rrdtool graph failed\n");
      return;
    }
    ms.push_back(Ms(Clock::now() - t));
  }
  const auto [p50, p99] = Percentiles(ms);
  std::printf("render %-28s %d runs: p50 %.1f ms p99 %.1f ms (process start included)\n",
              "rrdtool graph CLI, 1 file", runs, p50, p99);
}

void OverviewLatency(int checks, int renders) {
  std::vector<dashboards::StatusRow> rows;
  const auto now = Sys::now();
  for (int i = 0; i < checks; ++i) {
    dashboards::StatusRow row;
    row.node = "node" + std::to_string(i / 3);
    row.check = "check" + std::to_string(i % 3);
    row.state = i % 50 == 0 ? "CRITICAL" : "OK";
    row.state_type = "HARD";
    row.max_attempts = 3;
    row.output = "HTTP OK - 200 OK in 0.004 s";
    row.last_check = now;
    row.last_change = now - std::chrono::hours(i % 100);
    row.acknowledged = i % 100 == 0;
    rows.push_back(std::move(row));
  }
  std::vector<double> ms;
  std::size_t bytes = 0;
  for (int i = 0; i < renders; ++i) {
    const auto t = Clock::now();
    bytes = dashboards::RenderStatusPage(rows, now, "groundstation").size();
    ms.push_back(Ms(Clock::now() - t));
  }
  const auto [p50, p99] = Percentiles(ms);
  std::printf("overview page, %d checks (%zu KB): p50 %.1f ms p99 %.1f ms\n", checks, bytes / 1024,
              p50, p99);
}

int Main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: graphs_bench DIR [FILES] [VALUES] [RENDERS] [RRDCACHED]\n");
    return 2;
  }
  const fs::path dir = argv[1];
  const int files = argc > 2 ? std::atoi(argv[2]) : 10000;
  const int values = argc > 3 ? std::atoi(argv[3]) : 10;
  const int renders = argc > 4 ? std::atoi(argv[4]) : 50;
  const std::string daemon = argc > 5 ? argv[5] : "";
  if (files <= 0 || files > 100000 || values <= 0 || values > 1000 || renders <= 0 ||
      renders > 10000) {
    std::fprintf(stderr, "graphs_bench: out of range\n");
    return 2;
  }
  const long now = static_cast<long>(Sys::to_time_t(Sys::now()));
  const long t0 = now - 3600L * 24;  // values an hour a day ago onwards: all in the past
  WriteMode("cache_timeout 0", dir / "direct", "", std::chrono::seconds(0), files, values, t0);
  WriteMode("cache_timeout 1h", dir / "batched", "", std::chrono::hours(1), files, values, t0);
  if (!daemon.empty()) {
    WriteMode("rrdcached", dir / "cached", daemon, std::chrono::seconds(0), files, values, t0);
  }

  fs::create_directories(dir / "year");
  std::vector<std::string> year;
  for (int i = 0; i < 50; ++i) year.push_back(YearFile(dir / "year", i, now));

  // A writer that keeps going while the graphs are drawn: batched values to the 10,000 files
  // (through rrdcached when given), bounded in count.
  std::atomic<bool> rendering{true};
  std::atomic<std::uint64_t> written{0};  // values the writer wrote (or rrdcached took) meanwhile
  std::thread writer([&] {
    collector::RrdWriter w({.root = daemon.empty() ? dir / "batched" : dir / "cached",
                            .daemon = daemon,
                            .queue_capacity = 100000,
                            .cache_timeout = std::chrono::seconds(daemon.empty() ? 5 : 0)});
    for (int v = 0; v < 200 && rendering; ++v) {
      for (int f = 0; f < files && rendering; ++f) {
        while (rendering && !w.Submit(SampleFor(f, t0 + 60L * (values + 2 + v), v))) {
          std::this_thread::yield();  // queue full: the writer is the bottleneck
        }
      }
    }
    while (rendering) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    written = w.stats().updates.load();
    w.Stop();
  });
  const auto render_start = Clock::now();
  dashboards::GraphSpec one;
  one.series = {{year[0], "one", ""}};
  one.start = Sys::from_time_t(now - 366L * 86400);
  one.end = Sys::from_time_t(now);
  RenderLatency("one-year graph, 1 file", one, renders);
  dashboards::GraphSpec fifty = one;
  fifty.series.clear();
  for (int i = 0; i < 50; ++i)
    fifty.series.push_back({year[static_cast<std::size_t>(i)], "f" + std::to_string(i), ""});
  RenderLatency("one-year graph, 50 files", fifty, std::max(1, renders / 2));
  const double render_s = std::chrono::duration<double>(Clock::now() - render_start).count();
  rendering = false;
  writer.join();
  std::printf("written meanwhile%s: %llu values in %.1f s (%.0f values/s)\n",
              daemon.empty() ? " (batched)" : " (through rrdcached)",
              static_cast<unsigned long long>(written.load()), render_s,
              static_cast<double>(written.load()) / render_s);
  CliLatency(year[0], 10);
  OverviewLatency(10000, 20);
  return 0;
}

}  // namespace
}  // namespace gs

int main(int argc, char** argv) { return gs::Main(argc, argv); }
