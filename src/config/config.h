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
//   statement_timeout = "15m"
//   backup_dir = "backups"      backup_keep = 10            backup_compress = true
//   backup_key = "${STRATA_BACKUP_KEY}"                     pg_dump = "/usr/lib/postgresql/16/bin/pg_dump"
//   audit_log = "logs/migration-audit.log"  audit_log_max = "10MB"  audit_log_keep = 5
//     (the audit_log keys may also be top-level; an environment's own win)
//   before_up / after_up / on_failure / before_each / after_each = "shell command"
//   hook_timeout = "60s"        [env.NAME.notify] (overrides [notify] key by key)
//   [notify] on = ["failure"] webhook = ["https://..."] webhook_secret = "${S}" timeout
//   retries retry_backoff smtp_url from to smtp_user smtp_password starttls ca_file
// ${VAR} is replaced from the process environment in every string value; an
// unset VAR is an error naming the setting ("env.production.url"); "$$" is a
// literal "$".
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <strata/options.h>
#include <strata/result.h>

namespace strata::config {

// Shell commands run around migrations (docs/operations.md#hooks), per
// environment. Passed to /bin/sh as written: no ${VAR} interpolation by
// strata (the shell expands variables, STRATA_* included). "" = none.
struct Hooks {
  std::string before_up;    // before `up` applies its first migration; failing stops the run
  std::string after_up;     // after `up` applied everything; failing is reported only
  std::string on_failure;   // after a failed up, down or redo
  std::string before_each;  // before each migration (up, down, redo); failing stops the run there
  std::string after_each;   // after each migration succeeded
  std::chrono::milliseconds timeout{60000};  // hook_timeout: then the hook's process group is killed
  bool any() const {
    return !before_up.empty() || !after_up.empty() || !on_failure.empty() || !before_each.empty() ||
           !after_each.empty();
  }
};

// Alerts (docs/operations.md#alerts): [notify] at the top level, each key
// overridden by the same key in [env.NAME.notify].
struct Notify {
  std::vector<std::string> on = {"failure"};  // of "failure", "success", "drift", "start"
  std::vector<std::string> webhooks;          // http(s) URLs; secret (registered: a Slack URL is a credential)
  std::string webhook_secret;                 // HMAC-SHA256 key; secret
  std::chrono::milliseconds timeout{10000};   // per attempt
  int retries = 3;                            // after the first attempt
  std::chrono::milliseconds retry_backoff{1000};  // doubles at each retry
  std::string smtp_url;                       // smtp://host:587 (STARTTLS) or smtps://host:465
  std::string from;
  std::vector<std::string> to;
  std::string smtp_user;
  std::string smtp_password;                  // secret
  bool starttls = true;                       // smtp://: require STARTTLS
  std::string ca_file;                        // CA bundle for https webhooks and SMTP TLS; "" = the system's
  // Not OK when a value names an unset ${VAR}: alerts are then not sent and
  // each one reports this. A missing secret must not stop a migration.
  Status error;
  bool configured() const { return !webhooks.empty() || !smtp_url.empty(); }
};

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
  // PostgreSQL statement_timeout for every migration statement (SET LOCAL in
  // each migration's transaction). 0 = server default.
  std::chrono::milliseconds statement_timeout{0};
  // How long to wait for another runner's migration lock.
  std::chrono::milliseconds lock_wait{60000};
  std::chrono::milliseconds connect_timeout{10000};
  int connect_retries = 3;
  std::string schema;  // PostgreSQL schema of the tracking tables; "" = current_schema()
  std::string table = "strata_migrations";
  std::string events_table = "strata_events";
  std::string lock_table = "strata_lock";
  // Backups (docs/operations.md). backup_dir and audit_log are resolved
  // against the config file's folder (the working directory without one).
  std::string backup_dir;   // default "<base_dir>/backups"
  int backup_keep = 0;      // keep the newest N of this environment; 0 = all
  bool backup_compress = false;
  std::string backup_key;   // "" = not encrypted; a secret: never print it
  std::string pg_dump = "pg_dump";  // pg_restore and psql are taken from its folder
  // Audit log file: one JSON line per event. "" = none.
  std::string audit_log;
  int64_t audit_log_max = 0;  // bytes; rotate before a line would pass it; 0 = never
  int audit_log_keep = 5;     // rotated files kept (.1 ... .N)
  // Where url came from: "--url", "env.NAME.direct_url", "env.NAME.url" or
  // "DATABASE_URL" ("" when none), so that errors name the right setting.
  std::string url_source;
  Hooks hooks;
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
  Notify notify;            // [notify] merged with [env.NAME.notify]
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

// "10MB", "512KB", "1GB" (powers of 1024; KiB, MiB, GiB and K, M, G too), or
// a plain number of bytes.
Result<int64_t> ParseSize(std::string_view text);

}  // namespace strata::config
