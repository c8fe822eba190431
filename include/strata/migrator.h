// strata::Migrator: everything the strata CLI does, as a library.
//
//   strata::Options options;
//   options.url = "sqlite:app.db";
//   options.dir = "migrations";
//   auto m = strata::Migrator::Open(options);
//   if (!m.ok()) return fail(m.status());
//   auto report = (*m)->Up({});
//
// Open() reads the configuration only; the database connection is made on the
// first command that needs it and kept until the Migrator is destroyed. Each
// command re-reads the migration files. One Migrator is used by one thread at
// a time. Results and Status messages never contain a password.
#pragma once

#include <memory>
#include <string>

#include <strata/events.h>
#include <strata/health.h>
#include <strata/lint.h>
#include <strata/options.h>
#include <strata/result.h>
#include <strata/status.h>
#include <strata/types.h>

namespace strata {

class Migrator {
 public:
  // Loads and resolves the configuration. Fails with kNotFound (config file or
  // environment missing), kParse (malformed strata.toml), kInvalidArgument
  // (bad URL, unset ${VAR}). `sink` may be null; it must outlive the Migrator.
  static Result<std::unique_ptr<Migrator>> Open(const Options& options, EventSink* sink = nullptr);

  virtual ~Migrator();
  Migrator(const Migrator&) = delete;
  Migrator& operator=(const Migrator&) = delete;

  // The resolved environment name ("" without one), the redacted URL, the
  // migrations directory, and whether the environment is protected.
  virtual const std::string& environment() const = 0;
  virtual const std::string& url() const = 0;
  virtual const std::string& directory() const = 0;
  virtual bool is_protected() const = 0;

  // Every migration and its state. Never changes the database (does not even
  // create the tracking tables).
  virtual Result<StatusReport> GetStatus() = 0;

  // Applies pending migrations in version order, each in its own transaction
  // (unless no-transaction or single_transaction). Refuses with kDirty,
  // kChecksumMismatch or kValidation (missing file, out-of-order, duplicate)
  // before running anything. On a failing migration: that migration is rolled
  // back, earlier ones stay applied, and the Status carries file:line.
  virtual Result<ApplyReport> Up(const UpOptions& options) = 0;

  // Rolls back using the down SQL stored when each migration was applied.
  // kProtected without options.yes in a protected environment; kNotFound when
  // a migration to roll back has no down SQL (nothing is changed then).
  virtual Result<ApplyReport> Down(const DownOptions& options) = 0;

  // Down then up of the newest applied migration (its current file).
  virtual Result<ApplyReport> Redo(const RedoOptions& options) = 0;

  // Interrupts the Up, Down or Redo running now on another thread (a Ctrl-C
  // watcher, a shutdown hook): the running statement is cancelled, its
  // migration rolls back as after any failure (a no-transaction migration
  // stays dirty), no further migration starts, and that call returns
  // kCancelled. Called before such a run starts, it stops that run before
  // its first migration. Thread-safe; not async-signal-safe (call it from a
  // thread, not from inside a signal handler).
  virtual void Cancel() = 0;

  // Checks files and records against each other; the report lists every
  // problem. Fails only when the check itself cannot run.
  virtual Result<ValidationReport> Validate() = 0;

  // Marks every migration up to options.version as applied without running it.
  virtual Result<BaselineReport> Baseline(const BaselineOptions& options) = 0;

  // After review: clears dirty flags, accepts changed checksums, forgets
  // records whose files are gone.
  virtual Result<RepairReport> Repair(const RepairOptions& options) = 0;

  // Backups (docs/operations.md). Backup takes a verified backup of the
  // whole database now (SQLite backup API / pg_dump -Fc) into backup_dir and
  // records a `backup` event. Fails with kIo (backup_dir not writable, disk
  // full), kNotFound (pg_dump missing), kDatabase (the copy or its
  // verification failed), kInvalidArgument (encrypt without a key); a failed
  // backup leaves no file behind.
  virtual Result<BackupReport> Backup(const BackupOptions& options) = 0;
  // The backup files in backup_dir, read from their names and manifests.
  virtual Result<BackupsReport> ListBackups() = 0;
  // Puts the database back exactly as the backup has it (schema, rows,
  // sequences, strata's tables), after verifying the file, and records a
  // `restore` event. SQLite: one write transaction into the live file;
  // PostgreSQL: one transaction in psql. kProtected without options.yes in
  // a protected environment; kIo for a damaged file; kInvalidArgument for a
  // missing or wrong key, or a backup of the other engine. On failure the
  // database is unchanged.
  virtual Result<RestoreReport> Restore(const RestoreOptions& options) = 0;

  // Development only: drops everything in the database (every table, view,
  // index, trigger; on PostgreSQL every schema but public, and every object
  // in public) and applies every migration again. kProtected in a protected
  // environment (always), or without options.yes.
  virtual Result<ResetReport> Reset(const ResetOptions& options) = 0;

  // Takes over another tool's history (drizzle-kit, golang-migrate, Flyway,
  // dbmate): reads its tracking table, checks it against the folder, and
  // records those migrations as applied in strata's tables (batch 0, an
  // `import` event each), in one transaction, without running any migration
  // SQL and without writing to the other tool's table. A mismatch (changed
  // file, dirty or failed row, applied version without a file) is a report
  // problem, and then nothing is recorded (report.ok() is false). Fails with
  // kInvalidArgument (unknown tool; the folder does not read as that tool's),
  // kNotFound (no such table), kValidation (the folder has problems),
  // kProtected (protected environment without options.yes).
  virtual Result<ImportReport> Import(const ImportOptions& options) = 0;

