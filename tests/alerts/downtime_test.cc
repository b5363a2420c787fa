#include "alerts/downtime.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

namespace gs::alerts {
namespace {

using namespace std::chrono_literals;
using std::chrono::March;
using std::chrono::October;
using std::chrono::sys_days;
using TimePoint = std::chrono::system_clock::time_point;
using Cond = probes::Selector::Condition;

// 2024-03-02 is a Saturday, 2024-03-03 a Sunday, 2024-03-04 a Monday.
constexpr sys_days kFri{2024y / March / 1};
constexpr sys_days kSat{2024y / March / 2};
constexpr sys_days kSun{2024y / March / 3};
constexpr sys_days kMon{2024y / March / 4};

TimePoint At(sys_days day, std::chrono::minutes time_of_day) { return day + time_of_day; }

Recurrence Parse(std::string_view text) {
  Result<Recurrence> r = ParseRecurrence(text);
  EXPECT_TRUE(r.has_value()) << text << ": " << (r ? "" : r.error().message);
  return r.value_or(Recurrence{});
}

// A recurring downtime over all time.
Downtime Every(std::string_view schedule) {
  Downtime d;
  d.start = TimePoint::min();
  d.end = TimePoint::max();
  d.every = Parse(schedule);
  return d;
}

// Sets TZ for one test and restores the previous value afterwards.
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* zone) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    setenv("TZ", zone, 1);
    tzset();
  }
  ~ScopedTimeZone() {
    if (old_) {
      setenv("TZ", old_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }
  ScopedTimeZone(const ScopedTimeZone&) = delete;
  ScopedTimeZone& operator=(const ScopedTimeZone&) = delete;

 private:
  std::optional<std::string> old_;
};

TEST(DowntimeTest, FixedWindowIncludesStartAndExcludesEnd) {
  Downtime d;
  d.start = At(kSat, 2h);
  d.end = At(kSat, 4h);
  EXPECT_FALSE(ActiveAt(d, d.start - 1ns));
  EXPECT_TRUE(ActiveAt(d, d.start));
  EXPECT_TRUE(ActiveAt(d, d.end - 1ns));
  EXPECT_FALSE(ActiveAt(d, d.end));

  EXPECT_EQ(ActiveUntil(d, d.start), d.end);
  EXPECT_EQ(ActiveUntil(d, At(kSat, 3h)), d.end);
  EXPECT_EQ(ActiveUntil(d, d.end), std::nullopt);
  EXPECT_EQ(ActiveUntil(d, d.start - 1s), std::nullopt);
}

TEST(DowntimeTest, OpenEndedWindowLastsForever) {
  Downtime d;
  d.start = At(kSat, 0min);
  d.end = TimePoint::max();
  EXPECT_TRUE(ActiveAt(d, At(sys_days{2100y / 1 / 1}, 0min)));
  EXPECT_EQ(ActiveUntil(d, At(kMon, 0min)), TimePoint::max());
}

TEST(DowntimeTest, UtcRecurrenceIsActiveOnlyOnItsWeekdays) {
  const Downtime d = Every("sun,sat 02:00 2h utc");
  EXPECT_FALSE(ActiveAt(d, At(kFri, 2h + 30min)));
  EXPECT_FALSE(ActiveAt(d, At(kSat, 2h) - 1ns));
  EXPECT_TRUE(ActiveAt(d, At(kSat, 2h)));
  EXPECT_TRUE(ActiveAt(d, At(kSat, 4h) - 1ns));
  EXPECT_FALSE(ActiveAt(d, At(kSat, 4h)));
  EXPECT_TRUE(ActiveAt(d, At(kSun, 3h)));
  EXPECT_FALSE(ActiveAt(d, At(kMon, 3h)));
  EXPECT_EQ(ActiveUntil(d, At(kSat, 2h)), At(kSat, 4h));
  EXPECT_EQ(ActiveUntil(d, At(kSat, 5h)), std::nullopt);
}

TEST(DowntimeTest, OccurrenceCrossingMidnightBelongsToTheDayItStarts) {
  const Downtime daily = Every("daily 23:30 90m utc");
  EXPECT_FALSE(ActiveAt(daily, At(kSat, 23h + 29min)));
  EXPECT_TRUE(ActiveAt(daily, At(kSat, 23h + 30min)));
  EXPECT_TRUE(ActiveAt(daily, At(kSun, 0h + 30min)));
  EXPECT_FALSE(ActiveAt(daily, At(kSun, 1h)));
  EXPECT_EQ(ActiveUntil(daily, At(kSat, 23h + 45min)), At(kSun, 1h));

  const Downtime weekdays = Every("mon-fri 23:30 90m utc");
  EXPECT_TRUE(ActiveAt(weekdays, At(kSat, 0h + 30min)));    // Friday's occurrence
  EXPECT_FALSE(ActiveAt(weekdays, At(kSat, 23h + 45min)));  // Saturday has none
  EXPECT_FALSE(ActiveAt(weekdays, At(kMon, 0h + 30min)));   // nor has Sunday
  EXPECT_TRUE(ActiveAt(weekdays, At(kMon, 23h + 45min)));
}

TEST(DowntimeTest, OccurrenceCrossingTheWeekBoundary) {
  const Downtime d = Every("sat 23:00 2h utc");
  EXPECT_TRUE(ActiveAt(d, At(kSun, 0h + 30min)));
  EXPECT_EQ(ActiveUntil(d, At(kSun, 0h + 30min)), At(kSun, 1h));
  EXPECT_FALSE(ActiveAt(d, At(kSun, 1h)));
  EXPECT_FALSE(ActiveAt(d, At(kFri, 23h + 30min)));
  // A whole week later, the next occurrence.
  EXPECT_TRUE(ActiveAt(d, At(kSun + std::chrono::days{7}, 0h + 30min)));
}

TEST(DowntimeTest, RecurrenceIsLimitedToTheWindow) {
  Downtime d = Every("daily 02:00 2h utc");
  d.start = At(kSat, 3h);
  d.end = At(kMon, 3h);
  EXPECT_FALSE(ActiveAt(d, At(kSat, 2h + 30min)));  // before the window
  EXPECT_TRUE(ActiveAt(d, At(kSat, 3h)));           // the rest of that occurrence counts
  EXPECT_EQ(ActiveUntil(d, At(kSat, 3h)), At(kSat, 4h));
  EXPECT_FALSE(ActiveAt(d, At(kSat, 12h)));  // inside the window, between occurrences
  EXPECT_TRUE(ActiveAt(d, At(kSun, 2h)));
  EXPECT_TRUE(ActiveAt(d, At(kMon, 2h + 30min)));
  EXPECT_EQ(ActiveUntil(d, At(kMon, 2h + 30min)), At(kMon, 3h));  // cut at the window's end
  EXPECT_FALSE(ActiveAt(d, At(kMon, 3h)));
}

TEST(DowntimeTest, TouchingOccurrencesEndTogether) {
  const Downtime weekend = Every("sat,sun 00:00 24h utc");
  EXPECT_EQ(ActiveUntil(weekend, At(kSat, 10h)), At(kMon, 0min));
  EXPECT_FALSE(ActiveAt(weekend, At(kMon, 0min)));

  Downtime always = Every("daily 00:00 24h utc");
  EXPECT_EQ(ActiveUntil(always, At(kSat, 10h)), TimePoint::max());
  always.end = At(sys_days{2024y / 6 / 1}, 12h);
  EXPECT_EQ(ActiveUntil(always, At(kSat, 10h)), always.end);

  const Downtime overlapping = Every("fri,sat 12:00 36h utc");  // Fri 12:00 .. Mon 00:00
  EXPECT_EQ(ActiveUntil(overlapping, At(kFri, 13h)), At(kMon, 0min));
}

TEST(DowntimeTest, InvalidRecurrenceIsNeverActive) {
  Downtime d = Every("daily 00:00 24h utc");
  for (Recurrence r : {Recurrence{{}, 0, 0min, true}, Recurrence{{}, 1440, 60min, true},
                       Recurrence{{7}, 0, 60min, true}, Recurrence{{}, -1, 60min, true},
                       Recurrence{{}, 0, std::chrono::days{8}, true}}) {
    d.every = r;
    EXPECT_FALSE(ActiveAt(d, At(kSat, 0min) + 30min)) << FormatRecurrence(r);
    EXPECT_EQ(ActiveUntil(d, At(kSat, 0min) + 30min), std::nullopt);
  }
}

TEST(DowntimeTest, LocalScheduleFollowsTheWallClockAcrossDst) {
  if (!std::filesystem::exists("/usr/share/zoneinfo/Europe/Berlin")) {
    GTEST_SKIP() << "tzdata is not installed (no /usr/share/zoneinfo/Europe/Berlin)";
  }
  ScopedTimeZone berlin("Europe/Berlin");
  // 2024-03-31: clocks jump from 02:00 CET to 03:00 CEST at 01:00 UTC.
  const Downtime two_am = Every("sun 02:00 2h");
  const sys_days before{2024y / March / 24}, jump{2024y / March / 31}, after{2024y / 4 / 7};
  EXPECT_FALSE(ActiveAt(two_am, At(before, 0h + 30min)));  // 02:00 CET is 01:00 UTC
  EXPECT_EQ(ActiveUntil(two_am, At(before, 1h)), At(before, 3h));
  EXPECT_FALSE(ActiveAt(two_am, At(jump, 1h) - 1s));               // 02:00 does not exist: the
  EXPECT_EQ(ActiveUntil(two_am, At(jump, 1h)), At(jump, 3h));      // occurrence starts at 03:00
  EXPECT_EQ(ActiveUntil(two_am, At(after, 0min)), At(after, 2h));  // 02:00 CEST is 00:00 UTC

  // 02:30 does not exist either: it starts at the first valid time after it, 03:00 CEST.
  const Downtime half_past = Every("sun 02:30 1h");
  EXPECT_EQ(ActiveUntil(half_past, At(jump, 1h)), At(jump, 2h));
  EXPECT_FALSE(ActiveAt(half_past, At(jump, 1h) - 1s));

  // 2024-10-27: clocks go back from 03:00 CEST to 02:00 CET at 01:00 UTC, so 02:30 happens
  // twice (00:30 and 01:30 UTC): the occurrence starts at the first.
  const sys_days back{2024y / October / 27};
  EXPECT_FALSE(ActiveAt(half_past, At(back, 0h + 29min)));
  EXPECT_EQ(ActiveUntil(half_past, At(back, 0h + 30min)), At(back, 1h + 30min));
  EXPECT_FALSE(ActiveAt(half_past, At(back, 1h + 45min)));
  // The duration is elapsed time: 02:00 CEST + 2h is 03:00 CET.
  EXPECT_EQ(ActiveUntil(two_am, At(back, 0min)), At(back, 2h));

  // Crossing local midnight: Saturday 23:30 CEST (21:30 UTC) for 90 minutes.
  const Downtime late = Every("daily 23:30 90m");
  EXPECT_FALSE(ActiveAt(late, At(back - std::chrono::days{1}, 21h + 29min)));
  EXPECT_EQ(ActiveUntil(late, At(back - std::chrono::days{1}, 22h + 30min)), At(back, -1h));
}

struct ParseCase {
  std::string text;
  Recurrence want;
};

TEST(DowntimeTest, ParseRecurrenceAcceptsTheDocumentedForms) {
  const std::vector<ParseCase> cases = {
      {"sun,sat 02:00 2h", {{0, 6}, 120, 2h, false}},
      {"daily 23:30 90m", {{}, 23 * 60 + 30, 90min, false}},
      {"mon-fri 12:00 30m", {{1, 2, 3, 4, 5}, 720, 30min, false}},
      {"mon-fri 12:00 30m utc", {{1, 2, 3, 4, 5}, 720, 30min, true}},
      {"  SAT , Sun   7:05  1h30m  UTC ", {{0, 6}, 7 * 60 + 5, 90min, true}},
      {"fri-mon 00:00 1d", {{0, 1, 5, 6}, 0, 24h, false}},
      {"sat,sat,sun 23:59 7d", {{0, 6}, 23 * 60 + 59, std::chrono::days{7}, false}},
      {"sun-sat 01:00 1m", {{}, 60, 1min, false}},
      {"wed-wed 00:00 1d2h3m", {{3}, 0, 26h + 3min, false}},
      {"Daily 00:00 0d1h", {{}, 0, 1h, false}},
  };
  for (const ParseCase& c : cases) {
    Result<Recurrence> r = ParseRecurrence(c.text);
    ASSERT_TRUE(r.has_value()) << c.text << ": " << r.error().message;
    EXPECT_EQ(*r, c.want) << c.text;
  }
}

struct ErrorCase {
  std::string text;
  std::string names;  // the error message must contain this
};

TEST(DowntimeTest, ParseRecurrenceErrorsNameTheBadPart) {
  const std::vector<ErrorCase> cases = {
      {"", "empty"},
      {"   ", "empty"},
      {"sun 2h", "no start time"},
      {"02:00 2h", "no days"},
      {"sun 02:00", "no duration"},
      {"funday 02:00 2h", "unknown day \"funday\""},
      {"mon-xyz 02:00 1h", "unknown day \"xyz\""},
      {"sun,,sat 02:00 1h", "empty day"},
      {"sun, 02:00 1h", "empty day"},
      {"sun 25:00 1h", "bad start time \"25:00\""},
      {"sun 12:60 1h", "bad start time \"12:60\""},
      {"sun 12:5 1h", "bad start time \"12:5\""},
      {"sun 012:00 1h", "bad start time \"012:00\""},
      {"sun :30 1h", "bad start time \":30\""},
      {"sun 02:00 2x", "bad duration \"2x\""},
      {"sun 02:00 h", "bad duration \"h\""},
      {"sun 02:00 30m1h", "bad duration \"30m1h\""},
      {"sun 02:00 2", "bad duration \"2\""},
      {"sun 02:00 0m", "duration \"0m\" is zero"},
      {"sun 02:00 8d", "duration \"8d\" is longer than 7 days"},
      {"sun 02:00 9999999m", "bad duration \"9999999m\""},
      {"sun 02:00 2h local", "unexpected \"local\""},
      {"sun 02:00 2h utc utc", "unexpected \"utc\""},
  };
  for (const ErrorCase& c : cases) {
    Result<Recurrence> r = ParseRecurrence(c.text);
    ASSERT_FALSE(r.has_value()) << c.text;
    EXPECT_NE(r.error().message.find(c.names), std::string::npos)
        << c.text << " -> " << r.error().message;
    EXPECT_NE(r.error().message.find("schedule \"" + c.text + "\""), std::string::npos)
        << r.error().message;
  }
}

struct FormatCase {
  std::string text;
  std::string canonical;
};

TEST(DowntimeTest, FormatRecurrenceRoundTripsThroughParse) {
  const std::vector<FormatCase> cases = {
      {"sun,sat 02:00 2h", "sun,sat 02:00 2h"},
      {"daily 23:30 90m", "daily 23:30 1h30m"},
      {"mon-fri 12:00 30m utc", "mon-fri 12:00 30m utc"},
      {"fri-mon 7:05 1d", "sun,mon,fri,sat 07:05 1d"},
      {"mon,tue 00:00 25h", "mon,tue 00:00 1d1h"},
      {"sun-tue,thu-sat 00:01 1m", "sun-tue,thu-sat 00:01 1m"},
      {"mon-sun 09:00 7d", "daily 09:00 7d"},
      {"wed 00:00 1d2h3m UTC", "wed 00:00 1d2h3m utc"},
  };
  for (const FormatCase& c : cases) {
    const Recurrence r = Parse(c.text);
    EXPECT_EQ(FormatRecurrence(r), c.canonical) << c.text;
    EXPECT_EQ(Parse(FormatRecurrence(r)), r) << c.text;
  }
}

TEST(DowntimeTest, CoversUsesTheSelectorWithNodeAndCheckPseudoTags) {
  Downtime d;
  EXPECT_TRUE(Covers(d, {{"node", "web1"}, {"check", "http"}}));  // empty selector: all

  d.match = probes::Selector({Cond{"node", Cond::Kind::kEquals, {"db1"}}});
  EXPECT_TRUE(Covers(d, {{"node", "db1"}, {"check", "mysql"}}));
  EXPECT_FALSE(Covers(d, {{"node", "db2"}, {"check", "mysql"}}));

  d.match = probes::Selector({Cond{"role", Cond::Kind::kOneOf, {"web", "api"}},
                              Cond{"check", Cond::Kind::kNoneOf, {"ping"}}});
  EXPECT_TRUE(Covers(d, {{"role", "api"}, {"node", "api3"}, {"check", "http"}}));
  EXPECT_FALSE(Covers(d, {{"role", "api"}, {"node", "api3"}, {"check", "ping"}}));
  EXPECT_FALSE(Covers(d, {{"role", "db"}, {"node", "db1"}, {"check", "http"}}));
  EXPECT_FALSE(Covers(d, {{"node", "x"}, {"check", "http"}}));  // no role tag
}

}  // namespace
}  // namespace gs::alerts
