// The `groundstation check KIND [OPTIONS]` command: runs one probe as a Nagios plugin and
// prints one status line (plus long output), or its JSON with --json. The probe kinds are
// listed in one table in check_cli.cc. Call from the main thread; it blocks until the
// check finishes.
#pragma once

#include <iosfwd>

namespace gs::probes {

// `argv` starts at the kind: {"http", "-u", "http://127.0.0.1/", ...}. Prints the result on
// stdout and returns the plugin exit code (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN). Bad
// arguments or an unknown kind print "KIND UNKNOWN - reason" on stdout and the usage on
// stderr, and return 3. --help prints the usage on stdout and returns 3, like Nagios plugins.
int RunCheckCli(int argc, char** argv);

// The same, writing to the given streams (for tests).
int RunCheckCli(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace gs::probes
