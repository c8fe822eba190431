// PostgresConnection::DropAllScript: the DO block behind `strata reset` and
// the first step of a restore (connection.h says what it drops).
#include "driver/postgres/postgres_connection.h"

namespace strata::driver {
namespace {

// Objects that belong to an extension are dropped with it, never alone.
constexpr const char* kNotExtensionMember =
    "NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = '%s'::regclass AND dep.objid = %s AND dep.deptype = 'e')";

std::string NotMember(const std::string& catalog, const std::string& oid) {
  std::string out = kNotExtensionMember;
  out.replace(out.find("%s"), 2, catalog);
  out.replace(out.find("%s"), 2, oid);
  return out;
}

}  // namespace

Result<std::string> PostgresConnection::DropAllScript(
    const std::vector<std::pair<std::string, std::string>>& keep) {
  // Kept tables as (schema, table) literals; "" = current_schema().
  std::string kept = "ARRAY[]::text[]", kept_schemas = "ARRAY['public']";
  for (const auto& [schema, table] : keep) {
    std::string nsp = schema.empty() ? "current_schema()" : QuoteLiteral(schema) + "::text";
    kept += " || (" + nsp + " || '.' || " + QuoteLiteral(table) + ")";
    kept_schemas += " || " + nsp;
  }
  // Every statement is computed by one query before the first DROP, so a
  // CASCADE that removes a later object only turns its DROP ... IF EXISTS
  // into a no-op. Sequences owned by a column (serial, identity) go with
  // their table and are never dropped alone: that would break a kept table.
  std::string sql = R"SQL(DO $strata_drop_all$
DECLARE
  kept text[] := )SQL" + kept + R"SQL(;
  kept_schemas text[] := )SQL" + kept_schemas + R"SQL(;
  stmt text;
  stmts text[];
BEGIN
  SELECT coalesce(array_agg(s ORDER BY ord, s), ARRAY[]::text[]) INTO stmts FROM (
    SELECT 0 AS ord, format('DROP SCHEMA IF EXISTS %I CASCADE', n.nspname) AS s
      FROM pg_namespace n
     WHERE n.nspname <> ALL (kept_schemas) AND n.nspname <> 'information_schema'
       AND n.nspname NOT LIKE 'pg\_%' AND )SQL" + NotMember("pg_namespace", "n.oid") + R"SQL(
    UNION ALL
    SELECT 1, format('DROP EXTENSION IF EXISTS %I CASCADE', e.extname)
      FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
     WHERE n.nspname = ANY (kept_schemas)
    UNION ALL
    SELECT CASE WHEN c.relkind = 'S' THEN 3 ELSE 2 END,
           format('DROP %s IF EXISTS %I.%I CASCADE',
                  CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                 WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
                  n.nspname, c.relname)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = ANY (kept_schemas) AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
       AND (n.nspname || '.' || c.relname) <> ALL (kept)
       AND )SQL" + NotMember("pg_class", "c.oid") + R"SQL(
       AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')))
    UNION ALL
    SELECT 4, format('DROP %s IF EXISTS %I.%I(%s) CASCADE',
                     CASE p.prokind WHEN 'a' THEN 'AGGREGATE' WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END,
                     n.nspname, p.proname, pg_get_function_identity_arguments(p.oid))
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = ANY (kept_schemas) AND )SQL" + NotMember("pg_proc", "p.oid") + R"SQL(
    UNION ALL
    SELECT 5, format('DROP %s IF EXISTS %I.%I CASCADE', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END,
                     n.nspname, t.typname)
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = ANY (kept_schemas) AND t.typtype IN ('e', 'c', 'd', 'r')
       AND (t.typtype <> 'c' OR EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind = 'c'))
       AND )SQL" + NotMember("pg_type", "t.oid") + R"SQL(
    UNION ALL
    SELECT 6, format('DROP COLLATION IF EXISTS %I.%I CASCADE', n.nspname, c.collname)
      FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace
     WHERE n.nspname = ANY (kept_schemas) AND )SQL" + NotMember("pg_collation", "c.oid") + R"SQL(
    UNION ALL
    SELECT 7, format('DROP TEXT SEARCH CONFIGURATION IF EXISTS %I.%I CASCADE', n.nspname, c.cfgname)
      FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace
     WHERE n.nspname = ANY (kept_schemas) AND )SQL" + NotMember("pg_ts_config", "c.oid") + R"SQL(
    UNION ALL
    SELECT 8, format('DROP TEXT SEARCH DICTIONARY IF EXISTS %I.%I CASCADE', n.nspname, d.dictname)
      FROM pg_ts_dict d JOIN pg_namespace n ON n.oid = d.dictnamespace
     WHERE n.nspname = ANY (kept_schemas) AND )SQL" + NotMember("pg_ts_dict", "d.oid") + R"SQL(
  ) AS all_drops;
  FOREACH stmt IN ARRAY stmts LOOP
    EXECUTE stmt;
  END LOOP;
END
$strata_drop_all$;
)SQL";
  return sql;
}

}  // namespace strata::driver
