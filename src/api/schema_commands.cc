// Migrator::Diff, Drift and Push: the schema commands that compare (and for
// push, change) schemas without writing migration files. generate.cc and
// migration_check.cc hold the other two.
#include <algorithm>
#include <filesystem>

#include "api/migrator_impl.h"
#include "api/schema_compare.h"
#include "api/schema_support.h"
#include "util/fs.h"
#include "config/url.h"
#include "driver/open.h"
#include "engine/foreign_keys.h"

namespace strata::api {
namespace {

const char* kDiffSides = "give a database URL, a migrations directory or a .sql file";

// One side of `strata diff`: a URL is inspected where it is (read only), a
// directory is replayed and a .sql file loaded in a dev database.
Result<schema::Schema> SchemaOfSide(const std::string& spec, const std::string& option, const DevTarget& target) {
  if (LooksLikeUrl(spec)) {
    auto url = config::ParseUrl(spec);
    if (!url.ok()) return Status(url.status()).With(option);
    // Opening a SQLite path creates the file; a typo must not leave one behind.
    std::error_code ec;
    if (url->scheme == config::Url::Scheme::kSqlite && !url->memory && !std::filesystem::exists(url->path, ec)) {
      return (ec ? Status::Io(option + ": cannot read the database file: " + ec.message())
                 : Status::NotFound(option + ": database file not found"))
          .At(url->path);
    }
    auto conn = driver::Open(spec, target.connect);
    if (!conn.ok()) return Status(conn.status()).With(option);
    auto schema = (*conn)->InspectSchema(target.exclude_tables);
    if (!schema.ok()) return Status(schema.status()).With(option);
    return schema;
  }
  std::error_code ec;
  std::filesystem::file_status st = std::filesystem::status(spec, ec);
  if (util::LookupFailed(ec)) {
    return Status::Io(option + " " + spec + ": " + ec.message()).WithHint(kDiffSides);
  }
  if (std::filesystem::is_directory(st)) {
    auto migrations = LoadForReplay(spec);
    if (!migrations.ok()) return Status(migrations.status()).With(option);
    return SchemaOfMigrations(target, *migrations);
  }
  if (std::filesystem::is_regular_file(st)) return SchemaOfFile(target, spec, option + " file");
  if (!std::filesystem::exists(st)) {
    return Status::NotFound(option + " " + spec + ": no such file or directory").WithHint(kDiffSides);
  }
  return Status::InvalidArgument(option + " " + spec + ": not a URL, a directory or a file").WithHint(kDiffSides);
}

// The dialect of a diff: the URL sides decide, then the environment.
Result<schema::Dialect> DiffDialect(const config::Config& config, const DiffOptions& options) {
  std::optional<schema::Dialect> found;
  for (const std::string* side : {&options.from, &options.to}) {
    if (!LooksLikeUrl(*side)) continue;
    auto d = DialectOf(*side);
    if (!d.ok()) return Status(d.status()).With(side == &options.from ? "--from" : "--to");
    if (found && *found != *d) {
      return Status::InvalidArgument("--from and --to are databases of different engines")
          .WithHint("strata diffs SQLite against SQLite and PostgreSQL against PostgreSQL");
    }
    found = *d;
  }
  if (found) return *found;
  return EnvironmentDialect(config);
}

}  // namespace

Result<DiffReport> MigratorImpl::Diff(const DiffOptions& options) {
  if (options.from.empty() || options.to.empty()) {
    return Status::InvalidArgument("diff needs both --from and --to").WithHint(kDiffSides);
  }
  auto renames = ParseRenames(options.renames);
  if (!renames.ok()) return Scrub(renames.status());
  auto dialect = DiffDialect(config_, options);
  if (!dialect.ok()) return Scrub(dialect.status());
  DevTarget target = MakeDevTarget(config_, *dialect, options.dev_url);
  auto from = SchemaOfSide(options.from, "--from", target);
  if (!from.ok()) return Scrub(from.status());
  auto to = SchemaOfSide(options.to, "--to", target);
  if (!to.ok()) return Scrub(to.status());
  schema::DiffOptions diff_options;
  diff_options.renames = *renames;
  schema::Diff diff = schema::DiffSchemas(*from, *to, *dialect, diff_options);
  DiffReport report;
  report.dialect = *dialect == schema::Dialect::kPostgres ? "postgres" : "sqlite";
  report.changes = ChangesOf(diff);
  report.sql = schema::RenderComments(diff) + schema::RenderStatements(diff);
  report.rename_candidates = ToPublic(diff.rename_candidates);
  report.not_compared = diff.not_compared;
  report.notes = diff.notes;
  return report;
}

Result<DriftReport> MigratorImpl::RunDrift(const DriftOptions& options) {
  auto set = LoadFiles();
  if (!set.ok()) return Scrub(set.status());
  auto dialect = EnvironmentDialect(config_);
  if (!dialect.ok()) return Scrub(dialect.status());
  // The live side. A SQLite file that does not exist yet is an empty
  // database with nothing applied; drift must not create it.
  schema::Schema live;
  std::vector<engine::AppliedRow> rows;
  if (!SqliteFileMissing()) {
    auto conn = Connect();
    if (!conn.ok()) return Scrub(conn.status());
    auto inspected = (*conn)->InspectSchema(OwnTables(config_));
    if (!inspected.ok()) return Scrub(inspected.status());
    live = std::move(*inspected);
    engine::History history(**conn, Tables(), config_.env.name);
    auto loaded = history.Load(/*with_down_sql=*/false);
    if (!loaded.ok()) return Scrub(loaded.status());
    rows = std::move(*loaded);
  }
  // The expected side: the files of the applied migrations, in version order.
  DriftReport report;
  std::sort(rows.begin(), rows.end(), [](const engine::AppliedRow& a, const engine::AppliedRow& b) {
    return source::CompareVersions(a.version, b.version) < 0;
  });
  std::vector<source::Migration> applied;
  for (const auto& row : rows) {
    auto it = std::find_if(set->migrations.begin(), set->migrations.end(), [&](const source::Migration& m) {
      return source::CompareVersions(m.version, row.version) == 0;
    });
    std::string label = row.version + "_" + row.name;
    if (it == set->migrations.end()) {
      return Scrub(Status::Validation(label + " is applied but its file is missing, so the schema the migrations "
                                              "produce cannot be rebuilt")
                       .WithHint("restore the file, or run `strata repair " + row.version + "` to forget it"));
    }
    if (it->checksum != row.checksum) {
      report.warnings.push_back(it->up_path + " changed since it was applied; the current file was used");
    }
    if (row.dirty) report.warnings.push_back(label + " is dirty (it did not finish); it was replayed in full");
    applied.push_back(*it);
  }
  auto expected = SchemaOfMigrations(MakeDevTarget(config_, *dialect, options.dev_url), applied);
  if (!expected.ok()) return Scrub(expected.status());
  report.differences = CompareSchemas(*expected, live, DriftWords(*dialect));
  report.drift = !report.differences.empty();
  schema::Diff back = schema::DiffSchemas(live, *expected, *dialect);
  report.not_compared = back.not_compared;
  if (report.drift) report.sql = schema::RenderStatements(back);
  return report;
}

Result<PushReport> MigratorImpl::Push(const PushOptions& options) {
  if (config_.env.is_protected) {
    // No --yes: push changes a schema without a migration, which a protected
    // (shared, production) database must never get.
    return Scrub(Status::Protected("environment '" + config_.env.name +
                                   "' is protected: `strata push` is for development databases only")
                     .WithHint("write a migration with `strata generate NAME` and apply it with `strata up`"));
  }
  auto renames = ParseRenames(options.renames);
  if (!renames.ok()) return Scrub(renames.status());
  std::string schema_file = options.schema_file.empty() ? config_.schema_file : options.schema_file;
  auto conn = Connect();
  if (!conn.ok()) return Scrub(conn.status());
  schema::Dialect dialect =
      (*conn)->dialect() == driver::Dialect::kPostgres ? schema::Dialect::kPostgres : schema::Dialect::kSqlite;
  auto live = (*conn)->InspectSchema(OwnTables(config_));
  if (!live.ok()) return Scrub(live.status());
  auto desired = SchemaOfFile(MakeDevTarget(config_, dialect, options.dev_url), schema_file, "schema file");
  if (!desired.ok()) return Scrub(desired.status());
  schema::DiffOptions diff_options;
  diff_options.renames = *renames;
  schema::Diff diff = schema::DiffSchemas(*live, *desired, dialect, diff_options);
  PushReport report;
  report.dry_run = options.dry_run;
  report.changes = ChangesOf(diff);
  report.rename_candidates = ToPublic(diff.rename_candidates);
  if (diff.empty() || options.dry_run) return report;
  // RenderMigration carries the foreign-keys-off annotation a SQLite table
  // rebuild needs; ApplyScript honours it and runs everything in one
  // transaction, so a failing statement leaves the database as it was.
  std::string sql = schema::RenderMigration(diff);
  auto annotations = source::ParseAnnotations(sql, "push");
  if (!annotations.ok()) return Scrub(annotations.status());
  Status s = engine::ApplyScript(**conn, sql, *annotations);
  if (!s.ok()) return Scrub(s.With("push (nothing was changed)"));
  return report;
}

}  // namespace strata::api
