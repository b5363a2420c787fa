// `groundstation check nrpe`: asks an NRPE agent to run one of its commands, a drop-in for
// check_nrpe. Options carry check_nrpe's letters (-H -p -c -a -n -u -t -2 -3 -C -K -A).
//
// Output: the agent's answer verbatim and its exit code, as check_nrpe prints it. The agent's
// text already is a full plugin line ("DISK OK - 42% used | ..."), so a "NRPE OK - " prefix
// would state the state twice and break every Nagios rule written against check_nrpe's
// output. The probe's own failures ("connect to 127.0.0.1:5666: Connection refused") are
// printed the same way, again like check_nrpe; the exit code carries the state, and --json
// prints it explicitly.
#include <algorithm>
#include <ostream>
#include <string>

#include "probes/check_cli_support.h"
#include "probes/nagios_output.h"
#include "probes/nrpe_probe.h"

namespace gs::probes::cli {

namespace {

constexpr const char* kLabel = "NRPE";

po::options_description NrpeOptions() {
  po::options_description desc(
      "Usage: groundstation check nrpe -H HOST [-p PORT] [-c COMMAND] [-n | -C FILE -K FILE "
      "-A FILE] [-2|-3|-4] [-t SEC] [-u] [-a ARG...]");
  AddCommonOptions(desc);
  desc.add_options()("host,H", po::value<std::string>(), "address of the NRPE agent (required)")(
      "port,p", po::value<int>()->default_value(5666), "port of the NRPE agent")(
      "command,c", po::value<std::string>(),
      "command the agent should run (default: _NRPE_CHECK, which prints the agent's version)")(
      "no-ssl,n", po::bool_switch(), "plain TCP, for agents started with nrpe -n")(
      "cert,C", po::value<std::string>(), "client certificate (PEM) to present to the agent")(
      "key,K", po::value<std::string>(), "private key (PEM) of the client certificate")(
      "ca,A", po::value<std::string>(),
      "CA certificate (PEM) the agent's certificate must chain to; without it, and without "
      "-C/-K, TLS uses anonymous Diffie-Hellman (nrpe's default) and verifies nothing")(
      "v2-packets-only,2", po::bool_switch(), "send only version 2 packets")(
      "v3-packets-only,3", po::bool_switch(),
      "send only version 3 packets (nrpe 3.x; nrpe 4.1 drops them unanswered, and unlike "
      "check_nrpe's -3 there is no fallback to v2)")(
      "v4-packets-only,4", po::bool_switch(),
      "send only version 4 packets (default: v4, then v2 once if the agent drops it); note "
      "check_nrpe's -4 means IPv4 instead")(
      "unknown-timeout,u", po::bool_switch(),
      "connection problems (refused, reset, timeout, TLS) are UNKNOWN instead of CRITICAL")(
      "args,a", po::value<Args>()->multitoken()->composing(),
      "arguments for the command, sent as COMMAND!ARG1!ARG2; everything after -a is taken as "
      "arguments, as with check_nrpe (Debian's nrpe rejects arguments)");
  return desc;
}

// check_nrpe takes every word after -a as an argument, even ones starting with '-'. Splits
// `args` there: options before, the arguments after (further "-a" words only separate).
std::pair<Args, Args> SplitArguments(const Args& args) {
  const auto is_args = [](const std::string& a) { return a == "-a" || a == "--args"; };
  const auto at = std::find_if(args.begin(), args.end(), is_args);
  Args options(args.begin(), at);
  Args command_args;
  for (auto it = at; it != args.end(); ++it) {
    if (!is_args(*it)) command_args.push_back(*it);
  }
  return {std::move(options), std::move(command_args)};
}

Result<int> PacketVersion(const po::variables_map& vm) {
  int version = 0;
  int chosen = 0;
  for (const int v : {2, 3, 4}) {
    if (vm["v" + std::to_string(v) + "-packets-only"].as<bool>()) {
      version = v;
      ++chosen;
    }
  }
  if (chosen > 1) return Fail("-2, -3 and -4 exclude each other");
  return version;
}

Result<bool> ApplyTls(const po::variables_map& vm, NrpeCheckSpec& spec) {
  spec.cert_file = Get<std::string>(vm, "cert").value_or("");
  spec.key_file = Get<std::string>(vm, "key").value_or("");
  spec.ca_file = Get<std::string>(vm, "ca").value_or("");
  const bool certificates =
      !spec.cert_file.empty() || !spec.key_file.empty() || !spec.ca_file.empty();
  if (spec.cert_file.empty() != spec.key_file.empty()) return Fail("-C and -K go together");
  if (vm["no-ssl"].as<bool>()) {
    if (certificates) return Fail("-n excludes -C, -K and -A");
    spec.tls = NrpeCheckSpec::Tls::kNone;
  } else {
    spec.tls = certificates ? NrpeCheckSpec::Tls::kCertificate : NrpeCheckSpec::Tls::kAnonymousDh;
  }
  return true;
}

Result<NrpeCheckSpec> BuildNrpeSpec(const po::variables_map& vm, const Args& command_args) {
  NrpeCheckSpec spec;
  spec.host = Get<std::string>(vm, "host").value_or("");
  if (spec.host.empty()) return Fail("missing -H HOST");
  spec.port = vm["port"].as<int>();
  if (spec.port < 1 || spec.port > 65535) return Fail("-p must be 1..65535");
  spec.command = Get<std::string>(vm, "command").value_or("");
  spec.args = Get<Args>(vm, "args").value_or(Args{});  // the --args=WORD form
  spec.args.insert(spec.args.end(), command_args.begin(), command_args.end());
  auto timeout = Timeout(vm);
  if (!timeout) return tl::unexpected(timeout.error());
  spec.timeout = *timeout;
  auto version = PacketVersion(vm);
  if (!version) return tl::unexpected(version.error());
  spec.version = *version;
  if (auto tls = ApplyTls(vm, spec); !tls) return tl::unexpected(tls.error());
  spec.timeout_unknown = vm["unknown-timeout"].as<bool>();
  return spec;
}

}  // namespace

int RunNrpe(const Args& args, std::ostream& out, std::ostream& err) {
  const po::options_description desc = NrpeOptions();
  const auto [options, command_args] = SplitArguments(args);
  po::variables_map vm;
  if (auto done = Parse(kLabel, options, desc, vm, out, err)) return *done;
  auto spec = BuildNrpeSpec(vm, command_args);
  if (!spec) return Usage(kLabel, spec.error().message, desc, out, err);
  const CheckResult result = RunNrpeCheck(*spec);
  if (vm["json"].as<bool>()) return Print(kLabel, result, vm, out);
  out << FormatPassthrough(result) << '\n';
  return ExitCode(result.state);
}

}  // namespace gs::probes::cli
