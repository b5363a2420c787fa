// Fuzzes ParseRecurrence (the "every" schedule of a downtime: API request bodies, state.db)
// and checks the contracts of alerts/downtime.h on what it accepts:
//  - the result is valid: weekdays sorted, unique, in 0..6 and never all seven (that is
//    "daily", empty); 0 <= start_minute < 1440; 0 < duration <= 7 days;
//  - formatting is exact: ParseRecurrence(FormatRecurrence(r)) == r, and canonical:
//    formatting the re-parsed value gives the same text;
//  - ActiveAt and ActiveUntil agree at fixed instants (DST changes in several zones, the ends
//    of time) for an unbounded window (UTC schedules only, see CheckEvaluation) and a window of
//    two days: ActiveUntil has a value exactly when ActiveAt is true, later than now and not
//    after the window's end; a run that ends before the window's end was active just before
//    its end and is not active at it.
//
// Local-time schedules are evaluated in one of a few time zones given as POSIX TZ rules (no
// tzdata needed), picked by the input's length so that every input is deterministic.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "alerts/downtime.h"

namespace {

using namespace std::chrono_literals;
using gs::alerts::Downtime;
using gs::alerts::Recurrence;
using std::chrono::sys_days;
using TimePoint = std::chrono::system_clock::time_point;

constexpr std::array<const char*, 4> kZones = {
    "CET-1CEST,M3.5.0,M10.5.0/3",            // Berlin: a gap in March, an overlap in October
    "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",  // Lord Howe: 30-minute shifts, southern summer
    "<+14>-14",                              // the earliest zone
    "<-12>12",                               // the latest zone
};

// Instants in UTC around the zones' changes, at the edges of the range downtime.cc evaluates
// and of system_clock's range.
const std::array<TimePoint, 14> kInstants = {
    sys_days{1970y / 1 / 1},
    sys_days{1970y / 1 / 2} + 12h,
    sys_days{2024y / 3 / 31} + 30min,  // Berlin: 02:00 jumps to 03:00 at 01:00
    sys_days{2024y / 3 / 31} + 1h,
    sys_days{2024y / 3 / 31} + 1h + 30min,
    sys_days{2024y / 4 / 6} + 15h + 15min,  // Lord Howe: 02:00 went back to 01:30 at 15:00
    sys_days{2024y / 5 / 1} + 12h,
    sys_days{2024y / 10 / 5} + 15h + 45min,  // Lord Howe: 02:00 jumped to 02:30 at 15:30
    sys_days{2024y / 10 / 27} + 30min,       // Berlin: 03:00 goes back to 02:00 at 01:00
    sys_days{2024y / 10 / 27} + 1h + 30min,
    sys_days{2199y / 12 / 31} + 23h + 59min,
    sys_days{2200y / 1 / 1} + 1min,
    sys_days{2262y / 4 / 10},
    TimePoint::max() - 1ns,
};

// The instants windows of a few days are tried at: not within days of time_point::max().
constexpr std::size_t kBoundedInstants = 12;

bool ValidAsDocumented(const Recurrence& r) {
  for (std::size_t i = 0; i < r.weekdays.size(); ++i) {
    if (r.weekdays[i] < 0 || r.weekdays[i] > 6) return false;
    if (i > 0 && r.weekdays[i] <= r.weekdays[i - 1]) return false;
  }
  return r.weekdays.size() < 7 && r.start_minute >= 0 && r.start_minute < 24 * 60 &&
         r.duration > 0min && r.duration <= std::chrono::days{7};
}

// ActiveAt and ActiveUntil must agree at `now`.
void CheckAt(const Downtime& d, TimePoint now) {
  const bool active = gs::alerts::ActiveAt(d, now);
  const std::optional<TimePoint> until = gs::alerts::ActiveUntil(d, now);
  if (active != until.has_value()) __builtin_trap();
  if (!until) return;
  if (*until <= now || *until > d.end) __builtin_trap();
  // The header does not say how far out occurrences are evaluated (downtime.cc stops at the
  // year 2200), so the run's end is checked only well before that.
  if (*until < d.end && *until < sys_days{2199y / 12 / 1}) {
    if (!gs::alerts::ActiveAt(d, *until - 1ns) || gs::alerts::ActiveAt(d, *until)) {
      __builtin_trap();
    }
  }
}

// ActiveUntil over an unbounded window follows touching occurrences for up to a year, which
// for a local-time schedule means thousands of mktime calls (a second under ASan): local
// schedules get it only over windows of a few days.
void CheckEvaluation(const Recurrence& r) {
  Downtime d;
  d.every = r;
  d.start = TimePoint::min();
  d.end = TimePoint::max();
  for (const TimePoint t : kInstants) {
    if (r.utc) {
      CheckAt(d, t);
    } else {
      (void)gs::alerts::ActiveAt(d, t);
    }
  }
  for (std::size_t i = 0; i < kBoundedInstants; ++i) {
    const TimePoint t = kInstants[i];
    d.start = t - 25h;
    d.end = t + 26h;
    CheckAt(d, t);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const gs::Result<Recurrence> parsed = gs::alerts::ParseRecurrence(text);
  if (!parsed) {
    if (parsed.error().message.empty()) __builtin_trap();
    return 0;
  }
  if (!ValidAsDocumented(*parsed)) __builtin_trap();
  const std::string formatted = gs::alerts::FormatRecurrence(*parsed);
  const gs::Result<Recurrence> again = gs::alerts::ParseRecurrence(formatted);
  if (!again || *again != *parsed) __builtin_trap();
  if (gs::alerts::FormatRecurrence(*again) != formatted) __builtin_trap();

  setenv("TZ", kZones[size % kZones.size()], 1);
  tzset();
  CheckEvaluation(*parsed);
  return 0;
}
