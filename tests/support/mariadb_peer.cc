// MariaDB peers of mariadb_peer.h: the recipe of /work/shared/PEERS.md section 2 in C++.
#include "tests/support/mariadb_peer.h"

#include <unistd.h>

#include <thread>

#include "tests/support/syslog_peers.h"

namespace gs::test {

namespace {

constexpr const char* kMariadbd = "/usr/sbin/mariadbd";
constexpr const char* kInstallDb = "/usr/bin/mariadb-install-db";
constexpr const char* kClient = "/usr/bin/mariadb";
constexpr const char* kAdmin = "/usr/bin/mariadb-admin";

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

MariaDb::MariaDb(Options options) : options_(options), port_(FreePort()) {}

MariaDb::~MariaDb() { Stop(); }

bool MariaDb::Available() {
  return ::access(kMariadbd, X_OK) == 0 && ::access(kInstallDb, X_OK) == 0 &&
         ::access(kClient, X_OK) == 0 && ::access(kAdmin, X_OK) == 0;
}

bool MariaDb::Install() {
  if (installed_) return true;
  // The certificates (openssl, CPU) are made while install-db waits for the disk.
  bool certificates = true;
  std::string certificate_error;
  std::jthread openssl([&] {
    if (options_.tls) certificates = MakeCertificates(dir_.path(), &certificate_error);
  });
  // --user=root: as root, mariadbd and install-db refuse to run otherwise. A private tmpdir:
  // two servers bootstrapping at once (ctest -j) must not share /tmp's temporary tables.
  std::filesystem::create_directories(dir_ / "tmp");
  const CommandResult r =
      RunCommand({kInstallDb, "--no-defaults", "--datadir=" + datadir().string(), "--user=root",
                  "--skip-test-db", "--skip-name-resolve", "--innodb-buffer-pool-size=16M",
                  "--innodb-log-file-size=8M", "--tmpdir=" + (dir_ / "tmp").string()},
                 120s);
  openssl.join();
  if (!certificates) {
    error_ = "certificates: " + certificate_error;
    return false;
  }
  if (r.exit_code != 0) {
    error_ = "mariadb-install-db failed: " + r.out + r.err;
    return false;
  }
  installed_ = true;
  return true;
}

bool MariaDb::CopyInstallFrom(const MariaDb& other) {
  if (options_.tls && !MakeCertificates(dir_.path(), &error_)) return false;
  std::error_code ec;
  std::filesystem::copy(other.datadir(), datadir(), std::filesystem::copy_options::recursive, ec);
  if (ec) {
    error_ = "copying the datadir of " + other.dir().string() + ": " + ec.message();
    return false;
  }
  installed_ = true;
  return true;
}

bool MariaDb::StartOnce() {
  const std::string d = dir_.path().string();
  std::filesystem::create_directories(dir_ / "tmp");
  std::vector<std::string> argv = {kMariadbd,
                                   "--no-defaults",
                                   "--datadir=" + d + "/data",
                                   "--user=root",
                                   "--socket=" + socket_path().string(),
                                   "--port=" + std::to_string(port_),
                                   "--bind-address=127.0.0.1",
                                   "--pid-file=" + d + "/mysqld.pid",
                                   "--log-error=" + d + "/mysqld.err",
                                   "--skip-name-resolve",
                                   "--server-id=" + std::to_string(options_.server_id),
                                   "--innodb-buffer-pool-size=16M",
                                   "--innodb-log-file-size=8M",
                                   "--innodb-flush-log-at-trx-commit=2",
                                   "--tmpdir=" + d + "/tmp"};
  if (options_.binary_log) argv.insert(argv.end(), {"--log-bin=mysql-bin", "--binlog-format=ROW"});
  if (options_.replica) argv.insert(argv.end(), {"--relay-log=relay-bin", "--read-only=1"});
  if (options_.tls) {
    argv.insert(argv.end(), {"--ssl-ca=" + d + "/ca.crt", "--ssl-cert=" + d + "/server.crt",
                             "--ssl-key=" + d + "/server.key"});
  }
  WriteFile(dir_ / "mysqld.err", "");  // so the log shows this attempt only
  Process::Options output;  // the server's own start-up chatter stays out of the test log
  output.stdout_path = (dir_ / "mysqld.out").string();
  output.stderr_path = (dir_ / "mysqld.stderr").string();
  process_ = std::make_unique<Process>(argv, output);
  if (!process_->started()) {
    error_ = process_->error();
    return false;
  }
  const std::vector<std::string> ping = {kAdmin, "--no-defaults", "-uroot",
                                         "--socket=" + socket_path().string(), "ping"};
  const bool up =
      WaitUntil([&] { return !process_->Running() || RunCommand(ping, 10s).exit_code == 0; }, 60s);
  if (up && process_->Running()) return true;
  error_ = "mariadbd did not start: " + ReadFile(dir_ / "mysqld.err");
  process_.reset();
  return false;
}

bool MariaDb::Start() {
  if (!Install()) return false;
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (StartOnce()) return true;
    // Someone took the port between FreePort() and mariadbd's bind: pick another one.
    if (error_.find("Address already in use") == std::string::npos) return false;
    port_ = FreePort();
  }
  return false;
}

void MariaDb::Stop() { process_.reset(); }

CommandResult MariaDb::Sql(const std::string& sql) const {
  return RunCommand({kClient, "--no-defaults", "-uroot", "--socket=" + socket_path().string(),
                     "--batch", "--skip-column-names", "-e", sql},
                    60s);
}

std::string MariaDb::Value(const std::string& sql) const {
  const CommandResult r = Sql(sql);
  return r.exit_code == 0 ? FirstLine(r.out) : std::string();
}

MariaDbPair::MariaDbPair(bool tls_primary)
    : primary_(MariaDb::Options{.server_id = 1, .binary_log = true, .tls = tls_primary}),
      replica_(MariaDb::Options{.server_id = 2, .replica = true}) {}

bool MariaDbPair::Fail(const std::string& what, const CommandResult& r) {
  error_ = what + " failed (exit " + std::to_string(r.exit_code) + "): " + r.err;
  return false;
}

bool MariaDbPair::Start() {
  // One mariadb-install-db for both: the replica starts from a copy of the pristine datadir.
  if (!primary_.Install()) {
    error_ = "primary: " + primary_.error();
    return false;
  }
  if (!replica_.CopyInstallFrom(primary_)) {
    error_ = "replica: " + replica_.error();
    return false;
  }
  if (!primary_.Start()) {
    error_ = "primary: " + primary_.error();
    return false;
  }
  // Created on the primary only: the replica replays the whole binary log, these included
  // (creating the monitor user on the replica too would break replication with 1396).
  const CommandResult setup = primary_.Sql(
      std::string("CREATE USER '") + kMonitorUser + "'@'%' IDENTIFIED BY '" + kMonitorPassword +
      "'; GRANT PROCESS, REPLICATION CLIENT, SLAVE MONITOR ON *.* TO '" + kMonitorUser +
      "'@'%'; CREATE USER 'repl'@'%' IDENTIFIED BY 'replpw';"
      " GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%'; CREATE DATABASE app;"
      " CREATE TABLE app.t (id INT PRIMARY KEY, v VARCHAR(20));");
  if (setup.exit_code != 0) return Fail("primary set-up", setup);
  if (!replica_.Start()) {
    error_ = "replica: " + replica_.error();
    return false;
  }
  if (!PointReplicaAt(primary_.port())) return false;
  if (!WaitCaughtUp(30s)) {
    error_ = "the replica did not catch up: " + replica_.Sql("SHOW SLAVE STATUS\\G").out;
    return false;
  }
  return true;
}

bool MariaDbPair::WaitCaughtUp(std::chrono::milliseconds timeout) {
  return WaitUntil(
      [&] {
        const std::string logged = primary_.Value("SELECT @@GLOBAL.gtid_binlog_pos");
        const std::string applied = replica_.Value(
            "SELECT CONCAT(@@GLOBAL.gtid_slave_pos, '|', VARIABLE_VALUE) FROM "
            "information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'SLAVE_RUNNING'");
        return !logged.empty() && applied == logged + "|ON";
      },
      timeout);
}

bool MariaDbPair::PointReplicaAt(int port) {
  const CommandResult r = replica_.Sql(
      "STOP SLAVE; CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + std::to_string(port) +
      ", MASTER_USER='repl', MASTER_PASSWORD='replpw', MASTER_USE_GTID=slave_pos,"
      " MASTER_CONNECT_RETRY=1; START SLAVE;");
  return r.exit_code == 0 || Fail("CHANGE MASTER TO port " + std::to_string(port), r);
}

}  // namespace gs::test
