#include "probes/check_cli.h"

#include <boost/program_options.hpp>
#include <cmath>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "probes/http_probe.h"
#include "probes/nagios_output.h"

namespace gs::probes {

namespace {

namespace po = boost::program_options;
using Args = std::vector<std::string>;

// One probe kind of the `check` command.
struct CheckKind {
  std::string_view name;     // as typed: "http"
  std::string_view label;    // plugin line prefix: "HTTP"
  std::string_view summary;  // one line for the usage text
  int (*run)(const Args& args, std::ostream& out, std::ostream& err);
};

int RunHttp(const Args& args, std::ostream& out, std::ostream& err);

// The registry of probe kinds; add a line here for each new kind.
constexpr CheckKind kKinds[] = {
    {"http", "HTTP", "HTTP(S) request: status, response time, body regex, certificate", &RunHttp},
};

int Usage(std::string_view label, const std::string& reason, const po::options_description& desc,
          std::ostream& out, std::ostream& err) {
  out << label << " UNKNOWN - " << reason << '\n';
  err << desc << '\n';
  return ExitCode(State::kUnknown);
}

po::options_description HttpOptions() {
  po::options_description desc("Usage: groundstation check http -u URL [OPTIONS]");
  desc.add_options()("help,h", "print this help")("url,u", po::value<std::string>(),
                                                  "URL to request (required)")(
      "warning,w", po::value<std::string>(), "response time range (seconds) for WARNING, e.g. 0.5")(
      "critical,c", po::value<std::string>(), "response time range (seconds) for CRITICAL, e.g. 2")(
      "expect,e", po::value<std::string>(),
      "status codes that are OK, e.g. 200,301-302; others are CRITICAL (default: 1xx-3xx OK, "
      "4xx WARNING, 5xx CRITICAL)")("regex,r", po::value<std::string>(),
                                    "PCRE2 pattern the body must match (multiline)")(
      "timeout,t", po::value<double>()->default_value(10), "timeout in seconds")(
      "cert-warn", po::value<int>(), "WARNING when the certificate has fewer days left")(
      "cert-crit", po::value<int>(), "CRITICAL when the certificate has fewer days left")(
      "method", po::value<std::string>()->default_value("GET"), "HTTP method")(
      "body", po::value<std::string>(), "request body")(
      "header,H", po::value<Args>()->composing(),
      "extra request header 'Name: value' (repeatable)")("host-header", po::value<std::string>(),
                                                         "Host header to send")(
      "sni", po::value<std::string>(),
      "TLS server name; the connection still goes to the URL's host")(
      "follow,f", po::bool_switch(), "follow redirects")("insecure", po::bool_switch(),
                                                         "do not verify the TLS certificate")(
      "json", po::bool_switch(), "print the result as JSON");
  return desc;
}

template <typename T>
std::optional<T> Get(const po::variables_map& vm, const char* name) {
  if (vm.count(name) == 0) return std::nullopt;
  return vm[name].as<T>();
}

Result<Range> OptionalRange(const po::variables_map& vm, const char* name) {
  const auto text = Get<std::string>(vm, name);
  if (!text) return Range();
  auto range = Range::Parse(*text);
  if (!range) return Fail("--" + std::string(name) + ": " + range.error().message);
  return range;
}

Result<bool> ApplyThresholds(const po::variables_map& vm, HttpCheckSpec& spec) {
  auto warn = OptionalRange(vm, "warning");
  if (!warn) return tl::unexpected(warn.error());
  auto crit = OptionalRange(vm, "critical");
  if (!crit) return tl::unexpected(crit.error());
  spec.warn_time = std::move(*warn);
  spec.crit_time = std::move(*crit);
  if (auto codes = Get<std::string>(vm, "expect")) {
    auto ranges = ParseStatusRanges(*codes);
    if (!ranges) return Fail("--expect: " + ranges.error().message);
    spec.expect_status = std::move(*ranges);
  }
  spec.cert_warn_days = Get<int>(vm, "cert-warn");
  spec.cert_crit_days = Get<int>(vm, "cert-crit");
  return true;
}

Result<HttpCheckSpec> BuildHttpSpec(const po::variables_map& vm) {
  HttpCheckSpec spec;
  auto url = Get<std::string>(vm, "url");
  if (!url || url->empty()) return Fail("missing --url");
  spec.url = std::move(*url);
  const double timeout = vm["timeout"].as<double>();
  if (!(timeout > 0 && timeout <= 86400)) return Fail("--timeout must be 0 < SEC <= 86400");
  spec.timeout = std::chrono::milliseconds(std::llround(timeout * 1000));
  if (auto ok = ApplyThresholds(vm, spec); !ok) return tl::unexpected(ok.error());
  spec.body_regex = Get<std::string>(vm, "regex").value_or("");
  spec.method = vm["method"].as<std::string>();
  spec.body = Get<std::string>(vm, "body").value_or("");
  spec.headers = Get<Args>(vm, "header").value_or(Args{});
  spec.host_header = Get<std::string>(vm, "host-header").value_or("");
  spec.sni = Get<std::string>(vm, "sni").value_or("");
  spec.follow_redirects = vm["follow"].as<bool>();
  spec.verify_tls = !vm["insecure"].as<bool>();
  return spec;
}

int RunHttp(const Args& args, std::ostream& out, std::ostream& err) {
  const po::options_description desc = HttpOptions();
  po::variables_map vm;
  try {
    // No positional arguments: an empty description makes a stray word an error.
    const po::positional_options_description none;
    po::store(po::command_line_parser(args).options(desc).positional(none).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return Usage("HTTP", e.what(), desc, out, err);
  }
  if (vm.count("help") != 0) {
    out << desc << '\n';
    return ExitCode(State::kUnknown);
  }
  auto spec = BuildHttpSpec(vm);
  if (!spec) return Usage("HTTP", spec.error().message, desc, out, err);
  const CheckResult result = RunHttpCheck(*spec);
  out << (vm["json"].as<bool>() ? ToJson(result) : FormatPluginLine("HTTP", result)) << '\n';
  return ExitCode(result.state);
}

int UnknownKind(const std::string& reason, std::ostream& out, std::ostream& err) {
  out << "CHECK UNKNOWN - " << reason << '\n';
  err << "Usage: groundstation check KIND [OPTIONS]   (KIND --help for its options)\nKinds:\n";
  for (const CheckKind& kind : kKinds) err << "  " << kind.name << "  " << kind.summary << '\n';
  return ExitCode(State::kUnknown);
}

}  // namespace

int RunCheckCli(int argc, char** argv, std::ostream& out, std::ostream& err) {
  if (argc < 1 || argv == nullptr || argv[0] == nullptr) {
    return UnknownKind("missing check kind", out, err);
  }
  const std::string_view name = argv[0];
  for (const CheckKind& kind : kKinds) {
    if (kind.name == name) return kind.run(Args(argv + 1, argv + argc), out, err);
  }
  return UnknownKind("unknown check kind '" + std::string(name) + "'", out, err);
}

int RunCheckCli(int argc, char** argv) { return RunCheckCli(argc, argv, std::cout, std::cerr); }

}  // namespace gs::probes
