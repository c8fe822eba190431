// DiffSchemas on PostgreSQL over a corpus of (A, B) schema pairs, on the real
// test server. Each case: load A into a fresh database and insert the case's
// rows; load B into another fresh database; inspect both, and pg_dump both.
// Apply DiffSchemas(A, B) to the first database in one transaction: its
// pg_dump must equal B's (the oracle: testing/pg_dump_oracle.h, normalised,
// column order ignored), its inspected model must equal B's, and the rows in
// the columns both keep (same name, same type, not generated) must still be
// there. Then apply DiffSchemas(B, A): pg_dump and model must equal A's again,
// with the same rows. diff(A, A) and diff(B, B) are empty.
//
// pg_dump is the judge because the inspector cannot see what it does not
// model: a property it ignores would pass both sides of a model comparison.
// PostgreSQL cannot reorder columns (ADD COLUMN appends), so models too are
// compared with each table's columns in name order.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "driver/open.h"
#include "schema/diff.h"
#include "schema/render_postgres.h"
#include "testing/pg_dump_oracle.h"
#include "testing/schema_corpus.h"
#include "testing/test_support.h"

namespace strata {
namespace {

using schema::Rename;
using schema::Schema;
using Strings = std::vector<std::string>;

struct PgDiffCase {
  const char* name;
  const char* a;
  const char* b;
  const char* seed = "";  // rows inserted into A before the diff
  std::vector<Rename> renames = {};
  const char* probe = "";  // a query run after A -> B ...
  Strings expect = {};     // ... and its rows
};
void PrintTo(const PgDiffCase& c, std::ostream* os) { *os << c.name; }

Result<std::unique_ptr<driver::Connection>> Load(const std::string& url, const std::string& sql) {
  auto conn = driver::Open(url, {});
  if (!conn.ok()) return conn.status();
  if (!sql.empty()) {
    Status s = (*conn)->ExecScript(sql);
    if (!s.ok()) return s;
  }
  return conn;
}

Schema Normalized(Schema s) {
  for (auto& t : s.tables) {
    std::sort(t.columns.begin(), t.columns.end(), [](const auto& x, const auto& y) { return x.name < y.name; });
  }
  return s;
}

// A readable dump of everything the model holds, for failure messages (the
// renderer skips nothing, but a dump shows fields side by side).
std::string Dump(const Schema& s) {
  std::string out = schema::RenderPostgres(s);
  for (const auto& t : s.tables) {
    out += "-- table " + t.schema + "." + t.name + " partition_by=" + t.partition_by + " of=" + t.partition_of +
           " bound=" + t.partition_bound + "\n";
    for (const auto& c : t.columns) {
      out += "--   " + c.name + " " + c.type + (c.not_null ? " notnull" : "") +
             " default=" + c.default_expr.value_or("-") + " gen=" + c.generated_expr.value_or("-") +
             " identity=" + std::to_string(static_cast<int>(c.identity)) + " coll=" + c.collation + "\n";
    }
  }
  for (const auto& v : s.views)
    out += "-- view depends_on: " + v.name + " <- " + std::to_string(v.depends_on.size()) + "\n";
  for (const auto& c : s.comments) out += "-- comment " + c.object + " = " + c.text + "\n";
  return out;
}

// What a kept column is called on each side.
struct KeptTable {
  std::string a_table, b_table;  // qualified
  Strings a_columns, b_columns;
};

std::string Qualified(const schema::Table& t) {
  return schema::QuoteIdent(t.schema) + "." + schema::QuoteIdent(t.name);
}

std::string Key(const schema::Table& t) { return t.schema == "public" ? t.name : t.schema + "." + t.name; }

bool CompositeChanges(const Schema& a, const Schema& b, const std::string& type) {
  for (const auto& x : a.composites) {
    if (x.name != type && x.schema + "." + x.name != type) continue;
    for (const auto& y : b.composites) {
      if (y.schema == x.schema && y.name == x.name) return !(x == y);
    }
  }
  return false;
}

std::vector<KeptTable> KeptTables(const Schema& a, const Schema& b, const std::vector<Rename>& renames) {
  std::vector<KeptTable> out;
  for (const auto& t : a.tables) {
    std::string key = Key(t);
    for (const auto& r : renames) {
      if (r.table.empty() && r.from == key) key = r.to;
    }
    const schema::Table* n = nullptr;
    for (const auto& m : b.tables) {
      if (Key(m) == key) n = &m;
    }
    // A partitioned table's rows are its partitions', checked one by one.
    if (n == nullptr || !t.partition_by.empty() || !n->partition_by.empty()) continue;
    KeptTable k{Qualified(t), Qualified(*n), {}, {}};
    // A partition's columns are its parent's.
    const schema::Table* from = &t;
    while (!from->partition_of.empty()) {
      const schema::Table* parent = nullptr;
      for (const auto& p : a.tables) {
        if (p.schema == from->partition_of_schema && p.name == from->partition_of) parent = &p;
      }
      if (parent == nullptr) break;
      from = parent;
    }
    for (const auto& c : from->columns) {
      std::string name = c.name;
      for (const auto& r : renames) {
        if (!r.table.empty() && (r.table == Key(t) || r.table == key) && r.from == c.name) name = r.to;
      }
      const schema::Column* nc = from == &t ? n->FindColumn(name) : &c;
      if (nc == nullptr || nc->type != c.type || c.generated_expr || nc->generated_expr) continue;
      // A composite value's text changes with its type's attributes (the
      // case's probe reads the attributes that stay).
      if (CompositeChanges(a, b, c.type)) continue;
      // NOT NULL with a default backfills the NULLs (the case's probe checks it).
      if (!c.not_null && nc->not_null && nc->default_expr) continue;
      k.a_columns.push_back(schema::QuoteIdent(c.name));
      k.b_columns.push_back(schema::QuoteIdent(name));
    }
    out.push_back(std::move(k));
  }
  return out;
}

Strings Rows(const std::string& url, const std::string& table, const Strings& columns) {
  // ONLY: a parent's own rows, not its INHERITS children's.
  Strings out = testing::QueryRows(url, "SELECT count(*) FROM ONLY " + table);
  if (columns.empty()) return out;
  std::string list, order;
  for (size_t i = 0; i < columns.size(); ++i) {
    list += (i ? ", " : "") + columns[i] + "::text";
    order += (i ? ", " : "") + std::to_string(i + 1);
  }
  Strings rows = testing::QueryRows(url, "SELECT " + list + " FROM ONLY " + table + " ORDER BY " + order);
  out.insert(out.end(), rows.begin(), rows.end());
  return out;
}

std::vector<Rename> Reversed(const std::vector<Rename>& renames) {
  std::vector<Rename> out;
  for (const auto& r : renames) {
    if (r.table.empty()) {
      out.push_back({"", r.to, r.from});
      continue;
    }
    std::string table = r.table;
    for (const auto& t : renames) {
      if (t.table.empty() && t.from == table) table = t.to;
    }
    out.push_back({table, r.to, r.from});
  }
  return out;
}

// Applies DiffSchemas(from, to) in one transaction and returns the new model.
Result<Schema> Migrate(driver::Connection& conn, const Schema& from, const Schema& to,
                       const std::vector<Rename>& renames, std::string* sql) {
  schema::Diff diff = schema::DiffSchemas(from, to, schema::Dialect::kPostgres, {renames});
  *sql = schema::RenderMigration(diff);
  Status s = conn.Begin();
  if (s.ok()) s = conn.ExecScript(schema::RenderStatements(diff));
  if (s.ok()) s = conn.Commit();
  if (!s.ok()) {
    (void)conn.Rollback();
    return s;
  }
  return conn.InspectSchema(testing::TrackingTables());
}

class PgDiffCorpus : public ::testing::TestWithParam<PgDiffCase> {};

TEST_P(PgDiffCorpus, AppliesBothWaysKeepingRows) {
  const PgDiffCase& c = GetParam();
  testing::ScopedPgDatabase db, db_b;
  ASSERT_TRUE(db.ok() && db_b.ok());
  auto conn = Load(db.url(), c.a);
  ASSERT_TRUE(conn.ok()) << "loading A: " << conn.status().ToString();
  auto conn_b = Load(db_b.url(), c.b);
  ASSERT_TRUE(conn_b.ok()) << "loading B: " << conn_b.status().ToString();
  auto a = (*conn)->InspectSchema(testing::TrackingTables());
  auto b = (*conn_b)->InspectSchema(testing::TrackingTables());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(schema::DiffSchemas(*a, *a, schema::Dialect::kPostgres).empty())
      << schema::RenderMigration(schema::DiffSchemas(*a, *a, schema::Dialect::kPostgres));
  EXPECT_TRUE(schema::DiffSchemas(*b, *b, schema::Dialect::kPostgres).empty())
      << schema::RenderMigration(schema::DiffSchemas(*b, *b, schema::Dialect::kPostgres));
  // The oracle: pg_dump of each side as loaded.
  auto dumps = testing::PgDumpSchemas({db.url(), db_b.url()});
  ASSERT_TRUE(dumps[0].ok() && dumps[1].ok()) << dumps[0].status().ToString() << dumps[1].status().ToString();
  const std::string& dump_a = *dumps[0];
  const std::string& dump_b = *dumps[1];
  if (*c.seed) {
    Status seeded = (*conn)->ExecScript(c.seed);
    ASSERT_TRUE(seeded.ok()) << "seed: " << seeded.ToString();
  }

  std::vector<KeptTable> kept = KeptTables(*a, *b, c.renames);
  std::vector<Strings> before;
  for (const auto& k : kept) before.push_back(Rows(db.url(), k.a_table, k.a_columns));

  std::string sql;
  auto forward = Migrate(**conn, *a, *b, c.renames, &sql);
  ASSERT_TRUE(forward.ok()) << forward.status().ToString() << "\n" << sql;
  if (std::getenv("STRATA_DIFF_VERBOSE") != nullptr) std::cout << "A -> B:\n" << sql;
  EXPECT_TRUE(Normalized(*forward) == Normalized(*b)) << "A -> B:\n"
                                                      << sql << "\ngot:\n"
                                                      << Dump(*forward) << "\nwant:\n"
                                                      << Dump(*b);
  auto dump_forward = testing::PgDumpSchema(db.url());
  ASSERT_TRUE(dump_forward.ok()) << dump_forward.status().ToString();
  EXPECT_TRUE(*dump_forward == dump_b) << "pg_dump differs after A -> B:\n"
                                       << sql << "\n(- wanted, + got)\n"
                                       << testing::PgDumpDifference(dump_b, *dump_forward);
  for (size_t i = 0; i < kept.size(); ++i) {
    EXPECT_EQ(Rows(db.url(), kept[i].b_table, kept[i].b_columns), before[i]) << kept[i].b_table << "\n" << sql;
  }
  if (*c.probe) {
    EXPECT_EQ(testing::QueryRows(db.url(), c.probe), c.expect) << c.probe << "\n" << sql;
  }

  std::string back_sql;
  auto back = Migrate(**conn, *b, *a, Reversed(c.renames), &back_sql);
  ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << back_sql;
  if (std::getenv("STRATA_DIFF_VERBOSE") != nullptr) std::cout << "B -> A:\n" << back_sql;
  EXPECT_TRUE(Normalized(*back) == Normalized(*a)) << "B -> A:\n"
                                                   << back_sql << "\ngot:\n"
                                                   << Dump(*back) << "\nwant:\n"
                                                   << Dump(*a);
  auto dump_back = testing::PgDumpSchema(db.url());
  ASSERT_TRUE(dump_back.ok()) << dump_back.status().ToString();
  EXPECT_TRUE(*dump_back == dump_a) << "pg_dump differs after B -> A:\n"
                                    << back_sql << "\n(- wanted, + got)\n"
                                    << testing::PgDumpDifference(dump_a, *dump_back);
  for (size_t i = 0; i < kept.size(); ++i) {
    EXPECT_EQ(Rows(db.url(), kept[i].a_table, kept[i].a_columns), before[i]) << kept[i].a_table << "\n" << back_sql;
  }
}

// Shared fixtures of several cases.
#define PARENT_CHILD \
  "CREATE TABLE parent (id int PRIMARY KEY, code text UNIQUE); CREATE TABLE child (id int PRIMARY KEY, pid int);"
#define PC_ROWS "INSERT INTO parent VALUES (1, 'a'), (2, 'b'); INSERT INTO child VALUES (10, 1), (11, 2), (12, NULL);"
#define USERS "CREATE TABLE users (id int PRIMARY KEY, email text, name text);"
#define USER_ROWS "INSERT INTO users VALUES (1, 'A@x.io', 'ann'), (2, 'b@x.io', NULL), (3, NULL, 'cy');"
#define ORDERS "CREATE TABLE orders (id int PRIMARY KEY, total int, note text);"
#define ORDER_ROWS "INSERT INTO orders VALUES (1, 12, 'x'), (2, 7, NULL);"
#define MOOD "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');"
#define FN_NORM "CREATE FUNCTION norm(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(trim(t)) $$;"
#define TRG_FN                                                                                                \
  "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.name := coalesce(NEW.name, 'x');" \
  " RETURN NEW; END $$;"
#define EVENTS "CREATE TABLE events (id int, at date NOT NULL, what text) PARTITION BY RANGE (at);"
#define EVENTS_2024 "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"
#define EVENTS_2025 "CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');"
#define EVENT_ROWS "INSERT INTO events VALUES (1, '2024-03-01', 'a'), (2, '2024-07-01', 'b');"
#define EVERYTHING                                                                                                \
  "CREATE EXTENSION btree_gist; CREATE SCHEMA app; " MOOD                                                         \
  "CREATE DOMAIN posint AS int CHECK (VALUE > 0); CREATE SEQUENCE app.ticket START 100;"                          \
  "CREATE TABLE app.accounts (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, m mood DEFAULT 'ok',"              \
  " qty posint, ref int REFERENCES app.accounts, t int DEFAULT nextval('app.ticket'),"                            \
  " room int, during tsrange, EXCLUDE USING gist (room WITH =, during WITH &&));"                                 \
  "CREATE INDEX acc_m ON app.accounts (m) WHERE m <> 'sad'; CREATE VIEW app.v AS SELECT id, m FROM app.accounts;" \
  "CREATE MATERIALIZED VIEW app.mv AS SELECT count(*) AS n FROM app.v; " FN_NORM TRG_FN                           \
  "CREATE TABLE app.people (id serial PRIMARY KEY, name text);"                                                   \
  "CREATE TRIGGER people_touch BEFORE INSERT ON app.people FOR EACH ROW EXECUTE FUNCTION touch();"                \
  "CREATE PROCEDURE app.noop() LANGUAGE sql AS $$ SELECT 1 $$;"                                                   \
  "COMMENT ON TABLE app.accounts IS 'money'; COMMENT ON COLUMN app.people.name IS 'who';" EVENTS EVENTS_2024

const PgDiffCase kCases[] = {
    // ---- tables and columns
    {"create_table", "", "CREATE TABLE t (id int PRIMARY KEY, name text NOT NULL)"},
    {"drop_table_with_rows", USERS, "", USER_ROWS},
    {"add_column", USERS, "CREATE TABLE users (id int PRIMARY KEY, email text, name text, age int)", USER_ROWS},
    {"drop_column", USERS, "CREATE TABLE users (id int PRIMARY KEY, name text)", USER_ROWS},
    {"add_not_null_column_with_default",
     USERS,
     "CREATE TABLE users (id int PRIMARY KEY, email text, name text, status text NOT NULL DEFAULT 'new')",
     USER_ROWS,
     {},
     "SELECT status FROM users ORDER BY id",
     {"new", "new", "new"}},
    {"all_common_types", "CREATE TABLE t (id int)",
     "CREATE TABLE t (id int, a bigint, b smallint, c text, d varchar(20), e numeric(10,2), f numeric, g timestamptz,"
     " h timestamp(3), i jsonb, j json, k uuid, l boolean, m bytea, n double precision, o real, p date, q interval,"
     " r char(3), s inet, u time, v cidr, w macaddr, x money, y xml, z tsvector, zz int4range, zzz point)",
     "INSERT INTO t VALUES (1), (2)"},
    {"arrays",
     "CREATE TABLE t (id int, tags text[])",
     "CREATE TABLE t (id int, tags varchar(30)[], nums int[], grid int[][])",
     "INSERT INTO t VALUES (1, '{a,b}'), (2, NULL)",
     {},
     "SELECT tags::text FROM t ORDER BY id",
     {"{a,b}", "NULL"}},
    {"type_int_to_bigint",
     ORDERS,
     "CREATE TABLE orders (id bigint PRIMARY KEY, total bigint, note text)",
     ORDER_ROWS,
     {},
     "SELECT id, total FROM orders ORDER BY id",
     {"1|12", "2|7"}},
    {"type_text_to_int_with_numeric_strings",
     "CREATE TABLE t (id int, code text)",
     "CREATE TABLE t (id int, code int)",
     "INSERT INTO t VALUES (1, '42'), (2, '7'), (3, NULL)",
     {},
     "SELECT code + 1 FROM t ORDER BY id",
     {"43", "8", "NULL"}},
    {"type_int_to_numeric",
     ORDERS,
     "CREATE TABLE orders (id int PRIMARY KEY, total numeric(10,2), note text)",
     ORDER_ROWS,
     {},
     "SELECT total FROM orders ORDER BY id",
     {"12.00", "7.00"}},
    {"type_varchar_widen_and_text", "CREATE TABLE t (a varchar(10), b varchar(5))",
     "CREATE TABLE t (a varchar(50), b text)", "INSERT INTO t VALUES ('x', 'y')"},
    {"type_timestamp_to_timestamptz", "CREATE TABLE t (id int, at timestamp DEFAULT now())",
     "CREATE TABLE t (id int, at timestamptz DEFAULT now())", "INSERT INTO t (id) VALUES (1)"},
    {"not_null_with_backfilled_default",
     "CREATE TABLE t (id int, status text)",
     "CREATE TABLE t (id int, status text NOT NULL DEFAULT 'todo')",
     "INSERT INTO t VALUES (1, 'done'), (2, NULL)",
     {},
     "SELECT status FROM t ORDER BY id",
     {"done", "todo"}},
    {"not_null_drop", "CREATE TABLE t (id int NOT NULL, v text NOT NULL)", "CREATE TABLE t (id int NOT NULL, v text)",
     "INSERT INTO t VALUES (1, 'a')"},
    {"type_change_with_default_and_index",
     "CREATE TABLE t (id int, n int NOT NULL DEFAULT 0); CREATE INDEX t_n ON t (n)",
     "CREATE TABLE t (id int, n bigint NOT NULL DEFAULT 0); CREATE INDEX t_n ON t (n)",
     "INSERT INTO t VALUES (1, 5)",
     {},
     "SELECT n FROM t",
     {"5"}},
    {"default_change", "CREATE TABLE t (id int, n int DEFAULT 0, s text DEFAULT 'a', at timestamptz)",
     "CREATE TABLE t (id int, n int DEFAULT 1, s text, at timestamptz DEFAULT now())", "INSERT INTO t (id) VALUES (1)"},
    {"collation", "CREATE TABLE t (id int, name text, code varchar(10) COLLATE \"C\")",
     "CREATE TABLE t (id int, name text COLLATE \"C\", code varchar(10))", "INSERT INTO t VALUES (1, 'b', 'a')"},
    {"identity_add",
     "CREATE TABLE t (id int NOT NULL, v text)",
     "CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY, v text)",
     "INSERT INTO t VALUES (1, 'a'), (5, 'b')",
     {},
     "SELECT nextval(pg_get_serial_sequence('t', 'id'))",
     {"6"}},
    {"identity_kind", "CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY, v text)",
     "CREATE TABLE t (id bigint GENERATED BY DEFAULT AS IDENTITY, v text)", "INSERT INTO t (v) VALUES ('a')"},
    {"serial_column_add", "CREATE TABLE t (v text)", "CREATE TABLE t (v text, id serial, big bigserial)",
     "INSERT INTO t VALUES ('a'), ('b')"},
    {"serial_to_int", "CREATE TABLE t (id serial PRIMARY KEY, v text)", "CREATE TABLE t (id int PRIMARY KEY, v text)",
     "INSERT INTO t (v) VALUES ('a'), ('b')"},
    {"generated_add",
     "CREATE TABLE t (a int, b int)",
     "CREATE TABLE t (a int, b int, c int GENERATED ALWAYS AS (a + b) STORED)",
     "INSERT INTO t VALUES (1, 2)",
     {},
     "SELECT c FROM t",
     {"3"}},
    {"generated_expression_change",
     "CREATE TABLE t (a int, b int, c int GENERATED ALWAYS AS (a + b) STORED)",
     "CREATE TABLE t (a int, b int, c int GENERATED ALWAYS AS (a * b) STORED)",
     "INSERT INTO t VALUES (3, 4)",
     {},
     "SELECT c FROM t",
     {"12"}},
    {"generated_change_with_index",
     "CREATE TABLE t (a int, c int GENERATED ALWAYS AS (a + 1) STORED); CREATE INDEX t_c ON t (c)",
     "CREATE TABLE t (a int, c int GENERATED ALWAYS AS (a * 2) STORED); CREATE INDEX t_c ON t (c)",
     "INSERT INTO t VALUES (5)",
     {},
     "SELECT c FROM t",
     {"10"}},
    {"generated_to_plain",
     "CREATE TABLE t (a int, c int GENERATED ALWAYS AS (a * 10) STORED)",
     "CREATE TABLE t (a int, c int)",
     "INSERT INTO t VALUES (2)",
     {},
     "SELECT c FROM t",
     {"20"}},
    {"quoted_names", "CREATE TABLE \"Order Items\" (\"Id\" int PRIMARY KEY)",
     "CREATE TABLE \"Order Items\" (\"Id\" int PRIMARY KEY, \"say \"\"hi\"\"\" text DEFAULT 'it''s')",
     "INSERT INTO \"Order Items\" VALUES (1)"},

    // ---- keys and constraints
    {"primary_key_add", "CREATE TABLE t (id int NOT NULL, v text)", "CREATE TABLE t (id int PRIMARY KEY, v text)",
     "INSERT INTO t VALUES (1, 'a'), (2, 'b')"},
    {"primary_key_composite", "CREATE TABLE m (a int NOT NULL, b int NOT NULL, PRIMARY KEY (a))",
     "CREATE TABLE m (a int NOT NULL, b int NOT NULL, CONSTRAINT m_key PRIMARY KEY (b, a))",
     "INSERT INTO m VALUES (1, 1), (2, 1)"},
    {"unique_change", USERS "ALTER TABLE users ADD CONSTRAINT u_email UNIQUE (email)",
     USERS "ALTER TABLE users ADD CONSTRAINT u_email UNIQUE (email, name); ALTER TABLE users ADD UNIQUE (name)",
     USER_ROWS},
    {"check_add_and_change", "CREATE TABLE t (age int, lo int, hi int, CONSTRAINT ordered CHECK (lo <= hi))",
     "CREATE TABLE t (age int CHECK (age >= 0), lo int, hi int, CONSTRAINT ordered CHECK (lo < hi))",
     "INSERT INTO t VALUES (3, 1, 2)"},
    {"check_not_valid", "CREATE TABLE t (id int)",
     "CREATE TABLE t (id int); ALTER TABLE t ADD CONSTRAINT pos CHECK (id > 0) NOT VALID",
     "INSERT INTO t VALUES (-1), (2)"},
    {"foreign_key_add", PARENT_CHILD, PARENT_CHILD "ALTER TABLE child ADD FOREIGN KEY (pid) REFERENCES parent",
     PC_ROWS},
    {"foreign_key_actions",
     PARENT_CHILD "ALTER TABLE child ADD CONSTRAINT fk FOREIGN KEY (pid) REFERENCES parent ON DELETE CASCADE",
     PARENT_CHILD
     "ALTER TABLE child ADD CONSTRAINT fk FOREIGN KEY (pid) REFERENCES parent ON DELETE SET NULL ON UPDATE RESTRICT",
     PC_ROWS},
    {"foreign_key_deferrable", PARENT_CHILD "ALTER TABLE child ADD CONSTRAINT fk FOREIGN KEY (pid) REFERENCES parent",
     PARENT_CHILD
     "ALTER TABLE child ADD CONSTRAINT fk FOREIGN KEY (pid) REFERENCES parent DEFERRABLE INITIALLY DEFERRED",
     PC_ROWS},
    {"foreign_key_not_valid", PARENT_CHILD,
     PARENT_CHILD "ALTER TABLE child ADD CONSTRAINT fk FOREIGN KEY (pid) REFERENCES parent NOT VALID",
     PC_ROWS "INSERT INTO child VALUES (13, 99)"},
    {"constraints_validated",
     PARENT_CHILD "ALTER TABLE child ADD CONSTRAINT fk FOREIGN KEY (pid) REFERENCES parent NOT VALID;"
                  "ALTER TABLE child ADD CONSTRAINT pos CHECK (id > 0) NOT VALID",
     PARENT_CHILD "ALTER TABLE child ADD CONSTRAINT fk FOREIGN KEY (pid) REFERENCES parent;"
                  "ALTER TABLE child ADD CONSTRAINT pos CHECK (id > 0)",
     PC_ROWS},
    {"foreign_key_to_unique_column", PARENT_CHILD "ALTER TABLE child ADD c text",
     PARENT_CHILD "ALTER TABLE child ADD c text REFERENCES parent (code)", PC_ROWS},
    {"foreign_key_composite", "CREATE TABLE p (a int, b int, PRIMARY KEY (a, b)); CREATE TABLE c (x int, y int)",
     "CREATE TABLE p (a int, b int, PRIMARY KEY (a, b)); CREATE TABLE c (x int, y int, FOREIGN KEY (y, x) REFERENCES p "
     "(b, a))",
     "INSERT INTO p VALUES (1, 2); INSERT INTO c VALUES (1, 2)"},
    {"foreign_key_self_reference", "CREATE TABLE node (id int PRIMARY KEY, parent int)",
     "CREATE TABLE node (id int PRIMARY KEY, parent int REFERENCES node (id))",
     "INSERT INTO node VALUES (1, NULL), (2, 1)"},
    {"foreign_key_cycle_create", "",
     "CREATE TABLE a (id int PRIMARY KEY, b_id int); CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a);"
     "ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b"},
    {"foreign_key_cycle_drop_one_side",
     "CREATE TABLE a (id int PRIMARY KEY, b_id int); CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a);"
     "ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b",
     "CREATE TABLE a (id int PRIMARY KEY, b_id int)", "INSERT INTO a VALUES (1, NULL); INSERT INTO b VALUES (1, 1)"},
    {"foreign_key_follows_changed_primary_key",
     PARENT_CHILD "ALTER TABLE child ADD FOREIGN KEY (pid) REFERENCES parent",
     "CREATE TABLE parent (id int, code text UNIQUE, CONSTRAINT parent_pk PRIMARY KEY (id));"
     "CREATE TABLE child (id int PRIMARY KEY, pid int REFERENCES parent)",
     PC_ROWS},
    {"foreign_key_column_retyped", PARENT_CHILD "ALTER TABLE child ADD FOREIGN KEY (pid) REFERENCES parent",
     "CREATE TABLE parent (id bigint PRIMARY KEY, code text UNIQUE); CREATE TABLE child (id int PRIMARY KEY, pid "
     "bigint REFERENCES parent)",
     PC_ROWS},
    {"constraints_renamed",
     "CREATE TABLE t (id int CONSTRAINT t_pk PRIMARY KEY, v int CONSTRAINT v_pos CHECK (v > 0) UNIQUE)",
     "CREATE TABLE t (id int CONSTRAINT t_key PRIMARY KEY, v int CONSTRAINT v_positive CHECK (v > 0) CONSTRAINT v_uq "
     "UNIQUE)",
     "INSERT INTO t VALUES (1, 1)"},
    {"unique_referenced_by_foreign_key_renamed", PARENT_CHILD "ALTER TABLE child ADD c text REFERENCES parent (code)",
     "CREATE TABLE parent (id int PRIMARY KEY, code text CONSTRAINT parent_code_uq UNIQUE);"
     "CREATE TABLE child (id int PRIMARY KEY, pid int, c text REFERENCES parent (code))",
     PC_ROWS},
    {"exclusion_constraint", "CREATE EXTENSION btree_gist; CREATE TABLE booking (room int, during tsrange)",
     "CREATE EXTENSION btree_gist; CREATE TABLE booking (room int, during tsrange,"
     " CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&))",
     "INSERT INTO booking VALUES (1, '[2024-01-01,2024-01-02)'), (1, '[2024-01-02,2024-01-03)')"},

    // ---- indexes
    {"index_add", USERS, USERS "CREATE INDEX users_name ON users (name DESC NULLS LAST)", USER_ROWS},
    {"index_method_change", USERS "CREATE INDEX users_email ON users (email)",
     USERS "CREATE INDEX users_email ON users USING hash (email)", USER_ROWS},
    {"index_partial_expression_include", USERS,
     USERS "CREATE UNIQUE INDEX users_lower_email ON users (lower(email)) WHERE email IS NOT NULL;"
           "CREATE INDEX users_cover ON users (name) INCLUDE (email)",
     USER_ROWS},
    {"index_unique_change", USERS "CREATE INDEX users_email ON users (email)",
     USERS "CREATE UNIQUE INDEX users_email ON users (email)", USER_ROWS},
    {"index_on_dropped_column", USERS "CREATE INDEX users_ne ON users (name, email)",
     "CREATE TABLE users (id int PRIMARY KEY, email text); CREATE INDEX users_e ON users (email)", USER_ROWS},

    // ---- views
    {"view_create", USERS, USERS "CREATE VIEW named AS SELECT id, name FROM users WHERE name IS NOT NULL", USER_ROWS},
    {"view_change", USERS "CREATE VIEW named AS SELECT id FROM users",
     USERS "CREATE VIEW named AS SELECT id, upper(name) AS name FROM users", USER_ROWS},
    {"view_over_retyped_column", ORDERS "CREATE VIEW big AS SELECT id, total FROM orders WHERE total > 10",
     "CREATE TABLE orders (id int PRIMARY KEY, total numeric(10,2), note text);"
     "CREATE VIEW big AS SELECT id, total FROM orders WHERE total > 10",
     ORDER_ROWS},
    {"view_over_dropped_column", ORDERS "CREATE VIEW ids AS SELECT id FROM orders",
     "CREATE TABLE orders (id int PRIMARY KEY, total int); CREATE VIEW ids AS SELECT id FROM orders", ORDER_ROWS},
    {"view_chain_over_changed_table",
     ORDERS "CREATE VIEW v1 AS SELECT id, total FROM orders; CREATE VIEW v2 AS SELECT sum(total) AS s FROM v1",
     "CREATE TABLE orders (id int PRIMARY KEY, total bigint, note text);"
     "CREATE VIEW v1 AS SELECT id, total FROM orders; CREATE VIEW v2 AS SELECT sum(total) AS s FROM v1",
     ORDER_ROWS},
    {"materialized_view_with_index", ORDERS,
     ORDERS "CREATE MATERIALIZED VIEW totals AS SELECT id, total * 2 AS dbl FROM orders;"
            "CREATE UNIQUE INDEX totals_id ON totals (id)",
     ORDER_ROWS},
    {"materialized_view_index_add", ORDERS "CREATE MATERIALIZED VIEW totals AS SELECT id, total FROM orders",
     ORDERS
     "CREATE MATERIALIZED VIEW totals AS SELECT id, total FROM orders; CREATE UNIQUE INDEX totals_id ON totals (id)",
     ORDER_ROWS},
    {"materialized_view_over_changed_table",
     ORDERS "CREATE MATERIALIZED VIEW totals AS SELECT id, total FROM orders; CREATE INDEX totals_t ON totals (total)",
     "CREATE TABLE orders (id int PRIMARY KEY, total bigint);"
     "CREATE MATERIALIZED VIEW totals AS SELECT id, total FROM orders; CREATE INDEX totals_t ON totals (total)",
     ORDER_ROWS},

    // ---- sequences, schemas, extensions
    {"sequence_create", "", "CREATE SEQUENCE order_no AS integer START WITH 1000 INCREMENT BY 5"},
    {"sequence_alter", "CREATE SEQUENCE s AS bigint START WITH 1 INCREMENT BY 1",
     "CREATE SEQUENCE s AS integer START WITH 10 INCREMENT BY 2"},
    {"sequence_owned_by_and_default", "CREATE TABLE o (no int, x bigint)",
     "CREATE SEQUENCE order_no; CREATE TABLE o (no int DEFAULT nextval('order_no'), x bigint);"
     "CREATE SEQUENCE owned OWNED BY o.x",
     "INSERT INTO o VALUES (1, 2)"},
    {"sequence_owned_dropped_with_column", "CREATE TABLE o (no int, x bigint); CREATE SEQUENCE owned OWNED BY o.x",
     "CREATE TABLE o (no int)", "INSERT INTO o VALUES (1, 2)"},
    {"schema_create", "", "CREATE SCHEMA billing; CREATE TABLE billing.invoices (id int PRIMARY KEY, total numeric)"},
    {"schema_objects_change",
     "CREATE SCHEMA billing; CREATE TABLE billing.invoices (id int PRIMARY KEY); CREATE TABLE users (id int PRIMARY "
     "KEY)",
     "CREATE SCHEMA billing; CREATE TYPE billing.state AS ENUM ('open', 'paid'); CREATE TABLE users (id int PRIMARY "
     "KEY);"
     "CREATE TABLE billing.invoices (id int PRIMARY KEY, user_id int REFERENCES users, st billing.state);"
     "CREATE INDEX inv_user ON billing.invoices (user_id)",
     "INSERT INTO users VALUES (1); INSERT INTO billing.invoices VALUES (1)"},
    {"extension_create", "CREATE TABLE t (id int)", "CREATE EXTENSION citext; CREATE TABLE t (id int, email citext)",
     "INSERT INTO t VALUES (1)"},

    // ---- enums
    {"enum_create_and_use", "CREATE TABLE t (id int)", MOOD "CREATE TABLE t (id int, m mood NOT NULL DEFAULT 'ok')",
     "INSERT INTO t VALUES (1)"},
    {"enum_add_values", MOOD "CREATE TABLE t (id int, m mood DEFAULT 'ok')",
     "CREATE TYPE mood AS ENUM ('awful', 'sad', 'meh', 'ok', 'happy', 'ecstatic'); CREATE TABLE t (id int, m mood "
     "DEFAULT 'ok')",
     "INSERT INTO t VALUES (1, 'sad'), (2, 'happy'), (3, NULL)"},
    {"enum_remove_value",
     MOOD "CREATE TABLE t (id int, m mood NOT NULL DEFAULT 'ok', ms mood[])",
     "CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE TABLE t (id int, m mood NOT NULL DEFAULT 'ok', ms mood[])",
     "INSERT INTO t VALUES (1, 'sad', '{ok,sad}'), (2, 'ok', NULL)",
     {},
     "SELECT m, ms FROM t ORDER BY id",
     {"sad|{ok,sad}", "ok|NULL"}},
    {"enum_reorder_under_view",
     MOOD "CREATE TABLE t (id int, m mood); CREATE VIEW happy AS SELECT id FROM t WHERE m = 'happy'",
     "CREATE TYPE mood AS ENUM ('happy', 'ok', 'sad'); CREATE TABLE t (id int, m mood);"
     "CREATE VIEW happy AS SELECT id FROM t WHERE m = 'happy'",
     "INSERT INTO t VALUES (1, 'happy'), (2, 'sad')"},
    {"enum_column_to_text",
     MOOD "CREATE TABLE t (id int, m mood)",
     "CREATE TABLE t (id int, m text)",
     "INSERT INTO t VALUES (1, 'ok')",
     {},
     "SELECT m FROM t",
     {"ok"}},

    // ---- domains
    {"domain_create", "CREATE TABLE t (id int)",
     "CREATE DOMAIN posint AS int CHECK (VALUE > 0); CREATE TABLE t (id int, qty posint)", "INSERT INTO t VALUES (1)"},
    {"domain_alter", "CREATE DOMAIN code AS text CONSTRAINT short CHECK (length(VALUE) < 10); CREATE TABLE t (c code)",
     "CREATE DOMAIN code AS text DEFAULT 'x' NOT NULL CONSTRAINT short CHECK (length(VALUE) < 20)"
     " CONSTRAINT upper CHECK (VALUE = upper(VALUE)); CREATE TABLE t (c code)",
     "INSERT INTO t VALUES ('AB')"},
    {"domain_base_type_change",
     "CREATE DOMAIN amount AS int CHECK (VALUE >= 0); CREATE TABLE t (id int, a amount)",
     "CREATE DOMAIN amount AS bigint CHECK (VALUE >= 0); CREATE TABLE t (id int, a amount)",
     "INSERT INTO t VALUES (1, 5)",
     {},
     "SELECT a FROM t",
     {"5"}},

    // ---- routines and triggers
    {"function_create", USERS, USERS FN_NORM, USER_ROWS},
    {"function_replace_body", USERS FN_NORM,
     USERS "CREATE FUNCTION norm(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT upper(trim(t)) $$;",
     USER_ROWS},
    {"function_return_type_change_under_view", USERS FN_NORM "CREATE VIEW normed AS SELECT norm(email) AS e FROM users",
     USERS "CREATE FUNCTION norm(t text) RETURNS varchar LANGUAGE sql IMMUTABLE AS $$ SELECT lower(t) $$;"
           "CREATE VIEW normed AS SELECT norm(email) AS e FROM users",
     USER_ROWS},
    {"function_used_by_index", USERS, USERS FN_NORM "CREATE INDEX users_norm ON users (norm(email))", USER_ROWS},
    {"function_used_by_new_table_check", "",
     FN_NORM "CREATE TABLE tags (t text CHECK (norm(t) = t) DEFAULT norm(' X '));"
             "CREATE FUNCTION tag_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM tags $$"},
    {"procedure_create", "",
     "CREATE TABLE log (msg text);"
     "CREATE PROCEDURE say(m text) LANGUAGE sql AS $$ INSERT INTO log VALUES (m) $$"},
    {"trigger_create", USERS,
     USERS TRG_FN "CREATE TRIGGER users_touch BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION touch()", USER_ROWS},
    {"function_and_trigger_drop",
     USERS TRG_FN "CREATE TRIGGER users_touch BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION touch()", USERS,
     USER_ROWS},
    {"trigger_change",
     USERS TRG_FN "CREATE TRIGGER users_touch BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION touch()",
     USERS TRG_FN "CREATE TRIGGER users_touch BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch()",
     USER_ROWS},

    // ---- comments
    {"comments", USERS "COMMENT ON TABLE users IS 'people'; COMMENT ON COLUMN users.email IS 'old'",
     USERS "COMMENT ON COLUMN users.email IS 'new'; COMMENT ON COLUMN users.name IS 'it''s'", USER_ROWS},
    {"comments_on_recreated_view", ORDERS "CREATE VIEW v AS SELECT id, total FROM orders; COMMENT ON VIEW v IS 'kept'",
     "CREATE TABLE orders (id int PRIMARY KEY, total bigint, note text);"
     "CREATE VIEW v AS SELECT id, total FROM orders; COMMENT ON VIEW v IS 'kept'",
     ORDER_ROWS},

    // ---- partitions
    {"partitioned_table_create", "", EVENTS EVENTS_2024 EVENTS_2025 "CREATE INDEX events_at ON events (at)"},
    {"partition_add", EVENTS EVENTS_2024, EVENTS EVENTS_2024 EVENTS_2025, EVENT_ROWS},
    {"partition_bound_change", EVENTS EVENTS_2024,
     EVENTS "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO ('2025-01-01')",
     EVENT_ROWS},
    {"partition_by_change", EVENTS EVENTS_2024,
     "CREATE TABLE events (id int, at date NOT NULL, what text) PARTITION BY LIST (what)"},
    {"partition_attach_standalone_table",
     EVENTS EVENTS_2024 "CREATE TABLE events_2025 (id int, at date NOT NULL, what text)",
     EVENTS EVENTS_2024 EVENTS_2025, EVENT_ROWS "INSERT INTO events_2025 VALUES (3, '2025-02-02', 'c')"},
    {"partitioned_index_add", EVENTS EVENTS_2024 EVENTS_2025,
     EVENTS EVENTS_2024 EVENTS_2025 "CREATE INDEX events_what ON events (what)", EVENT_ROWS},
    {"partition_own_column_options", EVENTS EVENTS_2024 EVENTS_2025,
     EVENTS EVENTS_2024 "CREATE TABLE events_2025 PARTITION OF events (what WITH OPTIONS NOT NULL DEFAULT 'x',"
                        " id WITH OPTIONS DEFAULT 0) FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
     EVENT_ROWS},
    {"partitioned_parent_add_column", EVENTS EVENTS_2024,
     "CREATE TABLE events (id int, at date NOT NULL, what text, who text) PARTITION BY RANGE (at);" EVENTS_2024,
     EVENT_ROWS},

    // ---- renames (hints)
    {"rename_table",
     USERS "CREATE INDEX users_name ON users (name)",
     "CREATE TABLE people (id int PRIMARY KEY, email text, name text); CREATE INDEX users_name ON people (name)",
     USER_ROWS,
     {{"", "users", "people"}}},
    {"rename_column_under_view_and_index",
     USERS "CREATE INDEX users_email ON users (email); CREATE VIEW v AS SELECT email FROM users",
     "CREATE TABLE users (id int PRIMARY KEY, mail text, name text); CREATE INDEX users_email ON users (mail);"
     "CREATE VIEW v AS SELECT mail FROM users; COMMENT ON COLUMN users.mail IS 'where to write'",
     USER_ROWS,
     {{"users", "email", "mail"}}},
    {"rename_column_used_by_expressions",
     "CREATE TABLE t (id int, price int CHECK (price >= 0), qty int, total int GENERATED ALWAYS AS (price * qty) "
     "STORED);"
     "CREATE INDEX t_price ON t ((price * 2)) WHERE price > 0;" TRG_FN
     "CREATE TRIGGER t_touch BEFORE UPDATE OF price ON t FOR EACH ROW EXECUTE FUNCTION touch()",
     "CREATE TABLE t (id int, cost int CHECK (cost >= 0), qty int, total int GENERATED ALWAYS AS (cost * qty) STORED);"
     "ALTER TABLE t RENAME CONSTRAINT t_cost_check TO t_price_check;"
     "CREATE INDEX t_price ON t ((cost * 2)) WHERE cost > 0;" TRG_FN
     "CREATE TRIGGER t_touch BEFORE UPDATE OF cost ON t FOR EACH ROW EXECUTE FUNCTION touch()",
     "INSERT INTO t VALUES (1, 3, 4)",
     {{"t", "price", "cost"}},
     "SELECT total FROM t",
     {"12"}},
    {"rename_table_and_column_with_foreign_key",
     PARENT_CHILD "ALTER TABLE child ADD FOREIGN KEY (pid) REFERENCES parent",
     "CREATE TABLE parent (id int PRIMARY KEY, code text UNIQUE); CREATE TABLE kid (id int PRIMARY KEY, parent_id int);"
     "ALTER TABLE kid ADD CONSTRAINT child_pid_fkey FOREIGN KEY (parent_id) REFERENCES parent",
     PC_ROWS,
     {{"", "child", "kid"}, {"kid", "pid", "parent_id"}}},

    {"rename_table_under_view",
     USERS "CREATE VIEW v AS SELECT id, name FROM users",
     "CREATE TABLE people (id int PRIMARY KEY, email text, name text); CREATE VIEW v AS SELECT id, name FROM people",
     USER_ROWS,
     {{"", "users", "people"}}},

    // ---- drops that others depend on
    {"drop_column_referenced_by_foreign_key", PARENT_CHILD "ALTER TABLE child ADD c text REFERENCES parent (code)",
     "CREATE TABLE parent (id int PRIMARY KEY); CREATE TABLE child (id int PRIMARY KEY, pid int)", PC_ROWS},
    {"drop_table_under_view_and_foreign_key",
     PARENT_CHILD
     "ALTER TABLE child ADD FOREIGN KEY (pid) REFERENCES parent; CREATE VIEW codes AS SELECT code FROM parent",
     // (no child row points at a parent: the way back recreates parent empty)
     "CREATE TABLE child (id int PRIMARY KEY, pid int)",
     "INSERT INTO parent VALUES (1, 'a'); INSERT INTO child VALUES (10, NULL)"},
    {"drop_enum_with_its_column", MOOD "CREATE TABLE t (id int, m mood DEFAULT 'ok')", "CREATE TABLE t (id int)",
     "INSERT INTO t VALUES (1, 'sad')"},

    // ---- what pg_dump writes and the model did not (issue 13); each pair
    // runs both ways, with rows where a rewrite or a cast could lose them.
    {"primary_key_becomes_deferrable", "CREATE TABLE t (id int PRIMARY KEY, v text)",
     "CREATE TABLE t (id int PRIMARY KEY DEFERRABLE INITIALLY DEFERRED, v text)", "INSERT INTO t VALUES (1, 'a'), (2, 'b')"},
    {"unique_becomes_deferrable", PARENT_CHILD "ALTER TABLE child ADD FOREIGN KEY (pid) REFERENCES parent",
     "CREATE TABLE parent (id int PRIMARY KEY, code text UNIQUE DEFERRABLE);"
     "CREATE TABLE child (id int PRIMARY KEY, pid int REFERENCES parent)",
     PC_ROWS},
    {"unique_initially_deferred", USERS "ALTER TABLE users ADD CONSTRAINT u_email UNIQUE (email)",
     USERS "ALTER TABLE users ADD CONSTRAINT u_email UNIQUE (email) DEFERRABLE INITIALLY DEFERRED", USER_ROWS},
    {"table_becomes_unlogged", PARENT_CHILD "ALTER TABLE child ADD FOREIGN KEY (pid) REFERENCES parent",
     "CREATE TABLE parent (id int PRIMARY KEY, code text UNIQUE); CREATE UNLOGGED TABLE child (id int PRIMARY KEY, pid "
     "int)",
     PC_ROWS},
    {"unlogged_table_create", "", "CREATE UNLOGGED TABLE cache (k text PRIMARY KEY, v jsonb)"},
    {"row_level_security_enabled", USERS, USERS "ALTER TABLE users ENABLE ROW LEVEL SECURITY", USER_ROWS},
    {"row_level_security_forced", USERS "ALTER TABLE users ENABLE ROW LEVEL SECURITY",
     USERS "ALTER TABLE users ENABLE ROW LEVEL SECURITY; ALTER TABLE users FORCE ROW LEVEL SECURITY", USER_ROWS},
    {"policy_restrictive_create", USERS "ALTER TABLE users ENABLE ROW LEVEL SECURITY",
     USERS "ALTER TABLE users ENABLE ROW LEVEL SECURITY;"
           "CREATE POLICY only_named ON users AS RESTRICTIVE FOR SELECT TO PUBLIC USING (name IS NOT NULL);"
           "CREATE POLICY own ON users FOR INSERT TO pg_monitor WITH CHECK (email LIKE '%@x.io')",
     USER_ROWS},
    {"policy_change", USERS "CREATE POLICY p ON users FOR SELECT USING (id > 0)",
     USERS "CREATE POLICY p ON users FOR UPDATE USING (id > 1) WITH CHECK (id > 2); COMMENT ON POLICY p ON users IS 'p'",
     USER_ROWS},
    {"policy_on_dropped_column", USERS "CREATE POLICY p ON users USING (email IS NOT NULL)",
     "CREATE TABLE users (id int PRIMARY KEY, name text); CREATE POLICY p ON users USING (name IS NOT NULL)",
     USER_ROWS},
    {"column_gets_new_collation", USERS,
     "CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);"
     "CREATE TABLE users (id int PRIMARY KEY, email text COLLATE ci, name text);"
     "COMMENT ON COLLATION ci IS 'case-insensitive'",
     USER_ROWS,
     {},
     "SELECT count(*) FROM users WHERE email = 'a@X.IO'",
     {"1"}},
    {"collation_libc_and_schema", "CREATE SCHEMA app; CREATE TABLE app.t (id int, s text)",
     "CREATE SCHEMA app; CREATE COLLATION app.c_bin (provider = libc, locale = 'C');"
     "CREATE TABLE app.t (id int, s text COLLATE app.c_bin)",
     "INSERT INTO app.t VALUES (1, 'b'), (2, 'a')"},
    {"inherits_create", "CREATE TABLE base (id int, name text)",
     "CREATE TABLE base (id int, name text); CREATE TABLE child (extra int) INHERITS (base);"
     "CREATE TABLE grandchild (more text) INHERITS (child)",
     "INSERT INTO base VALUES (1, 'a')"},
    {"inherits_parent_gets_column",
     "CREATE TABLE base (id int, name text); CREATE TABLE child (extra int) INHERITS (base)",
     "CREATE TABLE base (id int, name text, at date); CREATE TABLE child (extra int) INHERITS (base)",
     "INSERT INTO base VALUES (1, 'a'); INSERT INTO child VALUES (2, 'b', 3)"},
    {"check_no_inherit", "CREATE TABLE base (id int, CONSTRAINT pos CHECK (id > 0))",
     "CREATE TABLE base (id int, CONSTRAINT pos CHECK (id > 0) NO INHERIT)", "INSERT INTO base VALUES (1)"},
    {"enum_to_enum_column",
     "CREATE TYPE e1 AS ENUM ('a', 'b'); CREATE TYPE e2 AS ENUM ('a', 'b', 'c'); CREATE TABLE t (id int, v e1 DEFAULT "
     "'a')",
     "CREATE TYPE e1 AS ENUM ('a', 'b'); CREATE TYPE e2 AS ENUM ('a', 'b', 'c'); CREATE TABLE t (id int, v e2 DEFAULT "
     "'b')",
     "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, NULL)",
     {},
     "SELECT v FROM t ORDER BY id",
     {"a", "b", "NULL"}},
    {"serial_to_bigserial", "CREATE TABLE t (id serial PRIMARY KEY, v text)",
     "CREATE TABLE t (id bigserial PRIMARY KEY, v text)", "INSERT INTO t (v) VALUES ('a'), ('b')"},
    {"serial_replaces_plain_sequence",
     "CREATE SEQUENCE t_id_seq; CREATE TABLE t (id int DEFAULT nextval('t_id_seq'), v text)",
     "CREATE TABLE t (id serial, v text)", "INSERT INTO t (v) VALUES ('a'), ('b')"},
    {"serial_table_renamed", "CREATE TABLE users (id serial PRIMARY KEY, v text)",
     "CREATE TABLE people (id serial PRIMARY KEY, v text)", "INSERT INTO users (v) VALUES ('a')",
     {{"", "users", "people"}}},
    {"serial_sequence_options", "CREATE TABLE t (id serial, v text)",
     "CREATE TABLE t (id serial, v text); ALTER SEQUENCE t_id_seq START WITH 100 CACHE 10",
     "INSERT INTO t (v) VALUES ('a')"},
    {"sequence_options", "CREATE SEQUENCE s",
     "CREATE SEQUENCE s MINVALUE 5 MAXVALUE 500 START WITH 10 CACHE 20 CYCLE; COMMENT ON SEQUENCE s IS 'n'"},
    {"identity_sequence_options", "CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY, v text)",
     "CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY (START WITH 100 INCREMENT BY 10), v text)",
     "INSERT INTO t (v) VALUES ('a')"},
    {"table_storage_options", ORDERS, "CREATE TABLE orders (id int PRIMARY KEY, total int, note text) WITH (fillfactor = 70, "
                                      "autovacuum_enabled = false)",
     ORDER_ROWS},
    {"column_storage_compression_statistics", ORDERS,
     ORDERS "ALTER TABLE orders ALTER COLUMN note SET STORAGE EXTERNAL; ALTER TABLE orders ALTER COLUMN note SET "
            "COMPRESSION pglz; ALTER TABLE orders ALTER COLUMN total SET STATISTICS 500",
     ORDER_ROWS},
    {"view_check_option_and_barrier", USERS "CREATE VIEW named AS SELECT id, name FROM users WHERE name IS NOT NULL",
     USERS "CREATE VIEW named WITH (security_barrier) AS SELECT id, name FROM users WHERE name IS NOT NULL WITH LOCAL "
           "CHECK OPTION",
     USER_ROWS},
    {"view_security_invoker", USERS "CREATE VIEW v AS SELECT id FROM users",
     USERS "CREATE VIEW v WITH (security_invoker = true) AS SELECT id FROM users WITH CASCADED CHECK OPTION", USER_ROWS},
    {"trigger_disabled",
     USERS TRG_FN "CREATE TRIGGER users_touch BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION touch()",
     USERS TRG_FN "CREATE TRIGGER users_touch BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION touch();"
                  "ALTER TABLE users DISABLE TRIGGER users_touch",
     USER_ROWS},
    {"trigger_enable_always", USERS TRG_FN,
     USERS TRG_FN "CREATE TRIGGER users_touch BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION touch();"
                  "ALTER TABLE users ENABLE ALWAYS TRIGGER users_touch",
     USER_ROWS},
    {"composite_type_create_and_use", "CREATE TABLE t (id int)",
     "CREATE TYPE pair AS (a int, b text COLLATE \"C\"); CREATE TABLE t (id int, p pair); COMMENT ON TYPE pair IS 'two'",
     "INSERT INTO t VALUES (1)"},
    {"composite_type_attribute_added", "CREATE TYPE pair AS (a int, b text); CREATE TABLE t (id int, p pair)",
     "CREATE TYPE pair AS (a int, b text, c date); CREATE TABLE t (id int, p pair)",
     "INSERT INTO t VALUES (1, ROW(1, 'x'))",
     {},
     "SELECT (p).b FROM t",
     {"x"}},
    {"cluster_on_and_replica_identity", USERS "CREATE INDEX users_name ON users (name)",
     USERS "CREATE UNIQUE INDEX users_email ON users (email); ALTER TABLE users ALTER COLUMN email SET NOT NULL;"
           "CREATE INDEX users_name ON users (name); ALTER TABLE users CLUSTER ON users_name;"
           "ALTER TABLE users REPLICA IDENTITY USING INDEX users_email",
     "INSERT INTO users VALUES (1, 'a@x.io', 'ann'), (2, 'b@x.io', NULL)"},
    {"replica_identity_full", USERS, USERS "ALTER TABLE users REPLICA IDENTITY FULL", USER_ROWS},

    // ---- whole schemas
    {"create_everything", "", EVERYTHING},
    {"drop_everything", EVERYTHING, "",
     "INSERT INTO app.accounts (qty, room, during) VALUES (1, 1, '[2024-01-01,2024-01-02)')"},
};

INSTANTIATE_TEST_SUITE_P(Postgres, PgDiffCorpus, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<PgDiffCase>& info) { return std::string(info.param.name); });

// A table leaves its parent (NO INHERIT: pg_dump-equal to the table created
// plain), and comes back (INHERIT): PostgreSQL then keeps the columns the table
// declared as its own, which pg_dump shows and no DDL undoes. The diff says so
// in a note instead of claiming the schemas are equal, and nothing else differs.
TEST(PgDiffInheritance, TableThatLeavesAndRejoinsItsParent) {
  const char* kChild = "CREATE TABLE base (id int, name text); CREATE TABLE child (extra int) INHERITS (base)";
  const char* kPlain = "CREATE TABLE base (id int, name text); CREATE TABLE child (id int, name text, extra int)";
  testing::ScopedPgDatabase db, db_b;
  ASSERT_TRUE(db.ok() && db_b.ok());
  auto conn = Load(db.url(), kChild);
  auto conn_b = Load(db_b.url(), kPlain);
  ASSERT_TRUE(conn.ok() && conn_b.ok());
  ASSERT_TRUE((*conn)->ExecScript("INSERT INTO base VALUES (1, 'a'); INSERT INTO child VALUES (2, 'b', 3)").ok());
  auto dumps = testing::PgDumpSchemas({db.url(), db_b.url()});
  ASSERT_TRUE(dumps[0].ok() && dumps[1].ok());
  auto a = (*conn)->InspectSchema(testing::TrackingTables());
  auto b = (*conn_b)->InspectSchema(testing::TrackingTables());
  ASSERT_TRUE(a.ok() && b.ok());

  std::string sql;
  auto forward = Migrate(**conn, *a, *b, {}, &sql);
  ASSERT_TRUE(forward.ok()) << forward.status().ToString() << sql;
  EXPECT_NE(sql.find("NO INHERIT"), std::string::npos) << sql;
  auto dump_forward = testing::PgDumpSchema(db.url());
  ASSERT_TRUE(dump_forward.ok());
  EXPECT_EQ(*dump_forward, *dumps[1]) << testing::PgDumpDifference(*dumps[1], *dump_forward);
  EXPECT_EQ(testing::QueryRows(db.url(), "SELECT id, name, extra FROM child"), Strings{"2|b|3"});
  EXPECT_EQ(testing::QueryRows(db.url(), "SELECT count(*) FROM base"), Strings{"1"});

  schema::Diff back = schema::DiffSchemas(*forward, *a, schema::Dialect::kPostgres);
  ASSERT_EQ(back.notes.size(), 2u) << schema::RenderMigration(back);
  EXPECT_NE(back.notes[0].find("column child.id stays declared by child"), std::string::npos) << back.notes[0];
  EXPECT_NE(schema::RenderMigration(back).find("-- strata: note: column child.name stays declared"), std::string::npos);
  ASSERT_TRUE((*conn)->ExecScript(schema::RenderStatements(back)).ok());
  EXPECT_EQ(testing::QueryRows(db.url(), "SELECT count(*) FROM base"), Strings{"2"});
  auto dump_back = testing::PgDumpSchema(db.url());
  ASSERT_TRUE(dump_back.ok());
  // Only the child's own column list differs: id and name stay its own.
  std::string difference = testing::PgDumpDifference(*dumps[0], *dump_back);
  EXPECT_EQ(difference,
            "- CREATE TABLE public.child (\n    extra integer\n)\nINHERITS (public.base);\n"
            "ALTER TABLE public.child OWNER TO postgres;\n"
            "+ CREATE TABLE public.child (\n    extra integer\n    id integer\n    name text\n)\nINHERITS (public.base);\n"
            "ALTER TABLE public.child OWNER TO postgres;\n");
}

TEST(PgDiffCorpusSize, HasAtLeastSixtyPairs) { EXPECT_GE(std::size(kCases), 60u); }

}  // namespace
}  // namespace strata
