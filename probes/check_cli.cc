#include "probes/check_cli.h"

#include <algorithm>
#include <iostream>
#include <string>
#include <string_view>

#include "probes/check_cli_support.h"
#include "probes/state.h"

namespace gs::probes {

namespace {

// One probe kind of the `check` command.
struct CheckKind {
  std::string_view name;     // as typed: "http"
  std::string_view summary;  // one line for the usage text
  int (*run)(const cli::Args& args, std::ostream& out, std::ostream& err);
};

// The registry of probe kinds; add a line here for each new kind.
constexpr CheckKind kKinds[] = {
    {"http", "HTTP(S) request: status, response time, body regex, certificate", &cli::RunHttp},
    {"tcp", "TCP connect: connect time, optional send and expect (regex)", &cli::RunTcp},
    {"tls", "TLS handshake: SNI, chain and hostname, leaf and chain expiry, days left",
     &cli::RunTls},
    {"mysql", "MySQL/MariaDB: connect time, query value, replication, connections, uptime",
     &cli::RunMysql},
    {"disk", "filesystem space and inodes (statvfs), check_disk thresholds", &cli::RunDisk},
    {"raid", "Linux software RAID (md) state from /proc/mdstat", &cli::RunRaid},
    {"nrpe", "NRPE agent command (check_nrpe compatible; plain, anonymous-DH or certificate TLS)",
     &cli::RunNrpe},
    {"exec", "run any Nagios plugin: -- COMMAND [ARGS...]", &cli::RunExec},
};

// "  http   HTTP(S) request ...", names padded to one column.
void KindLines(std::ostream& out) {
  std::size_t width = 0;
  for (const CheckKind& kind : kKinds) width = std::max(width, kind.name.size());
  for (const CheckKind& kind : kKinds) {
    out << "  " << kind.name << std::string(width - kind.name.size() + 2, ' ') << kind.summary
        << '\n';
  }
}

int UnknownKind(const std::string& reason, std::ostream& out, std::ostream& err) {
  out << "CHECK UNKNOWN - " << reason << '\n';
  err << "Usage: groundstation check KIND [OPTIONS]   (KIND --help for its options)\nKinds:\n";
  KindLines(err);
  return ExitCode(State::kUnknown);
}

void ListKinds(std::ostream& out) {
  out << "Usage: groundstation check KIND [OPTIONS]   (KIND --help for its options)\n"
         "Runs one probe as a Nagios plugin: one status line (plus long output), exit code\n"
         "0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; --json prints the parsed result.\nKinds:\n";
  KindLines(out);
  // Then every kind's own options, as `KIND --help` prints them.
  for (const CheckKind& kind : kKinds) {
    out << '\n';
    kind.run({"--help"}, out, out);
  }
}

}  // namespace

int RunCheckCli(int argc, char** argv, std::ostream& out, std::ostream& err) {
  if (argc < 1 || argv == nullptr || argv[0] == nullptr) {
    return UnknownKind("missing check kind", out, err);
  }
  const std::string_view name = argv[0];
  if (name == "--help" || name == "-h" || name == "help") {
    ListKinds(out);
    return ExitCode(State::kUnknown);
  }
  for (const CheckKind& kind : kKinds) {
    if (kind.name == name) return kind.run(cli::Args(argv + 1, argv + argc), out, err);
  }
  return UnknownKind("unknown check kind '" + std::string(name) + "'", out, err);
}

int RunCheckCli(int argc, char** argv) { return RunCheckCli(argc, argv, std::cout, std::cerr); }

}  // namespace gs::probes
