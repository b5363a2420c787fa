// Internals of ParseSyslog shared by syslog_parse.cc, rfc5424.cc, rfc3164.cc and
// syslog_time.cc. Not part of the public API: only those files include it. Every function is
// thread-safe; the UTC-offset cache is per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "collector/syslog/log_record.h"
#include "collector/syslog/syslog_parse.h"

namespace gs::collector::syslog::detail {

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }

constexpr std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

// RFC 5424 PRINTUSASCII: %d33-126.
constexpr bool IsPrintUsAscii(char c) { return c >= '!' && c <= '~'; }

// The value of exactly `count` decimal digits at text[pos]; -1 if any is missing.
constexpr int ReadDigits(std::string_view text, std::size_t pos, std::size_t count) {
  if (pos > text.size() || text.size() - pos < count) return -1;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!IsDigit(text[i])) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// A wall-clock date and time; fields already range-checked by whoever filled it.
struct CivilTime {
  int year = 0;  // 0..9999
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  std::string_view fraction;  // the digits after '.', as sent; may be empty
};

// Days from 1970-01-01 to the given proleptic Gregorian date (negative before).
std::int64_t DaysFromCivil(int year, int month, int day);
// Year of the proleptic Gregorian date `days` after 1970-01-01.
int YearFromDays(std::int64_t days);
int DaysInMonth(int year, int month);

// Parses an RFC 3339 date-time at the start of `text`: full-date "T" hh:mm:ss, an optional
// fraction of 1..max_fraction digits, then "Z" or ±hh:mm (required when require_offset).
// Uppercase "T" and "Z" only (RFC 5424 6.2.3). Validates every range (no leap second).
// Returns the number of characters consumed, 0 when there is no valid date-time.
std::size_t ParseRfc3339(std::string_view text, std::size_t max_fraction, bool require_offset,
                         CivilTime& time, bool& has_offset);

// Seconds east of UTC of the process's local time zone at the given instant (tm_gmtoff).
// Cached per thread in 15-minute buckets, so a call costs a few nanoseconds except once per
// bucket; the cache is dropped when tzset() switched the zone (tzname/timezone changed).
int UtcOffsetAt(std::int64_t utc_seconds);
// The UTC offset that applies to local wall-clock seconds `local_seconds` (seconds since
// 1970-01-01 as if local time were UTC); `hint` is a nearby offset, e.g. the receive time's.
int UtcOffsetForLocal(std::int64_t local_seconds, int hint);

// Writes "YYYY-MM-DDThh:mm:ss[.fraction]±hh:mm" into `buffer` (kMaxRfc3339 bytes at least)
// and returns its length.
inline constexpr std::size_t kMaxRfc3339 = 48;
std::size_t FormatRfc3339(const CivilTime& time, int offset_seconds, char* buffer);

// Length of the valid RFC 5424 STRUCTURED-DATA (one or more SD-ELEMENTs) at the start of
// `text`, 0 if it does not start with one. With `out`, also splits it (escapes removed).
std::size_t ScanStructuredData(std::string_view text, std::vector<SdElement>* out);

// Parses everything after "<PRI>" when it starts with "1 ". Fills the header fields, SD and
// msg of `out` and returns true; returns false (out's fields then unspecified) when the header
// is malformed.
bool ParseRfc5424(std::string_view text, LogRecord& out);

// Parses everything after "<PRI>" as RFC 3164 as real senders write it. Never fails; fills
// hostname, app_name, procid, timestamp, structured_data (Cisco sequence numbers) and msg.
void ParseRfc3164(std::string_view text, const ParseContext& context, LogRecord& out);

}  // namespace gs::collector::syslog::detail
