// Fuzzes ParsePerfdata and checks that formatting is its inverse on what it accepts:
// parse(format(parse(x))) == parse(x), with no errors the second time.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "probes/perfdata.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gs::probes;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const PerfdataParse first = ParsePerfdata(input);
  if (first.items.size() > kMaxPerfdataItems) std::abort();
  const std::string formatted = FormatPerfdata(first.items);
  const PerfdataParse second = ParsePerfdata(formatted);
  if (!second.errors.empty() || second.items != first.items) std::abort();
  if (FormatPerfdata(second.items) != formatted) std::abort();
  return 0;
}
