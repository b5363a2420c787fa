#define PCRE2_CODE_UNIT_WIDTH 8
#include "collector/syslog/log_rules.h"

#include <hs.h>
#include <pcre2.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>
#include <unordered_set>

#include "collector/config/duration.h"
#include "collector/syslog/archive_format.h"

namespace gs::collector::syslog {

namespace {

using std::chrono::system_clock;

// A matching record kept for the alert text; formatted only when an alert fires.
struct KeptLine {
  system_clock::time_point received;
  std::string host;
  std::string app;
  std::string procid;
  std::string msg;  // at most LogRules::kMaxLine bytes
};

struct HostState {
  std::uint64_t minute_count = 0;
  int idle_minutes = 0;
  std::deque<system_clock::time_point> window;  // newest alert_count match times
  std::vector<KeptLine> lines;  // ring of the newest alert_lines matches (capacity reused)
  std::size_t next_line = 0;    // ring position of the next line to overwrite
  std::size_t kept = 0;         // lines in the ring
  bool firing = false;
};

struct Rule {
  LogRuleConfig config;
  pcre2_code* code = nullptr;
  bool in_hyperscan = false;
  std::unordered_set<std::string> hosts;
  std::unordered_set<std::string> apps;
  std::uint32_t facility_mask = 0;  // bit f set: facility f allowed; 0: any
  std::unordered_map<std::string, HostState> states;
  std::atomic<std::uint64_t> matches{0};
  std::atomic<std::uint64_t> alerts{0};

  ~Rule() {
    if (code != nullptr) pcre2_code_free(code);
  }
};

std::string PcreError(int code) {
  std::array<PCRE2_UCHAR, 256> message{};
  pcre2_get_error_message(code, message.data(), message.size());
  return reinterpret_cast<const char*>(message.data());
}

// Hyperscan's match callback: collects the ids of the rules that may match, once each.
struct Candidates {
  std::vector<char>* seen;       // per rule: already collected for this record
  std::vector<unsigned>* rules;  // the rules collected
};

int OnHyperscanMatch(unsigned int id, unsigned long long /*from*/, unsigned long long /*to*/,
                     unsigned int /*flags*/, void* context) {
  auto* candidates = static_cast<Candidates*>(context);
  char& seen = (*candidates->seen)[id];  // ids are rule indices (LogRules::Create)
  if (seen == 0) {
    seen = 1;
    candidates->rules->push_back(id);
  }
  return 0;  // keep scanning: other rules may match too
}

void Keep(KeptLine& line, const LogRecord& r) {
  line.received = r.received;
  line.host.assign(r.hostname.empty() ? r.source : r.hostname);
  line.app.assign(r.app_name);
  line.procid.assign(r.procid);
  line.msg.assign(r.msg, 0, std::min(r.msg.size(), LogRules::kMaxLine));
}

// "2026-11-22T03:38:33.756198Z web01 sshd[812]: Failed password for root"
std::string FormatLine(const KeptLine& k) {
  std::string line = FormatReceived(k.received);
  line += ' ';
  line += k.host;
  line += ' ';
  line += k.app.empty() ? "-" : k.app;
  if (!k.procid.empty()) line += "[" + k.procid + "]";
  line += ": ";
  for (char c : k.msg) line += (c == '\n' || c == '\r') ? ' ' : c;
  return line;
}

}  // namespace

struct LogRules::Impl {
  std::vector<std::unique_ptr<Rule>> rules;
  std::vector<unsigned> hs_ids;  // hyperscan pattern id -> rule index
  hs_database_t* db = nullptr;
  hs_scratch_t* scratch = nullptr;
  pcre2_match_data* match_data = nullptr;
  std::shared_ptr<const NodeTags> nodes;  // the archive writer's copy
  // SetNodes hands a new node set over here; Observe picks it up.
  std::mutex nodes_mu;
  std::shared_ptr<const NodeTags> next_nodes;  // guarded by nodes_mu
  std::atomic<bool> nodes_changed{false};
  Sinks sinks;
  std::vector<char> hit;             // per rule: hyperscan says it may match (reset per record)
  std::vector<unsigned> candidates;  // the rules hit, then those confirmed by PCRE2 alone
  std::vector<unsigned> pcre_only;   // rules Hyperscan could not take: PCRE2 on every record
  bool all_filtered = false;         // every rule has a field prefilter
  std::int64_t minute = -1;
  ArchiveHostCache hosts;

