// Migrator::Inspect: the live schema through driver::Connection::InspectSchema,
// rendered as canonical SQL and copied into the public InspectReport (the
// public API never exposes src/schema types).
#include "api/migrator_impl.h"
#include "schema/model.h"
#include "schema/render_postgres.h"
#include "schema/render_sqlite.h"

namespace strata::api {

namespace {

// The public report has no schema field: PostgreSQL objects outside public
// are named "schema.name" (SQLite has no schemas).
std::string Display(const std::string& schema, const std::string& name) {
  return schema.empty() || schema == "public" ? name : schema + "." + name;
}

InspectTable ToPublic(const schema::Table& t) {
  InspectTable out;
  out.name = Display(t.schema, t.name);
  for (const auto& c : t.columns) {
    out.columns.push_back({c.name, c.type, c.not_null, c.default_expr, c.collation, c.generated_expr,
                           c.generated_stored});
  }
  if (t.primary_key) {
    out.primary_key = t.primary_key->columns;
    out.autoincrement = t.primary_key->autoincrement;
  }
  for (const auto& u : t.uniques) out.uniques.push_back(u.columns);
  for (const auto& c : t.checks) out.checks.push_back({c.name, c.expr});
  for (const auto& fk : t.foreign_keys) {
    out.foreign_keys.push_back({fk.name, fk.columns, Display(fk.ref_schema, fk.ref_table), fk.ref_columns,
                                std::string(schema::ToString(fk.on_delete)),
                                std::string(schema::ToString(fk.on_update)), fk.deferrable,
                                fk.initially_deferred});
  }
  out.without_rowid = t.without_rowid;
  out.strict = t.strict;
  for (const auto& x : t.exclusions) out.exclusions.push_back({x.name, x.definition});
  out.partition_by = t.partition_by;
  if (!t.partition_of.empty()) out.partition_of = Display(t.partition_of_schema, t.partition_of);
  out.partition_bound = t.partition_bound;
  return out;
}

InspectDomain ToPublic(const schema::Domain& d) {
  InspectDomain out{Display(d.schema, d.name), d.type, d.not_null, d.default_expr, d.collation, {}};
  for (const auto& c : d.checks) out.checks.push_back({c.name, c.expr});
  return out;
}

// The PostgreSQL-only lists (empty on SQLite).
void AddPostgresObjects(const schema::Schema& live, InspectReport& report) {
  report.schemas = live.schemas;
  for (const auto& e : live.extensions) report.extensions.push_back({e.name, e.schema});
  for (const auto& e : live.enums) report.enums.push_back({Display(e.schema, e.name), e.values});
  for (const auto& d : live.domains) report.domains.push_back(ToPublic(d));
  for (const auto& s : live.sequences) {
    report.sequences.push_back({Display(s.schema, s.name), s.type, s.start, s.increment, s.owned_by.value_or("")});
  }
  for (const auto& r : live.routines) {
    report.routines.push_back({Display(r.schema, r.name), r.arguments, r.procedure ? "procedure" : "function"});
  }
  for (const auto& c : live.comments) report.comments.push_back({c.object, c.text});
}

InspectIndex ToPublic(const schema::Index& i) {
  InspectIndex out;
  out.name = Display(i.schema, i.name);
  out.table = Display(i.schema, i.table);
  out.unique = i.unique;
  out.where = i.where;
  for (const auto& p : i.parts) {
    std::string part = p.expr.empty() ? p.column : p.expr;
    if (!p.collation.empty()) part += " COLLATE " + p.collation;
    if (p.desc) part += " DESC";
    out.columns.push_back(std::move(part));
  }
  return out;
}

}  // namespace

Result<InspectReport> MigratorImpl::Inspect() {
  // Like status: a SQLite file that does not exist yet is an empty schema,
  // and a read-only command must not create it.
  if (SqliteFileMissing()) {
    InspectReport empty;
    empty.dialect = "sqlite";
    return empty;
  }
  auto conn = Connect();
  if (!conn.ok()) return Scrub(conn.status());
  bool postgres = (*conn)->dialect() == driver::Dialect::kPostgres;
  // strata's own tables are bookkeeping, not part of the application schema.
  auto live = (*conn)->InspectSchema({config_.env.table, config_.env.events_table, config_.env.lock_table});
  if (!live.ok()) return Scrub(live.status());
  InspectReport report;
  report.dialect = postgres ? "postgres" : "sqlite";
  report.sql = postgres ? schema::RenderPostgres(*live) : schema::RenderSqlite(*live);
  for (const auto& t : live->tables) report.tables.push_back(ToPublic(t));
  for (const auto& i : live->indexes) report.indexes.push_back(ToPublic(i));
  for (const auto& v : live->views) report.views.push_back({Display(v.schema, v.name), v.sql});
  for (const auto& t : live->triggers) report.triggers.push_back({t.name, t.table, t.sql});
  AddPostgresObjects(*live, report);
  return report;
}

}  // namespace strata::api
