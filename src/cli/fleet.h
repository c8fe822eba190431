// The fleet options of up, status, drift, lint and health (--targets,
// --fleet, --parallel, --fail-fast) and the fleet run's rendering: a live
// table of the running targets on a terminal (plain lines otherwise), a
// summary, or one JSON document (docs/json.md#fleets).
#pragma once

#include <string>

#include <CLI/CLI.hpp>
#include <strata/fleet.h>

#include "cli/context.h"

namespace strata::cli {

struct FleetFlags {
  std::string targets;     // --targets FILE
  std::string fleet;       // --fleet NAME
  int parallel = 0;        // --parallel N; 0 = the fleet's, else 4
  bool fail_fast = false;  // --fail-fast
  bool json = false;       // JSON without --json (lint --format json)
  bool active() const { return !targets.empty() || !fleet.empty(); }
};

// Adds the four options to `sub` (a command that runs on fleets).
void AddFleetFlags(CLI::App* sub, FleetFlags& flags);

// --parallel / --fail-fast without a fleet: a usage error; OK otherwise.
Status CheckFleetFlags(const FleetFlags& flags);

// Runs options.command (with the command's options already set) on the
// fleet, renders it, and returns the exit code (docs/exit-codes.md#fleets).
// `status_exit_code`: status --exit-code (pending and problems count).
Outcome RunFleet(Context& ctx, const FleetFlags& flags, FleetOptions options, bool status_exit_code = false);

// The JSON document of a fleet run (fleet_json.cc).
std::string ToJson(const FleetReport& report, const std::vector<int>& exit_codes, int exit_code);

}  // namespace strata::cli
