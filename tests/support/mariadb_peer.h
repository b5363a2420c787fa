// Real MariaDB servers for the integration tests: a private mariadbd per object (its own
// TempDir holding datadir, Unix socket, pid file and error log; --no-defaults, so nothing of
// /etc/mysql is read; 127.0.0.1 on a free port; stopped by PID), and a primary + replica pair
// replicating with GTIDs, as /work/shared/PEERS.md section 2 verified. SQL runs as root over
// the socket through the `mariadb` client. Each object belongs to the test thread that made it.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "tests/support/peers.h"

namespace gs::test {

// The monitoring account MariaDbPair creates (PROCESS, REPLICATION CLIENT, SLAVE MONITOR on
// *.*; replicated to the replica like everything else).
inline constexpr const char* kMonitorUser = "monitor";
inline constexpr const char* kMonitorPassword = "Mon1tor-Pw-7f3a";

class MariaDb {
 public:
  struct Options {
    int server_id = 1;
    bool binary_log = false;  // ROW binary log, for replicas to read
    bool replica = false;     // relay log, read_only
    bool tls = false;         // TLS with MakeCertificates' server.crt/key; see ca_path()
  };
  explicit MariaDb(Options options);
  ~MariaDb();
  MariaDb(const MariaDb&) = delete;
  MariaDb& operator=(const MariaDb&) = delete;

  // True when mariadbd and mariadb-install-db are installed (else tests skip, saying so).
  static bool Available();

  // Creates the datadir (mariadb-install-db) unless that was done; false, with error(), on
  // failure. Start() calls it when needed.
  [[nodiscard]] bool Install();
  // Gives this (not yet started) server a copy of `other`'s installed, stopped datadir
  // instead of running mariadb-install-db again (seconds on a busy disk).
  [[nodiscard]] bool CopyInstallFrom(const MariaDb& other);
  // Starts mariadbd (installing first when needed) and waits until it answers on its socket.
  // False, with error(), when it does not.
  [[nodiscard]] bool Start();
  // SIGTERM by PID and wait (a clean shutdown); Start() again keeps the data and the port.
  void Stop();

  // Runs `sql` (several statements allowed) as root over the socket in batch mode without
  // column names; exit code 0 on success, the client's message in `err` otherwise.
  [[nodiscard]] CommandResult Sql(const std::string& sql) const;
  // The first line of Sql()'s output, or "" on failure.
  [[nodiscard]] std::string Value(const std::string& sql) const;

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::filesystem::path socket_path() const { return dir_ / "mysqld.sock"; }
  [[nodiscard]] std::filesystem::path ca_path() const { return dir_ / "ca.crt"; }
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_.path(); }
  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  bool StartOnce();
  [[nodiscard]] std::filesystem::path datadir() const { return dir_ / "data"; }
  Options options_;
  TempDir dir_;
  int port_ = 0;
  bool installed_ = false;
  std::unique_ptr<Process> process_;
  std::string error_;
};

// A primary (binary log) and a replica replicating from it with MASTER_USE_GTID=slave_pos and
// a 1 s connect retry. The primary holds the kMonitorUser account, a replication account and
// database `app` with table app.t (id INT PRIMARY KEY, v VARCHAR(20)); all of it replicates.
class MariaDbPair {
 public:
  explicit MariaDbPair(bool tls_primary = false);

  // Starts both servers, sets up replication and waits until the replica caught up.
  [[nodiscard]] bool Start();
  [[nodiscard]] const std::string& error() const { return error_; }

  MariaDb& primary() { return primary_; }
  MariaDb& replica() { return replica_; }

  // True once the replica's SQL thread runs and it applied every transaction the primary
  // logged (@@gtid_slave_pos == @@gtid_binlog_pos).
  [[nodiscard]] bool WaitCaughtUp(std::chrono::milliseconds timeout);

  // Points the replica at 127.0.0.1:`port` (STOP SLAVE; CHANGE MASTER TO ...; START SLAVE);
  // any other port makes its IO thread "Connecting". ReconnectToPrimary() undoes it.
  [[nodiscard]] bool PointReplicaAt(int port);
  [[nodiscard]] bool ReconnectToPrimary() { return PointReplicaAt(primary_.port()); }

 private:
  bool Fail(const std::string& what, const CommandResult& r);
  MariaDb primary_;
  MariaDb replica_;
  std::string error_;
};

}  // namespace gs::test
