#include "probes/http_probe.h"

#include <curl/curl.h>
#include <pthread.h>

#include <charconv>
#include <deque>
#include <mutex>
#include <thread>

#include "probes/curl_event_loop.h"
#include "probes/http_regex.h"
#include "probes/http_transfer.h"

namespace gs::probes {

namespace {

std::optional<int> ParseCode(std::string_view text) {
  int code = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, code);
  if (text.empty() || ec != std::errc() || ptr != end || code < 100 || code > 599) {
    return std::nullopt;
  }
  return code;
}

CheckResult Unknown(std::string text) {
  CheckResult r;
  r.state = State::kUnknown;
  r.text = std::move(text);
  return r;
}

}  // namespace

Result<std::vector<StatusRange>> ParseStatusRanges(std::string_view text) {
  std::vector<StatusRange> ranges;
  const std::string_view whole = text;
  if (text.empty()) return Fail("empty status code list ''");
  while (true) {
    const std::size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    const std::size_t dash = item.find('-');
    const auto low = ParseCode(item.substr(0, dash));
    const auto high = dash == std::string_view::npos ? low : ParseCode(item.substr(dash + 1));
    if (!low || !high) {
      return Fail("bad status code '" + std::string(item) + "' in '" + std::string(whole) +
                  "' (expected codes 100-599 like 200,301-302)");
    }
    if (*low > *high) return Fail("status range '" + std::string(item) + "' is reversed");
    ranges.push_back(StatusRange{*low, *high});
    if (comma == std::string_view::npos) return ranges;
    text.remove_prefix(comma + 1);
  }
}

// One worker thread owns the event loop (and its multi handle), the transfer pool and the
// regex cache; other threads only touch the queue (under mu_), the atomics and
// loop_.Wakeup().
class HttpProbe::Impl {
 public:
  explicit Impl(Options options);
  ~Impl();
  bool Submit(HttpCheckSpec spec, Callback done);
  HttpProbeStats stats;

 private:
  struct Job {
    HttpCheckSpec spec;
    Callback done;
  };
  struct Slot {
    HttpTransfer transfer;
    Job job;
    std::shared_ptr<BodyRegex> regex;
    std::chrono::system_clock::time_point started;
    std::chrono::steady_clock::time_point start_tick;
    std::size_t active_index = 0;
  };

  void Run();
  void StartQueued();
  void Start(Job job);
  void DrainCompleted();
  void Finish(Slot* slot, CheckResult result);
  void Deliver(Callback& done, CheckResult result);
  void FailEverything();

  const Options options_;
  CurlEventLoop loop_;
  std::mutex mu_;
  std::deque<Job> queue_;  // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::atomic<bool> sleeping_{false};
  // Worker thread only:
  std::vector<Job> batch_;
  std::vector<std::unique_ptr<Slot>> free_;
  std::vector<Slot*> active_;
  RegexCache regexes_;
  std::thread worker_;
};

HttpProbe::Impl::Impl(Options options) : options_(options), worker_([this] { Run(); }) {}

HttpProbe::Impl::~Impl() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  loop_.Wakeup();
  worker_.join();
}

bool HttpProbe::Impl::Submit(HttpCheckSpec spec, Callback done) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= options_.queue_capacity) {
      stats.rejected.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    queue_.push_back(Job{std::move(spec), std::move(done)});
    stats.submitted.fetch_add(1, std::memory_order_relaxed);
    stats.queued.fetch_add(1, std::memory_order_relaxed);
  }
  // Only a sleeping worker needs the (system call) wake-up; see Run() for the handshake.
  if (sleeping_.load()) loop_.Wakeup();
  return true;
}

void HttpProbe::Impl::Run() {
  // Named so per-thread CPU (top -H, /proc/PID/task) shows the probe's share of a daemon.
  pthread_setname_np(pthread_self(), "gs-http-probe");
  while (true) {
    StartQueued();
    sleeping_.store(true);
    bool can_start = false;
    {
      // Re-check after announcing sleep: a Submit() that saw sleeping_ == false pushed
      // before this lock, so its job is seen here.
      std::lock_guard lock(mu_);
      if (stopping_) break;
      can_start = !queue_.empty() && active_.size() < options_.max_in_flight;
    }
    if (can_start) sleeping_.store(false);
    // Waits for sockets and curl's timer (never longer than 1 s, as a safety net), or not at
    // all when more checks can start right away.
    loop_.RunOnce(can_start ? std::chrono::milliseconds(0) : std::chrono::milliseconds(1000));
    sleeping_.store(false);
    DrainCompleted();
  }
  FailEverything();
}

