// Fuzzes the readers of outside text in the log archive path: ParseArchiveLine (archive files
// may be damaged or edited) must give back, once formatted again, exactly the record it read;
// ParseLogQuery (the API's and CLI's parameters) must never crash.
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "collector/syslog/archive_format.h"
#include "collector/syslog/log_search.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gs::collector::syslog;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  LogRecord record;
  if (ParseArchiveLine(input, record)) {
    std::string line;
    AppendArchiveLine(record, line);
    if (line.empty() || line.back() != '\n') std::abort();
    line.pop_back();
    LogRecord again;
    if (!ParseArchiveLine(line, again) || !(again == record)) std::abort();
  }

  // "key=value&key=value" -> parameters.
  std::map<std::string, std::string> params;
  std::size_t start = 0;
  while (start <= input.size() && params.size() < 16) {
    std::size_t amp = input.find('&', start);
    if (amp == std::string_view::npos) amp = input.size();
    const std::string_view pair = input.substr(start, amp - start);
    const std::size_t eq = pair.find('=');
    params[std::string(pair.substr(0, eq))] =
        eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1));
    start = amp + 1;
  }
  auto query = ParseLogQuery(params, std::chrono::system_clock::now());
  if (query && (query->limit < 1 || query->limit > kMaxLogLimit)) std::abort();
  return 0;
}
