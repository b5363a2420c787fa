#include "collector/graph_cli.h"

#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "collector/config/loader.h"
#include "collector/web/graph_handler.h"

namespace gs::collector {

namespace po = boost::program_options;

namespace {

constexpr const char* kGraphUsage = R"(usage: groundstation graph NODE CHECK METRIC [OPTIONS]
draw one metric's RRD file (data_dir/rrd/NODE/CHECK/METRIC.rrd) as the web UI does
  -c, --config FILE   take data_dir and rrd.daemon from this config (default: embedded)
  --data-dir DIR      read DIR/rrd instead
  --period P          hour, day (default), week, month or year, ending now
  --start EPOCH       start instead of a period (Unix seconds); --end EPOCH (default now)
  --width W           100..3000 (default 720); --height H: 50..1500 (default 200)
  --cf CF             AVERAGE (default), MIN or MAX
  --trend             least-squares trend line, projected a quarter of the span ahead
  --warn N, --crit N  threshold lines
  --svg               SVG instead of PNG
  -o, --out FILE      where to write the image (default "-": stdout)
)";

int Fail(const std::string& message, int code) {
  std::fprintf(stderr, "groundstation graph: %s\n", message.c_str());
  return code;
}

// data_dir and rrd.daemon from --data-dir or the config.
std::optional<std::pair<std::string, std::string>> Store(const po::variables_map& vm) {
  if (vm.count("data-dir") != 0) return std::pair{vm["data-dir"].as<std::string>(), std::string()};
  const std::string path = vm["config"].as<std::string>();
  ConfigResult config = path.empty()
                            ? LoadConfigText(DefaultConfigText(), std::string(kDefaultConfigSource))
                            : LoadConfigFile(path);
  if (!config) {
    for (const ConfigError& e : config.error()) std::fprintf(stderr, "%s\n", e.ToString().c_str());
    return std::nullopt;
  }
  return std::pair{config->data_dir, config->rrd.daemon};
}

}  // namespace

int GraphCommand(const std::vector<std::string>& args) {
  po::options_description desc;
  desc.add_options()("help,h", "")("config,c", po::value<std::string>()->default_value(""))(
      "data-dir", po::value<std::string>())("period", po::value<std::string>())(
      "start", po::value<std::string>())("end", po::value<std::string>())(
      "width", po::value<std::string>())("height", po::value<std::string>())(
      "cf", po::value<std::string>())("trend", "")("warn", po::value<std::string>())(
      "crit", po::value<std::string>())("svg", "")(
      "out,o", po::value<std::string>()->default_value("-"))("names",
                                                             po::value<std::vector<std::string>>());
  po::positional_options_description positional;
  positional.add("names", 3);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::fprintf(stderr, "groundstation graph: %s\n%s", e.what(), kGraphUsage);
    return 2;
  }
  if (vm.count("help") != 0) {
    std::printf("%s", kGraphUsage);
    return 0;
  }
  if (vm.count("names") == 0 || vm["names"].as<std::vector<std::string>>().size() != 3) {
    std::fprintf(stderr, "groundstation graph: give NODE CHECK METRIC\n%s", kGraphUsage);
    return 2;
  }
  const auto store = Store(vm);
  if (!store) return 2;
  const auto& names = vm["names"].as<std::vector<std::string>>();
  web::Request request;
  request.method = "GET";
  request.path = "/graph/" + names[0] + "/" + names[1] + "/" + names[2] +
                 (vm.count("svg") != 0 ? ".svg" : ".png");
  for (const char* key : {"period", "start", "end", "width", "height", "cf", "warn", "crit"}) {
    if (vm.count(key) != 0) request.query_params[key] = vm[key].as<std::string>();
  }
  if (vm.count("trend") != 0) request.query_params["trend"] = "1";
  const web::GraphApi api{std::filesystem::path(store->first) / "rrd", store->second, nullptr};
  web::GraphRequest parsed = web::ParseGraphRequest(api, request, std::chrono::system_clock::now());
  if (!parsed.spec) {
    const auto body = nlohmann::json::parse(parsed.error.body, nullptr, false);
    return Fail(body.is_object() ? body.value("error", parsed.error.body) : parsed.error.body,
                parsed.error.status == 404 ? 1 : 2);
  }
  const std::string out = vm["out"].as<std::string>();
  if (out == "-" && isatty(STDOUT_FILENO) != 0) {
    return Fail("not writing an image to a terminal: give -o FILE", 2);
  }
  auto image = dashboards::RenderGraph(*parsed.spec);
  if (!image) return Fail(image.error().message, 1);
  if (out == "-") {
    std::fwrite(image->data(), 1, image->size(), stdout);
    return 0;
  }
  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  file.write(image->data(), static_cast<std::streamsize>(image->size()));
  file.close();
  if (!file) return Fail("cannot write " + out, 1);
  return 0;
}

}  // namespace gs::collector
