// RRD files as the collector writes them (one GAUGE data source "value", an AVERAGE archive),
// made with the real rrdtool for tests that read or draw them. Test thread only.
#pragma once

#include <filesystem>
#include <utility>
#include <vector>

namespace gs::test {

// Creates `file` (and its directories) with steps of `step` seconds starting one step before
// the first point, and stores `points` (epoch seconds, value) in time order. `rows`: the
// archive's length. True when rrdtool did both.
bool WriteRrd(const std::filesystem::path& file, long step,
              const std::vector<std::pair<long, double>>& points, long rows = 1440);

}  // namespace gs::test
