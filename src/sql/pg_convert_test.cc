// sql/pg_convert builds the same protobuf-c tree as libpg_query's own
// protobuf output: packing ours must give pg_query_parse_protobuf's bytes,
// for every statement of a wide grammar corpus and of PostgreSQL's own SQL
// scripts (information_schema, system views, every contrib extension), and
// a syntax error must be the same error at the same place.
#include "sql/pg_convert.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "sql/pg_tree.h"

namespace strata::sql {
namespace {

void* TestAlloc(void* arena, size_t size) { return static_cast<ParsedScript::Arena*>(arena)->Alloc(size); }
void TestFree(void*, void*) {}

// The path of the first field where two messages of the same type differ
// ("stmts[0].stmt.select_stmt.limit_option: 2 != 1"), or "".
std::string FirstDifference(const ProtobufCMessage* a, const ProtobufCMessage* b, const std::string& path) {
  if (a == nullptr || b == nullptr) return a == b ? "" : path + ": present on one side only";
  const ProtobufCMessageDescriptor* d = a->descriptor;
  auto at = [](const ProtobufCMessage* m, unsigned offset) { return reinterpret_cast<const char*>(m) + offset; };
  for (unsigned i = 0; i < d->n_fields; ++i) {
    const ProtobufCFieldDescriptor* f = &d->fields[i];
    std::string here = path + "." + f->name;
    if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
      uint32_t ca = *reinterpret_cast<const uint32_t*>(at(a, f->quantifier_offset));
      uint32_t cb = *reinterpret_cast<const uint32_t*>(at(b, f->quantifier_offset));
      if (ca != cb) return here + ": oneof case " + std::to_string(ca) + " != " + std::to_string(cb);
      if (ca != f->id) continue;
    }
    if (f->label == PROTOBUF_C_LABEL_REPEATED) {
      size_t na = *reinterpret_cast<const size_t*>(at(a, f->quantifier_offset));
      size_t nb = *reinterpret_cast<const size_t*>(at(b, f->quantifier_offset));
      if (na != nb) return here + ": " + std::to_string(na) + " != " + std::to_string(nb) + " elements";
      if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
        auto* ea = *reinterpret_cast<ProtobufCMessage* const* const*>(at(a, f->offset));
        auto* eb = *reinterpret_cast<ProtobufCMessage* const* const*>(at(b, f->offset));
        for (size_t k = 0; k < na; ++k) {
          std::string r = FirstDifference(ea[k], eb[k], here + "[" + std::to_string(k) + "]");
          if (!r.empty()) return r;
        }
      }
      continue;
    }
    switch (f->type) {
      case PROTOBUF_C_TYPE_MESSAGE: {
        std::string r = FirstDifference(*reinterpret_cast<ProtobufCMessage* const*>(at(a, f->offset)),
                                        *reinterpret_cast<ProtobufCMessage* const*>(at(b, f->offset)), here);
        if (!r.empty()) return r;
        break;
      }
      case PROTOBUF_C_TYPE_STRING: {
        const char* sa = *reinterpret_cast<char* const*>(at(a, f->offset));
        const char* sb = *reinterpret_cast<char* const*>(at(b, f->offset));
        if (std::string(sa ? sa : "") != (sb ? sb : "")) return here + ": '" + sa + "' != '" + sb + "'";
        break;
      }
      case PROTOBUF_C_TYPE_BOOL:
      case PROTOBUF_C_TYPE_ENUM:
      case PROTOBUF_C_TYPE_INT32:
      case PROTOBUF_C_TYPE_UINT32: {
        int32_t va = *reinterpret_cast<const int32_t*>(at(a, f->offset));
        int32_t vb = *reinterpret_cast<const int32_t*>(at(b, f->offset));
        if (va != vb) return here + ": " + std::to_string(va) + " != " + std::to_string(vb);
        break;
      }
      default:
        break;
    }
  }
  return "";
}

