#include "collector/syslog/log_search.h"

#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "collector/config/duration.h"
#include "collector/storage/names.h"
#include "collector/syslog/archive_format.h"
#include "probes/http_regex.h"

namespace gs::collector::syslog {

namespace {

namespace fs = std::filesystem;
using std::chrono::system_clock;

struct Scan {
  const LogQuery& query;
  const LogSearchBounds& bounds;
  probes::BodyRegex* regex;
  std::chrono::steady_clock::time_point deadline;
  LogSearchResult& result;

  [[nodiscard]] bool OutOfBudget() const {
    return result.scanned_bytes >= bounds.max_bytes || std::chrono::steady_clock::now() >= deadline;
  }

  bool Matches(const LogRecord& r) const {
    if (query.since && r.received < *query.since) return false;
    if (query.until && r.received >= *query.until) return false;
    if (!query.app.empty() && r.app_name != query.app) return false;
    if (!query.node.empty() && r.node != query.node) return false;
    if (query.max_severity < 7 && (r.severity < 0 || r.severity > query.max_severity)) return false;
    if (regex != nullptr) {
      auto m = regex->Matches(r.msg);
      if (!m || !*m) return false;
    }
    return true;
  }

  // Reads one day file (plain or gzip) and appends its matching records to `out`.
  void File(const fs::path& path, std::vector<LogRecord>& out) {
    gzFile in = gzopen(path.c_str(), "rb");
    if (in == nullptr) return;
    gzbuffer(in, 1 << 17);
    std::string carry;
    std::vector<char> chunk(1 << 16);
    LogRecord record;
    for (;;) {
      if (OutOfBudget()) {
        result.incomplete = true;
        break;
      }
      const int n = gzread(in, chunk.data(), static_cast<unsigned>(chunk.size()));
      if (n <= 0) break;
      result.scanned_bytes += static_cast<std::uint64_t>(n);
      carry.append(chunk.data(), static_cast<std::size_t>(n));
      std::size_t start = 0;
      for (;;) {
        const std::size_t lf = carry.find('\n', start);
        if (lf == std::string::npos) break;
        const std::string_view line(carry.data() + start, lf - start);
        start = lf + 1;
        if (!ParseArchiveLine(line, record)) {
          ++result.bad_lines;
          continue;
        }
        if (Matches(record)) out.push_back(std::move(record));
      }
      carry.erase(0, start);
      // A line longer than any record can be (a damaged file): skip it.
      if (carry.size() > (16u << 20)) {
        ++result.bad_lines;
        carry.clear();
      }
    }
    gzclose(in);  // a last line without LF is still being written: left for the next search
  }
};

nlohmann::json OrNull(const std::string& s) {
  return s.empty() ? nlohmann::json() : nlohmann::json(s);
}

std::string_view FormatField(Format f) {
  switch (f) {
    case Format::kRfc5424:
      return "rfc5424";
    case Format::kRfc3164:
      return "rfc3164";
    case Format::kUnparsed:
      break;
  }
  return "unparsed";
}

}  // namespace

Result<system_clock::time_point> ParseTimeParam(std::string_view name, std::string_view text,
                                                system_clock::time_point now) {
  const std::string what = std::string(name) + "=\"" + std::string(text) + "\"";
  system_clock::time_point t;
  if (text.size() == 10 && ParseReceived(std::string(text) + "T00:00:00Z", t)) return t;
  if (text.size() >= 20 && text[10] == 'T') {
    std::string_view body = text;
    std::chrono::minutes offset{0};
    if (!text.ends_with('Z') && !text.ends_with('z')) {
      const std::string_view zone = text.substr(text.size() - 6);
      int hh = 0, mm = 0;
      if ((zone[0] != '+' && zone[0] != '-') || zone[3] != ':' ||
          std::from_chars(zone.data() + 1, zone.data() + 3, hh).ec != std::errc() ||
          std::from_chars(zone.data() + 4, zone.data() + 6, mm).ec != std::errc() || hh > 23 ||
          mm > 59) {
        return Fail(what + ": expected RFC 3339 (2026-11-22T03:00:00Z)");
      }
      offset = std::chrono::minutes((zone[0] == '-' ? -1 : 1) * (hh * 60 + mm));
      body = text.substr(0, text.size() - 6);
    } else {
      body.remove_suffix(1);
    }
    if (ParseReceived(std::string(body) + "Z", t)) return t - offset;
    return Fail(what + ": expected RFC 3339 (2026-11-22T03:00:00Z)");
  }
  long long seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec == std::errc() && end == text.data() + text.size() && seconds > 100'000'000 &&
      seconds < 9'000'000'000) {  // before 2255: the clock's nanoseconds end in 2262
    return system_clock::time_point(std::chrono::seconds(seconds));
  }
  if (auto ago = ParseDuration(text); ago && !text.empty() && text.back() >= 'a') {
    return now - *ago;
  }
  return Fail(what + ": expected RFC 3339, a date, Unix seconds or a duration such as 15m");
}

