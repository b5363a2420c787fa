// The MySQL probe (RunMysqlCheck and the `check mysql` command function) against real MariaDB
// 10.11 servers on 127.0.0.1: one primary (with TLS) + replica pair shared by the suite. Tests
// that break replication restore it (and wait until the replica caught up) however they end.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "probes/check_cli_support.h"
#include "probes/mysql_probe.h"
#include "probes/nagios_output.h"
#include "tests/support/mariadb_peer.h"

namespace gs {
namespace {

using namespace std::chrono_literals;
using probes::CheckResult;
using probes::MysqlCheckSpec;
using probes::State;
using test::kMonitorPassword;
using test::kMonitorUser;
using test::MariaDb;
using test::MariaDbPair;

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const probes::Perfdata* Find(const CheckResult& r, const std::string& label) {
  for (const probes::Perfdata& p : r.perfdata) {
    if (p.label == label) return &p;
  }
  return nullptr;
}

// Everything a user or the API could see of a result.
std::string Everything(const CheckResult& r) {
  return probes::FormatPluginLine("MYSQL", r) + "\n" + probes::ToJson(r);
}

class MysqlTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!MariaDb::Available()) return;
    pair_ = std::make_unique<MariaDbPair>(/*tls_primary=*/true);
    started_ = pair_->Start();
  }
  static void TearDownTestSuite() { pair_.reset(); }

  void SetUp() override {
    if (!MariaDb::Available()) {
      GTEST_SKIP() << "mariadb-server is not installed (scripts/install-deps.sh)";
    }
    ASSERT_TRUE(started_) << pair_->error();
  }

  static MysqlCheckSpec Spec(const MariaDb& db) {
    MysqlCheckSpec spec;
    spec.host = "127.0.0.1";
    spec.port = db.port();
    spec.user = kMonitorUser;
    spec.password = kMonitorPassword;
    spec.timeout = 10s;
    return spec;
  }

  // Runs the check until its text contains `part` (the replica needs a moment to notice).
  static CheckResult CheckUntil(const MysqlCheckSpec& spec, const std::string& part) {
    CheckResult r;
    test::WaitUntil(
        [&] {
          r = probes::RunMysqlCheck(spec);
          return Contains(r.text, part);
        },
        30s);
    return r;
  }

  static int Cli(const std::vector<std::string>& args, std::string& out) {
    std::ostringstream o;
    std::ostringstream e;
    const int code = probes::cli::RunMysql(args, o, e);
    out = o.str();
    return code;
  }

  static std::vector<std::string> CliArgs(const MariaDb& db) {
    return {"-H", "127.0.0.1",  "-P", std::to_string(db.port()),
            "-u", kMonitorUser, "-p", kMonitorPassword};
  }

  static inline std::unique_ptr<MariaDbPair> pair_;
  static inline bool started_ = false;
};

// Undoes a replication breakage when the test ends, however it ends, and waits until the
// replica caught up, so the next test starts from a healthy pair.
class RestoreReplication {
 public:
  RestoreReplication(MariaDbPair& pair, std::function<void()> undo)
      : pair_(pair), undo_(std::move(undo)) {}
  ~RestoreReplication() {
    undo_();
    EXPECT_TRUE(pair_.WaitCaughtUp(30s)) << pair_.replica().Sql("SHOW SLAVE STATUS\\G").out;
  }
  RestoreReplication(const RestoreReplication&) = delete;
  RestoreReplication& operator=(const RestoreReplication&) = delete;

 private:
  MariaDbPair& pair_;
  std::function<void()> undo_;
};

TEST_F(MysqlTest, AHealthyServerIsOkWithConnectTimeAndStatusPerfdata) {
  const CheckResult r = probes::RunMysqlCheck(Spec(pair_->primary()));
  EXPECT_EQ(r.state, State::kOk) << r.text;
  EXPECT_TRUE(r.text.starts_with("connected to MariaDB 10.")) << r.text;
  ASSERT_NE(Find(r, "connect_time"), nullptr);
  EXPECT_EQ(Find(r, "connect_time")->uom, "s");
  EXPECT_GT(Find(r, "connect_time")->value, 0.0);
  ASSERT_NE(Find(r, "connections"), nullptr);
  const std::string max = pair_->primary().Value("SELECT @@max_connections");
  EXPECT_EQ(Find(r, "connections")->max, std::stod(max));
  EXPECT_GE(Find(r, "connections")->value, 1.0);  // this very connection
  ASSERT_NE(Find(r, "uptime"), nullptr);
  EXPECT_EQ(Find(r, "uptime")->uom, "s");
  EXPECT_EQ(Find(r, "lag"), nullptr);
}

