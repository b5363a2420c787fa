// LogRules: the config's syslog.rules applied to every archived record, on the archive's
// writer thread (off the network thread). A rule is a PCRE2 pattern over msg plus optional
// prefilters (host, app_name, facility, severity, the sender node's tags). All patterns are
// first scanned together in one pass with Hyperscan (prefilter mode, so every PCRE2 pattern
// is accepted); PCRE2 (JIT) confirms the few candidates. Per (rule, host) it keeps
//  (a) matches per minute, handed to `on_count` at each minute's end (-> an RRD counter), and
//  (b) with alert_count set, a sliding window: when alert_count matches fall within
//      alert_window, `on_alert` gets a CRITICAL result carrying the last matching lines;
//      when the window holds fewer again, an OK result.
// Memory is bounded: at most kMaxHosts hosts per rule (more are counted under "_other"),
// lines cut at kMaxLine bytes. Thread-safety: Observe and Tick from one thread (the writer).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "collector/config/config.h"
#include "collector/syslog/log_archive.h"
#include "probes/check_result.h"
#include "probes/result.h"
#include "probes/target.h"

namespace gs::collector::syslog {

// Inventory node name -> its tags (for rules with `select`), shared with the inventory's node.
using NodeTags = std::unordered_map<std::string, std::shared_ptr<const probes::Tags>>;

class LogRules : public RecordObserver {
 public:
  static constexpr std::size_t kMaxHosts = 10'000;
  static constexpr std::size_t kMaxLine = 1024;

  struct Sinks {
    // Matches of `rule` from `host` in the minute ending at `minute_end` (0 included while the
    // host is active, so graphs show quiet minutes as 0, not as gaps).
    std::function<void(const std::string& host, const std::string& rule,
                       std::chrono::system_clock::time_point minute_end, std::uint64_t count)>
        on_count;
    // A change of a rule's alert state for a host (CRITICAL: threshold reached; OK: below).
    std::function<void(const std::string& host, const std::string& rule, probes::CheckResult)>
        on_alert;
  };

  // Compiles every rule; fails naming the rule whose pattern PCRE2 refuses. `firing` lists
  // (host, rule) pairs whose alert is open from before (restart, reload): they get their OK
  // once the window is quiet.
  [[nodiscard]] static Result<std::unique_ptr<LogRules>> Create(
      std::vector<LogRuleConfig> rules, std::shared_ptr<const NodeTags> nodes, Sinks sinks,
      const std::set<std::pair<std::string, std::string>>& firing = {});
  ~LogRules() override;

  // Replaces the inventory's node tags (for `select`); thread-safe, taken up by the next record.
  void SetNodes(std::shared_ptr<const NodeTags> nodes);

  void Observe(const LogRecord& record) override;
  void Tick(std::chrono::system_clock::time_point now) override;

  struct RuleStats {
    std::string name;
    std::uint64_t matches = 0;
    std::uint64_t alerts = 0;  // CRITICAL results sent
  };
  // A copy, safe from any thread.
  [[nodiscard]] std::vector<RuleStats> stats() const;
  [[nodiscard]] bool uses_hyperscan() const;

  struct Impl;

 private:
  explicit LogRules(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The name of the check a rule's alerts appear under: "log:<rule>".
std::string LogRuleCheckName(const std::string& rule);

}  // namespace gs::collector::syslog