void HttpProbe::Impl::StartQueued() {
  const std::size_t room =
      options_.max_in_flight > active_.size() ? options_.max_in_flight - active_.size() : 0;
  if (room == 0) return;
  {
    std::lock_guard lock(mu_);
    while (!queue_.empty() && batch_.size() < room) {
      batch_.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
  }
  stats.queued.fetch_sub(static_cast<std::int64_t>(batch_.size()), std::memory_order_relaxed);
  for (Job& job : batch_) Start(std::move(job));
  batch_.clear();
}

void HttpProbe::Impl::Start(Job job) {
  std::unique_ptr<Slot> owned;
  if (free_.empty()) {
    owned = std::make_unique<Slot>();
  } else {
    owned = std::move(free_.back());
    free_.pop_back();
  }
  Slot* slot = owned.release();  // owned by active_ until Finish()
  slot->job = std::move(job);
  slot->started = std::chrono::system_clock::now();
  slot->start_tick = std::chrono::steady_clock::now();
  slot->active_index = active_.size();
  active_.push_back(slot);
  stats.in_flight.fetch_add(1, std::memory_order_relaxed);
  const HttpCheckSpec& spec = slot->job.spec;
  if (!spec.body_regex.empty()) {
    auto regex = regexes_.Get(spec.body_regex);
    if (!regex) return Finish(slot, Unknown(regex.error().message));
    slot->regex = std::move(*regex);
  }
  if (auto ok = slot->transfer.Prepare(spec, slot->regex != nullptr); !ok) {
    return Finish(slot, Unknown(ok.error().message));
  }
  curl_easy_setopt(slot->transfer.easy(), CURLOPT_PRIVATE, slot);
  if (!loop_.Add(slot->transfer.easy())) {
    Finish(slot, Unknown("curl_multi_add_handle failed"));
  }
}

void HttpProbe::Impl::DrainCompleted() {
  while (const auto done = loop_.NextDone()) {
    char* priv = nullptr;
    curl_easy_getinfo(done->easy, CURLINFO_PRIVATE, &priv);
    auto* slot = reinterpret_cast<Slot*>(priv);
    loop_.Remove(done->easy);
    Finish(slot, FinishHttpCheck(slot->job.spec, slot->transfer, done->code, slot->regex.get()));
  }
}

void HttpProbe::Impl::Finish(Slot* slot, CheckResult result) {
  result.started = slot->started;
  result.duration = std::chrono::steady_clock::now() - slot->start_tick;
  Callback done = std::move(slot->job.done);
  // Return the slot to the pool before the callback so a re-entrant Submit sees capacity.
  Slot* last = active_.back();
  last->active_index = slot->active_index;
  active_[slot->active_index] = last;
  active_.pop_back();
  slot->job = Job{};
  slot->regex.reset();
  slot->transfer.Release();
  free_.emplace_back(slot);
  stats.in_flight.fetch_sub(1, std::memory_order_relaxed);
  Deliver(done, std::move(result));
}

void HttpProbe::Impl::Deliver(Callback& done, CheckResult result) {
  stats.completed.fetch_add(1, std::memory_order_relaxed);
  if (!done) return;
  try {
    done(std::move(result));
  } catch (...) {
    // A throwing callback must not kill the worker; the contract says callbacks don't throw.
  }
}

void HttpProbe::Impl::FailEverything() {
  while (!active_.empty()) {
    Slot* slot = active_.back();
    loop_.Remove(slot->transfer.easy());
    Finish(slot, Unknown("shutting down"));
  }
  std::deque<Job> queued;
  {
    std::lock_guard lock(mu_);
    queued.swap(queue_);
  }
  stats.queued.fetch_sub(static_cast<std::int64_t>(queued.size()), std::memory_order_relaxed);
  for (Job& job : queued) Deliver(job.done, Unknown("shutting down"));
  free_.clear();
}

HttpProbe::HttpProbe(Options options) : impl_(std::make_unique<Impl>(options)) {}

HttpProbe::~HttpProbe() = default;

bool HttpProbe::Submit(HttpCheckSpec spec, Callback done) {
  return impl_->Submit(std::move(spec), std::move(done));
}

const HttpProbeStats& HttpProbe::stats() const { return impl_->stats; }

CheckResult RunHttpCheck(const HttpCheckSpec& spec) {
  const auto started = std::chrono::system_clock::now();
  const auto tick = std::chrono::steady_clock::now();
  std::unique_ptr<BodyRegex> regex;
  CheckResult result;
  if (!spec.body_regex.empty()) {
    auto compiled = BodyRegex::Compile(spec.body_regex);
    if (!compiled) result = Unknown(compiled.error().message);
    if (compiled) regex = std::move(*compiled);
  }
  if (spec.body_regex.empty() || regex) {
    HttpTransfer transfer;
    if (auto ok = transfer.Prepare(spec, regex != nullptr); !ok) {
      result = Unknown(ok.error().message);
    } else {
      result = FinishHttpCheck(spec, transfer, curl_easy_perform(transfer.easy()), regex.get());
    }
  }
  result.started = started;
  result.duration = std::chrono::steady_clock::now() - tick;
  return result;
}

}  // namespace gs::probes
