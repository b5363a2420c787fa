#include "dashboards/alerts_page.h"

#include "dashboards/html.h"

namespace gs::dashboards {
namespace {

using Clock = std::chrono::system_clock;

// The page's only script. Buttons carry data-* attributes (escaped by the server); the script
// reads them, never HTML. The token and the author stay in localStorage.
constexpr std::string_view kScript = R"js(
const $ = (id) => document.getElementById(id);
for (const k of ["token", "author"]) {
  $(k).value = localStorage.getItem("gs-" + k) || "";
  $(k).addEventListener("change", () => localStorage.setItem("gs-" + k, $(k).value));
}
async function call(method, url, body) {
  const headers = {"Authorization": "Bearer " + $("token").value};
  if (body) headers["Content-Type"] = "application/json";
  const r = await fetch(url, {method, headers, body: body ? JSON.stringify(body) : undefined});
  if (r.ok) { location.reload(); return; }
  let why = r.status + " " + r.statusText;
  try { why += ": " + (await r.json()).error; } catch (e) {}
  $("status").textContent = why;
}
document.addEventListener("click", (e) => {
  const b = e.target.closest("button[data-action]");
  if (!b) return;
  const d = b.dataset, author = $("author").value || "web";
  const q = "node=" + encodeURIComponent(d.node) + "&check=" + encodeURIComponent(d.check);
  if (d.action === "ack") {
    const comment = prompt("Acknowledge " + d.node + " / " + d.check + ": comment");
    if (comment !== null) call("POST", "/api/v1/acknowledgements",
        {node: d.node, check: d.check, author, comment, sticky: true});
  } else if (d.action === "unack") {
    call("DELETE", "/api/v1/acknowledgements?" + q);
  } else if (d.action === "downtime") {
    const duration = prompt("Downtime for " + d.node + " / " + d.check + " (e.g. 2h)", "2h");
    if (duration) call("POST", "/api/v1/downtimes",
        {node: d.node, check: d.check, duration, author, comment: "from the alerts page"});
  } else if (d.action === "end") {
    call("DELETE", "/api/v1/downtimes/" + encodeURIComponent(d.id));
  }
});
)js";

std::string DataAttrs(const ProblemView& p) {
  return " data-node=\"" + HtmlEscape(p.node) + "\" data-check=\"" + HtmlEscape(p.check) + "\"";
}

void AppendProblem(std::string& out, const ProblemView& p, Clock::time_point now) {
  out += "<tr class=\"" + std::string(StateClass(StateRank(p.state))) + "\"><td><a href=\"/nodes/" +
         UrlSegment(p.node) + "\">" + HtmlEscape(p.node) + "</a></td><td><a href=\"/nodes/" +
         UrlSegment(p.node) + "/" + UrlSegment(p.check) + "\">" + HtmlEscape(p.check) +
         "</a></td><td>" + StateBadge(p.state);
  if (p.acknowledged) {
    out += " <span class=\"mark\" title=\"" + HtmlEscape(p.ack_comment) + "\">acknowledged by " +
           HtmlEscape(p.ack_author) + "</span>";
  }
  if (p.in_downtime) out += " <span class=\"mark\">in downtime</span>";
  if (p.flapping) out += " <span class=\"mark\">flapping</span>";
  if (!p.held.empty()) out += " <span class=\"mark\">held: " + HtmlEscape(p.held) + "</span>";
  out += "</td><td class=\"output\">" + HtmlEscape(p.output) + "</td>" + TimeCell(p.since, now) +
         "<td class=\"actions\">";
  out += p.acknowledged ? "<button data-action=\"unack\"" + DataAttrs(p) + ">Remove ack</button>"
                        : "<button data-action=\"ack\"" + DataAttrs(p) + ">Acknowledge</button>";
  out += " <button data-action=\"downtime\"" + DataAttrs(p) + ">Downtime</button></td></tr>\n";
}

std::string Until(Clock::time_point end) {
  return end == Clock::time_point::max() ? "forever" : UtcTimestamp(end);
}

void AppendDowntimes(std::string& out, const std::vector<DowntimeView>& downtimes) {
  out +=
      "<h2>Downtimes</h2>\n<table><thead><tr><th>Covers</th><th>From</th><th>Until</th>"
      "<th>By</th><th>Comment</th><th></th></tr></thead><tbody>\n";
  for (const DowntimeView& d : downtimes) {
    out += "<tr><td class=\"output\">" + HtmlEscape(d.match) + (d.recurring ? " (recurring)" : "") +
           (d.active ? " <span class=\"mark\">active</span>" : "") + "</td><td class=\"time\">" +
           UtcTimestamp(d.start) + "</td><td class=\"time\">" + Until(d.end) + "</td><td>" +
           HtmlEscape(d.author) + "</td><td>" + HtmlEscape(d.comment) +
           "</td><td><button data-action=\"end\" data-id=\"" + HtmlEscape(d.id) +
           "\">End</button></td></tr>\n";
  }
  if (downtimes.empty()) out += "<tr><td colspan=\"6\">No downtimes.</td></tr>\n";
  out += "</tbody></table>\n";
}

}  // namespace

std::string RenderAlertsPage(const std::vector<ProblemView>& problems,
                             const std::vector<DowntimeView>& downtimes, Clock::time_point now) {
  std::string out;
  AppendPageHead(out, "Alerts", now, 0);
  out +=
      "<form class=\"search\" onsubmit=\"return false\"><label>API token <input id=\"token\" "
      "type=\"password\" autocomplete=\"off\"></label> <label>Your name <input id=\"author\">"
      "</label> <span id=\"status\" class=\"error\"></span></form>\n";
  out +=
      "<h2>Open problems</h2>\n<table><thead><tr><th>Node</th><th>Check</th><th>State</th>"
      "<th>Output</th><th>Since</th><th></th></tr></thead><tbody>\n";
  for (const ProblemView& p : problems) AppendProblem(out, p, now);
  if (problems.empty()) out += "<tr><td colspan=\"6\">No open problems.</td></tr>\n";
  out += "</tbody></table>\n";
  AppendDowntimes(out, downtimes);
  out += "<script>";
  out += kScript;
  out += "</script>\n";
  AppendPageTail(out);
  return out;
}

}  // namespace gs::dashboards
