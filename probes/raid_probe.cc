#include "probes/raid_probe.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "probes/text_fields.h"

namespace gs::probes {

namespace {

// A non-negative decimal number and nothing else (from_chars would also take "-1", "inf",
// "nan", which the kernel never prints).
template <typename T>
std::optional<T> Number(std::string_view text) {
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text.front()))) return std::nullopt;
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "12.6%" -> 12.6 (suffix stripped); nullopt unless the rest is a plain number.
std::optional<double> NumberWithSuffix(std::string_view text, std::string_view suffix) {
  if (!text.ends_with(suffix)) return std::nullopt;
  const auto value = Number<double>(text.substr(0, text.size() - suffix.size()));
  if (!value || !std::isfinite(*value)) return std::nullopt;
  return value;
}

// "sda1[0](F)(W)" -> member; nullopt when the token is not of that form.
std::optional<MdMember> ParseMember(std::string_view token) {
  const std::size_t open = token.find('[');
  const std::size_t close = token.find(']');
  if (open == 0 || open == std::string_view::npos || close == std::string_view::npos ||
      close < open || open > kMaxMdName) {
    return std::nullopt;
  }
  const auto index = Number<int>(token.substr(open + 1, close - open - 1));
  if (!index) return std::nullopt;
  MdMember m{std::string(token.substr(0, open)), *index};
  for (std::string_view flags = token.substr(close + 1); !flags.empty(); flags.remove_prefix(3)) {
    if (flags.size() < 3 || flags[0] != '(' || flags[2] != ')') return std::nullopt;
    bool* flag = flags[1] == 'F'   ? &m.failed
                 : flags[1] == 'S' ? &m.spare
                 : flags[1] == 'W' ? &m.write_mostly
                 : flags[1] == 'R' ? &m.replacement
                 : flags[1] == 'J' ? &m.journal
                                   : nullptr;
    if (flag == nullptr) return std::nullopt;
    *flag = true;
  }
  return m;
}

std::optional<MdSyncAction> ActionFromWord(std::string_view word) {
  if (word == "resync") return MdSyncAction::kResync;
  if (word == "recovery" || word == "recover") return MdSyncAction::kRecovery;
  if (word == "check") return MdSyncAction::kCheck;
  if (word == "repair") return MdSyncAction::kRepair;
  if (word == "reshape") return MdSyncAction::kReshape;
  return std::nullopt;
}

// The parser's state between lines.
class Parser {
 public:
  MdstatReport Run(std::string_view text);

 private:
  void Line(std::string_view line);
  bool Header(const std::vector<std::string_view>& t);
  bool Blocks(const std::vector<std::string_view>& t);
  bool Progress(const std::vector<std::string_view>& t);
  // Counts a line (or a word of one) that fits nothing.
  void Note(std::string_view what, std::string_view text);

  MdstatReport report_;
  MdArray* current_ = nullptr;
  bool skipping_ = false;  // inside an array dropped past the cap
  std::size_t line_number_ = 0;
};

MdstatReport Parser::Run(std::string_view text) {
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    ++line_number_;
    Line(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  }
  return std::move(report_);
}

void Parser::Line(std::string_view line) {
  const std::vector<std::string_view> t = SplitFields(line, " \t\r");
  if (t.empty()) return;
  if (t[0] == "Personalities" && t.size() >= 2 && t[1] == ":") {
    for (std::size_t i = 2; i < t.size() && report_.personalities.size() < 64; ++i) {
      if (t[i].size() > 2 && t[i].front() == '[' && t[i].back() == ']') {
        report_.personalities.emplace_back(t[i].substr(1, t[i].size() - 2));
      }
    }
    return;
  }
  if (t[0] == "unused" || t[0] == "read_ahead" || t[0] == "bitmap:") return;
  if (Header(t)) return;
  const bool indented = line.front() == ' ' || line.front() == '\t';
  if (indented && skipping_) return;
  if (indented && current_ != nullptr && (Blocks(t) || Progress(t))) return;
  Note("unrecognised line", line);
}

