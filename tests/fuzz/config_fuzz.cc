// Fuzzes LoadConfigText, the whole config loader from YAML text (operators write the file):
// it must never crash or throw, whatever the YAML, and a rejected config comes with at least
// one error that has a message.
//
// The loader reads the files a notifier's secrets name (password_file, auth_token_file,
// bearer_token_file, hmac_secret_file: the first line of each) and the definitions of
// dashboards.dir. So that the target reads nothing and stays deterministic (no /dev/zero,
// FIFOs or files that change), an input is skipped when any mapping key ending in "_file", or
// named "dir", has a scalar value that does not start with "/nonexistent/" (which cannot be
// opened). Nothing else in the loader touches the file system (dashboard_fuzz covers the
// definitions' text).
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "collector/config/loader.h"

namespace {

constexpr std::string_view kSafePrefix = "/nonexistent/";

// Nodes visited before an input counts as too expensive to check (aliases can make a small
// document a huge tree).
constexpr int kMaxVisits = 20000;

// False when `node` (visited to any depth) names a file the loader could open, or is too big
// to check within `visits`.
bool NamesOnlySafeFiles(const YAML::Node& node, int& visits) {
  if (++visits > kMaxVisits) return false;
  if (node.IsSequence()) {
    for (const YAML::Node& item : node) {
      if (!NamesOnlySafeFiles(item, visits)) return false;
    }
  } else if (node.IsMap()) {
    for (const auto& kv : node) {
      if (kv.first.IsScalar() &&
          (kv.first.Scalar().ends_with("_file") || kv.first.Scalar() == "dir") &&
          kv.second.IsScalar() && !kv.second.Scalar().starts_with(kSafePrefix)) {
        return false;
      }
      if (!NamesOnlySafeFiles(kv.first, visits) || !NamesOnlySafeFiles(kv.second, visits)) {
        return false;
      }
    }
  }
  return true;
}

bool ReadsNoFiles(const std::string& text) {
  try {
    int visits = 0;
    return NamesOnlySafeFiles(YAML::Load(text), visits);
  } catch (const YAML::Exception&) {
    return true;  // not YAML: the loader reports a syntax error without reading anything
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (!ReadsNoFiles(text)) return 0;
  const gs::collector::ConfigResult config = gs::collector::LoadConfigText(text, "fuzz.yaml");
  if (!config) {
    if (config.error().empty()) __builtin_trap();
    for (const gs::collector::ConfigError& e : config.error()) {
      if (e.message.empty() || e.file != "fuzz.yaml") __builtin_trap();
      (void)e.ToString();
    }
  }
  return 0;
}
