// Log search over the archive (data_dir/logs): the engine behind GET /api/v1/logs and
// `groundstation logs`. Reads plain and gzipped day files, newest day first, and returns the
// newest `limit` matching records in time order. Each request is bounded in bytes read and
// in wall time; hitting a bound is reported, never silently. Thread-safe (no shared state).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "collector/syslog/log_record.h"
#include "probes/result.h"

namespace gs::collector::syslog {

struct LogQuery {
  std::string host;      // archive host (ArchiveHost); empty: every host
  std::string app;       // exact app_name; empty: any
  std::string node;      // exact inventory node; empty: any
  int max_severity = 7;  // records with severity <= this (unparsed ones only when 7)
  std::optional<std::chrono::system_clock::time_point> since;  // received >= since
  std::optional<std::chrono::system_clock::time_point> until;  // received < until
  std::string q;  // PCRE2 pattern searched in msg; empty: any
  std::size_t limit = 100;
};

struct LogSearchBounds {
  std::uint64_t max_bytes = 512ULL << 20;  // archive bytes read (uncompressed)
  std::chrono::milliseconds max_time{5000};
};

inline constexpr std::size_t kMaxLogLimit = 10'000;

struct LogSearchResult {
  std::vector<LogRecord> records;  // oldest first; the newest `limit` matches
  bool more = false;               // more matches exist than `limit` (older ones left out)
  bool incomplete = false;         // a bound was hit before the requested range was searched
  std::uint64_t scanned_bytes = 0;
  std::uint64_t bad_lines = 0;  // lines that are not archive lines (skipped)
};

// A point in time given as RFC 3339 with Z or an offset, a bare date, Unix seconds, or a
// duration meaning that long before `now` ("15m"). Errors name `name` and quote the text.
[[nodiscard]] Result<std::chrono::system_clock::time_point> ParseTimeParam(
    std::string_view name, std::string_view text, std::chrono::system_clock::time_point now);

// Builds a query from the API's parameters (host, app, node, severity, since, until, q,
// limit). since/until take RFC 3339 ("2026-11-22T03:00:00Z", "2026-11-22"), Unix seconds,
// or a duration meaning that long before `now` ("15m", "2h"). Fails with a message naming
// the parameter; unknown parameters fail too (a typo must not widen the search).
[[nodiscard]] Result<LogQuery> ParseLogQuery(const std::map<std::string, std::string>& params,
                                             std::chrono::system_clock::time_point now);

// Runs `query` over `root`. Fails only on a bad pattern; missing files mean no records.
[[nodiscard]] Result<LogSearchResult> SearchLogs(const std::filesystem::path& root,
                                                 const LogQuery& query,
                                                 const LogSearchBounds& bounds = {});

// {"records": [...], "more", "incomplete", "scanned_bytes"}: each record with the RFC 5424
// field names of DESIGN.md plus node, format and truncated; absent fields are null.
std::string LogSearchJson(const LogSearchResult& result);

}  // namespace gs::collector::syslog
