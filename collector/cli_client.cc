#include "collector/cli_client.h"

#include <curl/curl.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "probes/state.h"

namespace gs::collector {

namespace {

constexpr std::size_t kMaxBody = 64 << 20;

std::size_t Append(char* data, std::size_t size, std::size_t n, void* out) {
  auto* body = static_cast<std::string*>(out);
  if (body->size() + size * n > kMaxBody) return 0;
  body->append(data, size * n);
  return size * n;
}

bool Get(const std::string& url, std::string& body, std::string& error) {
  const ApiAnswer answer = CallApi("GET", url, "", "");
  body = answer.body;
  error = answer.error;
  if (answer.ok() || !error.empty()) return answer.ok();
  error = "HTTP " + std::to_string(answer.status);
  return false;
}

}  // namespace

ApiAnswer CallApi(const std::string& method, const std::string& url, const std::string& body,
                  const std::string& token) {
  ApiAnswer answer;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    answer.error = "curl_easy_init failed";
    return answer;
  }
  char errbuf[CURL_ERROR_SIZE] = {};
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  if (!token.empty()) {
    headers = curl_slist_append(headers, ("Authorization: Bearer " + token).c_str());
  }
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10'000L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer.body);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "POST" || !body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  const CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &answer.status);
  } else {
    answer.error = errbuf[0] != 0 ? errbuf : curl_easy_strerror(rc);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return answer;
}

int StatusCommand(const std::vector<std::string>& args) {
  namespace po = boost::program_options;
  po::options_description desc("groundstation status");
  desc.add_options()("url", po::value<std::string>()->default_value("http://127.0.0.1:8080"),
                     "base URL of the collector")("problems", "only checks that are not OK");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::fprintf(stderr, "groundstation status: %s\n", e.what());
    return 3;
  }
  std::string body;
  std::string error;
  const std::string url = vm["url"].as<std::string>() + "/api/v1/status";
  if (!Get(url, body, error)) {
    std::printf("UNKNOWN - %s: %s\n", url.c_str(), error.c_str());
    return 3;
  }
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.contains("checks") || !json["checks"].is_array()) {
    std::printf("UNKNOWN - %s: not a status document\n", url.c_str());
    return 3;
  }
  probes::State worst = probes::State::kOk;
  for (const auto& c : json["checks"]) {
    const std::string state = c.value("state", "UNKNOWN");
    const auto parsed = probes::ParseState(state).value_or(probes::State::kUnknown);
    worst = probes::Worst(worst, parsed);
    if (vm.count("problems") != 0 && parsed == probes::State::kOk) continue;
    std::printf("%-24s %-20s %-8s %-4s %d/%d  %s\n", c.value("node", "").c_str(),
                c.value("check", "").c_str(), state.c_str(), c.value("state_type", "").c_str(),
                c.value("attempt", 0), c.value("max_attempts", 0), c.value("output", "").c_str());
  }
  return probes::ExitCode(worst);
}

}  // namespace gs::collector
