#include "tests/support/rrd_files.h"

#include <string>

#include "tests/support/peers.h"

namespace gs::test {

bool WriteRrd(const std::filesystem::path& file, long step,
              const std::vector<std::pair<long, double>>& points, long rows) {
  if (points.empty()) return false;
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  const CommandResult created =
      RunCommand({"/usr/bin/rrdtool", "create", file.string(), "--start",
                  std::to_string(points.front().first - step), "--step", std::to_string(step),
                  "DS:value:GAUGE:" + std::to_string(2 * step) + ":U:U",
                  "RRA:AVERAGE:0.5:1:" + std::to_string(rows)});
  if (created.exit_code != 0) return false;
  std::vector<std::string> update = {"/usr/bin/rrdtool", "update", file.string()};
  for (std::size_t i = 0; i < points.size(); ++i) {
    update.push_back(std::to_string(points[i].first) + ":" + std::to_string(points[i].second));
    if (update.size() == 203 || i + 1 == points.size()) {  // in chunks: a bounded command line
      if (RunCommand(update).exit_code != 0) return false;
      update.resize(3);
    }
  }
  return true;
}

}  // namespace gs::test
