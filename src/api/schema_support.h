// What the schema commands (diff, generate, drift, push, test) share: which
// dialect they work in, where their dev databases go, how a migrations
// folder or a .sql file becomes a schema, and copies of schema/diff.h values
// into the public types. Internal to src/api.
#pragma once

#include <string>
#include <vector>

#include "api/dev_database.h"
#include "config/config.h"
#include "schema/diff.h"
#include "source/migration.h"
#include <strata/types.h>

namespace strata::api {

// The dialect of the environment's URL; SQLite when none is configured.
Result<schema::Dialect> EnvironmentDialect(const config::Config& config);

// Dev databases in `dialect`, on `dev_url` (when given) or the
// environment's dev_url, connecting like the environment does.
DevTarget MakeDevTarget(const config::Config& config, schema::Dialect dialect, const std::string& dev_url);

// strata's own tables (tracking, events, lock): never part of a schema.
std::vector<std::string> OwnTables(const config::Config& config);

// The migrations of `dir` for replaying; the first problem (duplicate
// version, bad file, ...) is an error, since a replay without it would build
// the wrong schema.
Result<std::vector<source::Migration>> LoadForReplay(const std::string& dir);

// The schema `migrations` produce, replayed in a new dev database.
Result<schema::Schema> SchemaOfMigrations(const DevTarget& target, const std::vector<source::Migration>& migrations);
// The schema `path` (a .sql file) creates, loaded in a new dev database.
// kNotFound when the file does not exist; `what` names it ("schema file").
Result<schema::Schema> SchemaOfFile(const DevTarget& target, const std::string& path, const std::string& what);

// "users.email=mail" ... -> renames; kInvalidArgument naming a bad one.
Result<std::vector<schema::Rename>> ParseRenames(const std::vector<std::string>& texts);
// The renames that undo `renames` (for a down migration).
std::vector<schema::Rename> InverseRenames(const std::vector<schema::Rename>& renames);

SchemaRename ToPublic(const schema::Rename& rename);
std::vector<SchemaRename> ToPublic(const std::vector<schema::Rename>& renames);
std::vector<SchemaChange> ChangesOf(const schema::Diff& diff);

}  // namespace strata::api
