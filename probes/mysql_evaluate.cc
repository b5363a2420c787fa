// MySQL/MariaDB probe, the pure half: MysqlFacts (what a run read) turned into a CheckResult,
// and the validation of a spec. The libmariadb I/O is in mysql_probe.cc.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <tuple>

#include "probes/http_regex.h"
#include "probes/mysql_probe.h"

namespace gs::probes {

namespace {

// Server messages (replica errors, query errors) are cut to this many bytes in the first line
// and to kMaxLongValue in long_text.
constexpr std::size_t kMaxErrorText = 300;
constexpr std::size_t kMaxLongValue = 2048;
constexpr std::size_t kMaxShownValue = 64;

// `text` on one line (control characters become spaces), cut to `max` bytes with "...".
std::string Clean(std::string_view text, std::size_t max) {
  std::string out(text.substr(0, max));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  if (text.size() > max) out += "...";
  return out;
}

std::string Fixed(double value, int decimals) {
  char buffer[64];
  const auto r =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
  return std::string(buffer, r.ptr);
}

// The first of `names` present in `row` (its name and value), or nullptr.
const MysqlRow::value_type* Column(const MysqlRow& row,
                                   std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (auto it = row.find(name); it != row.end()) return &*it;
  }
  return nullptr;
}

std::string ValueOr(const MysqlRow::value_type* cell, std::string_view fallback) {
  if (cell == nullptr) return std::string(fallback);
  return cell->second ? Clean(*cell->second, kMaxLongValue) : std::string("NULL");
}

State ApplyRanges(const Range& warn, const Range& crit, double value) {
  if (crit.Alerts(value)) return State::kCritical;
  if (warn.Alerts(value)) return State::kWarning;
  return State::kOk;
}

MysqlFinding Finding(State state, std::string text, std::string long_text = "") {
  MysqlFinding f;
  f.state = state;
  f.text = std::move(text);
  f.long_text = std::move(long_text);
  return f;
}

struct ReplicaThread {
  const char* name;
  std::string_view running_new;  // MySQL >= 8.0.22 (SHOW REPLICA STATUS)
  std::string_view running_old;  // MariaDB and older MySQL
  std::string_view errno_column;
  std::string_view error_column;
};
constexpr ReplicaThread kIoThread{"IO", "Replica_IO_Running", "Slave_IO_Running", "Last_IO_Errno",
                                  "Last_IO_Error"};
constexpr ReplicaThread kSqlThread{"SQL", "Replica_SQL_Running", "Slave_SQL_Running",
                                   "Last_SQL_Errno", "Last_SQL_Error"};

// "replica SQL thread not running (No): error 1062: Could not execute ...", or "" when it runs.
std::string ThreadProblem(const MysqlRow& row, const ReplicaThread& thread,
                          const MysqlRow::value_type& running) {
  if (running.second == "Yes") return "";
  std::string text = std::string("replica ") + thread.name + " thread not running (" +
                     (running.second ? Clean(*running.second, 32) : "NULL") + ")";
  const auto* errno_cell = Column(row, {thread.errno_column});
  const auto* error_cell = Column(row, {thread.error_column});
  if (errno_cell != nullptr && errno_cell->second && *errno_cell->second != "0") {
    text += ": error " + Clean(*errno_cell->second, 16);
    if (error_cell != nullptr && error_cell->second && !error_cell->second->empty()) {
      text += ": " + Clean(*error_cell->second, kMaxErrorText);
    }
  }
  return text;
}

// The columns an operator needs to see when replication is unhealthy, one per line.
std::string ReplicaDetails(const MysqlRow& row) {
  std::string out;
  for (auto names : {std::pair{"Replica_IO_Running", "Slave_IO_Running"},
                     {"Replica_SQL_Running", "Slave_SQL_Running"},
                     {"Seconds_Behind_Source", "Seconds_Behind_Master"},
                     {"Source_Host", "Master_Host"},
                     {"Source_Port", "Master_Port"},
                     {"Last_IO_Errno", "Last_IO_Errno"},
                     {"Last_IO_Error", "Last_IO_Error"},
                     {"Last_SQL_Errno", "Last_SQL_Errno"},
                     {"Last_SQL_Error", "Last_SQL_Error"}}) {
    if (const auto* cell = Column(row, {names.first, names.second})) {
      if (!out.empty()) out += '\n';
      out += cell->first + ": " + ValueOr(cell, "");
    }
  }
  return out;
}

bool HasExpectation(const MysqlCheckSpec& spec) {
  return !spec.expect.empty() || !spec.expect_regex.empty() || !spec.warn_value.empty() ||
         !spec.crit_value.empty();
}

// Applies expect / expect_regex / thresholds to a non-NULL value.
void JudgeValue(const MysqlCheckSpec& spec, const std::string& value, MysqlFinding& f) {
  const std::string shown = "'" + Clean(value, kMaxShownValue) + "'";
  f.text = "query returned " + shown;
  if (!spec.expect.empty() && value != spec.expect) {
    f.state = State::kCritical;
    f.text += ", expected '" + Clean(spec.expect, kMaxShownValue) + "'";
  } else if (!spec.expect_regex.empty()) {
    auto regex = BodyRegex::Compile(spec.expect_regex);
    auto matched = regex ? (*regex)->Matches(value) : Result<bool>(tl::unexpected(regex.error()));
    if (!matched) {
      f.state = State::kUnknown;
      f.text += ", " + matched.error().message;
    } else if (!*matched) {
      f.state = State::kCritical;
      f.text += ", not matching '" + Clean(spec.expect_regex, kMaxShownValue) + "'";
    }
  }
  const std::optional<double> number = ParseDecimal(value);
  if (number) {
    f.perfdata.push_back(Perfdata{"value", *number, "", spec.warn_value.text(),
                                  spec.crit_value.text(), std::nullopt, std::nullopt});
    f.state = Worst(f.state, ApplyRanges(spec.warn_value, spec.crit_value, *number));
  } else if (!spec.warn_value.empty() || !spec.crit_value.empty()) {
    f.state = State::kCritical;
    f.text += ", not a number";
  }
}

std::string ServerName(const std::string& version) {
  if (version.empty()) return "server";
  const MysqlServerVersion v = ParseMysqlVersion(version);
  return std::string(v.mariadb ? "MariaDB " : "MySQL ") + std::to_string(v.major) + "." +
         std::to_string(v.minor) + "." + std::to_string(v.patch);
}

MysqlFinding EvaluateConnect(const MysqlCheckSpec& spec, const MysqlFacts& facts) {
  MysqlFinding f;
  f.state = ApplyRanges(spec.warn_connect, spec.crit_connect, facts.connect_seconds);
  f.text =
      "connected to " + ServerName(facts.version) + " in " + Fixed(facts.connect_seconds, 3) + " s";
  if (!facts.tls_cipher.empty()) f.text += " over TLS (" + Clean(facts.tls_cipher, 64) + ")";
  f.perfdata.push_back(Perfdata{"connect_time", facts.connect_seconds, "s",
                                spec.warn_connect.text(), spec.crit_connect.text(), 0.0,
                                std::nullopt});
  return f;
}

// Uptime and connections, or why they are missing.
void EvaluateStatus(const MysqlCheckSpec& spec, const MysqlFacts& facts,
                    std::vector<MysqlFinding>& findings) {
  if (!facts.status_error.empty()) {
    findings.push_back(Finding(State::kCritical, "reading server status failed: " +
                                                     Clean(facts.status_error, kMaxErrorText)));
    return;
  }
  const bool want_uptime = spec.uptime_warn_seconds || spec.uptime_crit_seconds;
  if (facts.uptime_seconds) {
    findings.push_back(EvaluateUptime(spec, *facts.uptime_seconds));
  } else if (want_uptime) {
    findings.push_back(Finding(State::kUnknown, "server reports no Uptime"));
  }
  const bool want_connections = spec.connections_warn_percent || spec.connections_crit_percent;
  if (facts.threads_connected && facts.max_connections) {
    findings.push_back(EvaluateConnections(spec, *facts.threads_connected, *facts.max_connections));
  } else if (want_connections) {
    findings.push_back(
        Finding(State::kUnknown, "server reports no Threads_connected/max_connections"));
  }
}

// Worst state; problems lead the text (worst first), then the healthy facts. Perfdata keeps
// the order of `findings` (connect, status, query, replica) whatever the states.
CheckResult Combine(std::vector<MysqlFinding> findings) {
  CheckResult result;
  result.state = State::kOk;
  for (MysqlFinding& f : findings) {
    result.state = Worst(result.state, f.state);
    for (Perfdata& p : f.perfdata) result.perfdata.push_back(std::move(p));
  }
  std::stable_sort(findings.begin(), findings.end(), [](const auto& a, const auto& b) {
    return Severity(a.state) > Severity(b.state);
  });
  for (const MysqlFinding& f : findings) {
    if (!result.text.empty()) result.text += ", ";
    result.text += f.text;
    if (!f.long_text.empty()) {
      if (!result.long_text.empty()) result.long_text += '\n';
      result.long_text += f.long_text;
    }
  }
  return result;
}

}  // namespace

