// InspectPostgres, part two: schemas, extensions, enum types, domains,
// functions and procedures, triggers and comments (postgres_inspect_internal.h
// says which file reads what).
#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "driver/postgres/postgres_inspect_internal.h"

namespace strata::driver::pg_inspect {

namespace {

// COMMENT ON targets, one UNION arm per catalog. Each row: kind, schema,
// name, sub-name (column, constraint, trigger), argument types, the oid of
// the table or view the object hangs on (must be one read), text.
std::string CommentsQuery() {
  std::string ns = std::string(" AND ") + kUserNamespace;
  return
      // Tables, views, indexes, sequences and columns. A partition's index
      // attached to its parent's is not listed (it is recreated by name).
      "SELECT CASE WHEN d.objsubid > 0 THEN 'COLUMN' WHEN c.relkind IN ('r', 'p') THEN 'TABLE'"
      "  WHEN c.relkind = 'v' THEN 'VIEW' WHEN c.relkind = 'm' THEN 'MATERIALIZED VIEW'"
      "  WHEN c.relkind IN ('i', 'I') THEN 'INDEX' ELSE 'SEQUENCE' END,"
      " n.nspname, c.relname, a.attname, NULL,"
      " CASE WHEN c.relkind IN ('i', 'I') THEN ix.indrelid WHEN c.relkind = 'S' THEN"
      "  (SELECT sd.refobjid FROM pg_depend sd WHERE sd.classid = 'pg_class'::regclass AND sd.objid = c.oid"
      "   AND sd.refclassid = 'pg_class'::regclass AND sd.deptype IN ('a', 'i') LIMIT 1)"
      "  ELSE c.oid END::text, d.description"
      " FROM pg_description d JOIN pg_class c ON d.classoid = 'pg_class'::regclass AND d.objoid = c.oid"
      " JOIN pg_namespace n ON n.oid = c.relnamespace"
      " LEFT JOIN pg_attribute a ON d.objsubid > 0 AND a.attrelid = c.oid AND a.attnum = d.objsubid"
      " LEFT JOIN pg_index ix ON ix.indexrelid = c.oid"
      " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'i', 'I', 'S')"
      " AND NOT EXISTS (SELECT 1 FROM pg_inherits ih WHERE ih.inhrelid = c.oid AND c.relkind IN ('i', 'I'))" +
      ns + NotInExtension("pg_class", "c.oid") +
      // Enum types and domains.
      // Enum types, domains and composite types.
      " UNION ALL SELECT CASE WHEN t.typtype = 'd' THEN 'DOMAIN' ELSE 'TYPE' END, n.nspname, t.typname, NULL,"
      " NULL, NULL, d.description"
      " FROM pg_description d JOIN pg_type t ON d.classoid = 'pg_type'::regclass AND d.objoid = t.oid"
      " JOIN pg_namespace n ON n.oid = t.typnamespace WHERE (t.typtype IN ('e', 'd') OR (t.typtype = 'c' AND"
      " (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))" +
      ns + NotInExtension("pg_type", "t.oid") +
      // Policies (on a table that was read).
      " UNION ALL SELECT 'POLICY', n.nspname, c.relname, pol.polname, NULL, pol.polrelid::text, d.description"
      " FROM pg_description d JOIN pg_policy pol ON d.classoid = 'pg_policy'::regclass AND d.objoid = pol.oid"
      " JOIN pg_class c ON c.oid = pol.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE true" +
      ns +
      // Collations.
      " UNION ALL SELECT 'COLLATION', n.nspname, co.collname, NULL, NULL, NULL, d.description"
      " FROM pg_description d JOIN pg_collation co ON d.classoid = 'pg_collation'::regclass AND d.objoid = co.oid"
      " JOIN pg_namespace n ON n.oid = co.collnamespace WHERE true" +
      ns + NotInExtension("pg_collation", "co.oid") +
      // Functions and procedures, by argument types (the form COMMENT ON
      // accepts for both).
      " UNION ALL SELECT CASE WHEN p.prokind = 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, n.nspname, p.proname,"
      " NULL, oidvectortypes(p.proargtypes), NULL, d.description"
      " FROM pg_description d JOIN pg_proc p ON d.classoid = 'pg_proc'::regclass AND d.objoid = p.oid"
      " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind IN ('f', 'p')" +
      ns + NotInExtension("pg_proc", "p.oid") +
      // Schemas; public's stock comment comes with every database.
      " UNION ALL SELECT 'SCHEMA', NULL, n.nspname, NULL, NULL, NULL, d.description"
      " FROM pg_description d JOIN pg_namespace n ON d.classoid = 'pg_namespace'::regclass AND d.objoid = n.oid"
      " WHERE NOT (n.nspname = 'public' AND d.description = 'standard public schema')" +
      ns +
      // Constraints of tables and of domains (not partitions' clones).
      " UNION ALL SELECT CASE WHEN con.contypid <> 0 THEN 'DOMAIN CONSTRAINT' ELSE 'CONSTRAINT' END, n.nspname,"
      " coalesce(rel.relname, typ.typname), con.conname, NULL, nullif(con.conrelid, 0)::text, d.description"
      " FROM pg_description d JOIN pg_constraint con ON d.classoid = 'pg_constraint'::regclass AND d.objoid = con.oid"
      " JOIN pg_namespace n ON n.oid = con.connamespace LEFT JOIN pg_class rel ON rel.oid = con.conrelid"
      " LEFT JOIN pg_type typ ON typ.oid = con.contypid WHERE con.conparentid = 0" +
      ns + NotInExtension("pg_type", "con.contypid") +
      // Triggers.
      " UNION ALL SELECT 'TRIGGER', n.nspname, c.relname, tg.tgname, NULL, tg.tgrelid::text, d.description"
      " FROM pg_description d JOIN pg_trigger tg ON d.classoid = 'pg_trigger'::regclass AND d.objoid = tg.oid"
      " JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      " WHERE NOT tg.tgisinternal AND tg.tgparentid = 0" +
      ns +
      // Extensions, unless the comment is the one CREATE EXTENSION sets
      // from the control file.
      " UNION ALL SELECT 'EXTENSION', NULL, e.extname, NULL, NULL, NULL, d.description"
      " FROM pg_description d JOIN pg_extension e ON d.classoid = 'pg_extension'::regclass AND d.objoid = e.oid"
      " JOIN pg_namespace n ON n.oid = e.extnamespace WHERE d.description IS DISTINCT FROM"
      " (SELECT ae.comment FROM pg_available_extensions ae WHERE ae.name = e.extname)" +
      ns;
}

}  // namespace

Status Inspector::Schemas() {
  auto rows = Q(std::string("SELECT n.nspname FROM pg_namespace n WHERE ") + kUserNamespace +
                " AND n.nspname <> 'public' ORDER BY 1");
  if (!rows.ok()) return rows.status();
  for (const Row& r : rows->rows) out.schemas.push_back(Text(r, 0));
  return Status::Ok();
}

Status Inspector::Enums() {
  auto rows = Q(std::string(
                    "SELECT n.nspname, t.typname, (SELECT string_agg(e.enumlabel, E'\\x01' ORDER BY e.enumsortorder)"
                    " FROM pg_enum e WHERE e.enumtypid = t.oid)"
                    " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'e' AND ") +
                kUserNamespace + NotInExtension("pg_type", "t.oid"));
  if (!rows.ok()) return rows.status();
  for (const Row& r : rows->rows) out.enums.push_back({Text(r, 0), Text(r, 1), SplitList(r, 2)});
  return Status::Ok();
}

// Extensions outside pg_catalog (plpgsql lives there and is always present).
Status Inspector::Extensions() {
  auto rows = Q(std::string("SELECT e.extname, n.nspname FROM pg_extension e"
                            " JOIN pg_namespace n ON n.oid = e.extnamespace WHERE ") +
                kUserNamespace);
  if (!rows.ok()) return rows.status();
  for (const Row& r : rows->rows) out.extensions.push_back({Text(r, 0), Text(r, 1)});
  return Status::Ok();
}

Status Inspector::Domains() {
  auto rows = Q(std::string(
                    "SELECT t.oid, n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull,"
                    " t.typdefault, CASE WHEN t.typcollation <> 0 AND t.typcollation <> bt.typcollation"
                    " THEN co.collname END, CASE WHEN t.typcollation <> 0 AND t.typcollation <> bt.typcollation"
                    " AND co.collnamespace <> 'pg_catalog'::regnamespace THEN con.nspname END"
                    " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                    " JOIN pg_type bt ON bt.oid = t.typbasetype"
                    " LEFT JOIN pg_collation co ON co.oid = t.typcollation"
                    " LEFT JOIN pg_namespace con ON con.oid = co.collnamespace WHERE t.typtype = 'd' AND ") +
                kUserNamespace + NotInExtension("pg_type", "t.oid"));
  if (!rows.ok()) return rows.status();
  for (const Row& r : rows->rows) {
    schema::Domain d;
    d.schema = Text(r, 1);
    d.name = Text(r, 2);
    d.type = Text(r, 3);
    d.not_null = Bool(r, 4);
    if (!IsNull(r, 5)) d.default_expr = Text(r, 5);
    d.collation = Text(r, 6);
    d.collation_schema = Text(r, 7);
    domain_by_oid[Text(r, 0)] = out.domains.size();
    out.domains.push_back(std::move(d));
  }
  auto checks = Q("SELECT con.contypid, con.conname, pg_get_expr(con.conbin, 0), con.convalidated"
                  " FROM pg_constraint con WHERE con.contypid <> 0 AND con.contype = 'c'");
  if (!checks.ok()) return checks.status();
  for (const Row& r : checks->rows) {
    auto it = domain_by_oid.find(Text(r, 0));
    if (it != domain_by_oid.end()) out.domains[it->second].checks.push_back({Text(r, 1), Text(r, 2), !Bool(r, 3)});
  }
  return Status::Ok();
}

// Functions and procedures; aggregates and window functions are not read
// (pg_get_functiondef cannot print them).
Status Inspector::Routines() {
  auto rows = Q(std::string(
                    "SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), p.prokind,"
                    " pg_get_functiondef(p.oid), " + RoutineDependsOnSql() +
                    " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind IN ('f', 'p') AND ") +
                kUserNamespace + NotInExtension("pg_proc", "p.oid"));
  if (!rows.ok()) return rows.status();
  for (const Row& r : rows->rows) {
    out.routines.push_back({Text(r, 0), Text(r, 1), Text(r, 2), Text(r, 3) == "p", TrimDefinition(Text(r, 4)),
                            SplitList(r, 5)});
    std::sort(out.routines.back().depends_on.begin(), out.routines.back().depends_on.end());
  }
  return Status::Ok();
}

// Triggers on the tables and views read. Internal ones (foreign keys,
// deferred uniques) belong to their constraint; a partition's clone of its
// parent's trigger (tgparentid) comes back with PARTITION OF.
Status Inspector::Triggers() {
  auto rows = Q(std::string("SELECT t.tgrelid, n.nspname, t.tgname, c.relname, pg_get_triggerdef(t.oid), t.tgenabled"
                            " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                            " JOIN pg_namespace n ON n.oid = c.relnamespace"
                            " WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND ") +
                kUserNamespace + " ORDER BY n.nspname, t.tgname, c.relname");  // names are per table
  if (!rows.ok()) return rows.status();
  for (const Row& r : rows->rows) {
    if (!TableOrViewRead(r, 0)) continue;
    static const std::map<std::string, std::string> kEnabled = {
        {"D", "DISABLE"}, {"R", "ENABLE REPLICA"}, {"A", "ENABLE ALWAYS"}};
    auto enabled = kEnabled.find(Text(r, 5));
    out.triggers.push_back(
        {Text(r, 1), Text(r, 2), Text(r, 3), Text(r, 4), enabled == kEnabled.end() ? "" : enabled->second});
  }
  return Status::Ok();
}

Status Inspector::Comments() {
  auto rows = Q(CommentsQuery());
  if (!rows.ok()) return rows.status();
  for (const Row& r : rows->rows) {
    if (!IsNull(r, 5) && !TableOrViewRead(r, 5)) continue;
    std::string kind = Text(r, 0);
    std::string target = Qualified(Text(r, 1), Text(r, 2));
    std::string object;
    if (kind == "COLUMN") {
      object = "COLUMN " + target + "." + QuoteIdent(Text(r, 3));
    } else if (kind == "FUNCTION" || kind == "PROCEDURE") {
      object = kind + " " + target + "(" + Text(r, 4) + ")";
    } else if (kind == "SCHEMA" || kind == "EXTENSION") {
      object = kind + " " + QuoteIdent(Text(r, 2));
    } else if (kind == "CONSTRAINT" || kind == "TRIGGER" || kind == "POLICY") {
      object = kind + " " + QuoteIdent(Text(r, 3)) + " ON " + target;
    } else if (kind == "DOMAIN CONSTRAINT") {
      object = "CONSTRAINT " + QuoteIdent(Text(r, 3)) + " ON DOMAIN " + target;
    } else {
      object = kind + " " + target;
    }
    out.comments.push_back({std::move(object), Text(r, 6)});
  }
  return Status::Ok();
}

// A schema that held nothing but strata's own tables (config `schema =
// "ops"`) is bookkeeping too, not part of the application schema.
void Inspector::DropBookkeepingSchemas() {
  auto used = [&](const std::string& nsp) {
    auto in = [&](const auto& items) {
      return std::any_of(items.begin(), items.end(), [&](const auto& i) { return i.schema == nsp; });
    };
    return in(out.tables) || in(out.views) || in(out.enums) || in(out.sequences) || in(out.indexes) ||
           in(out.domains) || in(out.routines) || in(out.extensions) || in(out.collations) || in(out.composites);
  };
  std::erase_if(out.schemas, [&](const std::string& nsp) {
    return std::find(excluded_schemas.begin(), excluded_schemas.end(), nsp) != excluded_schemas.end() && !used(nsp);
  });
}

}  // namespace strata::driver::pg_inspect
