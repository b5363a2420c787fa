// Config: the validated, immutable configuration snapshot. Produced by LoadConfig* (see
// loader.h); each stage receives only its own section. Plain values; share as
// std::shared_ptr<const Config> between threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "alerts/router.h"
#include "probes/http_probe.h"
#include "probes/range.h"
#include "probes/target.h"

namespace gs::collector {

using std::chrono::milliseconds;

struct HttpSection {
  std::string listen = "127.0.0.1:8080";
  std::string token_file;  // bearer token for write endpoints; empty: writes disabled
  friend bool operator==(const HttpSection&, const HttpSection&) = default;
};

struct RrdSection {
  std::string daemon;  // "" (write files directly) or "unix:/path" (rrdcached)
  // Hold values this long and write each file's values in one update (see RrdWriter).
  milliseconds cache_timeout{0};
  friend bool operator==(const RrdSection&, const RrdSection&) = default;
};

// syslog: network listeners and the per-host log archive (see collector/syslog/).
struct SyslogTlsConfig {
  std::string cert_file;  // PEM server certificate (chain); required by a tls:// listener
  std::string key_file;   // PEM private key
  std::string ca_file;    // PEM CAs that sign client certificates
  bool require_client_cert = false;
  std::vector<std::string> allowed_subjects;  // client certificate CN/SAN DNS names; empty: any
  friend bool operator==(const SyslogTlsConfig&, const SyslogTlsConfig&) = default;
};

// syslog.rules[]: a PCRE2 pattern over each message's text, with optional prefilters on the
// other fields; matches are counted per host and minute (RRD) and may raise an alert.
struct LogRuleConfig {
  std::string name;
  std::string pattern;                     // PCRE2, searched in msg
  std::vector<std::string> hosts;          // archive host or node names (lower case); empty: any
  std::vector<std::string> app_names;      // exact; empty: any
  std::vector<int> facilities;             // 0..23; empty: any
  int max_severity = 7;                    // this severity or worse (0 emerg .. 7 debug)
  std::optional<probes::Selector> select;  // tags of the sender's inventory node
  bool count = true;    // matches per minute -> rrd/<host>/log:<name>/matches.rrd
  int alert_count = 0;  // > 0: alert at this many matches within alert_window
  milliseconds alert_window{60'000};
  int alert_lines = 5;  // last matching lines carried by the alert
  friend bool operator==(const LogRuleConfig&, const LogRuleConfig&) = default;
};

struct SyslogSection {
  std::vector<std::string> listen;  // udp://, tcp://, tls:// URLs (collector/syslog/listen_url.h)
  milliseconds retention{30LL * 86'400'000};   // archive days older than this are deleted
  std::uint64_t max_message_size = 64 * 1024;  // longer messages are cut and counted
  milliseconds flush_interval{1000};  // archive buffers reach the files at least this often
  std::uint64_t udp_receive_buffer = 8 << 20;  // SO_RCVBUF per UDP listener
  std::uint64_t queue_size = 64 << 20;         // message bytes waiting for the archive writer
  int max_connections = 4096;                  // TCP/TLS connections per listener
  bool compress = false;                       // gzip closed days
  SyslogTlsConfig tls;
  std::vector<LogRuleConfig> rules;  // reloadable (the rest of syslog: is restart-only)
  friend bool operator==(const SyslogSection&, const SyslogSection&) = default;
};

struct NodeConfig {
  std::string name;
  std::string address;  // defaults to the name
  probes::Tags tags;
  friend bool operator==(const NodeConfig&, const NodeConfig&) = default;
};

// kind: http. Strings may contain {address}, {name} and {tag:KEY}, expanded per node.
struct HttpCheckOptions {
  std::string url;
  std::string method = "GET";
  std::map<std::string, std::string> headers;
  std::string body;
  std::string host_header;
  std::string sni;
  bool follow_redirects = false;
  bool verify_tls = true;
  std::vector<probes::StatusRange> expect_status;
  std::string body_regex;
  probes::Range warn_time;
  probes::Range crit_time;
  std::optional<int> cert_warn_days;
  std::optional<int> cert_crit_days;
  friend bool operator==(const HttpCheckOptions&, const HttpCheckOptions&) = default;
};

// kind: disk. Space used on local mount points, thresholds in percent used.
struct DiskCheckOptions {
  std::vector<std::string> paths = {"/"};
  double warn_percent = 80;
  double crit_percent = 90;
  friend bool operator==(const DiskCheckOptions&, const DiskCheckOptions&) = default;
};

struct CheckConfig {
  std::string name;
  std::string kind;
  probes::Selector select;
  milliseconds interval{60'000};
  milliseconds timeout{10'000};
  int max_attempts = 3;
  milliseconds retry_interval{0};  // 0: same as interval
  std::variant<HttpCheckOptions, DiskCheckOptions> options;

  [[nodiscard]] milliseconds effective_retry_interval() const {
    return retry_interval.count() > 0 ? retry_interval : interval;
  }
  friend bool operator==(const CheckConfig&, const CheckConfig&) = default;
};

struct NotifierConfig {
  std::string name;
  std::string kind;  // webhook
  std::string url;
  milliseconds timeout{10'000};
  std::map<std::string, std::string> headers;
  friend bool operator==(const NotifierConfig&, const NotifierConfig&) = default;
};

struct Config {
  std::string source;  // file name, or "<embedded default>"
  std::string data_dir = "./var";
  std::string user;  // started as root: switch to this user once every socket is bound
  HttpSection http;
  RrdSection rrd;
  SyslogSection syslog;
  std::vector<NodeConfig> nodes;
  std::vector<CheckConfig> checks;
  std::vector<NotifierConfig> notifiers;
  std::vector<alerts::Route> routes;
};

}  // namespace gs::collector
