#include "probes/http_probe.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sys/epoll.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <deque>
#include <mutex>
#include <queue>
#include <thread>

#include "probes/curl_event_loop.h"
#include "probes/http_client.h"
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

// One worker thread owns the event loop (its epoll set and libcurl multi handle), the slots,
// the deadlines of minimal-client checks and the regex cache; other threads only touch the
// queue (under mu_), the atomics and loop_.Wakeup().
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
  // One check in flight, on either client. Slots are pooled and keep their index in slots_;
  // `generation` counts their checks, so an event or deadline of an earlier check in the
  // same slot is recognised and ignored.
  struct Slot {
    std::unique_ptr<HttpTransfer> transfer;  // libcurl, created on the slot's first curl check
    HttpConnection connection;               // the minimal client
    bool minimal = false;                    // this check runs on `connection`
    bool in_use = false;
    HttpConnection::Want registered = HttpConnection::Want::kDone;  // in the epoll set as
    Job job;
    std::shared_ptr<BodyRegex> regex;
    std::chrono::system_clock::time_point started;
    std::chrono::steady_clock::time_point start_tick;
    std::size_t active_index = 0;
    std::uint32_t index = 0;
    std::uint64_t generation = 0;
  };
  struct Deadline {
    std::chrono::steady_clock::time_point at;
    std::uint32_t index;
    std::uint64_t generation;
    bool operator>(const Deadline& other) const { return at > other.at; }
  };
  // data.u64 of a minimal-client socket: the foreign tag, the generation, the slot index.
  static constexpr int kIndexBits = 24;

  void Run();
  std::chrono::milliseconds WaitLimit();
  void StartQueued();
  void Start(Job job);
  bool StartMinimal(Slot* slot);
  void StartCurl(Slot* slot);
  void Watch(Slot* slot, HttpConnection::Want want);
  void HandleSocketEvents();
  void ExpireDeadlines();
  void DrainCompleted();
  void FinishMinimal(Slot* slot);
  void Finish(Slot* slot, CheckResult result);
  void Deliver(Callback& done, CheckResult result);
  void FailEverything();
  Slot* Live(std::uint32_t index, std::uint64_t generation);

  const Options options_;
  const bool proxy_configured_ = HttpProxyConfigured();
  CurlEventLoop loop_;
  std::mutex mu_;
  std::deque<Job> queue_;  // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::atomic<bool> sleeping_{false};
  // Worker thread only:
  std::vector<Job> batch_;
  std::vector<std::unique_ptr<Slot>> slots_;  // every slot, by index
  std::vector<Slot*> free_;
  std::vector<Slot*> active_;
  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> deadlines_;
  std::array<char, 64 * 1024> scratch_{};  // receive buffer of the minimal client
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
    // Waits for sockets, curl's timer and the next deadline, or not at all when more checks
    // can start right away.
    loop_.RunOnce(can_start ? std::chrono::milliseconds(0) : WaitLimit());
    sleeping_.store(false);
    HandleSocketEvents();
    DrainCompleted();
    ExpireDeadlines();
  }
  FailEverything();
}

HttpProbe::Impl::Slot* HttpProbe::Impl::Live(std::uint32_t index, std::uint64_t generation) {
  if (index >= slots_.size()) return nullptr;
  Slot* slot = slots_[index].get();
  return slot->in_use && slot->minimal && slot->generation == generation ? slot : nullptr;
}

// Until the earliest deadline of a running minimal-client check (never longer than 1 s, as a
// safety net). Deadlines of checks that have finished are dropped on the way.
std::chrono::milliseconds HttpProbe::Impl::WaitLimit() {
  constexpr std::chrono::milliseconds kMax(1000);
  while (!deadlines_.empty()) {
    const Deadline& next = deadlines_.top();
    if (Live(next.index, next.generation) == nullptr) {
      deadlines_.pop();
      continue;
    }
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(next.at - std::chrono::steady_clock::now());
    return std::clamp(left, std::chrono::milliseconds(0), kMax);
  }
  return kMax;
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
  Slot* slot = nullptr;
  if (free_.empty()) {
    slots_.push_back(std::make_unique<Slot>());
    slot = slots_.back().get();
    slot->index = static_cast<std::uint32_t>(slots_.size() - 1);
  } else {
    slot = free_.back();
    free_.pop_back();
  }
  slot->job = std::move(job);
  slot->in_use = true;
  slot->minimal = false;
  ++slot->generation;
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
  if (options_.client == HttpClient::kAuto && StartMinimal(slot)) return;
  StartCurl(slot);
}

// False when the minimal client cannot run this check (then libcurl does).
bool HttpProbe::Impl::StartMinimal(Slot* slot) {
  const HttpCheckSpec& spec = slot->job.spec;
  const auto target = PlainHttpTarget::Parse(spec, proxy_configured_);
  if (!target) return false;
  stats.minimal_client.fetch_add(1, std::memory_order_relaxed);
  slot->minimal = true;
  slot->registered = HttpConnection::Want::kDone;
  const auto want = slot->connection.Start(spec, *target,
                                           slot->regex != nullptr ? HttpTransfer::kMaxBodyKept : 0);
  if (want == HttpConnection::Want::kDone) {
    FinishMinimal(slot);
    return true;
  }
  const auto timeout = std::max(spec.timeout, std::chrono::milliseconds(1));
  deadlines_.push(Deadline{slot->start_tick + timeout, slot->index, slot->generation});
  Watch(slot, want);
  return true;
}

