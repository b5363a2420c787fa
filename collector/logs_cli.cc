#include "collector/logs_cli.h"

#include <boost/program_options.hpp>
#include <cstdio>
#include <map>

#include "collector/config/loader.h"
#include "collector/syslog/archive_format.h"
#include "collector/syslog/log_search.h"

namespace gs::collector {

namespace po = boost::program_options;

namespace {

constexpr const char* kLogsUsage = R"(usage: groundstation logs [OPTIONS]
search the log archive (data_dir/logs) of this box
  -c, --config FILE   take data_dir from this config (default: the embedded default)
  --data-dir DIR      search DIR/logs instead
  --host HOST         archive host (hostname, node or sender address)
  --app NAME          app_name (RFC 3164 tag)
  --node NAME         inventory node the sender address matched
  --severity LEVEL    this severity or worse (emerg..debug)
  --since TIME        RFC 3339, a date, Unix seconds, or a duration ago (15m, 2h)
  --until TIME        same forms
  -q, --grep PCRE2    pattern searched in the message
  -n, --limit N       newest N matches (default 100, at most 10000)
  --json              print the API's JSON instead of lines
)";

void PrintLine(const syslog::LogRecord& r) {
  std::string line = syslog::FormatReceived(r.received);
  line += ' ';
  line += syslog::ArchiveHost(r);
  line += ' ';
  line += r.app_name.empty() ? "-" : r.app_name;
  if (!r.procid.empty()) line += "[" + r.procid + "]";
  line += ": ";
  for (char c : r.msg) line += (c == '\n' || c == '\r') ? ' ' : c;
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stdout);
}

}  // namespace

int LogsCommand(const std::vector<std::string>& args) {
  po::options_description desc;
  desc.add_options()("help,h", "")("config,c", po::value<std::string>()->default_value(""))(
      "data-dir", po::value<std::string>())("host", po::value<std::string>())(
      "app", po::value<std::string>())("node", po::value<std::string>())(
      "severity", po::value<std::string>())("since", po::value<std::string>())(
      "until", po::value<std::string>())("grep,q", po::value<std::string>())(
      "limit,n", po::value<std::string>())("json", "");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::fprintf(stderr, "groundstation logs: %s\n%s", e.what(), kLogsUsage);
    return 2;
  }
  if (vm.count("help") != 0) {
    std::printf("%s", kLogsUsage);
    return 0;
  }
  std::string data_dir;
  if (vm.count("data-dir") != 0) {
    data_dir = vm["data-dir"].as<std::string>();
  } else {
    const std::string path = vm["config"].as<std::string>();
    ConfigResult config =
        path.empty() ? LoadConfigText(DefaultConfigText(), std::string(kDefaultConfigSource))
                     : LoadConfigFile(path);
    if (!config) {
      for (const ConfigError& e : config.error()) {
        std::fprintf(stderr, "%s\n", e.ToString().c_str());
      }
      return 2;
    }
    data_dir = config->data_dir;
  }
  std::map<std::string, std::string> params;
  for (const char* key : {"host", "app", "node", "severity", "since", "until", "limit"}) {
    if (vm.count(key) != 0) params[key] = vm[key].as<std::string>();
  }
  if (vm.count("grep") != 0) params["q"] = vm["grep"].as<std::string>();
  auto query = syslog::ParseLogQuery(params, std::chrono::system_clock::now());
  if (!query) {
    std::fprintf(stderr, "groundstation logs: %s\n", query.error().message.c_str());
    return 2;
  }
  auto result = syslog::SearchLogs(std::filesystem::path(data_dir) / "logs", *query);
  if (!result) {
    std::fprintf(stderr, "groundstation logs: %s\n", result.error().message.c_str());
    return 2;
  }
  if (vm.count("json") != 0) {
    std::printf("%s\n", syslog::LogSearchJson(*result).c_str());
    return 0;
  }
  for (const syslog::LogRecord& r : result->records) PrintLine(r);
  if (result->incomplete) {
    std::fprintf(stderr,
                 "groundstation logs: search stopped at its bound after %llu bytes; narrow it "
                 "with --since/--until or --host\n",
                 static_cast<unsigned long long>(result->scanned_bytes));
  }
  return 0;
}

}  // namespace gs::collector
