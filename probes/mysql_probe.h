// MySQL/MariaDB probe on MariaDB Connector/C (libmariadb): connect time (optionally over TLS),
// server version, uptime and connections, a configured query, and the replica status. The
// I/O (RunMysqlCheck) gathers MysqlFacts; pure Evaluate* functions turn facts into a
// CheckResult, so tests can feed them rows directly.
//
// Threads: RunMysqlCheck blocks (name lookup, connect and queries; the latter two bounded by
// the spec's timeout): run it on a worker, never on the io_context. It may run on several threads
// at once: each call owns its connection, which never leaves the calling thread. libmariadb is
// initialised once per process (mysql_library_init behind a function-local static) and every call
// brackets its work with mysql_thread_init/mysql_thread_end, so workers need no set-up of their
// own. mysql_library_end is never called: workers may still run while the process exits. Everything
// else here is pure and thread-safe.
//
// Secrets: MysqlCheckSpec::password must never be logged or exported (/api, JSON); prefer
// credentials_file. RunMysqlCheck never puts the password into its result (it is redacted
// from text and long_text even if a server message were to echo it).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probes/check_result.h"
#include "probes/range.h"
#include "probes/result.h"

namespace gs::probes {

enum class MysqlTls {
  kOff,       // plain connection (whatever the library does by default)
  kRequired,  // encrypted, certificate not verified; a server without TLS is CRITICAL
  kVerify,    // encrypted, certificate verified against ca_file (or the system store) and host
};

struct MysqlCheckSpec {
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string socket;  // Unix socket path; when set, host and port are not used
  std::string user;    // empty: from credentials_file
  std::string password;
  // MySQL option file with a [client] group (user=, password=), read by libmariadb itself
  // (MYSQL_READ_DEFAULT_FILE/GROUP, as check_mysql -f). user/password above override it.
  std::string credentials_file;
  std::string database;  // empty: none
  MysqlTls tls = MysqlTls::kOff;
  std::string ca_file;  // kVerify: trusted CA certificates (PEM)
  // Connect, read and write timeout each (libmariadb counts whole seconds; rounded up). A
  // check runs up to four statements, so a server that stalls mid-way can hold the worker a
  // few times this long; one that never answers is given up after one timeout.
  std::chrono::milliseconds timeout{10'000};
  Range warn_connect;  // connect time, seconds
  Range crit_connect;
  // Optional query; its first column of the first row is "the value". expect (exact) and
  // expect_regex (PCRE2, multiline) are exclusive; a mismatch is CRITICAL. warn/crit_value
  // apply to the value as a number (a non-numeric value is then CRITICAL).
  std::string query;
  std::string expect;
  std::string expect_regex;
  Range warn_value;
  Range crit_value;
  // Replica status: IO and SQL threads must run ("Yes"), lag must be known; lag in seconds.
  bool replication = false;
  Range warn_lag;
  Range crit_lag;
  // Threads_connected as a percentage of @@max_connections; alerts when above.
  std::optional<double> connections_warn_percent;
  std::optional<double> connections_crit_percent;
  // Uptime; alerts when below ("restarted 42 s ago").
  std::optional<std::int64_t> uptime_warn_seconds;
  std::optional<std::int64_t> uptime_crit_seconds;
  friend bool operator==(const MysqlCheckSpec&, const MysqlCheckSpec&) = default;
};

// Checks what can be checked without a server: port range, exclusive options, the regex.
[[nodiscard]] Result<void> ValidateMysqlSpec(const MysqlCheckSpec& spec);

// Runs one check synchronously. A server that cannot be reached or refuses the login is
// CRITICAL ("connect to 127.0.0.1:3306: ..."); an invalid spec or an unreadable credentials
// file is UNKNOWN. Perfdata: connect_time (s), uptime (s), connections, connections_pct (%),
// query_time (s) and value with a query, lag (s) with replication (absent when unknown).
CheckResult RunMysqlCheck(const MysqlCheckSpec& spec);

// ---- Pure evaluation (no I/O) ----

// One result row by column name; nullopt is SQL NULL. Columns are looked up by name only.
using MysqlRow = std::map<std::string, std::optional<std::string>, std::less<>>;

struct MysqlServerVersion {
  bool mariadb = false;
  int major = 0;
  int minor = 0;
  int patch = 0;
};

// Parses SELECT VERSION(): "10.11.19-MariaDB-0+deb12u1-log", "8.4.0", "5.7.44-log", and the
// "5.5.5-10.6.12-MariaDB" form some proxies announce. Unparsable parts stay 0.
MysqlServerVersion ParseMysqlVersion(std::string_view text);

// "SHOW REPLICA STATUS" for MySQL >= 8.0.22 and MariaDB >= 10.5.1, else "SHOW SLAVE STATUS".
std::string_view ReplicaStatusStatement(const MysqlServerVersion& version);

// What the configured query produced.
struct MysqlQueryOutcome {
  std::string error;  // not empty: the query failed ("1064: You have an error ...")
  bool has_row = false;
  std::optional<std::string> value;  // first column of the first row; nullopt: NULL
  double seconds = 0;
};

// Everything one run read from the server. A step that was not run has its default value.
struct MysqlFacts {
  std::string connect_error;  // not empty: nothing else was read
  double connect_seconds = 0;
  std::string tls_cipher;  // empty: not encrypted
  std::string version;     // SELECT VERSION()
  std::string status_error;
  std::optional<std::int64_t> max_connections;
  std::optional<std::int64_t> threads_connected;
  std::optional<std::int64_t> uptime_seconds;
  std::optional<MysqlQueryOutcome> query;
  std::string replica_error;        // the replica status statement failed
  std::optional<MysqlRow> replica;  // nullopt (without error): no replication configured
};

// One aspect of the check; EvaluateMysql combines them (worst state; problems lead the text).
struct MysqlFinding {
  State state = State::kOk;
  std::string text;
  std::string long_text;
  std::vector<Perfdata> perfdata;
};

// The replica status row (MySQL 8 Replica_*/Source_* names or MariaDB/old Slave_*/Master_*).
// nullptr: "no replication configured", CRITICAL. A thread not "Yes" is CRITICAL naming the
// thread and its Last_*_Errno/Last_*_Error; a NULL lag is CRITICAL, never read as 0.
MysqlFinding EvaluateReplica(const MysqlCheckSpec& spec, const MysqlRow* row);

MysqlFinding EvaluateQuery(const MysqlCheckSpec& spec, const MysqlQueryOutcome& outcome);
MysqlFinding EvaluateConnections(const MysqlCheckSpec& spec, std::int64_t threads_connected,
                                 std::int64_t max_connections);
MysqlFinding EvaluateUptime(const MysqlCheckSpec& spec, std::int64_t uptime_seconds);

// The whole check from its facts.
CheckResult EvaluateMysql(const MysqlCheckSpec& spec, const MysqlFacts& facts);

// "42 s", "5 min 3 s", "3 h 25 min", "12 d 3 h".
std::string FormatMysqlDuration(std::int64_t seconds);

// Replaces every occurrence of `secret` in text and long_text by "***" (no-op when empty).
void RedactSecret(CheckResult& result, std::string_view secret);

}  // namespace gs::probes
