// alert_engine_bench: the alert engine's cost per result and per tick with many checks, as
// the daemon drives it (one OnResult per check result, one Tick per second), with grouping
// routes and uplink/region detection on. bench/alerts.sh runs it.
//
//   alert_engine_bench [CHECKS=10000] [TICKS=200] [BATCH=1]
//
// BATCH 1 feeds each result with OnResult (a ground update and a route flush per result);
// BATCH N uses OnResultDeferred and one Flush per N results, as the daemon does when results
// queue up on its io_context (a burst shares one pass over every alert).
//
// Phases: every check's first result (OK); TICKS ticks with nothing firing; 10% of the checks
// turn CRITICAL (HARD at once) spread over two seconds, so region detection counts them;
// TICKS ticks with those groups firing (FlushRoutes, UpdateGround, repeats, escalation
// checks); the recoveries. Prints microseconds per result and per tick, and messages made.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "alerts/alert_engine.h"
#include "alerts/check_status.h"

namespace gs::alerts {
namespace {

using Clock = std::chrono::steady_clock;
using Sys = std::chrono::system_clock;
using Kind = probes::Selector::Condition::Kind;

struct Check {
  CheckFacts facts;
  CheckStatus status;
};

double Us(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

std::vector<Check> Fleet(int count) {
  static const char* kChecks[] = {"http", "tcp", "disk", "mysql", "app"};
  static const char* kRoles[] = {"web", "web", "db", "lb"};
  std::vector<Check> fleet;
  for (int i = 0; i < count; ++i) {
    const int node = i / 5;
    Check c;
    c.facts.node = "node" + std::to_string(node);
    c.facts.check = node < 3 && i % 5 == 0 ? "uplink" : kChecks[i % 5];
    c.facts.kind = "http";
    c.facts.tags = std::make_shared<const probes::Tags>(
        probes::Tags{{"role", kRoles[node % 4]}, {"zone", "z" + std::to_string(node % 3)}});
    fleet.push_back(std::move(c));
  }
  return fleet;
}

struct Totals {
  std::size_t messages = 0;
  std::size_t records = 0;
};

// Feeds `state` to the checks selected by `pick`; returns microseconds per result.
template <typename Pick>
double Feed(AlertEngine& engine, std::vector<Check>& fleet, probes::State state, Pick pick,
            Sys::time_point now, int batch, Totals& totals) {
  std::size_t n = 0;
  const auto t0 = Clock::now();
  for (std::size_t i = 0; i < fleet.size(); ++i) {
    if (!pick(i)) continue;
    Check& c = fleet[i];
    // Spread over two seconds, as results arrive in a real outage.
    const auto at = now + std::chrono::milliseconds(2000 * i / fleet.size());
    const Transition t = Apply(c.status, state, std::string(probes::ToString(state)), 1, at);
    c.status = t.next;
    if (batch <= 1) {
      engine.OnResult(c.facts, t, at);
    } else {
      engine.OnResultDeferred(c.facts, t, at);
      if ((n + 1) % static_cast<std::size_t>(batch) == 0) engine.Flush(at);
    }
    AlertEngine::Output out = engine.TakeOutput();
    totals.messages += out.messages.size();
    totals.records += out.records.size();
    ++n;
  }
  engine.Flush(now + std::chrono::seconds(2));
  AlertEngine::Output out = engine.TakeOutput();
  totals.messages += out.messages.size();
  totals.records += out.records.size();
  return n == 0 ? 0 : Us(Clock::now() - t0) / static_cast<double>(n);
}

double Ticks(AlertEngine& engine, int ticks, Sys::time_point& now, Totals& totals) {
  const auto t0 = Clock::now();
  for (int i = 0; i < ticks; ++i) {
    now += std::chrono::seconds(1);
    engine.Tick(now);
    AlertEngine::Output out = engine.TakeOutput();
    totals.messages += out.messages.size();
    totals.records += out.records.size();
  }
  return Us(Clock::now() - t0) / ticks;
}

int Main(int argc, char** argv) {
  const int checks = argc > 1 ? std::atoi(argv[1]) : 10'000;
  const int ticks = argc > 2 ? std::atoi(argv[2]) : 200;
  const int batch = argc > 3 ? std::atoi(argv[3]) : 1;
  if (checks < 10 || checks > 1'000'000 || ticks <= 0 || ticks > 100'000 || batch <= 0) {
    std::fprintf(stderr, "usage: alert_engine_bench [CHECKS] [TICKS] [BATCH]\n");
    return 2;
  }
  AlertEngine engine;
  Route web;
  web.match = probes::Selector({{"role", Kind::kEquals, {"web"}}});
  web.notify = {"sms", "ops"};
  web.group_by = {"check", "role"};
  web.group_wait = std::chrono::seconds(30);
  web.group_interval = std::chrono::minutes(5);
  web.escalate = {Escalation{std::chrono::minutes(30), {"lead"}}};
  Route rest;
  rest.notify = {"ops"};
  engine.SetRoutes({web, rest});
  GroundOptions ground;
  ground.uplink = probes::Selector({{"check", Kind::kEquals, {"uplink"}}});
  ground.region_share = 0.5;
  engine.SetGround(ground);

  std::vector<Check> fleet = Fleet(checks);
  Totals totals;
  Sys::time_point now = Sys::now();
  const double first = Feed(
      engine, fleet, probes::State::kOk, [](std::size_t) { return true; }, now, batch, totals);
  now += std::chrono::seconds(3);
  const double quiet_tick = Ticks(engine, ticks, now, totals);
  const std::size_t quiet_messages = totals.messages;
  const double fail = Feed(
      engine, fleet, probes::State::kCritical, [](std::size_t i) { return i % 10 == 7; }, now,
      batch, totals);
  now += std::chrono::seconds(3);
  const double firing_tick = Ticks(engine, ticks, now, totals);
  const double recover = Feed(
      engine, fleet, probes::State::kOk, [](std::size_t i) { return i % 10 == 7; }, now, batch,
      totals);
  now += std::chrono::seconds(3);
  const double after_tick = Ticks(engine, ticks, now, totals);
  std::printf("checks %d ticks %d batch %d\n", checks, ticks, batch);
  std::printf("first_result_us %.2f quiet_tick_us %.1f\n", first, quiet_tick);
  std::printf("failing_result_us %.2f firing_tick_us %.1f\n", fail, firing_tick);
  std::printf("recovery_result_us %.2f after_tick_us %.1f\n", recover, after_tick);
  std::printf("messages %zu (before the failures: %zu) records_written %zu\n", totals.messages,
              quiet_messages, totals.records);
  return 0;
}

}  // namespace
}  // namespace gs::alerts

int main(int argc, char** argv) { return gs::alerts::Main(argc, argv); }
