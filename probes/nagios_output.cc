#include "probes/nagios_output.h"

#include <nlohmann/json.hpp>

namespace gs::probes {

namespace {

using Json = nlohmann::ordered_json;

Json StringOrNull(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

Json NumberOrNull(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

std::string_view TrimTrailing(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string_view TrimLeading(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

// Takes the next line off `rest` (without its '\n' or trailing '\r').
std::string_view NextLine(std::string_view& rest) {
  const std::size_t nl = rest.find('\n');
  std::string_view line = rest.substr(0, nl);
  rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

void AppendLine(std::string& to, std::string_view line) {
  if (!to.empty()) to += '\n';
  to += line;
}

void AppendPerf(std::string& to, std::string_view perf) {
  perf = TrimLeading(TrimTrailing(perf));
  if (perf.empty()) return;
  if (!to.empty()) to += ' ';
  to += perf;
}

// Splits the (bounded) output into text, long text and the raw perfdata text.
void SplitOutput(std::string_view out, CheckResult& result, std::string& perf) {
  std::string_view first = NextLine(out);
  const std::size_t bar = first.find('|');
  result.text = std::string(TrimTrailing(first.substr(0, bar)));
  if (bar != std::string_view::npos) AppendPerf(perf, first.substr(bar + 1));
  bool in_perf = false;
  while (!out.empty()) {
    std::string_view line = NextLine(out);
    if (in_perf) {
      AppendPerf(perf, line);
      continue;
    }
    const std::size_t line_bar = line.find('|');
    AppendLine(result.long_text, TrimTrailing(line.substr(0, line_bar)));
    if (line_bar != std::string_view::npos) {
      AppendPerf(perf, line.substr(line_bar + 1));
      in_perf = true;
    }
  }
  // Drop trailing empty long-output lines (a final newline is not a line of output).
  while (!result.long_text.empty() && result.long_text.back() == '\n') {
    result.long_text.pop_back();
  }
}

}  // namespace

std::string FormatPluginLine(std::string_view kind, const CheckResult& result) {
  std::string out;
  if (!kind.empty()) {
    out += kind;
    out += ' ';
  }
  out += ToString(result.state);
  out += " - ";
  out += result.text;
  if (!result.perfdata.empty()) {
    out += " | ";
    out += FormatPerfdata(result.perfdata);
  }
  if (!result.long_text.empty()) {
    out += '\n';
    out += result.long_text;
  }
  return out;
}

std::string FormatPassthrough(const CheckResult& result) {
  std::string out = result.text;
  if (!result.perfdata.empty()) {
    out += " | ";
    out += FormatPerfdata(result.perfdata);
  }
  if (!result.long_text.empty()) {
    out += '\n';
    out += result.long_text;
  }
  return out;
}

std::string ToJson(const CheckResult& result) {
  Json perf = Json::array();
  for (const Perfdata& p : result.perfdata) {
    perf.push_back(Json{{"label", p.label},
                        {"value", p.value},
                        {"uom", p.uom},
                        {"warn", StringOrNull(p.warn)},
                        {"crit", StringOrNull(p.crit)},
                        {"min", NumberOrNull(p.min)},
                        {"max", NumberOrNull(p.max)}});
  }
  const Json j{{"state", std::string(ToString(result.state))},
               {"exit", ExitCode(result.state)},
               {"text", result.text},
               {"long_text", result.long_text},
               {"perfdata", std::move(perf)}};
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

CheckResult ParsePluginOutput(std::string_view stdout_text, int exit_code,
                              std::vector<std::string>* perfdata_errors) {
  CheckResult result;
  result.state = StateFromExit(exit_code);
  const std::size_t dropped =
      stdout_text.size() > kMaxPluginOutput ? stdout_text.size() - kMaxPluginOutput : 0;
  std::string perf;
  SplitOutput(stdout_text.substr(0, kMaxPluginOutput), result, perf);
  if (result.text.empty() && result.long_text.empty() && perf.empty()) {
    result.text = "(No output returned from plugin)";
  }
  PerfdataParse parsed = ParsePerfdata(perf);
  result.perfdata = std::move(parsed.items);
  if (perfdata_errors != nullptr) *perfdata_errors = std::move(parsed.errors);
  if (exit_code < 0 || exit_code > 3) {
    AppendLine(result.long_text,
               "(Return code of " + std::to_string(exit_code) + " is out of bounds)");
  }
  if (dropped > 0) {
    AppendLine(result.long_text, "(output truncated: " + std::to_string(dropped) +
                                     " bytes over the " + std::to_string(kMaxPluginOutput) +
                                     "-byte limit dropped)");
  }
  return result;
}

}  // namespace gs::probes
