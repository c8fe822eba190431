// Value types returned by strata::Migrator. Plain structs: copyable, no
// behaviour beyond small helpers. Field names match docs/json.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <strata/lint.h>
#include <strata/trace.h>

namespace strata {

// The version of strata itself ("0.1.0").
std::string_view Version();

enum class MigrationState {
  kApplied,   // recorded clean, file present and unchanged
  kPending,   // file present, not recorded
  kModified,  // recorded, but the up file's checksum differs from the recorded one
  kMissing,   // recorded, but no file has this version
  kDirty,     // a no-transaction migration started and did not finish
};
// "applied", "pending", "modified", "missing", "dirty".
std::string_view ToString(MigrationState state);

// One migration as `strata status` shows it.
struct MigrationInfo {
  std::string version;          // as written in the file name ("0001", "20261122093000")
  std::string name;             // "create_users"
  MigrationState state = MigrationState::kPending;
  bool out_of_order = false;    // pending, but older than the newest applied migration
  // A Flyway repeatable migration (R__name.sql; version "R__name", name ""):
  // runs after every versioned one and again whenever its file changes.
  bool repeatable = false;
  // Pending because its file changed since it was applied (repeatables only;
  // the applied_* fields describe the last apply).
  bool reapply = false;
  // Pending, and its up file has no SQL yet (`strata new`, never filled
  // in): `up` refuses until it has SQL or is deleted.
  bool empty = false;
  bool has_down = false;        // a down file exists, or down SQL was stored at apply time
  bool no_transaction = false;  // `-- strata:no-transaction`
  std::string file;             // path of the up file; empty when missing
  std::string checksum;         // SHA-256 (hex) of the up file; empty when missing
  std::string applied_checksum; // recorded checksum; empty when pending
  std::optional<int64_t> batch;
  std::optional<std::string> applied_at;  // RFC 3339 UTC, "2026-11-22T09:30:00Z"
  std::optional<std::string> applied_by;  // "user@host"
  std::optional<int64_t> duration_ms;
};

struct StatusSummary {
  int applied = 0;
  int pending = 0;
  int modified = 0;
  int missing = 0;
  int dirty = 0;
};

// One problem `strata validate` found.
struct ValidationIssue {
  std::string kind;     // "checksum", "duplicate", "missing", "dirty", "out_of_order",
                        // "orphan_down", "bad_name", "bad_file", "empty" (an up file with no SQL)
  std::string version;  // may be empty (bad_name)
  std::string file;     // may be empty (missing)
  int line = 0;
  std::string message;
  std::string hint;
};

struct StatusReport {
  std::string environment;  // "dev"; empty when no strata.toml environment is used
  std::string url;          // redacted
  std::vector<MigrationInfo> migrations;  // ordered by version
  StatusSummary summary;
  // Files that could not be loaded (empty, bad name, duplicate version, ...):
  // they are not in `migrations`, and `up` refuses until they are fixed.
  std::vector<ValidationIssue> problems;
  // Who holds the migration lock ("host pid 123, since ..., lease expires in
  // 21 s"); "" when nobody does.
  std::string lock_holder;
  // PostgreSQL: why strata believes a connection pooler or proxy is between
  // it and the server, and what it does about it; "" for a direct connection.
  std::string pooler;
};

enum class Direction { kUp, kDown };
std::string_view ToString(Direction direction);  // "up", "down"

// One migration that `up`, `down` or `redo` ran (or would run, in a dry run).
struct StepResult {
  std::string version;
  std::string name;
  Direction direction = Direction::kUp;
  bool no_transaction = false;
  bool executed = true;         // false: dry run of a no-transaction migration (printed only)
  int64_t duration_ms = 0;
  std::vector<std::string> notices;  // server notices (PostgreSQL RAISE NOTICE, ...)
};

// One backup file (docs/operations.md#backups). Read from the file's name
// and the manifest beside it (FILE.json).
struct BackupInfo {
  std::string path;         // absolute path of the file
  std::string file;         // its name
  std::string environment;  // as in the name; "default" for a run without an environment
  std::string created_at;   // RFC 3339 UTC with milliseconds, "2026-11-22T09:30:00.123Z"
  std::string version;      // newest applied migration when it was taken; "" = none
  std::string engine;       // "sqlite", "postgres"
  int64_t bytes = 0;        // size of the file
  std::string sha256;       // of the file; "" without a manifest
  bool verified = false;    // the manifest records a verification that passed
  bool compressed = false;  // zstd
  bool encrypted = false;   // AES-256-GCM
};

struct ApplyReport {
  bool dry_run = false;
  int64_t batch = 0;            // batch number given to applied migrations; 0 for down
  std::vector<StepResult> steps;
  int64_t total_ms = 0;
  // `up` lints the pending migrations first (environment setting `lint`):
  // the findings that did not block, for the caller to show, with their
  // rules' own severity.
  std::vector<LintFinding> lint;
  std::string lint_policy;  // the environment's `lint` ("warning", ...), which let them through
  // The verified backup taken before anything changed (environment setting
  // `backup`); none when backups are off, for a dry run, or when there was
  // nothing to do.
  std::optional<BackupInfo> backup;
  // `up`: how many migrations the folder holds, and how many of them were
  // still pending when the run checked (those after `--to` when it applied
  // nothing; what it applied counts as pending here).
  int64_t migrations = 0;
  int64_t pending = 0;
};

// `strata backup`.
struct BackupReport {
  BackupInfo backup;
  int64_t duration_ms = 0;           // the whole backup, verification included
  int64_t verify_ms = 0;             // of which verification
  std::vector<std::string> deleted;  // older backups removed by backup_keep (paths)
};

// `strata backups`: the backup files in backup_dir, oldest first.
struct BackupsReport {
  std::string directory;
  std::vector<BackupInfo> backups;
};

// `strata restore FILE`.
struct RestoreReport {
  BackupInfo backup;
  // The file's SHA-256 was checked against its manifest (false: no manifest
  // beside it; the content was still verified).
  bool checksum_checked = false;
  int64_t duration_ms = 0;
};

// `strata reset`.
struct ResetReport {
  std::optional<BackupInfo> backup;  // taken first when the environment has backup = true
  ApplyReport applied;               // every migration, applied again
};


struct ValidationReport {
  std::vector<ValidationIssue> issues;
  int migrations = 0;  // how many migration files were read
  // Files the folder's format says are not migrations, skipped as the tool
  // itself skips them (a .sql file outside drizzle-kit's journal, a Flyway
  // callback, ...), and Flyway placeholders left as written. Kind "ignored"
  // or "placeholder". They never fail validation.
  std::vector<ValidationIssue> notes;
  std::string format;  // the folder's format: "native", "drizzle", "golang-migrate", "flyway", "dbmate"
  bool ok() const { return issues.empty(); }
};

// What `strata repair` changed.
struct RepairAction {
  std::string version;
  std::string name;
  std::string action;  // "marked_clean", "reset_to_pending", "accepted_checksum", "forgotten"
};
struct RepairReport {
  std::vector<RepairAction> actions;
  // With --retry and backup = true: the verified backup taken first.
  std::optional<BackupInfo> backup;
};

struct BaselineReport {
  std::string version;  // the baseline version
  int64_t batch = 0;
  std::vector<std::string> versions;  // versions newly marked as applied
};

// `strata import`: another tool's history taken over (docs/commands.md#import).
struct ImportedMigration {
  std::string version;
  std::string name;
  std::string detail;  // how it was matched: "hash matches drizzle.__drizzle_migrations row 3"
};

struct ImportReport {
  std::string tool;   // "drizzle", "golang-migrate", "flyway", "dbmate"
  std::string table;  // the table read, "drizzle.__drizzle_migrations"
  bool dry_run = false;
  int64_t batch = 0;  // imported migrations are recorded in batch 0
  // Recorded as applied, without running them (a dry run: would be).
  // Empty when `problems` is not.
  std::vector<ImportedMigration> recorded;
  // Versions strata had recorded already: left as they were.
  std::vector<std::string> already;
  // Things to know that record nothing: migrations left pending (kind
  // "pending"), rows not imported (kind "ignored").
  std::vector<ValidationIssue> notes;
  // Why the import was refused, one per migration or row: a file changed
  // since the tool applied it (kind "checksum"), a dirty or failed row
  // ("dirty", "failed"), a version applied without a file ("missing").
  // When not empty, nothing was recorded.
  std::vector<ValidationIssue> problems;
  bool ok() const { return problems.empty(); }
};

// `strata impact` (docs/commands.md#impact).
struct ImpactChange {
  std::string kind;    // "table", "column", "index", "constraint", "view"
  std::string name;    // "users", "users.email", "users_email_idx"; "" for an unnamed constraint
  std::string table;   // the table of a column, index or constraint; "" otherwise
  std::string action;  // "create", "alter", "drop", "rename", "rows", "reference"
  std::string detail;  // "type text", "renamed to customers", "UPDATE", ...
  int line = 0;        // of the statement in the up file
};

// A line of the notes file that mentions what a migration touches.
struct ImpactNote {
  std::string file;
  int line = 0;
  std::string text;                  // the line, without its line break
  std::vector<std::string> matches;  // the names it mentions ("users", "users.email")
};

struct MigrationImpact {
  std::string version;
  std::string name;
  std::string file;
  std::vector<ImpactChange> changes;
  std::vector<ImpactNote> notes;
  // Statements the parser could not read, so not analysed (SQLite syntax
  // PostgreSQL's parser does not know; a syntax error).
  int unparsed = 0;
};

struct ImpactReport {
  std::string dialect;                    // "sqlite", "postgres"
  std::string notes_file;                 // "" when none
  std::vector<MigrationImpact> migrations;  // in version order
};

struct InitReport {
  std::vector<std::string> created;  // paths created
  std::vector<std::string> skipped;  // paths that already existed
};

struct NewReport {
  std::string version;
  std::string up_path;
  std::string down_path;
};

// `strata inspect`: the live schema. Plain copies of the internal schema
// model (src/schema/model.h); expressions are SQL text in the database's
// dialect. Lists are in canonical order: objects by name, columns as declared.
struct InspectColumn {
  std::string name;
  std::string type;                         // as declared; "" when none (SQLite)
  bool not_null = false;
  std::optional<std::string> default_expr;  // "0", "'x'", "CURRENT_TIMESTAMP", "1+2"
  std::string collation;                    // "" = the default
  std::optional<std::string> generated;     // GENERATED ALWAYS AS (expr)
  bool generated_stored = false;
};

struct InspectForeignKey {
  std::string name;                         // "" when unnamed
  std::vector<std::string> columns;
  std::string ref_table;
  std::vector<std::string> ref_columns;     // empty: the referenced primary key
  std::string on_delete = "NO ACTION";      // "NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT"
  std::string on_update = "NO ACTION";
  bool deferrable = false;
  bool initially_deferred = false;
};

struct InspectCheck {
  std::string name;                         // "" when unnamed
  std::string expr;
};

// PostgreSQL EXCLUDE constraint.
struct InspectExclusion {
  std::string name;
  std::string definition;                   // "EXCLUDE USING gist (room WITH =, during WITH &&)"
};

struct InspectTable {
  std::string name;
  std::vector<InspectColumn> columns;
  std::vector<std::string> primary_key;     // empty: none
  bool autoincrement = false;               // SQLite INTEGER PRIMARY KEY AUTOINCREMENT
  std::vector<std::vector<std::string>> uniques;
  std::vector<InspectCheck> checks;
  std::vector<InspectForeignKey> foreign_keys;
  bool without_rowid = false;               // SQLite
  bool strict = false;                      // SQLite
  // PostgreSQL only from here on.
  std::vector<InspectExclusion> exclusions;
  std::string partition_by;                 // partition key ("RANGE (created_at)"); "" = not partitioned
  std::string partition_of;                 // a partition's parent (named like `name`); "" = not a partition
  std::string partition_bound;              // "FOR VALUES FROM (...) TO (...)", "DEFAULT"; "" = not a partition
};

struct InspectIndex {
  std::string name;
  std::string table;
  bool unique = false;
  // One entry per key part: a column name or an expression, then
  // " COLLATE x" and " DESC" when set ("email", "lower(email) DESC").
  std::vector<std::string> columns;
  std::string where;                        // "" = not partial
};

struct InspectView {
  std::string name;
  std::string sql;                          // CREATE VIEW ..., no ';'
};

struct InspectTrigger {
  std::string name;
  std::string table;
  std::string sql;                          // CREATE TRIGGER ..., no ';'
};

// PostgreSQL only, from here to InspectReport. Objects outside the public
// schema are named "schema.name", like tables.
struct InspectExtension {
  std::string name;
  std::string schema;                       // where its objects live (no version: it differs between servers)
};

struct InspectEnum {
  std::string name;
  std::vector<std::string> values;          // in declared order
};

struct InspectDomain {
  std::string name;
  std::string type;                         // the base type
  bool not_null = false;
  std::optional<std::string> default_expr;
  std::string collation;                    // "" = the default
  std::vector<InspectCheck> checks;         // by name
};

struct InspectSequence {
  std::string name;
  std::string type;                         // "bigint", "integer", "smallint"
  int64_t start = 1;
  int64_t increment = 1;
  std::string owned_by;                     // "schema"."table"."column" (quoted); "" = none
};

// A function or procedure; the whole definition is in InspectReport::sql.
struct InspectRoutine {
  std::string name;
  std::string arguments;                    // "a integer, b text" (pg_get_function_identity_arguments)
  std::string kind;                         // "function", "procedure"
};

// COMMENT ON.
struct InspectComment {
  std::string object;                       // as COMMENT ON names it: TABLE "public"."users", COLUMN ...
  std::string text;
};

struct InspectReport {
  std::string dialect;                      // "sqlite", "postgres"
  std::string sql;                          // canonical DDL that recreates the schema
  std::vector<InspectTable> tables;
  std::vector<InspectIndex> indexes;
  std::vector<InspectView> views;
  std::vector<InspectTrigger> triggers;
  // PostgreSQL only (empty on SQLite).
  std::vector<std::string> schemas;         // other than public
  std::vector<InspectExtension> extensions;
  std::vector<InspectEnum> enums;
  std::vector<InspectDomain> domains;
  std::vector<InspectSequence> sequences;   // not those of identity or serial columns
  std::vector<InspectRoutine> routines;     // overloads each listed
  std::vector<InspectComment> comments;
};

// --- Schema as code: diff, generate, drift, push, test (docs/schema.md) ---

// A table or column rename.
//   table rename:  table = "",      from = old table name, to = new name
//   column rename: table = "users", from = old column,     to = new column
// Written "users=customers" / "users.email=mail" (the --rename syntax).
struct SchemaRename {
  std::string table;
  std::string from;
  std::string to;
};
// "users.email=mail" / "users=customers".
std::string ToString(const SchemaRename& rename);

// One change of a diff, in execution order.
struct SchemaChange {
  std::string summary;                  // "add column users.email", "drop table legacy"
  std::vector<std::string> statements;  // each without ';'
  bool destructive = false;             // loses data (drops a table or column, narrows a type)
  std::string destructive_reason;       // "drops table legacy and its rows"; "" when not destructive
};

// One object that differs between two schemas, e.g. kind "table", name
// "users", detail "column email missing in the database".
struct SchemaDifference {
  std::string kind;    // "table", "index", "view", "trigger", "sequence", "type", "extension", ...
  std::string name;    // "users"; "schema.name" outside PostgreSQL's public schema
  std::string detail;
  // "table users: column email missing in the database"
  std::string ToString() const { return kind + " " + name + ": " + detail; }
};

struct DiffReport {
  std::string dialect;                  // "sqlite", "postgres"
  std::vector<SchemaChange> changes;    // empty: the schemas are equal
  std::string sql;                      // the statements, each ending ";\n"; "" when equal
  // Drop-and-add pairs that may be renames; pass them as renames to get a
  // RENAME instead.
  std::vector<SchemaRename> rename_candidates;
  // What neither side's model holds, so was not compared (PostgreSQL: "rule
  // r on public.t", "privileges on table public.t"; docs/schema.md lists the
  // kinds). `sql` starts with a "-- strata: not compared: ..." line for each.
  std::vector<std::string> not_compared;
  // What the statements cannot make the same ("column child.id stays
  // declared by child: ..."); `sql` starts with "-- strata: note: ..." lines.
  std::vector<std::string> notes;
  // No statements. The schemas are the same only when not_compared is empty too.
  bool empty() const { return changes.empty(); }
  bool same() const { return changes.empty() && not_compared.empty() && notes.empty(); }
};

struct GenerateReport {
  // False when the migrations already produce the desired schema: then no
  // file was written and the paths below are empty.
  bool generated = false;
  std::string version;
  std::string up_path;
  std::string down_path;
  std::vector<SchemaChange> changes;            // what the up file does
  std::vector<SchemaRename> renames;            // renames applied (hints and confirmed ones)
  std::vector<SchemaRename> rename_candidates;  // possible renames left as drop + add
};

struct DriftReport {
  bool drift = false;
  std::vector<SchemaDifference> differences;  // expected = the applied migrations, actual = the database
  // Statements that would bring the database back to the migrations' schema.
  std::string sql;
  // Things that make the expected schema less certain ("0002_x.up.sql changed
  // since it was applied; the current file was used").
  std::vector<std::string> warnings;
  // What neither side's model holds, so was not compared (as DiffReport's):
  // "no drift" covers the rest only.
  std::vector<std::string> not_compared;
};

struct PushReport {
  bool dry_run = false;
  std::vector<SchemaChange> changes;            // empty: already up to date
  std::vector<SchemaRename> rename_candidates;  // possible renames pushed as drop + add
};

enum class MigrationTestState {
  kOk,       // down restored the schema, and up ran again
  kFailed,   // down failed, did not restore the schema, or up failed after it
  kNoDown,   // no down file: up was checked only
  kSkipped,  // not tested: an earlier migration left the database unusable
};
// "ok", "failed", "no_down", "skipped".
std::string_view ToString(MigrationTestState state);

struct MigrationTestResult {
  std::string version;
  std::string name;
  MigrationTestState state = MigrationTestState::kOk;
  std::string message;                         // why it failed or was skipped; "" when ok
  std::vector<SchemaDifference> differences;   // expected = before up, actual = after down
};

struct TestReport {
  std::vector<MigrationTestResult> migrations;  // in version order
  int failed = 0;
  bool ok() const { return failed == 0; }
};

// --- strata verify (docs/commands.md#verify) ---

// One problem `strata verify` found in the data or the catalog.
struct VerifyFinding {
  // "foreign_key_violation": rows that reference a missing parent row;
  // "not_validated_constraint": a PostgreSQL NOT VALID constraint never validated;
  // "invalid_index": a PostgreSQL index left invalid (a failed CONCURRENTLY build).
  std::string kind;
  std::string table;    // "orders"; "schema.table" outside PostgreSQL's public schema
  std::string object;   // the constraint or index ("orders_user_id_fkey", "orders(user_id) -> users(id)")
  int64_t rows = 0;     // foreign_key_violation: how many rows
  std::string message;  // for people, complete on its own
  std::string hint;     // what to do about it
};

struct VerifyReport {
  std::string dialect;                   // "sqlite", "postgres"
  int64_t foreign_keys_checked = 0;
  std::vector<VerifyFinding> findings;   // empty: nothing wrong
  bool ok() const { return findings.empty(); }
};

// --- strata plan (docs/commands.md#plan) ---

// The lock one statement takes on one relation (PostgreSQL lock table).
struct PlanLock {
  std::string relation;  // "users"; "schema.table" outside public
  std::string mode;      // "ACCESS EXCLUSIVE", "SHARE", ...
};

struct PlanStatement {
  int line = 0;          // 1-based, in the up file
  int column = 0;
  std::string kind;      // "CREATE INDEX", "ALTER TABLE"; "" when not known (SQLite, unparsable)
  std::string text;      // the first line of the statement, abbreviated to about 80 characters
  bool in_transaction = true;  // false: runs on its own (no-transaction migration)
  std::vector<PlanLock> locks;  // PostgreSQL only; strongest per relation
};

struct PlanMigration {
  std::string version;
  std::string name;
  std::string file;              // the up file
  bool no_transaction = false;   // -- strata:no-transaction
  bool foreign_keys_off = false; // -- strata:foreign-keys-off, or PRAGMA foreign_keys=OFF first in the file
  // What strata does with the file's own transaction control (a BEGIN/COMMIT
  // wrapper, SQLite foreign-key pragmas), one sentence each.
  std::vector<std::string> notes;
  // Why `up` refuses this migration before running anything (transaction
  // control it cannot honour); "" when it does not.
  std::string refused;
  // As strata runs them (a wrapper is not among them). A data migration can
  // hold millions: after the first 50, plain data statements (INSERT,
  // UPDATE, DELETE, SELECT, COPY) are counted in `statements_omitted`
  // instead of listed; `statements_total` counts them all.
  std::vector<PlanStatement> statements;
  int statements_total = 0;
  int statements_omitted = 0;
  std::vector<LintFinding> findings;  // text rules and the semantic check, this file's
};

struct PlanReport {
  std::string environment;
  std::string url;                       // redacted
  std::string dialect;                   // "sqlite", "postgres"
  std::vector<PlanMigration> migrations; // what `up` would run, in order
  // The semantic check ran (SQLite always; PostgreSQL with a dev_url); when
  // not, `semantic_skipped` says why.
  bool semantic = false;
  std::string semantic_skipped;
  std::string lint_policy;               // the environment's `lint`: "off", "warning", "error"
  int errors = 0;                        // findings, over every migration
  int warnings = 0;
  int infos = 0;
  int allowed = 0;
  // `up` would refuse: lint = "error" and errors not allowed.
  bool blocked = false;
  // `up` would refuse before running anything: a migration's `refused` is set.
  bool refused = false;
  // As StatusReport::pooler.
  std::string pooler;
  // PostgreSQL: the environment's lock_timeout and statement_timeout, SET
  // LOCAL in every migration's transaction; 0 = the server's own setting.
  // Always 0 on SQLite, which has neither.
  int64_t lock_timeout_ms = 0;
  int64_t statement_timeout_ms = 0;
  // With PlanOptions::trace: what PostgreSQL locked, rewrote and scanned
  // for each pending statement, against the lock table's prediction.
  bool traced = false;
  TraceReport trace;
};

}  // namespace strata