MysqlServerVersion ParseMysqlVersion(std::string_view text) {
  MysqlServerVersion v;
  v.mariadb = text.find("MariaDB") != std::string_view::npos;
  // MariaDB behind some proxies (and old replication handshakes) reads "5.5.5-10.6.12-MariaDB".
  if (v.mariadb && text.starts_with("5.5.5-")) text.remove_prefix(6);
  for (int* part : {&v.major, &v.minor, &v.patch}) {
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *part);
    if (ec != std::errc()) break;
    text.remove_prefix(static_cast<std::size_t>(ptr - text.data()));
    if (text.empty() || text.front() != '.') break;
    text.remove_prefix(1);
  }
  return v;
}

std::string_view ReplicaStatusStatement(const MysqlServerVersion& v) {
  const auto version = std::tuple(v.major, v.minor, v.patch);
  const bool modern = v.mariadb ? version >= std::tuple(10, 5, 1) : version >= std::tuple(8, 0, 22);
  return modern ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS";
}

MysqlFinding EvaluateReplica(const MysqlCheckSpec& spec, const MysqlRow* row) {
  if (row == nullptr) return Finding(State::kCritical, "no replication configured");
  const auto* io = Column(*row, {kIoThread.running_new, kIoThread.running_old});
  const auto* sql = Column(*row, {kSqlThread.running_new, kSqlThread.running_old});
  const auto* lag = Column(*row, {"Seconds_Behind_Source", "Seconds_Behind_Master"});
  if (io == nullptr || sql == nullptr || lag == nullptr) {
    return Finding(State::kUnknown, "replica status lacks the IO/SQL running or lag columns");
  }
  std::string problems;
  for (const auto& [thread, cell] : {std::pair{&kIoThread, io}, std::pair{&kSqlThread, sql}}) {
    const std::string problem = ThreadProblem(*row, *thread, *cell);
    if (problem.empty()) continue;
    if (!problems.empty()) problems += ", ";
    problems += problem;
  }
  // A stopped thread leaves the lag NULL (or stale): never report it, never as 0.
  if (!problems.empty()) return Finding(State::kCritical, problems, ReplicaDetails(*row));
  if (!lag->second) {
    return Finding(State::kCritical, "replica lag unknown (" + lag->first + " is NULL)",
                   ReplicaDetails(*row));
  }
  const std::optional<double> seconds = ParseDecimal(*lag->second);
  if (!seconds) {
    return Finding(State::kUnknown,
                   "replica lag '" + Clean(*lag->second, kMaxShownValue) + "' is not a number");
  }
  MysqlFinding f;
  f.state = ApplyRanges(spec.warn_lag, spec.crit_lag, *seconds);
  f.text = "replica running, lag " + FormatNumber(*seconds) + " s";
  if (f.state != State::kOk) f.long_text = ReplicaDetails(*row);
  f.perfdata.push_back(Perfdata{"lag", *seconds, "s", spec.warn_lag.text(), spec.crit_lag.text(),
                                0.0, std::nullopt});
  return f;
}

