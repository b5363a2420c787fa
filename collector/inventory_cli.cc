#include "collector/inventory_cli.h"

#include <curl/curl.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "collector/cli_client.h"

namespace gs::collector {
namespace {

namespace po = boost::program_options;
using nlohmann::json;

std::string Escape(const std::string& text) {
  std::unique_ptr<char, decltype(&curl_free)> e(
      curl_easy_escape(nullptr, text.c_str(), static_cast<int>(text.size())), &curl_free);
  return e ? std::string(e.get()) : text;
}

std::string Str(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string TagsText(const json& tags) {
  std::string out;
  if (!tags.is_object()) return out;
  for (const auto& [k, v] : tags.items()) {
    out += (out.empty() ? "" : ",") + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
  }
  return out;
}

// Fetches `path`; prints why not and returns nullopt-like discarded json on failure.
bool Fetch(const std::string& url, json& out, int& exit_code) {
  const ApiAnswer answer = CallApi("GET", url, "", "");
  if (answer.status == 0) {
    std::fprintf(stderr, "groundstation inventory: %s: %s\n", url.c_str(), answer.error.c_str());
    exit_code = 3;
    return false;
  }
  out = json::parse(answer.body, nullptr, false);
  if (!answer.ok()) {
    const std::string why = out.is_object() ? Str(out, "error") : answer.body;
    std::fprintf(stderr, "groundstation inventory: HTTP %ld: %s\n", answer.status, why.c_str());
    exit_code = answer.status == 404 ? 1 : 3;
    return false;
  }
  if (!out.is_object()) {
    std::fprintf(stderr, "groundstation inventory: %s: not a JSON object\n", url.c_str());
    exit_code = 3;
    return false;
  }
  return true;
}

int List(const json& doc, const std::string& source) {
  int code = 0;
  if (doc.contains("nodes") && doc["nodes"].is_array()) {
    std::printf("%-32s %-40s %-22s %-10s %s\n", "NODE", "ADDRESS", "SOURCE", "LIFECYCLE", "TAGS");
    for (const json& n : doc["nodes"]) {
      if (!source.empty() && Str(n, "source") != source) continue;
      std::string also;
      if (n.contains("shadowed") && n["shadowed"].is_array()) {
        for (const json& s : n["shadowed"]) {
          if (s.is_string()) also += " (also in " + s.get<std::string>() + ")";
        }
      }
      std::printf("%-32s %-40s %-22s %-10s %s%s\n", Str(n, "name").c_str(),
                  Str(n, "address").c_str(), Str(n, "source").c_str(), Str(n, "lifecycle").c_str(),
                  TagsText(n.value("tags", json())).c_str(), also.c_str());
    }
  }
  if (doc.contains("sources") && doc["sources"].is_array()) {
    std::printf("\n%-32s %-7s %s\n", "SOURCE", "NODES", "STATUS");
    for (const json& s : doc["sources"]) {
      const bool failing = s.value("failing", false);
      if (failing) code = 1;
      std::string status = failing ? "FAILING: " + Str(s, "last_error") : "ok";
      if (!failing && s.value("last_success", json()).is_null()) status = "waiting for an answer";
      std::printf("%-32s %-7s %s\n", Str(s, "id").c_str(), s.value("nodes", json(0)).dump().c_str(),
                  status.c_str());
    }
  }
  return code;
}

int Explain(const json& n) {
  std::printf("node %s  address %s  source %s  lifecycle %s\n  tags %s\n", Str(n, "name").c_str(),
              Str(n, "address").c_str(), Str(n, "source").c_str(), Str(n, "lifecycle").c_str(),
              TagsText(n.value("tags", json())).c_str());
  if (!n.contains("checks") || !n["checks"].is_array()) return 0;
  for (const json& c : n["checks"]) {
    const bool applies = c.value("applies", false);
    std::printf("%s %s (%s)%s\n", applies ? "applies    " : "not applied", Str(c, "check").c_str(),
                Str(c, "kind").c_str(),
                c.value("state", json()).is_string() ? (" " + Str(c, "state")).c_str() : "");
    if (!c.contains("reasons") || !c["reasons"].is_array()) continue;
    for (const json& r : c["reasons"]) {
      if (r.is_string()) std::printf("    %s\n", r.get<std::string>().c_str());
    }
  }
  return 0;
}

}  // namespace

int InventoryCommand(const std::vector<std::string>& args) {
  po::options_description desc("groundstation inventory");
  desc.add_options()("url", po::value<std::string>()->default_value("http://127.0.0.1:8080"),
                     "base URL of the collector")("explain", po::value<std::string>(),
                                                  "the checks that apply to NODE, and why")(
      "source", po::value<std::string>()->default_value(""), "only nodes from this source")(
      "json", "print the API's JSON")("help", "this help");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::fprintf(stderr, "groundstation inventory: %s\n", e.what());
    return 2;
  }
  if (vm.count("help") != 0) {
    std::printf(
        "usage: groundstation inventory [--url URL] [--source ID] [--json]\n"
        "       groundstation inventory --explain NODE [--url URL] [--json]\n");
    return 0;
  }
  const std::string base = vm["url"].as<std::string>();
  const bool explain = vm.count("explain") != 0;
  const std::string url =
      base + "/api/v1/inventory" + (explain ? "/" + Escape(vm["explain"].as<std::string>()) : "");
  json doc;
  int code = 0;
  if (!Fetch(url, doc, code)) return code;
  if (vm.count("json") != 0) {
    std::printf("%s\n", doc.dump(2, ' ', false, json::error_handler_t::replace).c_str());
    return 0;
  }
  return explain ? Explain(doc) : List(doc, vm["source"].as<std::string>());
}

}  // namespace gs::collector
