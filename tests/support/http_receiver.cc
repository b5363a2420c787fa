// HttpReceiver (http_receiver.h): starts tests/support/http_rx.py and reads what it saved.
#include "tests/support/http_receiver.h"

#include <stdlib.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <system_error>

namespace gs::test {
namespace {

// How long the script may take to start (python start-up is ~0.1 s; generous for loaded CI).
constexpr auto kStartTimeout = 30s;

// A fresh directory "http_rx.XXXXXX" inside `parent`, so several receivers can share a TempDir.
std::filesystem::path MakeOwnDirectory(const std::filesystem::path& parent) {
  std::string name = (parent / "http_rx.XXXXXX").string();
  if (::mkdtemp(name.data()) == nullptr) {
    throw std::runtime_error("HttpReceiver: cannot create a directory in " + parent.string());
  }
  return name;
}

std::string OptionsJson(const HttpReceiver::Options& o) {
  nlohmann::json j = {
      {"status", o.status},
      {"fail_first", o.fail_first},
      {"fail_status", o.fail_status},
      {"retry_after", o.retry_after ? nlohmann::json(*o.retry_after) : nlohmann::json()},
      {"hang_first", o.hang_first},
      {"hang_seconds", o.hang_seconds},
      {"response_body", o.response_body},
      {"content_type", o.content_type},
      {"bind", o.bind},
  };
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The request files saved so far ("000001.json", ...), in arrival order.
std::vector<std::filesystem::path> RequestFiles(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

ReceivedRequest ReadRequest(const std::filesystem::path& json_path) {
  ReceivedRequest request;
  const nlohmann::json meta = nlohmann::json::parse(ReadFile(json_path), nullptr, false);
  if (meta.is_object()) {
    request.method = meta.value("method", std::string());
    request.path = meta.value("path", std::string());
    const nlohmann::json headers = meta.value("headers", nlohmann::json::object());
    for (const auto& [name, value] : headers.items()) {
      if (value.is_string()) request.headers[name] = value.get<std::string>();
    }
  }
  std::filesystem::path body_path = json_path;
  request.body = ReadFile(body_path.replace_extension(".body"));
  return request;
}

}  // namespace

HttpReceiver::HttpReceiver(const TempDir& dir) : HttpReceiver(dir, Options{}) {}

HttpReceiver::HttpReceiver(const TempDir& dir, Options options)
    : dir_(MakeOwnDirectory(dir.path())), bind_(options.bind) {
  const std::string script = std::string(GS_SOURCE_DIR) + "/tests/support/http_rx.py";
  Process::Options process_options;
  process_options.stdout_path = (dir_ / "stdout.log").string();  // never the test's pipes
  process_options.stderr_path = (dir_ / "stderr.log").string();
  process_ = std::make_unique<Process>(
      std::vector<std::string>{"/usr/bin/python3", script, dir_.string(), OptionsJson(options)},
      process_options);
  if (!process_->started()) throw std::runtime_error("HttpReceiver: " + process_->error());
  // The script binds port 0 and writes the port once its socket listens: no port race.
  const std::filesystem::path port_file = dir_ / "port";
  const bool up = WaitUntil(
      [&] { return std::filesystem::exists(port_file) || !process_->Running(); }, kStartTimeout);
  if (up && std::filesystem::exists(port_file)) port_ = std::atoi(ReadFile(port_file).c_str());
  if (port_ <= 0) {
    throw std::runtime_error("HttpReceiver: http_rx.py did not start: " +
                             ReadFile(dir_ / "stderr.log"));
  }
}

HttpReceiver::~HttpReceiver() = default;  // ~Process: SIGTERM, wait by PID

std::string HttpReceiver::url(const std::string& path) const {
  return "http://" + bind_ + ":" + std::to_string(port_) + path;
}

std::size_t HttpReceiver::CountRequests() const { return RequestFiles(dir_ / "requests").size(); }

std::vector<ReceivedRequest> HttpReceiver::Requests() const {
  std::vector<ReceivedRequest> requests;
  for (const auto& path : RequestFiles(dir_ / "requests")) requests.push_back(ReadRequest(path));
  return requests;
}

std::vector<ReceivedRequest> HttpReceiver::WaitForRequests(
    std::size_t n, std::chrono::milliseconds timeout) const {
  WaitUntil([&] { return CountRequests() >= n; }, timeout);
  return Requests();
}

}  // namespace gs::test