TEST_F(MysqlTest, ACredentialsFileSuppliesTheUserAndPassword) {
  test::TempDir dir;
  ASSERT_TRUE(test::WriteFile(dir / "my.cnf", std::string("[client]\nuser=") + kMonitorUser +
                                                  "\npassword=" + kMonitorPassword + "\n"));
  MysqlCheckSpec spec = Spec(pair_->primary());
  spec.user.clear();
  spec.password.clear();
  spec.credentials_file = (dir / "my.cnf").string();
  const CheckResult r = probes::RunMysqlCheck(spec);
  EXPECT_EQ(r.state, State::kOk) << r.text;
  // The same through the command: -f, as check_mysql.
  std::string out;
  EXPECT_EQ(Cli({"-H", "127.0.0.1", "-P", std::to_string(pair_->primary().port()), "-f",
                 spec.credentials_file},
                out),
            0)
      << out;
}

TEST_F(MysqlTest, AnUnreadableCredentialsFileIsUnknown) {
  MysqlCheckSpec spec = Spec(pair_->primary());
  spec.credentials_file = "/nonexistent/my.cnf";
  const CheckResult r = probes::RunMysqlCheck(spec);
  EXPECT_EQ(r.state, State::kUnknown);
  EXPECT_EQ(r.text, "cannot read credentials file /nonexistent/my.cnf: No such file or directory");
}

TEST_F(MysqlTest, AWrongPasswordIsCriticalAndNeverEchoesThePassword) {
  const std::string wrong = "Wr0ng-Secret-Pw-913";
  MysqlCheckSpec spec = Spec(pair_->primary());
  spec.password = wrong;
  const CheckResult r = probes::RunMysqlCheck(spec);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_TRUE(r.text.starts_with("connect to 127.0.0.1:" + std::to_string(pair_->primary().port()) +
                                 ": error 1045: Access denied for user 'monitor'@"))
      << r.text;
  EXPECT_FALSE(Contains(Everything(r), wrong)) << Everything(r);

  test::TempDir dir;
  ASSERT_TRUE(test::WriteFile(dir / "my.cnf", "[client]\nuser=monitor\npassword=" + wrong + "\n"));
  spec.password.clear();
  spec.credentials_file = (dir / "my.cnf").string();
  const CheckResult from_file = probes::RunMysqlCheck(spec);
  EXPECT_EQ(from_file.state, State::kCritical);
  EXPECT_FALSE(Contains(Everything(from_file), wrong)) << Everything(from_file);

  std::string out;
  std::vector<std::string> args = CliArgs(pair_->primary());
  args.back() = wrong;
  EXPECT_EQ(Cli(args, out), 2);
  EXPECT_FALSE(Contains(out, wrong)) << out;
  args.push_back("--json");
  EXPECT_EQ(Cli(args, out), 2);
  EXPECT_FALSE(Contains(out, wrong)) << out;
}

TEST_F(MysqlTest, ARefusedConnectionIsCriticalNamingTheEndpoint) {
  MysqlCheckSpec spec = Spec(pair_->primary());
  spec.port = test::FreePort();
  const CheckResult r = probes::RunMysqlCheck(spec);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_TRUE(r.text.starts_with("connect to 127.0.0.1:" + std::to_string(spec.port) + ": "))
      << r.text;
  EXPECT_TRUE(r.perfdata.empty());
}

TEST_F(MysqlTest, AServerThatNeverAnswersIsCriticalAfterTheTimeout) {
  test::HangServer hang;
  MysqlCheckSpec spec = Spec(pair_->primary());
  spec.port = hang.port();
  spec.timeout = 1s;
  const CheckResult r = probes::RunMysqlCheck(spec);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_TRUE(r.text.starts_with("connect to 127.0.0.1:" + std::to_string(spec.port) + ": "))
      << r.text;
}

