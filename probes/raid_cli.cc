// `groundstation check raid`: the Linux software RAID (md) probe as a Nagios plugin.
#include <string>

#include "probes/check_cli_support.h"
#include "probes/raid_probe.h"

namespace gs::probes::cli {

namespace {

po::options_description RaidOptions() {
  po::options_description desc(
      "Usage: groundstation check raid [--mdstat FILE] [--array md0]...\n"
      "Reads /proc/mdstat: a degraded array without a rebuild running or an inactive one is\n"
      "CRITICAL (naming the failed devices), a resync/recovery/reshape in progress WARNING\n"
      "(with progress), a check/repair OK; no arrays at all is OK unless --array names one");
  AddCommonOptions(desc);
  desc.add_options()("mdstat", po::value<std::string>()->default_value("/proc/mdstat"),
                     "the mdstat file to read")(
      "array,a", po::value<Args>()->composing(),
      "array that must exist, e.g. md0 or /dev/md0 (repeatable); CRITICAL when absent");
  return desc;
}

RaidCheckSpec BuildRaidSpec(const po::variables_map& vm) {
  RaidCheckSpec spec;
  spec.mdstat_path = vm["mdstat"].as<std::string>();
  for (std::string name : Get<Args>(vm, "array").value_or(Args{})) {
    if (name.starts_with("/dev/")) name.erase(0, 5);
    spec.required_arrays.push_back(std::move(name));
  }
  return spec;
}

}  // namespace

int RunRaid(const Args& args, std::ostream& out, std::ostream& err) {
  const po::options_description desc = RaidOptions();
  po::variables_map vm;
  if (auto done = Parse("RAID", args, desc, vm, out, err)) return *done;
  return Print("RAID", RunRaidCheck(BuildRaidSpec(vm)), vm, out);
}

}  // namespace gs::probes::cli
