// StartPythonPeer: a test peer written in Python (tests/support/*.py, stdlib only) that takes
// its port as its first argument, started on a free loopback port and waited for. Safe from
// any thread; the Process it returns belongs to the caller (SIGTERM and wait on destruction).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/peers.h"

namespace gs::test {

struct PythonPeer {
  std::unique_ptr<Process> process;  // null when it did not start (see the stderr log)
  int port = 0;
  [[nodiscard]] std::string Url() const { return "http://127.0.0.1:" + std::to_string(port); }
};

// Runs `/usr/bin/python3 GS_SOURCE_DIR/tests/support/SCRIPT PORT ARGS...` with stdout and
// stderr in `log_dir`/stdout.log and stderr.log, and waits (10 s) until 127.0.0.1:PORT accepts
// connections. A port taken meanwhile by someone else makes the script exit: up to five ports
// are tried.
PythonPeer StartPythonPeer(const std::string& script, const std::vector<std::string>& args,
                           const std::filesystem::path& log_dir);

}  // namespace gs::test
