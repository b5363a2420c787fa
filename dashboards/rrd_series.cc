#include "dashboards/rrd_series.h"

#include <rrd.h>
extern "C" {
// librrd 1.7.2's rrd_client.h has no extern "C" guard of its own.
#include <rrd_client.h>
}

#include <ctime>
#include <utility>
#include <vector>

namespace gs::dashboards {
namespace {

using Clock = std::chrono::system_clock;

// librrd keeps its last error per thread; read it and clear it.
std::string TakeRrdError() {
  std::string msg = rrd_test_error() != 0 ? rrd_get_error() : "unknown librrd error";
  rrd_clear_error();
  return msg;
}

// What a successful rrd_fetch_r returns, freed with rrd_freemem. (After a failed call librrd
// has freed its buffers itself, possibly leaving the pointers dangling: never wrap those.)
class Fetched {
 public:
  Fetched(unsigned long ds_count, char** ds_names, rrd_value_t* data)
      : ds_count_(ds_count), ds_names_(ds_names), data_(data) {}
  ~Fetched() {
    for (unsigned long i = 0; i < ds_count_; ++i) rrd_freemem(ds_names_[i]);
    rrd_freemem(ds_names_);
    rrd_freemem(data_);
  }
  Fetched(const Fetched&) = delete;
  Fetched& operator=(const Fetched&) = delete;

  [[nodiscard]] unsigned long ds_count() const { return ds_count_; }
  // Row `row` of the first data source (rows are ds_count values wide).
  [[nodiscard]] double First(std::size_t row) const { return data_[row * ds_count_]; }

 private:
  unsigned long ds_count_;
  char** ds_names_;
  rrd_value_t* data_;
};

// Asks rrdcached at `daemon` to write what it holds for `path` to disk.
Result<void> FlushDaemon(const std::string& daemon, const std::string& path) {
  // A no-op when already connected to `daemon`; reconnects when it was another address.
  if (rrdc_connect(daemon.c_str()) != 0) {
    return Fail("connecting to rrdcached at " + daemon + ": " + TakeRrdError());
  }
  if (rrdc_flush(path.c_str()) != 0) {
    return Fail("rrdcached " + daemon + " flushing " + path + ": " + TakeRrdError());
  }
  return {};
}

// The Series of the first data source in `fetched`, whose row k librrd stamped
// rrd_start + (k + 1) * step, keeping the rows whose interval (stamp - step, stamp] overlaps
// (.., end_s]: librrd adds the row (end, end + step] when `end` is aligned.
Series RowsUpTo(const Fetched& fetched, std::time_t rrd_start, std::time_t rrd_end,
                unsigned long step, long long end_s) {
  using std::chrono::seconds;
  const auto stamps = static_cast<long long>(step);
  const auto rows = static_cast<std::size_t>((rrd_end - rrd_start) / stamps);
  Series series;
  series.step = seconds(stamps);
  series.start = Clock::time_point(seconds(rrd_start + stamps));
  series.values.reserve(rows);
  for (std::size_t k = 0; k < rows; ++k) {
    const long long stamp = rrd_start + static_cast<long long>(k + 1) * stamps;
    if (stamp - stamps >= end_s) break;
    series.values.push_back(fetched.First(k));
  }
  return series;
}

}  // namespace

Result<Series> FetchSeries(const std::string& path, const std::string& cf, Clock::time_point start,
                           Clock::time_point end, const FetchOptions& options) {
  using std::chrono::seconds;
  // Whole seconds covering the request: (start, end] widened, never narrowed.
  const auto start_s = std::chrono::floor<seconds>(start.time_since_epoch()).count();
  const auto end_s = std::chrono::ceil<seconds>(end.time_since_epoch()).count();
  if (start_s >= end_s) {
    return Fail("fetching " + path + ": start " + std::to_string(start_s) + " is not before end " +
                std::to_string(end_s));
  }
  if (!options.daemon.empty()) {
    if (auto flushed = FlushDaemon(options.daemon, path); !flushed) {
      return tl::unexpected(std::move(flushed.error()));
    }
  }

  auto rrd_start = static_cast<std::time_t>(start_s);
  auto rrd_end = static_cast<std::time_t>(end_s);
  unsigned long step = options.resolution.count() > 0
                           ? static_cast<unsigned long>(options.resolution.count())
                           : 1;  // as `rrdtool fetch` without -r: the finest that covers
  unsigned long ds_count = 0;
  char** ds_names = nullptr;
  rrd_value_t* data = nullptr;
  if (rrd_fetch_r(path.c_str(), cf.c_str(), &rrd_start, &rrd_end, &step, &ds_count, &ds_names,
                  &data) != 0) {
    return Fail("fetching " + cf + " from " + path + ": " + TakeRrdError());
  }
  const Fetched fetched(ds_count, ds_names, data);
  if (fetched.ds_count() == 0 || step == 0) return Fail("fetching " + path + ": no data source");

  return RowsUpTo(fetched, rrd_start, rrd_end, step, end_s);
}

Result<Series> FetchSeries(const std::string& path, const std::string& cf, Clock::time_point start,
                           Clock::time_point end, const std::string& daemon) {
  return FetchSeries(path, cf, start, end, FetchOptions{.daemon = daemon});
}

}  // namespace gs::dashboards
