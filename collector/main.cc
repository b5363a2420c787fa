// groundstation: command-line entry point. Parses the command line and hands over to the
// daemon, the config checker or a probe's plugin mode; nothing else lives here.
#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "collector/alerts_cli.h"
#include "collector/cli_client.h"
#include "collector/config/loader.h"
#include "collector/daemon.h"
#include "collector/graph_cli.h"
#include "collector/inventory_cli.h"
#include "collector/logs_cli.h"
#include "collector/render_cli.h"
#include "probes/check_cli.h"

namespace po = boost::program_options;
using gs::collector::ConfigError;
using gs::collector::ConfigResult;

namespace {

constexpr const char* kUsage = R"(usage:
  groundstation run [-c FILE]              run the collector (no -c: the embedded default config)
  groundstation config check -c FILE       validate a config; print every problem; exit 0 or 2
  groundstation config default             print the embedded default config
  groundstation check KIND [OPTIONS]       run one probe as a Nagios plugin (exit 0/1/2/3)
  groundstation status [--url URL]         print the check states of a running collector
  groundstation logs [OPTIONS]             search the log archive (see: logs --help)
  groundstation alerts ...                 problems, ack, downtime, history (see: alerts --help)
  groundstation inventory [--explain NODE] the nodes, their sources, and why checks apply
  groundstation graph NODE CHECK METRIC    draw a metric's RRD file (see: graph --help)
  groundstation render --out DIR [-c FILE] write the web UI as a static site (HTML + PNG)
  groundstation --version
)";

ConfigResult Load(const std::string& path) {
  if (path.empty()) {
    return gs::collector::LoadConfigText(gs::collector::DefaultConfigText(),
                                         std::string(gs::collector::kDefaultConfigSource));
  }
  return gs::collector::LoadConfigFile(path);
}

void PrintErrors(const std::vector<ConfigError>& errors) {
  for (const ConfigError& e : errors) std::fprintf(stderr, "%s\n", e.ToString().c_str());
  std::fprintf(stderr, "%zu problem%s found\n", errors.size(), errors.size() == 1 ? "" : "s");
}

// Parses "-c FILE" (and --config) from the arguments after the subcommand.
std::optional<std::string> ConfigFlag(const std::vector<std::string>& args) {
  po::options_description desc;
  desc.add_options()("config,c", po::value<std::string>()->default_value(""));
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::fprintf(stderr, "groundstation: %s\n%s", e.what(), kUsage);
    return std::nullopt;
  }
  return vm["config"].as<std::string>();
}

int Run(const std::vector<std::string>& args) {
  auto path = ConfigFlag(args);
  if (!path) return 2;
  ConfigResult config = Load(*path);
  if (!config) {
    PrintErrors(config.error());
    return 2;
  }
  gs::collector::Daemon daemon(std::move(*config), *path);
  return daemon.Run();
}

int ConfigCommand(const std::vector<std::string>& args) {
  if (!args.empty() && args[0] == "default") {
    std::fwrite(gs::collector::DefaultConfigText().data(), 1,
                gs::collector::DefaultConfigText().size(), stdout);
    return 0;
  }
  if (args.empty() || args[0] != "check") {
    std::fprintf(stderr, "%s", kUsage);
    return 2;
  }
  auto path = ConfigFlag({args.begin() + 1, args.end()});
  if (!path) return 2;
  ConfigResult config = Load(*path);
  if (!config) {
    PrintErrors(config.error());
    return 2;
  }
  std::printf("%s: OK (%zu nodes, %zu checks, %zu notifiers, %zu routes, %zu dashboards)\n",
              config->source.c_str(), config->nodes.size(), config->checks.size(),
              config->notifiers.size(), config->routes.size(), config->dashboards.list.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "%s", kUsage);
    return 2;
  }
  const std::string command = argv[1];
  const std::vector<std::string> rest(argv + 2, argv + argc);
  if (command == "run") return Run(rest);
  if (command == "config") return ConfigCommand(rest);
  if (command == "check") return gs::probes::RunCheckCli(argc - 2, argv + 2);
  if (command == "status") return gs::collector::StatusCommand(rest);
  if (command == "logs") return gs::collector::LogsCommand(rest);
  if (command == "alerts") return gs::collector::AlertsCommand(rest);
  if (command == "inventory") return gs::collector::InventoryCommand(rest);
  if (command == "graph") return gs::collector::GraphCommand(rest);
  if (command == "render") return gs::collector::RenderCommand(rest);
  if (command == "--version" || command == "version") {
    std::printf("groundstation %s\n", GS_VERSION);
    return 0;
  }
  if (command == "--help" || command == "-h" || command == "help") {
    std::printf("%s", kUsage);
    return 0;
  }
  std::fprintf(stderr, "groundstation: unknown command \"%s\"\n%s", command.c_str(), kUsage);
  return 2;
}
