// engine::ReadEvents: the newest rows of the event table (docs/tracking.md),
// for `strata health`, the dashboard and Migrator::Events. Reads only; an
// event table that does not exist yet has no events.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "driver/connection.h"
#include "engine/history.h"
#include <strata/health.h>
#include <strata/result.h>

namespace strata::engine {

struct EventQuery {
  int limit = 50;                          // newest first; at most this many
  std::vector<std::string> kinds;          // only these kinds; empty = all
  std::vector<std::string> exclude_kinds;  // never these kinds
  std::string outcome;                     // "success", "failure"; "" = both
};

Result<std::vector<EventInfo>> ReadEvents(driver::Connection& conn, const TableNames& names, const EventQuery& query);

// How many events of each kind have `outcome` ("failure": the failures a
// Prometheus counter reports; events are never deleted, so it only grows).
Result<std::map<std::string, int64_t>> CountEvents(driver::Connection& conn, const TableNames& names,
                                                   const std::string& outcome);

}  // namespace strata::engine
