// RFC 3164 as real senders write it. RFC 3164 describes what was seen in the wild rather than
// a grammar, so this is a sequence of heuristics, each taking a prefix only when it is sure;
// whatever is not taken stays in `msg`, so no byte after the PRI is ever lost (what is taken
// goes to a field; only separators and Cisco's clock-state mark are not stored):
//
//   [SEQ ": "] [TIMESTAMP (SP | end)] [HOSTNAME SP] [TAG ["[" PID "]"] ":" [SP]] MSG
//
// SEQ       Cisco's "service sequence-numbers" counter (1..10 digits, then ": "). Stored, as
//           syslog-ng does, as RFC 5424 structured data [meta sequenceId="N"] (RFC 5424 7.3.1).
// TIMESTAMP "Mmm dd hh:mm:ss" with the day as "dd", " d" or "d"; optionally a year before the
//           time ("Nov 22 2026 03:38:33", Cisco), a fraction ".123" (1..9 digits), a leading
//           Cisco clock-state mark '*' or '.', and a trailing ':' or " ZONE:" (Cisco
//           "show-timezone"; UTC/GMT/UT/Z mean +00:00, other names are ambiguous (CST, IST)
//           so the receiver's zone is used). Or RFC 3339 (rsyslog forwarding, loggen), with or
//           without an offset. Times without an offset are the receiver's local time (as in
//           rsyslog) and a missing year is the one that puts the time closest to `received`.
//           The stored text is RFC 3339 with the offset: kept as sent when it had one.
// HOSTNAME  Only after a timestamp, and only when something follows it: a name of letters,
//           digits, '.', '-', '_' starting with a letter or digit, or an IPv6 literal. A
//           token ending in ':' or holding '[' is a TAG (the sender left out its host, as
//           logger and many devices do); "-- MARK --" has no host.
// TAG       1..48 PRINTUSASCII except '[' and ':', optionally "[PID]" (1..128), then ':' and
//           SP or the end; MSG is the rest with that one SP removed (a second SP is kept, like
//           rsyslog). Without a [PID] the ':' must be followed by SP, so that "http://x" or
//           "a:b" stay text; "app[12]:msg" is a TAG all the same.
//           TAG without ':': taken only with a [PID] ("app[12] msg"). A bare word followed by
//           SP ("app msg", "just text") is NOT a tag, unlike rsyslog: free text without a tag
//           is common (kernels, appliances, `<13>just text`), the first word of a sentence as
//           app_name would mislead the per-application log rules, and leaving it in `msg`
//           loses nothing.
#include <time.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collector/syslog/parse_detail.h"

