#include "alerts/check_status.h"

#include <utility>

namespace gs::alerts {
namespace {

using probes::State;

// The HARD state that held before this result. A SOFT problem always starts from HARD OK
// (a non-OK result while HARD non-OK is a hard change, never a soft one).
State HardStateOf(const CheckStatus& s) {
  if (!s.checked) return State::kOk;
  return s.type == StateType::kHard ? s.state : State::kOk;
}

// Marks `next` as a new HARD state reached at `now`.
void BecomeHard(CheckStatus& next, Transition& t, std::chrono::system_clock::time_point now) {
  next.type = StateType::kHard;
  next.last_hard_change = now;
  t.hard_change = true;
}

void ApplyOk(const CheckStatus& prev, CheckStatus& next, Transition& t,
             std::chrono::system_clock::time_point now) {
  next.attempt = 1;
  next.type = StateType::kHard;
  if (prev.state == State::kOk) return;  // still OK: nothing changes
  next.last_change = now;
  // A soft recovery keeps the HARD OK that held all along; a hard recovery is notified.
  if (prev.type == StateType::kHard) BecomeHard(next, t, now);
}

void ApplyProblem(const CheckStatus& prev, State result, int max_attempts, CheckStatus& next,
                  Transition& t, std::chrono::system_clock::time_point now) {
  if (prev.state != result) next.last_change = now;
  if (prev.state == State::kOk) {
    next.attempt = 1;
    next.type = StateType::kSoft;
    if (max_attempts <= 1) BecomeHard(next, t, now);
    return;
  }
  if (prev.type == StateType::kSoft) {
    next.attempt = prev.attempt + 1;
    if (next.attempt >= max_attempts) {
      next.attempt = max_attempts;
      BecomeHard(next, t, now);
    }
    return;
  }
  // HARD non-OK: stays HARD; a different non-OK state is a hard change.
  next.attempt = max_attempts;
  if (prev.state != result) BecomeHard(next, t, now);
}

}  // namespace

Transition Apply(const CheckStatus& prev, probes::State result, std::string output,
                 int max_attempts, std::chrono::system_clock::time_point now) {
  Transition t;
  t.previous_hard_state = HardStateOf(prev);
  CheckStatus base = prev;
  if (!prev.checked) {
    // The first result: the check was assumed HARD OK since now.
    base = CheckStatus{};
    base.last_change = now;
    base.last_hard_change = now;
  }
  t.next = base;
  if (result == State::kOk) {
    ApplyOk(base, t.next, t, now);
  } else {
    ApplyProblem(base, result, max_attempts, t.next, t, now);
  }
  t.next.state = result;
  t.next.output = std::move(output);
  t.next.last_check = now;
  t.next.checked = true;
  return t;
}

}  // namespace gs::alerts
