// `groundstation check disk`: the disk probe as a Nagios plugin, with check_disk's threshold
// syntax so that NRPE command lines can be copied over: -w/-c give the FREE space.
#include <cctype>
#include <chrono>
#include <cmath>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "probes/check_cli_support.h"
#include "probes/disk_probe.h"
#include "probes/perfdata.h"
#include "probes/range.h"

namespace gs::probes::cli {

namespace {

po::options_description DiskOptions() {
  po::options_description desc(
      "Usage: groundstation check disk [-p PATH]... [-w FREE -c FREE] [--warn-free SIZE "
      "--crit-free SIZE] [-W PCT% -K PCT%] [-x PATH]... [-X TYPE]... [-N TYPE]...\n"
      "Thresholds follow check_disk: they give the FREE space. \"-w 10% -c 5%\" alerts\n"
      "when less than 10%/5% of a filesystem is free, \"-w 2GB -c 500MB\" when less than\n"
      "that many bytes are free; a bare number is MB (\"-w 500\"). Units K, M, G, T, with or\n"
      "without B or iB, are powers of 1024 (as check_disk's MB). With none of -w, -c,\n"
      "--warn-free, --crit-free: -w 20% -c 10%. -W/-K: free inode percent.\n"
      "Without -p: every local filesystem except pseudo (tmpfs, proc, overlay, ...), image\n"
      "(squashfs, ...) and network (nfs, cifs, ...) types; -N names the types to check\n"
      "instead. Types and paths are globs ('*' also matches '/'). A filesystem mounted twice\n"
      "counts once. A statvfs that hangs past --timeout is CRITICAL");
  AddCommonOptions(desc);
  desc.add_options()("path,p", po::value<Args>()->composing(),
                     "check the filesystem holding PATH (repeatable)")(
      "warning,w", po::value<std::string>(), "WARNING when free space is below PCT% or SIZE")(
      "critical,c", po::value<std::string>(), "CRITICAL when free space is below PCT% or SIZE")(
      "warn-free", po::value<std::string>(), "WARNING when fewer than SIZE bytes are free")(
      "crit-free", po::value<std::string>(), "CRITICAL when fewer than SIZE bytes are free")(
      "iwarning,W", po::value<std::string>(), "WARNING when free inodes are below PCT%")(
      "icritical,K", po::value<std::string>(), "CRITICAL when free inodes are below PCT%")(
      "exclude-path,x", po::value<Args>()->composing(), "skip mount points matching (repeatable)")(
      "exclude-type,X", po::value<Args>()->composing(), "skip filesystem types (repeatable)")(
      "include-type,N", po::value<Args>()->composing(),
      "check only these filesystem types (repeatable)")(
      "mountinfo", po::value<std::string>()->default_value("/proc/self/mountinfo"),
      "mount table to read");
  return desc;
}

// A free-space threshold: a percent ("10%") or a size ("500MB", "2G", "500" = MB).
struct FreeThreshold {
  std::optional<double> percent;
  std::optional<std::uint64_t> bytes;
};

Result<double> ParsePercent(const std::string& option, std::string_view text) {
  const auto value = ParseDecimal(text.ends_with('%') ? text.substr(0, text.size() - 1) : text);
  if (!value || *value < 0 || *value > 100) {
    return Fail("--" + option + ": '" + std::string(text) + "' is not a percentage 0-100%");
  }
  return *value;
}

Result<std::uint64_t> ParseSize(const std::string& option, std::string_view text) {
  const std::size_t digits = DecimalPrefixLength(text);
  const auto value = ParseDecimal(text.substr(0, digits));
  std::string unit(text.substr(digits));
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (unit.size() == 3 && unit[1] == 'I' && unit[2] == 'B') unit.erase(1, 1);  // MiB -> MB
  if (unit.size() == 2 && unit[0] != 'B' && unit[1] == 'B') unit.pop_back();   // MB -> M
  constexpr std::string_view kUnits = "BKMGTP";
  const std::size_t power = unit.empty() ? 2 : kUnits.find(unit);
  if (!value || *value < 0 || unit.size() > 1 || power == std::string_view::npos) {
    return Fail("--" + option + ": '" + std::string(text) +
                "' is not a size (500MB, 2GB, 10%, or a bare number of MB)");
  }
  const double bytes = *value * std::pow(1024.0, static_cast<double>(power));
  if (bytes >= 1.8e19) return Fail("--" + option + ": '" + std::string(text) + "' is too large");
  return static_cast<std::uint64_t>(std::llround(bytes));
}

Result<FreeThreshold> ParseFree(const std::string& option, std::string_view text) {
  FreeThreshold out;
  if (text.ends_with('%')) {
    auto pct = ParsePercent(option, text);
    if (!pct) return tl::unexpected(pct.error());
    out.percent = *pct;
  } else {
    auto bytes = ParseSize(option, text);
    if (!bytes) return tl::unexpected(bytes.error());
    out.bytes = *bytes;
  }
  return out;
}

// -w/--warn-free (or -c/--crit-free) onto the spec; `used_percent` is the spec's used-space
// threshold, which a free percent of P% becomes as 100 - P.
Result<bool> ApplyFree(const po::variables_map& vm, const char* flag, const char* free_flag,
                       double& used_percent, std::optional<std::uint64_t>& free_bytes) {
  if (auto text = Get<std::string>(vm, flag)) {
    auto threshold = ParseFree(flag, *text);
    if (!threshold) return tl::unexpected(threshold.error());
    if (threshold->percent) used_percent = 100 - *threshold->percent;
    free_bytes = threshold->bytes;
  }
  if (auto text = Get<std::string>(vm, free_flag)) {
    if (free_bytes) return Fail(std::string("give --") + flag + " SIZE or --" + free_flag);
    auto bytes = ParseSize(free_flag, *text);
    if (!bytes) return tl::unexpected(bytes.error());
    free_bytes = *bytes;
  }
  return true;
}

Result<bool> ApplyInodes(const po::variables_map& vm, DiskCheckSpec& spec) {
  for (const auto& [flag, target] : {std::pair("iwarning", &spec.warn_inode_percent),
                                     std::pair("icritical", &spec.crit_inode_percent)}) {
    if (auto text = Get<std::string>(vm, flag)) {
      auto pct = ParsePercent(flag, *text);
      if (!pct) return tl::unexpected(pct.error());
      *target = 100 - *pct;
    }
  }
  return true;
}

Result<DiskCheckSpec> BuildDiskSpec(const po::variables_map& vm) {
  DiskCheckSpec spec;
  const bool any_space =
      vm.count("warning") + vm.count("critical") + vm.count("warn-free") + vm.count("crit-free") >
      0;
  if (any_space) {
    // Only the thresholds given apply; a percent threshold above 100 never fires.
    spec.warn_percent = spec.crit_percent = 101;
  }
  if (auto ok = ApplyFree(vm, "warning", "warn-free", spec.warn_percent, spec.warn_free_bytes);
      !ok) {
    return tl::unexpected(ok.error());
  }
  if (auto ok = ApplyFree(vm, "critical", "crit-free", spec.crit_percent, spec.crit_free_bytes);
      !ok) {
    return tl::unexpected(ok.error());
  }
  if (auto ok = ApplyInodes(vm, spec); !ok) return tl::unexpected(ok.error());
  spec.paths = Get<Args>(vm, "path").value_or(Args{});
  spec.exclude_paths = Get<Args>(vm, "exclude-path").value_or(Args{});
  spec.exclude_types = Get<Args>(vm, "exclude-type").value_or(Args{});
  spec.include_types = Get<Args>(vm, "include-type").value_or(Args{});
  spec.mountinfo_path = vm["mountinfo"].as<std::string>();
  return spec;
}

// statvfs on a dead network mount can block for good: the check runs on its own thread and
// is abandoned after the timeout (the process exits soon after, taking the thread with it).
// A filesystem that hangs is a fault of the box, hence CRITICAL rather than UNKNOWN.
CheckResult RunWithTimeout(const DiskCheckSpec& spec, std::chrono::milliseconds timeout) {
  auto task =
      std::make_shared<std::packaged_task<CheckResult()>>([spec] { return RunDiskCheck(spec); });
  std::future<CheckResult> future = task->get_future();
  std::thread([task] { (*task)(); }).detach();
  if (future.wait_for(timeout) == std::future_status::ready) return future.get();
  CheckResult result;
  result.state = State::kCritical;
  result.text = "no answer from statvfs within " +
                FormatNumber(static_cast<double>(timeout.count()) / 1000) +
                " s (a hung network filesystem? leave it out with -x or -X)";
  return result;
}

}  // namespace

int RunDisk(const Args& args, std::ostream& out, std::ostream& err) {
  const po::options_description desc = DiskOptions();
  po::variables_map vm;
  if (auto done = Parse("DISK", args, desc, vm, out, err)) return *done;
  auto spec = BuildDiskSpec(vm);
  if (!spec) return Usage("DISK", spec.error().message, desc, out, err);
  auto timeout = Timeout(vm);
  if (!timeout) return Usage("DISK", timeout.error().message, desc, out, err);
  return Print("DISK", RunWithTimeout(*spec, *timeout), vm, out);
}

}  // namespace gs::probes::cli
