// Fuzzes the NRPE response codec: DecodeResponse and the incremental framing must agree
// (whatever decodes is complete by NrpeBytesNeeded) and stay within their bounds.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "probes/nrpe_packet.h"

namespace {

using namespace gs::probes;

// Reads `input` as a reader would, asking NrpeBytesNeeded how much to take next; each step
// must ask for a bounded amount and move forward.
void Frame(std::string_view input) {
  std::size_t have = 0;
  for (int step = 0; step < 4; ++step) {
    auto needed = NrpeBytesNeeded(input.substr(0, have));
    if (!needed || *needed == 0) return;
    if (*needed > kNrpeHeaderSize + kMaxNrpeBuffer) std::abort();
    have += *needed;
    if (have > input.size()) return;
  }
  std::abort();  // header, then body: a packet is framed in at most three steps
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Frame(input);
  auto response = DecodeResponse(input);
  if (response) {
    auto needed = NrpeBytesNeeded(input);
    if (!needed || *needed != 0) std::abort();
    if (response->output.size() > kMaxNrpeBuffer) std::abort();
    if (response->output.find('\0') != std::string_view::npos) std::abort();
    if (response->version < 2 || response->version > 4) std::abort();
  }
  return 0;
}
