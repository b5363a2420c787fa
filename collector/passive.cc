#include "collector/passive.h"

#include <nlohmann/json.hpp>

#include "probes/nagios_output.h"

namespace gs::collector {

namespace {

using Clock = std::chrono::system_clock;
using std::chrono::milliseconds;

Result<probes::State> StateFromExitText(std::string_view text) {
  if (text.size() == 1 && text[0] >= '0' && text[0] <= '3') {
    return static_cast<probes::State>(text[0] - '0');
  }
  return Fail("exit_code must be 0, 1, 2 or 3, not \"" + std::string(text.substr(0, 16)) + "\"");
}

probes::CheckResult Parse(std::string_view output, probes::State state) {
  if (output.size() > kMaxPassiveOutput) output = output.substr(0, kMaxPassiveOutput);
  probes::CheckResult r = probes::ParsePluginOutput(output, probes::ExitCode(state));
  r.passive = true;
  r.started = Clock::now();
  return r;
}

Result<probes::State> SubmittedState(const nlohmann::json& j) {
  const auto code = j.find("exit_code");
  const auto name = j.find("state");
  if ((code == j.end()) == (name == j.end())) return Fail("give exactly one of exit_code, state");
  if (code != j.end()) {
    if (!code->is_number_integer() || code->get<long long>() < 0 || code->get<long long>() > 3) {
      return Fail("exit_code must be an integer 0..3");
    }
    return static_cast<probes::State>(code->get<int>());
  }
  if (!name->is_string()) return Fail("state must be a string");
  if (auto s = probes::ParseState(name->get<std::string>())) return *s;
  return Fail("state must be OK, WARNING, CRITICAL or UNKNOWN");
}

Result<std::string> OptionalString(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::string();
  if (!it->is_string()) return Fail(std::string(key) + " must be a string");
  return it->get<std::string>();
}

}  // namespace

Result<PassiveSubmission> ParseResultSubmission(std::string_view body) {
  const nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Fail("the body is not valid JSON");
  if (!j.is_object()) return Fail("the body must be a JSON object");
  for (const auto& [key, value] : j.items()) {
    if (key != "node" && key != "check" && key != "exit_code" && key != "state" &&
        key != "output") {
      return Fail("unknown field \"" + key.substr(0, 64) + "\"");
    }
  }
  auto node = OptionalString(j, "node");
  if (!node) return tl::unexpected(node.error());
  auto check = OptionalString(j, "check");
  if (!check) return tl::unexpected(check.error());
  if (check->empty()) return Fail("check is required");
  auto output = OptionalString(j, "output");
  if (!output) return tl::unexpected(output.error());
  auto state = SubmittedState(j);
  if (!state) return tl::unexpected(state.error());
  return PassiveSubmission{std::move(*node), std::move(*check), Parse(*output, *state)};
}

Result<PassiveSubmission> ParseHeartbeat(std::string_view check, std::string_view node,
                                         std::string_view exit_code, std::string_view body) {
  if (check.empty()) return Fail("the check name is missing: POST /api/v1/heartbeat/<check>");
  probes::State state = probes::State::kOk;
  if (!exit_code.empty()) {
    auto s = StateFromExitText(exit_code);
    if (!s) return tl::unexpected(s.error());
    state = *s;
  }
  const bool blank = body.find_first_not_of(" \t\r\n") == std::string_view::npos;
  return PassiveSubmission{std::string(node), std::string(check),
                           Parse(blank ? std::string_view("heartbeat received") : body, state)};
}

std::string HumanDuration(milliseconds d) {
  using namespace std::chrono;
  const auto s = duration_cast<seconds>(d).count();
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) {
    return std::to_string(s / 60) + "m" + (s % 60 != 0 ? " " + std::to_string(s % 60) + "s" : "");
  }
  if (s < 86400 * 2) {
    return std::to_string(s / 3600) + "h" +
           ((s % 3600) / 60 != 0 ? " " + std::to_string((s % 3600) / 60) + "m" : "");
  }
  return std::to_string(s / 86400) + "d" +
         ((s % 86400) / 3600 != 0 ? " " + std::to_string((s % 86400) / 3600) + "h" : "");
}

probes::CheckResult EvaluateFreshness(const alerts::CheckStatus* status, milliseconds max_age,
                                      Clock::time_point since, Clock::time_point now) {
  probes::CheckResult r;
  r.started = now;
  const bool ever = status != nullptr && status->last_passive != Clock::time_point{};
  const Clock::time_point base = ever ? status->last_passive : since;
  const auto age = std::chrono::duration_cast<milliseconds>(now - base);
  const double max_s = static_cast<double>(max_age.count()) / 1000.0;
  r.perfdata.push_back(probes::Perfdata{"age", static_cast<double>(age.count()) / 1000.0, "s", "",
                                        probes::FormatNumber(max_s), 0.0, std::nullopt});
  if (age > max_age) {
    r.state = probes::State::kCritical;
    r.text = (ever ? "no heartbeat for " : "no heartbeat received in ") + HumanDuration(age) +
             " (max_age " + HumanDuration(max_age) + ")";
    return r;
  }
  if (!ever) {
    r.state = probes::State::kOk;
    r.text = "waiting for the first heartbeat (max_age " + HumanDuration(max_age) + ")";
    return r;
  }
  r.state = status->state;
  const std::size_t nl = status->output.find('\n');
  r.text = status->output.substr(0, nl);
  if (nl != std::string::npos) r.long_text = status->output.substr(nl + 1);
  return r;
}

}  // namespace gs::collector
