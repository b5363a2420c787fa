// The logs page (/logs): a search form over the log archive and the matching records, newest
// first. Pure function of its arguments; safe from any thread. Every value is escaped.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace gs::dashboards {

// One archived record as the page shows it.
struct LogLine {
  std::chrono::system_clock::time_point received;
  std::string host;      // hostname as sent, else the sender's address
  std::string node;      // the inventory node of the sender; "" if none
  std::string app;       // app_name / TAG
  std::string severity;  // "err", "warning", ...; "" when unparsed
  std::string msg;
};

struct LogsView {
  // The form's fields as the request gave them (host, app, node, severity, since, until, q,
  // limit), echoed back into the form.
  std::map<std::string, std::string> params;
  std::vector<LogLine> lines;  // oldest first, as the search returns them
  bool more = false;           // older matches were left out (limit)
  bool incomplete = false;     // the search stopped at its time or size bound
  std::string error;           // a refused query (bad pattern, bad time): shown above the form
};

std::string RenderLogsPage(const LogsView& view, std::chrono::system_clock::time_point now);

}  // namespace gs::dashboards
