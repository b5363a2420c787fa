// Fuzzes ParseMdstat and EvaluateRaid: any bytes parse within the caps, and the result of
// evaluating them is well formed (a state, a first line, three perfdata items per array).
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "probes/raid_probe.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gs::probes;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const MdstatReport report = ParseMdstat(input);
  if (report.arrays.size() > kMaxMdArrays || report.notes.size() > kMaxMdstatNotes) std::abort();
  if (report.notes.size() > report.unparsed_lines) std::abort();
  for (const MdArray& a : report.arrays) {
    if (a.name.empty() || a.name.size() > kMaxMdName) std::abort();
    if (a.members.size() > kMaxMdMembers || a.status.size() > kMaxMdMembers) std::abort();
    if (a.status.find_first_not_of("U_") != std::string::npos) std::abort();
    if (a.raid_disks.value_or(0) < 0 || a.active_disks.value_or(0) < 0) std::abort();
    for (const auto& value : {a.sync.percent, a.sync.finish_minutes, a.sync.speed_kib}) {
      if (value && !(std::isfinite(*value) && *value >= 0)) std::abort();
    }
  }
  RaidCheckSpec spec;
  spec.required_arrays = {"md0"};
  const CheckResult result = EvaluateRaid(report, spec);
  if (result.text.empty() || result.state == State::kUnknown) std::abort();
  if (result.perfdata.size() != 3 * report.arrays.size()) std::abort();
  return 0;
}
