// The check kinds of the config file and the parsers of the kinds that are not HTTP or disk
// (those live in parse.cc). Add a kind: its options struct in config.h, a parser here, a line
// in kKinds, and its run in collector/probe_registry.cc.
#include <string>

#include "collector/config/parse.h"
#include "collector/config/template.h"
#include "probes/nagios_output.h"
#include "probes/perfdata.h"
#include "probes/tcp_probe.h"

namespace gs::collector::config_parse {

namespace {

// `command`: a list of words (no shell), each a template.
void ParseExec(YamlWalker& w, const YAML::Node& check, const std::string& key, CheckConfig& out) {
  ExecCheckOptions exec;
  const std::string path = KeyPath(key, "command");
  if (!check["command"].IsDefined()) {
    w.Error(check, path, "is required for kind exec: a list, e.g. [check_load, -w, \"5,4,3\"]");
  } else if (auto words = w.StringList(check, "command", key)) {
    if (words->empty()) w.Error(check["command"], path, "must name a program");
    for (std::size_t i = 0; i < words->size(); ++i) {
      if (auto ok = ValidateTemplate((*words)[i]); !ok) {
        w.Error(check["command"][i], KeyPath(path, i), ok.error().message);
      }
    }
    exec.command = std::move(*words);
  }
  exec.output_limit = Size(w, check, "output_limit", key, 256, probes::kMaxPluginOutput)
                          .value_or(exec.output_limit);
  out.options = std::move(exec);
}

void ParseHeartbeat(YamlWalker& w, const YAML::Node& check, const std::string& key,
                    CheckConfig& out) {
  HeartbeatCheckOptions heartbeat;
  if (auto age = w.Duration(check, "max_age", key)) {
    heartbeat.max_age = *age;
    if (age->count() <= 0) w.Error(check["max_age"], KeyPath(key, "max_age"), "must be positive");
  } else if (!check["max_age"].IsDefined()) {
    w.Error(check, KeyPath(key, "max_age"), "is required for kind heartbeat, e.g. 25h");
  }
  out.options = heartbeat;
}

// A duration threshold as a range of seconds: alert above it ("2s" -> "2").
std::optional<probes::Range> SecondsRange(YamlWalker& w, const YAML::Node& node,
                                          std::string_view name, const std::string& key) {
  auto d = w.Duration(node, name, key);
  if (!d) return std::nullopt;
  const std::string text = probes::FormatNumber(static_cast<double>(d->count()) / 1000.0);
  auto range = probes::Range::Parse(text);
  if (!range) return std::nullopt;
  return *range;
}

// A Nagios range written in the config ("10", "@5:10", "~:3").
std::optional<probes::Range> RangeValue(YamlWalker& w, const YAML::Node& node,
                                        std::string_view name, const std::string& key) {
  auto text = w.String(node, name, key);
  if (!text) return std::nullopt;
  auto range = probes::Range::Parse(*text);
  if (!range) {
    w.Error(node[std::string(name)], KeyPath(key, name), range.error().message);
    return std::nullopt;
  }
  return *range;
}

void ParseMysqlLevel(YamlWalker& w, const YAML::Node& check, const std::string& key, bool warning,
                     probes::MysqlCheckSpec& spec) {
  const char* level = warning ? "warning" : "critical";
  const std::string path = KeyPath(key, level);
  const YAML::Node node = check[level];
  if (!w.ExpectMap(node, path, {"connect_time", "value", "lag", "connections_percent", "uptime"})) {
    return;
  }
  if (auto r = SecondsRange(w, node, "connect_time", path)) {
    (warning ? spec.warn_connect : spec.crit_connect) = *r;
  }
  if (auto r = RangeValue(w, node, "value", path))
    (warning ? spec.warn_value : spec.crit_value) = *r;
  if (auto r = SecondsRange(w, node, "lag", path)) (warning ? spec.warn_lag : spec.crit_lag) = *r;
  if (auto p = w.Number(node, "connections_percent", path)) {
    if (*p <= 0 || *p > 100) w.Error(node["connections_percent"], path, "must be 0..100");
    (warning ? spec.connections_warn_percent : spec.connections_crit_percent) = *p;
  }
  if (auto d = w.Duration(node, "uptime", path)) {
    (warning ? spec.uptime_warn_seconds : spec.uptime_crit_seconds) = d->count() / 1000;
  }
}

void ParseMysql(YamlWalker& w, const YAML::Node& check, const std::string& key, CheckConfig& out) {
  probes::MysqlCheckSpec spec;
  spec.host = "{address}";
  ParseTemplated(w, check, key, "host", spec.host);
  spec.port = w.Int(check, "port", key, 1, 65535).value_or(spec.port);
  spec.socket = w.String(check, "socket", key).value_or("");
  spec.credentials_file = w.String(check, "credentials_file", key).value_or("");
  spec.user = w.String(check, "user", key).value_or("");
  if (spec.credentials_file.empty() && spec.user.empty()) {
    w.Error(check, KeyPath(key, "credentials_file"),
            "is required for kind mysql (a [client] option file with user= and password=)");
  }
  spec.database = w.String(check, "database", key).value_or("");
  const std::string tls = w.String(check, "tls", key).value_or("off");
  if (tls == "off" || tls == "required" || tls == "verify") {
    spec.tls = tls == "off"        ? probes::MysqlTls::kOff
               : tls == "required" ? probes::MysqlTls::kRequired
                                   : probes::MysqlTls::kVerify;
  } else {
    w.Error(check["tls"], KeyPath(key, "tls"), "must be off, required or verify");
  }
  spec.ca_file = w.String(check, "ca_file", key).value_or("");
  spec.query = w.String(check, "query", key).value_or("");
  spec.expect = w.String(check, "expect", key).value_or("");
  spec.expect_regex = w.String(check, "expect_regex", key).value_or("");
  if (!spec.expect_regex.empty()) {
    CheckRegex(w, check["expect_regex"], KeyPath(key, "expect_regex"), spec.expect_regex);
  }
  spec.replication = w.Bool(check, "replication", key).value_or(false);
  ParseMysqlLevel(w, check, key, true, spec);
  ParseMysqlLevel(w, check, key, false, spec);
  spec.timeout = out.timeout;
  probes::MysqlCheckSpec probe = spec;
  probe.host = "127.0.0.1";  // the template is checked above; the rest is the probe's to check
  if (auto ok = probes::ValidateMysqlSpec(probe); !ok) w.Error(check, key, ok.error().message);
  out.options = MysqlCheckOptions{std::move(spec)};
}

// warning/critical of tcp and tls: {time: 0.5s, cert_days: 30} (cert_days: tls only).
void ParseTcpLevel(YamlWalker& w, const YAML::Node& check, const std::string& key, bool warning,
                   probes::TcpCheckSpec& spec) {
  const char* level = warning ? "warning" : "critical";
  const std::string path = KeyPath(key, level);
  const YAML::Node node = check[level];
  std::vector<std::string_view> keys = {"time"};
  if (spec.tls) keys.push_back("cert_days");
  if (!w.ExpectMap(node, path, keys)) return;
  if (auto r = SecondsRange(w, node, "time", path))
    (warning ? spec.warn_time : spec.crit_time) = *r;
  if (auto days = w.Int(node, "cert_days", path, 0, 100000)) {
    (warning ? spec.cert_warn_days : spec.cert_crit_days) = *days;
  }
}

void ParseTcpCommon(YamlWalker& w, const YAML::Node& check, const std::string& key,
                    CheckConfig& out, bool tls) {
  probes::TcpCheckSpec spec;
  spec.tls = tls;
  spec.host = "{address}";
  ParseTemplated(w, check, key, "host", spec.host);
  if (auto port = w.Int(check, "port", key, 1, 65535)) {
    spec.port = *port;
  } else if (!check["port"].IsDefined()) {
    w.Error(check, KeyPath(key, "port"), "is required for kind " + out.kind);
  }
  spec.send = probes::InterpretEscapes(w.String(check, "send", key).value_or(""));
  spec.expect_regex = w.String(check, "expect", key).value_or("");
  if (!spec.expect_regex.empty()) {
    CheckRegex(w, check["expect"], KeyPath(key, "expect"), spec.expect_regex);
  }
  if (tls) {
    ParseTemplated(w, check, key, "sni", spec.sni);
    spec.verify_chain = w.Bool(check, "verify", key).value_or(true);
    spec.verify_hostname = w.Bool(check, "verify_hostname", key).value_or(true);
    spec.ca_file = w.String(check, "ca_file", key).value_or("");
    spec.client_cert = w.String(check, "client_cert", key).value_or("");
    spec.client_key = w.String(check, "client_key", key).value_or("");
    // Without thresholds a certificate check warns 30 days and pages 7 days ahead.
    spec.cert_warn_days = 30;
    spec.cert_crit_days = 7;
  }
  ParseTcpLevel(w, check, key, true, spec);
  ParseTcpLevel(w, check, key, false, spec);
  out.options = TcpCheckOptions{std::move(spec)};
}

void ParseTcp(YamlWalker& w, const YAML::Node& check, const std::string& key, CheckConfig& out) {
  ParseTcpCommon(w, check, key, out, false);
}

void ParseTls(YamlWalker& w, const YAML::Node& check, const std::string& key, CheckConfig& out) {
  ParseTcpCommon(w, check, key, out, true);
}

void ParseNrpe(YamlWalker& w, const YAML::Node& check, const std::string& key, CheckConfig& out) {
  probes::NrpeCheckSpec spec;
  spec.host = "{address}";
  ParseTemplated(w, check, key, "host", spec.host);
  spec.port = w.Int(check, "port", key, 1, 65535).value_or(spec.port);
  spec.command = w.String(check, "command", key).value_or("");
  if (spec.command.empty()) {
    w.Error(check, KeyPath(key, "command"),
            "is required for kind nrpe (command[NAME] of nrpe.cfg)");
  }
  if (auto args = w.StringList(check, "args", key)) {
    for (std::size_t i = 0; i < args->size(); ++i) {
      if (auto ok = ValidateTemplate((*args)[i]); !ok) {
        w.Error(check["args"][i], KeyPath(KeyPath(key, "args"), i), ok.error().message);
      }
    }
    spec.args = std::move(*args);
  }
  using Tls = probes::NrpeCheckSpec::Tls;
  const std::string tls = w.String(check, "tls", key).value_or("adh");
  if (tls == "none" || tls == "adh" || tls == "certificate") {
    spec.tls = tls == "none" ? Tls::kNone : tls == "adh" ? Tls::kAnonymousDh : Tls::kCertificate;
  } else {
    w.Error(check["tls"], KeyPath(key, "tls"), "must be none, adh or certificate");
  }
  spec.cert_file = w.String(check, "cert_file", key).value_or("");
  spec.key_file = w.String(check, "key_file", key).value_or("");
  spec.ca_file = w.String(check, "ca_file", key).value_or("");
  if (spec.tls != Tls::kCertificate &&
      !(spec.cert_file.empty() && spec.key_file.empty() && spec.ca_file.empty())) {
    w.Error(check, KeyPath(key, "tls"), "cert_file, key_file and ca_file need tls: certificate");
  }
  if (spec.cert_file.empty() != spec.key_file.empty()) {
    w.Error(check, KeyPath(key, "key_file"), "cert_file and key_file go together");
  }
  const std::string version = w.String(check, "version", key).value_or("auto");
  if (version == "auto" || version == "2" || version == "3" || version == "4") {
    spec.version = version == "auto" ? 0 : version[0] - '0';
  } else {
    w.Error(check["version"], KeyPath(key, "version"), "must be auto, 2, 3 or 4");
  }
  const std::string timeout_state = w.String(check, "timeout_state", key).value_or("critical");
  if (timeout_state != "critical" && timeout_state != "unknown") {
    w.Error(check["timeout_state"], KeyPath(key, "timeout_state"), "must be critical or unknown");
  }
  spec.timeout_unknown = timeout_state == "unknown";
  out.options = NrpeCheckOptions{std::move(spec)};
}

const CheckKind kKinds[] = {
    {"http",
     {"url", "method", "headers", "body", "host_header", "sni", "follow_redirects", "verify_tls",
      "expect_status", "body_regex", "warning", "critical"},
     &ParseHttp},
    {"tcp", {"host", "port", "send", "expect", "warning", "critical"}, &ParseTcp},
    {"tls",
     {"host", "port", "send", "expect", "sni", "verify", "verify_hostname", "ca_file",
      "client_cert", "client_key", "warning", "critical"},
     &ParseTls},
    {"mysql",
     {"host", "port", "socket", "credentials_file", "user", "database", "tls", "ca_file", "query",
      "expect", "expect_regex", "replication", "warning", "critical"},
     &ParseMysql},
    {"disk",
     {"paths", "include_types", "exclude_types", "exclude_paths", "warning", "critical"},
     &ParseDisk},
    {"raid", {"mdstat", "arrays"}, &ParseRaid},
    {"nrpe",
     {"host", "port", "command", "args", "tls", "cert_file", "key_file", "ca_file", "version",
      "timeout_state"},
     &ParseNrpe},
    {"exec", {"command", "output_limit"}, &ParseExec},
    {"heartbeat", {"max_age"}, &ParseHeartbeat, /*passive=*/true},
};

}  // namespace

const CheckKind* FindCheckKind(std::string_view name) {
  for (const CheckKind& kind : kKinds) {
    if (kind.name == name) return &kind;
  }
  return nullptr;
}

std::string CheckKindNames() {
  std::string out;
  for (const CheckKind& kind : kKinds) out += (out.empty() ? "" : ", ") + std::string(kind.name);
  return out;
}

}  // namespace gs::collector::config_parse
