#define PCRE2_CODE_UNIT_WIDTH 8
#include "collector/config/parse.h"

#include <pcre2.h>

#include <array>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>
#include <system_error>

#include "collector/config/size.h"
#include "collector/config/template.h"

namespace gs::collector::config_parse {

std::optional<std::string> RegexError(const std::string& pattern) {
  int code = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* re = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                 PCRE2_UTF, &code, &offset, nullptr);
  if (re != nullptr) {
    pcre2_code_free(re);
    return std::nullopt;
  }
  std::array<PCRE2_UCHAR, 256> message{};
  pcre2_get_error_message(code, message.data(), message.size());
  return "invalid regex \"" + pattern + "\" at offset " + std::to_string(offset) + ": " +
         reinterpret_cast<const char*>(message.data());
}

std::optional<std::uint64_t> Size(YamlWalker& w, const YAML::Node& parent, std::string_view name,
                                  std::string_view key, std::uint64_t min, std::uint64_t max) {
  auto text = w.String(parent, name, key);
  if (!text) return std::nullopt;
  auto size = ParseSize(*text);
  if (!size) {
    w.Error(parent[std::string(name)], KeyPath(key, name), "bad size " + size.error().message);
    return std::nullopt;
  }
  if (*size < min || *size > max) {
    w.Error(parent[std::string(name)], KeyPath(key, name),
            "must be between " + std::to_string(min) + " and " + std::to_string(max) + " bytes");
    return std::nullopt;
  }
  return *size;
}

void ParseTemplated(YamlWalker& w, const YAML::Node& check, const std::string& key,
                    std::string_view name, std::string& out) {
  auto value = w.String(check, name, key);
  if (!value) return;
  if (auto ok = ValidateTemplate(*value); !ok) {
    w.Error(check[std::string(name)], KeyPath(key, name), ok.error().message);
  }
  out = *value;
}

void CheckRegex(YamlWalker& w, const YAML::Node& node, const std::string& key,
                const std::string& pattern) {
  if (auto error = RegexError(pattern)) w.Error(node, key, *error);
}

namespace {

using Condition = probes::Selector::Condition;

// "web" -> equals; "!web" -> none of; "*" -> exists; "!*" -> absent.
std::optional<Condition> ScalarCondition(const std::string& key, const std::string& value) {
  if (value == "*") return Condition{key, Condition::Kind::kExists, {}};
  if (value == "!*") return Condition{key, Condition::Kind::kAbsent, {}};
  if (value.starts_with("!")) return Condition{key, Condition::Kind::kNoneOf, {value.substr(1)}};
  return Condition{key, Condition::Kind::kEquals, {value}};
}

std::optional<Condition> ListCondition(YamlWalker& w, const YAML::Node& node,
                                       const std::string& tag, const std::string& path) {
  std::vector<std::string> values;
  int negated = 0;
  for (std::size_t i = 0; i < node.size(); ++i) {
    auto v = w.Scalar(node[i], KeyPath(path, i));
    if (!v) return std::nullopt;
    if (v->starts_with("!")) ++negated;
    values.push_back(negated > 0 && v->starts_with("!") ? v->substr(1) : *v);
  }
  if (values.empty()) {
    w.Error(node, path, "an empty list matches nothing");
    return std::nullopt;
  }
  if (negated != 0 && negated != static_cast<int>(values.size())) {
    w.Error(node, path, "mixes negated and plain values (use all \"!x\" or none)");
    return std::nullopt;
  }
  return Condition{tag, negated ? Condition::Kind::kNoneOf : Condition::Kind::kOneOf, values};
}

// {in: [..]}, {not_in: [..]}, {not: x}, {exists: true|false}
std::optional<Condition> MapCondition(YamlWalker& w, const YAML::Node& node, const std::string& tag,
                                      const std::string& path) {
  if (!w.ExpectMap(node, path, {"in", "not_in", "not", "exists"}) || node.size() != 1) {
    if (node.IsMap()) w.Error(node, path, "needs exactly one of in, not_in, not, exists");
    return std::nullopt;
  }
  const std::string op = node.begin()->first.Scalar();
  if (op == "exists") {
    auto b = w.Bool(node, "exists", path);
    if (!b) return std::nullopt;
    return Condition{tag, *b ? Condition::Kind::kExists : Condition::Kind::kAbsent, {}};
  }
  auto values = w.StringList(node, op, path);
  if (!values || values->empty()) {
    if (values) w.Error(node, KeyPath(path, op), "an empty list matches nothing");
    return std::nullopt;
  }
  return Condition{tag, op == "in" ? Condition::Kind::kOneOf : Condition::Kind::kNoneOf, *values};
}

std::optional<std::vector<probes::StatusRange>> ParseExpectStatus(YamlWalker& w,
                                                                  const YAML::Node& check,
                                                                  const std::string& key) {
  auto items = w.StringList(check, "expect_status", key);
  if (!items) return std::nullopt;
  std::string joined;
  for (const auto& s : *items) joined += (joined.empty() ? "" : ",") + s;
  auto ranges = probes::ParseStatusRanges(joined);
  if (!ranges) {
    w.Error(check["expect_status"], KeyPath(key, "expect_status"), ranges.error().message);
    return std::nullopt;
  }
  return *ranges;
}

// warning/critical: {time: 0.5s, cert_days: 30}
void ParseHttpThresholds(YamlWalker& w, const YAML::Node& node, const std::string& key,
                         probes::Range& time, std::optional<int>& cert_days) {
  if (!w.ExpectMap(node, key, {"time", "cert_days"})) return;
  if (auto d = w.Duration(node, "time", key)) {
    std::array<char, 32> buf{};
    auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(),
                                   static_cast<double>(d->count()) / 1000.0);
    time = *probes::Range::Parse(
        std::string_view(buf.data(), static_cast<std::size_t>(end - buf.data())));
  }
  cert_days = w.Int(node, "cert_days", key, 0, 100000);
}

}  // namespace

