// alerts_bench: how fast notifications go through the durable outbox, and how long a HARD change
// takes to reach a webhook, side by side with Alertmanager (bench/alerts.sh runs it;
// bench/README.md has the numbers).
//
//   alerts_bench outbox DIR N BATCH
//       N notifications made durable by Dispatcher::EnqueueAll in batches of BATCH (one SQLite
//       transaction each) into a fresh state.db in DIR. The dispatcher is not started, so this
//       is the store write alone. Prints queued_per_sec.
//   alerts_bench deliver DIR N URL
//       N notifications queued first, then a Dispatcher with one WebhookNotifier to URL started:
//       delivered_per_sec counts the POST plus the outbox removal (one transaction each), one
//       notification at a time (one lane per notifier).
//   alerts_bench latency PORT K GS TOKEN_FILE AM
//       A webhook receiver on 127.0.0.1:PORT that timestamps each request (steady clock) once
//       it has read it. K times, alternately: a passive result to groundstation (GS: base URL;
//       POST /api/v1/results with the bearer token in TOKEN_FILE) flipping its check between
//       CRITICAL and OK (max_attempts 1: a HARD change each, so a firing or a resolved
//       message), and a new alert to Alertmanager (AM: base URL; POST /api/v2/alerts with a
//       label `seq` of its own, so each alert is a group of its own). Latency: from just before
//       the POST to the arrival of the webhook that carries the same mark. Prints p50/p99/max.
//
// Every wait has a deadline (a webhook not there after 10 s counts as missing).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "alerts/dispatcher.h"
#include "alerts/http_post.h"
#include "alerts/webhook_notifier.h"
#include "collector/storage/state_db.h"

namespace {

using Clock = std::chrono::steady_clock;
using gs::alerts::Notification;

constexpr auto kWebhookDeadline = std::chrono::seconds(10);

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

Notification Sample(int i) {
  Notification n;
  n.notifier = "hook";
  n.group = "route0/node=web" + std::to_string(i % 100) + ",check=http";
  gs::alerts::AlertItem a;
  a.node = "web" + std::to_string(i % 100);
  a.check = "http";
  a.state = gs::probes::State::kCritical;
  a.output = "HTTP CRITICAL - connection refused";
  a.since = std::chrono::system_clock::now();
  a.tags = {{"role", "web"}, {"env", "production"}};
  n.alerts.push_back(std::move(a));
  n.created = std::chrono::system_clock::now();
  return n;
}

std::unique_ptr<gs::collector::StateDb> OpenDb(const std::string& dir) {
  auto db = gs::collector::StateDb::Open(std::filesystem::path(dir) / "state.db");
  if (!db) {
    std::fprintf(stderr, "state.db: %s\n", db.error().message.c_str());
    std::exit(1);
  }
  return std::move(*db);
}

int Outbox(const std::string& dir, int n, int batch) {
  auto db = OpenDb(dir);
  gs::alerts::Dispatcher dispatcher(*db, {});
  std::vector<std::vector<Notification>> batches;
  for (int i = 0; i < n; i += batch) {
    std::vector<Notification> b;
    for (int j = i; j < std::min(n, i + batch); ++j) b.push_back(Sample(j));
    batches.push_back(std::move(b));
  }
  const auto t0 = Clock::now();
  for (auto& b : batches) {
    if (auto ok = dispatcher.EnqueueAll(std::move(b)); !ok) {
      std::fprintf(stderr, "EnqueueAll: %s\n", ok.error().message.c_str());
      return 1;
    }
  }
  const double s = Seconds(Clock::now() - t0);
  std::printf("outbox batch=%d n=%d seconds=%.3f queued_per_sec=%.0f\n", batch, n, s, n / s);
  return 0;
}

int Deliver(const std::string& dir, int n, const std::string& url) {
  auto db = OpenDb(dir);
  gs::alerts::WebhookNotifier::Options o;
  o.url = url;
  std::map<std::string, std::unique_ptr<gs::alerts::Notifier>> notifiers;
  notifiers["hook"] = std::make_unique<gs::alerts::WebhookNotifier>(o);
  gs::alerts::Dispatcher dispatcher(*db, std::move(notifiers));
  for (int i = 0; i < n; i += 100) {
    std::vector<Notification> b;
    for (int j = i; j < std::min(n, i + 100); ++j) b.push_back(Sample(j));
    if (!dispatcher.EnqueueAll(std::move(b))) return 1;
  }
  const auto t0 = Clock::now();
  if (!dispatcher.Start()) return 1;
  const auto deadline = t0 + std::chrono::seconds(300);
  while (dispatcher.stats().delivered.load() < static_cast<std::uint64_t>(n) &&
         Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const double s = Seconds(Clock::now() - t0);
  const auto delivered = dispatcher.stats().delivered.load();
  dispatcher.Stop(std::chrono::milliseconds(0));
  std::printf(
      "deliver n=%d delivered=%llu failed_attempts=%llu seconds=%.3f "
      "delivered_per_sec=%.0f\n",
      n, static_cast<unsigned long long>(delivered),
      static_cast<unsigned long long>(dispatcher.stats().attempts_failed.load()), s,
      static_cast<double>(delivered) / s);
  return delivered == static_cast<std::uint64_t>(n) ? 0 : 1;
}

// A webhook endpoint: one thread per connection, keep-alive, 200 to every request; each request's
// body is kept with the moment it was completely read.
class Receiver {
 public:
  explicit Receiver(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 64) != 0) {
      std::fprintf(stderr, "receiver: cannot listen on 127.0.0.1:%d\n", port);
      std::exit(1);
    }
    accept_ = std::thread([this] { AcceptLoop(); });
  }
  ~Receiver() {
    stop_ = true;
    accept_.join();
    for (std::thread& t : connections_) t.join();
    ::close(fd_);
  }