// Checks one script; returns false (after a gtest failure naming it) when
// the two differ.
bool SameAsLibpgQuery(const std::string& sql, const std::string& where) {
  PgQueryProtobufParseResult theirs = pg_query_parse_protobuf(sql.c_str());
  ParsedScript::Arena arena;
  ProtobufCAllocator allocator{TestAlloc, TestFree, &arena};
  StrataPgParse ours = strata_pg_parse(sql.c_str(), &allocator);
  bool same = true;
  if (theirs.error != nullptr || ours.error != nullptr) {
    if (theirs.error == nullptr || ours.error == nullptr) {
      ADD_FAILURE() << where << ": only one side failed to parse\n" << sql;
      same = false;
    } else {
      EXPECT_STREQ(theirs.error->message, ours.error->message) << where;
      EXPECT_EQ(theirs.error->cursorpos, ours.error->cursorpos) << where;
      same = std::string(theirs.error->message) == ours.error->message &&
             theirs.error->cursorpos == ours.error->cursorpos;
    }
  } else {
    PgQuery__ParseResult result = PG_QUERY__PARSE_RESULT__INIT;
    result.version = PG_VERSION_NUM;
    result.n_stmts = ours.n_stmts;
    result.stmts = ours.stmts;
    std::string packed(pg_query__parse_result__get_packed_size(&result), '\0');
    pg_query__parse_result__pack(&result, reinterpret_cast<uint8_t*>(packed.data()));
    std::string expected(theirs.parse_tree.data, theirs.parse_tree.len);
    if (packed != expected) {
      size_t at = 0;
      while (at < packed.size() && at < expected.size() && packed[at] == expected[at]) ++at;
      PgQuery__ParseResult* unpacked = pg_query__parse_result__unpack(
          nullptr, theirs.parse_tree.len, reinterpret_cast<const uint8_t*>(theirs.parse_tree.data));
      ADD_FAILURE() << where << ": the tree differs from libpg_query's at byte " << at << " of " << expected.size()
                    << " (ours " << packed.size() << "), first at "
                    << FirstDifference(&unpacked->base, &result.base, "") << " (theirs != ours)\n"
                    << sql;
      pg_query__parse_result__free_unpacked(unpacked, nullptr);
      same = false;
    }
  }
  if (ours.error != nullptr) strata_pg_free_error(ours.error);
  pg_query_free_protobuf_parse_result(theirs);
  return same;
}

