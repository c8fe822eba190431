// /metrics: the snapshot in the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/). Families
// and their meaning: docs/operations.md#metrics.
#pragma once

#include <cstdint>
#include <string>

#include "server/snapshot.h"

namespace strata::server {

// Every family whose value is fixed when the snapshot is taken.
std::string RenderMetrics(const Snapshot& s);
// The families that depend on the time of the request (ages), appended to
// RenderMetrics' text for each scrape.
std::string RenderAgeMetrics(const Snapshot& s, int64_t now_ms);

}  // namespace strata::server