void ParseHttp(YamlWalker& w, const YAML::Node& check, const std::string& key, CheckConfig& out) {
  HttpCheckOptions http;
  ParseTemplated(w, check, key, "url", http.url);
  if (!check["url"].IsDefined()) w.Error(check, KeyPath(key, "url"), "is required for kind http");
  http.method = w.String(check, "method", key).value_or(http.method);
  if (auto headers = w.StringMap(check, "headers", key)) http.headers = *headers;
  ParseTemplated(w, check, key, "body", http.body);
  ParseTemplated(w, check, key, "host_header", http.host_header);
  ParseTemplated(w, check, key, "sni", http.sni);
  http.follow_redirects = w.Bool(check, "follow_redirects", key).value_or(false);
  http.verify_tls = w.Bool(check, "verify_tls", key).value_or(true);
  http.expect_status = ParseExpectStatus(w, check, key).value_or(http.expect_status);
  http.body_regex = w.String(check, "body_regex", key).value_or("");
  if (!http.body_regex.empty()) {
    CheckRegex(w, check["body_regex"], KeyPath(key, "body_regex"), http.body_regex);
  }
  ParseHttpThresholds(w, check["warning"], KeyPath(key, "warning"), http.warn_time,
                      http.cert_warn_days);
  ParseHttpThresholds(w, check["critical"], KeyPath(key, "critical"), http.crit_time,
                      http.cert_crit_days);
  out.options = std::move(http);
}

// warning/critical: {used_percent: 90, free: 10GiB, inodes_used_percent: 90}
void ParseDiskLevel(YamlWalker& w, const YAML::Node& check, const std::string& key, bool warning,
                    probes::DiskCheckSpec& disk) {
  const char* level = warning ? "warning" : "critical";
  const std::string path = KeyPath(key, level);
  const YAML::Node node = check[level];
  if (!w.ExpectMap(node, path, {"used_percent", "free", "inodes_used_percent"})) return;
  for (const char* name : {"used_percent", "inodes_used_percent"}) {
    auto p = w.Number(node, name, path);
    if (!p) continue;
    if (*p < 0 || *p > 100) w.Error(node[name], KeyPath(path, name), "must be 0..100");
    if (std::string_view(name) == "used_percent") {
      (warning ? disk.warn_percent : disk.crit_percent) = *p;
    } else {
      (warning ? disk.warn_inode_percent : disk.crit_inode_percent) = *p;
    }
  }
  if (auto free = Size(w, node, "free", path, 0, std::uint64_t{1} << 62)) {
    (warning ? disk.warn_free_bytes : disk.crit_free_bytes) = *free;
  }
}

