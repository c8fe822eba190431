#include "engine/foreign_history.h"

#include "util/strings.h"

namespace strata::engine {
namespace {

using source::Format;

int64_t ToInt(const driver::Value& v) {
  if (!v || v->empty()) return 0;
  try {
    return std::stoll(*v);
  } catch (...) {
    return 0;
  }
}

// PostgreSQL booleans come back as "t"/"f"; SQLite stores what the tool's
// driver wrote: 1/0 (Go, JDBC) or "true"/"false".
bool ToBool(const driver::Value& v) {
  if (!v) return false;
  std::string s = util::ToLower(util::Trim(*v));
  return s == "t" || s == "true" || s == "1";
}

std::string Text(const driver::Value& v) { return v ? *v : std::string(); }

}  // namespace

std::string DefaultForeignTable(Format tool, driver::Dialect dialect) {
  switch (tool) {
    case Format::kDrizzle:
      return dialect == driver::Dialect::kPostgres ? "drizzle.__drizzle_migrations" : "__drizzle_migrations";
    case Format::kFlyway: return "flyway_schema_history";
    default: return "schema_migrations";
  }
}

Result<std::vector<ForeignRow>> ReadForeignHistory(driver::Connection& conn, Format tool, const std::string& table) {
  std::string schema, name = table;
  if (size_t dot = table.find('.'); dot != std::string::npos) {
    schema = table.substr(0, dot);
    name = table.substr(dot + 1);
  }
  auto exists = conn.TableExists(schema, name);
  if (!exists.ok()) return exists.status();
  if (!*exists) {
    return Status::NotFound("no table " + table + " in " + conn.redacted_url() + ": nothing to import")
        .WithHint("check --table (the tool may have been configured with another table name), --url and --env");
  }
  std::string qualified = (schema.empty() ? "" : driver::QuoteIdent(schema) + ".") + driver::QuoteIdent(name);
  std::string sql;
  switch (tool) {
    case Format::kDrizzle:
      // On SQLite drizzle's `id SERIAL PRIMARY KEY` is no rowid alias and
      // stays NULL: number its rows by rowid there.
      sql = std::string("SELECT ") + (conn.dialect() == driver::Dialect::kSqlite ? "rowid" : "id") +
            ", hash, CAST(created_at AS TEXT) FROM " + qualified + " ORDER BY 1";
      break;
    case Format::kGolangMigrate:
      sql = "SELECT CAST(version AS TEXT), dirty FROM " + qualified;
      break;
    case Format::kDbmate:
      sql = "SELECT CAST(version AS TEXT) FROM " + qualified + " ORDER BY version";
      break;
    case Format::kFlyway:
      sql = "SELECT installed_rank, version, description, type, script, CAST(checksum AS TEXT), installed_by, "
            "CAST(installed_on AS TEXT), execution_time, success FROM " + qualified + " ORDER BY installed_rank";
      break;
    default:
      return Status::InvalidArgument("strata imports drizzle, golang-migrate, flyway and dbmate histories");
  }
  auto rows = conn.Query(sql);
  if (!rows.ok()) {
    return rows.status().With("read " + table + " (as " + std::string(source::ToString(tool)) + " lays it out)");
  }
  std::vector<ForeignRow> out;
  int64_t order = 0;
  for (const auto& r : rows->rows) {
    ForeignRow f;
    f.rank = ++order;
    switch (tool) {
      case Format::kDrizzle:
        f.rank = ToInt(r[0]);
        f.checksum = Text(r[1]);
        f.created_at = Text(r[2]);
        // numeric columns may print as "1700000000000.0" on SQLite
        if (size_t dot = f.created_at.find('.'); dot != std::string::npos &&
            f.created_at.find_first_not_of('0', dot + 1) == std::string::npos) {
          f.created_at.resize(dot);
        }
        break;
      case Format::kGolangMigrate:
        f.version = Text(r[0]);
        f.dirty = ToBool(r[1]);
        break;
      case Format::kDbmate:
        f.version = Text(r[0]);
        break;
      default:  // Flyway
        f.rank = ToInt(r[0]);
        f.version = Text(r[1]);
        f.description = Text(r[2]);
        f.type = Text(r[3]);
        f.script = Text(r[4]);
        f.checksum = Text(r[5]);
        f.installed_by = Text(r[6]);
        f.installed_on = Text(r[7]);
        f.execution_time = ToInt(r[8]);
        f.success = ToBool(r[9]);
        break;
    }
    out.push_back(std::move(f));
  }
  return out;
}

Status EnsureGolangMigrateTable(driver::Connection& conn) {
  auto exists = conn.TableExists("", "schema_migrations");
  if (!exists.ok()) return exists.status();
  if (*exists) return Status::Ok();
  // golang-migrate's own DDL (database/postgres and database/sqlite3 drivers).
  std::string ddl = conn.dialect() == driver::Dialect::kPostgres
                        ? "CREATE TABLE IF NOT EXISTS \"schema_migrations\" (version bigint not null primary key, "
                          "dirty boolean not null)"
                        : "CREATE TABLE IF NOT EXISTS schema_migrations (version uint64,dirty bool);\n"
                          "CREATE UNIQUE INDEX IF NOT EXISTS version_unique ON schema_migrations (version);";
  Status s = conn.ExecScript(ddl);
  return s.ok() ? s : s.With("create golang-migrate's schema_migrations table");
}

}  // namespace strata::engine
