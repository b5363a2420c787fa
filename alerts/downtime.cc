#include "alerts/downtime.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <ctime>
#include <string>

namespace gs::alerts {

namespace {

using std::chrono::days;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;
using TimePoint = std::chrono::system_clock::time_point;

constexpr minutes kMaxDuration = days{7};
constexpr int kMinutesPerDay = 24 * 60;
constexpr std::array<std::string_view, 7> kDayNames = {"sun", "mon", "tue", "wed",
                                                       "thu", "fri", "sat"};
// Occurrences are evaluated only between these instants, so that no time arithmetic can
// overflow (system_clock counts nanoseconds: its range ends in 2262).
constexpr sys_days kEarliest{days{1}};
constexpr sys_days kLatest = std::chrono::year{2200} / 1 / 1;
// ActiveUntil follows at most this many touching occurrences (each starts on a later day).
constexpr int kMaxChain = 400;

bool Valid(const Recurrence& r) {
  return r.start_minute >= 0 && r.start_minute < kMinutesPerDay && r.duration > minutes{0} &&
         r.duration <= kMaxDuration &&
         std::all_of(r.weekdays.begin(), r.weekdays.end(), [](int d) { return d >= 0 && d <= 6; });
}

// ---- Local calendar time ----

std::time_t ToTimeT(TimePoint t) {
  return static_cast<std::time_t>(std::chrono::floor<seconds>(t).time_since_epoch().count());
}

std::tm LocalTm(std::time_t t) {
  std::tm tm{};
  localtime_r(&t, &tm);
  return tm;
}

sys_days CivilDay(const std::tm& tm) {
  return sys_days{std::chrono::year{tm.tm_year + 1900} /
                  std::chrono::month{static_cast<unsigned>(tm.tm_mon + 1)} /
                  std::chrono::day{static_cast<unsigned>(tm.tm_mday)}};
}

// A wall-clock reading (a calendar day and a time of day) counted in seconds as if it were UTC.
std::int64_t WallSeconds(sys_days day, std::int64_t hour, std::int64_t minute,
                         std::int64_t second) {
  constexpr std::int64_t kSecondsPerDay = 86400;
  return std::int64_t{day.time_since_epoch().count()} * kSecondsPerDay + hour * 3600 + minute * 60 +
         second;
}

// The local wall-clock reading of `t`.
std::int64_t LocalWallSeconds(std::time_t t) {
  const std::tm tm = LocalTm(t);
  return WallSeconds(CivilDay(tm), tm.tm_hour, tm.tm_min, tm.tm_sec);
}

// The earliest instant whose local reading is `minute` on `day`; nullopt when that reading
// does not exist (the clocks jumped over it).
std::optional<std::time_t> ExistingLocalTime(sys_days day, int minute) {
  const std::chrono::year_month_day ymd{day};
  const std::int64_t wanted = WallSeconds(day, 0, minute, 0);
  std::optional<std::time_t> best;
  for (int isdst : {-1, 0, 1}) {  // both readings of an ambiguous time, if there are two
    std::tm tm{};
    tm.tm_year = static_cast<int>(ymd.year()) - 1900;
    tm.tm_mon = static_cast<int>(static_cast<unsigned>(ymd.month())) - 1;
    tm.tm_mday = static_cast<int>(static_cast<unsigned>(ymd.day()));
    tm.tm_hour = minute / 60;
    tm.tm_min = minute % 60;
    tm.tm_isdst = isdst;
    const std::time_t t = std::mktime(&tm);
    if (LocalWallSeconds(t) == wanted && (!best || t < *best)) best = t;
  }
  return best;
}

// The instant local time reads `minute` on `day`; see the header for gaps and overlaps.
TimePoint LocalInstant(sys_days day, int minute) {
  if (std::optional<std::time_t> t = ExistingLocalTime(day, minute)) {
    return std::chrono::system_clock::from_time_t(*t);
  }
  // In a gap: the first instant whose reading is past the wanted one is the jump itself. UTC
  // offsets lie within -12h..+14h, so it is within 15 hours of the reading taken as UTC.
  constexpr std::int64_t kMargin = std::int64_t{15} * 3600;
  const std::int64_t wanted = WallSeconds(day, 0, minute, 0);
  auto lo = static_cast<std::time_t>(wanted - kMargin);  // reads before `wanted`
  auto hi = static_cast<std::time_t>(wanted + kMargin);  // reads after it
  while (hi - lo > 1) {
    const std::time_t mid = lo + (hi - lo) / 2;
    if (LocalWallSeconds(mid) >= wanted) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  return std::chrono::system_clock::from_time_t(hi);
}

sys_days CalendarDay(TimePoint t, bool utc) {
  if (utc) return std::chrono::floor<days>(t);
  return CivilDay(LocalTm(ToTimeT(t)));
}

TimePoint OccurrenceStart(sys_days day, int start_minute, bool utc) {
  if (utc) return day + minutes{start_minute};
  return LocalInstant(day, start_minute);
}

// Of the occurrences of `r` that contain `t`, the end of the one that ends last.
std::optional<TimePoint> LatestEndContaining(const Recurrence& r, TimePoint t) {
  if (!Valid(r) || t < kEarliest || t > kLatest) return std::nullopt;
  const sys_days today = CalendarDay(t, r.utc);
  std::optional<TimePoint> latest;
  // An occurrence lasts at most 7 days; one more day on each side covers DST shifts.
  for (int back = -1; back <= 8; ++back) {
    const sys_days day = today - days{back};
    const int weekday = static_cast<int>(std::chrono::weekday{day}.c_encoding());
    if (!r.weekdays.empty() &&
        std::find(r.weekdays.begin(), r.weekdays.end(), weekday) == r.weekdays.end()) {
      continue;
    }
    const TimePoint start = OccurrenceStart(day, r.start_minute, r.utc);
    const TimePoint end = start + r.duration;
    if (start <= t && t < end && (!latest || end > *latest)) latest = end;
  }
  return latest;
}

// ---- Parsing ----

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsBlank(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::vector<std::string_view> SplitWords(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsBlank(text[i])) ++i;
    std::size_t j = i;
    while (j < text.size() && !IsBlank(text[j])) ++j;
    if (j > i) words.push_back(text.substr(i, j - i));
    i = j;
  }
  return words;
}

Result<int> ParseDayName(std::string_view name) {
  for (std::size_t i = 0; i < kDayNames.size(); ++i) {
    if (kDayNames[i] == name) return static_cast<int>(i);
  }
  return Fail("unknown day \"" + std::string(name) +
              "\" (expected sun, mon, tue, wed, thu, fri, sat, a range like mon-fri, or daily)");
}

// Marks the days of one list item: "mon" or a range "mon-fri" / "fri-mon" (wraps).
Result<void> MarkDays(std::string_view item, std::array<bool, 7>& days_set) {
  if (item.empty()) return Fail("empty day in the list of days");
  const std::size_t dash = item.find('-');
  Result<int> first = ParseDayName(item.substr(0, dash));
  if (!first) return tl::unexpected(first.error());
  int last_day = *first;
  if (dash != std::string_view::npos) {
    Result<int> last = ParseDayName(item.substr(dash + 1));
    if (!last) return tl::unexpected(last.error());
    last_day = *last;
  }
  for (int d = *first;; d = (d + 1) % 7) {
    days_set[static_cast<std::size_t>(d)] = true;
    if (d == last_day) break;
  }
  return {};
}

Result<std::vector<int>> ParseDays(std::string_view text) {
  const std::string lower = Lower(text);
  if (lower == "daily") return std::vector<int>{};
  std::array<bool, 7> days_set{};
  std::string_view rest = lower;
  while (true) {
    const std::size_t comma = rest.find(',');
    if (Result<void> r = MarkDays(rest.substr(0, comma), days_set); !r) {
      return tl::unexpected(r.error());
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  std::vector<int> weekdays;
  for (int d = 0; d < 7; ++d) {
    if (days_set[static_cast<std::size_t>(d)]) weekdays.push_back(d);
  }
  if (weekdays.size() == 7) weekdays.clear();  // every day
  return weekdays;
}

// Parses the unsigned decimal number at the front of `s` (at most 6 digits) and consumes it.
std::optional<int> TakeNumber(std::string_view& s) {
  std::size_t n = 0;
  while (n < s.size() && n < 7 && IsDigit(s[n])) ++n;
  if (n == 0 || n > 6) return std::nullopt;
  int value = 0;
  std::from_chars(s.data(), s.data() + n, value);
  s.remove_prefix(n);
  return value;
}

Result<int> ParseClock(std::string_view text) {
  const std::string bad =
      "bad start time \"" + std::string(text) + "\" (expected HH:MM from 00:00 to 23:59)";
  std::string_view rest = text;
  const std::size_t hour_digits = text.find(':');
  const std::optional<int> hour = TakeNumber(rest);
  if (!hour || hour_digits > 2 || rest.empty() || rest.front() != ':') return Fail(bad);
  rest.remove_prefix(1);
  const std::optional<int> minute = rest.size() == 2 ? TakeNumber(rest) : std::nullopt;
  if (!minute || !rest.empty() || *hour > 23 || *minute > 59) return Fail(bad);
  return *hour * 60 + *minute;
}

minutes UnitLength(char unit) {
  switch (unit) {
    case 'd':
      return days{1};
    case 'h':
      return std::chrono::hours{1};
    default:
      return minutes{1};
  }
}

Result<minutes> ParseDuration(std::string_view text) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  const std::string bad = "bad duration " + quoted + " (expected e.g. 30m, 2h, 1h30m, 1d)";
  std::string_view rest = text;
  minutes total{0};
  std::string_view units = "dhm";  // each unit at most once, largest first
  while (!rest.empty()) {
    const std::optional<int> n = TakeNumber(rest);
    if (!n || rest.empty()) return Fail(bad);
    const std::size_t unit = units.find(static_cast<char>(std::tolower(rest.front())));
    if (unit == std::string_view::npos) return Fail(bad);
    total += UnitLength(units[unit]) * *n;
    units.remove_prefix(unit + 1);
    rest.remove_prefix(1);
  }
  if (text.empty()) return Fail(bad);
  if (total <= minutes{0}) return Fail("duration " + quoted + " is zero");
  if (total > kMaxDuration) return Fail("duration " + quoted + " is longer than 7 days");
  return total;
}

Result<Recurrence> ParseWords(const std::vector<std::string_view>& words) {
  auto is_clock = [](std::string_view w) { return w.find(':') != std::string_view::npos; };
  const auto clock = std::find_if(words.begin(), words.end(), is_clock);
  if (clock == words.end()) return Fail("no start time (expected HH:MM, e.g. 02:00)");
  if (clock == words.begin())
    return Fail("no days before the start time (expected e.g. daily or mon-fri)");
  std::string days_text;  // "sat, sun" is the list "sat,sun"
  for (auto w = words.begin(); w != clock; ++w) days_text += *w;

  Recurrence r;
  Result<std::vector<int>> days_list = ParseDays(days_text);
  if (!days_list) return tl::unexpected(days_list.error());
  r.weekdays = std::move(*days_list);
  Result<int> start = ParseClock(*clock);
  if (!start) return tl::unexpected(start.error());
  r.start_minute = *start;
  const std::size_t next = static_cast<std::size_t>(clock - words.begin()) + 1;
  if (next >= words.size())
    return Fail("no duration after the start time (expected e.g. 30m, 2h, 1h30m)");
  Result<minutes> duration = ParseDuration(words[next]);
  if (!duration) return tl::unexpected(duration.error());
  r.duration = *duration;
  for (std::size_t i = next + 1; i < words.size(); ++i) {
    if (i > next + 1 || Lower(words[i]) != "utc") {
      return Fail("unexpected \"" + std::string(words[i]) +
                  "\" (only \"utc\" may follow the duration)");
    }
    r.utc = true;
  }
  return r;
}

// ---- Formatting ----

std::string FormatDays(const std::vector<int>& weekdays) {
  std::array<bool, 7> set{};
  for (int d : weekdays) {
    if (d >= 0 && d <= 6) set[static_cast<std::size_t>(d)] = true;
  }
  std::string out;
  for (std::size_t d = 0; d < 7;) {
    if (!set[d]) {
      ++d;
      continue;
    }
    std::size_t end = d;  // the run d..end of set days, collapsed to "d-end" from 3 days on
    while (end + 1 < 7 && set[end + 1]) ++end;
    if (!out.empty()) out += ',';
    out += kDayNames[d];
    if (end >= d + 2) out += "-" + std::string(kDayNames[end]);
    if (end == d + 1) out += "," + std::string(kDayNames[end]);
    d = end + 1;
  }
  return out.empty() ? "daily" : out;
}

std::string FormatDuration(minutes duration) {
  const auto d = std::chrono::floor<days>(duration);
  const auto h = std::chrono::floor<std::chrono::hours>(duration - d);
  const minutes m = duration - d - h;
  std::string out;
  if (d.count() > 0) out += std::to_string(d.count()) + "d";
  if (h.count() > 0) out += std::to_string(h.count()) + "h";
  if (m.count() > 0 || out.empty()) out += std::to_string(m.count()) + "m";
  return out;
}

}  // namespace

bool ActiveAt(const Downtime& d, TimePoint now) {
  if (now < d.start || now >= d.end) return false;
  return !d.every || LatestEndContaining(*d.every, now).has_value();
}

bool Covers(const Downtime& d, const probes::Tags& tags_with_node_and_check) {
  return d.match.Matches(tags_with_node_and_check);
}

std::optional<TimePoint> ActiveUntil(const Downtime& d, TimePoint now) {
  if (!ActiveAt(d, now)) return std::nullopt;
  if (!d.every) return d.end;
  TimePoint t = now;
  for (int step = 0; step < kMaxChain; ++step) {
    const std::optional<TimePoint> end = LatestEndContaining(*d.every, t);
    if (!end) return t;  // nothing continues the occurrence that ended at t
    if (*end >= d.end) return d.end;
    t = *end;
  }
  return d.end;  // touching occurrences for more than a year: it never lets go
}

Result<Recurrence> ParseRecurrence(std::string_view text) {
  const std::vector<std::string_view> words = SplitWords(text);
  Result<Recurrence> r = Fail("empty (expected e.g. \"mon-fri 12:00 30m\")");
  if (!words.empty()) r = ParseWords(words);
  if (!r) r.error().message = "schedule \"" + std::string(text) + "\": " + r.error().message;
  return r;
}

std::string FormatRecurrence(const Recurrence& r) {
  const int hour = r.start_minute / 60;
  const int minute = r.start_minute % 60;
  std::string out = FormatDays(r.weekdays) + " ";
  out += static_cast<char>('0' + hour / 10 % 10);
  out += static_cast<char>('0' + hour % 10);
  out += ':';
  out += static_cast<char>('0' + minute / 10);
  out += static_cast<char>('0' + minute % 10);
  out += " " + FormatDuration(r.duration);
  if (r.utc) out += " utc";
  return out;
}

}  // namespace gs::alerts