bool Parser::Header(const std::vector<std::string_view>& t) {
  if (t.size() < 3 || t[1] != ":" || (t[2] != "active" && t[2] != "inactive")) return false;
  current_ = nullptr;
  skipping_ = report_.arrays.size() >= kMaxMdArrays || t[0].size() > kMaxMdName;
  if (skipping_) {
    ++report_.dropped;
    return true;
  }
  MdArray& a = report_.arrays.emplace_back();
  current_ = &a;
  a.name = std::string(t[0]);
  a.active = t[2] == "active";
  for (std::size_t i = 3; i < t.size(); ++i) {
    if (t[i] == "(read-only)") {
      a.read_only = true;
    } else if (t[i] == "(auto-read-only)") {
      a.auto_read_only = true;
    } else if (auto member = ParseMember(t[i])) {
      if (a.members.size() < kMaxMdMembers) {
        a.members.push_back(std::move(*member));
      } else {
        ++report_.dropped;
      }
    } else if (a.level.empty() && a.members.empty() && t[i].size() <= kMaxMdName) {
      a.level = std::string(t[i]);
    } else {
      Note("unrecognised member", t[i]);
    }
  }
  return true;
}

// "976630464 blocks super 1.2 [2/1] [U_]" (and raid5/raid10/raid0 variants).
bool Parser::Blocks(const std::vector<std::string_view>& t) {
  if (t.size() < 2 || t[1] != "blocks") return false;
  const auto blocks = Number<std::uint64_t>(t[0]);
  if (!blocks) return false;
  current_->blocks = *blocks;
  for (std::size_t i = 2; i + 1 < t.size(); ++i) {
    const std::string_view disks = t[i];
    const std::size_t slash = disks.find('/');
    if (disks.size() < 5 || disks.front() != '[' || disks.back() != ']' ||
        slash == std::string_view::npos) {
      continue;
    }
    const auto n = Number<int>(disks.substr(1, slash - 1));
    const auto m = Number<int>(disks.substr(slash + 1, disks.size() - slash - 2));
    const std::string_view status = t[i + 1];
    if (!n || !m || status.size() < 2 || status.front() != '[' || status.back() != ']' ||
        status.find_first_not_of("U_", 1) != status.size() - 1) {
      continue;
    }
    current_->raid_disks = n;
    current_->active_disks = m;
    current_->status = std::string(status.substr(1, std::min(status.size() - 2, kMaxMdMembers)));
  }
  return true;
}

// "[==>....]  recovery = 12.6% (37043392/292945152) finish=127.5min speed=33440K/sec",
// "resync=DELAYED", "resync=PENDING", "resync=REMOTE" (md-cluster: another node syncs).
bool Parser::Progress(const std::vector<std::string_view>& t) {
  MdSync& s = current_->sync;
  if (t.size() == 1 && t[0].find('=') != std::string_view::npos) {
    const std::string_view word = t[0].substr(0, t[0].find('='));
    const std::string_view what = t[0].substr(word.size() + 1);
    const auto action = ActionFromWord(word);
    if (!action || (what != "DELAYED" && what != "PENDING" && what != "REMOTE")) return false;
    s.action = *action;
    s.delayed = what == "DELAYED";
    s.pending = what == "PENDING";
    return true;
  }
  std::size_t i = t[0].front() == '[' ? 1 : 0;
  if (i >= t.size()) return false;
  const auto action = ActionFromWord(t[i]);
  if (!action || i + 1 >= t.size() || !t[i + 1].starts_with('=')) return false;
  s.action = *action;
  // "= 12.6%" or, at 100%, "=100.0%".
  std::string_view pct = t[i + 1].substr(1);
  i += 2;
  if (pct.empty() && i < t.size()) pct = t[i++];
  s.percent = NumberWithSuffix(pct, "%");
  for (; i < t.size(); ++i) {
    if (t[i].starts_with("finish=")) s.finish_minutes = NumberWithSuffix(t[i].substr(7), "min");
    if (t[i].starts_with("speed=")) s.speed_kib = NumberWithSuffix(t[i].substr(6), "K/sec");
  }
  return true;
}

