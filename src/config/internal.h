// Helpers shared by the readers of strata.toml inside config/ (config.cc,
// fleet.cc). Not part of config's interface.
#pragma once

#include <string>
#include <string_view>

#include <toml++/toml.h>

#include "config/config.h"

namespace strata::config::internal {

// ${VAR} expansion ("$$" is a literal "$"); errors name `setting`.
Result<std::string> Interpolate(std::string_view text, const std::string& setting, const GetEnv& getenv);

// toml++'s parse, its exception turned into kParse with file:line:column.
Result<toml::table> ParseToml(const std::string& content, const std::string& path);

// Checks the keys and value types of every [fleet.NAME] table, without
// expanding ${VAR} (Load calls it for every command, so that a typo fails
// early, as in [env.NAME]).
Status CheckFleets(const toml::node& node, const std::string& path);

}  // namespace strata::config::internal
