// Log rules: prefilters, Hyperscan + PCRE2 matching, per-minute counts and windowed alerts.
#include "collector/syslog/log_rules.h"

#include <gtest/gtest.h>

#include <map>

namespace gs::collector::syslog {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

const system_clock::time_point kT0 = system_clock::time_point(std::chrono::minutes(29'000'000));

LogRecord Msg(std::string msg, std::string host = "web01", system_clock::time_point at = kT0) {
  LogRecord r;
  r.received = at;
  r.source = "10.0.0.5";
  r.facility = 4;  // auth
  r.severity = 6;  // info
  r.hostname = std::move(host);
  r.app_name = "sshd";
  r.msg = std::move(msg);
  r.format = Format::kRfc3164;
  return r;
}

LogRuleConfig Rule(std::string name, std::string pattern) {
  LogRuleConfig c;
  c.name = std::move(name);
  c.pattern = std::move(pattern);
  return c;
}

struct Recorder {
  std::map<std::pair<std::string, std::string>, std::uint64_t> counts;  // (host, rule)
  std::vector<std::tuple<std::string, std::string, probes::CheckResult>> alerts;

  LogRules::Sinks Sinks() {
    return {[this](const std::string& host, const std::string& rule, system_clock::time_point,
                   std::uint64_t n) {
              counts[{host, rule}] += n;
            },
            [this](const std::string& host, const std::string& rule, probes::CheckResult r) {
              alerts.emplace_back(host, rule, std::move(r));
            }};
  }
};

std::unique_ptr<LogRules> Make(std::vector<LogRuleConfig> rules, Recorder& rec,
                               std::shared_ptr<const NodeTags> nodes = nullptr,
                               const std::set<std::pair<std::string, std::string>>& firing = {}) {
  auto r = LogRules::Create(std::move(rules), std::move(nodes), rec.Sinks(), firing);
  EXPECT_TRUE(r) << r.error().message;
  return std::move(*r);
}

// Matches so far, by rule name.
std::map<std::string, std::uint64_t> MatchesByRule(const LogRules& rules) {
  std::map<std::string, std::uint64_t> out;
  for (const auto& s : rules.stats()) out[s.name] = s.matches;
  return out;
}

TEST(LogRulesTest, CountsMatchesPerHostAndMinute) {
  Recorder rec;
  auto rules =
      Make({Rule("failed", "Failed password for \\w+"), Rule("oom", "Out of memory")}, rec);
  EXPECT_TRUE(rules->uses_hyperscan());
  rules->Tick(kT0);
  rules->Observe(Msg("Failed password for root from 10.1.1.1"));
  rules->Observe(Msg("Failed password for admin from 10.1.1.1"));
  rules->Observe(Msg("Failed password for root", "db01"));
  rules->Observe(Msg("Accepted password for root"));
  rules->Observe(Msg("kernel: Out of memory: Killed process 42", "db01"));
  rules->Tick(kT0 + 30s);
  EXPECT_TRUE(rec.counts.empty());  // the minute is not over yet
  rules->Tick(kT0 + 61s);
  EXPECT_EQ((rec.counts[{"web01", "failed"}]), 2u);
  EXPECT_EQ((rec.counts[{"db01", "failed"}]), 1u);
  EXPECT_EQ((rec.counts[{"db01", "oom"}]), 1u);
  EXPECT_EQ(rec.counts.count({"web01", "oom"}), 0u);
  const auto stats = rules->stats();
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[0].matches, 3u);
  EXPECT_EQ(stats[1].matches, 1u);
}

TEST(LogRulesTest, PrefiltersNarrowWhatIsMatched) {
  Recorder rec;
  LogRuleConfig by_app = Rule("app", "boom");
  by_app.app_names = {"nginx"};
  LogRuleConfig by_severity = Rule("sev", "boom");
  by_severity.max_severity = 3;  // err or worse
  LogRuleConfig by_facility = Rule("fac", "boom");
  by_facility.facilities = {4, 10};
  LogRuleConfig by_host = Rule("host", "boom");
  by_host.hosts = {"db01"};
  LogRuleConfig by_tags = Rule("tags", "boom");
  by_tags.select = probes::Selector(
      {probes::Selector::Condition{"role", probes::Selector::Condition::Kind::kEquals, {"web"}}});
  auto nodes = std::make_shared<NodeTags>();
  (*nodes)["web01"] = std::make_shared<const probes::Tags>(probes::Tags{{"role", "web"}});
  auto rules = Make({by_app, by_severity, by_facility, by_host, by_tags}, rec, nodes);
  rules->Tick(kT0);
  LogRecord r = Msg("boom");  // sshd, info, auth, host web01, no node
  rules->Observe(r);
  r.node = "web01";
  rules->Observe(r);  // the node's tags match now
  r.app_name = "nginx";
  r.severity = 2;
  r.facility = 1;
  r.hostname = "db01";
  r.node.clear();
  rules->Observe(r);
  std::map<std::string, std::uint64_t> by_rule = MatchesByRule(*rules);
  EXPECT_EQ(by_rule["app"], 1u);
  EXPECT_EQ(by_rule["sev"], 1u);
  EXPECT_EQ(by_rule["fac"], 2u);
  EXPECT_EQ(by_rule["host"], 1u);
  EXPECT_EQ(by_rule["tags"], 1u);
}