TEST_F(MysqlTest, TheUnixSocketWorksWithoutHostAndPort) {
  MysqlCheckSpec spec = Spec(pair_->primary());
  spec.host.clear();
  spec.port = 0;
  spec.socket = pair_->primary().socket_path().string();
  const CheckResult r = probes::RunMysqlCheck(spec);
  EXPECT_EQ(r.state, State::kOk) << r.text;
}

TEST_F(MysqlTest, AQueryValueIsCheckedAgainstExpectRegexAndThresholds) {
  MysqlCheckSpec spec = Spec(pair_->primary());
  spec.query = "SELECT 42";
  spec.expect = "42";
  CheckResult r = probes::RunMysqlCheck(spec);
  EXPECT_EQ(r.state, State::kOk) << r.text;
  EXPECT_TRUE(Contains(r.text, "query returned '42'")) << r.text;
  ASSERT_NE(Find(r, "value"), nullptr);
  EXPECT_EQ(Find(r, "value")->value, 42.0);
  ASSERT_NE(Find(r, "query_time"), nullptr);

  spec.expect = "43";
  r = probes::RunMysqlCheck(spec);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_TRUE(r.text.starts_with("query returned '42', expected '43'")) << r.text;

  spec.expect.clear();
  spec.expect_regex = "^4\\d$";
  EXPECT_EQ(probes::RunMysqlCheck(spec).state, State::kOk);
  spec.expect_regex = "^5";
  EXPECT_EQ(probes::RunMysqlCheck(spec).state, State::kCritical);

  spec.expect_regex.clear();
  spec.warn_value = *probes::Range::Parse("10");
  spec.crit_value = *probes::Range::Parse("100");
  EXPECT_EQ(probes::RunMysqlCheck(spec).state, State::kWarning);
  spec.crit_value = *probes::Range::Parse("40");
  EXPECT_EQ(probes::RunMysqlCheck(spec).state, State::kCritical);
  spec.query = "SELECT NULL";
  r = probes::RunMysqlCheck(spec);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_TRUE(r.text.starts_with("query returned NULL")) << r.text;
}

TEST_F(MysqlTest, AFailingQueryIsCriticalWithTheServerError) {
  MysqlCheckSpec spec = Spec(pair_->primary());
  spec.query = "SELEKT 1";
  const CheckResult r = probes::RunMysqlCheck(spec);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_TRUE(r.text.starts_with("query failed: error 1064: You have an error in your SQL"))
      << r.text;
}

TEST_F(MysqlTest, ReplicationOnAHealthyReplicaIsOkWithLagZero) {
  ASSERT_TRUE(pair_->WaitCaughtUp(30s));
  MysqlCheckSpec spec = Spec(pair_->replica());
  spec.replication = true;
  spec.warn_lag = *probes::Range::Parse("30");
  const CheckResult r = probes::RunMysqlCheck(spec);
  EXPECT_EQ(r.state, State::kOk) << r.text;
  EXPECT_TRUE(Contains(r.text, "replica running, lag 0 s")) << r.text;
  ASSERT_NE(Find(r, "lag"), nullptr);
  EXPECT_EQ(probes::FormatPerfdata(*Find(r, "lag")), "lag=0s;30;;0");
}

TEST_F(MysqlTest, ReplicationOnAServerWithoutItIsCritical) {
  MysqlCheckSpec spec = Spec(pair_->primary());
  spec.replication = true;
  const CheckResult r = probes::RunMysqlCheck(spec);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_TRUE(r.text.starts_with("no replication configured")) << r.text;
}

TEST_F(MysqlTest, AStoppedSqlThreadIsCriticalAndNeverReportsLagZero) {
  ASSERT_EQ(pair_->replica().Sql("STOP SLAVE SQL_THREAD").exit_code, 0);
  const RestoreReplication restore(
      *pair_, [] { EXPECT_EQ(pair_->replica().Sql("START SLAVE SQL_THREAD").exit_code, 0); });
  MysqlCheckSpec spec = Spec(pair_->replica());
  spec.replication = true;
  const CheckResult r = CheckUntil(spec, "SQL thread not running");
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_TRUE(r.text.starts_with("replica SQL thread not running (No)")) << r.text;
  EXPECT_EQ(Find(r, "lag"), nullptr) << probes::FormatPerfdata(r.perfdata);
  EXPECT_TRUE(Contains(r.long_text, "Seconds_Behind_Master: NULL")) << r.long_text;
}

