// InspectPostgres, part three: dependencies from pg_depend, for creating
// objects in an order that loads (postgres_inspect_internal.h says which file
// reads what). Routines are named by Routine's key, "schema.name(arguments)";
// relations and types by "schema.name".
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "driver/postgres/postgres_inspect_internal.h"

namespace strata::driver::pg_inspect {

namespace {

// pg_proc row `p` in pg_namespace row `n` as Routine's key; the arguments
// as Routine::arguments spells them.
std::string RoutineKey(const std::string& p, const std::string& n) {
  return n + ".nspname || '.' || " + p + ".proname || '(' || pg_get_function_identity_arguments(" + p + ".oid) || ')'";
}

void SortUnique(std::vector<std::string>& names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
}

}  // namespace

// One arm per kind of referenced object; each arm's `n` is the referenced
// object's namespace, so that built-in types and functions drop out. A type
// stands for what must exist for it to exist: an array for its element, a
// row type for its table (or composite type).
std::string RoutineDependsOnSql() {
  std::string user = std::string(" AND ") + kUserNamespace;
  std::string of_p = " WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid";
  return "(SELECT string_agg(DISTINCT dep.name, E'\\x01') FROM ("
         // Tables, views and columns a BEGIN ATOMIC body reads.
         " SELECT n.nspname || '.' || c.relname FROM pg_depend d"
         "  JOIN pg_class c ON d.refclassid = 'pg_class'::regclass AND c.oid = d.refobjid"
         "  JOIN pg_namespace n ON n.oid = c.relnamespace" +
         of_p + user +
         // Argument, result and default types, and types a body names.
         " UNION ALL SELECT n.nspname || '.' || coalesce(rc.relname, et.typname) FROM pg_depend d"
         "  JOIN pg_type t ON d.refclassid = 'pg_type'::regclass AND t.oid = d.refobjid"
         "  JOIN pg_type et ON et.oid = CASE WHEN t.typcategory = 'A' AND t.typelem <> 0 THEN t.typelem ELSE t.oid END"
         "  JOIN pg_namespace n ON n.oid = et.typnamespace LEFT JOIN pg_class rc ON rc.oid = et.typrelid" +
         of_p + user +
         // Routines a BEGIN ATOMIC body or a parameter default calls.
         " UNION ALL SELECT " + RoutineKey("rp", "n") + " FROM pg_depend d"
         "  JOIN pg_proc rp ON d.refclassid = 'pg_proc'::regclass AND rp.oid = d.refobjid AND rp.oid <> p.oid"
         "  JOIN pg_namespace n ON n.oid = rp.pronamespace" +
         of_p + user + ") AS dep(name))";
}

// Every pg_depend row from an expression to a routine, attributed to the
// object the expression belongs to: a column default or generated
// expression, a constraint, a partition key (the table itself) or the index
// behind an exclusion constraint -> its table ('t'); a domain's default or
// check -> the domain ('d'); an index -> the index ('i'); a view's rule -> the
// view ('v'). Objects that were not read (excluded tables, extension
// members, system catalogs) are skipped by oid below.
Status Inspector::Calls() {
  auto rows = Q("SELECT o.kind, o.owner, " + RoutineKey("p", "n") +
                " FROM pg_depend d JOIN pg_proc p ON d.refclassid = 'pg_proc'::regclass AND p.oid = d.refobjid"
                " JOIN pg_namespace n ON n.oid = p.pronamespace"
                " CROSS JOIN LATERAL ("
                "  SELECT 't', ad.adrelid FROM pg_attrdef ad WHERE d.classid = 'pg_attrdef'::regclass AND ad.oid = d.objid"
                "  UNION ALL SELECT CASE WHEN con.contypid <> 0 THEN 'd' ELSE 't' END,"
                "   CASE WHEN con.contypid <> 0 THEN con.contypid ELSE con.conrelid END"
                "   FROM pg_constraint con WHERE d.classid = 'pg_constraint'::regclass AND con.oid = d.objid"
                "  UNION ALL SELECT CASE WHEN c.relkind IN ('i', 'I') THEN 'i' ELSE 't' END, c.oid"
                "   FROM pg_class c WHERE d.classid = 'pg_class'::regclass AND c.oid = d.objid"
                "  UNION ALL SELECT 't', ix.indrelid FROM pg_index ix"
                "   WHERE d.classid = 'pg_class'::regclass AND ix.indexrelid = d.objid AND EXISTS (SELECT 1"
                "    FROM pg_constraint con WHERE con.conindid = ix.indexrelid AND con.conrelid = ix.indrelid)"
                "  UNION ALL SELECT 'd', t.oid FROM pg_type t"
                "   WHERE d.classid = 'pg_type'::regclass AND t.oid = d.objid AND t.typtype = 'd'"
                "  UNION ALL SELECT 'v', rw.ev_class FROM pg_rewrite rw"
                "   WHERE d.classid = 'pg_rewrite'::regclass AND rw.oid = d.objid"
                " ) AS o(kind, owner)"
                " WHERE p.prokind IN ('f', 'p') AND " +
                kUserNamespace);
  if (!rows.ok()) return rows.status();
  auto add = [&](const std::map<std::string, size_t>& by_oid, auto& list, const Row& r) {
    auto it = by_oid.find(Text(r, 1));
    if (it != by_oid.end()) list[it->second].calls.push_back(Text(r, 2));
  };
  for (const Row& r : rows->rows) {
    std::string kind = Text(r, 0);
    if (kind == "t") add(table_by_oid, out.tables, r);
    if (kind == "d") add(domain_by_oid, out.domains, r);
    if (kind == "i") add(index_by_oid, out.indexes, r);
    if (kind == "v") add(view_by_oid, out.views, r);
  }
  for (auto& t : out.tables) SortUnique(t.calls);
  for (auto& d : out.domains) SortUnique(d.calls);
  for (auto& i : out.indexes) SortUnique(i.calls);
  for (auto& v : out.views) SortUnique(v.calls);
  return Status::Ok();
}

}  // namespace strata::driver::pg_inspect