namespace gs::collector::syslog::detail {
namespace {

constexpr std::size_t kMaxSequence = 10;
constexpr std::size_t kMaxHostname = 255;
constexpr std::size_t kMaxTag = 48;
constexpr std::size_t kMaxPid = 128;
constexpr std::size_t kMaxFraction = 9;
constexpr std::int64_t kSecondsPerDay = 86400;

// Zone abbreviations devices print after the time. Only these are taken as part of the
// timestamp, so that an upper-case TAG ("CRON: ...") is not mistaken for a zone.
constexpr std::string_view kZoneNames[] = {
    "UTC", "GMT", "UT",  "Z",   "CET",  "CEST", "EET",  "EEST", "WET",  "WEST", "BST",  "IST",
    "MSK", "EST", "EDT", "CST", "CDT",  "MST",  "MDT",  "PST",  "PDT",  "AKST", "AKDT", "HST",
    "JST", "KST", "HKT", "SGT", "AEST", "AEDT", "ACST", "ACDT", "AWST", "NZST", "NZDT"};
constexpr std::size_t kUtcZoneNames = 4;  // the first four mean +00:00

struct Timestamp {
  CivilTime time;
  std::size_t length = 0;   // characters taken from the message
  bool has_year = false;    // sent with a year: nothing to infer
  bool has_offset = false;  // RFC 3339 with "Z" or ±hh:mm: stored as sent
  bool utc = false;         // followed by a UTC zone name
};

bool IsAlnum(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool IsLeapYear(int year) { return DaysInMonth(year, 2) == 29; }

// "Jan".."Dec" in any case; 1..12, 0 when not a month.
int ParseMonth(std::string_view text) {
  static constexpr std::string_view kMonths = "janfebmaraprmayjunjulaugsepoctnovdec";
  if (text.size() < 3) return 0;
  // OR-ing 0x20 lowers letters and maps nothing else onto a letter.
  const char a = static_cast<char>(text[0] | 0x20);
  const char b = static_cast<char>(text[1] | 0x20);
  const char c = static_cast<char>(text[2] | 0x20);
  for (std::size_t i = 0; i < kMonths.size(); i += 3) {
    if (kMonths[i] == a && kMonths[i + 1] == b && kMonths[i + 2] == c) {
      return static_cast<int>(i / 3) + 1;
    }
  }
  return 0;
}

bool EndsField(std::string_view text, std::size_t pos) {
  return pos == text.size() || text[pos] == ' ';
}

// "hh:mm:ss[.fraction]" at text[pos]; returns the position after it, 0 if invalid.
std::size_t ParseClock(std::string_view text, std::size_t pos, CivilTime& time) {
  time.hour = ReadDigits(text, pos, 2);
  time.minute = ReadDigits(text, pos + 3, 2);
  time.second = ReadDigits(text, pos + 6, 2);
  if (time.hour < 0 || time.minute < 0 || time.second < 0 || text[pos + 2] != ':' ||
      text[pos + 5] != ':' || time.hour > 23 || time.minute > 59 || time.second > 59) {
    return 0;
  }
  pos += 8;
  time.fraction = {};
  if (pos < text.size() && text[pos] == '.') {
    std::size_t end = pos + 1;
    while (end < text.size() && IsDigit(text[end])) ++end;
    if (end == pos + 1 || end - pos - 1 > kMaxFraction) return 0;
    time.fraction = text.substr(pos + 1, end - pos - 1);
    pos = end;
  }
  return pos;
}

// A ':' or " ZONE:" right after the time (Cisco), when followed by SP or the end.
std::size_t ParseZoneSuffix(std::string_view text, std::size_t pos, bool& utc) {
  if (pos < text.size() && text[pos] == ':' && EndsField(text, pos + 1)) return pos + 1;
  if (pos >= text.size() || text[pos] != ' ') return pos;
  const std::size_t length = text.substr(pos + 1, 5).find(':');  // names have 1..4 letters
  if (length == std::string_view::npos || length == 0 || !EndsField(text, pos + 1 + length + 1)) {
    return pos;
  }
  const std::string_view name = text.substr(pos + 1, length);
  const std::size_t colon = pos + 1 + length;
  for (std::size_t i = 0; i < std::size(kZoneNames); ++i) {
    if (kZoneNames[i] == name) {
      utc = i < kUtcZoneNames;
      return colon + 1;
    }
  }
  return pos;
}

// "[*.]Mmm dd [yyyy ]hh:mm:ss[.fff][:| ZONE:]".
bool ParseBsdTimestamp(std::string_view text, Timestamp& ts) {
  std::size_t pos = (!text.empty() && (text[0] == '*' || text[0] == '.')) ? 1 : 0;
  ts.time.month = ParseMonth(text.substr(pos));
  pos += 3;
  if (ts.time.month == 0 || pos >= text.size() || text[pos] != ' ') return false;
  ++pos;
  if (pos < text.size() && text[pos] == ' ') {  // space-padded day
    ts.time.day = ReadDigits(text, pos + 1, 1);
    pos += 2;
  } else if (ReadDigits(text, pos, 2) >= 0) {
    ts.time.day = ReadDigits(text, pos, 2);
    pos += 2;
  } else {
    ts.time.day = ReadDigits(text, pos, 1);
    pos += 1;
  }
  if (ts.time.day < 1 || pos >= text.size() || text[pos] != ' ') return false;
  ++pos;
  const int year = ReadDigits(text, pos, 4);
  if (year >= 0 && pos + 4 < text.size() && text[pos + 4] == ' ') {
    ts.has_year = true;
    ts.time.year = year;
    pos += 5;
  }
  if (text.size() < pos + 8) return false;
  pos = ParseClock(text, pos, ts.time);
  if (pos == 0) return false;
  pos = ParseZoneSuffix(text, pos, ts.utc);
  // Without a year, 29 February is checked against the inferred year later.
  if (ts.time.day > DaysInMonth(ts.has_year ? ts.time.year : 2000, ts.time.month)) return false;
  ts.length = pos;
  return EndsField(text, pos);
}

bool ParseTimestamp(std::string_view text, Timestamp& ts) {
  if (!text.empty() && IsDigit(text[0])) {
    ts.length = ParseRfc3339(text, kMaxFraction, false, ts.time, ts.has_offset);
    ts.has_year = true;
    return ts.length > 0 && EndsField(text, ts.length);
  }
  return ParseBsdTimestamp(text, ts);
}

// Sets time.year to the year (received's, the one before or after) that puts the time
// closest to `received_local`; false when none of them has the date (29 February).
bool InferYear(std::int64_t received_local, std::int64_t time_of_day, CivilTime& time) {
  const int year = YearFromDays(FloorDiv(received_local, kSecondsPerDay));
  // Fast path: within 182 days of `received` in its own year, any other year is further off.
  if (year >= 0 && year <= 9999 && (time.month != 2 || time.day != 29 || IsLeapYear(year))) {
    const std::int64_t local =
        DaysFromCivil(year, time.month, time.day) * kSecondsPerDay + time_of_day;
    if (local - received_local < 182 * kSecondsPerDay &&
        received_local - local < 182 * kSecondsPerDay) {
      time.year = year;
      return true;
    }
  }
  bool found = false;
  std::int64_t best_distance = 0;
  for (int candidate = year - 1; candidate <= year + 1; ++candidate) {
    if (candidate < 0 || candidate > 9999) continue;
    if (time.month == 2 && time.day == 29 && !IsLeapYear(candidate)) continue;
    const std::int64_t local =
        DaysFromCivil(candidate, time.month, time.day) * kSecondsPerDay + time_of_day;
    const std::int64_t distance =
        local > received_local ? local - received_local : received_local - local;
    if (!found || distance < best_distance) {
      found = true;
      best_distance = distance;
      time.year = candidate;
    }
  }
  return found;
}

// The last timestamp StoreTimestamp inferred, per thread: consecutive messages mostly carry
// the same second, and the inference (year, local UTC offset, formatting) depends only on the
// fields sent, the second the message was received and the local time zone (a tzset() to
// another zone changes tzname or timezone).
struct InferredTimestamp {
  bool valid = false;
  const char* zone_names[2] = {nullptr, nullptr};
  long zone = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::array<char, kMaxFraction> fraction{};
  std::size_t fraction_size = 0;
  bool has_year = false;
  bool utc = false;
  std::int64_t received_utc = 0;
  std::array<char, kMaxRfc3339> text{};
  std::size_t text_size = 0;

  [[nodiscard]] bool Matches(const Timestamp& ts, std::int64_t received) const {
    const CivilTime& t = ts.time;
    return valid && received == received_utc && zone_names[0] == tzname[0] &&
           zone_names[1] == tzname[1] && zone == timezone && t.second == second &&
           t.minute == minute && t.hour == hour && t.day == day && t.month == month &&
           ts.has_year == has_year && (!has_year || t.year == year) && ts.utc == utc &&
           t.fraction.size() == fraction_size &&
           std::equal(t.fraction.begin(), t.fraction.end(), fraction.begin());
  }

  void Store(const Timestamp& ts, std::int64_t received, std::string_view formatted) {
    const CivilTime& t = ts.time;
    if (t.fraction.size() > fraction.size() || formatted.size() > text.size()) return;
    valid = true;
    zone_names[0] = tzname[0];
    zone_names[1] = tzname[1];
    zone = timezone;
    year = t.year;
    month = t.month;
    day = t.day;
    hour = t.hour;
    minute = t.minute;
    second = t.second;
    std::copy(t.fraction.begin(), t.fraction.end(), fraction.begin());
    fraction_size = t.fraction.size();
    has_year = ts.has_year;
    utc = ts.utc;
    received_utc = received;
    std::copy(formatted.begin(), formatted.end(), text.begin());
    text_size = formatted.size();
  }
};

// Stores the timestamp as RFC 3339; false when it names no real date (then it is not one).
bool StoreTimestamp(std::string_view sent, Timestamp& ts, const ParseContext& context,
                    LogRecord& out) {
  if (ts.has_offset) {
    out.timestamp.assign(sent);
    return true;
  }
  CivilTime& time = ts.time;
  const std::int64_t received_utc =
      std::chrono::floor<std::chrono::seconds>(context.received.time_since_epoch()).count();
  thread_local InferredTimestamp last;
  if (last.Matches(ts, received_utc)) {
    out.timestamp.assign(last.text.data(), last.text_size);
    return true;
  }
  const int received_offset = UtcOffsetAt(received_utc);
  const std::int64_t time_of_day = time.hour * 3600 + time.minute * 60 + time.second;
  if (!ts.has_year && !InferYear(received_utc + received_offset, time_of_day, time)) {
    return false;
  }
  const std::int64_t local =
      DaysFromCivil(time.year, time.month, time.day) * kSecondsPerDay + time_of_day;
  const int offset = ts.utc ? 0 : UtcOffsetForLocal(local, received_offset);
  char buffer[kMaxRfc3339];
  const std::string_view formatted(buffer, FormatRfc3339(time, offset, buffer));
  out.timestamp.assign(formatted);
  last.Store(ts, received_utc, formatted);
  return true;
}

std::size_t ParseSequenceNumber(std::string_view text, LogRecord& out) {
  std::size_t end = 0;
  while (end < text.size() && end <= kMaxSequence && IsDigit(text[end])) ++end;
  if (end == 0 || end > kMaxSequence || end + 1 >= text.size() || text[end] != ':' ||
      text[end + 1] != ' ') {
    return 0;
  }
  out.structured_data.assign("[meta sequenceId=\"");
  out.structured_data.append(text.substr(0, end));
  out.structured_data.append("\"]");
  return end + 2;
}

bool IsIpv6Literal(std::string_view token) {
  std::size_t colons = 0;
  std::size_t i = 0;
  for (; i < token.size() && token[i] != '%'; ++i) {
    const char c = token[i];
    if (c == ':') {
      ++colons;
    } else if (!IsHexDigit(c) && c != '.') {
      return false;
    }
  }
  if (i < token.size()) {  // %zone
    if (i + 1 == token.size()) return false;
    for (++i; i < token.size(); ++i) {
      if (!IsAlnum(token[i]) && token[i] != '.' && token[i] != '-' && token[i] != '_') {
        return false;
      }
    }
  }
  return colons >= 2;
}

// HOSTNAME SP at text[pos], taken only when more text follows. Returns the position after.
std::size_t ParseHostname(std::string_view text, std::size_t pos, LogRecord& out) {
  std::size_t end = pos;
  bool plain = true;  // letters, digits, '.', '-', '_' only
  while (end < text.size() && text[end] != ' ' && end - pos <= kMaxHostname) {
    const char c = text[end];
    if (!IsAlnum(c) && c != '.' && c != '-' && c != '_') plain = false;
    ++end;
  }
  const std::size_t length = end - pos;
  if (length == 0 || length > kMaxHostname || end + 1 >= text.size() || text[end] != ' ') {
    return pos;
  }
  const std::string_view token = text.substr(pos, length);
  if (plain ? !IsAlnum(token[0]) : !IsIpv6Literal(token)) return pos;
  out.hostname.assign(token);
  return end + 1;
}

// TAG["[" PID "]"]":" SP at text[pos] (see the file comment). Returns the position of MSG.
std::size_t ParseTag(std::string_view text, std::size_t pos, LogRecord& out) {
  std::size_t end = pos;
  while (end < text.size() && end - pos <= kMaxTag && IsPrintUsAscii(text[end]) &&
         text[end] != '[' && text[end] != ':') {
    ++end;
  }
  const std::size_t tag_length = end - pos;
  if (tag_length == 0 || tag_length > kMaxTag || end >= text.size()) return pos;
  std::string_view pid;
  if (text[end] == '[') {
    const std::size_t begin = end + 1;
    std::size_t close = begin;
    while (close < text.size() && close - begin <= kMaxPid && IsPrintUsAscii(text[close]) &&
           text[close] != ']') {
      ++close;
    }
    if (close >= text.size() || text[close] != ']' || close == begin || close - begin > kMaxPid) {
      return pos;
    }
    pid = text.substr(begin, close - begin);
    end = close + 1;
  }
  const bool colon = end < text.size() && text[end] == ':';
  if (colon) ++end;
  if (!colon && pid.empty()) return pos;
  if (!EndsField(text, end) && !(colon && !pid.empty())) return pos;
  out.app_name.assign(text.substr(pos, tag_length));
  out.procid.assign(pid);
  return end < text.size() && text[end] == ' ' ? end + 1 : end;
}

}  // namespace

void ParseRfc3164(std::string_view text, const ParseContext& context, LogRecord& out) {
  std::size_t pos = ParseSequenceNumber(text, out);
  Timestamp ts;
  const std::string_view after_sequence = text.substr(pos);
  if (ParseTimestamp(after_sequence, ts) &&
      StoreTimestamp(after_sequence.substr(0, ts.length), ts, context, out)) {
    pos += ts.length;
    if (pos < text.size()) ++pos;  // the SP after the timestamp
    pos = ParseHostname(text, pos, out);
  }
  pos = ParseTag(text, pos, out);
  out.msg.assign(text.substr(pos));
}

}  // namespace gs::collector::syslog::detail