  // For each pending migration (or options.versions): the tables, columns,
  // indexes, constraints and views it creates, changes or drops, and the
  // lines of the notes file that mention any of them (word-boundary,
  // case-insensitive). Reads only. Fails with kNotFound (unknown version,
  // notes file missing), kInvalidArgument (pending migrations asked for
  // without a database URL).
  virtual Result<ImpactReport> Impact(const ImpactOptions& options) = 0;

  // Creates the next up/down pair in the migrations directory.
  virtual Result<NewReport> New(const NewOptions& options) = 0;

  // The live schema as canonical SQL and as structured data, without
  // strata's own tables (migrations, events, lock). Reads only. kUnsupported
  // on PostgreSQL for now; kDatabase when the database cannot be read.
  virtual Result<InspectReport> Inspect() = 0;

  // Safety findings for the migration files (docs/lint/). Reads files only,
  // unless options.use_database. Fails with kNotFound when a file or the
  // directory is missing; findings, errors included, are a successful report.
  virtual Result<LintReport> Lint(const LintOptions& options) = 0;

  // What `up` would run, migration by migration: statements, their locks
  // (PostgreSQL), transaction use, and the lint findings (text rules and the
  // semantic check) for the pending files. Reads the tracking table only:
  // no lock, no writes, a missing SQLite file is an empty database and is
  // not created. Fails like `up` would before running anything (kValidation,
  // kDirty, kChecksumMismatch, kNotFound for --to); lint errors are report
  // fields (report.blocked), not failures.
  virtual Result<PlanReport> Plan(const PlanOptions& options) = 0;

  // Schema as code (docs/schema.md). Each builds schemas in throwaway dev
  // databases (SQLite: in memory; PostgreSQL: strata_dev_<random> on the
  // server named by dev_url, created and dropped by strata, also on failure).
  // The dialect is the environment URL's (or that of a URL given to Diff);
  // SQLite without one. Common failures: kInvalidArgument (PostgreSQL without
  // dev_url, bad --rename), kNotFound (schema file or directory missing),
  // kDatabase with file:line when a migration or schema file does not load.

  // The statements that turn options.from into options.to. Reads only.
  virtual Result<DiffReport> Diff(const DiffOptions& options) = 0;

  // Writes the next up/down pair that takes the schema the migrations produce
  // to the schema file, then replays every migration plus the new one (and
  // its down) in a fresh dev database and checks the result; when the check
  // fails, the files are deleted and kInternal names what differs.
  // report.generated is false (nothing written) when there is no change.
  virtual Result<GenerateReport> Generate(const GenerateOptions& options) = 0;

  // The live schema against the schema the applied migrations produce.
  // Reads only; drift is a report field, not an error.
  virtual Result<DriftReport> Drift(const DriftOptions& options) = 0;

  // Development only: changes the live database to match the schema file
  // directly, in one transaction, without recording a migration.
  // kProtected in a protected environment (no confirmation accepted).
  virtual Result<PushReport> Push(const PushOptions& options) = 0;

  // In a dev database, each migration: up, down, compare with the schema
  // before it, up again. Failures are in the report; a failing up is an
  // error (kDatabase with file:line).
  virtual Result<TestReport> Test(const TestOptions& options) = 0;

  // After migrating: rows that break a foreign key (SQLite foreign_key_check;
  // PostgreSQL: every foreign key checked for orphaned rows), PostgreSQL
  // NOT VALID constraints not validated yet and indexes left invalid by a
  // failed CONCURRENTLY build. Reads only; findings are report fields.
  virtual Result<VerifyReport> Verify() = 0;

  // Operations (docs/operations.md).

  // Connectivity and round-trip time, who holds the migration lock, pending
  // / dirty / modified / missing counts, the last apply, the last failure and
  // the age of the newest backup (docs/commands.md#health). Reads only and
  // creates nothing (a missing SQLite file is reported, not created); one
  // connection attempt, no retries. A database that cannot be reached is a
  // report (reachable = false, state kUnhealthy), not an error; fails only
  // when no usable URL is configured (kInvalidArgument).
  virtual Result<HealthReport> Health() = 0;

  // The newest rows of the event table, newest first; empty when it does not
  // exist yet. Reads only. kDatabase when it cannot be read.
  virtual Result<std::vector<EventInfo>> Events(const EventsOptions& options) = 0;

 protected:
  Migrator() = default;
};

// Scaffolds strata.toml, migrations/ and schema.sql; never overwrites a file.
Result<InitReport> Init(const InitOptions& options);

// Makes SIGINT and SIGTERM drop every PostgreSQL dev database this process
// has open before it exits (with 128 + the signal number: 130 for Ctrl-C).
// The handlers are installed only while such a database exists and the
// previous ones are restored afterwards. The strata CLI calls this; an
// application with its own signal handling should not (a dev database left
// behind by a killed process is named strata_dev_<16 hex digits>).
void DropDevDatabasesOnSignal();

}  // namespace strata
