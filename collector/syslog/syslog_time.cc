// Time helpers of the syslog parser: RFC 3339 validation, civil-date arithmetic, formatting,
// and the receiver's UTC offset behind a per-thread cache.
#include <time.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collector/syslog/parse_detail.h"

namespace gs::collector::syslog::detail {
namespace {

constexpr bool IsLeap(std::int64_t year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

// Offsets by UTC instant, in 15-minute buckets: zone transitions happen on quarter hours
// (Adelaide's +09:30 switches at 16:30 UTC), so a bucket never spans one. Eight slots keep
// the current bucket plus neighbours used by skewed senders and the year inference.
struct OffsetCache {
  static constexpr std::size_t kSlots = 8;
  static constexpr std::int64_t kBucketSeconds = 900;
  struct Slot {
    std::int64_t bucket = INT64_MIN;
    int offset = 0;
  };
  // What tzset() last left in the C library's globals: a change means another zone.
  const char* std_name = nullptr;
  const char* dst_name = nullptr;
  long zone = 0;
  Slot slots[kSlots] = {};
};

// Constant-initialised and trivially destructible: no TLS guard on access.
thread_local OffsetCache tls_cache;

// True when the zone globals still match the cache; otherwise resets the cache to them.
// Reading tzname/timezone races only with a concurrent tzset(), which the daemon never does
// after start-up (tests call it between parses).
void SyncWithZone(OffsetCache& cache) {
  if (cache.std_name == tzname[0] && cache.dst_name == tzname[1] && cache.zone == timezone) {
    return;
  }
  cache = OffsetCache{};
  cache.std_name = tzname[0];
  cache.dst_name = tzname[1];
  cache.zone = timezone;
}

char* Put(char* out, int value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

}  // namespace

std::int64_t DaysFromCivil(int year, int month, int day) {
  // Howard Hinnant's days_from_civil, on signed 64-bit values.
  const std::int64_t y = static_cast<std::int64_t>(year) - (month <= 2 ? 1 : 0);
  const std::int64_t era = FloorDiv(y, 400);
  const std::int64_t yoe = y - era * 400;
  const std::int64_t mp = (month + 9) % 12;  // March = 0
  const std::int64_t doy = (153 * mp + 2) / 5 + day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

int YearFromDays(std::int64_t days) {
  const std::int64_t z = days + 719468;
  const std::int64_t era = FloorDiv(z, 146097);
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  return static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeap(year)) return 29;
  return kDays[month - 1];
}

std::size_t ParseRfc3339(std::string_view text, std::size_t max_fraction, bool require_offset,
                         CivilTime& time, bool& has_offset) {
  // 2026-11-22T03:38:33
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':') {
    return 0;
  }
  time.year = ReadDigits(text, 0, 4);
  time.month = ReadDigits(text, 5, 2);
  time.day = ReadDigits(text, 8, 2);
  time.hour = ReadDigits(text, 11, 2);
  time.minute = ReadDigits(text, 14, 2);
  time.second = ReadDigits(text, 17, 2);
  if (time.year < 0 || time.month < 1 || time.month > 12 || time.day < 1 ||
      time.day > DaysInMonth(time.year, time.month) || time.hour < 0 || time.hour > 23 ||
      time.minute < 0 || time.minute > 59 || time.second < 0 || time.second > 59) {
    return 0;
  }
  std::size_t pos = 19;
  time.fraction = {};
  if (pos < text.size() && text[pos] == '.') {
    std::size_t end = pos + 1;
    while (end < text.size() && IsDigit(text[end])) ++end;
    const std::size_t digits = end - pos - 1;
    if (digits == 0 || digits > max_fraction) return 0;
    time.fraction = text.substr(pos + 1, digits);
    pos = end;
  }
  has_offset = false;
  if (pos < text.size() && text[pos] == 'Z') {
    has_offset = true;
    return pos + 1;
  }
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int hours = ReadDigits(text, pos + 1, 2);
    const int minutes = ReadDigits(text, pos + 4, 2);
    if (pos + 3 >= text.size() || text[pos + 3] != ':' || hours < 0 || hours > 23 || minutes < 0 ||
        minutes > 59) {
      return 0;
    }
    has_offset = true;
    return pos + 6;
  }
  return require_offset ? 0 : pos;
}

int UtcOffsetAt(std::int64_t utc_seconds) {
  OffsetCache& cache = tls_cache;
  SyncWithZone(cache);
  const std::int64_t bucket = FloorDiv(utc_seconds, OffsetCache::kBucketSeconds);
  OffsetCache::Slot& slot = cache.slots[static_cast<std::size_t>(bucket) % OffsetCache::kSlots];
  if (slot.bucket == bucket) return slot.offset;
  const time_t instant = static_cast<time_t>(utc_seconds);
  struct tm local {};
  const int offset =
      localtime_r(&instant, &local) != nullptr ? static_cast<int>(local.tm_gmtoff) : 0;
  // The first localtime_r may itself initialise the zone globals: resync before storing.
  SyncWithZone(cache);
  OffsetCache::Slot& fresh = cache.slots[static_cast<std::size_t>(bucket) % OffsetCache::kSlots];
  fresh.bucket = bucket;
  fresh.offset = offset;
  return offset;
}

int UtcOffsetForLocal(std::int64_t local_seconds, int hint) {
  // Two fixed-point steps: exact except inside a DST gap or overlap, where either offset of
  // the transition is as good a guess as mktime's.
  const int first = UtcOffsetAt(local_seconds - hint);
  if (first == hint) return first;
  return UtcOffsetAt(local_seconds - first);
}

std::size_t FormatRfc3339(const CivilTime& time, int offset_seconds, char* buffer) {
  char* out = Put(buffer, time.year, 4);
  *out++ = '-';
  out = Put(out, time.month, 2);
  *out++ = '-';
  out = Put(out, time.day, 2);
  *out++ = 'T';
  out = Put(out, time.hour, 2);
  *out++ = ':';
  out = Put(out, time.minute, 2);
  *out++ = ':';
  out = Put(out, time.second, 2);
  if (!time.fraction.empty()) {
    *out++ = '.';
    for (const char c : time.fraction.substr(0, 9)) *out++ = c;
  }
  *out++ = offset_seconds < 0 ? '-' : '+';
  const int magnitude = (offset_seconds < 0 ? -offset_seconds : offset_seconds) / 60;
  out = Put(out, (magnitude / 60) % 100, 2);
  *out++ = ':';
  out = Put(out, magnitude % 60, 2);
  return static_cast<std::size_t>(out - buffer);
}

}  // namespace gs::collector::syslog::detail