  // When the first request at or after `from` whose body contains `mark` arrived.
  std::optional<Clock::time_point> Wait(const std::string& mark, std::size_t& from) {
    std::unique_lock lock(mu_);
    const auto deadline = Clock::now() + kWebhookDeadline;
    for (;;) {
      for (; from < arrivals_.size(); ++from) {
        if (arrivals_[from].second.find(mark) != std::string::npos) return arrivals_[from].first;
      }
      if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) return std::nullopt;
    }
  }

 private:
  void AcceptLoop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c >= 0) connections_.emplace_back([this, c] { Serve(c); });
    }
  }

  // Reads requests with Content-Length bodies; answers each 200.
  void Serve(int c) {
    std::string buf;
    char chunk[16384];
    for (;;) {
      const std::size_t head = buf.find("\r\n\r\n");
      if (head != std::string::npos) {
        std::string lower = buf.substr(0, head);
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        const std::size_t cl = lower.find("content-length:");
        const std::size_t size =
            cl == std::string::npos ? 0 : std::strtoul(&lower[cl + 15], nullptr, 10);
        if (buf.size() >= head + 4 + size) {
          const auto at = Clock::now();
          {
            std::lock_guard lock(mu_);
            arrivals_.emplace_back(at, buf.substr(head + 4, size));
          }
          cv_.notify_all();
          buf.erase(0, head + 4 + size);
          static const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
          if (::send(c, kOk.data(), kOk.size(), MSG_NOSIGNAL) <= 0) break;
          continue;
        }
      }
      pollfd p{c, POLLIN, 0};
      if (stop_) break;
      if (::poll(&p, 1, 50) <= 0) continue;
      const ssize_t got = ::recv(c, chunk, sizeof chunk, 0);
      if (got <= 0) break;
      buf.append(chunk, static_cast<std::size_t>(got));
    }
    ::close(c);
  }

  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread accept_;
  std::vector<std::thread> connections_;  // accept thread only, then ~Receiver
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<Clock::time_point, std::string>> arrivals_;  // guarded by mu_
};

