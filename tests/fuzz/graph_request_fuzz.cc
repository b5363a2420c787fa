// Fuzz target: graph requests (/graph/<node>/<check>/<metric>.<ext>?query) through
// ParseGraphRequest. Input: the path, a newline, the raw query string. One file exists
// (a/b/c.rrd under a private directory), so accepted requests are reached too; librrd is not
// called.
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "collector/web/graph_handler.h"
#include "collector/web/http_request.h"

namespace {

const gs::collector::web::GraphApi& Api() {
  static const auto* const api = [] {
    const std::filesystem::path root =
        std::filesystem::temp_directory_path() / ("gs-graph-fuzz-" + std::to_string(getpid()));
    std::filesystem::create_directories(root / "a/b");
    std::ofstream(root / "a/b/c.rrd") << "not an rrd\n";
    return new gs::collector::web::GraphApi{root, "", nullptr};
  }();
  return *api;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gs::collector::web;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = in.find('\n');
  Request request;
  request.method = "GET";
  request.path = std::string(in.substr(0, nl));
  if (nl != std::string_view::npos) {
    auto params = ParseQuery(in.substr(nl + 1), RequestLimits{});
    if (!params) return 0;
    request.query_params = std::move(*params);
  }
  const auto now = std::chrono::system_clock::from_time_t(1'800'000'000);
  const GraphRequest g = ParseGraphRequest(Api(), request, now);
  if (!g.spec) {
    if (g.error.status != 400 && g.error.status != 404) __builtin_trap();
    return 0;
  }
  // What the renderer is handed is always sane.
  if (g.spec->start >= g.spec->end) __builtin_trap();
  if (g.spec->width < 100 || g.spec->width > 3000) __builtin_trap();
  if (g.spec->height < 50 || g.spec->height > 1500) __builtin_trap();
  if (g.spec->series.size() != 1 || g.max_age < 1) __builtin_trap();
  if (g.spec->series[0].file.find("/../") != std::string::npos) __builtin_trap();
  return 0;
}
