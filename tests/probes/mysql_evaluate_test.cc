// The pure half of the MySQL probe: replica rows (MySQL 8.4 and MariaDB column names), the
// configured query, connections, uptime, version parsing and the combined result, fed with
// canned facts instead of a server.
#include <gtest/gtest.h>

#include "probes/mysql_probe.h"

namespace gs::probes {
namespace {

using Cell = std::optional<std::string>;

// "" is the empty range (no threshold), as an absent option.
Range R(const char* text) { return *text == '\0' ? Range() : *Range::Parse(text); }

const Perfdata* Find(const std::vector<Perfdata>& perfdata, const std::string& label) {
  for (const Perfdata& p : perfdata) {
    if (p.label == label) return &p;
  }
  return nullptr;
}

// SHOW SLAVE STATUS / SHOW REPLICA STATUS on MariaDB (which keeps the Slave_* names).
MysqlRow MariaDbRow(const char* io, const char* sql, Cell lag, const char* io_errno = "0",
                    const char* io_error = "", const char* sql_errno = "0",
                    const char* sql_error = "") {
  return {{"Slave_IO_State", "Waiting for master to send event"},
          {"Master_Host", "127.0.0.1"},
          {"Master_Port", "3306"},
          {"Slave_IO_Running", io},
          {"Slave_SQL_Running", sql},
          {"Seconds_Behind_Master", std::move(lag)},
          {"Last_Errno", sql_errno},
          {"Last_IO_Errno", io_errno},
          {"Last_IO_Error", io_error},
          {"Last_SQL_Errno", sql_errno},
          {"Last_SQL_Error", sql_error},
          {"SQL_Remaining_Delay", std::nullopt}};
}

// SHOW REPLICA STATUS on MySQL 8.4 (Replica_*/Source_* names).
MysqlRow Mysql84Row(const char* io, const char* sql, Cell lag, const char* sql_errno = "0",
                    const char* sql_error = "") {
  return {{"Replica_IO_State", "Waiting for source to send event"},
          {"Source_Host", "db1"},
          {"Source_Port", "3306"},
          {"Replica_IO_Running", io},
          {"Replica_SQL_Running", sql},
          {"Seconds_Behind_Source", std::move(lag)},
          {"Last_IO_Errno", "0"},
          {"Last_IO_Error", ""},
          {"Last_SQL_Errno", sql_errno},
          {"Last_SQL_Error", sql_error}};
}

constexpr const char* kDuplicate =
    "Could not execute Write_rows_v1 event on table app.t; Duplicate entry '4' for key "
    "'PRIMARY', Error_code: 1062; handler error HA_ERR_FOUND_DUPP_KEY; the event's master log "
    "mysql-bin.000001, end_log_pos 1721";
constexpr const char* kRefused =
    "error connecting to master 'repl@127.0.0.1:1' - retry-time: 1  maximum-retries: 100000  "
    "message: Can't connect to server on '127.0.0.1' (111 \"Connection refused\")";

struct ReplicaCase {
  const char* name;
  MysqlRow row;
  const char* warn;
  const char* crit;
  State state;
  std::string text;
  std::optional<double> lag;  // the lag perfdata, nullopt: none at all
};

class EvaluateReplicaTest : public ::testing::TestWithParam<ReplicaCase> {};

TEST_P(EvaluateReplicaTest, JudgesTheReplicaRowByColumnName) {
  const ReplicaCase& c = GetParam();
  MysqlCheckSpec spec;
  spec.replication = true;
  spec.warn_lag = R(c.warn);
  spec.crit_lag = R(c.crit);
  const MysqlFinding f = EvaluateReplica(spec, &c.row);
  EXPECT_EQ(f.state, c.state);
  EXPECT_EQ(f.text, c.text);
  const Perfdata* lag = Find(f.perfdata, "lag");
  ASSERT_EQ(lag != nullptr, c.lag.has_value()) << "lag perfdata present";
  if (lag != nullptr) {
    EXPECT_EQ(lag->value, *c.lag);
    EXPECT_EQ(lag->uom, "s");
    EXPECT_EQ(lag->warn, c.warn);
    EXPECT_EQ(lag->crit, c.crit);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rows, EvaluateReplicaTest,
    ::testing::Values(
        ReplicaCase{"MariaDbHealthy", MariaDbRow("Yes", "Yes", "0"), "30", "120", State::kOk,
                    "replica running, lag 0 s", 0.0},
        ReplicaCase{"Mysql84Healthy", Mysql84Row("Yes", "Yes", "3"), "30", "120", State::kOk,
                    "replica running, lag 3 s", 3.0},
        ReplicaCase{"LagOverWarning", MariaDbRow("Yes", "Yes", "45"), "30", "120", State::kWarning,
                    "replica running, lag 45 s", 45.0},
        ReplicaCase{"LagOverCritical", Mysql84Row("Yes", "Yes", "600"), "30", "120",
                    State::kCritical, "replica running, lag 600 s", 600.0},
        ReplicaCase{"MariaDbNullLag", MariaDbRow("Yes", "Yes", std::nullopt), "", "",
                    State::kCritical, "replica lag unknown (Seconds_Behind_Master is NULL)",
                    std::nullopt},
        ReplicaCase{"Mysql84NullLag", Mysql84Row("Yes", "Yes", std::nullopt), "", "",
                    State::kCritical, "replica lag unknown (Seconds_Behind_Source is NULL)",
                    std::nullopt},
        ReplicaCase{
            "IoConnecting", MariaDbRow("Connecting", "Yes", std::nullopt, "2003", kRefused), "", "",
            State::kCritical,
            std::string("replica IO thread not running (Connecting): error 2003: ") + kRefused,
            std::nullopt},
        ReplicaCase{"SqlStoppedByDuplicateKey",
                    MariaDbRow("Yes", "No", std::nullopt, "0", "", "1062", kDuplicate), "", "",
                    State::kCritical,
                    std::string("replica SQL thread not running (No): error 1062: ") + kDuplicate,
                    std::nullopt},
        ReplicaCase{"Mysql84SqlStoppedByDuplicateKey",
                    Mysql84Row("Yes", "No", std::nullopt, "1062", "Duplicate entry '4'"), "", "",
                    State::kCritical,
                    "replica SQL thread not running (No): error 1062: Duplicate entry '4'",
                    std::nullopt},
        ReplicaCase{"SqlStoppedByHand", MariaDbRow("Yes", "No", std::nullopt), "", "",
                    State::kCritical, "replica SQL thread not running (No)", std::nullopt},
        // A stopped thread with a stale 0 lag: CRITICAL, and the 0 is never reported.
        ReplicaCase{"StoppedThreadWithStaleZeroLag", Mysql84Row("Yes", "No", "0"), "", "",
                    State::kCritical, "replica SQL thread not running (No)", std::nullopt},
        ReplicaCase{"BothStopped", MariaDbRow("No", "No", std::nullopt), "", "", State::kCritical,
                    "replica IO thread not running (No), replica SQL thread not running (No)",
                    std::nullopt},
        ReplicaCase{"NullRunningColumn",
                    [] {
                      MysqlRow row = MariaDbRow("Yes", "Yes", "0");
                      row["Slave_IO_Running"] = std::nullopt;
                      return row;
                    }(),
                    "", "", State::kCritical, "replica IO thread not running (NULL)", std::nullopt},
        ReplicaCase{"LagNotANumber", MariaDbRow("Yes", "Yes", "soon"), "", "", State::kUnknown,
                    "replica lag 'soon' is not a number", std::nullopt},
        ReplicaCase{"MissingColumns", MysqlRow{{"Slave_IO_Running", "Yes"}}, "", "",
                    State::kUnknown, "replica status lacks the IO/SQL running or lag columns",
                    std::nullopt}),
    [](const auto& param) { return std::string(param.param.name); });

TEST(EvaluateReplicaTest, NoRowMeansNoReplicationConfigured) {
  const MysqlFinding f = EvaluateReplica(MysqlCheckSpec{}, nullptr);
  EXPECT_EQ(f.state, State::kCritical);
  EXPECT_EQ(f.text, "no replication configured");
  EXPECT_TRUE(f.perfdata.empty());
}

TEST(EvaluateReplicaTest, AProblemListsTheReplicaColumnsInLongText) {
  const MysqlRow row = MariaDbRow("Yes", "No", std::nullopt, "0", "", "1062", "dup\nkey");
  const MysqlFinding f = EvaluateReplica(MysqlCheckSpec{}, &row);
  EXPECT_EQ(f.long_text,
            "Slave_IO_Running: Yes\nSlave_SQL_Running: No\nSeconds_Behind_Master: NULL\n"
            "Master_Host: 127.0.0.1\nMaster_Port: 3306\nLast_IO_Errno: 0\nLast_IO_Error: \n"
            "Last_SQL_Errno: 1062\nLast_SQL_Error: dup key");
}

TEST(EvaluateReplicaTest, ALongServerErrorIsCutAndKeptOnOneLine) {
  const std::string error = "first line\n" + std::string(1000, 'x');
  const MysqlRow row = MariaDbRow("Yes", "No", std::nullopt, "0", "", "1032", error.c_str());
  const MysqlFinding f = EvaluateReplica(MysqlCheckSpec{}, &row);
  EXPECT_EQ(f.text.find('\n'), std::string::npos);
  EXPECT_NE(f.text.find("error 1032: first line xxx"), std::string::npos) << f.text;
  EXPECT_LT(f.text.size(), 400u);
  EXPECT_TRUE(f.text.ends_with("...")) << f.text;
}

struct VersionCase {
  const char* text;
  bool mariadb;
  int major, minor, patch;
  const char* statement;
};

class ParseMysqlVersionTest : public ::testing::TestWithParam<VersionCase> {};

TEST_P(ParseMysqlVersionTest, PicksTheFlavourAndTheReplicaStatement) {
  const VersionCase& c = GetParam();
  const MysqlServerVersion v = ParseMysqlVersion(c.text);
  EXPECT_EQ(v.mariadb, c.mariadb) << c.text;
  EXPECT_EQ(v.major, c.major) << c.text;
  EXPECT_EQ(v.minor, c.minor) << c.text;
  EXPECT_EQ(v.patch, c.patch) << c.text;
  EXPECT_EQ(ReplicaStatusStatement(v), c.statement) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Versions, ParseMysqlVersionTest,
    ::testing::Values(VersionCase{"10.11.19-MariaDB-0+deb12u1-log", true, 10, 11, 19,
                                  "SHOW REPLICA STATUS"},
                      VersionCase{"10.5.1-MariaDB", true, 10, 5, 1, "SHOW REPLICA STATUS"},
                      VersionCase{"10.5.0-MariaDB", true, 10, 5, 0, "SHOW SLAVE STATUS"},
                      VersionCase{"10.4.32-MariaDB-log", true, 10, 4, 32, "SHOW SLAVE STATUS"},
                      VersionCase{"5.5.5-10.6.12-MariaDB", true, 10, 6, 12, "SHOW REPLICA STATUS"},
                      VersionCase{"8.4.0", false, 8, 4, 0, "SHOW REPLICA STATUS"},
                      VersionCase{"8.0.22", false, 8, 0, 22, "SHOW REPLICA STATUS"},
                      VersionCase{"8.0.21-log", false, 8, 0, 21, "SHOW SLAVE STATUS"},
                      VersionCase{"5.7.44-48-log", false, 5, 7, 44, "SHOW SLAVE STATUS"},
                      VersionCase{"", false, 0, 0, 0, "SHOW SLAVE STATUS"},
                      VersionCase{"garbage", false, 0, 0, 0, "SHOW SLAVE STATUS"}));

struct QueryCase {
  const char* name;
  MysqlQueryOutcome outcome;
  const char* expect;
  const char* regex;
  const char* warn;
  const char* crit;
  State state;
  const char* text;
  std::optional<double> value;  // the value perfdata
};

MysqlQueryOutcome Returned(Cell value) { return {"", true, std::move(value), 0.001}; }

class EvaluateQueryTest : public ::testing::TestWithParam<QueryCase> {};

TEST_P(EvaluateQueryTest, JudgesTheFirstValue) {
  const QueryCase& c = GetParam();
  MysqlCheckSpec spec;
  spec.query = "SELECT x";
  spec.expect = c.expect;
  spec.expect_regex = c.regex;
  spec.warn_value = R(c.warn);
  spec.crit_value = R(c.crit);
  const MysqlFinding f = EvaluateQuery(spec, c.outcome);
  EXPECT_EQ(f.state, c.state);
  EXPECT_EQ(f.text, c.text);
  ASSERT_NE(Find(f.perfdata, "query_time"), nullptr);
  EXPECT_EQ(Find(f.perfdata, "query_time")->value, c.outcome.seconds);
  const Perfdata* value = Find(f.perfdata, "value");
  ASSERT_EQ(value != nullptr, c.value.has_value());
  if (value != nullptr) {
    EXPECT_EQ(value->value, *c.value);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Outcomes, EvaluateQueryTest,
    ::testing::Values(
        QueryCase{"Plain", Returned("42"), "", "", "", "", State::kOk, "query returned '42'", 42.0},
        QueryCase{"ExpectedValue", Returned("42"), "42", "", "", "", State::kOk,
                  "query returned '42'", 42.0},
        QueryCase{"UnexpectedValue", Returned("41"), "42", "", "", "", State::kCritical,
                  "query returned '41', expected '42'", 41.0},
        QueryCase{"RegexMatch", Returned("ON"), "", "^(ON|1)$", "", "", State::kOk,
                  "query returned 'ON'", std::nullopt},
        QueryCase{"RegexMiss", Returned("OFF"), "", "^(ON|1)$", "", "", State::kCritical,
                  "query returned 'OFF', not matching '^(ON|1)$'", std::nullopt},
        QueryCase{"InvalidRegex", Returned("x"), "", "(", "", "", State::kUnknown,
                  "query returned 'x', invalid regex '(' at offset 1: missing closing "
                  "parenthesis",
                  std::nullopt},
        QueryCase{"Warning", Returned("42"), "", "", "10", "100", State::kWarning,
                  "query returned '42'", 42.0},
        QueryCase{"Critical", Returned("42.5"), "", "", "10", "40", State::kCritical,
                  "query returned '42.5'", 42.5},
        QueryCase{"NotANumber", Returned("many"), "", "", "10", "", State::kCritical,
                  "query returned 'many', not a number", std::nullopt},
        QueryCase{"NullWithoutExpectation", Returned(std::nullopt), "", "", "", "", State::kOk,
                  "query returned NULL", std::nullopt},
        QueryCase{"NullIsNotZero", Returned(std::nullopt), "", "", "10", "20", State::kCritical,
                  "query returned NULL", std::nullopt},
        QueryCase{"NoRows", MysqlQueryOutcome{"", false, std::nullopt, 0.002}, "", "", "", "",
                  State::kWarning, "query returned no rows", std::nullopt},
        QueryCase{"NoRowsButExpected", MysqlQueryOutcome{"", false, std::nullopt, 0.002}, "1", "",
                  "", "", State::kCritical, "query returned no rows", std::nullopt},
        QueryCase{"Failed",
                  MysqlQueryOutcome{"error 1146: Table 'app.nope' doesn't exist", false,
                                    std::nullopt, 0.0},
                  "", "", "", "", State::kCritical,
                  "query failed: error 1146: Table 'app.nope' doesn't exist", std::nullopt}),
    [](const auto& param) { return std::string(param.param.name); });

struct ConnectionsCase {
  std::int64_t threads, max;
  std::optional<double> warn, crit;
  State state;
  const char* text;
  const char* perfdata;
};

class EvaluateConnectionsTest : public ::testing::TestWithParam<ConnectionsCase> {};

TEST_P(EvaluateConnectionsTest, AlertsAboveThePercentOfMaxConnections) {
  const ConnectionsCase& c = GetParam();
  MysqlCheckSpec spec;
  spec.connections_warn_percent = c.warn;
  spec.connections_crit_percent = c.crit;
  const MysqlFinding f = EvaluateConnections(spec, c.threads, c.max);
  EXPECT_EQ(f.state, c.state);
  EXPECT_EQ(f.text, c.text);
  EXPECT_EQ(FormatPerfdata(f.perfdata), c.perfdata);
}

INSTANTIATE_TEST_SUITE_P(
    Counts, EvaluateConnectionsTest,
    ::testing::Values(
        ConnectionsCase{3, 151, std::nullopt, std::nullopt, State::kOk,
                        "3 of 151 connections (2.0%)",
                        "connections=3;;;0;151 connections_pct=1.99%;;;0;100"},
        ConnectionsCase{120, 150, 80.0, 90.0, State::kOk, "120 of 150 connections (80.0%)",
                        "connections=120;;;0;150 connections_pct=80%;80;90;0;100"},
        ConnectionsCase{121, 150, 80.0, 90.0, State::kWarning, "121 of 150 connections (80.7%)",
                        "connections=121;;;0;150 connections_pct=80.67%;80;90;0;100"},
        ConnectionsCase{150, 150, 80.0, 90.0, State::kCritical, "150 of 150 connections (100.0%)",
                        "connections=150;;;0;150 connections_pct=100%;80;90;0;100"},
        ConnectionsCase{5, 0, 80.0, std::nullopt, State::kOk, "5 of 0 connections (0.0%)",
                        "connections=5;;;0;0 connections_pct=0%;80;;0;100"}));

struct UptimeCase {
  std::int64_t uptime;
  std::optional<std::int64_t> warn, crit;
  State state;
  const char* text;
  const char* perfdata;
};

class EvaluateUptimeTest : public ::testing::TestWithParam<UptimeCase> {};

TEST_P(EvaluateUptimeTest, AShortUptimeIsARestart) {
  const UptimeCase& c = GetParam();
  MysqlCheckSpec spec;
  spec.uptime_warn_seconds = c.warn;
  spec.uptime_crit_seconds = c.crit;
  const MysqlFinding f = EvaluateUptime(spec, c.uptime);
  EXPECT_EQ(f.state, c.state);
  EXPECT_EQ(f.text, c.text);
  EXPECT_EQ(FormatPerfdata(f.perfdata), c.perfdata);
}

INSTANTIATE_TEST_SUITE_P(
    Seconds, EvaluateUptimeTest,
    ::testing::Values(
        UptimeCase{42, 3600, std::nullopt, State::kWarning, "restarted 42 s ago",
                   "uptime=42s;3600:;;0"},
        UptimeCase{42, 3600, 60, State::kCritical, "restarted 42 s ago", "uptime=42s;3600:;60:;0"},
        UptimeCase{7200, 3600, 60, State::kOk, "up 2 h 0 min", "uptime=7200s;3600:;60:;0"},
        UptimeCase{3600, 3600, std::nullopt, State::kOk, "up 60 min 0 s", "uptime=3600s;3600:;;0"},
        UptimeCase{5, std::nullopt, std::nullopt, State::kOk, "up 5 s", "uptime=5s;;;0"}));

TEST(FormatMysqlDurationTest, UsesTheTwoLargestUnits) {
  EXPECT_EQ(FormatMysqlDuration(-5), "0 s");
  EXPECT_EQ(FormatMysqlDuration(0), "0 s");
  EXPECT_EQ(FormatMysqlDuration(119), "119 s");
  EXPECT_EQ(FormatMysqlDuration(120), "2 min 0 s");
  EXPECT_EQ(FormatMysqlDuration(7199), "119 min 59 s");
  EXPECT_EQ(FormatMysqlDuration(7200), "2 h 0 min");
  EXPECT_EQ(FormatMysqlDuration(2 * 86400 - 1), "47 h 59 min");
  EXPECT_EQ(FormatMysqlDuration(2 * 86400 + 3 * 3600 + 59), "2 d 3 h");
}

MysqlFacts HealthyFacts() {
  MysqlFacts facts;
  facts.connect_seconds = 0.002;
  facts.version = "10.11.19-MariaDB-0+deb12u1-log";
  facts.max_connections = 151;
  facts.threads_connected = 3;
  facts.uptime_seconds = 7200;
  facts.replica = MariaDbRow("Yes", "Yes", "0");
  return facts;
}

std::vector<std::string> Labels(const CheckResult& r) {
  std::vector<std::string> labels;
  for (const Perfdata& p : r.perfdata) labels.push_back(p.label);
  return labels;
}

TEST(EvaluateMysqlTest, AHealthyReplicaIsOkWithEveryFactInTheText) {
  MysqlCheckSpec spec;
  spec.replication = true;
  const CheckResult r = EvaluateMysql(spec, HealthyFacts());
  EXPECT_EQ(r.state, State::kOk);
  EXPECT_EQ(r.text,
            "connected to MariaDB 10.11.19 in 0.002 s, up 2 h 0 min, 3 of 151 connections "
            "(2.0%), replica running, lag 0 s");
  EXPECT_EQ(r.long_text, "");
  EXPECT_EQ(Labels(r), (std::vector<std::string>{"connect_time", "uptime", "connections",
                                                 "connections_pct", "lag"}));
  EXPECT_EQ(FormatPerfdata(r.perfdata[0]), "connect_time=0.002s;;;0");
}

TEST(EvaluateMysqlTest, ProblemsLeadTheTextAndPerfdataKeepsItsOrder) {
  MysqlCheckSpec spec;
  spec.replication = true;
  spec.query = "SELECT 1";
  spec.uptime_warn_seconds = 86400;
  MysqlFacts facts = HealthyFacts();
  facts.replica = MariaDbRow("Yes", "No", std::nullopt, "0", "", "1062", "Duplicate entry");
  facts.query = Returned("1");
  const CheckResult r = EvaluateMysql(spec, facts);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_EQ(r.text,
            "replica SQL thread not running (No): error 1062: Duplicate entry, restarted 2 h 0 "
            "min ago, connected to MariaDB 10.11.19 in 0.002 s, 3 of 151 connections (2.0%), "
            "query returned '1'");
  EXPECT_NE(r.long_text.find("Last_SQL_Errno: 1062"), std::string::npos);
  EXPECT_EQ(Labels(r), (std::vector<std::string>{"connect_time", "uptime", "connections",
                                                 "connections_pct", "query_time", "value"}));
}

TEST(EvaluateMysqlTest, AConnectErrorIsCriticalWithoutPerfdata) {
  MysqlFacts facts;
  facts.connect_error = "connect to 127.0.0.1:3306: error 2002: Can't connect to server";
  const CheckResult r = EvaluateMysql(MysqlCheckSpec{}, facts);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_EQ(r.text, facts.connect_error);
  EXPECT_TRUE(r.perfdata.empty());
}

TEST(EvaluateMysqlTest, ConnectTimeThresholdsAndTlsShowInTheText) {
  MysqlCheckSpec spec;
  spec.warn_connect = R("0.001");
  spec.crit_connect = R("1");
  MysqlFacts facts = HealthyFacts();
  facts.tls_cipher = "TLS_AES_256_GCM_SHA384";
  const CheckResult r = EvaluateMysql(spec, facts);
  EXPECT_EQ(r.state, State::kWarning);
  EXPECT_TRUE(r.text.starts_with(
      "connected to MariaDB 10.11.19 in 0.002 s over TLS (TLS_AES_256_GCM_SHA384), "))
      << r.text;
  EXPECT_EQ(FormatPerfdata(r.perfdata[0]), "connect_time=0.002s;0.001;1;0");
}

TEST(EvaluateMysqlTest, FailedStatusAndReplicaStatementsAreCritical) {
  MysqlCheckSpec spec;
  spec.replication = true;
  MysqlFacts facts = HealthyFacts();
  facts.status_error = "error 2006: Server has gone away";
  facts.replica_error = "SHOW REPLICA STATUS failed: error 1227: Access denied";
  facts.replica.reset();
  const CheckResult r = EvaluateMysql(spec, facts);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_TRUE(
      r.text.starts_with("reading server status failed: error 2006: Server has gone "
                         "away, SHOW REPLICA STATUS failed: error 1227: Access denied"))
      << r.text;
  EXPECT_EQ(Labels(r), std::vector<std::string>{"connect_time"});
}

TEST(EvaluateMysqlTest, RequestedButMissingStatusValuesAreUnknown) {
  MysqlCheckSpec spec;
  spec.uptime_crit_seconds = 60;
  spec.connections_warn_percent = 80;
  MysqlFacts facts = HealthyFacts();
  facts.uptime_seconds.reset();
  facts.threads_connected.reset();
  const CheckResult r = EvaluateMysql(spec, facts);
  EXPECT_EQ(r.state, State::kUnknown);
  EXPECT_NE(r.text.find("server reports no Uptime"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("no Threads_connected"), std::string::npos) << r.text;
}

TEST(RedactSecretTest, ReplacesEveryOccurrenceInTextAndLongText) {
  CheckResult r;
  r.text = "user s3cret said s3cret";
  r.long_text = "line\ns3crets3cret";
  RedactSecret(r, "s3cret");
  EXPECT_EQ(r.text, "user *** said ***");
  EXPECT_EQ(r.long_text, "line\n******");
  CheckResult star;
  star.text = "a*b";
  RedactSecret(star, "*");  // terminates although the replacement contains the secret
  EXPECT_EQ(star.text, "a***b");
  RedactSecret(r, "");
  EXPECT_EQ(r.text, "user *** said ***");
}

TEST(ValidateMysqlSpecTest, RejectsContradictoryOrIncompleteSpecs) {
  EXPECT_TRUE(ValidateMysqlSpec(MysqlCheckSpec{}));
  auto invalid = [](auto change) {
    MysqlCheckSpec spec;
    change(spec);
    auto valid = ValidateMysqlSpec(spec);
    return valid ? std::string("valid") : valid.error().message;
  };
  EXPECT_EQ(invalid([](auto& s) { s.port = 0; }), "port 0 is not in 1..65535");
  EXPECT_EQ(invalid([](auto& s) { s.host = ""; }), "no host or socket given");
  EXPECT_EQ(invalid([](auto& s) {
              s.socket = "/run/mysqld.sock";
              s.port = 0;
            }),
            "valid");
  EXPECT_EQ(invalid([](auto& s) {
              s.query = "SELECT 1";
              s.expect = "1";
              s.expect_regex = "1";
            }),
            "expect and expect_regex are exclusive");
  EXPECT_EQ(invalid([](auto& s) { s.expect = "1"; }),
            "expect, expect_regex and value thresholds need a query");
  EXPECT_EQ(invalid([](auto& s) { s.warn_lag = R("10"); }), "lag thresholds need replication");
  EXPECT_EQ(invalid([](auto& s) { s.connections_crit_percent = -1; }),
            "connection thresholds are percentages >= 0");
  EXPECT_EQ(invalid([](auto& s) { s.uptime_warn_seconds = -1; }),
            "uptime thresholds are seconds >= 0");
  EXPECT_EQ(invalid([](auto& s) { s.ca_file = "/ca.crt"; }),
            "a CA file is only used with TLS verification");
  EXPECT_EQ(invalid([](auto& s) {
              s.query = "SELECT 1";
              s.expect_regex = "(";
            }),
            "invalid regex '(' at offset 1: missing closing parenthesis");
}

}  // namespace
}  // namespace gs::probes