TEST_F(MysqlTest, ADuplicateKeyBreaksReplicationAndIsCriticalNaming1062) {
  // A row only the replica has (not logged), then the same key on the primary.
  ASSERT_EQ(pair_->replica()
                .Sql("SET GLOBAL read_only=0; SET sql_log_bin=0;"
                     " INSERT INTO app.t VALUES (104, 'replica'); SET GLOBAL read_only=1;")
                .exit_code,
            0);
  const RestoreReplication restore(*pair_, [] {
    const std::string skip = "STOP SLAVE; SET GLOBAL sql_slave_skip_counter=1; START SLAVE;";
    EXPECT_EQ(pair_->replica().Sql(skip).exit_code, 0);
  });
  ASSERT_EQ(pair_->primary().Sql("INSERT INTO app.t VALUES (104, 'primary')").exit_code, 0);
  MysqlCheckSpec spec = Spec(pair_->replica());
  spec.replication = true;
  const CheckResult r = CheckUntil(spec, "error 1062");
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_TRUE(r.text.starts_with("replica SQL thread not running (No): error 1062: ")) << r.text;
  EXPECT_TRUE(Contains(r.text, "Duplicate entry '104'")) << r.text;
  EXPECT_EQ(Find(r, "lag"), nullptr);
  EXPECT_TRUE(Contains(r.long_text, "Last_SQL_Errno: 1062")) << r.long_text;
}

TEST_F(MysqlTest, AReplicaThatCannotReachItsSourceIsCriticalWhileConnecting) {
  ASSERT_TRUE(pair_->PointReplicaAt(test::FreePort())) << pair_->error();
  const RestoreReplication restore(
      *pair_, [] { EXPECT_TRUE(pair_->ReconnectToPrimary()) << pair_->error(); });
  MysqlCheckSpec spec = Spec(pair_->replica());
  spec.replication = true;
  const CheckResult r = CheckUntil(spec, "error 2003");
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_TRUE(r.text.starts_with("replica IO thread not running (Connecting): error 2003: "))
      << r.text;
  EXPECT_EQ(Find(r, "lag"), nullptr);
}

TEST_F(MysqlTest, ConnectionThresholdsApplyToThePercentOfMaxConnections) {
  MysqlCheckSpec spec = Spec(pair_->primary());
  spec.connections_warn_percent = 0;  // this connection alone is above 0%
  spec.connections_crit_percent = 100;
  CheckResult r = probes::RunMysqlCheck(spec);
  EXPECT_EQ(r.state, State::kWarning) << r.text;
  EXPECT_TRUE(r.text.find(" connections (") < r.text.find("connected to")) << r.text;
  ASSERT_NE(Find(r, "connections_pct"), nullptr);
  EXPECT_EQ(Find(r, "connections_pct")->warn, "0");
  EXPECT_EQ(Find(r, "connections_pct")->crit, "100");
  spec.connections_crit_percent = 0;
  EXPECT_EQ(probes::RunMysqlCheck(spec).state, State::kCritical);
  spec.connections_warn_percent = 90;
  spec.connections_crit_percent = 95;
  EXPECT_EQ(probes::RunMysqlCheck(spec).state, State::kOk);
}

TEST_F(MysqlTest, AFreshlyStartedServerIsReportedAsRestarted) {
  MysqlCheckSpec spec = Spec(pair_->primary());
  spec.uptime_warn_seconds = 3600;  // the suite's servers started moments ago
  CheckResult r = probes::RunMysqlCheck(spec);
  EXPECT_EQ(r.state, State::kWarning) << r.text;
  EXPECT_TRUE(r.text.starts_with("restarted ")) << r.text;
  EXPECT_TRUE(Contains(r.text, " ago")) << r.text;
  ASSERT_NE(Find(r, "uptime"), nullptr);
  EXPECT_EQ(Find(r, "uptime")->warn, "3600:");
  spec.uptime_crit_seconds = 3600;
  EXPECT_EQ(probes::RunMysqlCheck(spec).state, State::kCritical);
}

