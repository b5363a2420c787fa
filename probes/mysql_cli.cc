// `groundstation check mysql`: the MySQL/MariaDB probe as a Nagios plugin. Option letters
// follow check_mysql and check_mysql_query where those have them (-H -P -s -u -p -f -d -q -w
// -c); -w/-c are the query value's thresholds, as in check_mysql_query.
#include <string>

#include "probes/check_cli_support.h"
#include "probes/mysql_probe.h"

namespace gs::probes::cli {

namespace {

po::options_description MysqlOptions() {
  po::options_description desc("Usage: groundstation check mysql -H HOST | -s SOCKET [OPTIONS]");
  AddCommonOptions(desc);
  desc.add_options()(
      "hostname,H", po::value<std::string>(),
      "server name or address (\"localhost\" means libmariadb's default Unix socket)")(
      "port,P", po::value<int>()->default_value(3306), "TCP port")(
      "socket,s", po::value<std::string>(), "Unix socket path (instead of -H/-P)")(
      "username,u", po::value<std::string>(), "user name")(
      "password,p", po::value<std::string>(), "password (visible in the process list: prefer -f)")(
      "file,f", po::value<std::string>(),
      "option file with a [client] group (user=, password=); -u/-p override it")(
      "database,d", po::value<std::string>(), "default database")(
      "query,q", po::value<std::string>(), "query whose first value is checked")(
      "expect", po::value<std::string>(), "the value must be exactly this")(
      "expect-regex", po::value<std::string>(), "the value must match this PCRE2 pattern")(
      "warning,w", po::value<std::string>(), "range for the query's numeric value (WARNING)")(
      "critical,c", po::value<std::string>(), "range for the query's numeric value (CRITICAL)")(
      "connect-warn", po::value<std::string>(), "connect time range, seconds (WARNING)")(
      "connect-crit", po::value<std::string>(), "connect time range, seconds (CRITICAL)")(
      "replication", po::bool_switch(), "check the replica: IO/SQL threads running, lag known")(
      "lag-warn", po::value<std::string>(), "replica lag range, seconds (WARNING)")(
      "lag-crit", po::value<std::string>(), "replica lag range, seconds (CRITICAL)")(
      "connections-warn", po::value<double>(), "WARNING above this percent of max_connections")(
      "connections-crit", po::value<double>(), "CRITICAL above this percent of max_connections")(
      "uptime-warn", po::value<std::int64_t>(), "WARNING when up for fewer seconds (a restart)")(
      "uptime-crit", po::value<std::int64_t>(), "CRITICAL when up for fewer seconds")(
      "tls", po::bool_switch(), "require TLS without verifying the certificate")(
      "tls-ca", po::value<std::string>(),
      "require TLS with the certificate verified against this CA file and the host name");
  return desc;
}

Result<void> ApplyRanges(const po::variables_map& vm, MysqlCheckSpec& spec) {
  const std::pair<const char*, Range*> ranges[] = {
      {"warning", &spec.warn_value},        {"critical", &spec.crit_value},
      {"connect-warn", &spec.warn_connect}, {"connect-crit", &spec.crit_connect},
      {"lag-warn", &spec.warn_lag},         {"lag-crit", &spec.crit_lag}};
  for (const auto& [option, target] : ranges) {
    auto range = OptionalRange(vm, option);
    if (!range) return tl::unexpected(range.error());
    *target = std::move(*range);
  }
  return {};
}

Result<void> ApplyTls(const po::variables_map& vm, MysqlCheckSpec& spec) {
  const auto ca = Get<std::string>(vm, "tls-ca");
  if (vm["tls"].as<bool>() && ca) return Fail("--tls and --tls-ca are exclusive");
  if (vm["tls"].as<bool>()) spec.tls = MysqlTls::kRequired;
  if (ca) {
    spec.tls = MysqlTls::kVerify;
    spec.ca_file = *ca;
  }
  return {};
}

// The option combinations ValidateMysqlSpec also rejects, named as options.
Result<void> CheckCombinations(const po::variables_map& vm) {
  const auto given = [&](const char* name) { return vm.count(name) != 0; };
  if (given("expect") && given("expect-regex")) {
    return Fail("--expect and --expect-regex are exclusive");
  }
  if (!given("query") &&
      (given("expect") || given("expect-regex") || given("warning") || given("critical"))) {
    return Fail("--expect, --expect-regex, -w and -c need -q QUERY");
  }
  if (!vm["replication"].as<bool>() && (given("lag-warn") || given("lag-crit"))) {
    return Fail("--lag-warn and --lag-crit need --replication");
  }
  return {};
}

Result<MysqlCheckSpec> BuildMysqlSpec(const po::variables_map& vm) {
  if (auto ok = CheckCombinations(vm); !ok) return tl::unexpected(ok.error());
  MysqlCheckSpec spec;
  spec.host = Get<std::string>(vm, "hostname").value_or("");
  spec.socket = Get<std::string>(vm, "socket").value_or("");
  if (spec.host.empty() && spec.socket.empty()) return Fail("missing --hostname or --socket");
  spec.port = vm["port"].as<int>();
  spec.user = Get<std::string>(vm, "username").value_or("");
  spec.password = Get<std::string>(vm, "password").value_or("");
  spec.credentials_file = Get<std::string>(vm, "file").value_or("");
  spec.database = Get<std::string>(vm, "database").value_or("");
  spec.query = Get<std::string>(vm, "query").value_or("");
  spec.expect = Get<std::string>(vm, "expect").value_or("");
  spec.expect_regex = Get<std::string>(vm, "expect-regex").value_or("");
  spec.replication = vm["replication"].as<bool>();
  spec.connections_warn_percent = Get<double>(vm, "connections-warn");
  spec.connections_crit_percent = Get<double>(vm, "connections-crit");
  spec.uptime_warn_seconds = Get<std::int64_t>(vm, "uptime-warn");
  spec.uptime_crit_seconds = Get<std::int64_t>(vm, "uptime-crit");
  auto timeout = Timeout(vm);
  if (!timeout) return tl::unexpected(timeout.error());
  spec.timeout = *timeout;
  if (auto ok = ApplyRanges(vm, spec); !ok) return tl::unexpected(ok.error());
  if (auto ok = ApplyTls(vm, spec); !ok) return tl::unexpected(ok.error());
  if (auto valid = ValidateMysqlSpec(spec); !valid) return tl::unexpected(valid.error());
  return spec;
}

}  // namespace

int RunMysql(const Args& args, std::ostream& out, std::ostream& err) {
  const po::options_description desc = MysqlOptions();
  po::variables_map vm;
  if (auto done = Parse("MYSQL", args, desc, vm, out, err)) return *done;
  auto spec = BuildMysqlSpec(vm);
  if (!spec) return Usage("MYSQL", spec.error().message, desc, out, err);
  return Print("MYSQL", RunMysqlCheck(*spec), vm, out);
}

}  // namespace gs::probes::cli
