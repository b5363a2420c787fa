#include "probes/check_cli_support.h"

#include <cmath>
#include <ostream>

#include "probes/nagios_output.h"

namespace gs::probes::cli {

int Usage(std::string_view label, const std::string& reason, const po::options_description& desc,
          std::ostream& out, std::ostream& err) {
  out << label << " UNKNOWN - " << reason << '\n';
  err << desc << '\n';
  return ExitCode(State::kUnknown);
}

std::optional<int> Parse(std::string_view label, const Args& args,
                         const po::options_description& desc, po::variables_map& vm,
                         std::ostream& out, std::ostream& err) {
  try {
    // No positional arguments: an empty description makes a stray word an error.
    const po::positional_options_description none;
    po::store(po::command_line_parser(args).options(desc).positional(none).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return Usage(label, e.what(), desc, out, err);
  }
  if (vm.count("help") != 0) {
    out << desc << '\n';
    return ExitCode(State::kUnknown);
  }
  return std::nullopt;
}

void AddCommonOptions(po::options_description& desc, double default_timeout_seconds) {
  desc.add_options()("help,h", "print this help")(
      "timeout,t", po::value<double>()->default_value(default_timeout_seconds),
      "timeout in seconds")("json", po::bool_switch(), "print the result as JSON");
}

Result<Range> OptionalRange(const po::variables_map& vm, const char* name) {
  const auto text = Get<std::string>(vm, name);
  if (!text) return Range();
  auto range = Range::Parse(*text);
  if (!range) return Fail("--" + std::string(name) + ": " + range.error().message);
  return range;
}

Result<std::chrono::milliseconds> Timeout(const po::variables_map& vm) {
  const double timeout = vm.count("timeout") != 0 ? vm["timeout"].as<double>() : 10.0;
  if (!(timeout > 0 && timeout <= 86400)) return Fail("--timeout must be 0 < SEC <= 86400");
  return std::chrono::milliseconds(std::llround(timeout * 1000));
}

int Print(std::string_view label, const CheckResult& result, const po::variables_map& vm,
          std::ostream& out) {
  const bool json = vm.count("json") != 0 && vm["json"].as<bool>();
  out << (json ? ToJson(result) : FormatPluginLine(label, result)) << '\n';
  return ExitCode(result.state);
}

}  // namespace gs::probes::cli
