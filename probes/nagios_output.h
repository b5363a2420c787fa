// Nagios plugin output: formatting a CheckResult as a plugin line ("HTTP OK - text | perf"),
// as the JSON of `groundstation check --json`, and parsing the output of a foreign plugin.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "probes/check_result.h"

namespace gs::probes {

// "KIND STATE - text | perfdata" followed by long_text lines, e.g.
// "HTTP OK - 200 OK in 0.004 s | time_total=0.004012s;0.5;2;0". No " | " without perfdata;
// no leading "KIND " when `kind` is empty. No trailing newline.
std::string FormatPluginLine(std::string_view kind, const CheckResult& result);

// A foreign plugin's output as it printed it: "text | perfdata" followed by the long_text
// lines, with no state prefix (the text already carries the plugin's own, e.g. "DISK OK - ...").
// What `check exec` and `check nrpe` print, like check_nrpe does. No trailing newline.
std::string FormatPassthrough(const CheckResult& result);

// {"state": "OK", "exit": 0, "text": ..., "long_text": ..., "perfdata": [{"label", "value",
// "uom", "warn", "crit", "min", "max"}]} on one line; empty warn/crit and absent min/max are
// null. Invalid UTF-8 in the text is replaced by U+FFFD (never throws).
std::string ToJson(const CheckResult& result);

// Nagios 4 caps plugin output at this many bytes; the rest is dropped and counted.
inline constexpr std::size_t kMaxPluginOutput = 64 * 1024;

// Parses what a Nagios plugin printed, per the plugin guidelines:
//   TEXT | PERFDATA
//   LONG TEXT lines ... [ | PERFDATA
//   PERFDATA lines ...]
// The text is kept verbatim (no "X OK - " stripping). The state comes from `exit_code`
// (outside 0..3: UNKNOWN, noted in long_text). Input past kMaxPluginOutput is dropped and the
// number of dropped bytes noted in long_text. Perfdata items that fail to parse are skipped;
// their messages go to `perfdata_errors` when it is not null.
CheckResult ParsePluginOutput(std::string_view stdout_text, int exit_code,
                              std::vector<std::string>* perfdata_errors = nullptr);

}  // namespace gs::probes
