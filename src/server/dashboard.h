// /: the status dashboard, one self-contained HTML page (inline CSS and SVG,
// no script, no external asset), rendered from a snapshot. Everything that
// comes from the database or the files is HTML-escaped.
#pragma once

#include <string>

#include <strata/server.h>

#include "server/snapshot.h"

namespace strata::server {

std::string RenderDashboard(const Snapshot& s, const ServeOptions& serve);

// The history chart alone: an <svg id="timeline"> with one bar per applied
// migration (height: duration, log scale), grouped into batch bands in the
// order they were applied. Exposed for tests.
std::string RenderTimeline(const std::vector<MigrationInfo>& migrations);

}  // namespace strata::server
