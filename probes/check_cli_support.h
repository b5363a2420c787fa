// Shared pieces of the `groundstation check KIND` command: argument parsing with the Nagios
// conventions (usage errors are UNKNOWN, --help exits 3), threshold and timeout options, and
// printing a result as a plugin line or JSON. Each kind's command lives next to its probe
// (http_cli.cc, nrpe_cli.cc, ...) and is listed once in check_cli.cc. Call from one thread.
#pragma once

#include <boost/program_options.hpp>
#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probes/check_result.h"
#include "probes/range.h"
#include "probes/result.h"

namespace gs::probes::cli {

namespace po = boost::program_options;
using Args = std::vector<std::string>;

// Prints "LABEL UNKNOWN - reason" on `out` and the usage on `err`; returns 3.
int Usage(std::string_view label, const std::string& reason, const po::options_description& desc,
          std::ostream& out, std::ostream& err);

// Parses `args` (options only; a stray word is an error) into `vm`. Returns an exit code when
// the command is finished: 3 after a usage error (printed as above) or after --help (usage on
// `out`). nullopt: go on and run the check.
std::optional<int> Parse(std::string_view label, const Args& args,
                         const po::options_description& desc, po::variables_map& vm,
                         std::ostream& out, std::ostream& err);

// Adds the options every kind has: --help, --json and --timeout SEC (default `timeout`).
void AddCommonOptions(po::options_description& desc, double default_timeout_seconds = 10);

template <typename T>
std::optional<T> Get(const po::variables_map& vm, const char* name) {
  if (vm.count(name) == 0) return std::nullopt;
  return vm[name].as<T>();
}

// The range given as --NAME (Nagios range syntax), or the empty range when absent.
Result<Range> OptionalRange(const po::variables_map& vm, const char* name);

// --timeout as a duration; fails unless 0 < SEC <= 86400.
Result<std::chrono::milliseconds> Timeout(const po::variables_map& vm);

// Prints the result as "LABEL STATE - text | perfdata" (+ long text), or as JSON with --json;
// returns the plugin exit code.
int Print(std::string_view label, const CheckResult& result, const po::variables_map& vm,
          std::ostream& out);

// The commands, one per kind, each in its <kind>_cli.cc; `args` are the words after the kind.
// Listed once in check_cli.cc's table.
int RunHttp(const Args& args, std::ostream& out, std::ostream& err);
int RunTcp(const Args& args, std::ostream& out, std::ostream& err);
int RunTls(const Args& args, std::ostream& out, std::ostream& err);
int RunMysql(const Args& args, std::ostream& out, std::ostream& err);
int RunDisk(const Args& args, std::ostream& out, std::ostream& err);
int RunRaid(const Args& args, std::ostream& out, std::ostream& err);
int RunNrpe(const Args& args, std::ostream& out, std::ostream& err);
int RunExec(const Args& args, std::ostream& out, std::ostream& err);

}  // namespace gs::probes::cli
