// Downtime: a scheduled maintenance window (fixed, or recurring like "mon-fri 12:00 30m") for
// the nodes and checks its selector covers, and the pure functions that evaluate one.
//
// Plain values and pure functions; thread-safe, with one caveat: schedules in the box's local
// time zone are evaluated with localtime_r/mktime, which read the process time zone (TZ), so
// TZ must not be changed while another thread evaluates a downtime (and whoever changes it
// calls tzset() afterwards: localtime_r need not re-read it).
//
// Local calendar time and DST (Recurrence::utc == false):
//  - an occurrence starts at start_minute on each matching local calendar day;
//  - when that local time does not exist (the clocks jump forward over it, e.g. 02:30 on the
//    last Sunday of March in Europe/Berlin), the occurrence starts at the first valid local
//    time after it: the instant of the jump (03:00 CEST in that example);
//  - when it exists twice (the clocks go back, 02:30 on the last Sunday of October), the
//    occurrence starts at the first of the two;
//  - the duration is elapsed time: "02:00 2h" on the day the clocks go back ends at 03:00
//    local, and "daily 00:00 24h" leaves the last hour of that 25-hour day uncovered.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probes/result.h"
#include "probes/target.h"

namespace gs::alerts {

// A weekly schedule of occurrences. Valid when every weekday is in 0..6, 0 <= start_minute
// < 1440 and 0 < duration <= 7 days (ParseRecurrence produces only valid ones); an invalid
// recurrence is never active.
struct Recurrence {
  // The days an occurrence starts on, 0=Sunday..6=Saturday; empty = every day.
  std::vector<int> weekdays;
  int start_minute = 0;  // minutes after local midnight (0..1439)
  std::chrono::minutes duration{60};
  bool utc = false;  // false: the box's local time zone (localtime_r)
  friend bool operator==(const Recurrence&, const Recurrence&) = default;
};

struct Downtime {
  std::string id;  // stable, e.g. random hex
  // The nodes/checks it covers: their tags plus the pseudo-tags "node" and "check" (the same
  // convention as alerts/router.h).
  probes::Selector match;
  // The window [start, end). end may be time_point::max() for "forever".
  std::chrono::system_clock::time_point start, end;
  // When set, the downtime is active only during its occurrences, and only the parts of them
  // that lie inside [start, end): an occurrence that began before `start` counts from `start`,
  // one that runs past `end` stops at `end`.
  std::optional<Recurrence> every;
  std::string author, comment;
  std::chrono::system_clock::time_point created;
  friend bool operator==(const Downtime&, const Downtime&) = default;
};

// True when `now` lies in [start, end) and, for a recurring downtime, in an occurrence.
bool ActiveAt(const Downtime& d, std::chrono::system_clock::time_point now);

// True when the downtime's selector matches `tags_with_node_and_check` (the node's tags plus
// the pseudo-tags "node" and "check", added by the caller).
bool Covers(const Downtime& d, const probes::Tags& tags_with_node_and_check);

// When the downtime active at `now` ends (for "downtime ends at" in the UI and API), or nullopt
// when it is not active at `now`. A fixed window ends at `end`. A recurring one ends at the end
// of the active occurrence, or of the run of occurrences that overlap or touch it ("sat,sun
// 00:00 24h" active on Saturday ends on Monday 00:00), and never later than `end`. A run that
// goes on for more than a year (such as "daily 00:00 24h utc") never lets go: it ends at `end`.
std::optional<std::chrono::system_clock::time_point> ActiveUntil(
    const Downtime& d, std::chrono::system_clock::time_point now);

// Parses "<days> <HH:MM> <duration>[ utc]":
//   days      "daily", or a comma-separated list of days and ranges: "sun,sat", "mon-fri",
//             "fri-mon" (wraps: fri, sat, sun, mon); names are sun mon tue wed thu fri sat,
//             case-insensitive;
//   HH:MM     local (or UTC) start time, 00:00..23:59;
//   duration  units d, h, m, each at most once, largest first: "2h", "90m", "1h30m", "1d";
//             more than 0, at most 7 days;
//   utc       optional: the days and time are UTC instead of the box's local time.
// E.g. "sun,sat 02:00 2h", "daily 23:30 90m", "mon-fri 12:00 30m utc". Weekdays come out
// sorted and without duplicates; a list naming all seven days is "daily" (empty weekdays).
// Words are separated by blanks; blanks around the commas of the day list are allowed.
// Fails with a message that quotes the schedule and the bad part.
[[nodiscard]] Result<Recurrence> ParseRecurrence(std::string_view text);

// The canonical text of `r`, e.g. "mon-fri 12:00 1h30m utc". ParseRecurrence(FormatRecurrence(r))
// == r for every recurrence that came from ParseRecurrence. REQUIRES: r is valid.
std::string FormatRecurrence(const Recurrence& r);

}  // namespace gs::alerts