MysqlFinding EvaluateQuery(const MysqlCheckSpec& spec, const MysqlQueryOutcome& outcome) {
  MysqlFinding f;
  f.perfdata.push_back(Perfdata{"query_time", outcome.seconds, "s", "", "", 0.0, std::nullopt});
  if (!outcome.error.empty()) {
    f.state = State::kCritical;
    f.text = "query failed: " + Clean(outcome.error, kMaxErrorText);
  } else if (!outcome.has_row) {
    // As check_mysql_query: no rows is a WARNING, and CRITICAL when a value was expected.
    f.state = HasExpectation(spec) ? State::kCritical : State::kWarning;
    f.text = "query returned no rows";
  } else if (!outcome.value) {
    // NULL is not 0 and not "": it fails any expectation.
    f.state = HasExpectation(spec) ? State::kCritical : State::kOk;
    f.text = "query returned NULL";
  } else {
    JudgeValue(spec, *outcome.value, f);
  }
  return f;
}

MysqlFinding EvaluateConnections(const MysqlCheckSpec& spec, std::int64_t threads_connected,
                                 std::int64_t max_connections) {
  const double exact = max_connections > 0 ? 100.0 * static_cast<double>(threads_connected) /
                                                 static_cast<double>(max_connections)
                                           : 0.0;
  const double percent = std::round(exact * 100) / 100;  // 80.67, not 80.66666666666667
  const auto& warn = spec.connections_warn_percent;
  const auto& crit = spec.connections_crit_percent;
  MysqlFinding f;
  if (crit && percent > *crit) {
    f.state = State::kCritical;
  } else if (warn && percent > *warn) {
    f.state = State::kWarning;
  }
  f.text = std::to_string(threads_connected) + " of " + std::to_string(max_connections) +
           " connections (" + Fixed(percent, 1) + "%)";
  f.perfdata.push_back(Perfdata{"connections", static_cast<double>(threads_connected), "", "", "",
                                0.0, static_cast<double>(max_connections)});
  // "80" in Nagios range syntax alerts above 80, exactly the rule applied here.
  f.perfdata.push_back(Perfdata{"connections_pct", percent, "%", warn ? FormatNumber(*warn) : "",
                                crit ? FormatNumber(*crit) : "", 0.0, 100.0});
  return f;
}