TEST_F(MysqlTest, TlsIsVerifiedAgainstTheCaAndRequiredWhenAsked) {
  MysqlCheckSpec spec = Spec(pair_->primary());
  spec.tls = probes::MysqlTls::kVerify;
  spec.ca_file = pair_->primary().ca_path().string();
  CheckResult r = probes::RunMysqlCheck(spec);
  EXPECT_EQ(r.state, State::kOk) << r.text;
  EXPECT_TRUE(Contains(r.text, " over TLS (")) << r.text;

  spec.ca_file = (pair_->primary().dir() / "other-ca.crt").string();
  r = probes::RunMysqlCheck(spec);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_TRUE(Contains(r.text, "error 2026: TLS/SSL error")) << r.text;

  MysqlCheckSpec plain = Spec(pair_->replica());  // the replica has no TLS
  plain.tls = probes::MysqlTls::kRequired;
  r = probes::RunMysqlCheck(plain);
  EXPECT_EQ(r.state, State::kCritical);
  EXPECT_EQ(r.text, "connect to 127.0.0.1:" + std::to_string(plain.port) +
                        ": TLS required, server has none");
}

TEST_F(MysqlTest, ChecksRunOnSeveralWorkerThreadsAtOnce) {
  // The daemon runs RunMysqlCheck on a pool of workers: no set-up per thread, no sharing.
  const MysqlCheckSpec primary = Spec(pair_->primary());
  MysqlCheckSpec replica = Spec(pair_->replica());
  replica.replication = true;
  std::atomic<int> ok{0};
  {
    std::vector<std::jthread> workers;
    for (int i = 0; i < 4; ++i) {
      workers.emplace_back([&, i] {
        for (int n = 0; n < 5; ++n) {
          if (probes::RunMysqlCheck(i % 2 == 0 ? primary : replica).state == State::kOk) ++ok;
        }
      });
    }
  }
  EXPECT_EQ(ok.load(), 20);
}

TEST_F(MysqlTest, TheCheckMysqlCommandPrintsAPluginLineOrJson) {
  std::string out;
  std::vector<std::string> args = CliArgs(pair_->replica());
  args.insert(args.end(), {"--replication", "--lag-warn", "30", "-q", "SELECT 7", "-w", "5"});
  EXPECT_EQ(Cli(args, out), 1) << out;
  EXPECT_TRUE(out.starts_with("MYSQL WARNING - query returned '7', connected to MariaDB")) << out;
  EXPECT_TRUE(Contains(out, " lag=0s;30;;0")) << out;
  args.push_back("--json");
  EXPECT_EQ(Cli(args, out), 1) << out;
  const nlohmann::json json = nlohmann::json::parse(out);
  EXPECT_EQ(json["state"], "WARNING");
  EXPECT_EQ(json["exit"], 1);
}

TEST_F(MysqlTest, CommandUsageErrorsAreUnknown) {
  std::string out;
  EXPECT_EQ(Cli({"-u", "monitor"}, out), 3);
  EXPECT_EQ(out, "MYSQL UNKNOWN - missing --hostname or --socket\n");
  EXPECT_EQ(Cli({"-H", "127.0.0.1", "--expect", "1"}, out), 3);
  EXPECT_EQ(out, "MYSQL UNKNOWN - --expect, --expect-regex, -w and -c need -q QUERY\n");
  EXPECT_EQ(Cli({"-H", "127.0.0.1", "--lag-warn", "10"}, out), 3);
  EXPECT_EQ(out, "MYSQL UNKNOWN - --lag-warn and --lag-crit need --replication\n");
  EXPECT_EQ(Cli({"-H", "127.0.0.1", "--tls", "--tls-ca", "/ca.crt"}, out), 3);
  EXPECT_EQ(out, "MYSQL UNKNOWN - --tls and --tls-ca are exclusive\n");
  EXPECT_EQ(Cli({"-H", "127.0.0.1", "-q", "SELECT 1", "--expect-regex", "("}, out), 3);
  EXPECT_TRUE(out.starts_with("MYSQL UNKNOWN - invalid regex '('")) << out;
  EXPECT_EQ(Cli({"-H", "127.0.0.1", "--replication", "--lag-crit", "x:y"}, out), 3);
  EXPECT_TRUE(out.starts_with("MYSQL UNKNOWN - --lag-crit: ")) << out;
  EXPECT_EQ(Cli({"-H", "127.0.0.1", "stray"}, out), 3);
}

}  // namespace
}  // namespace gs
