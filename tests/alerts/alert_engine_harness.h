// Test helper for the alert engine tests: drives one AlertEngine with Nagios statuses per
// check, like the collector's CheckEngine, at times relative to kT0.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "alerts/alert_engine.h"

namespace gs::alerts::test {

inline const TimePoint kT0 = TimePoint(std::chrono::seconds(1'800'000'000));

inline Route RouteTo(std::vector<std::string> notify) {
  Route r;
  r.notify = std::move(notify);
  return r;
}

class Harness {
 public:
  explicit Harness(std::vector<Route> routes) { engine.SetRoutes(std::move(routes)); }

  // One result for node/check at kT0 + at; returns the messages it produced (the whole output
  // is kept in `output`).
  std::vector<Notification> Result(const std::string& node, const std::string& check,
                                   probes::State s, std::chrono::milliseconds at,
                                   int max_attempts = 1, probes::Tags tags = {{"role", "web"}}) {
    CheckFacts facts = Facts(node, check, std::move(tags));
    auto& status = statuses[{node, check}];
    const Transition t =
        Apply(status, s, std::string(probes::ToString(s)) + " output", max_attempts, kT0 + at);
    status = t.next;
    engine.OnResult(facts, t, kT0 + at);
    output = engine.TakeOutput();
    return output.messages;
  }
  std::vector<Notification> Tick(std::chrono::milliseconds at) {
    engine.Tick(kT0 + at);
    output = engine.TakeOutput();
    return output.messages;
  }
  CheckFacts Facts(const std::string& node, const std::string& check, probes::Tags tags) {
    CheckFacts facts;
    facts.node = node;
    facts.check = check;
    facts.kind = "http";
    facts.tags = std::make_shared<const probes::Tags>(std::move(tags));
    if (auto it = extra.find(check); it != extra.end()) {
      facts.host_check = it->second.host_check;
      facts.depends_on = it->second.depends_on;
      facts.flap = it->second.flap;
    }
    return facts;
  }

  AlertEngine engine;
  AlertEngine::Output output;  // of the latest call
  std::map<AlertKey, CheckStatus> statuses;
  std::map<std::string, CheckFacts> extra;  // per check name: host_check, depends_on, flap
};

}  // namespace gs::alerts::test