// Statements over the grammar the rules read, and much they do not: every
// literal kind, lists of ints, partitions, foreign tables, queries with
// every clause.
const char* const kCorpus[] = {
    "CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL DEFAULT 'x', "
    "price numeric(10,2) CHECK (price >= 0), owner_id bigint REFERENCES users (id) ON DELETE CASCADE, "
    "created_at timestamptz NOT NULL DEFAULT now(), tags text[] DEFAULT '{}', flags bit(3) DEFAULT B'101', "
    "ratio float8 DEFAULT 1.5e3, ok boolean DEFAULT true, gone text DEFAULT NULL, "
    "g int GENERATED ALWAYS AS (id * 2) STORED COLLATE \"C\")",
    "CREATE UNLOGGED TABLE IF NOT EXISTS s.t2 (LIKE t INCLUDING ALL, EXCLUDE USING gist (c WITH &&)) "
    "WITH (fillfactor = 70) TABLESPACE pg_default",
    "CREATE TEMP TABLE tt (a int) ON COMMIT DROP",
    "CREATE TABLE m (id int, at date) PARTITION BY RANGE (at)",
    "CREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM ('2024-01-01') TO (MAXVALUE)",
    "CREATE TABLE h_0 PARTITION OF h FOR VALUES WITH (MODULUS 4, REMAINDER 0)",
    "CREATE TABLE l_a PARTITION OF l FOR VALUES IN (1, 2, 3)",
    "CREATE TABLE l_d PARTITION OF l DEFAULT",
    "ALTER TABLE m ATTACH PARTITION m_2025 FOR VALUES FROM (MINVALUE) TO ('2026-01-01')",
    "ALTER TABLE m DETACH PARTITION m_2024 CONCURRENTLY",
    "CREATE FOREIGN TABLE f (a int OPTIONS (column_name 'b')) SERVER s OPTIONS (table_name 'x')",
    "ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0, DROP COLUMN IF EXISTS d CASCADE, "
    "ALTER COLUMN e TYPE bigint USING e::bigint, ALTER COLUMN f SET NOT NULL, ALTER COLUMN g DROP DEFAULT, "
    "ALTER COLUMN h SET STATISTICS 100, ALTER COLUMN i SET STORAGE EXTERNAL, ALTER COLUMN j ADD GENERATED BY DEFAULT "
    "AS IDENTITY (START WITH 10 INCREMENT BY 2)",
    "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a, b) REFERENCES u (x, y) MATCH FULL ON UPDATE SET NULL "
    "DEFERRABLE INITIALLY DEFERRED NOT VALID",
    "ALTER TABLE t ADD CONSTRAINT u1 UNIQUE USING INDEX ix, VALIDATE CONSTRAINT fk, DROP CONSTRAINT c1 RESTRICT",
    "ALTER TABLE t ADD PRIMARY KEY (id) INCLUDE (name) WITH (fillfactor = 90)",
    "ALTER TABLE t SET (autovacuum_enabled = false), RESET (fillfactor), SET LOGGED, CLUSTER ON ix, "
    "SET WITHOUT OIDS, ENABLE ROW LEVEL SECURITY, REPLICA IDENTITY FULL, OWNER TO CURRENT_USER",
    "ALTER TABLE IF EXISTS ONLY t RENAME COLUMN a TO b",
    "ALTER TABLE t RENAME TO u",
    "ALTER INDEX ix RENAME TO iy",
    "ALTER INDEX ix SET TABLESPACE ts",
    "ALTER TABLE t SET SCHEMA s",
    "ALTER SEQUENCE s RESTART WITH 5 OWNED BY t.id",
    "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ix ON ONLY t USING btree (lower(name) DESC NULLS LAST, "
    "(a + 1) text_pattern_ops) INCLUDE (c) WITH (deduplicate_items = off) WHERE deleted_at IS NULL",
    "CREATE INDEX ON t (a) NULLS NOT DISTINCT",
    "DROP INDEX CONCURRENTLY IF EXISTS ix, iy",
    "DROP TABLE IF EXISTS a, s.b CASCADE",
    "DROP SCHEMA s RESTRICT",
    "DROP FUNCTION f(int, text), g()",
    "DROP TYPE mood",
    "DROP MATERIALIZED VIEW mv",
    "DROP OWNED BY r CASCADE",
    "REINDEX (VERBOSE, CONCURRENTLY) TABLE t",
    "REINDEX INDEX CONCURRENTLY ix",
    "REINDEX SCHEMA s",
    "VACUUM (FULL, ANALYZE, PARALLEL 2) t (a, b), u",
    "VACUUM FULL",
    "ANALYZE VERBOSE t",
    "CLUSTER t USING ix",
    "CLUSTER",
    "REFRESH MATERIALIZED VIEW CONCURRENTLY mv WITH NO DATA",
    "LOCK TABLE t, u IN SHARE ROW EXCLUSIVE MODE NOWAIT",
    "TRUNCATE ONLY t, u RESTART IDENTITY CASCADE",
    "SET lock_timeout = '5s'",
    "SET LOCAL statement_timeout TO 0",
    "SET search_path TO s, public",
    "SET SESSION AUTHORIZATION DEFAULT",
    "SET TIME ZONE INTERVAL '+00:00' HOUR TO MINUTE",
    "RESET ALL",
    "BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY",
    "SAVEPOINT a; RELEASE SAVEPOINT a; ROLLBACK TO SAVEPOINT a; COMMIT AND CHAIN",
    "INSERT INTO t AS x (a, b) OVERRIDING SYSTEM VALUE VALUES (1, DEFAULT), (2, $1) "
    "ON CONFLICT (a) WHERE b > 0 DO UPDATE SET b = EXCLUDED.b WHERE x.b IS DISTINCT FROM EXCLUDED.b RETURNING *",
    "INSERT INTO t SELECT * FROM u ON CONFLICT ON CONSTRAINT pk DO NOTHING",
    "UPDATE t SET (a, b) = (SELECT x, y FROM u WHERE u.id = t.id), c = c + 1 FROM v WHERE t.v = v.id "
    "RETURNING t.id",
    "UPDATE t SET a = 1 WHERE CURRENT OF cur",
    "DELETE FROM ONLY t USING u, v WHERE t.u = u.id AND NOT EXISTS (SELECT 1 FROM w) RETURNING *",
    "DELETE FROM t",
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) "
    "SEARCH DEPTH FIRST BY n SET ord CYCLE n SET is_cycle USING path SELECT * FROM r",
    "WITH d AS MATERIALIZED (DELETE FROM t RETURNING *) INSERT INTO u SELECT * FROM d",
    "SELECT DISTINCT ON (a) a, count(*) FILTER (WHERE b) OVER w, sum(c ORDER BY d), "
    "array_agg(DISTINCT e), percentile_cont(0.5) WITHIN GROUP (ORDER BY f), "
    "CASE WHEN g THEN 1 WHEN h IS NULL THEN 2 ELSE 3 END, COALESCE(i, j), NULLIF(k, 0), GREATEST(l, m), "
    "x::int, CAST(y AS text[]), z COLLATE \"C\", ROW(1, 2), ARRAY[1, 2][1], (p).q, r[1:2], "
    "a BETWEEN SYMMETRIC 1 AND 2, b IN (1, 2), c NOT LIKE 'x%' ESCAPE '!', d ILIKE ANY (ARRAY['a']), "
    "e SIMILAR TO 'x', f IS NOT TRUE, g IS UNKNOWN, h IS DOCUMENT, i OVERLAPS j, -k, NOT l, m ->> 'n', "
    "CURRENT_DATE, CURRENT_TIMESTAMP(3), LOCALTIME, CURRENT_USER, SESSION_USER, CURRENT_CATALOG, "
    "EXTRACT(YEAR FROM now()), POSITION('a' IN 'b'), SUBSTRING('x' FROM 1 FOR 2), TRIM(BOTH ' ' FROM 'x'), "
    "OVERLAY('x' PLACING 'y' FROM 1), XMLELEMENT(NAME a, XMLATTRIBUTES(1 AS b), 'c'), "
    "XMLPARSE(DOCUMENT '<a/>'), XMLSERIALIZE(CONTENT x AS text), GROUPING(a), "
    "interval '1 day', interval '1' year, TIMESTAMP WITH TIME ZONE '2024-01-01', 1.5, -2, 1e100, "
    "x'1F', b'01', E'\\n', U&'\\0041', $$dollar$$, 9223372036854775808 "
    "FROM t AS a (x, y) TABLESAMPLE BERNOULLI (10) REPEATABLE (1) "
    "NATURAL LEFT JOIN u USING (id) AS j CROSS JOIN LATERAL (SELECT 1) s "
    "FULL JOIN v ON v.a = t.a, generate_series(1, 10) WITH ORDINALITY AS g(n, o), "
    "ROWS FROM (f(1), g(2)), XMLTABLE('/a' PASSING x COLUMNS b int PATH 'b', c FOR ORDINALITY) "
    "WHERE a = ANY (SELECT 1) AND b > ALL (ARRAY[1]) "
    "GROUP BY GROUPING SETS ((a), (b)), CUBE (c), ROLLUP (d), () HAVING count(*) > 1 "
    "WINDOW w AS (PARTITION BY a ORDER BY b ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE TIES) "
    "ORDER BY 1 USING <, 2 DESC NULLS FIRST LIMIT ALL OFFSET 5 FOR UPDATE OF t SKIP LOCKED",
    "SELECT 1 FETCH FIRST 3 ROWS WITH TIES",
    "SELECT * FROM t FOR NO KEY UPDATE NOWAIT",
    "SELECT * FROM t FOR KEY SHARE",
    "(SELECT 1 INTERSECT ALL SELECT 2) EXCEPT SELECT 3",
    "VALUES (1, 'a'), (2, NULL)",
    "SELECT * INTO TEMP x FROM t",
    "TABLE t",
    "CREATE VIEW v (a, b) WITH (security_barrier) AS SELECT 1, 2 WITH LOCAL CHECK OPTION",
    "CREATE OR REPLACE RECURSIVE VIEW rv (n) AS SELECT 1",
    "CREATE MATERIALIZED VIEW IF NOT EXISTS mv AS SELECT * FROM t WITH NO DATA",
    "CREATE TABLE ctas AS SELECT * FROM t",
    "CREATE SCHEMA IF NOT EXISTS s AUTHORIZATION r CREATE TABLE x (a int) CREATE VIEW y AS SELECT 1",
    "CREATE SEQUENCE IF NOT EXISTS s AS bigint INCREMENT 2 MINVALUE 1 NO MAXVALUE START 10 CACHE 20 CYCLE",
    "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
    "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'great' AFTER 'happy'",
    "ALTER TYPE mood RENAME VALUE 'sad' TO 'blue'",
    "CREATE TYPE pair AS (a int, b text COLLATE \"C\")",
    "CREATE TYPE r AS RANGE (subtype = float8, subtype_diff = float8mi)",
    "CREATE DOMAIN pos AS int DEFAULT 1 NOT NULL CHECK (VALUE > 0) CONSTRAINT named CHECK (VALUE < 100)",
    "ALTER DOMAIN pos ADD CONSTRAINT c CHECK (VALUE <> 5) NOT VALID",
    "CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA s VERSION '1.3' CASCADE",
    "CREATE OR REPLACE FUNCTION f(a int, INOUT b text DEFAULT 'x', VARIADIC c int[] DEFAULT '{}', OUT d int) "
    "RETURNS SETOF record LANGUAGE plpgsql STABLE STRICT SECURITY DEFINER PARALLEL SAFE COST 10 ROWS 5 "
    "SET search_path = pg_catalog AS $$ BEGIN RETURN; END $$",
    "CREATE FUNCTION g() RETURNS TABLE (a int) RETURN 1",
    "CREATE FUNCTION h(int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT $1; END",
    "CREATE PROCEDURE p(IN a int) LANGUAGE sql AS 'SELECT 1'",
    "CALL p(1)",
    "CREATE AGGREGATE agg (int) (sfunc = int4pl, stype = int, initcond = '0')",
    "CREATE OPERATOR === (leftarg = int, rightarg = int, function = int4eq, commutator = ===)",
    "CREATE CAST (text AS mood) WITH INOUT AS IMPLICIT",
    "CREATE TRIGGER tr BEFORE INSERT OR UPDATE OF a, b ON t REFERENCING NEW TABLE AS n "
    "FOR EACH ROW WHEN (NEW.a > 0) EXECUTE FUNCTION f('x', 1)",
    "CREATE CONSTRAINT TRIGGER ct AFTER DELETE ON t DEFERRABLE FOR EACH ROW EXECUTE PROCEDURE f()",
    "CREATE EVENT TRIGGER et ON ddl_command_start WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION f()",
    "CREATE RULE r AS ON INSERT TO t DO INSTEAD NOTHING",
    "CREATE POLICY p ON t AS RESTRICTIVE FOR SELECT TO PUBLIC USING (a = current_user) WITH CHECK (true)",
    "CREATE STATISTICS IF NOT EXISTS st (ndistinct, dependencies) ON a, (b + c) FROM t",
    "CREATE PUBLICATION pub FOR TABLE t (a, b) WHERE (a > 0), TABLES IN SCHEMA s",
    "CREATE SUBSCRIPTION sub CONNECTION 'dbname=x' PUBLICATION pub WITH (enabled = false)",
    "CREATE SERVER s FOREIGN DATA WRAPPER fdw OPTIONS (host 'h')",
    "CREATE USER MAPPING FOR CURRENT_USER SERVER s OPTIONS (user 'u')",
    "IMPORT FOREIGN SCHEMA r LIMIT TO (a, b) FROM SERVER s INTO l",
    "CREATE ROLE r WITH LOGIN PASSWORD 'x' VALID UNTIL 'infinity' IN ROLE a CONNECTION LIMIT 5",
    "ALTER ROLE r SET work_mem = '64MB'",
    "GRANT SELECT (a, b), UPDATE ON TABLE t TO r WITH GRANT OPTION",
    "GRANT ALL ON ALL TABLES IN SCHEMA s TO PUBLIC",
    "REVOKE GRANT OPTION FOR USAGE ON SCHEMA s FROM r CASCADE",
    "GRANT a TO b WITH ADMIN OPTION GRANTED BY c",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA s GRANT SELECT ON TABLES TO r",
    "COMMENT ON COLUMN t.a IS 'the a'",
    "COMMENT ON FUNCTION f(int) IS NULL",
    "SECURITY LABEL FOR selinux ON TABLE t IS 'x'",
    "CREATE DATABASE d WITH OWNER r TEMPLATE template0 ENCODING 'UTF8' IS_TEMPLATE false",
    "ALTER DATABASE d SET search_path = s",
    "CREATE TABLESPACE ts LOCATION '/x'",
    "CREATE COLLATION c (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
    "CREATE TEXT SEARCH CONFIGURATION c (COPY = english)",
    "CREATE ACCESS METHOD am TYPE INDEX HANDLER h",
    "CREATE OPERATOR CLASS oc FOR TYPE int USING btree AS OPERATOR 1 <, FUNCTION 1 btint4cmp(int, int)",
    "CREATE CONVERSION c FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8",
    "CREATE TRANSFORM FOR int LANGUAGE sql (FROM SQL WITH FUNCTION f(internal), TO SQL WITH FUNCTION g(internal))",
    "ALTER FUNCTION f(int) RENAME TO g",
    "ALTER FUNCTION f(int) OWNER TO r",
    "ALTER FUNCTION f(int) DEPENDS ON EXTENSION e",
    "ALTER TABLE t ALTER COLUMN a SET (n_distinct = 100)",
    "ALTER EXTENSION e UPDATE TO '2.0'",
    "ALTER EXTENSION e ADD FUNCTION f(int)",
    "DO $$ BEGIN EXECUTE 'DROP TABLE t'; END $$",
    "DO LANGUAGE plpgsql 'BEGIN NULL; END'",
    "COPY t (a, b) FROM STDIN WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (a))",
    "COPY (SELECT 1) TO '/tmp/x' (FORMAT binary)",
    "EXPLAIN (ANALYZE, BUFFERS, FORMAT json) SELECT 1",
    "PREPARE q (int) AS SELECT $1; EXECUTE q (1); DEALLOCATE ALL",
    "DECLARE c SCROLL CURSOR WITH HOLD FOR SELECT 1; FETCH BACKWARD 5 FROM c; MOVE LAST IN c; CLOSE c",
    "LISTEN ch; NOTIFY ch, 'payload'; UNLISTEN *",
    "DISCARD ALL",
    "CHECKPOINT",
    "LOAD 'auto_explain'",
    "REASSIGN OWNED BY a TO b",
    "ALTER SYSTEM SET work_mem = '1MB'",
    "SHOW ALL",
    "CREATE TABLE j (a json, b jsonb DEFAULT '{}'::jsonb CHECK (b ? 'k'), c xml, d tsvector, e uuid DEFAULT "
    "gen_random_uuid(), f int4range, g money, h inet, i interval second(3), j time(2) with time zone, "
    "k timestamp(6) without time zone, l varchar(200), m char(3), n bit varying(5), o double precision, "
    "p \"char\", q int[][] , r s.custom)",
    "MERGE INTO t USING u ON t.id = u.id WHEN MATCHED AND u.gone THEN DELETE WHEN MATCHED THEN UPDATE SET a = u.a "
    "WHEN NOT MATCHED THEN INSERT (id, a) VALUES (u.id, u.a) WHEN NOT MATCHED THEN DO NOTHING",
    "SELECT 1; -- comment\n/* block /* nested */ */ SELECT 2;\n\n",
    "",
    "   ;  ;",
    // Syntax errors: same message, same position.
    "CREATE TABEL t (a int)",
    "SELECT FROM WHERE",
    "ALTER TABLE t ADD COLUMN",
    "SELECT 'unterminated",
    "SELECT $$x",
};