  ~Impl() {
    if (scratch != nullptr) hs_free_scratch(scratch);
    if (db != nullptr) hs_free_database(db);
    if (match_data != nullptr) pcre2_match_data_free(match_data);
  }

  static std::int64_t MinuteOf(system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::minutes>(t.time_since_epoch()).count();
  }

  static bool HasFieldFilter(const Rule& rule) {
    return rule.config.max_severity < 7 || rule.facility_mask != 0 || !rule.apps.empty() ||
           !rule.hosts.empty() || rule.config.select.has_value();
  }

  bool FieldsAllow(const Rule& rule, const LogRecord& r, const std::string& host) const {
    const LogRuleConfig& c = rule.config;
    if (c.max_severity < 7 && (r.severity < 0 || r.severity > c.max_severity)) return false;
    if (rule.facility_mask != 0 &&
        (r.facility < 0 || (rule.facility_mask & (1u << r.facility)) == 0)) {
      return false;
    }
    if (!rule.apps.empty() && rule.apps.count(r.app_name) == 0) return false;
    if (!rule.hosts.empty() && rule.hosts.count(host) == 0) return false;
    if (c.select) {
      if (r.node.empty() || nodes == nullptr) return false;
      const auto it = nodes->find(r.node);
      if (it == nodes->end() || !c.select->Matches(*it->second)) return false;
    }
    return true;
  }

  probes::CheckResult Critical(const Rule& rule, const HostState& st,
                               system_clock::time_point now) const {
    probes::CheckResult result;
    result.state = probes::State::kCritical;
    result.text = std::to_string(st.window.size()) + " matches of log rule " + rule.config.name +
                  " within " + FormatDuration(rule.config.alert_window) + " (alert at " +
                  std::to_string(rule.config.alert_count) + ")";
    const std::size_t ring = st.lines.size();
    for (std::size_t i = 0; i < st.kept; ++i) {  // oldest first
      if (!result.long_text.empty()) result.long_text += '\n';
      result.long_text += FormatLine(st.lines[(st.next_line + ring - st.kept + i) % ring]);
    }
    result.started = now;
    return result;
  }

