// `groundstation alerts ...`: a client of the running collector's alert API (problems,
// acknowledgements, downtimes, history). Called from main, single-threaded.
#pragma once

#include <string>
#include <vector>

namespace gs::collector {

// Exit code 0 on success, 1 when the collector refused the request (its reason on stderr),
// 2 on bad arguments, 3 when the collector could not be reached.
int AlertsCommand(const std::vector<std::string>& args);

}  // namespace gs::collector