TEST(PgConvertTest, SameTreeAsLibpgQueryForEveryGrammarCorpusStatement) {
  int i = 0;
  for (const char* sql : kCorpus) SameAsLibpgQuery(sql, "corpus statement " + std::to_string(i++));
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// PostgreSQL's own scripts: information_schema.sql, system_views.sql and
// the extension scripts, about 1 MB of real-world DDL. psql's backslash
// lines are dropped and @extschema@ filled in so that they parse.
TEST(PgConvertTest, SameTreeAsLibpgQueryForPostgresqlsOwnScripts) {
  std::vector<std::filesystem::path> files;
  for (const char* dir : {"/usr/share/postgresql/15", "/usr/share/postgresql"}) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) continue;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->path().extension() == ".sql") files.push_back(it->path());
    }
    if (!files.empty()) break;
  }
  // scripts/setup installs the PostgreSQL server, which ships them.
  ASSERT_GE(files.size(), 50u) << "PostgreSQL's SQL scripts are missing under /usr/share/postgresql";
  size_t parsed = 0;
  for (const auto& file : files) {
    std::string text = ReadFile(file);
    std::string sql;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty() && line[0] == '\\') continue;
      for (size_t at; (at = line.find("@extschema@")) != std::string::npos;) line.replace(at, 11, "ext");
      sql += line;
      sql += '\n';
    }
    if (SameAsLibpgQuery(sql, file.string())) ++parsed;
  }
  EXPECT_EQ(parsed, files.size());
}

}  // namespace
}  // namespace strata::sql
