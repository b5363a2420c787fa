// Fuzzes ParsePerfdata and checks that formatting is its inverse on what it accepts:
// parse(format(parse(x))) == parse(x), with no errors the second time ('U' values are NaN,
// so they compare equal here when both are NaN).
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "probes/perfdata.h"

namespace {

bool Same(const gs::probes::Perfdata& a, const gs::probes::Perfdata& b) {
  if (std::isnan(a.value) || std::isnan(b.value)) {
    if (!(std::isnan(a.value) && std::isnan(b.value))) return false;
    gs::probes::Perfdata x = a;
    gs::probes::Perfdata y = b;
    x.value = y.value = 0;
    return x == y;
  }
  return a == b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gs::probes;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const PerfdataParse first = ParsePerfdata(input);
  if (first.items.size() > kMaxPerfdataItems) std::abort();
  const std::string formatted = FormatPerfdata(first.items);
  const PerfdataParse second = ParsePerfdata(formatted);
  if (!second.errors.empty() || second.items.size() != first.items.size()) std::abort();
  for (std::size_t i = 0; i < first.items.size(); ++i) {
    if (!Same(first.items[i], second.items[i])) std::abort();
  }
  if (FormatPerfdata(second.items) != formatted) std::abort();
  return 0;
}
