// config: strata.toml + environment variables + command-line overrides ->
// a resolved Config for one environment.
//
// strata.toml (every key optional):
//   dir = "migrations"          schema = "schema.sql"       default_env = "dev"
//   format = "auto"  (or native, drizzle, golang-migrate, flyway, dbmate)
//   impact_notes = "bugs.md"    (notes file `strata impact` searches)
//   [placeholders]  name = "value" ...  (Flyway placeholders; off without it)
//   [env.NAME]
//   url = "${DATABASE_URL}"     protected = true            backup = true
//   lint = "error"              lock_timeout = "5s"         lock_wait = "60s"
//   connect_timeout = "10s"     connect_retries = 3
//   schema = "public"  (PostgreSQL schema of the tracking tables)
//   table = "strata_migrations" events_table = "strata_events" lock_table = "strata_lock"
//   dev_url = "postgres://..."  (PostgreSQL server for throwaway dev databases)
//   direct_url = "postgres://..." (the server past a connection pooler, for migrations)
// ${VAR} is replaced from the process environment in every string value; an
// unset VAR is an error naming the setting ("env.production.url"); "$$" is a
// literal "$".
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include <strata/options.h>
#include <strata/result.h>

namespace strata::config {

struct Environment {
  std::string name;  // "" when no environment was used (only --url / DATABASE_URL)
  std::string url;   // interpolated; contains the password: never print it
  // PostgreSQL server on which diff, generate, drift, push and test create
  // their throwaway strata_dev_<random> databases; "" = none. Interpolated;
  // contains the password: never print it.
  std::string dev_url;
  // PostgreSQL: the server's own URL, past the connection pooler that `url`
  // goes through; when set, strata connects with it (the application keeps
  // the pooled url). "" = none. Interpolated; contains the password.
  std::string direct_url;
  bool is_protected = false;
  bool backup = false;
  std::string lint = "warning";  // "off", "warning", "error"
  // PostgreSQL lock_timeout per statement; a migration that hits it is rolled
  // back and retried with backoff. 0 = server default, no retries.
  std::chrono::milliseconds lock_timeout{0};
  // How long to wait for another runner's migration lock.
  std::chrono::milliseconds lock_wait{60000};
  std::chrono::milliseconds connect_timeout{10000};
  int connect_retries = 3;
  std::string schema;  // PostgreSQL schema of the tracking tables; "" = current_schema()
  std::string table = "strata_migrations";
  std::string events_table = "strata_events";
  std::string lock_table = "strata_lock";
  // Where url came from: "--url", "env.NAME.direct_url", "env.NAME.url" or
  // "DATABASE_URL" ("" when none), so that errors name the right setting.
  std::string url_source;
};

struct Config {
  std::string config_path;  // strata.toml that was read; "" when none
  std::string base_dir;     // folder of config_path, or the working directory
  std::string dir;          // migrations directory (absolute or relative to cwd)
  std::string schema_file;  // desired schema file (same rules as dir)
  // Migration folder format (source/format.h names): --format, else the
  // file's `format`, else "auto" (detected from the folder).
  std::string format = "auto";
  // `impact_notes`, relative to the config file's folder; "" when unset.
  std::string impact_notes;
  // [placeholders] for Flyway files; unset (no replacement) without the table.
  std::optional<std::map<std::string, std::string>> placeholders;
  Environment env;          // the resolved environment
  // OK when env.url is usable. After Load(..., need_url = false): the error
  // Load would have returned for the URL (none configured, unset ${VAR},
  // malformed), with the setting and file:line named, for a later connect to
  // report; env.url is then "" or the malformed text.
  Status url_status;
};

// Looks up an environment variable; nullopt when unset. Tests pass their own.
using GetEnv = std::function<std::optional<std::string>(const std::string&)>;
GetEnv ProcessEnv();

// Resolves the configuration (see Options for the order). Errors:
// kNotFound (explicit config file or environment missing; the message lists
// the defined environments), kParse (malformed TOML, with file:line:column),
// kInvalidArgument (wrong type or unknown value for a setting, unset ${VAR},
// bad duration, bad URL; the message names the setting), and kInvalidArgument
// when no URL is configured at all (hint: --url, DATABASE_URL or strata.toml).
// `need_url` = false lets commands that never connect (new, lint) run without one.
Result<Config> Load(const Options& options, const GetEnv& getenv, bool need_url = true);

// "5s", "250ms", "2m", "1h", or a plain number of seconds.
Result<std::chrono::milliseconds> ParseDuration(std::string_view text);

}  // namespace strata::config
