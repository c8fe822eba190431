// InspectPostgres, part four: row-level security policies, collations and
// composite types (postgres_inspect_internal.h says which file reads what).
#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "driver/postgres/postgres_inspect_internal.h"

namespace strata::driver::pg_inspect {

// Policies on the tables read.
Status Inspector::Policies() {
  auto rows = Q(std::string(
                    "SELECT pol.polrelid, n.nspname, c.relname, pol.polname, pol.polpermissive, pol.polcmd,"
                    " (SELECT string_agg(CASE WHEN r.oid = 0 THEN 'PUBLIC' ELSE quote_ident(a.rolname) END, E'\\x01')"
                    "  FROM unnest(pol.polroles) AS r(oid) LEFT JOIN pg_roles a ON a.oid = r.oid),"
                    " pg_get_expr(pol.polqual, pol.polrelid), pg_get_expr(pol.polwithcheck, pol.polrelid)"
                    " FROM pg_policy pol JOIN pg_class c ON c.oid = pol.polrelid"
                    " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ") +
                kUserNamespace);
  if (!rows.ok()) return rows.status();
  static const std::map<std::string, std::string> kCommand = {
      {"*", "ALL"}, {"r", "SELECT"}, {"a", "INSERT"}, {"w", "UPDATE"}, {"d", "DELETE"}};
  for (const Row& r : rows->rows) {
    if (TableOf(r, 0) == nullptr) continue;
    schema::Policy p;
    p.schema = Text(r, 1);
    p.table = Text(r, 2);
    p.name = Text(r, 3);
    p.permissive = Bool(r, 4);
    auto command = kCommand.find(Text(r, 5));
    p.command = command == kCommand.end() ? "ALL" : command->second;
    p.roles = SplitList(r, 6);
    std::sort(p.roles.begin(), p.roles.end());
    p.using_expr = Text(r, 7);
    p.check_expr = Text(r, 8);
    out.policies.push_back(std::move(p));
  }
  return Status::Ok();
}

// Collations the application created (CREATE COLLATION), not pg_catalog's.
Status Inspector::Collations() {
  auto rows = Q(std::string("SELECT n.nspname, co.collname, co.collprovider, co.collcollate, co.collctype,"
                            " co.colliculocale, co.collisdeterministic"
                            " FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace WHERE ") +
                kUserNamespace + NotInExtension("pg_collation", "co.oid"));
  if (!rows.ok()) return rows.status();
  for (const Row& r : rows->rows) {
    schema::Collation c;
    c.schema = Text(r, 0);
    c.name = Text(r, 1);
    std::string provider = Text(r, 2);
    c.provider = provider == "i" ? "icu" : provider == "c" ? "libc" : "default";
    if (provider == "i") {
      c.locale = Text(r, 5);
    } else if (Text(r, 3) == Text(r, 4)) {
      c.locale = Text(r, 3);
    } else {
      c.lc_collate = Text(r, 3);
      c.lc_ctype = Text(r, 4);
    }
    c.deterministic = Bool(r, 6);
    out.collations.push_back(std::move(c));
  }
  return Status::Ok();
}

// Composite types made with CREATE TYPE ... AS (a table's row type is not one).
Status Inspector::Composites() {
  auto rows = Q(std::string(
                    "SELECT n.nspname, t.typname, a.attname, format_type(a.atttypid, a.atttypmod),"
                    " CASE WHEN a.attcollation <> 0 AND a.attcollation <> at.typcollation THEN co.collname END,"
                    " CASE WHEN a.attcollation <> 0 AND a.attcollation <> at.typcollation"
                    "  AND co.collnamespace <> 'pg_catalog'::regnamespace THEN con.nspname END"
                    " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                    " JOIN pg_class c ON c.oid = t.typrelid AND c.relkind = 'c'"
                    " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
                    " JOIN pg_type at ON at.oid = a.atttypid LEFT JOIN pg_collation co ON co.oid = a.attcollation"
                    " LEFT JOIN pg_namespace con ON con.oid = co.collnamespace WHERE t.typtype = 'c' AND ") +
                kUserNamespace + NotInExtension("pg_type", "t.oid") + " ORDER BY n.nspname, t.typname, a.attnum");
  if (!rows.ok()) return rows.status();
  for (const Row& r : rows->rows) {
    if (out.composites.empty() || out.composites.back().schema != Text(r, 0) ||
        out.composites.back().name != Text(r, 1)) {
      out.composites.push_back({Text(r, 0), Text(r, 1), {}});
    }
    schema::Column a;
    a.name = Text(r, 2);
    a.type = Text(r, 3);
    a.collation = Text(r, 4);
    a.collation_schema = Text(r, 5);
    out.composites.back().attributes.push_back(std::move(a));
  }
  return Status::Ok();
}

}  // namespace strata::driver::pg_inspect
