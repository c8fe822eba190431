#include "api/schema_support.h"

#include <filesystem>

#include "util/fs.h"
#include "util/strings.h"

namespace strata {

std::string ToString(const SchemaRename& rename) {
  return (rename.table.empty() ? "" : rename.table + ".") + rename.from + "=" + rename.to;
}

std::string_view ToString(MigrationTestState state) {
  switch (state) {
    case MigrationTestState::kOk: return "ok";
    case MigrationTestState::kFailed: return "failed";
    case MigrationTestState::kNoDown: return "no_down";
    case MigrationTestState::kSkipped: return "skipped";
  }
  return "failed";
}

namespace api {

Result<schema::Dialect> EnvironmentDialect(const config::Config& config) {
  if (!config.env.url.empty()) return DialectOf(config.env.url);
  // No URL at all means SQLite; a URL that is configured but unusable (an
  // unset ${VAR}) must not silently switch the dialect of generated SQL.
  if (!config.url_status.ok() && !util::StartsWith(config.url_status.message(), "no database URL")) {
    return config.url_status;
  }
  return schema::Dialect::kSqlite;
}

DevTarget MakeDevTarget(const config::Config& config, schema::Dialect dialect, const std::string& dev_url) {
  DevTarget t;
  t.dialect = dialect;
  if (!dev_url.empty()) {
    t.server_url = dev_url;
    t.server_setting = "--dev-url";
  } else {
    t.server_url = config.env.dev_url;
    t.server_setting = "env." + config.env.name + ".dev_url";
  }
  t.connect.connect_timeout = config.env.connect_timeout;
  t.connect.connect_retries = config.env.connect_retries;
  t.exclude_tables = OwnTables(config);
  return t;
}

std::vector<std::string> OwnTables(const config::Config& config) {
  return {config.env.table, config.env.events_table, config.env.lock_table};
}

Result<std::vector<source::Migration>> LoadForReplay(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return (util::LookupFailed(ec) ? Status::Io("cannot read the migrations directory: " + ec.message())
                             : Status::NotFound("migrations directory not found"))
        .At(dir)
        .WithHint("check --dir, or `dir` in strata.toml");
  }
  auto set = source::LoadMigrations(dir);
  if (!set.ok()) return set.status();
  if (!set->problems.empty()) return Status(set->problems.front()).With("read the migrations");
  return std::move(set->migrations);
}

Result<schema::Schema> SchemaOfMigrations(const DevTarget& target, const std::vector<source::Migration>& migrations) {
  auto dev = DevDatabase::Create(target);
  if (!dev.ok()) return dev.status();
  Status s = (*dev)->ApplyMigrations(migrations);
  if (!s.ok()) return s;
  auto schema = (*dev)->Inspect();
  if (!schema.ok()) return schema.status();
  s = (*dev)->Drop();
  if (!s.ok()) return s;
  return schema;
}

Result<schema::Schema> SchemaOfFile(const DevTarget& target, const std::string& path, const std::string& what) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return (util::LookupFailed(ec) ? Status::Io(what + " cannot be read: " + ec.message())
                             : Status::NotFound(what + " not found"))
        .At(path)
        .WithHint("write the desired schema there (`strata inspect > schema.sql` starts one), or set `schema` in strata.toml");
  }
  auto dev = DevDatabase::Create(target);
  if (!dev.ok()) return dev.status();
  Status s = (*dev)->ApplyFile(path);
  if (!s.ok()) return s;
  auto schema = (*dev)->Inspect();
  if (!schema.ok()) return schema.status();
  s = (*dev)->Drop();
  if (!s.ok()) return s;
  return schema;
}

Result<std::vector<schema::Rename>> ParseRenames(const std::vector<std::string>& texts) {
  std::vector<schema::Rename> out;
  for (const auto& t : texts) {
    schema::Rename r;
    if (!schema::ParseRename(t, &r)) {
      return Status::InvalidArgument("--rename '" + t + "': expected TABLE.OLD=NEW (a column) or OLD=NEW (a table)");
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<schema::Rename> InverseRenames(const std::vector<schema::Rename>& renames) {
  // A column rename names its table by either name (schema/diff.h accepts
  // both), so only the column names swap.
  std::vector<schema::Rename> out;
  for (const auto& r : renames) out.push_back({r.table, r.to, r.from});
  return out;
}

SchemaRename ToPublic(const schema::Rename& rename) { return {rename.table, rename.from, rename.to}; }

std::vector<SchemaRename> ToPublic(const std::vector<schema::Rename>& renames) {
  std::vector<SchemaRename> out;
  for (const auto& r : renames) out.push_back(ToPublic(r));
  return out;
}

std::vector<SchemaChange> ChangesOf(const schema::Diff& diff) {
  std::vector<SchemaChange> out;
  for (const auto& c : diff.changes) out.push_back({c.summary, c.statements, c.destructive, c.destructive_reason});
  return out;
}

}  // namespace api
}  // namespace strata