Result<LogQuery> ParseLogQuery(const std::map<std::string, std::string>& params,
                               system_clock::time_point now) {
  LogQuery q;
  for (const auto& [key, value] : params) {
    if (key == "host") {
      std::string lower = value;
      for (char& c : lower) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      q.host = value.empty() ? "" : SanitizeName(lower);
    } else if (key == "app") {
      q.app = value;
    } else if (key == "node") {
      q.node = value;
    } else if (key == "q") {
      q.q = value;
    } else if (key == "severity") {
      q.max_severity = ParseSeverity(value);
      if (q.max_severity < 0) {
        return Fail("severity=\"" + value + "\": expected emerg..debug or 0..7");
      }
    } else if (key == "since" || key == "until") {
      auto t = ParseTimeParam(key, value, now);
      if (!t) return tl::unexpected(t.error());
      (key == "since" ? q.since : q.until) = *t;
    } else if (key == "limit") {
      std::size_t limit = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
      if (ec != std::errc() || end != value.data() + value.size() || limit < 1 ||
          limit > kMaxLogLimit) {
        return Fail("limit=\"" + value + "\": expected 1.." + std::to_string(kMaxLogLimit));
      }
      q.limit = limit;
    } else {
      return Fail("unknown parameter \"" + key +
                  "\" (host, app, node, severity, since, until, q, limit)");
    }
  }
  if (q.since && q.until && *q.since >= *q.until) return Fail("since must be before until");
  return q;
}

Result<LogSearchResult> SearchLogs(const fs::path& root, const LogQuery& query,
                                   const LogSearchBounds& bounds) {
  std::unique_ptr<probes::BodyRegex> regex;
  if (!query.q.empty()) {
    auto compiled = probes::BodyRegex::Compile(query.q);
    if (!compiled) return Fail("q: " + compiled.error().message);
    regex = std::move(*compiled);
  }
  LogSearchResult result;
  Scan scan{query, bounds, regex.get(), std::chrono::steady_clock::now() + bounds.max_time, result};
  // day -> files of that day, over the selected hosts.
  std::map<std::int64_t, std::vector<fs::path>, std::greater<>> days;
  const std::int64_t first = query.since ? ArchiveDayIndex(*query.since) : INT64_MIN;
  const std::int64_t last = query.until ? ArchiveDayIndex(*query.until) : INT64_MAX;
  std::error_code ec;
  for (const fs::directory_entry& host : fs::directory_iterator(root, ec)) {
    if (!host.is_directory(ec)) continue;
    if (!query.host.empty() && host.path().filename() != query.host) continue;
    for (const fs::directory_entry& f : fs::directory_iterator(host.path(), ec)) {
      const std::int64_t day = ArchiveDayOfFile(f.path().filename().string());
      if (day >= 0 && day >= first && day <= last) days[day].push_back(f.path());
    }
  }
  for (auto& [day, files] : days) {
    std::vector<LogRecord> matches;
    for (const fs::path& path : files) scan.File(path, matches);
    std::stable_sort(matches.begin(), matches.end(), [](const LogRecord& a, const LogRecord& b) {
      return a.received < b.received;
    });
    const std::size_t want = query.limit - result.records.size();
    if (matches.size() > want) {
      result.more = true;
      matches.erase(matches.begin(),
                    matches.begin() + static_cast<std::ptrdiff_t>(matches.size() - want));
    }
    result.records.insert(result.records.begin(), std::make_move_iterator(matches.begin()),
                          std::make_move_iterator(matches.end()));
    if (result.records.size() >= query.limit || result.incomplete) break;
  }
  return result;
}

std::string LogSearchJson(const LogSearchResult& result) {
  nlohmann::json records = nlohmann::json::array();
  for (const LogRecord& r : result.records) {
    const std::string_view facility = FacilityName(r.facility);
    const std::string_view severity = SeverityName(r.severity);
    records.push_back({
        {"received", FormatReceived(r.received)},
        {"source", OrNull(r.source)},
        {"facility", facility.empty() ? nlohmann::json() : nlohmann::json(facility)},
        {"severity", severity.empty() ? nlohmann::json() : nlohmann::json(severity)},
        {"hostname", OrNull(r.hostname)},
        {"app_name", OrNull(r.app_name)},
        {"procid", OrNull(r.procid)},
        {"msgid", OrNull(r.msgid)},
        {"timestamp", OrNull(r.timestamp)},
        {"structured_data", OrNull(r.structured_data)},
        {"msg", r.msg},
        {"node", OrNull(r.node)},
        {"format", FormatField(r.format)},
        {"truncated", r.truncated},
    });
  }
  nlohmann::json out{{"records", std::move(records)},
                     {"more", result.more},
                     {"incomplete", result.incomplete},
                     {"scanned_bytes", result.scanned_bytes}};
  // Log bytes need not be UTF-8: replace what is not, instead of failing the response.
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace gs::collector::syslog
