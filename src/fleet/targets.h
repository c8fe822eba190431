// fleet targets: a targets file or a [fleet.NAME] -> the list of databases
// (FleetTarget plus what opening its Migrator needs). Runs the fleet's
// queries on their server; nothing else touches a database.
#pragma once

#include <string>
#include <vector>

#include <strata/fleet.h>
#include <strata/result.h>

#include "config/config.h"

namespace strata::fleet {

struct ResolvedTarget {
  FleetTarget info;     // what reports show (redacted)
  Options options;      // base options with this target's url / env / schema / backup_dir
};

struct TargetList {
  std::vector<ResolvedTarget> targets;
  int parallel = 0;  // the fleet's `parallel`, 0 when not set
};

// REQUIRES: exactly one of options.targets_file and options.fleet is set
// (Fleet::Open checks). Errors name the file and line of the bad entry.
Result<TargetList> ResolveTargets(const FleetOptions& options, const config::GetEnv& getenv);

// A file-name-safe form of a target name, for its backup folder.
std::string FolderName(const std::string& target_name);

}  // namespace strata::fleet
