// InspectSqlite over a corpus of schemas. Each case: load the SQL into a
// fresh in-memory database, inspect, render, load the rendered SQL into
// another fresh database, inspect again; the two models must be equal and
// render to the same text. Then spot-check fields.
#include "driver/sqlite/sqlite_inspect.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "driver/open.h"
#include "schema/render_sqlite.h"
#include "testing/schema_corpus.h"
#include "testing/test_support.h"

namespace strata::driver {
namespace {

using schema::FkAction;
using schema::Schema;
using Strings = std::vector<std::string>;

const std::vector<std::string>& kTracking = strata::testing::TrackingTables();

Result<Schema> LoadAndInspect(const std::string& sql) {
  auto conn = Open("sqlite::memory:", {});
  if (!conn.ok()) return conn.status();
  Status s = (*conn)->ExecScript(sql);
  if (!s.ok()) return s;
  return (*conn)->InspectSchema(kTracking);
}

const schema::Table& T(const Schema& s, size_t i = 0) { return strata::testing::TableAt(s, i); }
const schema::Column& C(const Schema& s, size_t col, size_t table = 0) {
  return strata::testing::ColumnAt(s, col, table);
}
using Case = strata::testing::SchemaCase;

const Case kCases[] = {
    {"types",
     "CREATE TABLE t (a INTEGER, b TEXT, c REAL, d BLOB, e NUMERIC, f VARCHAR(255), g DECIMAL(10,2), h,"
     " i UNSIGNED BIG INT)",
     [](const Schema& s) {
       ASSERT_EQ(T(s).columns.size(), 9u);
       EXPECT_EQ(C(s, 5).type, "VARCHAR(255)");
       EXPECT_EQ(C(s, 6).type, "DECIMAL(10,2)");
       EXPECT_EQ(C(s, 7).type, "");
       EXPECT_EQ(C(s, 8).type, "UNSIGNED BIG INT");
     }},
    {"not_null", "CREATE TABLE t (a TEXT NOT NULL, b TEXT NULL, c INT NOT NULL DEFAULT 0)",
     [](const Schema& s) {
       EXPECT_TRUE(C(s, 0).not_null);
       EXPECT_FALSE(C(s, 1).not_null);
       EXPECT_TRUE(C(s, 2).not_null);
     }},
    {"default_literals",
     "CREATE TABLE t (a INT DEFAULT 0, b TEXT DEFAULT 'x', c REAL DEFAULT -1.5, d BLOB DEFAULT X'00FF',"
     " e DEFAULT NULL, f DEFAULT TRUE, g TEXT DEFAULT 'it''s, (really)')",
     [](const Schema& s) {
       EXPECT_EQ(C(s, 0).default_expr, "0");
       EXPECT_EQ(C(s, 1).default_expr, "'x'");
       EXPECT_EQ(C(s, 2).default_expr, "-1.5");
       EXPECT_EQ(C(s, 3).default_expr, "X'00FF'");
       EXPECT_EQ(C(s, 6).default_expr, "'it''s, (really)'");
     }},
    {"default_expressions",
     "CREATE TABLE t (a INT DEFAULT (1 + 2), b TEXT DEFAULT (lower('ABC')), c DEFAULT (strftime('%s','now')))",
     [](const Schema& s) {
       EXPECT_EQ(C(s, 0).default_expr, "1 + 2");
       EXPECT_EQ(C(s, 1).default_expr, "lower('ABC')");
     }},
    {"default_current_timestamp",
     "CREATE TABLE t (created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, d DEFAULT CURRENT_DATE,"
     " t DEFAULT current_time)",
     [](const Schema& s) { EXPECT_EQ(C(s, 0).default_expr, "CURRENT_TIMESTAMP"); }},
    {"composite_primary_key", "CREATE TABLE m (a INT, b INT, c TEXT, PRIMARY KEY (b, a))",
     [](const Schema& s) {
       ASSERT_TRUE(T(s).primary_key);
       EXPECT_EQ(T(s).primary_key->columns, (Strings{"b", "a"}));
       EXPECT_FALSE(T(s).primary_key->autoincrement);
     }},
    {"integer_primary_key", "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)",
     [](const Schema& s) {
       ASSERT_TRUE(T(s).primary_key);
       EXPECT_EQ(T(s).primary_key->columns, Strings{"id"});
     }},
    {"autoincrement", "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT)",
     [](const Schema& s) {
       ASSERT_EQ(s.tables.size(), 1u);  // not sqlite_sequence
       ASSERT_TRUE(T(s).primary_key);
       EXPECT_TRUE(T(s).primary_key->autoincrement);
     }},
    {"unique_column", "CREATE TABLE t (id INTEGER PRIMARY KEY, email TEXT UNIQUE NOT NULL)",
     [](const Schema& s) {
       ASSERT_EQ(T(s).uniques.size(), 1u);
       EXPECT_EQ(T(s).uniques[0].columns, Strings{"email"});
       EXPECT_TRUE(s.indexes.empty());
     }},
    {"unique_table", "CREATE TABLE t (a INT, b INT, c INT, UNIQUE (a, b), UNIQUE (c))",
     [](const Schema& s) {
       ASSERT_EQ(T(s).uniques.size(), 2u);
       EXPECT_EQ(T(s).uniques[0].columns, (Strings{"a", "b"}));
       EXPECT_EQ(T(s).uniques[1].columns, Strings{"c"});
     }},
    {"checks",
     "CREATE TABLE t (age INT CHECK (age >= 0), lo INT, hi INT CONSTRAINT ordered CHECK (lo <= hi),"
     " CHECK (lo > -100 AND hi < 100), CONSTRAINT \"named check\" CHECK (length(CAST(lo AS TEXT)) < 5))",
     [](const Schema& s) {
       ASSERT_EQ(T(s).checks.size(), 4u);
       EXPECT_EQ(T(s).checks[0].expr, "age >= 0");
       EXPECT_EQ(T(s).checks[1].name, "ordered");
       EXPECT_EQ(T(s).checks[3].name, "named check");
       EXPECT_EQ(T(s).checks[3].expr, "length(CAST(lo AS TEXT)) < 5");
       EXPECT_FALSE(C(s, 0).generated_expr);  // CAST(... AS ...) is not a generated column
     }},
    {"foreign_key_actions",
     "CREATE TABLE p (id INTEGER PRIMARY KEY);"
     "CREATE TABLE c (id INTEGER PRIMARY KEY, a INT REFERENCES p (id) ON DELETE CASCADE ON UPDATE SET NULL,"
     " b INT REFERENCES p (id) ON DELETE RESTRICT, d INT, FOREIGN KEY (d) REFERENCES p (id) ON DELETE SET DEFAULT)",
     [](const Schema& s) {
       const auto& fks = T(s, 0).foreign_keys;
       ASSERT_EQ(fks.size(), 3u);
       EXPECT_EQ(fks[0].columns, Strings{"a"});
       EXPECT_EQ(fks[0].on_delete, FkAction::kCascade);
       EXPECT_EQ(fks[0].on_update, FkAction::kSetNull);
       EXPECT_EQ(fks[1].on_delete, FkAction::kRestrict);
       EXPECT_EQ(fks[2].on_delete, FkAction::kSetDefault);
       EXPECT_EQ(fks[2].ref_table, "p");
     }},
    {"foreign_key_composite",
     "CREATE TABLE p (a INT, b INT, PRIMARY KEY (a, b));"
     "CREATE TABLE c (x INT, y INT, FOREIGN KEY (x, y) REFERENCES p (a, b))",
     [](const Schema& s) {
       ASSERT_EQ(T(s, 0).foreign_keys.size(), 1u);
       EXPECT_EQ(T(s, 0).foreign_keys[0].columns, (Strings{"x", "y"}));
       EXPECT_EQ(T(s, 0).foreign_keys[0].ref_columns, (Strings{"a", "b"}));
     }},
    {"foreign_key_implicit_columns",
     "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (pid INT REFERENCES p)",
     [](const Schema& s) {
       ASSERT_EQ(T(s, 0).foreign_keys.size(), 1u);
       EXPECT_TRUE(T(s, 0).foreign_keys[0].ref_columns.empty());
     }},
    {"foreign_key_self", "CREATE TABLE node (id INTEGER PRIMARY KEY, parent INT REFERENCES node (id))",
     [](const Schema& s) {
       ASSERT_EQ(T(s).foreign_keys.size(), 1u);
       EXPECT_EQ(T(s).foreign_keys[0].ref_table, "node");
     }},
    {"foreign_key_deferrable_named",
     "CREATE TABLE p (id INTEGER PRIMARY KEY);"
     "CREATE TABLE c (a INT CONSTRAINT fk_a REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED,"
     " b INT REFERENCES p (id) NOT DEFERRABLE, e INT,"
     " CONSTRAINT fk_e FOREIGN KEY (e) REFERENCES p (id) DEFERRABLE INITIALLY IMMEDIATE)",
     [](const Schema& s) {
       const auto& fks = T(s, 0).foreign_keys;
       ASSERT_EQ(fks.size(), 3u);
       EXPECT_EQ(fks[0].name, "fk_a");
       EXPECT_TRUE(fks[0].deferrable);
       EXPECT_TRUE(fks[0].initially_deferred);
       EXPECT_FALSE(fks[1].deferrable);
       EXPECT_EQ(fks[2].name, "fk_e");
       EXPECT_TRUE(fks[2].deferrable);
       EXPECT_FALSE(fks[2].initially_deferred);
     }},
    {"collate", "CREATE TABLE t (a TEXT COLLATE NOCASE, b TEXT COLLATE rtrim NOT NULL, c TEXT)",
     [](const Schema& s) {
       EXPECT_EQ(C(s, 0).collation, "NOCASE");
       EXPECT_EQ(C(s, 1).collation, "rtrim");
       EXPECT_EQ(C(s, 2).collation, "");
     }},
    {"generated_virtual", "CREATE TABLE t (a INT, b INT GENERATED ALWAYS AS (a * 2) VIRTUAL, c AS (a + 1))",
     [](const Schema& s) {
       EXPECT_EQ(C(s, 1).generated_expr, "a * 2");
       EXPECT_FALSE(C(s, 1).generated_stored);
       EXPECT_EQ(C(s, 2).generated_expr, "a + 1");
     }},
    {"generated_stored", "CREATE TABLE t (price REAL, qty INT, total REAL AS (price * qty) STORED NOT NULL)",
     [](const Schema& s) {
       EXPECT_EQ(C(s, 2).generated_expr, "price * qty");
       EXPECT_TRUE(C(s, 2).generated_stored);
       EXPECT_TRUE(C(s, 2).not_null);
     }},
    {"without_rowid", "CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID",
     [](const Schema& s) {
       EXPECT_TRUE(T(s).without_rowid);
       EXPECT_FALSE(T(s).strict);
     }},
    {"strict", "CREATE TABLE t (id INTEGER PRIMARY KEY, n INT, s TEXT, a ANY) STRICT",
     [](const Schema& s) { EXPECT_TRUE(T(s).strict); }},
    {"strict_without_rowid", "CREATE TABLE t (k TEXT PRIMARY KEY, v INT) STRICT, WITHOUT ROWID",
     [](const Schema& s) {
       EXPECT_TRUE(T(s).strict);
       EXPECT_TRUE(T(s).without_rowid);
     }},
    {"index_unique",
     "CREATE TABLE t (a INT, b TEXT); CREATE UNIQUE INDEX t_ab ON t (a, b DESC); CREATE INDEX t_b ON t (b)",
     [](const Schema& s) {
       ASSERT_EQ(s.indexes.size(), 2u);
       EXPECT_TRUE(s.indexes[0].unique);
       EXPECT_EQ(s.indexes[0].parts.size(), 2u);
       EXPECT_TRUE(s.indexes[0].parts[1].desc);
       EXPECT_FALSE(s.indexes[1].unique);
     }},
    {"index_partial", "CREATE TABLE t (a INT, deleted_at TEXT); CREATE INDEX live ON t (a) WHERE deleted_at IS NULL",
     [](const Schema& s) {
       ASSERT_EQ(s.indexes.size(), 1u);
       EXPECT_EQ(s.indexes[0].where, "deleted_at IS NULL");
     }},
    {"index_expression",
     "CREATE TABLE t (email TEXT, name TEXT);"
     "CREATE INDEX by_email ON t (lower(email) DESC, name COLLATE NOCASE, substr(name, 1, 2))",
     [](const Schema& s) {
       ASSERT_EQ(s.indexes.size(), 1u);
       const auto& p = s.indexes[0].parts;
       ASSERT_EQ(p.size(), 3u);
       EXPECT_EQ(p[0].expr, "lower(email)");
       EXPECT_TRUE(p[0].desc);
       EXPECT_EQ(p[1].column, "name");
       EXPECT_EQ(p[1].collation, "NOCASE");
       EXPECT_EQ(p[2].expr, "substr(name, 1, 2)");
     }},
    {"views",
     "CREATE TABLE t (a INT);\nCREATE VIEW v1 AS\n  SELECT a   FROM t -- comment\n  WHERE a > 0;"
     "CREATE VIEW v0 AS SELECT * FROM v1",
     [](const Schema& s) {
       ASSERT_EQ(s.views.size(), 2u);
       EXPECT_EQ(s.views[0].name, "v0");
       EXPECT_EQ(s.views[1].sql, "CREATE VIEW v1 AS SELECT a FROM t WHERE a > 0");
     }},
    {"triggers",
     "CREATE TABLE t (a INT, updated TEXT); CREATE TABLE log (msg TEXT);"
     "CREATE TRIGGER t_audit AFTER UPDATE ON t BEGIN INSERT INTO log VALUES ('changed; ' || new.a); END;",
     [](const Schema& s) {
       ASSERT_EQ(s.triggers.size(), 1u);
       EXPECT_EQ(s.triggers[0].table, "t");
       EXPECT_EQ(s.triggers[0].sql,
                 "CREATE TRIGGER t_audit AFTER UPDATE ON t BEGIN INSERT INTO log VALUES ('changed; ' || new.a); END");
     }},
    {"quoted_identifiers",
     "CREATE TABLE \"my table\" (\"first name\" TEXT, \"say \"\"hi\"\"\" INT, [brack ets] INT, `back` INT,"
     " \"check\" TEXT CHECK (\"check\" <> 'x'));"
     "CREATE INDEX \"my index\" ON \"my table\" (\"first name\", \"say \"\"hi\"\"\");"
     "CREATE TABLE \"child's\" (ref TEXT REFERENCES \"my table\" (\"first name\"))",
     [](const Schema& s) {
       ASSERT_EQ(s.tables.size(), 2u);
       EXPECT_EQ(T(s, 1).name, "my table");
       EXPECT_EQ(C(s, 1, 1).name, "say \"hi\"");
       EXPECT_EQ(C(s, 2, 1).name, "brack ets");
       EXPECT_EQ(C(s, 4, 1).name, "check");
       ASSERT_EQ(s.indexes.size(), 1u);
       EXPECT_EQ(s.indexes[0].parts[1].column, "say \"hi\"");
       EXPECT_EQ(T(s, 0).foreign_keys[0].ref_table, "my table");
     }},
    {"comments_and_tricky_text",
     "CREATE TABLE t ( -- the id, (unbalanced\n id INTEGER /* pk, ) */ PRIMARY KEY,"
     " s TEXT DEFAULT 'a,b(' CHECK (s <> ')'), x DEFAULT collate_me COLLATE NOCASE)",
     [](const Schema& s) {
       ASSERT_EQ(T(s).columns.size(), 3u);
       ASSERT_EQ(T(s).checks.size(), 1u);
       EXPECT_EQ(T(s).checks[0].expr, "s <> ')'");
       EXPECT_EQ(C(s, 2).collation, "NOCASE");
     }},
    {"tracking_tables_skipped",
     "CREATE TABLE strata_migrations (version TEXT PRIMARY KEY); CREATE INDEX sm ON strata_migrations (version);"
     "CREATE TABLE strata_events (id INTEGER PRIMARY KEY AUTOINCREMENT); CREATE TABLE STRATA_LOCK (id INT);"
     "CREATE TABLE app (id INT)",
     [](const Schema& s) {
       ASSERT_EQ(s.tables.size(), 1u);
       EXPECT_EQ(T(s).name, "app");
       EXPECT_TRUE(s.indexes.empty());
     }},
    {"virtual_tables_skipped",
     "CREATE VIRTUAL TABLE docs USING fts5(title, body); CREATE TABLE app (id INT);"
     "CREATE TRIGGER docs_t AFTER INSERT ON app BEGIN INSERT INTO docs (title) VALUES ('x'); END",
     [](const Schema& s) {
       ASSERT_EQ(s.tables.size(), 1u);
       EXPECT_EQ(T(s).name, "app");
       EXPECT_EQ(s.triggers.size(), 1u);
     }},
    {"single_quoted_names",
     "CREATE TABLE 'p' ('id' INTEGER PRIMARY KEY, 'v' TEXT COLLATE NOCASE);"
     "CREATE TABLE c (pid INT REFERENCES 'p' ('id') DEFERRABLE INITIALLY DEFERRED)",
     [](const Schema& s) {
       EXPECT_EQ(C(s, 1, 1).collation, "NOCASE");
       ASSERT_EQ(T(s, 0).foreign_keys.size(), 1u);
       EXPECT_TRUE(T(s, 0).foreign_keys[0].deferrable);
     }},
    {"if_not_exists_and_named_constraints",
     "CREATE TABLE IF NOT EXISTS t (id INT CONSTRAINT pk PRIMARY KEY CONSTRAINT nn NOT NULL,"
     " g TEXT AS (upper(')' || id)) CONSTRAINT c1 CHECK (id > 0), CONSTRAINT u1 UNIQUE (g))",
     [](const Schema& s) {
       EXPECT_EQ(C(s, 1).generated_expr, "upper(')' || id)");
       ASSERT_EQ(T(s).checks.size(), 1u);
       EXPECT_EQ(T(s).checks[0].name, "c1");
       EXPECT_TRUE(C(s, 0).not_null);
     }},
    {"empty", "", [](const Schema& s) { EXPECT_EQ(s, Schema{}); }},
};


class InspectCorpus : public ::testing::TestWithParam<Case> {};

TEST_P(InspectCorpus, RoundTrip) { strata::testing::ExpectRoundTrip(GetParam(), LoadAndInspect, schema::RenderSqlite); }

INSTANTIATE_TEST_SUITE_P(Sqlite, InspectCorpus, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

TEST(SqliteInspect, DeterministicAcrossDeclarationOrder) {
  auto a = LoadAndInspect("CREATE TABLE b (x INT UNIQUE, y INT UNIQUE); CREATE TABLE a (x INT);");
  auto b = LoadAndInspect("CREATE TABLE a (x INT); CREATE TABLE b (x INT, y INT, UNIQUE (y), UNIQUE (x));");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(*a == *b);
  EXPECT_EQ(schema::RenderSqlite(*a), schema::RenderSqlite(*b));
}

// The example project's twelve migrations: a realistic schema, not a corpus case.
TEST(SqliteInspect, ShopExampleRoundTrips) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(strata::testing::SourceDir()) / "examples" / "shop" / "migrations";
  std::vector<fs::path> ups;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().string().ends_with(".up.sql")) ups.push_back(e.path());
  }
  std::sort(ups.begin(), ups.end());
  ASSERT_GE(ups.size(), 10u);
  std::string sql;
  for (const auto& p : ups) {
    std::ifstream in(p);
    std::stringstream text;
    text << in.rdbuf();
    sql += text.str() + "\n";
  }
  auto first = LoadAndInspect(sql);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_GE(first->tables.size(), 6u);
  EXPECT_FALSE(first->views.empty());
  std::string rendered = schema::RenderSqlite(*first);
  auto second = LoadAndInspect(rendered);
  ASSERT_TRUE(second.ok()) << second.status().ToString() << "\n" << rendered;
  EXPECT_TRUE(*first == *second) << rendered;
  EXPECT_EQ(schema::RenderSqlite(*second), rendered);
}

TEST(SqliteInspect, ExcludeListIsCaseInsensitive) {
  auto conn = Open("sqlite::memory:", {});
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)->ExecScript("CREATE TABLE Custom_Track (id INT); CREATE TABLE app (id INT);").ok());
  auto s = (*conn)->InspectSchema({"custom_track"});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->tables.size(), 1u);
  EXPECT_EQ(s->tables[0].name, "app");
}

}  // namespace
}  // namespace strata::driver
