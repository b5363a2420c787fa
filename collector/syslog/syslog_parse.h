// ParseSyslog: turns one syslog message (already de-framed) into a LogRecord. RFC 5424 in
// full (header, structured data with escapes, BOM) and RFC 3164 as real daemons and devices
// send it. Never fails: what cannot be parsed is kept whole with Format::kUnparsed. Pure
// function; thread-safe; no allocation beyond the record's own strings.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "collector/syslog/log_record.h"

namespace gs::collector::syslog {

struct ParseContext {
  std::chrono::system_clock::time_point received;
  std::string_view source;  // sender's IP address; the host of an unparsed message
};

// Parses `message` (trailing CR, LF and NUL are ignored) into `out`, overwriting every field
// except `node`. `out` is reused so a caller in a loop keeps the strings' capacity.
void ParseSyslog(std::string_view message, const ParseContext& context, LogRecord& out);

inline LogRecord ParseSyslog(std::string_view message, const ParseContext& context) {
  LogRecord record;
  ParseSyslog(message, context, record);
  return record;
}

// One SD-ELEMENT of RFC 5424 structured data, with PARAM-VALUE escapes (\" \\ \]) removed.
struct SdParam {
  std::string name;
  std::string value;
  friend bool operator==(const SdParam&, const SdParam&) = default;
};
struct SdElement {
  std::string id;
  std::vector<SdParam> params;
  friend bool operator==(const SdElement&, const SdElement&) = default;
};

// Splits structured data as stored in LogRecord::structured_data; nullopt-like empty vector
// plus false when it is not valid RFC 5424 SD.
bool ParseStructuredData(std::string_view sd, std::vector<SdElement>& out);

}  // namespace gs::collector::syslog
