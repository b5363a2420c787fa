#include "collector/alerts_cli.h"

#include <boost/program_options.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "collector/cli_client.h"

namespace gs::collector {
namespace {

namespace po = boost::program_options;
using nlohmann::json;

constexpr const char* kUsage = R"(usage:
  groundstation alerts problems
  groundstation alerts ack NODE CHECK --author WHO [--comment TEXT] [--expires 2h] [--not-sticky]
  groundstation alerts unack NODE CHECK
  groundstation alerts downtime add [--node N] [--check C] [--match KEY=VALUE]...
                                    (--duration 2h | --end TIME) [--start TIME]
                                    [--every "sun,sat 02:00 2h"] --author WHO [--comment TEXT]
  groundstation alerts downtime list
  groundstation alerts downtime rm ID
  groundstation alerts history NODE [CHECK] [--limit N]
common options: --url URL (http://127.0.0.1:8080), --token-file FILE (./var/api-token; or
the GROUNDSTATION_TOKEN environment variable)
)";

struct Common {
  std::string url;
  std::string token;
};

std::string ReadToken(const std::string& file) {
  if (const char* env = std::getenv("GROUNDSTATION_TOKEN"); env != nullptr && *env != '\0') {
    return env;
  }
  std::ifstream in(file);
  std::string token;
  std::getline(in, token);
  return token;
}

// Prints the answer (pretty JSON) or the error; the exit code of the command.
int Finish(const ApiAnswer& answer) {
  if (answer.status == 0) {
    std::fprintf(stderr, "groundstation alerts: %s\n", answer.error.c_str());
    return 3;
  }
  const json body = json::parse(answer.body, nullptr, false);
  if (!answer.ok()) {
    const std::string why =
        body.is_object() && body.contains("error") ? body["error"].get<std::string>() : answer.body;
    std::fprintf(stderr, "groundstation alerts: HTTP %ld: %s\n", answer.status, why.c_str());
    return 1;
  }
  std::printf("%s\n", body.is_discarded() ? answer.body.c_str() : body.dump(2).c_str());
  return 0;
}

int Usage(const std::string& problem) {
  std::fprintf(stderr, "groundstation alerts: %s\n%s", problem.c_str(), kUsage);
  return 2;
}

std::string Escape(const std::string& text) {
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

int Run(const Common& c, const std::vector<std::string>& pos, const po::variables_map& vm) {
  auto opt = [&vm](const char* name) {
    return vm.count(name) != 0 ? vm[name].as<std::string>() : std::string();
  };
  const std::string& what = pos.front();
  if (what == "problems" && pos.size() == 1) {
    return Finish(CallApi("GET", c.url + "/api/v1/problems", "", ""));
  }
  if (what == "ack" && pos.size() == 3) {
    json body = {{"node", pos[1]},
                 {"check", pos[2]},
                 {"author", opt("author")},
                 {"comment", opt("comment")},
                 {"sticky", vm.count("not-sticky") == 0}};
    if (vm.count("expires") != 0) body["expires"] = opt("expires");
    return Finish(CallApi("POST", c.url + "/api/v1/acknowledgements", body.dump(), c.token));
  }
  if (what == "unack" && pos.size() == 3) {
    return Finish(CallApi(
        "DELETE",
        c.url + "/api/v1/acknowledgements?node=" + Escape(pos[1]) + "&check=" + Escape(pos[2]), "",
        c.token));
  }
  if (what == "history" && (pos.size() == 2 || pos.size() == 3)) {
    std::string url = c.url + "/api/v1/history?node=" + Escape(pos[1]);
    if (pos.size() == 3) url += "&check=" + Escape(pos[2]);
    if (vm.count("limit") != 0) url += "&limit=" + opt("limit");
    return Finish(CallApi("GET", url, "", ""));
  }
  if (what == "downtime" && pos.size() == 2 && pos[1] == "list") {
    return Finish(CallApi("GET", c.url + "/api/v1/downtimes", "", ""));
  }
  if (what == "downtime" && pos.size() == 3 && pos[1] == "rm") {
    return Finish(CallApi("DELETE", c.url + "/api/v1/downtimes/" + Escape(pos[2]), "", c.token));
  }
  if (what == "downtime" && pos.size() == 2 && pos[1] == "add") {
    json body = {{"author", opt("author")}, {"comment", opt("comment")}};
    json match = json::object();
    if (vm.count("match") != 0) {
      for (const std::string& kv : vm["match"].as<std::vector<std::string>>()) {
        const auto eq = kv.find('=');
        if (eq == std::string::npos) return Usage("--match takes KEY=VALUE, got \"" + kv + "\"");
        match[kv.substr(0, eq)] = kv.substr(eq + 1);
      }
    }
    body["match"] = match;
    for (const char* name : {"node", "check", "start", "end", "duration", "every"}) {
      if (vm.count(name) != 0) body[name] = opt(name);
    }
    return Finish(CallApi("POST", c.url + "/api/v1/downtimes", body.dump(), c.token));
  }
  return Usage("unknown or incomplete command");
}

}  // namespace

int AlertsCommand(const std::vector<std::string>& args) {
  po::options_description desc("options");
  desc.add_options()("url", po::value<std::string>()->default_value("http://127.0.0.1:8080"))(
      "token-file", po::value<std::string>()->default_value("./var/api-token"))(
      "author", po::value<std::string>())("comment", po::value<std::string>())(
      "expires", po::value<std::string>())("not-sticky", "")("node", po::value<std::string>())(
      "check", po::value<std::string>())("match", po::value<std::vector<std::string>>())(
      "start", po::value<std::string>())("end", po::value<std::string>())(
      "duration", po::value<std::string>())("every", po::value<std::string>())(
      "limit", po::value<std::string>())("help", "")("args", po::value<std::vector<std::string>>());
  po::positional_options_description positional;
  positional.add("args", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return Usage(e.what());
  }
  if (vm.count("help") != 0) {
    std::printf("%s", kUsage);
    return 0;
  }
  if (vm.count("args") == 0) return Usage("what? (problems, ack, unack, downtime, history)");
  Common c{vm["url"].as<std::string>(), ReadToken(vm["token-file"].as<std::string>())};
  return Run(c, vm["args"].as<std::vector<std::string>>(), vm);
}

}  // namespace gs::collector
