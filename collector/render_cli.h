// `groundstation render`: writes the whole web UI as a static site (HTML + PNG graphs) from
// what the collector stored in its data directory (state.db and the RRD files), so any web
// server (or a browser from file://) can show it; the running daemon is not needed or
// disturbed. Called from main.
#pragma once

#include <string>
#include <vector>

namespace gs::collector {

// groundstation render --out DIR [-c FILE] [--periods LIST]
// Writes DIR/index.html (the overview), DIR/nodes/<node>/index.html and
// DIR/nodes/<node>/<check>/index.html, DIR/dashboards/index.html and
// DIR/dashboards/<name>/index.html, and every graph they show (layout in dashboards/links.h).
// Each file is written whole and renamed into place, so a web server serving DIR never shows
// half a page. Exit 0; 1 when the data cannot be read or a file cannot be written; 2 on a bad
// option or config.
int RenderCommand(const std::vector<std::string>& args);

}  // namespace gs::collector