void Parser::Note(std::string_view what, std::string_view text) {
  ++report_.unparsed_lines;
  if (report_.notes.size() >= kMaxMdstatNotes) return;
  std::string shown(text.substr(0, 60));
  for (char& c : shown) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  }
  report_.notes.push_back("line " + std::to_string(line_number_) + ": " + std::string(what) + " '" +
                          shown + "'");
}

std::string Format(const char* format, double value) {
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), format, value);
  return buf.data();
}

// "recovery 42.3% finish 12.5min" (the parts the kernel printed).
std::string ProgressText(const MdSync& s) {
  std::string out(ToString(s.action));
  if (s.delayed || s.pending) return "resync=" + std::string(s.delayed ? "DELAYED" : "PENDING");
  if (s.percent) out += " " + Format("%.1f%%", *s.percent);
  if (s.finish_minutes) out += " finish " + Format("%.1fmin", *s.finish_minutes);
  return out;
}

bool Rebuilding(const MdSync& s) {
  return (s.action == MdSyncAction::kResync || s.action == MdSyncAction::kRecovery ||
          s.action == MdSyncAction::kReshape) &&
         !s.delayed && !s.pending;
}

std::string FailedNames(const MdArray& a) {
  std::string out;
  for (const MdMember& m : a.members) {
    if (m.failed) out += (out.empty() ? "" : " ") + m.device;
  }
  return out.empty() ? out : " " + out + " failed";
}

struct Verdict {
  State state = State::kOk;
  std::string text;
};

Verdict Judge(const MdArray& a) {
  const std::string status = a.status.empty() ? "" : " [" + a.status + "]";
  const std::string failed = FailedNames(a);
  if (!a.active) return {State::kCritical, a.name + " inactive" + failed};
  if (Rebuilding(a.sync))
    return {State::kWarning, a.name + " " + ProgressText(a.sync) + status + failed};
  if (a.Degraded()) {
    std::string text = a.name + " degraded" + status + failed;
    if (failed.empty() && a.raid_disks && a.active_disks) {
      text += " " + std::to_string(*a.raid_disks - *a.active_disks) + " of " +
              std::to_string(*a.raid_disks) + " devices missing";
    }
    if (a.sync.delayed || a.sync.pending) text += " " + ProgressText(a.sync);
    return {State::kCritical, text};
  }
  if (a.sync.delayed || a.sync.pending)
    return {State::kWarning, a.name + " " + ProgressText(a.sync)};
  if (!failed.empty()) return {State::kWarning, a.name + status + failed};
  if (a.sync.action != MdSyncAction::kNone)
    return {State::kOk, a.name + " " + ProgressText(a.sync)};
  return {State::kOk, a.name + " " + a.level + status};
}

std::string Detail(const MdArray& a) {
  std::string out = a.name + ": " + (a.active ? "active" : "inactive");
  if (a.read_only || a.auto_read_only) out += a.read_only ? " read-only" : " auto-read-only";
  if (!a.level.empty()) out += " " + a.level;
  if (a.raid_disks && a.active_disks) {
    out += ", " + std::to_string(*a.active_disks) + " of " + std::to_string(*a.raid_disks) +
           " in sync [" + a.status + "]";
  }
  out += a.members.empty() ? ", no members" : ", members";
  for (const MdMember& m : a.members) {
    out += " " + m.device + "[" + std::to_string(m.index) + "]" + (m.failed ? "(F)" : "") +
           (m.spare ? "(S)" : "") + (m.write_mostly ? "(W)" : "") + (m.replacement ? "(R)" : "") +
           (m.journal ? "(J)" : "");
  }
  out += ", " + std::to_string(a.blocks) + " blocks";
  if (a.sync.action != MdSyncAction::kNone) out += ", " + ProgressText(a.sync);
  if (a.sync.speed_kib) out += " speed " + Format("%.0fK/sec", *a.sync.speed_kib);
  return out;
}