void ParseDisk(YamlWalker& w, const YAML::Node& check, const std::string& key, CheckConfig& out) {
  probes::DiskCheckSpec disk;
  disk.paths = w.StringList(check, "paths", key).value_or(std::vector<std::string>{});
  disk.include_types = w.StringList(check, "include_types", key).value_or(disk.include_types);
  disk.exclude_types = w.StringList(check, "exclude_types", key).value_or(disk.exclude_types);
  disk.exclude_paths = w.StringList(check, "exclude_paths", key).value_or(disk.exclude_paths);
  ParseDiskLevel(w, check, key, true, disk);
  ParseDiskLevel(w, check, key, false, disk);
  out.options = DiskCheckOptions{std::move(disk)};
}

void ParseRaid(YamlWalker& w, const YAML::Node& check, const std::string& key, CheckConfig& out) {
  probes::RaidCheckSpec raid;
  raid.mdstat_path = w.String(check, "mdstat", key).value_or(raid.mdstat_path);
  raid.required_arrays = w.StringList(check, "arrays", key).value_or(raid.required_arrays);
  out.options = RaidCheckOptions{std::move(raid)};
}

namespace {

constexpr std::string_view kCommonCheckKeys[] = {
    "name",         "kind",           "select",     "interval",   "timeout",
    "max_attempts", "retry_interval", "host_check", "depends_on", "flapping"};

}  // namespace

std::optional<probes::Selector> ParseSelector(YamlWalker& w, const YAML::Node& node,
                                              std::string_view key) {
  if (!node.IsDefined() || node.IsNull()) return probes::Selector{};
  if (!node.IsMap()) {
    w.Error(node, key, "expected a mapping of tag conditions, e.g. {role: web}");
    return std::nullopt;
  }
  std::vector<Condition> conditions;
  bool ok = true;
  for (const auto& kv : node) {
    const std::string tag = kv.first.Scalar();
    const std::string path = KeyPath(key, tag);
    std::optional<Condition> c;
    if (kv.second.IsScalar()) {
      c = ScalarCondition(tag, kv.second.Scalar());
    } else if (kv.second.IsSequence()) {
      c = ListCondition(w, kv.second, tag, path);
    } else if (kv.second.IsMap()) {
      c = MapCondition(w, kv.second, tag, path);
    } else {
      w.Error(kv.second, path, "expected a value, a list or {in|not_in|not|exists: ...}");
    }
    if (c)
      conditions.push_back(std::move(*c));
    else
      ok = false;
  }
  if (!ok) return std::nullopt;
  return probes::Selector(std::move(conditions));
}

// host_check, depends_on and flapping: how the alert engine treats the check.
void ParseAlerting(YamlWalker& w, const YAML::Node& node, const std::string& key,
                   CheckConfig& check) {
  check.host_check = w.Bool(node, "host_check", key).value_or(false);
  if (node["depends_on"].IsDefined()) {
    check.depends_on = ParseSelector(w, node["depends_on"], KeyPath(key, "depends_on"));
    if (check.depends_on && check.depends_on->conditions().empty()) {
      w.Error(node["depends_on"], KeyPath(key, "depends_on"),
              "an empty selector would depend on every check; name one, e.g. {check: lb_http}");
    }
  }
  const YAML::Node flap = node["flapping"];
  if (!flap.IsDefined()) return;
  const std::string fkey = KeyPath(key, "flapping");
  if (flap.IsScalar()) {
    check.flap.enabled = w.Bool(node, "flapping", key).value_or(true);
    return;
  }
  if (!w.ExpectMap(flap, fkey, {"low", "high"})) return;
  check.flap.low_threshold = w.Number(flap, "low", fkey).value_or(check.flap.low_threshold);
  check.flap.high_threshold = w.Number(flap, "high", fkey).value_or(check.flap.high_threshold);
  if (check.flap.low_threshold < 0 || check.flap.high_threshold > 100 ||
      check.flap.low_threshold > check.flap.high_threshold) {
    w.Error(flap, fkey, "needs 0 <= low <= high <= 100 (percent state change)");
  }
}

