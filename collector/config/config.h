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

#include "alerts/alertmanager_notifier.h"
#include "alerts/email_notifier.h"
#include "alerts/flapping.h"
#include "alerts/ground.h"
#include "alerts/router.h"
#include "alerts/sms_notifier.h"
#include "alerts/webhook_notifier.h"
#include "dashboards/dashboard.h"
#include "probes/disk_probe.h"
#include "probes/http_probe.h"
#include "probes/mysql_probe.h"
#include "probes/nrpe_probe.h"
#include "probes/raid_probe.h"
#include "probes/range.h"
#include "probes/target.h"
#include "probes/tcp_probe.h"

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

// kind: disk. Space and inodes of the collector's own filesystems (nodes run
// `groundstation check disk` through their NRPE agent).
struct DiskCheckOptions {
  probes::DiskCheckSpec spec;
  friend bool operator==(const DiskCheckOptions&, const DiskCheckOptions&) = default;
};

// kind: raid. Linux software RAID of the collector's own box, from /proc/mdstat.
struct RaidCheckOptions {
  probes::RaidCheckSpec spec;
  friend bool operator==(const RaidCheckOptions&, const RaidCheckOptions&) = default;
};

// kind: exec. Any Nagios plugin; each word may hold {address}, {name} and {tag:KEY}.
struct ExecCheckOptions {
  std::vector<std::string> command;  // argv; command[0] a path or a name in PATH
  std::size_t output_limit = 64 * 1024;
  friend bool operator==(const ExecCheckOptions&, const ExecCheckOptions&) = default;
};

// kind: heartbeat. Passive: results arrive by POST /api/v1/heartbeat/<check> or
// /api/v1/results; CRITICAL when none arrived within max_age.
struct HeartbeatCheckOptions {
  milliseconds max_age{0};
  friend bool operator==(const HeartbeatCheckOptions&, const HeartbeatCheckOptions&) = default;
};

// kind: mysql. host may hold {address}, {name}, {tag:KEY} (default "{address}"); the password
// only ever comes from credentials_file.
struct MysqlCheckOptions {
  probes::MysqlCheckSpec spec;
  friend bool operator==(const MysqlCheckOptions&, const MysqlCheckOptions&) = default;
};

// kind: tcp and kind: tls (tls = true). host and sni may hold {address}, {name}, {tag:KEY};
// host defaults to "{address}".
struct TcpCheckOptions {
  probes::TcpCheckSpec spec;
  friend bool operator==(const TcpCheckOptions&, const TcpCheckOptions&) = default;
};

// kind: nrpe. host and each of args may hold {address}, {name}, {tag:KEY}; host defaults to
// "{address}".
struct NrpeCheckOptions {
  probes::NrpeCheckSpec spec;
  friend bool operator==(const NrpeCheckOptions&, const NrpeCheckOptions&) = default;
};