void AddPerfdata(const MdArray& a, std::vector<Perfdata>& perf) {
  double in_sync = 0;
  double members = 0;
  double failed = 0;
  for (const MdMember& m : a.members) {
    failed += m.failed ? 1 : 0;
    members += m.failed || m.spare ? 0 : 1;
  }
  if (a.active) in_sync = a.active_disks ? *a.active_disks : members;
  const double size = a.raid_disks ? *a.raid_disks : members;
  double sync = 100;
  if (!a.active || a.sync.delayed || a.sync.pending) {
    sync = 0;
  } else if (a.sync.action != MdSyncAction::kNone) {
    sync = a.sync.percent.value_or(0);
  }
  perf.push_back(Perfdata{a.name + "_active_devices", in_sync, "", "", "", 0.0, size});
  perf.push_back(Perfdata{a.name + "_failed_devices", failed, "", "", "", 0.0, std::nullopt});
  perf.push_back(Perfdata{a.name + "_sync_pct", sync, "%", "", "", 0.0, 100.0});
}

void Append(std::string& to, std::string_view separator, const std::string& what) {
  to += (to.empty() ? "" : std::string(separator)) + what;
}

}  // namespace

std::string_view ToString(MdSyncAction action) {
  constexpr std::array<std::string_view, 6> kNames = {"idle",  "resync", "recovery",
                                                      "check", "repair", "reshape"};
  const auto i = static_cast<std::size_t>(action);
  return i < kNames.size() ? kNames[i] : "idle";
}

bool MdArray::Degraded() const {
  if (raid_disks && active_disks && *active_disks < *raid_disks) return true;
  return status.find('_') != std::string::npos;
}

MdstatReport ParseMdstat(std::string_view text) { return Parser().Run(text); }

CheckResult EvaluateRaid(const MdstatReport& report, const RaidCheckSpec& spec) {
  CheckResult result;
  std::vector<Verdict> verdicts;
  for (const std::string& name : spec.required_arrays) {
    const bool found = std::any_of(report.arrays.begin(), report.arrays.end(),
                                   [&](const MdArray& a) { return a.name == name; });
    if (!found) verdicts.push_back({State::kCritical, name + " missing"});
  }
  for (const MdArray& a : report.arrays) {
    verdicts.push_back(Judge(a));
    Append(result.long_text, "\n", Detail(a));
    AddPerfdata(a, result.perfdata);
  }
  std::stable_sort(verdicts.begin(), verdicts.end(), [](const Verdict& a, const Verdict& b) {
    return Severity(a.state) > Severity(b.state);
  });
  result.state = State::kOk;
  for (const Verdict& v : verdicts) {
    result.state = Worst(result.state, v.state);
    Append(result.text, ", ", v.text);
  }
  if (verdicts.empty()) result.text = "no md arrays";
  if (report.unparsed_lines > 0) {
    Append(result.long_text, "\n",
           std::to_string(report.unparsed_lines) +
               " unrecognised line(s) or word(s) skipped, first: " + report.notes.front());
  }
  if (report.dropped > 0) {
    Append(result.long_text, "\n",
           std::to_string(report.dropped) + " arrays or members past the limits ignored");
  }
  return result;
}

CheckResult RunRaidCheck(const RaidCheckSpec& spec) {
  const auto started = std::chrono::system_clock::now();
  const auto t0 = std::chrono::steady_clock::now();
  CheckResult result;
  std::ifstream in(spec.mdstat_path, std::ios::binary);
  if (!in && errno == ENOENT && spec.mdstat_path == "/proc/mdstat") {
    // No md driver loaded: the box has no software RAID, which is not a problem unless
    // arrays are required (then they are missing: CRITICAL).
    result = EvaluateRaid(MdstatReport{}, spec);
    result.text += " (md driver not loaded)";
  } else if (!in) {
    const int error = errno;
    result.text = "cannot read " + spec.mdstat_path + ": " + std::strerror(error);
    if (error == ENOENT) result.text += " (is the md driver loaded?)";
  } else {
    std::string text(kMaxMdstatBytes, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (in.bad()) {
      result.text = "cannot read " + spec.mdstat_path + ": read error";
    } else {
      result = EvaluateRaid(ParseMdstat(text), spec);
    }
  }
  result.started = started;
  result.duration = std::chrono::steady_clock::now() - t0;
  return result;
}

}  // namespace gs::probes
