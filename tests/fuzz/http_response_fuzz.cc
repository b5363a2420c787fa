// Fuzzes HttpResponseParser, the minimal HTTP client's reader of what servers send: the
// outcome must not depend on how reads split the bytes, the kept body stays within its bound,
// and a finished parse says why exactly when it failed.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "probes/http_response_parser.h"

namespace {

using gs::probes::HttpResponseParser;

struct Outcome {
  HttpResponseParser::Status status;
  int code;
  std::uint64_t size;
  std::string body;
  std::string error;
};

constexpr std::size_t kKeep = 64;

// Feeds `input` in pieces of `piece` bytes, then the end of the connection.
Outcome Run(std::string_view input, bool head, std::size_t piece) {
  HttpResponseParser p;
  Outcome out{};
  p.Reset(head, &out.body, kKeep);
  for (std::size_t at = 0; at < input.size(); at += piece) {
    if (p.Feed(input.substr(at, piece)) != HttpResponseParser::Status::kNeedMore) break;
  }
  p.FeedEnd();
  out.status = p.status();
  out.code = p.status_code();
  out.size = p.body_size();
  out.error = p.error();
  if (out.body.size() > kKeep || out.body.size() > out.size) std::abort();
  if (out.size > input.size()) std::abort();
  if ((out.status == HttpResponseParser::Status::kError) == out.error.empty()) std::abort();
  if (out.status == HttpResponseParser::Status::kNeedMore) std::abort();  // FeedEnd decides
  if (p.reason().size() > HttpResponseParser::kMaxReason) std::abort();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // The first byte picks the request kind and the read size; the rest is the response.
  const bool head = (data[0] & 0x80) != 0;
  const std::size_t piece = 1 + (data[0] & 0x7f);
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const Outcome whole = Run(input, head, input.size() + 1);
  const Outcome split = Run(input, head, piece);
  if (whole.status != split.status || whole.code != split.code || whole.size != split.size ||
      whole.body != split.body || whole.error != split.error) {
    std::abort();
  }
  return 0;
}
