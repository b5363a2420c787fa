// Fuzzes ParsePluginOutput (the output of foreign Nagios plugins, untrusted): the first byte
// is the exit code, the rest stdout. Checks the bounds and that the result formats as a
// plugin line and as valid JSON.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "probes/nagios_output.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gs::probes;
  if (size == 0) return 0;
  const int exit_code = static_cast<int>(data[0]) - 2;  // -2..253: in and out of bounds
  const std::string_view out(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<std::string> errors;
  const CheckResult r = ParsePluginOutput(out, exit_code, &errors);
  if (r.state != StateFromExit(exit_code)) std::abort();
  if (r.text.size() > kMaxPluginOutput || r.long_text.size() > kMaxPluginOutput + 200) {
    std::abort();
  }
  if (r.perfdata.size() > kMaxPerfdataItems) std::abort();
  if (r.text.find('\n') != std::string::npos) std::abort();
  const std::string line = FormatPluginLine("EXEC", r);
  if (line.rfind("EXEC ", 0) != 0) std::abort();
  const auto json = nlohmann::json::parse(ToJson(r), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || json["exit"] != ExitCode(r.state)) std::abort();
  return 0;
}
