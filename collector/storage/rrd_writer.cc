#include "collector/storage/rrd_writer.h"

#include <pthread.h>
#include <rrd.h>
extern "C" {
// librrd 1.7.2's rrd_client.h has no extern "C" guard of its own.
#include <rrd_client.h>
}

#include <charconv>
#include <cmath>
#include <cstdio>
#include <system_error>
#include <utility>

#include "collector/storage/names.h"

namespace gs::collector {
namespace {

// Munin's archives: (span of one row in seconds, seconds the archive covers).
struct Span {
  long row_seconds;
  long covers;
};
constexpr Span kMuninSpans[] = {
    {0, 2L * 86400}, {1800, 9L * 86400}, {7200, 45L * 86400}, {86400, 450L * 86400}};

// librrd keeps its last error per thread; read it and clear it.
std::string TakeRrdError() {
  std::string msg = rrd_test_error() ? rrd_get_error() : "unknown librrd error";
  rrd_clear_error();
  return msg;
}

std::string FormatValue(std::time_t t, double v) {
  std::string out = std::to_string(t) + ":";
  if (!std::isfinite(v)) return out + "U";
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return out.append(buf, res.ptr);
}

bool PowerOfTen(std::uint64_t n) {
  while (n >= 10 && n % 10 == 0) n /= 10;
  return n == 1;
}

std::vector<const char*> CStrings(const std::vector<std::string>& v) {
  std::vector<const char*> out;
  out.reserve(v.size());
  for (const std::string& s : v) out.push_back(s.c_str());
  return out;
}

// Creates the root and makes it absolute and canonical: rrdcached resolves paths itself and
// its -B option refuses anything outside its base directory. Errors surface per file later.
RrdWriter::Options Normalized(RrdWriter::Options options) {
  std::error_code ec;
  std::filesystem::create_directories(options.root, ec);
  const std::filesystem::path abs = std::filesystem::absolute(options.root, ec);
  if (ec) return options;
  const std::filesystem::path canonical = std::filesystem::weakly_canonical(abs, ec);
  options.root = ec ? abs : canonical;
  return options;
}

}  // namespace

std::vector<std::string> MuninRras(std::chrono::seconds step) {
  const long s = std::max<long>(1, static_cast<long>(step.count()));
  std::vector<std::string> out;
  for (const char* cf : {"AVERAGE", "MIN", "MAX"}) {
    for (const Span& span : kMuninSpans) {
      const long pdps = std::max<long>(1, (span.row_seconds + s - 1) / s);
      const long row = pdps * s;
      const long rows = std::max<long>(1, (span.covers + row - 1) / row);
      out.push_back("RRA:" + std::string(cf) + ":0.5:" + std::to_string(pdps) + ":" +
                    std::to_string(rows));
    }
  }
  return out;
}

struct RrdWriter::Pending {
  std::string path;
  std::chrono::seconds step;
  std::vector<std::pair<std::time_t, double>> values;  // in submission order
};

Result<std::unique_ptr<RrdWriter>> RrdWriter::Start(Options options) {
  std::error_code ec;
  std::filesystem::create_directories(options.root, ec);
  if (ec) return Fail("creating " + options.root.string() + ": " + ec.message());
  return std::make_unique<RrdWriter>(std::move(options));
}

RrdWriter::RrdWriter(Options options) : options_(Normalized(std::move(options))) {
  worker_ = std::thread(&RrdWriter::Run, this);
  // Named so per-thread CPU (top -H, /proc/PID/task) shows the writer's share of a daemon.
  pthread_setname_np(worker_.native_handle(), "gs-rrd-writer");
}

RrdWriter::~RrdWriter() { Stop(); }

bool RrdWriter::Submit(Sample sample) {
  std::lock_guard lock(mu_);
  if (stopping_ || stopped_ || queue_.size() >= options_.queue_capacity) {
    stats_.dropped++;
    return false;
  }
  queue_.push_back(std::move(sample));
  stats_.queued = static_cast<std::int64_t>(queue_.size());
  // With the cache on, the writer collects the queue once a second (or when a batch has
  // piled up) rather than being woken for every sample: one context switch per check
  // result was a measurable part of a large schedule's cost (bench/README.md).
  if (options_.cache_timeout.count() == 0 || queue_.size() >= WakeBatch()) work_cv_.notify_one();
  return true;
}

void RrdWriter::Flush() {
  std::unique_lock lock(mu_);
  if (stopped_) return;
  const std::uint64_t ticket = ++flush_requested_;
  work_cv_.notify_one();
  done_cv_.wait(lock, [&] { return flush_done_ >= ticket || stopped_; });
}

void RrdWriter::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || stopped_) return;
    stopping_ = true;  // the worker drains and flushes everything before it exits
  }
  work_cv_.notify_one();
  worker_.join();
  std::lock_guard lock(mu_);
  stopped_ = true;
  done_cv_.notify_all();
}

void RrdWriter::Run() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (options_.cache_timeout.count() == 0) {
      work_cv_.wait(lock,
                    [&] { return stopping_ || !queue_.empty() || flush_requested_ > flush_done_; });
    } else {
      auto until = std::chrono::steady_clock::now() + kCollectEvery;
      if (!held_.empty()) until = std::min(until, held_since_ + options_.cache_timeout);
      work_cv_.wait_until(lock, until, [&] {
        return stopping_ || queue_.size() >= WakeBatch() || flush_requested_ > flush_done_;
      });
    }
    std::deque<Sample> batch;
    batch.swap(queue_);
    stats_.queued = 0;
    const std::uint64_t flush_to = flush_requested_;
    const bool flush = flush_to > flush_done_;
    const bool exit = stopping_ && batch.empty();
    lock.unlock();
    Collect(std::move(batch));
    if (flush || exit || options_.cache_timeout.count() == 0 ||
        std::chrono::steady_clock::now() >= held_since_ + options_.cache_timeout) {
      WriteHeld();
    }
    if (flush || exit) FlushDaemon();
    lock.lock();
    flush_done_ = flush_to;
    done_cv_.notify_all();
    if (exit) break;
  }
  if (!options_.daemon.empty()) rrdc_disconnect();
}

