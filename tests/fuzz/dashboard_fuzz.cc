// Fuzzes LoadDashboardText: one dashboard definition from YAML text (operators write them into
// dashboards.dir). It must never crash or throw, whatever the YAML; a rejected definition
// comes with at least one error that has a message, and an accepted one has sane graphs.
#include <cstddef>
#include <cstdint>
#include <string>

#include "collector/config/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const gs::collector::DashboardResult d =
      gs::collector::LoadDashboardText(text, "fuzz.yaml", "fuzz");
  if (!d) {
    if (d.error().empty()) __builtin_trap();
    for (const gs::collector::ConfigError& e : d.error()) {
      if (e.message.empty() || e.file != "fuzz.yaml") __builtin_trap();
      (void)e.ToString();
    }
    return 0;
  }
  if (d->name != "fuzz" || d->graphs.size() > 100) __builtin_trap();
  for (const auto& g : d->graphs) {
    if (g.title.empty() || g.check.empty() || g.metric.empty() || g.limit < 1 || g.limit > 200) {
      __builtin_trap();
    }
  }
  return 0;
}
