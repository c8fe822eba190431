// Migrator::Verify: what a migration can leave behind that the database does
// not reject by itself.
//   - SQLite: rows that break a foreign key. They get in while foreign keys are
//     off (a -- strata:foreign-keys-off migration is checked, but a script run
//     by hand is not) and SQLite never looks again. PRAGMA foreign_key_check.
//   - PostgreSQL: every foreign key is checked for orphaned rows (NOT VALID
//     ones were never checked, and session_replication_role = replica or a
//     disabled trigger skips the checks), NOT VALID constraints that were never
//     validated, and indexes left invalid by a failed CREATE INDEX
//     CONCURRENTLY (still maintained on every write, never used).
#include <string>

#include "api/migrator_impl.h"

namespace strata::api {

namespace {

std::string Count(int64_t n, const std::string& what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

int64_t ToInt(const driver::Value& v) { return v ? std::stoll(*v) : 0; }

Result<VerifyReport> VerifySqlite(driver::Connection& conn) {
  VerifyReport report;
  report.dialect = "sqlite";
  auto fks = conn.Query(
      "SELECT count(*) FROM sqlite_schema s, pragma_foreign_key_list(s.name) f WHERE s.type = 'table'");
  if (!fks.ok()) return fks.status();
  report.foreign_keys_checked = ToInt(fks->rows[0][0]);
  // One row per (table, foreign key), with the key's columns for the message.
  auto rows = conn.Query(
      "SELECT v.\"table\", v.parent, count(*),"
      " (SELECT group_concat(\"from\", ', ') FROM pragma_foreign_key_list(v.\"table\") f WHERE f.id = v.fkid),"
      " (SELECT group_concat(coalesce(\"to\", '?'), ', ') FROM pragma_foreign_key_list(v.\"table\") f"
      "  WHERE f.id = v.fkid)"
      " FROM pragma_foreign_key_check v GROUP BY v.\"table\", v.parent, v.fkid ORDER BY 1, 2, v.fkid");
  if (!rows.ok()) return rows.status();
  for (const auto& r : rows->rows) {
    VerifyFinding f;
    f.kind = "foreign_key_violation";
    f.table = r[0].value_or("");
    std::string to = r[4].value_or("");
    f.object = f.table + "(" + r[3].value_or("") + ") -> " + r[1].value_or("") + (to == "?" ? "" : "(" + to + ")");
    f.rows = ToInt(r[2]);
    f.message = f.object + ": " + Count(f.rows, "row") + (f.rows == 1 ? " references" : " reference") + " a missing row in " + r[1].value_or("");
    f.hint = "find them with PRAGMA foreign_key_check(" + f.table + "); insert the missing parents, or fix or delete the rows";
    report.findings.push_back(std::move(f));
  }
  return report;
}

// Display name of a relation: "name" in public, "schema.name" elsewhere.
constexpr const char* kDisplay =
    "CASE WHEN n.nspname = 'public' THEN cl.relname::text ELSE n.nspname || '.' || cl.relname END";

Result<VerifyReport> VerifyPostgres(driver::Connection& conn) {
  VerifyReport report;
  report.dialect = "postgres";
  const std::string user_schemas =
      "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'";

  // Each foreign key once (partitions inherit clones: conparentid <> 0), with
  // the SQL pieces for its orphan query built from quoted names.
  auto fks = conn.Query(
      std::string("SELECT ") + kDisplay +
      ", c.conname, format('%I.%I', n.nspname, cl.relname), format('%I.%I', rn.nspname, rc.relname),"
      " (SELECT string_agg('c.' || quote_ident(a.attname) || ' IS NOT NULL', ' AND ' ORDER BY k.ord)"
      "    FROM unnest(c.conkey) WITH ORDINALITY k(att, ord)"
      "    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.att),"
      " (SELECT string_agg('p.' || quote_ident(ra.attname) || ' = c.' || quote_ident(a.attname), ' AND '"
      "    ORDER BY k.ord)"
      "    FROM unnest(c.conkey, c.confkey) WITH ORDINALITY k(att, ref, ord)"
      "    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.att"
      "    JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = k.ref),"
      " (SELECT string_agg(a.attname, ', ' ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(att, ord)"
      "    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.att),"
      " CASE WHEN rn.nspname = 'public' THEN rc.relname::text ELSE rn.nspname || '.' || rc.relname END,"
      " (SELECT string_agg(a.attname, ', ' ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY k(att, ord)"
      "    JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.att)"
      " FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace"
      " JOIN pg_class rc ON rc.oid = c.confrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace"
      " WHERE c.contype = 'f' AND c.conparentid = 0 AND " +
      user_schemas + " ORDER BY 1, 2");
  if (!fks.ok()) return fks.status();
  report.foreign_keys_checked = static_cast<int64_t>(fks->rows.size());
  for (const auto& r : fks->rows) {
    // MATCH SIMPLE: a key with any NULL column references nothing.
    std::string sql = "SELECT count(*) FROM " + r[2].value_or("") + " c WHERE " + r[4].value_or("TRUE") +
                      " AND NOT EXISTS (SELECT 1 FROM " + r[3].value_or("") + " p WHERE " + r[5].value_or("TRUE") +
                      ")";
    auto count = conn.Query(sql);
    if (!count.ok()) return count.status();
    int64_t n = ToInt(count->rows[0][0]);
    if (n == 0) continue;
    VerifyFinding f;
    f.kind = "foreign_key_violation";
    f.table = r[0].value_or("");
    f.object = r[1].value_or("");
    f.rows = n;
    std::string ref = r[7].value_or("");
    f.message = "foreign key " + f.object + " on " + f.table + "(" + r[6].value_or("") + ") -> " + ref + "(" +
                r[8].value_or("") + "): " + Count(n, "row") + (n == 1 ? " references" : " reference") + " a missing row in " + ref;
    f.hint = "insert the missing " + ref + " rows, or fix or delete the orphans; then VALIDATE the constraint if it is NOT VALID";
    report.findings.push_back(std::move(f));
  }

  auto not_valid = conn.Query(std::string("SELECT ") + kDisplay +
                              ", c.conname, format('%I.%I', n.nspname, cl.relname), quote_ident(c.conname),"
                              " CASE c.contype WHEN 'f' THEN 'foreign key' ELSE 'check' END"
                              " FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid"
                              " JOIN pg_namespace n ON n.oid = cl.relnamespace"
                              " WHERE NOT c.convalidated AND c.conparentid = 0 AND " +
                              user_schemas + " ORDER BY 1, 2");
  if (!not_valid.ok()) return not_valid.status();
  for (const auto& r : not_valid->rows) {
    VerifyFinding f;
    f.kind = "not_validated_constraint";
    f.table = r[0].value_or("");
    f.object = r[1].value_or("");
    f.message = r[4].value_or("") + " constraint " + f.object + " on " + f.table +
                " is NOT VALID: rows written before it was added were never checked";
    f.hint = "ALTER TABLE " + r[2].value_or("") + " VALIDATE CONSTRAINT " + r[3].value_or("") +
             " (takes only a SHARE UPDATE EXCLUSIVE lock)";
    report.findings.push_back(std::move(f));
  }

  auto invalid = conn.Query(std::string("SELECT ") + kDisplay +
                            ", ic.relname, format('%I.%I', n.nspname, ic.relname)"
                            " FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
                            " JOIN pg_class cl ON cl.oid = i.indrelid JOIN pg_namespace n ON n.oid = cl.relnamespace"
                            " WHERE (NOT i.indisvalid OR NOT i.indisready) AND " +
                            user_schemas + " ORDER BY 1, 2");
  if (!invalid.ok()) return invalid.status();
  for (const auto& r : invalid->rows) {
    VerifyFinding f;
    f.kind = "invalid_index";
    f.table = r[0].value_or("");
    f.object = r[1].value_or("");
    f.message = "index " + f.object + " on " + f.table +
                " is invalid (a CREATE INDEX CONCURRENTLY that failed): it slows every write and is never used";
    f.hint = "DROP INDEX CONCURRENTLY " + r[2].value_or("") + ", fix the cause (e.g. duplicate rows), create it again";
    report.findings.push_back(std::move(f));
  }
  return report;
}

}  // namespace

Result<VerifyReport> MigratorImpl::Verify() {
  if (SqliteFileMissing()) {
    VerifyReport empty;
    empty.dialect = "sqlite";
    return empty;
  }
  auto conn = Connect();
  if (!conn.ok()) return Scrub(conn.status());
  auto report = (*conn)->dialect() == driver::Dialect::kPostgres ? VerifyPostgres(**conn) : VerifySqlite(**conn);
  return Scrub(std::move(report));
}

}  // namespace strata::api
