// Config: the validated, immutable configuration snapshot. Produced by LoadConfig* (see
// loader.h); each stage receives only its own section. Plain values; share as
// std::shared_ptr<const Config> between threads.
#pragma once

#include <chrono>
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
  HttpSection http;
  RrdSection rrd;
  std::vector<NodeConfig> nodes;
  std::vector<CheckConfig> checks;
  std::vector<NotifierConfig> notifiers;
  std::vector<alerts::Route> routes;
};

}  // namespace gs::collector
