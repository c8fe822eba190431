// InspectPostgres, part five: what the model does not hold, by name
// (Schema::not_compared), so that no caller can take "equal models" for
// "equal schemas" when pg_dump would show a difference. One UNION ALL arm per
// kind pg_dump writes and the model leaves out; objects of extensions and of
// the system schemas are not listed (postgres_inspect_internal.h says which
// file reads what).
#include <algorithm>
#include <string>

#include "driver/postgres/postgres_inspect_internal.h"

namespace strata::driver::pg_inspect {

namespace {

// "schema.name" of pg_class row `c` in pg_namespace row `n`.
constexpr const char* kRel = "n.nspname || '.' || c.relname";

std::string UncoveredQuery() {
  std::string ns = std::string(" AND ") + kUserNamespace;
  auto not_ext = [](const char* cls, const char* oid) { return NotInExtension(cls, oid); };
  std::string rel = kRel;
  std::string user_rel = " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE true" + ns;
  return
      // Rules other than a view's own.
      "SELECT 'rule', quote_ident(r.rulename) || ' on ' || " + rel +
      " FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace"
      " WHERE r.rulename <> '_RETURN'" + ns +
      // Aggregates and window functions (pg_get_functiondef cannot print them).
      " UNION ALL SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' ELSE 'window function' END,"
      " n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'"
      " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind IN ('a', 'w')" + ns +
      not_ext("pg_proc", "p.oid") +
      " UNION ALL SELECT 'operator', n.nspname || '.' || o.oprname || '(' || format_type(o.oprleft, NULL) || ', ' ||"
      " format_type(o.oprright, NULL) || ')' FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace"
      " WHERE true" + ns + not_ext("pg_operator", "o.oid") +
      " UNION ALL SELECT 'operator class', n.nspname || '.' || o.opcname FROM pg_opclass o"
      " JOIN pg_namespace n ON n.oid = o.opcnamespace WHERE true" + ns + not_ext("pg_opclass", "o.oid") +
      " UNION ALL SELECT 'operator family', n.nspname || '.' || o.opfname FROM pg_opfamily o"
      " JOIN pg_namespace n ON n.oid = o.opfnamespace WHERE true" + ns + not_ext("pg_opfamily", "o.oid") +
      " UNION ALL SELECT 'cast', format_type(k.castsource, NULL) || ' AS ' || format_type(k.casttarget, NULL)"
      " FROM pg_cast k WHERE k.oid >= 16384" + not_ext("pg_cast", "k.oid") +
      " UNION ALL SELECT 'conversion', n.nspname || '.' || v.conname FROM pg_conversion v"
      " JOIN pg_namespace n ON n.oid = v.connamespace WHERE true" + ns + not_ext("pg_conversion", "v.oid") +
      " UNION ALL SELECT 'text search configuration', n.nspname || '.' || x.cfgname FROM pg_ts_config x"
      " JOIN pg_namespace n ON n.oid = x.cfgnamespace WHERE true" + ns + not_ext("pg_ts_config", "x.oid") +
      " UNION ALL SELECT 'text search dictionary', n.nspname || '.' || x.dictname FROM pg_ts_dict x"
      " JOIN pg_namespace n ON n.oid = x.dictnamespace WHERE true" + ns + not_ext("pg_ts_dict", "x.oid") +
      " UNION ALL SELECT 'text search parser', n.nspname || '.' || x.prsname FROM pg_ts_parser x"
      " JOIN pg_namespace n ON n.oid = x.prsnamespace WHERE true" + ns + not_ext("pg_ts_parser", "x.oid") +
      " UNION ALL SELECT 'text search template', n.nspname || '.' || x.tmplname FROM pg_ts_template x"
      " JOIN pg_namespace n ON n.oid = x.tmplnamespace WHERE true" + ns + not_ext("pg_ts_template", "x.oid") +
      " UNION ALL SELECT 'foreign-data wrapper', w.fdwname FROM pg_foreign_data_wrapper w WHERE true" +
      not_ext("pg_foreign_data_wrapper", "w.oid") +
      " UNION ALL SELECT 'server', s.srvname FROM pg_foreign_server s WHERE true" +
      not_ext("pg_foreign_server", "s.oid") +
      " UNION ALL SELECT 'user mapping', m.usename || ' on ' || m.srvname FROM pg_user_mappings m" +
      " UNION ALL SELECT 'foreign table', " + rel + user_rel + " AND c.relkind = 'f'" + not_ext("pg_class", "c.oid") +
      " UNION ALL SELECT 'event trigger', e.evtname FROM pg_event_trigger e WHERE true" +
      not_ext("pg_event_trigger", "e.oid") +
      " UNION ALL SELECT 'publication', p.pubname FROM pg_publication p" +
      " UNION ALL SELECT 'subscription', s.subname FROM pg_subscription s"
      " WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())" +
      " UNION ALL SELECT 'statistics', n.nspname || '.' || x.stxname FROM pg_statistic_ext x"
      " JOIN pg_namespace n ON n.oid = x.stxnamespace WHERE true" + ns + not_ext("pg_statistic_ext", "x.oid") +
      // Types other than enums, domains, composites and the arrays of all.
      " UNION ALL SELECT CASE t.typtype WHEN 'r' THEN 'range type' WHEN 'p' THEN 'shell type' ELSE 'base type' END,"
      " n.nspname || '.' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
      " WHERE t.typtype IN ('b', 'r', 'p') AND NOT (t.typcategory = 'A' AND t.typelem <> 0)" + ns +
      not_ext("pg_type", "t.oid") +
      " UNION ALL SELECT 'language', l.lanname FROM pg_language l WHERE l.lanispl AND l.lanname <> 'plpgsql'" +
      not_ext("pg_language", "l.oid") +
      " UNION ALL SELECT 'access method', a.amname FROM pg_am a WHERE a.oid >= 16384" + not_ext("pg_am", "a.oid") +
      " UNION ALL SELECT 'transform', format_type(t.trftype, NULL) || ' for language ' || l.lanname"
      " FROM pg_transform t JOIN pg_language l ON l.oid = t.trflang WHERE true" + not_ext("pg_transform", "t.oid") +
      " UNION ALL SELECT 'default privileges', coalesce(n.nspname || ' for ', '') || pg_get_userbyid(d.defaclrole)"
      " FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace" +
      " UNION ALL SELECT 'security label', d.provider || ' on ' || d.classoid::regclass::text || ' ' || d.objoid::text"
      " FROM pg_seclabel d" +
      // Privileges (GRANT / REVOKE) on what the model holds.
      " UNION ALL SELECT 'privileges on', CASE c.relkind WHEN 'S' THEN 'sequence ' WHEN 'v' THEN 'view '"
      " WHEN 'm' THEN 'materialized view ' ELSE 'table ' END || " + rel + user_rel +
      " AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND c.relacl IS NOT NULL" + not_ext("pg_class", "c.oid");
}

// The rest: privileges, owners and table details (two queries keep each
// under PostgreSQL's limits on planning time for a long UNION).
std::string MoreUncoveredQuery() {
  std::string ns = std::string(" AND ") + kUserNamespace;
  std::string rel = kRel;
  return
      "SELECT 'privileges on', 'column ' || " + rel + " || '.' || a.attname"
      " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      " WHERE a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped" + ns +
      " UNION ALL SELECT 'privileges on', CASE p.prokind WHEN 'p' THEN 'procedure ' ELSE 'function ' END ||"
      " n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'"
      " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proacl IS NOT NULL" + ns +
      NotInExtension("pg_proc", "p.oid") +
      " UNION ALL SELECT 'privileges on', 'type ' || n.nspname || '.' || t.typname FROM pg_type t"
      " JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typacl IS NOT NULL" + ns +
      NotInExtension("pg_type", "t.oid") +
      // A schema's privileges as they were at initdb (public's) are not a change.
      " UNION ALL SELECT 'privileges on', 'schema ' || n.nspname FROM pg_namespace n"
      " WHERE n.nspacl IS DISTINCT FROM coalesce((SELECT ip.initprivs FROM pg_init_privs ip"
      "  WHERE ip.objoid = n.oid AND ip.classoid = 'pg_namespace'::regclass AND ip.objsubid = 0), n.nspacl)" + ns +
      // Owners other than the role strata connects as.
      " UNION ALL SELECT 'owner of', CASE c.relkind WHEN 'S' THEN 'sequence ' WHEN 'v' THEN 'view '"
      " WHEN 'm' THEN 'materialized view ' WHEN 'f' THEN 'foreign table ' ELSE 'table ' END || " + rel +
      " || ' (' || pg_get_userbyid(c.relowner) || ')'"
      " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND c.relowner <> (SELECT oid FROM pg_roles"
      "  WHERE rolname = current_user)" + ns + NotInExtension("pg_class", "c.oid") +
      " UNION ALL SELECT 'owner of', 'routine ' || n.nspname || '.' || p.proname || '(' ||"
      " pg_get_function_identity_arguments(p.oid) || ') (' || pg_get_userbyid(p.proowner) || ')'"
      " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
      " WHERE p.proowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user)" + ns +
      NotInExtension("pg_proc", "p.oid") +
      " UNION ALL SELECT 'owner of', 'type ' || n.nspname || '.' || t.typname || ' (' || pg_get_userbyid(t.typowner) || ')'"
      " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype IN ('e', 'd', 'c')"
      " AND (t.typtype <> 'c' OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')"
      " AND t.typowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user)" + ns +
      NotInExtension("pg_type", "t.oid") +
      " UNION ALL SELECT 'owner of', 'schema ' || n.nspname || ' (' || pg_get_userbyid(n.nspowner) || ')'"
      " FROM pg_namespace n WHERE n.nspname <> 'public'"
      " AND n.nspowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user)" + ns +
      // Table details the model leaves out.
      " UNION ALL SELECT 'column options of', " + rel + " || '.' || a.attname"
      " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      " WHERE a.attnum > 0 AND NOT a.attisdropped AND EXISTS (SELECT 1 FROM unnest(a.attoptions) AS o(opt)"
      // pg_attver: this server's own bookkeeping in attoptions, not an
      // option anyone set (pg_dump leaves it out too).
      "  WHERE o.opt NOT LIKE 'pg\\_attver=%')" + ns +
      " UNION ALL SELECT 'statistics target of index', " + rel + " || ' column ' || a.attnum"
      " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      " WHERE c.relkind IN ('i', 'I') AND a.attstattarget >= 0" + ns +
      " UNION ALL SELECT 'default of view column', " + rel + " || '.' || a.attname"
      " FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      " JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE c.relkind = 'v'" + ns +
      " UNION ALL SELECT 'tablespace of', " + rel + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      " WHERE c.reltablespace <> 0 AND c.relkind IN ('r', 'p', 'm', 'i', 'I')" + ns +
      " UNION ALL SELECT 'access method of', " + rel + " || ' (' || a.amname || ')'"
      " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am a ON a.oid = c.relam"
      " WHERE c.relkind IN ('r', 'm') AND a.amname <> 'heap'" + ns +
      " UNION ALL SELECT 'typed table', " + rel + " || ' OF ' || format_type(c.reloftype, NULL)"
      " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.reloftype <> 0" + ns +
      " UNION ALL SELECT 'unlogged sequence', " + rel +
      " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND c.relpersistence = 'u'" +
      ns +
      // A default an INHERITS child gives a column it inherits, other than
      // its parent's (CREATE TABLE ... INHERITS copies the parent's).
      " UNION ALL SELECT 'default of inherited column', " + rel + " || '.' || a.attname"
      " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
      " JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
      " WHERE NOT a.attislocal AND NOT c.relispartition AND c.relkind IN ('r', 'p') AND NOT EXISTS (SELECT 1"
      "  FROM pg_inherits i JOIN pg_attribute pa ON pa.attrelid = i.inhparent AND pa.attname = a.attname"
      "  JOIN pg_attrdef pd ON pd.adrelid = pa.attrelid AND pd.adnum = pa.attnum WHERE i.inhrelid = a.attrelid"
      "  AND pg_get_expr(pd.adbin, pd.adrelid) = pg_get_expr(d.adbin, d.adrelid))" +
      ns;
}

}  // namespace

Status Inspector::Uncovered() {
  for (const std::string& sql : {UncoveredQuery(), MoreUncoveredQuery()}) {
    auto rows = Q(sql);
    if (!rows.ok()) return rows.status();
    for (const Row& r : rows->rows) {
      std::string name = Text(r, 1);
      // strata's own bookkeeping is not the application's.
      if (std::any_of(exclude.begin(), exclude.end(), [&](const std::string& t) {
            return name.find("." + t) != std::string::npos;
          })) {
        continue;
      }
      out.not_compared.push_back(Text(r, 0) + " " + name);
    }
  }
  std::sort(out.not_compared.begin(), out.not_compared.end());
  out.not_compared.erase(std::unique(out.not_compared.begin(), out.not_compared.end()), out.not_compared.end());
  return Status::Ok();
}

}  // namespace strata::driver::pg_inspect