// The q-quantile (nearest rank) of sorted `v`; 0 when empty.
double Quantile(const std::vector<double>& v, double q) {
  if (v.empty()) return 0.0;
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

struct Latencies {
  std::vector<double> total_ms;  // POST sent -> webhook read
  std::vector<double> post_ms;   // POST sent -> its answer read (the API's share)
  int missing = 0;
  void Print(const char* name) {
    std::sort(total_ms.begin(), total_ms.end());
    std::sort(post_ms.begin(), post_ms.end());
    std::printf(
        "latency %s n=%zu missing=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f post_p50_ms=%.2f "
        "post_p99_ms=%.2f\n",
        name, total_ms.size(), missing, Quantile(total_ms, 0.5), Quantile(total_ms, 0.99),
        total_ms.empty() ? 0.0 : total_ms.back(), Quantile(post_ms, 0.5), Quantile(post_ms, 0.99));
  }
};

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// POSTs the request and waits for the webhook carrying `mark`.
void Measure(gs::alerts::HttpPost& post, const gs::alerts::HttpPost::Request& request,
             const std::string& mark, Receiver& rx, std::size_t& cursor, Latencies& out) {
  const auto t0 = Clock::now();
  if (auto sent = post.Send(request); !sent) {
    std::fprintf(stderr, "POST %s: %s\n", request.url.c_str(), sent.error().message.c_str());
    std::exit(1);
  }
  out.post_ms.push_back(Ms(Clock::now() - t0));
  if (auto at = rx.Wait(mark, cursor)) {
    out.total_ms.push_back(Ms(*at - t0));
  } else {
    ++out.missing;
  }
}

int Latency(int port, int k, const std::string& gs_url, const std::string& token_file,
            const std::string& am_url) {
  std::ifstream in(token_file);
  std::string token;
  std::getline(in, token);
  Receiver rx(port);
  gs::alerts::HttpPost gs_post;
  gs::alerts::HttpPost am_post;
  Latencies gs_lat;
  Latencies am_lat;
  std::size_t gs_cursor = 0;  // each scans every arrival for its own marks
  std::size_t am_cursor = 0;
  // Marks unique across runs: Alertmanager keeps the alerts (and their groups) of earlier ones.
  const std::string run = std::to_string(::getpid()) + "-";
  for (int i = 0; i < k; ++i) {
    const std::string gs_mark = "gs-" + run + std::to_string(i) + "-end";
    gs::alerts::HttpPost::Request r;
    r.url = gs_url + "/api/v1/results";
    r.headers = {"Authorization: Bearer " + token};
    r.body = R"({"node": "bench", "check": "passive", "exit_code": )" +
             std::string(i % 2 == 0 ? "2" : "0") + R"(, "output": ")" + gs_mark + "\"}";
    Measure(gs_post, r, gs_mark, rx, gs_cursor, gs_lat);
    const std::string am_mark = "am-" + run + std::to_string(i) + "-end";
    gs::alerts::HttpPost::Request a;
    a.url = am_url + "/api/v2/alerts";
    a.body = R"([{"labels": {"alertname": "bench", "seq": ")" + am_mark + "\"}}]";
    Measure(am_post, a, am_mark, rx, am_cursor, am_lat);
  }
  gs_lat.Print("groundstation");
  am_lat.Print("alertmanager");
  return gs_lat.missing + am_lat.missing == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 4 && args[0] == "outbox") {
    const int n = std::atoi(args[2].c_str());
    const int batch = std::atoi(args[3].c_str());
    if (n > 0 && n <= 1'000'000 && batch > 0 && batch <= 10'000) return Outbox(args[1], n, batch);
  } else if (args.size() == 4 && args[0] == "deliver") {
    const int n = std::atoi(args[2].c_str());
    if (n > 0 && n <= 1'000'000) return Deliver(args[1], n, args[3]);
  } else if (args.size() == 6 && args[0] == "latency") {
    const int k = std::atoi(args[2].c_str());
    if (k > 0 && k <= 100'000)
      return Latency(std::atoi(args[1].c_str()), k, args[3], args[4], args[5]);
  }
  std::fprintf(stderr,
               "usage: %s outbox DIR N BATCH | deliver DIR N URL | latency "
               "PORT K GS_URL "
               "TOKEN_FILE AM_URL\n",
               argv[0]);
  return 2;
}