void HttpProbe::Impl::StartCurl(Slot* slot) {
  stats.libcurl.fetch_add(1, std::memory_order_relaxed);
  if (!slot->transfer) slot->transfer = std::make_unique<HttpTransfer>();
  if (auto ok = slot->transfer->Prepare(slot->job.spec, slot->regex != nullptr); !ok) {
    return Finish(slot, Unknown(ok.error().message));
  }
  curl_easy_setopt(slot->transfer->easy(), CURLOPT_PRIVATE, slot);
  if (!loop_.Add(slot->transfer->easy())) {
    Finish(slot, Unknown("curl_multi_add_handle failed"));
  }
}

// Puts the slot's socket in the epoll set for what it waits for (added once, then modified
// only when that changes; closing the socket takes it out).
void HttpProbe::Impl::Watch(Slot* slot, HttpConnection::Want want) {
  if (want == slot->registered) return;
  epoll_event ev{};
  ev.events = want == HttpConnection::Want::kWrite ? EPOLLOUT : EPOLLIN;
  ev.data.u64 = CurlEventLoop::kForeignTag |
                ((slot->generation << kIndexBits) & ~CurlEventLoop::kForeignTag) | slot->index;
  const int op = slot->registered == HttpConnection::Want::kDone ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
  if (epoll_ctl(loop_.epoll_fd(), op, slot->connection.fd(), &ev) != 0) {
    // Only short of kernel memory; fail the check rather than leave it unwatched.
    slot->connection.Abort("epoll_ctl failed: " + std::string(strerrordesc_np(errno)));
    return FinishMinimal(slot);
  }
  slot->registered = want;
}

void HttpProbe::Impl::HandleSocketEvents() {
  constexpr std::uint64_t kIndexMask = (std::uint64_t{1} << kIndexBits) - 1;
  constexpr std::uint64_t kGenerationMask = ~CurlEventLoop::kForeignTag >> kIndexBits;
  for (const epoll_event& ev : loop_.foreign_events()) {
    const auto index = static_cast<std::uint32_t>(ev.data.u64 & kIndexMask);
    const std::uint64_t generation = (ev.data.u64 >> kIndexBits) & kGenerationMask;
    Slot* slot = nullptr;
    if (index < slots_.size()) {
      Slot* candidate = slots_[index].get();
      // Compared in the bits the tag has room for.
      if (candidate->in_use && candidate->minimal &&
          (candidate->generation & kGenerationMask) == generation) {
        slot = candidate;
      }
    }
    if (slot == nullptr) continue;  // an earlier check's socket, still open in a child process
    const auto want = slot->connection.OnReady(ev.events, scratch_);
    if (want == HttpConnection::Want::kDone) {
      FinishMinimal(slot);
    } else {
      Watch(slot, want);
    }
  }
}

void HttpProbe::Impl::ExpireDeadlines() {
  const auto now = std::chrono::steady_clock::now();
  while (!deadlines_.empty() && deadlines_.top().at <= now) {
    const Deadline next = deadlines_.top();
    deadlines_.pop();
    if (Slot* slot = Live(next.index, next.generation)) {
      slot->connection.TimeOut();
      FinishMinimal(slot);
    }
  }
}

void HttpProbe::Impl::DrainCompleted() {
  while (const auto done = loop_.NextDone()) {
    char* priv = nullptr;
    curl_easy_getinfo(done->easy, CURLINFO_PRIVATE, &priv);
    auto* slot = reinterpret_cast<Slot*>(priv);
    loop_.Remove(done->easy);
    Finish(slot, FinishHttpCheck(slot->job.spec, *slot->transfer, done->code, slot->regex.get()));
  }
}

void HttpProbe::Impl::FinishMinimal(Slot* slot) {
  Finish(slot, EvaluateHttpResponse(slot->job.spec, slot->connection.Collect(),
                                    slot->connection.body(), slot->regex.get()));
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
  slot->in_use = false;
  if (slot->minimal) {
    slot->connection.Release();
  } else if (slot->transfer) {
    slot->transfer->Release();
  }
  free_.push_back(slot);
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
    if (!slot->minimal && slot->transfer) loop_.Remove(slot->transfer->easy());
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
  slots_.clear();
}

HttpProbe::HttpProbe(Options options) : impl_(std::make_unique<Impl>(options)) {}

HttpProbe::~HttpProbe() = default;

bool HttpProbe::Submit(HttpCheckSpec spec, Callback done) {
  return impl_->Submit(std::move(spec), std::move(done));
}

const HttpProbeStats& HttpProbe::stats() const { return impl_->stats; }

CheckResult RunHttpCheck(const HttpCheckSpec& spec, HttpClient client) {
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
    std::optional<PlainHttpTarget> target;
    if (client == HttpClient::kAuto) target = PlainHttpTarget::Parse(spec, HttpProxyConfigured());
    if (target) {
      HttpConnection connection;
      HttpMeasurements m =
          connection.Run(spec, *target, regex != nullptr ? HttpTransfer::kMaxBodyKept : 0);
      result = EvaluateHttpResponse(spec, std::move(m), connection.body(), regex.get());
    } else {
      HttpTransfer transfer;
      if (auto ok = transfer.Prepare(spec, regex != nullptr); !ok) {
        result = Unknown(ok.error().message);
      } else {
        result = FinishHttpCheck(spec, transfer, curl_easy_perform(transfer.easy()), regex.get());
      }
    }
  }
  result.started = started;
  result.duration = std::chrono::steady_clock::now() - tick;
  return result;
}

}  // namespace gs::probes
