// The log archive's line format: one LogRecord per line, twelve TAB-separated fields
//
//   received source facility.severity hostname app_name procid msgid timestamp format node
//   structured_data msg
//
// `received` is RFC 3339 UTC with microseconds ("2026-11-22T03:38:33.756198Z"); `format` is
// 5424, 3164 or unparsed, with ",truncated" appended when the message was cut. An absent
// field is "-". Inside every field a backslash, TAB, LF and CR are written as \\ \t \n \r,
// other control bytes as \xHH, and a field that is literally "-" as \-; all other bytes
// (UTF-8 included) are written as they are. So a line is greppable, and ParseArchiveLine
// gives back exactly the record that was written. Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "collector/syslog/log_record.h"

namespace gs::collector::syslog {

// Appends the line for `record` (with its trailing LF) to `out`.
void AppendArchiveLine(const LogRecord& record, std::string& out);

// Parses one line (without its LF); false when it is not a well-formed archive line.
bool ParseArchiveLine(std::string_view line, LogRecord& out);

// "2026-11-22T03:38:33.756198Z"; precision microseconds.
std::string FormatReceived(std::chrono::system_clock::time_point t);
// Parses the form above (also without fraction); false on anything else.
bool ParseReceived(std::string_view text, std::chrono::system_clock::time_point& out);

// The archive directory of a record: its hostname, else its inventory node, else the sender
// address; lower-cased and made a safe path component (SanitizeName).
std::string ArchiveHost(const LogRecord& record);

// "2026-11-22": the UTC day a record received at `t` is filed under.
std::string ArchiveDay(std::chrono::system_clock::time_point t);

// The same day as a number (days since 1970-01-01, UTC).
std::int64_t ArchiveDayIndex(std::chrono::system_clock::time_point t);

// The day of an archive file's name, "2026-11-22.log" or "2026-11-22.log.gz"; -1 for any
// other name.
std::int64_t ArchiveDayOfFile(const std::string& name);

// ArchiveHost for a stream of records, computed again only when the sender's name changes
// (consecutive records mostly come from the same sender). One per thread.
class ArchiveHostCache {
 public:
  const std::string& Get(const LogRecord& record);

 private:
  std::string name_;  // the last record's hostname, node or source
  std::string host_;  // its ArchiveHost
};

}  // namespace gs::collector::syslog