std::optional<CheckConfig> ParseCheck(YamlWalker& w, const YAML::Node& node,
                                      std::string_view key_view) {
  const std::string key(key_view);
  if (!node.IsMap()) {
    w.Error(node, key, "expected a mapping");
    return std::nullopt;
  }
  const std::string kind_text = node["kind"].IsScalar() ? node["kind"].Scalar() : "";
  const CheckKind* kind = FindCheckKind(kind_text);
  std::vector<std::string_view> allowed(std::begin(kCommonCheckKeys), std::end(kCommonCheckKeys));
  if (kind != nullptr) allowed.insert(allowed.end(), kind->keys.begin(), kind->keys.end());
  if (!w.ExpectMap(node, key, allowed)) return std::nullopt;
  const std::size_t errors_before = w.errors().size();
  CheckConfig check;
  check.name = w.String(node, "name", key).value_or("");
  check.kind = w.String(node, "kind", key).value_or("");
  check.select = ParseSelector(w, node["select"], KeyPath(key, "select")).value_or(check.select);
  check.interval = w.Duration(node, "interval", key).value_or(check.interval);
  check.timeout = w.Duration(node, "timeout", key).value_or(check.timeout);
  // Passive checks are HARD at once (a missed heartbeat is not retried), like Nagios's.
  if (kind != nullptr && kind->passive) check.max_attempts = 1;
  check.max_attempts = w.Int(node, "max_attempts", key, 1, 100).value_or(check.max_attempts);
  check.retry_interval = w.Duration(node, "retry_interval", key).value_or(check.retry_interval);
  ParseAlerting(w, node, key, check);
  if (check.interval < std::chrono::seconds(1)) {
    w.Error(node["interval"], KeyPath(key, "interval"), "must be at least 1s");
  }
  if (check.timeout <= milliseconds(0)) {
    w.Error(node["timeout"], KeyPath(key, "timeout"), "must be positive");
  }
  if (kind != nullptr) {
    kind->parse(w, node, key, check);
  } else {
    w.Error(node["kind"].IsDefined() ? node["kind"] : node, KeyPath(key, "kind"),
            (check.kind.empty() ? "is required (" : "unknown check kind \"" + check.kind + "\" (") +
                CheckKindNames() + ")");
  }
  if (w.errors().size() != errors_before) return std::nullopt;
  return check;
}

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// Reads `name:` (required, restricted charset) and reports a duplicate within `seen`.
std::optional<std::string> ParseName(YamlWalker& w, const YAML::Node& node, std::string_view key,
                                     std::set<std::string>& seen) {
  auto name = w.String(node, "name", key);
  if (!name) {
    if (!node["name"].IsDefined()) w.Error(node, KeyPath(key, "name"), "is required");
    return std::nullopt;
  }
  if (!ValidName(*name)) {
    w.Error(node["name"], KeyPath(key, "name"),
            "\"" + *name + "\" must be 1-128 characters of A-Z a-z 0-9 . _ -");
    return std::nullopt;
  }
  if (!seen.insert(*name).second) {
    w.Error(node["name"], KeyPath(key, "name"), "duplicate name \"" + *name + "\"");
  }
  return name;
}

std::optional<std::string> Secret(YamlWalker& w, const YAML::Node& n, const std::string& key,
                                  const std::string& name) {
  constexpr std::uintmax_t kMaxSecretFile = 64 << 10;
  const std::string file_key = name + "_file";
  if (n[name].IsDefined() && n[file_key].IsDefined()) {
    w.Error(n[file_key], KeyPath(key, file_key), "give " + name + " or " + file_key + ", not both");
    return std::nullopt;
  }
  if (auto inline_value = w.String(n, name, key)) return inline_value;
  auto path = w.String(n, file_key, key);
  if (!path) return std::nullopt;
  // Only a regular file of bounded size: a FIFO or /dev/zero would hang or grow the load.
  std::error_code ec;
  const auto status = std::filesystem::status(*path, ec);
  if (ec || !std::filesystem::exists(status)) {
    w.Error(n[file_key], KeyPath(key, file_key), "cannot read \"" + *path + "\"");
    return std::nullopt;
  }
  if (!std::filesystem::is_regular_file(status)) {
    w.Error(n[file_key], KeyPath(key, file_key), "\"" + *path + "\" is not a regular file");
    return std::nullopt;
  }
  if (std::filesystem::file_size(*path, ec) > kMaxSecretFile || ec) {
    w.Error(n[file_key], KeyPath(key, file_key), "\"" + *path + "\" is larger than 64 KiB");
    return std::nullopt;
  }
  std::ifstream in(*path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    w.Error(n[file_key], KeyPath(key, file_key), "cannot read \"" + *path + "\"");
    return std::nullopt;
  }
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

}  // namespace gs::collector::config_parse
