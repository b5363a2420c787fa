// The alerts page (/alerts): the open problems with their acknowledgement, downtime and hold
// state, and the downtimes, with buttons that acknowledge, remove an acknowledgement, put a
// check in downtime and end a downtime through the JSON API. The API token is typed into the
// page once and kept in the browser's localStorage; the page sends it as a bearer token (the
// only script on any page, inline: the ground box may be offline). Pure function of its
// arguments; safe from any thread. Every value is escaped.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace gs::dashboards {

struct ProblemView {
  std::string node;
  std::string check;
  std::string state;
  std::string output;
  std::chrono::system_clock::time_point since;
  bool acknowledged = false;
  std::string ack_author;
  std::string ack_comment;
  bool in_downtime = false;
  bool flapping = false;
  std::string held;  // why its pages are held ("node down", ...); "" when not held
};

struct DowntimeView {
  std::string id;
  std::string match;  // the selector as text
  std::chrono::system_clock::time_point start;
  std::chrono::system_clock::time_point end;  // time_point::max(): forever
  std::string author;
  std::string comment;
  bool recurring = false;
  bool active = false;  // active now
};

std::string RenderAlertsPage(const std::vector<ProblemView>& problems,
                             const std::vector<DowntimeView>& downtimes,
                             std::chrono::system_clock::time_point now);

}  // namespace gs::dashboards
