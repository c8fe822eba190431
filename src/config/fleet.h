// config fleets: the lists of databases one command runs on
// (docs/config.md#fleets). Two sources, both with ${VAR} expansion:
//   a targets file (--targets FILE): one URL or environment name per line,
//     blank lines and lines starting with '#' ignored;
//   a [fleet.NAME] table of strata.toml: urls = [...] (URLs or environment
//     names), and/or databases_query / schemas_query run on query_url.
// This file only reads and checks them; src/fleet runs the queries and
// turns the entries into targets.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include <strata/result.h>

namespace strata::config {

// One listed entry: a URL (it contains ':') or an environment name, with
// where it was written (file and line) for error messages.
struct FleetEntry {
  std::string value;  // interpolated; a URL may contain a password: never print it
  std::string file;
  int line = 0;
  bool is_url() const { return value.find(':') != std::string::npos; }
};

// One [fleet.NAME] table, ${VAR} expanded.
struct FleetSpec {
  std::string name;
  std::string file;  // the strata.toml it came from
  int line = 0;      // of [fleet.NAME]
  std::vector<FleetEntry> urls;
  // Where the queries run; "" = the environment's url. Secret like any URL.
  std::string query_url;
  int query_url_line = 0;
  // SELECT returning one database name per row: one target per database,
  // query_url with its database replaced.
  std::string databases_query;
  int databases_query_line = 0;
  // SELECT returning one schema name per row, run in query_url's database
  // (or in each database of databases_query): one target per schema.
  std::string schemas_query;
  int schemas_query_line = 0;
  int parallel = 0;  // 0 = not set
};

// Reads a targets file. kNotFound when it does not exist; kInvalidArgument
// naming FILE:LINE for an unset ${VAR}. An empty list is not an error here.
Result<std::vector<FleetEntry>> ReadTargetsFile(const std::string& path, const GetEnv& getenv);

// Reads [fleet.NAME] of `config_path`. kNotFound (no file, no such fleet:
// the message lists the defined ones), kInvalidArgument (types, unknown
// keys, unset ${VAR}; with file:line).
Result<FleetSpec> LoadFleet(const std::string& config_path, const std::string& name, const GetEnv& getenv);

}  // namespace strata::config
