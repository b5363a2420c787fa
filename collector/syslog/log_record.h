// LogRecord: one syslog message as received, parsed into RFC 5424 fields. A plain value that
// flows from the listeners to the archive and the log rules; no behaviour of its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace gs::collector::syslog {

enum class Format : std::uint8_t {
  kRfc5424,
  kRfc3164,
  kUnparsed,  // no valid PRI (or a broken RFC 5424 header): kept whole in `msg`
};

struct LogRecord {
  std::chrono::system_clock::time_point received;  // our clock, when the bytes arrived
  std::string source;                              // sender's IP address, without port
  int facility = -1;                               // 0..23; -1: absent (unparsed)
  int severity = -1;                               // 0..7;  -1: absent (unparsed)
  // The RFC 5424 header fields; an empty string means absent (NILVALUE "-" or not sent).
  std::string hostname;
  std::string app_name;  // RFC 3164: the TAG
  std::string procid;    // RFC 3164: the [PID] after the TAG
  std::string msgid;
  std::string timestamp;        // RFC 3339 as sent (5424) or as inferred (3164)
  std::string structured_data;  // the SD-ELEMENTs exactly as sent, e.g. [id k="v"]
  std::string msg;              // without a leading BOM and without trailing CR/LF/NUL
  Format format = Format::kUnparsed;
  bool truncated = false;  // cut at the listener's maximum message size
  std::string node;        // inventory node whose address matches `source`; empty if none

  friend bool operator==(const LogRecord&, const LogRecord&) = default;
};

// "kern", "user", ... "local7"; "" for values outside 0..23.
std::string_view FacilityName(int facility);
// "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"; "" outside 0..7.
std::string_view SeverityName(int severity);
// Inverse of the two above (also accepts the aliases "error", "warn", "panic", "security",
// "authpriv"... as rsyslog does, and decimal numbers); -1 when unknown.
int ParseFacility(std::string_view name);
int ParseSeverity(std::string_view name);

}  // namespace gs::collector::syslog
