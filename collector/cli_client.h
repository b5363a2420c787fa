// Command-line clients of a running collector (`groundstation status`). They talk to the
// daemon's HTTP API only, like any other client. Called from main, single-threaded.
#pragma once

#include <string>
#include <vector>

namespace gs::collector {

// `groundstation status [--url http://127.0.0.1:8080] [--problems]`: prints one line per
// check (node, check, state, type, attempt, output). Exit code: the worst state as a Nagios
// plugin would (0 OK .. 2 CRITICAL, 3 UNKNOWN or unreachable).
int StatusCommand(const std::vector<std::string>& args);

}  // namespace gs::collector