struct CheckConfig {
  std::string name;
  std::string kind;
  probes::Selector select;
  milliseconds interval{60'000};
  milliseconds timeout{10'000};
  int max_attempts = 3;
  milliseconds retry_interval{0};  // 0: same as interval
  // Alerting: a host check marks its node DOWN while it fails (the node's other checks are
  // held); depends_on holds this check's alerts while a matching check fails.
  bool host_check = false;
  std::optional<probes::Selector> depends_on;
  alerts::FlapOptions flap;
  std::variant<HttpCheckOptions, DiskCheckOptions, ExecCheckOptions, HeartbeatCheckOptions,
               MysqlCheckOptions, TcpCheckOptions, NrpeCheckOptions, RaidCheckOptions>
      options;

  [[nodiscard]] milliseconds effective_retry_interval() const {
    return retry_interval.count() > 0 ? retry_interval : interval;
  }
  friend bool operator==(const CheckConfig&, const CheckConfig&) = default;
};

// One notifier: its name, kind and the options of that kind's notifier class. Kinds:
// webhook, slack, alertmanager, twilio, sms_gateway, email (collector/config/parse_notifiers.cc).
struct NotifierConfig {
  std::string name;
  std::string kind;
  std::variant<alerts::WebhookNotifier::Options, alerts::AlertmanagerNotifier::Options,
               alerts::TwilioSmsNotifier::Options, alerts::GatewaySmsNotifier::Options,
               alerts::EmailNotifier::Options>
      options;
  // The notifier's YAML as written, so a reload can tell whether it changed.
  std::string spec;
  friend bool operator==(const NotifierConfig& a, const NotifierConfig& b) {
    return a.name == b.name && a.kind == b.kind && a.spec == b.spec;
  }
};

// watchdog: an outbound heartbeat to a dead man's switch (healthchecks.io, Cronitor, ...), so
// that the death of the ground box itself is noticed elsewhere.
struct WatchdogConfig {
  std::string url;  // empty: off
  std::string method = "GET";
  milliseconds interval{60'000};
  milliseconds timeout{10'000};
  std::map<std::string, std::string> headers;
  friend bool operator==(const WatchdogConfig&, const WatchdogConfig&) = default;
};

// inventory: the discovery sources besides nodes: (collector/inventory/). Secrets are read
// from their files at load.
struct Ec2SourceConfig {
  std::string name;
  std::string region = "us-east-1";
  std::string endpoint;  // empty: https://ec2.REGION.amazonaws.com
  // Server-side filters, e.g. {"tag:role": [web, db], "instance-state-name": [running]}.
  std::vector<std::pair<std::string, std::vector<std::string>>> filters;
  bool public_address = false;  // address: public | private
  std::string name_tag = "Name";
  probes::Tags tags;  // added to every node of this source
  milliseconds refresh{60'000};
  milliseconds timeout{10'000};
  bool verify_tls = true;
  // Credentials; each empty field falls through to the next link of the chain (environment,
  // shared credentials file, instance metadata).
  std::string access_key_id;
  std::string secret_access_key;
  std::string profile;
  std::string credentials_file;
  std::string imds_endpoint = "http://169.254.169.254";
  friend bool operator==(const Ec2SourceConfig&, const Ec2SourceConfig&) = default;
};

struct DnsPoolConfig {
  std::string name;    // the round-robin name
  std::string server;  // "" = the system resolver; "127.0.0.1:5353"
  bool ipv4 = true;
  bool ipv6 = true;
  probes::Tags tags;
  milliseconds refresh{30'000};
  milliseconds timeout{3'000};
  friend bool operator==(const DnsPoolConfig&, const DnsPoolConfig&) = default;
};

struct RegisterConfig {
  bool enabled = false;                    // the register: key is present
  milliseconds expire_after{15 * 60'000};  // without renewal (a ttl in the request may shorten it)
  std::size_t max_nodes = 10'000;
  probes::Tags tags;  // added to every registered node
  friend bool operator==(const RegisterConfig&, const RegisterConfig&) = default;
};

struct InventoryConfig {
  std::string file;  // a nodes file (a list like nodes:), re-read when it changes
  milliseconds file_check{5'000};
  std::vector<Ec2SourceConfig> ec2;
  std::vector<DnsPoolConfig> dns;
  RegisterConfig registration;  // the register: key
  friend bool operator==(const InventoryConfig&, const InventoryConfig&) = default;
};

// forecasts[]: capacity alerts. For every node matching `select` that has the file
// rrd/<node>/<check>/<metric>.rrd, the least-squares trend over `window` is projected every
// `interval`: the check "forecast:<name>" on that node is CRITICAL when the metric is past
// the limit or predicted to reach it within `within`, WARNING within `warn_within`.
struct ForecastConfig {
  std::string name;
  std::optional<probes::Selector> select;  // unset: every node
  std::string check;                       // a configured check, or "log:<rule>"
  std::string metric;                      // the perfdata label
  double threshold = 0;
  bool below = false;  // `below: N` (falling to N is bad) instead of `above: N`
  milliseconds within{7LL * 86'400'000};
  milliseconds warn_within{0};  // 0: no WARNING stage
  milliseconds window{7LL * 86'400'000};
  milliseconds interval{15LL * 60'000};
  friend bool operator==(const ForecastConfig&, const ForecastConfig&) = default;
};

// dashboards: where the dashboard definitions come from: the ones shipped in the binary
// (dashboards/*.yaml of the source tree) unless `shipped: false`, then every *.yaml and *.yml
// file of `dir`, each replacing a shipped one of the same name. Read with the config (and
// again on SIGHUP); a bad definition is a config error like any other.
struct DashboardsSection {
  std::string dir;  // "": none
  bool shipped = true;
  std::vector<dashboards::Dashboard> list;  // by name
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
  alerts::GroundOptions uplink;  // the uplink: section (uplink set, region detection)
  WatchdogConfig watchdog;
  InventoryConfig inventory;
  std::vector<ForecastConfig> forecasts;
  DashboardsSection dashboards;
};

}  // namespace gs::collector
