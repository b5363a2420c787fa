// `groundstation graph`: draws one metric's RRD file on this box directly (no daemon needed),
// with the same parameters and the same drawing as GET /graph/... Called from main.
#pragma once

#include <string>
#include <vector>

namespace gs::collector {

// groundstation graph NODE CHECK METRIC [-c FILE | --data-dir DIR] [--period P]
//   [--start EPOCH] [--end EPOCH] [--width W] [--height H] [--cf CF] [--trend] [--warn N]
//   [--crit N] [--svg] [-o FILE]
// Writes the PNG (or SVG) to FILE ("-": stdout, refused when stdout is a terminal). Exit 0;
// 1 when there is no data or librrd fails; 2 on a bad option.
int GraphCommand(const std::vector<std::string>& args);

}  // namespace gs::collector
