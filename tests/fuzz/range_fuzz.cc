// Fuzzes Range::Parse: accepted text re-parses to a range that alerts identically, and
// every rejection carries a message.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "probes/range.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using gs::probes::Range;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto range = Range::Parse(input);
  if (!range) {
    if (range.error().message.empty()) std::abort();
    return 0;
  }
  if (range->text() != input || range->empty()) std::abort();
  const auto again = Range::Parse(range->text());
  if (!again) std::abort();
  for (double v : {-1e300, -10.0, -1.0, 0.0, 0.5, 1.0, 10.0, 20.0, 1e300}) {
    if (range->Alerts(v) != again->Alerts(v)) std::abort();
  }
  return 0;
}