MysqlFinding EvaluateUptime(const MysqlCheckSpec& spec, std::int64_t uptime_seconds) {
  const auto& warn = spec.uptime_warn_seconds;
  const auto& crit = spec.uptime_crit_seconds;
  MysqlFinding f;
  if (crit && uptime_seconds < *crit) {
    f.state = State::kCritical;
  } else if (warn && uptime_seconds < *warn) {
    f.state = State::kWarning;
  }
  const std::string duration = FormatMysqlDuration(uptime_seconds);
  f.text = f.state == State::kOk ? "up " + duration : "restarted " + duration + " ago";
  // Uptime is a gauge in seconds, not a counter ("c"): graphers derive a rate from counters
  // (a flat 1/s line) and treat the drop at a restart as a wrap, hiding exactly the event
  // this value exists to show. Thresholds "N:" alert below N, as applied above.
  f.perfdata.push_back(Perfdata{"uptime", static_cast<double>(uptime_seconds), "s",
                                warn ? std::to_string(*warn) + ":" : "",
                                crit ? std::to_string(*crit) + ":" : "", 0.0, std::nullopt});
  return f;
}

CheckResult EvaluateMysql(const MysqlCheckSpec& spec, const MysqlFacts& facts) {
  if (!facts.connect_error.empty()) {
    CheckResult result;
    result.state = State::kCritical;
    result.text = Clean(facts.connect_error, kMaxErrorText);
    return result;
  }
  std::vector<MysqlFinding> findings;
  findings.push_back(EvaluateConnect(spec, facts));
  EvaluateStatus(spec, facts, findings);
  if (facts.query) findings.push_back(EvaluateQuery(spec, *facts.query));
  if (spec.replication) {
    if (!facts.replica_error.empty()) {
      findings.push_back(Finding(State::kCritical, Clean(facts.replica_error, kMaxErrorText)));
    } else {
      findings.push_back(EvaluateReplica(spec, facts.replica ? &*facts.replica : nullptr));
    }
  }
  return Combine(std::move(findings));
}

std::string FormatMysqlDuration(std::int64_t seconds) {
  const std::int64_t s = std::max<std::int64_t>(seconds, 0);
  auto two = [](std::int64_t a, const char* unit_a, std::int64_t b, const char* unit_b) {
    return std::to_string(a) + " " + unit_a + " " + std::to_string(b) + " " + unit_b;
  };
  if (s < 120) return std::to_string(s) + " s";
  if (s < 7200) return two(s / 60, "min", s % 60, "s");
  if (s < 2 * 86400) return two(s / 3600, "h", s % 3600 / 60, "min");
  return two(s / 86400, "d", s % 86400 / 3600, "h");
}

void RedactSecret(CheckResult& result, std::string_view secret) {
  if (secret.empty()) return;
  for (std::string* text : {&result.text, &result.long_text}) {
    for (std::size_t pos = text->find(secret); pos != std::string::npos;
         pos = text->find(secret, pos + 3)) {
      text->replace(pos, secret.size(), "***");
    }
  }
}

Result<void> ValidateMysqlSpec(const MysqlCheckSpec& spec) {
  if (spec.socket.empty() && spec.host.empty()) return Fail("no host or socket given");
  if (spec.socket.empty() && (spec.port < 1 || spec.port > 65535)) {
    return Fail("port " + std::to_string(spec.port) + " is not in 1..65535");
  }
  if (spec.timeout.count() <= 0) return Fail("the timeout must be positive");
  if (!spec.expect.empty() && !spec.expect_regex.empty()) {
    return Fail("expect and expect_regex are exclusive");
  }
  if (spec.query.empty() && HasExpectation(spec)) {
    return Fail("expect, expect_regex and value thresholds need a query");
  }
  if (!spec.replication && (!spec.warn_lag.empty() || !spec.crit_lag.empty())) {
    return Fail("lag thresholds need replication");
  }
  for (const auto& percent : {spec.connections_warn_percent, spec.connections_crit_percent}) {
    if (percent && !(*percent >= 0)) return Fail("connection thresholds are percentages >= 0");
  }
  for (const auto& seconds : {spec.uptime_warn_seconds, spec.uptime_crit_seconds}) {
    if (seconds && *seconds < 0) return Fail("uptime thresholds are seconds >= 0");
  }
  if (spec.tls != MysqlTls::kVerify && !spec.ca_file.empty()) {
    return Fail("a CA file is only used with TLS verification");
  }
  if (!spec.expect_regex.empty()) {
    if (auto regex = BodyRegex::Compile(spec.expect_regex); !regex) {
      return Fail(regex.error().message);
    }
  }
  return {};
}

}  // namespace gs::probes
