// http_checks_bench: how many HTTP checks per second the HttpProbe engine runs, and how much
// CPU each costs, against one URL (a local nginx in bench/http_checks.sh). Every check opens a
// new TCP connection, as a monitoring check should.
//
//   http_checks_bench URL [COUNT] [CONCURRENCY] [RATE] [CLIENT]
//
// RATE 0 (the default) submits every check at once (throughput: the probe batches as much as
// it can); RATE > 0 submits RATE checks per second, evenly spaced, as a scheduler does (the
// cost of one check on an otherwise idle probe). CPU is the whole process's (getrusage), so it
// includes submitting and the callbacks. CLIENT "auto" (the default: what the daemon does, the
// minimal client for plain http:// to an IP address) or "curl" (libcurl for every check).
//
// Prints one line: "gs_http_probe client=auto|curl checks=N ok=N seconds=S checks_per_sec=R
// cpu_ms_per_check=C minimal=N libcurl=N" (the last two: checks each client ran).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

#include "bench/cpu_seconds.h"
#include "probes/http_probe.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s URL [COUNT] [CONCURRENCY] [RATE] [auto|curl]\n", argv[0]);
    return 2;
  }
  const std::string url = argv[1];
  const long count = argc > 2 ? std::atol(argv[2]) : 50'000;
  const long concurrency = argc > 3 ? std::atol(argv[3]) : 64;
  const double rate = argc > 4 ? std::atof(argv[4]) : 0;
  const std::string client = argc > 5 ? argv[5] : "auto";
  if (count <= 0 || count > 10'000'000 || concurrency <= 0 || concurrency > 10'000 || rate < 0 ||
      rate > 1e6 || (client != "auto" && client != "curl")) {
    std::fprintf(stderr,
                 "COUNT must be 1..10000000, CONCURRENCY 1..10000, RATE 0..1000000, "
                 "CLIENT auto or curl\n");
    return 2;
  }
  gs::probes::HttpProbe probe(gs::probes::HttpProbe::Options{
      .queue_capacity = static_cast<std::size_t>(count),
      .max_in_flight = static_cast<std::size_t>(concurrency),
      .client = client == "curl" ? gs::probes::HttpClient::kCurl : gs::probes::HttpClient::kAuto});
  gs::probes::HttpCheckSpec spec;
  spec.url = url;
  spec.timeout = std::chrono::seconds(5);

  std::mutex mu;
  std::condition_variable cv;
  long done = 0;
  std::atomic<long> ok{0};
  const double cpu0 = gs::bench::CpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < count; ++i) {
    if (rate > 0) {
      std::this_thread::sleep_until(
          t0 + std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::duration<double>(static_cast<double>(i) / rate)));
    }
    const bool queued = probe.Submit(spec, [&](gs::probes::CheckResult r) {
      if (r.state == gs::probes::State::kOk) ok.fetch_add(1, std::memory_order_relaxed);
      std::lock_guard lock(mu);
      if (++done == count) cv.notify_one();
    });
    if (!queued) {
      std::fprintf(stderr, "queue full at %ld\n", i);
      return 1;
    }
  }
  {
    std::unique_lock lock(mu);
    // Bounded: every check has a 5 s timeout, so this ends.
    cv.wait(lock, [&] { return done == count; });
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = gs::bench::CpuSeconds() - cpu0;
  std::printf(
      "gs_http_probe client=%s checks=%ld ok=%ld seconds=%.3f checks_per_sec=%.0f "
      "cpu_ms_per_check=%.4f minimal=%llu libcurl=%llu\n",
      client.c_str(), count, ok.load(), secs, static_cast<double>(count) / secs,
      cpu * 1000.0 / static_cast<double>(count),
      static_cast<unsigned long long>(probe.stats().minimal_client.load()),
      static_cast<unsigned long long>(probe.stats().libcurl.load()));
  return ok.load() == count ? 0 : 1;
}
