// InspectPostgres, part one and a half: views and materialized views, and
// indexes (postgres_inspect_internal.h says which file reads what).
#include <algorithm>
#include <cctype>
#include <string>
#include <utility>

#include "driver/postgres/postgres_inspect_internal.h"

namespace strata::driver::pg_inspect {

Status Inspector::Views() {
  auto rows = Q(std::string(
                    "SELECT c.oid, n.nspname, c.relname, c.relkind, pg_get_viewdef(c.oid, true),"
                    " array_to_string(c.reloptions, E'\\x01'),"
                    " (SELECT string_agg(DISTINCT dn.nspname || '.' || dc.relname, E'\\x01')"
                    "  FROM pg_rewrite rw JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid"
                    "   AND d.refclassid = 'pg_class'::regclass"
                    "  JOIN pg_class dc ON dc.oid = d.refobjid JOIN pg_namespace dn ON dn.oid = dc.relnamespace"
                    "  WHERE rw.ev_class = c.oid AND dc.oid <> c.oid AND dc.relkind IN ('v', 'm'))"
                    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND ") +
                kUserNamespace + NotInExtension("pg_class", "c.oid"));
  if (!rows.ok()) return rows.status();
  for (const Row& r : rows->rows) {
    schema::View v;
    v.schema = Text(r, 1);
    v.name = Text(r, 2);
    v.materialized = Text(r, 3) == "m";
    std::string body = FoldWhitespace(Text(r, 4));
    while (!body.empty() && body.back() == ';') body.pop_back();
    // Storage parameters (security_barrier, security_invoker, fillfactor,
    // ...) as WITH (...), and check_option as the clause it comes from, the
    // way pg_dump writes them.
    std::string with, check;
    for (const std::string& option : SplitList(r, 5)) {
      size_t eq = option.find('=');
      std::string key = option.substr(0, eq), value = eq == std::string::npos ? "" : option.substr(eq + 1);
      if (key == "check_option") {
        for (char& ch : value) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        check = " WITH " + value + " CHECK OPTION";
      } else {
        with += (with.empty() ? "" : ", ") + key + "=" + QuoteLiteral(value);
      }
    }
    v.sql = std::string(v.materialized ? "CREATE MATERIALIZED VIEW " : "CREATE VIEW ") + Qualified(v.schema, v.name) +
            (with.empty() ? "" : " WITH (" + with + ")") + " AS " + body + check;
    v.depends_on = SplitList(r, 6);
    std::sort(v.depends_on.begin(), v.depends_on.end());
    view_by_oid[Text(r, 0)] = out.views.size();
    out.views.push_back(std::move(v));
  }
  return Status::Ok();
}

Status Inspector::Indexes() {
  // Indexes of primary key, unique and exclusion constraints belong to the
  // constraint (a foreign key's conindid is the referenced index: not ours).
  auto rows = Q(std::string(
                    "SELECT i.indrelid, n.nspname, ic.relname, i.indisunique, pg_get_indexdef(i.indexrelid),"
                    " pg_get_expr(i.indpred, i.indrelid), tc.relname,"
                    " (SELECT string_agg(CASE WHEN i.indoption[k - 1] & 1 = 1 THEN 'd' ELSE 'a' END ||"
                    "   CASE WHEN i.indkey[k - 1] = 0 THEN 'e' || pg_get_indexdef(i.indexrelid, k, true)"
                    "   ELSE 'c' || (SELECT attname FROM pg_attribute WHERE attrelid = i.indrelid"
                    "    AND attnum = i.indkey[k - 1]) END, E'\\x01' ORDER BY k)"
                    "  FROM generate_series(1, i.indnkeyatts) AS k), tc.relkind, i.indexrelid"
                    " FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
                    " JOIN pg_namespace n ON n.oid = ic.relnamespace JOIN pg_class tc ON tc.oid = i.indrelid"
                    " WHERE tc.relkind IN ('r', 'p', 'm') AND NOT EXISTS (SELECT 1 FROM pg_constraint con"
                    "  WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x'))"
                    // A partition's index attached to its parent's is created
                    // by the parent's CREATE INDEX.
                    " AND NOT EXISTS (SELECT 1 FROM pg_inherits ih WHERE ih.inhrelid = i.indexrelid) AND ") +
                kUserNamespace);
  if (!rows.ok()) return rows.status();
  for (const Row& r : rows->rows) {
    if (!TableOrViewRead(r, 0)) continue;
    schema::Index idx;
    index_by_oid[Text(r, 9)] = out.indexes.size();
    idx.schema = Text(r, 1);
    idx.name = Text(r, 2);
    idx.table = Text(r, 6);
    idx.unique = Bool(r, 3);
    idx.definition = Text(r, 4);
    // pg_get_indexdef says ON ONLY for a partitioned table's index, which
    // would leave the partitions unindexed and the index invalid.
    if (Text(r, 8) == "p") {
      size_t only = idx.definition.find(" ON ONLY ");
      if (only != std::string::npos) idx.definition.erase(only + 3, 5);
    }
    idx.where = Text(r, 5);
    for (const std::string& part : SplitList(r, 7)) {
      if (part.size() < 2) continue;
      schema::IndexPart p;
      p.desc = part[0] == 'd';
      (part[1] == 'e' ? p.expr : p.column) = part.substr(2);
      idx.parts.push_back(std::move(p));
    }
    out.indexes.push_back(std::move(idx));
  }
  return Status::Ok();
}

}  // namespace strata::driver::pg_inspect
