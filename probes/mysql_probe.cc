// MySQL/MariaDB probe: the pure evaluation of MysqlFacts (first half) and the libmariadb I/O
// that gathers them (second half). See mysql_probe.h for the thread contract.
#include "probes/mysql_probe.h"

#include <fcntl.h>
#include <mariadb/mysql.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>
#include <tuple>

#include "probes/http_regex.h"

namespace gs::probes {

namespace {

// Server messages (replica errors, query errors) are cut to this many bytes in the first line
// and to kMaxLongValue in long_text; values we keep from rows are cut to kMaxValue.
constexpr std::size_t kMaxErrorText = 300;
constexpr std::size_t kMaxLongValue = 2048;
constexpr std::size_t kMaxShownValue = 64;
constexpr std::size_t kMaxValue = 4096;

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

std::optional<std::int64_t> ParseInt(std::string_view text) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
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

// ---- I/O: libmariadb ----

namespace {

// Rows bigger than this fail with the library's "packet too large" error instead of being
// buffered (libmariadb's own default is 1 GiB).
constexpr unsigned long kMaxPacketBytes = 16UL << 20;

struct MysqlCloser {
  void operator()(MYSQL* mysql) const { mysql_close(mysql); }
};
struct ResultFreer {
  void operator()(MYSQL_RES* result) const { mysql_free_result(result); }
};
using MysqlHandle = std::unique_ptr<MYSQL, MysqlCloser>;

// mysql_library_init once per process (a function-local static is initialised exactly once,
// even with concurrent callers), then the per-thread state for the duration of one check.
class LibraryThreadScope {
 public:
  LibraryThreadScope() {
    static const int library = mysql_library_init(0, nullptr, nullptr);
    (void)library;  // a failed init makes mysql_init fail, which is reported there
    mysql_thread_init();
  }
  ~LibraryThreadScope() { mysql_thread_end(); }
  LibraryThreadScope(const LibraryThreadScope&) = delete;
  LibraryThreadScope& operator=(const LibraryThreadScope&) = delete;
};

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string ErrorText(MYSQL* mysql) {
  return "error " + std::to_string(mysql_errno(mysql)) + ": " + mysql_error(mysql);
}

std::string Endpoint(const MysqlCheckSpec& spec) {
  if (!spec.socket.empty()) return spec.socket;
  const bool ipv6 = spec.host.find(':') != std::string::npos;
  return (ipv6 ? "[" + spec.host + "]" : spec.host) + ":" + std::to_string(spec.port);
}

// UNKNOWN material: a configured file that cannot be read (libmariadb would silently ignore
// a missing option file and log in as the current OS user).
Result<void> CheckReadable(const std::string& path, const char* what) {
  if (path.empty()) return {};
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Fail(std::string("cannot read ") + what + " " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  ::close(fd);
  if (!regular) return Fail(std::string(what) + " " + path + " is not a regular file");
  return {};
}

void SetOptions(MYSQL* mysql, const MysqlCheckSpec& spec) {
  const auto ms = std::max<std::int64_t>(spec.timeout.count(), 1);
  const auto seconds = static_cast<unsigned int>(std::min<std::int64_t>((ms + 999) / 1000, 86400));
  mysql_options(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &seconds);
  mysql_options(mysql, MYSQL_OPT_READ_TIMEOUT, &seconds);
  mysql_options(mysql, MYSQL_OPT_WRITE_TIMEOUT, &seconds);
  mysql_options(mysql, MYSQL_OPT_MAX_ALLOWED_PACKET, &kMaxPacketBytes);
  // A hostile server may ask the client to upload a local file (LOAD DATA LOCAL): never.
  const unsigned int no_local_infile = 0;
  mysql_options(mysql, MYSQL_OPT_LOCAL_INFILE, &no_local_infile);
  mysql_options(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (!spec.credentials_file.empty()) {
    mysql_options(mysql, MYSQL_READ_DEFAULT_FILE, spec.credentials_file.c_str());
    mysql_options(mysql, MYSQL_READ_DEFAULT_GROUP, "client");
  }
  if (spec.tls == MysqlTls::kOff) return;
  // Connector/C 3.3 does not refuse a server without TLS unless it verifies the certificate;
  // GatherFacts checks the cipher after connecting for kRequired.
  const my_bool on = 1;
  const my_bool verify = spec.tls == MysqlTls::kVerify ? 1 : 0;
  mysql_options(mysql, MYSQL_OPT_SSL_ENFORCE, &on);
  mysql_options(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
  if (!spec.ca_file.empty()) mysql_options(mysql, MYSQL_OPT_SSL_CA, spec.ca_file.c_str());
}

struct SqlRows {
  std::vector<std::string> names;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

// Runs one statement and keeps at most `max_rows` rows (values cut to kMaxValue bytes); the
// rest is read and dropped, so memory stays bounded whatever the query returns.
Result<SqlRows> RunSql(MYSQL* mysql, std::string_view sql, std::size_t max_rows) {
  if (mysql_real_query(mysql, sql.data(), sql.size()) != 0) return Fail(ErrorText(mysql));
  const std::unique_ptr<MYSQL_RES, ResultFreer> result(mysql_use_result(mysql));
  SqlRows out;
  if (!result) {
    if (mysql_field_count(mysql) == 0) return out;  // a statement without a result set
    return Fail(ErrorText(mysql));
  }
  const unsigned int columns = mysql_num_fields(result.get());
  const MYSQL_FIELD* fields = mysql_fetch_fields(result.get());
  for (unsigned int i = 0; i < columns; ++i) out.names.emplace_back(fields[i].name);
  while (MYSQL_ROW row = mysql_fetch_row(result.get())) {
    if (out.rows.size() >= max_rows) continue;
    const unsigned long* lengths = mysql_fetch_lengths(result.get());
    auto& values = out.rows.emplace_back();
    for (unsigned int i = 0; i < columns; ++i) {
      if (row[i] == nullptr) {
        values.emplace_back(std::nullopt);
      } else {
        values.emplace_back(std::string(row[i], std::min<std::size_t>(lengths[i], kMaxValue)));
      }
    }
  }
  if (mysql_errno(mysql) != 0) return Fail(ErrorText(mysql));
  return out;
}

MysqlRow RowByName(const SqlRows& rows, std::size_t index) {
  MysqlRow row;
  for (std::size_t i = 0; i < rows.names.size(); ++i) row[rows.names[i]] = rows.rows[index][i];
  return row;
}

void ReadStatus(MYSQL* mysql, MysqlFacts& facts) {
  auto vars = RunSql(mysql, "SELECT VERSION() AS version, @@GLOBAL.max_connections AS max", 1);
  if (!vars) {
    facts.status_error = vars.error().message;
    return;
  }
  if (!vars->rows.empty()) {
    const MysqlRow row = RowByName(*vars, 0);
    facts.version = ValueOr(Column(row, {"version"}), "");
    facts.max_connections = ParseInt(ValueOr(Column(row, {"max"}), ""));
  }
  auto status = RunSql(
      mysql, "SHOW GLOBAL STATUS WHERE Variable_name IN ('Threads_connected', 'Uptime')", 16);
  if (!status) {
    facts.status_error = status.error().message;
    return;
  }
  for (std::size_t i = 0; i < status->rows.size(); ++i) {
    const MysqlRow row = RowByName(*status, i);
    const std::string name = ValueOr(Column(row, {"Variable_name"}), "");
    const std::optional<std::int64_t> value = ParseInt(ValueOr(Column(row, {"Value"}), ""));
    if (name == "Threads_connected") facts.threads_connected = value;
    if (name == "Uptime") facts.uptime_seconds = value;
  }
}

MysqlQueryOutcome RunUserQuery(MYSQL* mysql, const std::string& query) {
  MysqlQueryOutcome outcome;
  const auto start = std::chrono::steady_clock::now();
  auto rows = RunSql(mysql, query, 1);
  outcome.seconds = SecondsSince(start);
  if (!rows) {
    outcome.error = rows.error().message;
  } else if (!rows->rows.empty() && !rows->names.empty()) {
    outcome.has_row = true;
    outcome.value = rows->rows[0][0];
  }
  return outcome;
}

void ReadReplica(MYSQL* mysql, MysqlFacts& facts) {
  const std::string_view statement = ReplicaStatusStatement(ParseMysqlVersion(facts.version));
  auto rows = RunSql(mysql, statement, 1);
  if (!rows) {
    facts.replica_error = std::string(statement) + " failed: " + rows.error().message;
  } else if (!rows->rows.empty()) {
    facts.replica = RowByName(*rows, 0);
  }
}

MysqlFacts GatherFacts(const MysqlCheckSpec& spec) {
  MysqlFacts facts;
  const MysqlHandle mysql(mysql_init(nullptr));
  if (!mysql) {
    facts.connect_error = "cannot initialise libmariadb";
    return facts;
  }
  SetOptions(mysql.get(), spec);
  const bool tcp = spec.socket.empty();
  const auto optional = [](const std::string& s) { return s.empty() ? nullptr : s.c_str(); };
  const auto start = std::chrono::steady_clock::now();
  if (mysql_real_connect(mysql.get(), tcp ? spec.host.c_str() : "localhost", optional(spec.user),
                         optional(spec.password), optional(spec.database),
                         tcp ? static_cast<unsigned int>(spec.port) : 0U,
                         tcp ? nullptr : spec.socket.c_str(), 0) == nullptr) {
    facts.connect_error = "connect to " + Endpoint(spec) + ": " + ErrorText(mysql.get());
    return facts;
  }
  facts.connect_seconds = SecondsSince(start);
  if (const char* cipher = mysql_get_ssl_cipher(mysql.get())) facts.tls_cipher = cipher;
  if (spec.tls != MysqlTls::kOff && facts.tls_cipher.empty()) {
    facts.connect_error = "connect to " + Endpoint(spec) + ": TLS required, server has none";
    return facts;
  }
  // Every step runs even after one failed: a lost connection makes the rest fail at once
  // with their own message (no reconnect), and nothing is ever reported from a step not run.
  // The user's query goes last: whatever it leaves behind (say, the extra result sets of a
  // CALL) cannot disturb our own statements.
  ReadStatus(mysql.get(), facts);
  if (spec.replication) ReadReplica(mysql.get(), facts);
  if (!spec.query.empty()) facts.query = RunUserQuery(mysql.get(), spec.query);
  return facts;
}

}  // namespace

CheckResult RunMysqlCheck(const MysqlCheckSpec& spec) {
  const auto started = std::chrono::system_clock::now();
  const auto tick = std::chrono::steady_clock::now();
  CheckResult result;
  Result<void> ready = ValidateMysqlSpec(spec);
  if (ready) ready = CheckReadable(spec.credentials_file, "credentials file");
  if (ready) ready = CheckReadable(spec.ca_file, "CA file");
  if (!ready) {
    result.state = State::kUnknown;
    result.text = ready.error().message;
  } else {
    const LibraryThreadScope scope;
    result = EvaluateMysql(spec, GatherFacts(spec));
  }
  RedactSecret(result, spec.password);
  result.started = started;
  result.duration = std::chrono::steady_clock::now() - tick;
  return result;
}

}  // namespace gs::probes
