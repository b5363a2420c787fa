// Command-line clients of a running collector (`groundstation status`). They talk to the
// daemon's HTTP API only, like any other client. Called from main, single-threaded.
#pragma once

#include <string>
#include <vector>

namespace gs::collector {

struct ApiAnswer {
  long status = 0;    // HTTP status; 0 when no answer arrived
  std::string body;   // at most 64 MiB
  std::string error;  // curl's reason when no answer arrived
  [[nodiscard]] bool ok() const { return status >= 200 && status <= 299; }
};

// One request to the collector's API, with `token` as bearer token when not empty and
// `body` (JSON) when not empty. Blocks up to 10 s.
ApiAnswer CallApi(const std::string& method, const std::string& url, const std::string& body,
                  const std::string& token);

// `groundstation status [--url http://127.0.0.1:8080] [--problems]`: prints one line per
// check (node, check, state, type, attempt, output). Exit code: the worst state as a Nagios
// plugin would (0 OK .. 2 CRITICAL, 3 UNKNOWN or unreachable).
int StatusCommand(const std::vector<std::string>& args);

}  // namespace gs::collector
