#include "dashboards/status_page.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <tuple>

namespace gs::dashboards {
namespace {

using Clock = std::chrono::system_clock;

void AppendSummary(std::string& out, const std::vector<const StatusRow*>& rows) {
  std::array<std::size_t, kStateOrder.size() + 1> counts{};
  for (const StatusRow* row : rows) ++counts[StateRank(row->state)];
  out += "<section class=\"summary\">\n";
  for (std::size_t rank = 0; rank < counts.size(); ++rank) {
    if (rank == kStateOrder.size() && counts[rank] == 0) continue;  // "other" only when present
    const std::string_view label = rank < kStateOrder.size() ? kStateOrder[rank] : "OTHER";
    out += "<div class=\"card " + std::string(StateClass(rank)) + "\"><div class=\"n\">" +
           std::to_string(counts[rank]) + "</div><div class=\"l\">" + std::string(label) +
           "</div></div>\n";
  }
  out += "<div class=\"card\"><div class=\"n\">" + std::to_string(rows.size()) +
         "</div><div class=\"l\">TOTAL</div></div>\n</section>\n";
}

// "acknowledged", "in downtime", "flapping" as small labels.
std::string Markers(const StatusRow& row) {
  std::string out;
  if (row.acknowledged) out += " <span class=\"mark\">acknowledged</span>";
  if (row.in_downtime) out += " <span class=\"mark\">in downtime</span>";
  if (row.flapping) out += " <span class=\"mark\">flapping</span>";
  return out;
}

std::string CheckLink(const StatusRow& row, const Links& links) {
  return HtmlEscape(links.Check(row.node, row.check));
}

void AppendRow(std::string& out, const StatusRow& row, Clock::time_point now, const Links& links) {
  const std::string_view css = StateClass(StateRank(row.state));
  out += "<tr class=\"" + std::string(css) + "\">";
  out += "<td><a href=\"" + HtmlEscape(links.Node(row.node)) + "\">" + HtmlEscape(row.node) +
         "</a></td>";
  out += "<td><a href=\"" + CheckLink(row, links) + "\">" + HtmlEscape(row.check) + "</a></td>";
  out += "<td><span class=\"badge " + std::string(css) + "\">" + HtmlEscape(row.state) + "</span>";
  if (row.state_type == "SOFT") {
    out += " <span class=\"soft\">SOFT " + std::to_string(row.attempt) + "/" +
           std::to_string(row.max_attempts) + "</span>";
  }
  out += Markers(row) + "</td><td class=\"output\">" + HtmlEscape(row.output) + "</td>";
  out += TimeCell(row.last_change, now) + TimeCell(row.last_check, now) + "</tr>\n";
}

void AppendProblems(std::string& out, const std::vector<const StatusRow*>& rows,
                    Clock::time_point now, const Links& links) {
  out +=
      "<h2>Problems</h2>\n<table>\n<thead><tr><th>Node</th><th>Check</th><th>State</th>"
      "<th>Output</th><th>Last change</th><th>Last check</th></tr></thead>\n<tbody>\n";
  std::size_t problems = 0;
  for (const StatusRow* row : rows) {
    if (row->state == "OK") continue;
    AppendRow(out, *row, now, links);
    ++problems;
  }
  if (problems == 0) out += "<tr><td colspan=\"6\">No problems.</td></tr>\n";
  out += "</tbody>\n</table>\n";
}

// One cell of the grid: the state (short), markers, the age of the last result.
void AppendCell(std::string& out, const StatusRow& row, Clock::time_point now, const Links& links) {
  constexpr std::array<std::string_view, 4> kShort = {"CRIT", "UNKN", "WARN", "OK"};
  const std::size_t rank = StateRank(row.state);
  const std::string label =
      rank < kShort.size() ? std::string(kShort[rank]) : HtmlEscape(row.state);
  out += "<td class=\"cell " + std::string(StateClass(rank)) + "\" title=\"" +
         HtmlEscape(row.output) + "\"><a href=\"" + CheckLink(row, links) + "\">" + label + "</a>";
  if (row.acknowledged) out += " <span class=\"mark\" title=\"acknowledged\">ack</span>";
  if (row.in_downtime) out += " <span class=\"mark\" title=\"in downtime\">dt</span>";
  if (row.flapping) out += " <span class=\"mark\" title=\"flapping\">flap</span>";
  out += "<br><span class=\"age\">" + RelativeTime(row.last_check, now) + "</span></td>";
}

void AppendGrid(std::string& out, const std::vector<StatusRow>& rows, Clock::time_point now,
                const Links& links) {
  std::set<std::string> checks;
  std::map<std::string, std::map<std::string, const StatusRow*>> nodes;
  for (const StatusRow& row : rows) {
    checks.insert(row.check);
    nodes[row.node][row.check] = &row;
  }
  out += "<h2>All checks</h2>\n<div class=\"grid\"><table>\n<thead><tr><th>Node</th>";
  for (const std::string& check : checks) out += "<th>" + HtmlEscape(check) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& [node, cells] : nodes) {
    out += "<tr><td><a href=\"" + HtmlEscape(links.Node(node)) + "\">" + HtmlEscape(node) +
           "</a></td>";
    for (const std::string& check : checks) {
      const auto it = cells.find(check);
      if (it == cells.end()) {
        out += "<td class=\"cell none\"></td>";
      } else {
        AppendCell(out, *it->second, now, links);
      }
    }
    out += "</tr>\n";
  }
  if (rows.empty()) out += "<tr><td>No checks yet.</td></tr>\n";
  out += "</tbody>\n</table></div>\n";
}

}  // namespace

std::string RenderStatusPage(const std::vector<StatusRow>& rows, Clock::time_point now,
                             std::string_view title, const Links& links) {
  std::vector<const StatusRow*> sorted;
  sorted.reserve(rows.size());
  for (const StatusRow& row : rows) sorted.push_back(&row);
  std::stable_sort(sorted.begin(), sorted.end(), [](const StatusRow* a, const StatusRow* b) {
    return std::forward_as_tuple(StateRank(a->state), a->node, a->check) <
           std::forward_as_tuple(StateRank(b->state), b->node, b->check);
  });
  std::string out;
  out.reserve(8192 + rows.size() * 512);
  AppendPageHead(out, title, now, 30, links);
  AppendSummary(out, sorted);
  AppendProblems(out, sorted, now, links);
  AppendGrid(out, rows, now, links);
  AppendPageTail(out, links);
  return out;
}

}  // namespace gs::dashboards
