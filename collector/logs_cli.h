// `groundstation logs`: searches the log archive on this box directly (no daemon needed),
// with the same engine and parameters as GET /api/v1/logs. Called from main.
#pragma once

#include <string>
#include <vector>

namespace gs::collector {

// groundstation logs [-c FILE | --data-dir DIR] [--host H] [--app A] [--node N]
//   [--severity S] [--since T] [--until T] [-q PCRE2] [-n LIMIT] [--json]
// Prints one line per record, oldest first: "received host app[procid]: msg". Exit 0 (also
// when nothing matched), 2 on a bad option or pattern.
int LogsCommand(const std::vector<std::string>& args);

}  // namespace gs::collector
