// syslog_pipeline_bench: the user-space CPU groundstation spends per syslog message, stage by
// stage, without the kernel (no sockets, no files): parsing (ParseSyslog, as the listeners
// do), the log rules (LogRules::Observe, as the archive writer does) and the archive line
// (AppendArchiveLine). The messages are the ones loggen sends in bench/syslog_ingest.sh
// (~200 bytes, RFC 3164 and RFC 5424 as loggen writes them), so the figures add up to the
// user part of that benchmark's "receiver CPU per message".
//
//   syslog_pipeline_bench [RULES_YAML] [COUNT] [ROUNDS]
//
// RULES_YAML (default bench/syslog_rules.yaml) holds the rules, indented to sit under
// syslog:; COUNT messages per round (default 200000); ROUNDS (default 7): each stage is timed
// in every round and the fastest round is reported, which keeps a busy or virtual machine's
// noise out of the comparison. Thread CPU time, not wall time.
//
// Prints per format one line: "gs_syslog_pipeline format=3164 parse_ns=P rules_ns=R
// archive_ns=A total_ns=T matches=M".
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "collector/config/loader.h"
#include "collector/syslog/archive_format.h"
#include "collector/syslog/log_rules.h"
#include "collector/syslog/syslog_parse.h"

namespace {

using gs::collector::syslog::LogRecord;

double ThreadCpuNs() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e9 + static_cast<double>(t.tv_nsec);
}

// loggen's messages: "seq: N, thread: T, runid: R, stamp: S PADD..." padded to 200 bytes
// with the header, from two sender threads, one second of timestamps per 100,000 messages.
std::vector<std::string> LoggenMessages(bool rfc5424, std::size_t count) {
  std::vector<std::string> out;
  out.reserve(count);
  const long base = 1795410195;  // 2026-11-23T05:03:15Z
  for (std::size_t i = 0; i < count; ++i) {
    const long second = base + static_cast<long>(i / 100000);
    const std::time_t t = second;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
    char body[160];
    std::snprintf(body, sizeof(body), "seq: %010zu, thread: %04zu, runid: %ld, stamp: %s ", i / 2,
                  i % 2, base, stamp);
    std::string m = rfc5424 ? std::string("<38>1 ") + stamp +
                                  "+00:00 localhost prg00000 1234 - - \xEF\xBB\xBF" + body
                            : std::string("<38>") + stamp + " localhost prg00000[1234]: " + body;
    for (std::size_t k = 0; m.size() < 200; ++k) m += "PADD"[k % 4];
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string rules_path = argc > 1 ? argv[1] : "bench/syslog_rules.yaml";
  const std::size_t count = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 200000;
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 7;

  std::ifstream in(rules_path);
  if (!in) {
    std::fprintf(stderr, "syslog_pipeline_bench: cannot read %s\n", rules_path.c_str());
    return 2;
  }
  std::stringstream rules_text;
  rules_text << in.rdbuf();
  auto config = gs::collector::LoadConfigText(
      "data_dir: /nonexistent\nsyslog:\n  listen: []\n" + rules_text.str(), rules_path);
  if (!config) {
    for (const auto& e : config.error()) std::fprintf(stderr, "%s\n", e.message.c_str());
    return 2;
  }
  std::uint64_t matches = 0;
  gs::collector::syslog::LogRules::Sinks sinks;
  auto rules = gs::collector::syslog::LogRules::Create(config->syslog.rules, nullptr, sinks);
  if (!rules) {
    std::fprintf(stderr, "%s\n", rules.error().message.c_str());
    return 2;
  }

  for (const bool rfc5424 : {false, true}) {
    const std::vector<std::string> messages = LoggenMessages(rfc5424, count);
    std::vector<LogRecord> records(count);
    std::string archive;
    archive.reserve(512 * 1024);
    double parse = 1e300, observe = 1e300, format = 1e300;
    const auto received = std::chrono::system_clock::time_point(std::chrono::seconds(1795410195));
    for (int round = 0; round < rounds; ++round) {
      double t0 = ThreadCpuNs();
      for (std::size_t i = 0; i < count; ++i) {
        gs::collector::syslog::ParseSyslog(messages[i], {received, "127.0.0.1"}, records[i]);
      }
      double t1 = ThreadCpuNs();
      parse = std::min(parse, t1 - t0);
      t0 = ThreadCpuNs();
      for (const LogRecord& r : records) (*rules)->Observe(r);
      t1 = ThreadCpuNs();
      observe = std::min(observe, t1 - t0);
      t0 = ThreadCpuNs();
      for (const LogRecord& r : records) {
        gs::collector::syslog::AppendArchiveLine(r, archive);
        if (archive.size() >= 256 * 1024) archive.clear();
      }
      t1 = ThreadCpuNs();
      format = std::min(format, t1 - t0);
    }
    matches = 0;
    for (const auto& s : (*rules)->stats()) matches += s.matches;
    const double n = static_cast<double>(count);
    std::printf(
        "gs_syslog_pipeline format=%s parse_ns=%.1f rules_ns=%.1f archive_ns=%.1f total_ns=%.1f "
        "matches=%llu\n",
        rfc5424 ? "5424" : "3164", parse / n, observe / n, format / n,
        (parse + observe + format) / n, static_cast<unsigned long long>(matches));
  }
  return 0;
}
