// The exec probe: runs any Nagios plugin as a child process and turns what it printed and its
// exit code into a CheckResult, with Nagios 4's conventions (and a larger output cap).
//
// StartExec is asynchronous on a Boost.Asio io_context: the child is spawned (posix_spawn,
// its own process group, stdin /dev/null, no inherited descriptors), its stdout and stderr are
// read by the loop and its exit is seen through a pidfd, so no thread waits per plugin and no
// SIGCHLD handler is needed. Call StartExec from any thread; `done` runs on the io_context.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "probes/check_result.h"
#include "probes/nagios_output.h"

namespace gs::probes {

struct ExecSpec {
  // argv[0] is a path, or a name looked up in PATH. No shell is involved.
  std::vector<std::string> argv;
  // Past it the whole process group gets SIGKILL and the result is CRITICAL (Nagios 4's
  // service_check_timeout_state default).
  std::chrono::milliseconds timeout{60'000};
  // Bytes of stdout kept; the rest is read and counted, never stored (Nagios keeps 4 KiB).
  std::size_t max_output = kMaxPluginOutput;
};

// What happened to the child, before interpretation.
struct ExecOutcome {
  std::string spawn_error;  // non-empty: the plugin never ran ("cannot run X: reason")
  int exit_code = -1;       // valid when it exited normally
  int signal = 0;           // non-zero: killed by this signal
  bool timed_out = false;   // killed by us at the timeout
  std::string out;          // stdout, at most max_output bytes
  std::size_t dropped = 0;  // stdout bytes past max_output
  std::string err;          // the start of stderr (kMaxStderr bytes)
  std::chrono::system_clock::time_point started{};
  std::chrono::nanoseconds duration{0};
};

inline constexpr std::size_t kMaxStderr = 4096;

// Interprets an outcome (pure): the output parsed by the plugin guidelines, exit 0..3 mapped
// to states and anything else UNKNOWN; a timeout CRITICAL; a signal or a failed spawn UNKNOWN;
// with nothing on stdout the text says so and quotes stderr (as Nagios 4 does); malformed
// perfdata items are named in long_text (never silently dropped); truncation is noted.
CheckResult InterpretExec(const ExecSpec& spec, const ExecOutcome& outcome);

// Runs the plugin; `done` is called exactly once, on a thread running `io`.
void StartExec(boost::asio::io_context& io, ExecSpec spec, std::function<void(CheckResult)> done);

// Blocking form for the command line: runs a private io_context until the plugin is done.
CheckResult RunExecCheck(const ExecSpec& spec);

}  // namespace gs::probes
