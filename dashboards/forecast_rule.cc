#include "dashboards/forecast_rule.h"

#include <cmath>
#include <cstdio>
#include <ctime>

#include "probes/perfdata.h"

namespace gs::dashboards {
namespace {

using Clock = std::chrono::system_clock;

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string Days(double days) {
  char buf[32];
  std::snprintf(buf, sizeof buf, days < 10 ? "%.1f" : "%.0f", days);
  return std::string(buf) + " days";
}

// "2026-11-29 14:00 UTC"
std::string When(Clock::time_point t) {
  const std::time_t tt = Clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

double DaysOf(std::chrono::seconds s) { return static_cast<double>(s.count()) / 86400.0; }

probes::Perfdata Perf(const std::string& label, double value, const std::string& warn = "",
                      const std::string& crit = "") {
  probes::Perfdata p;
  p.label = label;
  p.value = value;
  p.warn = warn;
  p.crit = crit;
  return p;
}

}  // namespace

probes::CheckResult EvaluateForecast(const ForecastRule& rule, const Series& series,
                                     Clock::time_point now) {
  probes::CheckResult r;
  r.started = now;
  const std::optional<Trend> trend = FitTrend(series, rule.min_points);
  if (!trend) {
    r.state = probes::State::kOk;
    r.text = rule.metric + ": not enough data yet for a forecast";
    return r;
  }
  const bool up = rule.direction == Direction::kUp;
  const Crossing crossing = ProjectCrossing(*trend, rule.threshold, rule.direction, now);
  const double days = crossing.DaysFrom(now);
  const std::string limit = Num(rule.threshold);
  const std::string rate = (trend->SlopePerDay() >= 0 ? "+" : "") + Num(trend->SlopePerDay());
  const std::string now_text = rule.metric + " is " + Num(trend->last_value);
  // As Nagios ranges on days_left: "N:" is a problem below N days.
  const std::string warn =
      rule.warning_within.count() > 0 ? Num(DaysOf(rule.warning_within)) + ":" : "";
  const std::string crit = Num(DaysOf(rule.critical_within)) + ":";
  switch (crossing.kind) {
    case Crossing::Kind::kAlready:
      r.state = probes::State::kCritical;
      r.text = now_text + (up ? ", at or above " : ", at or below ") + limit + " now";
      r.perfdata.push_back(Perf("days_left", 0, warn, crit));
      break;
    case Crossing::Kind::kAt: {
      const bool critical = crossing.when <= now + rule.critical_within;
      const bool warning =
          rule.warning_within.count() > 0 && crossing.when <= now + rule.warning_within;
      r.state = critical  ? probes::State::kCritical
                : warning ? probes::State::kWarning
                          : probes::State::kOk;
      r.text = rule.metric + " reaches " + limit + " in " + Days(days) + " (" +
               When(crossing.when) + "); " + Num(trend->last_value) + " now, " + rate + " a day";
      r.perfdata.push_back(Perf("days_left", days, warn, crit));
      break;
    }
    case Crossing::Kind::kNever:
      r.state = probes::State::kOk;
      r.text = now_text + ", " + rate + " a day: not heading for " + limit;
      break;
  }
  r.perfdata.push_back(Perf("slope_per_day", trend->SlopePerDay()));
  r.perfdata.push_back(Perf("value", trend->last_value));
  r.long_text = "fit over " + std::to_string(trend->points) + " points, r2 " + Num(trend->r2);
  return r;
}

}  // namespace gs::dashboards
