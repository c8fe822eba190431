// Options for strata::Migrator and its commands. Structs with in-class
// defaults; each comment gives meaning, default and cost.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <strata/types.h>

namespace strata {

// Where the configuration comes from. Resolution order for each setting:
// explicit option here > environment variable > strata.toml > built-in default.
struct Options {
  // Path of strata.toml. Default "": ./strata.toml when it exists, else no file.
  // A path given here that does not exist is an error.
  std::string config_path;
  // Environment name from strata.toml ([env.NAME]). Default "": $STRATA_ENV,
  // then `default_env`, then "dev" if defined, else the only environment.
  std::string env;
  // Database URL; overrides the environment's url. Default "": the
  // environment's url, then $DATABASE_URL.
  std::string url;
  // Migrations directory; overrides `dir` in strata.toml. Default "":
  // the file's `dir` (relative to the config file's folder), then "migrations".
  // A value given here is relative to the working directory.
  std::string dir;
  // How the migrations folder is laid out: "native", "drizzle",
  // "golang-migrate", "flyway", "dbmate", or "auto" (detected from the
  // folder; docs/migrations.md). Overrides `format` in strata.toml.
  // Default "": the file's `format`, else "auto".
  std::string format;
  // PostgreSQL schema of strata's tracking tables; overrides the
  // environment's `schema`. Fleets set it (with the URL's search_path) to
  // give each tenant schema its own history and lock. Default "": the
  // environment's, else current_schema(). Must be a plain identifier.
  std::string schema;
  // Where backups go; overrides the environment's `backup_dir` (relative to
  // the working directory). Fleets give each target its own folder below
  // the environment's. Default "": the environment's.
  std::string backup_dir;
};

struct UpOptions {
  // Apply up to and including this version. Default: all pending.
  std::optional<std::string> to;
  // Run every pending migration inside one transaction and roll it back, so
  // the SQL is really checked against the data; no-transaction migrations are
  // only listed. Changes nothing. Cost: holds locks for the whole run.
  bool dry_run = false;
  // Apply all pending migrations in one transaction: all or nothing. Refused
  // when any of them is `-- strata:no-transaction`.
  bool single_transaction = false;
  // Apply pending migrations older than the newest applied one. Default: refuse
  // (exit 6) and name them.
  bool out_of_order = false;
  // Lint rule ids that may not block this run (--allow), on top of each
  // migration's -- strata:allow. Only matters with lint = "error".
  std::vector<std::string> allow;
};

struct DownOptions {
  // Roll back this many migrations, newest first. Default 1. Ignored when
  // batch, to or all is set.
  int steps = 1;
  // Roll back the whole last batch (the last `up` that applied anything).
  bool batch = false;
  // Roll back every migration newer than this version (it stays applied).
  std::optional<std::string> to;
  // Roll back everything.
  bool all = false;
  // Run the rollback in one transaction and roll that back: changes nothing.
  bool dry_run = false;
  // Confirms the operation in a protected environment.
  bool yes = false;
};

struct RedoOptions {
  bool yes = false;  // confirms the operation in a protected environment
};

struct BaselineOptions {
  std::string version;  // every migration up to and including this one is marked applied
  bool yes = false;     // confirms the operation in a protected environment
};

struct RepairOptions {
  // Versions to repair. Default: every dirty, modified and missing migration.
  std::vector<std::string> versions;
  // For dirty migrations: remove the record so the next `up` runs the migration
  // again (use after undoing its partial effects). Default: mark it applied
  // (use after finishing it by hand).
  bool retry = false;
  bool yes = false;  // confirms the operation in a protected environment
};

struct BackupOptions {
  // Encrypt this backup even when the environment does not set backup_key:
  // the key is then $STRATA_BACKUP_KEY (kInvalidArgument when neither is set).
  // With backup_key set, every backup is encrypted anyway.
  bool encrypt = false;
};

struct RestoreOptions {
  std::string file;  // the backup file (as `strata backups` lists it)
  bool yes = false;  // confirms the operation in a protected environment
};

struct ResetOptions {
  // Confirms dropping everything. Reset is refused outright in a protected
  // environment, confirmed or not.
  bool yes = false;
};

struct ImportOptions {
  // The tool whose history to take over: "drizzle", "golang-migrate",
  // "flyway" or "dbmate". The migrations folder must read as that tool's
  // (strata.toml `format`, --format, or detected).
  std::string tool;
  // Its tracking table, "schema.table" or "table". Default: where the tool
  // keeps it (drizzle.__drizzle_migrations on PostgreSQL, __drizzle_migrations
  // on SQLite, schema_migrations, flyway_schema_history).
  std::string table;
  // Check and report what would be recorded; change nothing.
  bool dry_run = false;
  bool yes = false;  // confirms the operation in a protected environment
};

struct ImpactOptions {
  // The migrations to analyse (versions as in `status`). Default: the
  // pending ones, which needs the database.
  std::vector<std::string> versions;
  // A notes file (a bug list, open issues) whose lines are searched for the
  // objects each migration touches. Default "": strata.toml's impact_notes,
  // else none.
  std::string notes_file;
};

struct InitOptions {
  std::string directory = ".";  // where to scaffold strata.toml, migrations/, schema.sql
  std::string url;              // url for the dev environment; default "sqlite:dev.db"
};

struct NewOptions {
  std::string name;  // "create users" -> "create_users"
  // "timestamp" (UTC YYYYMMDDHHMMSS, default) or "sequence" (next number,
  // zero-padded to the width of the existing ones, default width 4). When the
  // directory already uses one style, that style is kept.
  std::string style;
};

// --- Schema as code: diff, generate, drift, push, test ---
// Each of these builds schemas in a throwaway "dev" database: SQLite in
// memory; PostgreSQL a database strata_dev_<random> that strata creates on
// the server named by dev_url and drops afterwards (also on failure).

struct DiffOptions {
  // Each side: a database URL (inspected, read only), a migrations directory
  // (its up files replayed in a dev database) or a .sql file (loaded in one).
  std::string from;
  std::string to;
  // Renames to apply instead of drop + add: "users.email=mail", "users=customers".
  std::vector<std::string> renames;
  // PostgreSQL server for dev databases; overrides the environment's dev_url.
  std::string dev_url;
};

struct GenerateOptions {
  std::string name;  // "add user email" -> add_user_email
  std::string style;  // as NewOptions::style
  // Renames to apply instead of drop + add: "users.email=mail", "users=customers".
  std::vector<std::string> renames;
  // Asked for each remaining drop-and-add pair that looks like a rename;
  // returns true to rename. Null: keep drop + add (marked DESTRUCTIVE in the file).
  std::function<bool(const SchemaRename&)> confirm_rename;
  // The desired schema; overrides `schema` in strata.toml (default schema.sql).
  std::string schema_file;
  std::string dev_url;  // as DiffOptions::dev_url
};

struct DriftOptions {
  std::string dev_url;  // as DiffOptions::dev_url
};

struct PushOptions {
  // Print the statements without running them.
  bool dry_run = false;
  std::vector<std::string> renames;  // as GenerateOptions::renames
  std::string schema_file;           // as GenerateOptions::schema_file
  std::string dev_url;               // as DiffOptions::dev_url
};

struct TestOptions {
  std::string dev_url;  // as DiffOptions::dev_url
};

struct PlanOptions {
  // Plan up to and including this version, like UpOptions::to. Default: all pending.
  std::optional<std::string> to;
  // As UpOptions::out_of_order.
  bool out_of_order = false;
  // Lint rule ids to silence (--allow), as for `up`.
  std::vector<std::string> allow;
  // Run the semantic check (docs/lint/README.md) on the pending migrations.
  // Default true; skipped (report.semantic_skipped) on PostgreSQL without a
  // dev_url. Cost: a dev database and every migration replayed in it.
  bool semantic = true;
  std::string dev_url;  // as DiffOptions::dev_url
  // PostgreSQL: run the pending migrations inside a transaction that is
  // rolled back and check every statement's predicted locks, rewrites and
  // scans against what PostgreSQL did (PlanReport::trace; each mismatch is a
  // lock-trace-mismatch finding). In a dev database (dev_url: the applied
  // migrations replayed first) when there is one; otherwise on the target
  // itself, with lock_timeout (the environment's, else 2s) so that the
  // trace never queues behind production traffic: its locks are held until
  // the rollback. Default false. Cost: two catalog queries per statement.
  bool trace = false;
};

}  // namespace strata