void RrdWriter::Collect(std::deque<Sample> batch) {
  if (held_.empty() && !batch.empty()) held_since_ = std::chrono::steady_clock::now();
  std::int64_t added_values = 0;
  for (Sample& s : batch) {
    const std::time_t t =
        std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(s.time));
    const std::filesystem::path dir = options_.root / SanitizeName(s.node) / SanitizeName(s.check);
    for (const probes::Perfdata& p : s.perfdata) {
      std::string path = (dir / (SanitizeName(p.label) + ".rrd")).string();
      auto [it, added] = held_index_.emplace(path, held_.size());
      if (added) held_.push_back(Pending{std::move(path), s.step, {}});
      held_[it->second].values.emplace_back(t, p.value);
      ++added_values;
    }
  }
  stats_.cached += added_values;
}

void RrdWriter::WriteHeld() {
  for (const Pending& p : held_) WriteFile(p);
  held_.clear();
  held_index_.clear();
  stats_.cached = 0;
}

void RrdWriter::WriteFile(const Pending& p) {
  const std::time_t* last = Open(p.path, p.step, p.values.front().first);
  if (last == nullptr) return;
  std::time_t newest = *last;
  std::vector<std::string> values;
  for (const auto& [t, v] : p.values) {
    if (t <= newest) {  // librrd refuses same-second and older updates; drop them here
      stats_.stale++;
      continue;
    }
    values.push_back(FormatValue(t, v));
    newest = t;
  }
  if (values.empty()) return;
  last_[p.path] = newest;
  Update(p.path, values);
}

const std::time_t* RrdWriter::Open(const std::string& path, std::chrono::seconds step,
                                   std::time_t first) {
  if (auto it = last_.find(path); it != last_.end()) return &it->second;
  if (!Connect()) return nullptr;
  std::error_code ec;
  std::time_t last = 0;
  if (std::filesystem::exists(path, ec)) {
    last = LastUpdate(path);
    if (last < 0) return nullptr;
  } else {
    if (!Create(path, step, first)) return nullptr;
    last = first - 1;
  }
  return &last_.emplace(path, last).first->second;
}

std::time_t RrdWriter::LastUpdate(const std::string& path) {
  const std::time_t last =
      options_.daemon.empty() ? rrd_last_r(path.c_str()) : rrdc_last(path.c_str());
  if (last < 0) Failed(path, "reading last update: " + TakeRrdError());
  return last;
}

bool RrdWriter::Create(const std::string& path, std::chrono::seconds step, std::time_t first) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (ec) {
    Failed(path, "creating its directory: " + ec.message());
    return false;
  }
  const auto step_s = static_cast<unsigned long>(std::max<long long>(1, step.count()));
  std::vector<std::string> args = {"DS:value:GAUGE:" + std::to_string(2 * step_s) + ":U:U"};
  for (std::string& rra : MuninRras(step)) args.push_back(std::move(rra));
  std::vector<const char*> argv = CStrings(args);
  const int argc = static_cast<int>(argv.size());
  const int rc =
      options_.daemon.empty()
          ? rrd_create_r2(path.c_str(), step_s, first - 1, 1, nullptr, nullptr, argc, argv.data())
          : rrdc_create(path.c_str(), step_s, first - 1, 1, argc, argv.data());
  if (rc != 0) {
    Failed(path, "create: " + TakeRrdError());
    return false;
  }
  stats_.creates++;
  return true;
}

void RrdWriter::Update(const std::string& path, const std::vector<std::string>& values) {
  std::vector<const char*> argv = CStrings(values);
  const int argc = static_cast<int>(argv.size());
  int rc;
  if (options_.daemon.empty()) {
    rc = rrd_update_r(path.c_str(), nullptr, argc, argv.data());
  } else {
    rc = Connect() ? rrdc_update(path.c_str(), argc, argv.data()) : -1;
    if (rc == 0) dirty_.insert(path);
  }
  if (rc != 0) {
    last_.erase(path);  // re-read the file's real last update next time
    Failed(path, "update: " + TakeRrdError());
    return;
  }
  stats_.updates += values.size();
}

void RrdWriter::FlushDaemon() {
  if (options_.daemon.empty() || dirty_.empty()) return;
  if (!Connect()) return;
  for (const std::string& path : dirty_) {
    if (rrdc_flush(path.c_str()) != 0) Failed(path, "rrdcached flush: " + TakeRrdError());
  }
  dirty_.clear();
}

bool RrdWriter::Connect() {
  if (options_.daemon.empty()) return true;
  if (rrdc_connect(options_.daemon.c_str()) == 0) return true;  // no-op when connected
  Failed(options_.daemon, "connecting to rrdcached: " + TakeRrdError());
  return false;
}

// Counts every failure; logs the 1st, 10th, 100th, ... for each file so a broken file cannot
// flood the log while the writer keeps going.
void RrdWriter::Failed(const std::string& path, const std::string& what) {
  stats_.errors++;
  const std::uint64_t n = ++failures_[path];
  if (!PowerOfTen(n)) return;
  std::fprintf(stderr, "rrd: %s: %s (%llu failures so far)\n", path.c_str(), what.c_str(),
               static_cast<unsigned long long>(n));
}

}  // namespace gs::collector
