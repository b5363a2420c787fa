// `groundstation check tcp` and `groundstation check tls`: the TCP probe as Nagios plugins,
// with check_tcp's option letters where they exist (-H -p -s -e -w -c -t).
#include <string>

#include "probes/check_cli_support.h"
#include "probes/tcp_probe.h"

namespace gs::probes::cli {

namespace {

// The options both commands share.
void AddConnectionOptions(po::options_description& desc) {
  desc.add_options()("hostname,H", po::value<std::string>(), "host name or address (required)")(
      "send,s", po::value<std::string>(),
      R"(string to send after connecting; \r \n \t \\ are interpreted)")(
      "expect,e", po::value<std::string>(),
      "PCRE2 pattern (multiline) the reply must match; CRITICAL when it does not")(
      "warning,w", po::value<std::string>(), "connect time range (seconds) for WARNING, e.g. 0.5")(
      "critical,c", po::value<std::string>(), "connect time range (seconds) for CRITICAL, e.g. 2");
}

po::options_description TcpOptions() {
  po::options_description desc("Usage: groundstation check tcp -H HOST -p PORT [OPTIONS]");
  AddCommonOptions(desc);
  AddConnectionOptions(desc);
  desc.add_options()("port,p", po::value<int>(), "TCP port (required)");
  return desc;
}

po::options_description TlsOptions() {
  po::options_description desc("Usage: groundstation check tls -H HOST [-p PORT] [OPTIONS]");
  AddCommonOptions(desc);
  AddConnectionOptions(desc);
  desc.add_options()("port,p", po::value<int>()->default_value(443), "TCP port")(
      "sni", po::value<std::string>(),
      "server name to send and to match the certificate against (default: the host name)")(
      "ca", po::value<std::string>(), "CA bundle to verify against (default: system CAs)")(
      "no-verify", po::bool_switch(), "do not verify the certificate chain")(
      "no-verify-hostname", po::bool_switch(), "do not match the certificate to the name")(
      "days-warn", po::value<int>(), "WARNING when a certificate has fewer days left")(
      "days-crit", po::value<int>(), "CRITICAL when a certificate has fewer days left")(
      "cert", po::value<std::string>(), "client certificate (PEM chain) to present")(
      "key", po::value<std::string>(), "client key (PEM; default: read from --cert)");
  return desc;
}

Result<TcpCheckSpec> BuildSpec(const po::variables_map& vm) {
  TcpCheckSpec spec;
  spec.host = Get<std::string>(vm, "hostname").value_or("");
  if (spec.host.empty()) return Fail("missing --hostname");
  const auto port = Get<int>(vm, "port");
  if (!port) return Fail("missing --port");
  if (*port < 1 || *port > 65535) return Fail("--port must be in 1..65535");
  spec.port = *port;
  auto timeout = Timeout(vm);
  if (!timeout) return tl::unexpected(timeout.error());
  spec.timeout = *timeout;
  auto warn = OptionalRange(vm, "warning");
  if (!warn) return tl::unexpected(warn.error());
  auto crit = OptionalRange(vm, "critical");
  if (!crit) return tl::unexpected(crit.error());
  spec.warn_time = std::move(*warn);
  spec.crit_time = std::move(*crit);
  spec.send = InterpretEscapes(Get<std::string>(vm, "send").value_or(""));
  spec.expect_regex = Get<std::string>(vm, "expect").value_or("");
  return spec;
}

Result<TcpCheckSpec> BuildTlsSpec(const po::variables_map& vm) {
  auto spec = BuildSpec(vm);
  if (!spec) return spec;
  spec->tls = true;
  spec->sni = Get<std::string>(vm, "sni").value_or("");
  spec->ca_file = Get<std::string>(vm, "ca").value_or("");
  spec->verify_chain = !vm["no-verify"].as<bool>();
  spec->verify_hostname = !vm["no-verify-hostname"].as<bool>();
  spec->cert_warn_days = Get<int>(vm, "days-warn");
  spec->cert_crit_days = Get<int>(vm, "days-crit");
  spec->client_cert = Get<std::string>(vm, "cert").value_or("");
  spec->client_key = Get<std::string>(vm, "key").value_or("");
  if (spec->client_cert.empty() && !spec->client_key.empty()) return Fail("--key needs --cert");
  return spec;
}

}  // namespace

int RunTcp(const Args& args, std::ostream& out, std::ostream& err) {
  const po::options_description desc = TcpOptions();
  po::variables_map vm;
  if (auto done = Parse("TCP", args, desc, vm, out, err)) return *done;
  auto spec = BuildSpec(vm);
  if (!spec) return Usage("TCP", spec.error().message, desc, out, err);
  return Print("TCP", RunTcpCheck(*spec), vm, out);
}

int RunTls(const Args& args, std::ostream& out, std::ostream& err) {
  const po::options_description desc = TlsOptions();
  po::variables_map vm;
  if (auto done = Parse("TLS", args, desc, vm, out, err)) return *done;
  auto spec = BuildTlsSpec(vm);
  if (!spec) return Usage("TLS", spec.error().message, desc, out, err);
  return Print("TLS", RunTcpCheck(*spec), vm, out);
}

}  // namespace gs::probes::cli
