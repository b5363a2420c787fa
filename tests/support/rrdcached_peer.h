// rrdcached (Debian package rrdcached) on a unix socket in a directory of the test's, as
// /work/shared/PEERS.md section 9 verified: foreground, base directory `base` with -B (paths
// outside it are refused), a journal, flushes everything on exit (-F), stopped by PID.
//
// `write_delay` is rrdcached's -w: how long it holds updates before writing them. A long
// delay lets a test show that something flushed them (nothing else writes them meanwhile).
//
// Thread-safety: each object belongs to the test thread that made it.
#pragma once

#include <filesystem>
#include <string>

#include "tests/support/peers.h"

namespace gs::test {

class Rrdcached {
 public:
  Rrdcached(const std::filesystem::path& dir, const std::filesystem::path& base,
            int write_delay_seconds = 5);

  // True when /usr/bin/rrdcached exists (tests skip otherwise, saying so).
  static bool Available();

  [[nodiscard]] bool started() const { return process_.started(); }
  // True once the daemon answers PING on its socket.
  [[nodiscard]] bool Ping() const;
  // Started and answering within the test deadline.
  [[nodiscard]] bool WaitReady() const;
  // "unix:/path/rrdcached.sock", as librrd's --daemon and groundstation's rrd.daemon take it.
  [[nodiscard]] std::string address() const { return "unix:" + socket_.string(); }

 private:
  std::filesystem::path socket_;
  Process process_;
};

}  // namespace gs::test
