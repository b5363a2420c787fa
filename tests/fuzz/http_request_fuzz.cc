// Fuzz target: raw bytes through the server's request parser and validation
// (ParseRequestBytes), with small limits so the limit paths are reached too.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collector/web/http_request.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using gs::collector::web::RequestLimits;
  static const RequestLimits kLimits{/*max_header_bytes=*/4096, /*max_body_bytes=*/4096,
                                     /*max_query_params=*/16};
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  const auto request = gs::collector::web::ParseRequestBytes(raw, kLimits);
  if (request) {
    // A parsed request must satisfy the invariants handlers rely on.
    if (request->path.empty() || request->path.front() != '/') __builtin_trap();
    if (request->path.find("/../") != std::string_view::npos) __builtin_trap();
    if (request->path.find('\0') != std::string_view::npos) __builtin_trap();
    if (request->body.size() > kLimits.max_body_bytes) __builtin_trap();
    if (request->query_params.size() > kLimits.max_query_params) __builtin_trap();
  } else if (request.error().status < 400 || request.error().status > 599) {
    __builtin_trap();
  }
  return 0;
}
