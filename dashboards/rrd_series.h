// Reads one metric's history out of an RRD file (as collector::RrdWriter writes them:
// data_dir/rrd/<node>/<check>/<metric>.rrd) into a Series for dashboards/forecast.h.
//
// Thread-safety: call FetchSeries only from the one thread that owns librrd (the RRD worker).
// The file read itself uses librrd's thread-safe rrd_fetch_r, but with a `daemon` it also uses
// librrd's single process-wide rrdcached connection (rrdc_connect/rrdc_flush), which
// collector::RrdWriter uses too; and a read racing a write of the same file in another thread
// could see a half-written row. Blocks on file (and socket) I/O: never call it on the
// io_context thread.
#pragma once

#include <chrono>
#include <string>

#include "dashboards/forecast.h"
#include "probes/result.h"

namespace gs::dashboards {

struct FetchOptions {
  // "" reads the file as it is on disk. "unix:/path" (or "host:port") of an rrdcached: asks it
  // to flush `path` first, so values it still holds in memory are not missing. The connection
  // is librrd's global one; it stays open for the next call (and for RrdWriter) and is
  // replaced when a different address is given. With rrdcached -B the file must lie under its
  // base directory; give an absolute path.
  std::string daemon;
  // Preferred row length; 0: the finest archive that covers [start, end] (librrd chooses; a
  // span older than the finest archive's reach comes from a coarser one).
  std::chrono::seconds resolution{0};
};

// The rows of consolidation function `cf` ("AVERAGE", "MIN", "MAX") of the file's first data
// source whose interval overlaps (start, end]. A row stamped t holds the consolidated value of
// (t - step, t]: for an aligned `start` the first row is stamped start + step, and the last row
// is the one containing `end`. (librrd itself adds the row (end, end + step] when `end` is
// aligned, as `rrdtool fetch` prints it; that row is dropped here.) Unknown rows are NaN.
// Series.start is the first row's stamp, Series.step the archive's row length.
// librrd also serves a CF the file has no archive for from a 1-step archive, where every CF is
// the value itself.
// Fails, with librrd's message and the path, when the file does not exist, is not an RRD, has
// no archive for `cf`, or the rrdcached connection or flush fails; and when start is not
// before end.
[[nodiscard]] Result<Series> FetchSeries(const std::string& path, const std::string& cf,
                                         std::chrono::system_clock::time_point start,
                                         std::chrono::system_clock::time_point end,
                                         const FetchOptions& options = {});

// Shorthand for the common case: FetchOptions{.daemon = daemon}.
[[nodiscard]] Result<Series> FetchSeries(const std::string& path, const std::string& cf,
                                         std::chrono::system_clock::time_point start,
                                         std::chrono::system_clock::time_point end,
                                         const std::string& daemon);

}  // namespace gs::dashboards