TEST(LogRulesTest, PatternsHyperscanCannotParseAreStillMatchedByPcre2) {
  Recorder rec;
  auto rules = Make({Rule("keep", "user=\\K\\w+"), Rule("plain", "plain")}, rec);
  rules->Observe(Msg("login user=alice"));
  rules->Observe(Msg("no match here"));
  EXPECT_EQ(rules->stats()[0].matches, 1u);
  EXPECT_EQ(rules->stats()[1].matches, 0u);
}

TEST(LogRulesTest, EveryRuleAMessageHitsIsConfirmedInConfigOrder) {
  Recorder rec;
  LogRuleConfig disk = Rule("disk", "disk (full|error)");
  LogRuleConfig nginx = Rule("nginx", "error");
  nginx.app_names = {"nginx"};
  LogRuleConfig keep = Rule("keep", "err\\Kor");  // PCRE2 only: Hyperscan refuses \K
  LogRuleConfig never = Rule("never", "no such text");
  for (LogRuleConfig* r : {&disk, &nginx, &keep, &never}) r->alert_count = 1;
  auto rules = Make({disk, nginx, keep, never}, rec);
  rules->Observe(Msg("disk error on sda"));  // sshd
  LogRecord from_nginx = Msg("disk error on sdb");
  from_nginx.app_name = "nginx";
  rules->Observe(from_nginx);
  std::map<std::string, std::uint64_t> by_rule = MatchesByRule(*rules);
  EXPECT_EQ(by_rule["disk"], 2u);
  EXPECT_EQ(by_rule["nginx"], 1u);
  EXPECT_EQ(by_rule["keep"], 2u);
  EXPECT_EQ(by_rule["never"], 0u);
  // One alert per (rule, host) whose window filled, in the order of the config.
  std::vector<std::string> order;
  for (const auto& a : rec.alerts) order.push_back(std::get<1>(a));
  EXPECT_EQ(order, (std::vector<std::string>{"disk", "keep", "nginx"}));
}

TEST(LogRulesTest, AlertsWhenTheWindowFillsAndRecoversWhenItEmpties) {
  Recorder rec;
  LogRuleConfig c = Rule("ssh", "Failed password");
  c.alert_count = 3;
  c.alert_window = 60s;
  c.alert_lines = 2;
  auto rules = Make({c}, rec);
  rules->Observe(Msg("Failed password 1", "web01", kT0));
  rules->Observe(Msg("Failed password 2", "web01", kT0 + 70s));  // the first fell out already
  rules->Observe(Msg("Failed password 3", "web01", kT0 + 80s));
  ASSERT_TRUE(rec.alerts.empty());
  rules->Observe(Msg("Failed password 4", "web01", kT0 + 90s));
  ASSERT_EQ(rec.alerts.size(), 1u);
  const auto& [host, rule, result] = rec.alerts[0];
  EXPECT_EQ(host, "web01");
  EXPECT_EQ(rule, "ssh");
  EXPECT_EQ(result.state, probes::State::kCritical);
  EXPECT_NE(result.text.find("3 matches"), std::string::npos) << result.text;
  EXPECT_EQ(result.long_text.find("Failed password 2"), std::string::npos);  // 2 lines kept
  EXPECT_NE(result.long_text.find("Failed password 3"), std::string::npos);
  EXPECT_NE(result.long_text.find("Failed password 4"), std::string::npos);
  rules->Observe(Msg("Failed password 5", "web01", kT0 + 95s));  // still firing: no repeat
  EXPECT_EQ(rec.alerts.size(), 1u);
  rules->Tick(kT0 + 120s);  // 3, 4, 5 are within 60 s
  EXPECT_EQ(rec.alerts.size(), 1u);
  rules->Tick(kT0 + 145s);  // only 5 left
  ASSERT_EQ(rec.alerts.size(), 2u);
  EXPECT_EQ(std::get<2>(rec.alerts[1]).state, probes::State::kOk);
  EXPECT_EQ(rules->stats()[0].alerts, 1u);
}

TEST(LogRulesTest, AnAlertOpenFromBeforeRecoversWhenQuiet) {
  Recorder rec;
  LogRuleConfig c = Rule("ssh", "Failed password");
  c.alert_count = 2;
  auto rules = Make({c}, rec, nullptr, {{"web01", "ssh"}, {"web01", "gone"}});
  rules->Tick(kT0);
  ASSERT_EQ(rec.alerts.size(), 1u);
  EXPECT_EQ(std::get<0>(rec.alerts[0]), "web01");
  EXPECT_EQ(std::get<2>(rec.alerts[0]).state, probes::State::kOk);
}

TEST(LogRulesTest, HostsPerRuleAreBounded) {
  Recorder rec;
  auto rules = Make({Rule("any", "x")}, rec);
  rules->Tick(kT0);
  for (std::size_t i = 0; i < LogRules::kMaxHosts + 50; ++i) {
    rules->Observe(Msg("x", "h" + std::to_string(i)));
  }
  rules->Tick(kT0 + 60s);
  EXPECT_EQ(rec.counts.size(), LogRules::kMaxHosts + 1);  // + "_other"
  EXPECT_EQ((rec.counts[{"_other", "any"}]), 50u);
}

TEST(LogRulesTest, AnInvalidPatternNamesTheRule) {
  Recorder rec;
  auto r = LogRules::Create({Rule("broken", "(unclosed")}, nullptr, rec.Sinks());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("broken"), std::string::npos);
}

}  // namespace
}  // namespace gs::collector::syslog
