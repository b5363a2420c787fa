// probes_bench: checks per second and CPU per check of the in-process MySQL and NRPE probes and
// of the exec probe (which bench/probes.sh also uses to spawn check_mysql and check_nrpe once
// per check, the way Nagios runs them), all against local peers.
//
//   probes_bench mysql COUNT CONCURRENCY HOST PORT CREDENTIALS_FILE
//   probes_bench nrpe  COUNT CONCURRENCY HOST PORT COMMAND
//   probes_bench exec  COUNT CONCURRENCY -- CMD [ARGS...]
//
// CONCURRENCY checks are in flight at once (MySQL: that many threads, as the daemon's pool;
// NRPE and exec: on one event loop thread). CPU is this process's plus its reaped children's
// (getrusage), so a spawned plugin's own CPU counts. Prints one line:
// "KIND checks=N ok=N seconds=S checks_per_sec=R cpu_ms_per_check=C".

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "bench/cpu_seconds.h"
#include "probes/exec_probe.h"
#include "probes/mysql_probe.h"
#include "probes/nrpe_probe.h"

namespace {

using gs::probes::CheckResult;
using gs::probes::State;

struct Tally {
  std::atomic<long> done{0};
  std::atomic<long> ok{0};
  void Add(const CheckResult& r) {
    if (r.state == State::kOk) ++ok;
    if (done.fetch_add(1) == 0 && r.state != State::kOk) {
      std::fprintf(stderr, "first result not OK: %s %s\n", std::string(ToString(r.state)).c_str(),
                   r.text.c_str());
    }
  }
};

// Runs `count` checks on `threads` threads, each calling the blocking `run` in turn.
void RunThreads(long count, long threads, const std::function<CheckResult()>& run, Tally& tally) {
  std::atomic<long> next{0};
  std::vector<std::thread> pool;
  for (long t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      while (next.fetch_add(1) < count) tally.Add(run());
    });
  }
  for (auto& th : pool) th.join();
}

// Keeps `concurrency` asynchronous checks in flight on one io_context until `count` are done.
void RunAsync(
    long count, long concurrency,
    const std::function<void(boost::asio::io_context&, std::function<void(CheckResult)>)>& start,
    Tally& tally) {
  boost::asio::io_context io;
  long started = 0;
  std::function<void()> launch = [&] {
    if (started >= count) return;
    ++started;
    start(io, [&](CheckResult r) {
      tally.Add(r);
      launch();
    });
  };
  for (long i = 0; i < concurrency; ++i) launch();
  io.run();
}

int Usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s mysql COUNT CONCURRENCY HOST PORT CREDENTIALS_FILE\n"
               "       %s nrpe COUNT CONCURRENCY HOST PORT COMMAND\n"
               "       %s exec COUNT CONCURRENCY -- CMD [ARGS...]\n",
               argv0, argv0, argv0);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) return Usage(argv[0]);
  const std::string kind = argv[1];
  const long count = std::atol(argv[2]);
  const long concurrency = std::atol(argv[3]);
  if (count <= 0 || count > 1'000'000 || concurrency <= 0 || concurrency > 1000) {
    std::fprintf(stderr, "COUNT must be 1..1000000, CONCURRENCY 1..1000\n");
    return 2;
  }
  Tally tally;
  const double cpu0 = gs::bench::CpuSeconds(true);
  const auto t0 = std::chrono::steady_clock::now();
  if (kind == "mysql" && argc == 7) {
    gs::probes::MysqlCheckSpec spec;
    spec.host = argv[4];
    spec.port = std::atoi(argv[5]);
    spec.credentials_file = argv[6];
    spec.timeout = std::chrono::seconds(10);
    RunThreads(
        count, concurrency, [&] { return gs::probes::RunMysqlCheck(spec); }, tally);
  } else if (kind == "nrpe" && argc == 7) {
    gs::probes::NrpeCheckSpec spec;
    spec.host = argv[4];
    spec.port = std::atoi(argv[5]);
    spec.command = argv[6];
    spec.timeout = std::chrono::seconds(10);
    RunAsync(
        count, concurrency,
        [&](boost::asio::io_context& io, std::function<void(CheckResult)> done) {
          gs::probes::StartNrpeCheck(io, spec, std::move(done));
        },
        tally);
  } else if (kind == "exec" && argc >= 6 && std::string(argv[4]) == "--") {
    gs::probes::ExecSpec spec;
    spec.argv.assign(argv + 5, argv + argc);
    spec.timeout = std::chrono::seconds(30);
    RunAsync(
        count, concurrency,
        [&](boost::asio::io_context& io, std::function<void(CheckResult)> done) {
          gs::probes::StartExec(io, spec, std::move(done));
        },
        tally);
  } else {
    return Usage(argv[0]);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = gs::bench::CpuSeconds(true) - cpu0;
  const long n = tally.done.load();
  std::printf("%s checks=%ld ok=%ld seconds=%.3f checks_per_sec=%.1f cpu_ms_per_check=%.4f\n",
              kind.c_str(), n, tally.ok.load(), seconds, static_cast<double>(n) / seconds,
              n > 0 ? cpu * 1000.0 / static_cast<double>(n) : 0.0);
  return tally.ok.load() == n ? 0 : 1;
}
