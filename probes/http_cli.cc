// `groundstation check http`: the HTTP probe as a Nagios plugin.
#include <string>

#include "probes/check_cli_support.h"
#include "probes/http_probe.h"

namespace gs::probes::cli {

namespace {

po::options_description HttpOptions() {
  po::options_description desc("Usage: groundstation check http -u URL [OPTIONS]");
  AddCommonOptions(desc);
  desc.add_options()("url,u", po::value<std::string>(), "URL to request (required)")(
      "warning,w", po::value<std::string>(), "response time range (seconds) for WARNING, e.g. 0.5")(
      "critical,c", po::value<std::string>(), "response time range (seconds) for CRITICAL, e.g. 2")(
      "expect,e", po::value<std::string>(),
      "status codes that are OK, e.g. 200,301-302; others are CRITICAL (default: 1xx-3xx OK, "
      "4xx WARNING, 5xx CRITICAL)")("regex,r", po::value<std::string>(),
                                    "PCRE2 pattern the body must match (multiline)")(
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
                                                         "do not verify the TLS certificate");
  return desc;
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
  auto timeout = Timeout(vm);
  if (!timeout) return tl::unexpected(timeout.error());
  spec.timeout = *timeout;
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

}  // namespace

int RunHttp(const Args& args, std::ostream& out, std::ostream& err) {
  const po::options_description desc = HttpOptions();
  po::variables_map vm;
  if (auto done = Parse("HTTP", args, desc, vm, out, err)) return *done;
  auto spec = BuildHttpSpec(vm);
  if (!spec) return Usage("HTTP", spec.error().message, desc, out, err);
  return Print("HTTP", RunHttpCheck(*spec), vm, out);
}

}  // namespace gs::probes::cli