  void Matched(Rule& rule, const std::string& host, const LogRecord& r) {
    ++rule.matches;
    auto it = rule.states.find(host);
    if (it == rule.states.end()) {
      it = rule.states.try_emplace(rule.states.size() >= kMaxHosts ? "_other" : host).first;
    }
    HostState& st = it->second;
    ++st.minute_count;
    const LogRuleConfig& c = rule.config;
    if (c.alert_count <= 0) return;
    st.window.push_back(r.received);
    while (st.window.size() > static_cast<std::size_t>(c.alert_count)) st.window.pop_front();
    if (c.alert_lines > 0) {
      if (st.lines.empty()) st.lines.resize(static_cast<std::size_t>(c.alert_lines));
      Keep(st.lines[st.next_line], r);
      st.next_line = (st.next_line + 1) % st.lines.size();
      st.kept = std::min(st.kept + 1, st.lines.size());
    }
    if (!st.firing && st.window.size() == static_cast<std::size_t>(c.alert_count) &&
        st.window.back() - st.window.front() <= c.alert_window) {
      st.firing = true;
      ++rule.alerts;
      if (sinks.on_alert) sinks.on_alert(it->first, c.name, Critical(rule, st, r.received));
    }
  }
};

std::string LogRuleCheckName(const std::string& rule) { return "log:" + rule; }

LogRules::LogRules(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LogRules::~LogRules() = default;

Result<std::unique_ptr<LogRules>> LogRules::Create(
    std::vector<LogRuleConfig> configs, std::shared_ptr<const NodeTags> nodes, Sinks sinks,
    const std::set<std::pair<std::string, std::string>>& firing) {
  auto impl = std::make_unique<Impl>();
  impl->nodes = std::move(nodes);
  impl->sinks = std::move(sinks);
  std::vector<const char*> hs_patterns;
  std::vector<unsigned> hs_flags;
  std::vector<unsigned> hs_ids;
  for (LogRuleConfig& c : configs) {
    auto rule = std::make_unique<Rule>();
    int code = 0;
    PCRE2_SIZE offset = 0;
    rule->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(c.pattern.data()), c.pattern.size(), 0,
                               &code, &offset, nullptr);
    if (rule->code == nullptr) {
      return Fail("log rule " + c.name + ": invalid pattern at offset " + std::to_string(offset) +
                  ": " + PcreError(code));
    }
    (void)pcre2_jit_compile(rule->code, PCRE2_JIT_COMPLETE);
    rule->hosts.insert(c.hosts.begin(), c.hosts.end());
    rule->apps.insert(c.app_names.begin(), c.app_names.end());
    for (int f : c.facilities) rule->facility_mask |= 1u << f;
    // Hyperscan in prefilter mode accepts a superset of each pattern's matches; a pattern it
    // cannot parse at all (e.g. with \K or backtracking verbs) is confirmed by PCRE2 alone.
    hs_database_t* probe = nullptr;
    hs_compile_error_t* error = nullptr;
    const unsigned flags = HS_FLAG_PREFILTER | HS_FLAG_SINGLEMATCH | HS_FLAG_ALLOWEMPTY;
    if (hs_compile(c.pattern.c_str(), flags, HS_MODE_BLOCK, nullptr, &probe, &error) ==
        HS_SUCCESS) {
      hs_free_database(probe);
      rule->in_hyperscan = true;
      hs_flags.push_back(flags);
      hs_ids.push_back(static_cast<unsigned>(impl->rules.size()));
    } else {
      hs_free_compile_error(error);
    }
    rule->config = std::move(c);
    impl->rules.push_back(std::move(rule));
  }
  for (const auto& r : impl->rules) {
    if (r->in_hyperscan) hs_patterns.push_back(r->config.pattern.c_str());
  }
  if (!hs_patterns.empty()) {
    hs_compile_error_t* error = nullptr;
    if (hs_compile_multi(hs_patterns.data(), hs_flags.data(), hs_ids.data(),
                         static_cast<unsigned>(hs_patterns.size()), HS_MODE_BLOCK, nullptr,
                         &impl->db, &error) != HS_SUCCESS ||
        hs_alloc_scratch(impl->db, &impl->scratch) != HS_SUCCESS) {
      if (error != nullptr) hs_free_compile_error(error);
      if (impl->db != nullptr) hs_free_database(impl->db);
      impl->db = nullptr;
      for (auto& r : impl->rules) r->in_hyperscan = false;  // PCRE2 for every rule
    }
  }
  impl->match_data = pcre2_match_data_create(1, nullptr);
  impl->hit.assign(impl->rules.size(), 0);
  impl->all_filtered = !impl->rules.empty();
  for (std::size_t i = 0; i < impl->rules.size(); ++i) {
    if (!impl->rules[i]->in_hyperscan) impl->pcre_only.push_back(static_cast<unsigned>(i));
    if (!Impl::HasFieldFilter(*impl->rules[i])) impl->all_filtered = false;
  }
  for (const auto& [host, rule_name] : firing) {
    for (auto& r : impl->rules) {
      if (r->config.name == rule_name && r->config.alert_count > 0) {
        r->states[host].firing = true;
      }
    }
  }
  return std::unique_ptr<LogRules>(new LogRules(std::move(impl)));
}

void LogRules::SetNodes(std::shared_ptr<const NodeTags> nodes) {
  {
    std::lock_guard lock(impl_->nodes_mu);
    impl_->next_nodes = std::move(nodes);
  }
  impl_->nodes_changed = true;
}

void LogRules::Observe(const LogRecord& record) {
  Impl& m = *impl_;
  if (m.rules.empty()) return;
  if (m.nodes_changed.load(std::memory_order_relaxed) && m.nodes_changed.exchange(false)) {
    std::lock_guard lock(m.nodes_mu);
    m.nodes = std::move(m.next_nodes);
  }
  if (m.all_filtered) {  // maybe no rule applies to this record: then no need to scan it
    const std::string& host = m.hosts.Get(record);
    bool any = false;
    for (const auto& rule : m.rules) {
      if (m.FieldsAllow(*rule, record, host)) {
        any = true;
        break;
      }
    }
    if (!any) return;
  }
  // Hyperscan names the few rules that may match; their fields and PCRE2 decide.
  m.candidates.clear();
  if (m.db != nullptr) {
    Candidates context{&m.hit, &m.candidates};
    hs_scan(m.db, record.msg.data(), static_cast<unsigned>(record.msg.size()), 0, m.scratch,
            OnHyperscanMatch, &context);
    for (unsigned i : m.candidates) m.hit[i] = 0;
  }
  m.candidates.insert(m.candidates.end(), m.pcre_only.begin(), m.pcre_only.end());
  if (m.candidates.empty()) return;
  std::sort(m.candidates.begin(), m.candidates.end());  // rules in config order
  // The same host identity as the archive's directory (hostname first: behind NAT many
  // senders share one address); `select` still uses the node the address matched.
  const std::string& host = m.hosts.Get(record);
  for (unsigned i : m.candidates) {
    Rule& rule = *m.rules[i];
    if (!m.FieldsAllow(rule, record, host)) continue;
    const int rc = pcre2_match(rule.code, reinterpret_cast<PCRE2_SPTR>(record.msg.data()),
                               record.msg.size(), 0, 0, m.match_data, nullptr);
    if (rc >= 0) m.Matched(rule, host, record);
  }
}

void LogRules::Tick(system_clock::time_point now) {
  Impl& m = *impl_;
  const std::int64_t minute = Impl::MinuteOf(now);
  const bool new_minute = m.minute >= 0 && minute > m.minute;
  const auto minute_end = system_clock::time_point(std::chrono::minutes(minute));
  for (auto& rule : m.rules) {
    const LogRuleConfig& c = rule->config;
    for (auto it = rule->states.begin(); it != rule->states.end();) {
      HostState& st = it->second;
      if (new_minute) {
        if (c.count && m.sinks.on_count) {
          m.sinks.on_count(it->first, c.name, minute_end, st.minute_count);
        }
        st.idle_minutes = st.minute_count == 0 ? st.idle_minutes + 1 : 0;
        st.minute_count = 0;
      }
      if (c.alert_count > 0) {
        while (!st.window.empty() && st.window.front() < now - c.alert_window) {
          st.window.pop_front();
        }
        if (st.firing && st.window.size() < static_cast<std::size_t>(c.alert_count)) {
          st.firing = false;
          probes::CheckResult ok;
          ok.state = probes::State::kOk;
          ok.text = "fewer than " + std::to_string(c.alert_count) + " matches of log rule " +
                    c.name + " within " + FormatDuration(c.alert_window);
          ok.started = now;
          if (m.sinks.on_alert) m.sinks.on_alert(it->first, c.name, std::move(ok));
        }
      }
      // A host quiet for an hour is forgotten (its graph then has gaps, as for a dead node).
      if (!st.firing && st.window.empty() && st.idle_minutes >= 60) {
        it = rule->states.erase(it);
      } else {
        ++it;
      }
    }
  }
  m.minute = minute;
}

std::vector<LogRules::RuleStats> LogRules::stats() const {
  std::vector<RuleStats> out;
  for (const auto& r : impl_->rules) out.push_back({r->config.name, r->matches, r->alerts});
  return out;
}

bool LogRules::uses_hyperscan() const { return impl_->db != nullptr; }

}  // namespace gs::collector::syslog
