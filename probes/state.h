// State: the Nagios plugin state of a check, with its exit code as the enum value.
// Header-only; safe from any thread.
#pragma once

#include <optional>
#include <string_view>

namespace gs::probes {

enum class State : int { kOk = 0, kWarning = 1, kCritical = 2, kUnknown = 3 };

// "OK", "WARNING", "CRITICAL", "UNKNOWN".
constexpr std::string_view ToString(State s) {
  switch (s) {
    case State::kOk:
      return "OK";
    case State::kWarning:
      return "WARNING";
    case State::kCritical:
      return "CRITICAL";
    case State::kUnknown:
      return "UNKNOWN";
  }
  return "UNKNOWN";
}

// Parses the names above (upper case, as written by ToString).
constexpr std::optional<State> ParseState(std::string_view s) {
  for (State st : {State::kOk, State::kWarning, State::kCritical, State::kUnknown}) {
    if (ToString(st) == s) return st;
  }
  return std::nullopt;
}

// The exit code of a Nagios plugin in this state.
constexpr int ExitCode(State s) { return static_cast<int>(s); }

// Maps a plugin exit code to a state; anything outside 0..3 is UNKNOWN (plugin guidelines).
constexpr State StateFromExit(int code) {
  return code >= 0 && code <= 3 ? static_cast<State>(code) : State::kUnknown;
}

// Severity order used when combining results: OK < WARNING < UNKNOWN < CRITICAL
// (the order Nagios uses for a service's worst state; CRITICAL is always the worst).
constexpr int Severity(State s) {
  switch (s) {
    case State::kOk:
      return 0;
    case State::kWarning:
      return 1;
    case State::kUnknown:
      return 2;
    case State::kCritical:
      return 3;
  }
  return 2;
}

constexpr State Worst(State a, State b) { return Severity(a) >= Severity(b) ? a : b; }

}  // namespace gs::probes
