// The pieces every HTML page of groundstation shares: escaping, links, times, the state
// badges and one self-contained style sheet (no external assets: the ground box may be
// offline). Pure functions of their arguments; safe from any thread.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "dashboards/links.h"

namespace gs::dashboards {

// Escapes & < > " ' so any text is safe in HTML content and quoted attribute values.
std::string HtmlEscape(std::string_view text);

// Percent-encodes every byte outside RFC 3986 "unreserved", for one path segment or query
// value of a link.
std::string UrlSegment(std::string_view text);

// "just now", "42 s ago", "5 min ago", "3 h ago", "12 d ago"; "never" for the epoch.
// A time in the future (clock skew) reads "just now".
std::string RelativeTime(std::chrono::system_clock::time_point then,
                         std::chrono::system_clock::time_point now);

// "2026-11-22T03:38:33Z".
std::string UtcTimestamp(std::chrono::system_clock::time_point t);

// A <td> with the relative time and the exact UTC time as its tooltip ("never" for the epoch).
std::string TimeCell(std::chrono::system_clock::time_point t,
                     std::chrono::system_clock::time_point now);

// The states, worst first: the order pages list them in.
inline constexpr std::array<std::string_view, 4> kStateOrder = {"CRITICAL", "UNKNOWN", "WARNING",
                                                                "OK"};

// Sort rank of a state: its index in kStateOrder, 4 for anything else.
std::size_t StateRank(std::string_view state);
// The fixed CSS class of a rank ("crit", "unkn", "warn", "ok", "other"): never derived from
// the (untrusted) state text itself.
std::string_view StateClass(std::size_t rank);
// <span class="badge crit">CRITICAL</span>
std::string StateBadge(std::string_view state);

// The page up to and including <main>: doctype, title, style, a header with `title`, the
// navigation and the time of rendering; a live page refreshes itself every `refresh_seconds`
// (0: never), a static one never does.
void AppendPageHead(std::string& out, std::string_view title,
                    std::chrono::system_clock::time_point now, int refresh_seconds,
                    const Links& links = Links::Server());
// </main>, a footer (the API links when live), </html>.
void AppendPageTail(std::string& out, const Links& links = Links::Server());

}  // namespace gs::dashboards
