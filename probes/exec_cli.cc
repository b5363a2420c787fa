// `groundstation check exec [OPTIONS] -- CMD...`: runs any Nagios plugin the way the daemon
// does (timeout, process group, output cap, full output parsing) and prints what it printed,
// or the parsed result with --json.
#include <algorithm>
#include <ostream>
#include <string>

#include "probes/check_cli_support.h"
#include "probes/exec_probe.h"
#include "probes/nagios_output.h"

namespace gs::probes::cli {

namespace {

po::options_description ExecOptions() {
  po::options_description desc("Usage: groundstation check exec [OPTIONS] -- COMMAND [ARGS...]");
  AddCommonOptions(desc, 60);
  desc.add_options()("max-output", po::value<std::size_t>()->default_value(kMaxPluginOutput),
                     "bytes of plugin output kept (at most 65536); the rest is counted");
  return desc;
}

}  // namespace

int RunExec(const Args& args, std::ostream& out, std::ostream& err) {
  const po::options_description desc = ExecOptions();
  const auto dashes = std::find(args.begin(), args.end(), "--");
  const Args options(args.begin(), dashes);
  po::variables_map vm;
  if (auto done = Parse("EXEC", options, desc, vm, out, err)) return *done;
  if (dashes == args.end() || dashes + 1 == args.end()) {
    return Usage("EXEC", "missing '-- COMMAND'", desc, out, err);
  }
  ExecSpec spec;
  spec.argv.assign(dashes + 1, args.end());
  auto timeout = Timeout(vm);
  if (!timeout) return Usage("EXEC", timeout.error().message, desc, out, err);
  spec.timeout = *timeout;
  spec.max_output = vm["max-output"].as<std::size_t>();
  if (spec.max_output == 0 || spec.max_output > kMaxPluginOutput) {
    return Usage("EXEC", "--max-output must be 1..65536", desc, out, err);
  }
  const CheckResult result = RunExecCheck(spec);
  if (vm["json"].as<bool>()) return Print("EXEC", result, vm, out);
  out << FormatPassthrough(result) << '\n';
  return ExitCode(result.state);
}

}  // namespace gs::probes::cli
