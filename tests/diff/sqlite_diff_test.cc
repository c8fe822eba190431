// The SQLite diff corpus. Each case is a pair of schemas (A, B) and seed rows
// for A. On a real SQLite file: load A, seed it, apply DiffSchemas(A, B) the
// way the runner does (foreign keys off around the transaction when the diff
// asks, PRAGMA foreign_key_check before COMMIT), inspect: the schema must
// equal B loaded into a database of its own, and the rows of the columns
// both schemas have must be unchanged. Then the same back from B to A.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "driver/open.h"
#include "schema/diff.h"
#include "schema/render_sqlite.h"
#include "testing/schema_corpus.h"
#include "testing/test_support.h"

namespace strata {
namespace {

using schema::Diff;
using schema::Schema;
using Strings = std::vector<std::string>;

struct Case {
  const char* name;
  const char* a;
  const char* b;
  const char* seed = "";    // rows for A
  Strings renames = {};     // A -> B hints as --rename takes them ("t=u", "t.a=b")
  Strings unchecked = {};   // "table.column" (A's names) whose values change by design
  std::vector<std::pair<std::string, Strings>> after = {};  // query -> rows ('|'-joined), after A -> B
  std::function<void(const Diff&)> check = nullptr;          // more expectations on DiffSchemas(A, B)
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

// ---------------------------------------------------------------------------
// The shared helper: everything a case needs, so that each case is just data.

class Db {
 public:
  explicit Db(const std::string& path) {
    auto conn = driver::Open("sqlite:" + path, {});
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    if (conn.ok()) conn_ = std::move(*conn);
    // Durability is not under test; fsyncs would make the corpus slow.
    if (conn_) {
      EXPECT_TRUE(conn_->ExecScript("PRAGMA synchronous = OFF").ok());
    }
  }
  driver::Connection& conn() { return *conn_; }
  bool ok() const { return conn_ != nullptr; }

  ::testing::AssertionResult Exec(const std::string& sql) {
    Status s = conn_->ExecScript(sql);
    if (s.ok()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << s.ToString() << "\nin:\n" << sql;
  }
  Strings Rows(const std::string& sql) {
    auto rows = conn_->Query(sql);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString() << "\nin: " << sql;
    Strings out;
    if (!rows.ok()) return out;
    for (const auto& r : rows->rows) {
      std::string line;
      for (size_t i = 0; i < r.size(); ++i) line += (i ? "|" : "") + r[i].value_or("NULL");
      out.push_back(line);
    }
    return out;
  }
  Result<Schema> Inspect() { return conn_->InspectSchema(testing::TrackingTables()); }

  // Applies a diff as the runner will: PRAGMA foreign_keys=OFF outside the
  // transaction when the diff asks, BEGIN, the statements, an empty
  // PRAGMA foreign_key_check, COMMIT, foreign keys back on.
  ::testing::AssertionResult Apply(const Diff& diff) {
    if (diff.foreign_keys_off && !Exec("PRAGMA foreign_keys = OFF")) return ::testing::AssertionFailure();
    Status s = conn_->Begin();
    if (s.ok()) s = conn_->ExecScript(schema::RenderStatements(diff));
    if (!s.ok()) {
      (void)conn_->Rollback();
      (void)conn_->ExecScript("PRAGMA foreign_keys = ON");
      return ::testing::AssertionFailure() << s.ToString() << "\nmigration:\n" << schema::RenderMigration(diff);
    }
    Strings violations = Rows("PRAGMA foreign_key_check");
    if (!violations.empty()) {
      (void)conn_->Rollback();
      (void)conn_->ExecScript("PRAGMA foreign_keys = ON");
      return ::testing::AssertionFailure() << "foreign_key_check: " << violations[0] << "\nmigration:\n"
                                           << schema::RenderMigration(diff);
    }
    s = conn_->Commit();
    if (s.ok()) s = conn_->ExecScript("PRAGMA foreign_keys = ON");
    if (!s.ok()) return ::testing::AssertionFailure() << s.ToString();
    return ::testing::AssertionSuccess();
  }

 private:
  std::unique_ptr<driver::Connection> conn_;
};

Result<Schema> LoadAndInspect(const testing::TempDir& dir, const std::string& file, const std::string& sql) {
  Db db(dir.Path(file));
  if (!db.ok()) return Status::Internal("open " + file);
  Status s = db.conn().ExecScript(sql);
  if (!s.ok()) return s;
  return db.Inspect();
}

schema::DiffOptions Hints(const Strings& texts, bool reverse) {
  schema::DiffOptions options;
  for (const auto& t : texts) {
    schema::Rename r;
    EXPECT_TRUE(schema::ParseRename(t, &r)) << t;
    if (reverse) std::swap(r.from, r.to);
    options.renames.push_back(r);
  }
  return options;
}

// The columns a table keeps from A to B: (A table, B table, [(A col, B col)]),
// plain (not generated) on both sides and not `unchecked`.
struct Kept {
  std::string a_table, b_table;
  std::vector<std::pair<std::string, std::string>> columns;
};

std::vector<Kept> KeptColumns(const Schema& a, const Schema& b, const Case& c) {
  std::map<std::string, std::string> tables;
  std::map<std::string, std::map<std::string, std::string>> columns;  // A table -> A col -> B col
  for (const auto& text : c.renames) {
    schema::Rename r;
    if (!schema::ParseRename(text, &r)) continue;
    if (r.table.empty()) {
      tables[r.from] = r.to;
    } else {
      columns[r.table][r.from] = r.to;
    }
  }
  std::vector<Kept> out;
  for (const auto& ta : a.tables) {
    std::string b_name = tables.count(ta.name) ? tables[ta.name] : ta.name;
    const schema::Table* tb = b.FindTable(b_name);
    if (!tb) continue;
    Kept k{ta.name, b_name, {}};
    for (const auto& col : ta.columns) {
      std::string b_col = col.name;
      for (const auto& key : {ta.name, b_name}) {
        if (columns[key].count(col.name)) b_col = columns[key][col.name];
      }
      const schema::Column* cb = tb->FindColumn(b_col);
      bool skip = std::find(c.unchecked.begin(), c.unchecked.end(), ta.name + "." + col.name) != c.unchecked.end();
      if (cb && !cb->generated_expr && !col.generated_expr && !skip) k.columns.push_back({col.name, b_col});
    }
    if (!k.columns.empty()) out.push_back(std::move(k));
  }
  return out;
}

// Rows of the kept columns, sorted (a type change may change ORDER BY).
std::map<std::string, Strings> Snapshot(Db& db, const std::vector<Kept>& kept, bool b_names) {
  std::map<std::string, Strings> out;
  for (const auto& k : kept) {
    std::string select;
    for (const auto& [ca, cb] : k.columns) select += (select.empty() ? "" : ", ") + schema::QuoteIdent(b_names ? cb : ca);
    Strings rows = db.Rows("SELECT " + select + " FROM " + schema::QuoteIdent(b_names ? k.b_table : k.a_table));
    std::sort(rows.begin(), rows.end());
    out[k.a_table] = rows;
  }
  return out;
}

void ExpectSame(const Schema& got, const Schema& want, const Diff& diff, const char* direction) {
  EXPECT_TRUE(got == want) << direction << ": schema after the migration differs\n--- got:\n"
                           << schema::RenderSqlite(got) << "--- want:\n"
                           << schema::RenderSqlite(want) << "--- migration:\n"
                           << schema::RenderMigration(diff);
}

void RunCase(const Case& c) {
  testing::TempDir dir;
  auto a = LoadAndInspect(dir, "a.db", c.a);
  ASSERT_TRUE(a.ok()) << "A: " << a.status().ToString();
  auto b = LoadAndInspect(dir, "b.db", c.b);
  ASSERT_TRUE(b.ok()) << "B: " << b.status().ToString();
  ASSERT_FALSE(*a == *b) << "A and B are the same schema";
  EXPECT_TRUE(schema::DiffSchemas(*a, *a, schema::Dialect::kSqlite).empty()) << "diff(A, A) is not empty";
  EXPECT_TRUE(schema::DiffSchemas(*b, *b, schema::Dialect::kSqlite).empty()) << "diff(B, B) is not empty";

  Db db(dir.Path("live.db"));
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(db.Exec(c.a));
  ASSERT_TRUE(db.Exec(c.seed));
  std::vector<Kept> kept = KeptColumns(*a, *b, c);
  auto before = Snapshot(db, kept, false);

  // A -> B
  Diff forward = schema::DiffSchemas(*a, *b, schema::Dialect::kSqlite, Hints(c.renames, false));
  ASSERT_FALSE(forward.empty());
  if (c.check) c.check(forward);
  ASSERT_TRUE(db.Apply(forward));
  auto live_b = db.Inspect();
  ASSERT_TRUE(live_b.ok()) << live_b.status().ToString();
  ExpectSame(*live_b, *b, forward, "A -> B");
  EXPECT_EQ(Snapshot(db, kept, true), before) << "rows changed A -> B\n" << schema::RenderMigration(forward);
  for (const auto& [query, rows] : c.after) EXPECT_EQ(db.Rows(query), rows) << query;

  // B -> A
  Diff back = schema::DiffSchemas(*live_b, *a, schema::Dialect::kSqlite, Hints(c.renames, true));
  ASSERT_FALSE(back.empty());
  ASSERT_TRUE(db.Apply(back));
  auto live_a = db.Inspect();
  ASSERT_TRUE(live_a.ok()) << live_a.status().ToString();
  ExpectSame(*live_a, *a, back, "B -> A");
  auto again = Snapshot(db, kept, false);
  // Backfilled NULLs stay backfilled on the way back; only kept columns compare.
  EXPECT_EQ(again, before) << "rows changed B -> A\n" << schema::RenderMigration(back);
}

// Expectations on the diff, for `check`.
bool HasStatement(const Diff& d, const std::string& prefix) {
  for (const auto& c : d.changes) {
    for (const auto& s : c.statements) {
      if (s.rfind(prefix, 0) == 0) return true;
    }
  }
  return false;
}
bool HasSummary(const Diff& d, const std::string& text) {
  for (const auto& c : d.changes) {
    if (c.summary.find(text) != std::string::npos) return true;
  }
  return false;
}
auto Alters() {
  return [](const Diff& d) {
    EXPECT_FALSE(d.foreign_keys_off) << schema::RenderMigration(d);
    EXPECT_FALSE(HasStatement(d, "CREATE TABLE \"new_")) << schema::RenderMigration(d);
  };
}
auto Rebuilds(std::string summary = "") {
  return [summary](const Diff& d) {
    EXPECT_TRUE(d.foreign_keys_off);
    EXPECT_TRUE(HasStatement(d, "CREATE TABLE \"new_")) << schema::RenderMigration(d);
    if (!summary.empty()) {
      EXPECT_TRUE(HasSummary(d, summary)) << summary << "\n" << schema::RenderMigration(d);
    }
  };
}
auto Destructive(std::string reason) {
  return [reason](const Diff& d) {
    bool found = false;
    for (const auto& c : d.changes) found = found || (c.destructive && c.destructive_reason.find(reason) != std::string::npos);
    EXPECT_TRUE(found) << reason << "\n" << schema::RenderMigration(d);
  };
}
auto NotDestructive() {
  return [](const Diff& d) {
    for (const auto& c : d.changes) EXPECT_FALSE(c.destructive) << c.summary << ": " << c.destructive_reason;
  };
}
template <typename... F>
std::function<void(const Diff&)> All(F... checks) {
  return [=](const Diff& d) { (checks(d), ...); };
}

// Shared starting points.
#define USERS "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INT);"
#define USERS_SEED "INSERT INTO users VALUES (1, 'ann', 31), (2, 'bob', NULL), (3, 'cy', 7);"

const Case kCases[] = {
    // --- tables
    {.name = "create_table",
     .a = USERS,
     .b = USERS "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INT REFERENCES users (id), total REAL);",
     .seed = USERS_SEED,
     .check = All(Alters(), NotDestructive(),
                  [](const Diff& d) {
                    ASSERT_EQ(d.changes.size(), 1u);
                    EXPECT_EQ(d.changes[0].summary, "create table orders");
                  })},
    {.name = "drop_table_with_rows",
     .a = USERS "CREATE TABLE legacy (id INTEGER PRIMARY KEY, note TEXT); INSERT INTO legacy VALUES (1, 'x');",
     .b = USERS,
     .seed = USERS_SEED,
     .check = Destructive("drops table legacy and its rows")},
    {.name = "drop_parent_and_child_tables",
     .a = USERS "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (id INT, pid INT REFERENCES p (id));",
     .b = USERS,
     .seed = USERS_SEED "INSERT INTO p VALUES (1), (2); INSERT INTO c VALUES (1, 1), (2, 2);"},
    // A tree that references itself ON DELETE RESTRICT: with foreign keys on,
    // DROP TABLE deletes its rows one by one and fails on the first parent.
    {.name = "drop_self_referencing_tree_with_restrict",
     .a = "CREATE TABLE keep (x INT);"
          "CREATE TABLE category (id INTEGER PRIMARY KEY, parent_id INT REFERENCES category (id) ON DELETE RESTRICT);",
     .b = "CREATE TABLE keep (x INT);",
     .seed = "INSERT INTO keep VALUES (1); INSERT INTO category VALUES (1, NULL), (2, 1), (3, 2);",
     .after = {{"SELECT count(*) FROM keep", {"1"}}},
     .check = [](const Diff& d) { EXPECT_TRUE(d.foreign_keys_off) << schema::RenderMigration(d); }},
    {.name = "drop_tables_in_a_cycle",
     .a = "CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INT REFERENCES b (id));"
          "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INT REFERENCES a (id)); CREATE TABLE keep (x INT);",
     .b = "CREATE TABLE keep (x INT);",
     .seed = "PRAGMA foreign_keys = OFF; INSERT INTO a VALUES (1, 1); INSERT INTO b VALUES (1, 1);"
             "PRAGMA foreign_keys = ON; INSERT INTO keep VALUES (5);",
     .check = [](const Diff& d) { EXPECT_TRUE(d.foreign_keys_off); }},
    {.name = "create_and_drop_several",
     .a = "CREATE TABLE a (x INT); CREATE TABLE b (y TEXT); CREATE TABLE keep (k INT);",
     .b = "CREATE TABLE c (x INT, z BLOB); CREATE TABLE d (w REAL); CREATE TABLE keep (k INT);",
     .seed = "INSERT INTO a VALUES (1); INSERT INTO keep VALUES (1), (2);"},
    // Every column replaced and the table rebuilt (its primary key goes):
    // no column is copied, yet the rows stay, each with the new columns at
    // their defaults (fuzz/sqlite_rebuild_fuzz.cc, check mode with rows: the
    // rebuild copied nothing and emptied the table).
    {.name = "every_column_replaced_keeps_the_rows",
     .a = "CREATE TABLE flags (id INTEGER PRIMARY KEY, legacy TEXT); CREATE TABLE child (flag_id INT);",
     .b = "CREATE TABLE flags (enabled INT NOT NULL DEFAULT 1, note TEXT, twice INT AS (enabled * 2));"
          "CREATE TABLE child (flag_id INT);",
     .seed = "INSERT INTO flags VALUES (1, 'a'), (2, 'b'), (7, NULL); INSERT INTO child VALUES (1), (7);",
     .after = {{"SELECT count(*), min(enabled), max(enabled), min(twice), count(note) FROM flags", {"3|1|1|2|0"}},
               {"SELECT count(*) FROM child", {"2"}}},
     .check = Rebuilds("primary key: (id) -> none")},
    {.name = "every_column_replaced_without_rowid_keeps_the_rows",
     .a = "CREATE TABLE kv (k TEXT PRIMARY KEY DEFAULT (hex(randomblob(8))), v TEXT) WITHOUT ROWID;",
     .b = "CREATE TABLE kv (id INTEGER PRIMARY KEY, created TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);",
     .seed = "INSERT INTO kv VALUES ('a', '1'), ('b', '2');",
     .after = {{"SELECT count(*), count(DISTINCT id), count(created) FROM kv", {"2|2|2"}}},
     .check = Rebuilds("with rowid")},
    {.name = "untyped_column_gets_a_type",
     .a = "CREATE TABLE t (id INTEGER PRIMARY KEY, h);",
     .b = "CREATE TABLE t (id INTEGER PRIMARY KEY, h TEXT);",
     .seed = "INSERT INTO t VALUES (1, 'x'), (2, NULL);",
     .check = Rebuilds("type of h: (none) -> TEXT")},

    // Types SQLite stores unquoted (fuzz/sqlite_rebuild_fuzz.cc, check mode):
    // rendered bare, "primary key" would make a primary key and a quote
    // inside would break the statement.
    {.name = "types_that_are_not_type_names",
     .a = USERS,
     .b = USERS "CREATE TABLE odd (a \"primary key\", b \"not null\", c \"a\"\"b\", d '''''''''''', e \"my type\", f \"select\", g \", \", h \"$x\","
          " i \"generated\");",
     .seed = USERS_SEED,
     .check = Alters()},
    {.name = "type_that_is_not_a_type_name_on_rows",
     .a = "CREATE TABLE t (id INTEGER PRIMARY KEY, x INT);",
     .b = "CREATE TABLE t (id INTEGER PRIMARY KEY, x \"not null\");",
     .seed = "INSERT INTO t VALUES (1, 5), (2, NULL);",
     .after = {{"SELECT count(*) FROM t WHERE x IS NULL", {"1"}}},
     .check = Rebuilds("type of x: INT -> not null")},

    // SQLite's legacy bare-word default is a string, also when the word is
    // not ASCII (fuzz/sqlite_rebuild_fuzz.cc, check mode): in parentheses it
    // would be a column reference, which SQLite refuses.
    {.name = "bare_word_defaults_beyond_ascii",
     .a = "CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT);",
     .b = "CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT DEFAULT café, y TEXT DEFAULT naïve$1);",
     .seed = "INSERT INTO t (id, x) VALUES (1, 'a'), (2, NULL);",
     .after = {{"SELECT dflt_value FROM pragma_table_info('t') WHERE name = 'x'", {"café"}},
               {"SELECT y FROM t ORDER BY id", {"naïve$1", "naïve$1"}}},
     .check = Rebuilds("default of x: none -> café")},

    // A reference to a table the plan drops, spelled in another case than
    // it ("Users" against "users"), is not respelled: the respelled plan
    // would never reach B (fuzz/sqlite_rebuild_fuzz.cc, check mode).
    {.name = "reference_in_another_case_to_a_dropped_table",
     .a = "CREATE TABLE users (id INTEGER PRIMARY KEY); CREATE TABLE x (id INTEGER PRIMARY KEY);"
          "CREATE TABLE t (id INTEGER PRIMARY KEY, u INT REFERENCES x (id));",
     .b = "CREATE TABLE x (id INTEGER PRIMARY KEY); CREATE TABLE t (id INTEGER PRIMARY KEY, u INT REFERENCES Users (id));",
     .seed = "INSERT INTO users VALUES (1); INSERT INTO x VALUES (1), (2);",
     .after = {{"SELECT \"table\" FROM pragma_foreign_key_list('t')", {"Users"}}}},

    // The rebuild's new table must not take a name that a table, index or
    // view has in any case (fuzz/sqlite_rebuild_fuzz.cc, check mode).
    {.name = "rebuild_beside_names_like_its_temporary_table",
     .a = "CREATE TABLE t (id INTEGER PRIMARY KEY, x INT); CREATE TABLE New_T (y INT);"
          "CREATE INDEX new_t_2 ON New_T (y); CREATE VIEW NEW_T_3 AS SELECT 1;",
     .b = "CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT); CREATE TABLE New_T (y INT);"
          "CREATE INDEX new_t_2 ON New_T (y); CREATE VIEW NEW_T_3 AS SELECT 1;",
     .seed = "INSERT INTO t VALUES (1, 5), (2, 7); INSERT INTO New_T VALUES (9);",
     .after = {{"SELECT count(*) FROM New_T", {"1"}}},
     .check = Rebuilds("type of x: INT -> TEXT")},

    // A quoted name after DEFAULT is a string to SQLite, as a bare word is
    // (fuzz/sqlite_rebuild_fuzz.cc, check mode); a NOT NULL backfill uses it.
    {.name = "quoted_name_defaults",
     .a = "CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT);",
     .b = "CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT NOT NULL DEFAULT \"it's\", y TEXT DEFAULT `b``q`,"
          " z TEXT DEFAULT [s q]);",
     .seed = "INSERT INTO t (id, x) VALUES (1, 'a'), (2, NULL);",
     .unchecked = {"t.x"},
     .after = {{"SELECT x, y, z FROM t ORDER BY id", {"a|b`q|s q", "it's|b`q|s q"}}},
     .check = Rebuilds()},

    // SQLite keeps a trigger's table as written ("ON usErs"); the same
    // schema must give no change (fuzz/sqlite_rebuild_fuzz.cc, check mode).
    {.name = "trigger_on_a_table_named_in_another_case",
     .a = USERS "CREATE TABLE log (msg TEXT);",
     .b = USERS "CREATE TABLE log (msg TEXT);"
          "CREATE TRIGGER users_log AFTER UPDATE ON usErs BEGIN INSERT INTO log VALUES (new.name); END;"
          "CREATE INDEX users_age ON USERS (AGE);",
     .seed = USERS_SEED,
     .check = All(Alters(), NotDestructive())},

    // --- add column
    {.name = "add_column_nullable",
     .a = USERS,
     .b = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INT, email TEXT);",
     .seed = USERS_SEED,
     .check = All(Alters(), NotDestructive(),
                  [](const Diff& d) {
                    ASSERT_EQ(d.changes.size(), 1u);
                    EXPECT_EQ(d.changes[0].summary, "add column users.email");
                    EXPECT_EQ(d.changes[0].statements[0], "ALTER TABLE \"users\" ADD COLUMN \"email\" TEXT");
                  })},
    {.name = "add_column_not_null_with_default",
     .a = USERS,
     .b = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INT, score INT NOT NULL DEFAULT 0,"
          " status TEXT NOT NULL DEFAULT 'new', ratio REAL DEFAULT -1.5, tag DEFAULT active);",
     .seed = USERS_SEED,
     .after = {{"SELECT score, status, ratio, tag FROM users WHERE id = 1", {"0|new|-1.5|active"}}},
     .check = Alters()},
    {.name = "add_column_current_timestamp_rebuilds",
     .a = USERS,
     .b = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INT,"
          " created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);",
     .seed = USERS_SEED,
     .after = {{"SELECT count(*) FROM users WHERE created_at IS NOT NULL", {"3"}}},
     .check = Rebuilds("add column created_at")},
    {.name = "add_column_expression_default_rebuilds",
     .a = USERS,
     .b = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INT, n INT DEFAULT (1 + 2));",
     .seed = USERS_SEED,
     .after = {{"SELECT DISTINCT n FROM users", {"3"}}},
     .check = Rebuilds()},
    {.name = "add_column_collate",
     .a = USERS,
     .b = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INT, nick TEXT COLLATE NOCASE);",
     .seed = USERS_SEED,
     .check = Alters()},
    {.name = "add_column_references",
     .a = USERS "CREATE TABLE posts (id INTEGER PRIMARY KEY, body TEXT);",
     .b = USERS "CREATE TABLE posts (id INTEGER PRIMARY KEY, body TEXT,"
                " user_id INT REFERENCES users (id) ON DELETE CASCADE);",
     .seed = USERS_SEED "INSERT INTO posts VALUES (1, 'hi'), (2, 'yo');",
     .check = All(Alters(), [](const Diff& d) {
       EXPECT_TRUE(HasStatement(d, "ALTER TABLE \"posts\" ADD COLUMN \"user_id\" INT REFERENCES \"users\" (\"id\") ON DELETE CASCADE"))
           << schema::RenderMigration(d);
     })},
    {.name = "add_column_references_named_deferrable",
     .a = USERS "CREATE TABLE posts (id INTEGER PRIMARY KEY, body TEXT);",
     .b = USERS "CREATE TABLE posts (id INTEGER PRIMARY KEY, body TEXT,"
                " user_id INT CONSTRAINT posts_user REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED);",
     .seed = USERS_SEED "INSERT INTO posts VALUES (1, 'hi');",
     .check = Alters()},
    {.name = "add_column_in_the_middle_rebuilds",
     .a = USERS,
     .b = "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT NOT NULL, age INT);",
     .seed = USERS_SEED,
     .check = Rebuilds("add column email (not at the end)")},
    {.name = "add_not_null_column_to_empty_table",
     .a = "CREATE TABLE t (id INTEGER PRIMARY KEY);",
     .b = "CREATE TABLE t (id INTEGER PRIMARY KEY, code TEXT NOT NULL);",
     .check = Rebuilds("add column code: NOT NULL without a default, fails if t has rows")},

    // --- drop column
    {.name = "drop_column",
     .a = USERS,
     .b = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);",
     .seed = USERS_SEED,
     .check = All(Alters(), Destructive("drops column users.age and its values"),
                  [](const Diff& d) {
                    ASSERT_EQ(d.changes.size(), 1u);
                    EXPECT_EQ(d.changes[0].summary, "drop column users.age");
                  })},
    {.name = "drop_indexed_column",
     .a = USERS "CREATE INDEX users_age ON users (age);",
     .b = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);",
     .seed = USERS_SEED,
     .check = All(Alters(), [](const Diff& d) {
       ASSERT_EQ(d.changes.size(), 2u);
       EXPECT_EQ(d.changes[0].summary, "drop index users_age");
     })},
    {.name = "drop_unique_column_rebuilds",
     .a = "CREATE TABLE t (id INTEGER PRIMARY KEY, email TEXT UNIQUE, n INT);",
     .b = "CREATE TABLE t (id INTEGER PRIMARY KEY, n INT);",
     .seed = "INSERT INTO t VALUES (1, 'a@x', 1), (2, 'b@x', 2);",
     .check = All(Rebuilds("drop column email"), Destructive("drops column t.email"))},
    {.name = "drop_column_with_check_rebuilds",
     .a = "CREATE TABLE t (id INTEGER PRIMARY KEY, age INT CHECK (age >= 0), n INT);",
     .b = "CREATE TABLE t (id INTEGER PRIMARY KEY, n INT);",
     .seed = "INSERT INTO t VALUES (1, 3, 1);",
     .check = Rebuilds()},
    {.name = "drop_column_used_by_a_view",
     .a = USERS "CREATE VIEW adults AS SELECT id, name, age FROM users WHERE age >= 18;",
     .b = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
          "CREATE VIEW adults AS SELECT id, name FROM users;",
     .seed = USERS_SEED},
    {.name = "add_and_drop_columns",
     .a = "CREATE TABLE t (a INT, b TEXT, c REAL);",
     .b = "CREATE TABLE t (a INT, c REAL, d TEXT, e INT DEFAULT 7);",
     .seed = "INSERT INTO t VALUES (1, 'x', 1.5), (2, 'y', 2.5);",
     .check = Alters()},
    {.name = "replace_the_only_column",
     .a = "CREATE TABLE t (a INT);",
     .b = "CREATE TABLE t (b TEXT);",
     .seed = "INSERT INTO t VALUES (1);",
     .check = Alters()},

    // --- column definitions
    {.name = "type_change_integer_to_text",
     .a = USERS,
     .b = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age TEXT);",
     .seed = USERS_SEED,
     .after = {{"SELECT typeof(age) FROM users WHERE id = 1", {"text"}}},
     .check = All(Rebuilds("rebuild table users (type of age: INT -> TEXT)"),
                  Destructive("values of users.age may be converted (INT -> TEXT)"))},
    {.name = "type_change_same_affinity",
     .a = "CREATE TABLE t (id INTEGER PRIMARY KEY, s VARCHAR(10));",
     .b = "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT);",
     .seed = "INSERT INTO t VALUES (1, 'abc'), (2, NULL);",
     .check = All(Rebuilds(), NotDestructive())},
    {.name = "type_change_text_to_integer",
     .a = "CREATE TABLE t (id INTEGER PRIMARY KEY, n TEXT);",
     .b = "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER);",
     .seed = "INSERT INTO t VALUES (1, '12'), (2, 'abc'), (3, NULL);",
     .after = {{"SELECT typeof(n) FROM t ORDER BY id", {"integer", "text", "null"}}},
     .check = Destructive("values of t.n may be converted")},
    {.name = "type_change_to_real",
     .a = "CREATE TABLE t (id INTEGER PRIMARY KEY, price NUMERIC);",
     .b = "CREATE TABLE t (id INTEGER PRIMARY KEY, price REAL);",
     .seed = "INSERT INTO t VALUES (1, 1.5), (2, 3.25);"},
    {.name = "not_null_added_with_default_backfills",
     .a = USERS,
     .b = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INT NOT NULL DEFAULT 0);",
     .seed = USERS_SEED,
     .unchecked = {"users.age"},
     .after = {{"SELECT id, age FROM users ORDER BY id", {"1|31", "2|0", "3|7"}}},
     .check = All(Rebuilds("age: NOT NULL, NULLs become 0"), Destructive("NULLs in users.age become 0"))},
    {.name = "not_null_added_with_string_default_backfills",
     .a = "CREATE TABLE t (id INTEGER PRIMARY KEY, status TEXT);",
     .b = "CREATE TABLE t (id INTEGER PRIMARY KEY, status TEXT NOT NULL DEFAULT 'new');",
     .seed = "INSERT INTO t VALUES (1, 'old'), (2, NULL);",
     .unchecked = {"t.status"},
     .after = {{"SELECT status FROM t ORDER BY id", {"old", "new"}}}},
    {.name = "not_null_added_to_clean_column",
     .a = USERS,
     .b = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INT NOT NULL);",
     .seed = "INSERT INTO users VALUES (1, 'ann', 31), (2, 'bob', 40);",
     .check = Rebuilds("age: NOT NULL, fails if age has NULLs")},
    {.name = "not_null_removed",
     .a = "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL);",
     .b = "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT);",
     .seed = "INSERT INTO t VALUES (1, 'a');",
     .check = All(Rebuilds("name: NULL allowed"), NotDestructive())},
    {.name = "default_changed",
     .a = "CREATE TABLE t (id INTEGER PRIMARY KEY, n INT DEFAULT 0, s TEXT DEFAULT 'a');",
     .b = "CREATE TABLE t (id INTEGER PRIMARY KEY, n INT DEFAULT 1, s TEXT);",
     .seed = "INSERT INTO t VALUES (1, 5, 'x'); INSERT INTO t (id) VALUES (2);",
     .check = Rebuilds("default of n: 0 -> 1")},
    {.name = "collation_changed",
     .a = "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT COLLATE NOCASE);",
     .b = "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT COLLATE RTRIM);",
     .seed = "INSERT INTO t VALUES (1, 'Ann'), (2, 'ann ');",
     .check = Rebuilds("collation of name: NOCASE -> RTRIM")},
    {.name = "generated_virtual_added",
     .a = "CREATE TABLE t (id INTEGER PRIMARY KEY, qty INT);",
     .b = "CREATE TABLE t (id INTEGER PRIMARY KEY, qty INT, twice INT GENERATED ALWAYS AS (qty * 2) VIRTUAL);",
     .seed = "INSERT INTO t VALUES (1, 2), (2, 5);",
     .after = {{"SELECT twice FROM t ORDER BY id", {"4", "10"}}},
     .check = Alters()},
    {.name = "generated_stored_added",
     .a = "CREATE TABLE t (id INTEGER PRIMARY KEY, price REAL, qty INT);",
     .b = "CREATE TABLE t (id INTEGER PRIMARY KEY, price REAL, qty INT, total REAL AS (price * qty) STORED);",
     .seed = "INSERT INTO t VALUES (1, 2.5, 2);",
     .after = {{"SELECT total FROM t", {"5.0"}}},
     .check = Rebuilds()},
    {.name = "generated_expression_changed",
     .a = "CREATE TABLE t (id INTEGER PRIMARY KEY, a INT, b INT AS (a + 1));",
     .b = "CREATE TABLE t (id INTEGER PRIMARY KEY, a INT, b INT AS (a + 2));",
     .seed = "INSERT INTO t (id, a) VALUES (1, 1);",
     .after = {{"SELECT b FROM t", {"3"}}}},
    {.name = "column_becomes_generated",
     .a = "CREATE TABLE t (id INTEGER PRIMARY KEY, a INT, b INT);",
     .b = "CREATE TABLE t (id INTEGER PRIMARY KEY, a INT, b INT AS (a * 10) STORED);",
     .seed = "INSERT INTO t VALUES (1, 1, 99);",
     .check = Destructive("values of t.b are replaced by its expression")},

    // --- keys and constraints
    {.name = "primary_key_added",
     .a = "CREATE TABLE t (id INT, name TEXT);",
     .b = "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT);",
     .seed = "INSERT INTO t VALUES (1, 'a'), (2, 'b');"},
    {.name = "composite_primary_key_changed",
     .a = "CREATE TABLE m (a INT, b INT, c TEXT, PRIMARY KEY (a));",
     .b = "CREATE TABLE m (a INT, b INT, c TEXT, PRIMARY KEY (a, b));",
     .seed = "INSERT INTO m VALUES (1, 1, 'x'), (2, 1, 'y');",
     .check = Rebuilds("primary key: (a) -> (a, b)")},
    {.name = "composite_primary_key_order",
     .a = "CREATE TABLE m (a INT, b INT, PRIMARY KEY (a, b)) WITHOUT ROWID;",
     .b = "CREATE TABLE m (a INT, b INT, PRIMARY KEY (b, a)) WITHOUT ROWID;",
     .seed = "INSERT INTO m VALUES (1, 2), (2, 1);"},
    {.name = "autoincrement_added",
     .a = "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT);",
     .b = "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);",
     .seed = "INSERT INTO t VALUES (1, 'a'), (5, 'b');",
     .after = {{"SELECT seq FROM sqlite_sequence WHERE name = 't'", {"5"}}}},
    {.name = "autoincrement_rebuild_keeps_sequence",
     .a = "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);",
     .b = "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL);",
     .seed = "INSERT INTO t (name) VALUES ('a'), ('b'), ('c'); DELETE FROM t WHERE id = 3;",
     .after = {{"SELECT seq FROM sqlite_sequence WHERE name = 't'", {"3"}}}},
    {.name = "unique_added",
     .a = "CREATE TABLE t (id INTEGER PRIMARY KEY, email TEXT);",
     .b = "CREATE TABLE t (id INTEGER PRIMARY KEY, email TEXT UNIQUE);",
     .seed = "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, NULL), (4, NULL);",
     .check = Rebuilds("unique constraints")},
    {.name = "unique_composite_changed",
     .a = "CREATE TABLE t (a INT, b INT, c INT, UNIQUE (a, b));",
     .b = "CREATE TABLE t (a INT, b INT, c INT, UNIQUE (a, b, c), UNIQUE (c));",
     .seed = "INSERT INTO t VALUES (1, 1, 1), (1, 2, 2);"},
    {.name = "check_added",
     .a = USERS,
     .b = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INT CHECK (age >= 0));",
     .seed = USERS_SEED,
     .check = Rebuilds("check constraints")},
    {.name = "named_check_changed",
     .a = "CREATE TABLE t (lo INT, hi INT, CONSTRAINT ordered CHECK (lo <= hi));",
     .b = "CREATE TABLE t (lo INT, hi INT, CONSTRAINT ordered CHECK (lo < hi), CHECK (lo > -100));",
     .seed = "INSERT INTO t VALUES (1, 2), (-5, 0);"},
    {.name = "foreign_key_added_to_existing_column",
     .a = USERS "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INT);",
     .b = USERS "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INT REFERENCES users (id));",
     .seed = USERS_SEED "INSERT INTO posts VALUES (1, 1), (2, 3), (3, NULL);",
     .check = Rebuilds("foreign keys")},
    {.name = "foreign_key_actions_changed",
     .a = USERS "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INT REFERENCES users (id) ON DELETE CASCADE);",
     .b = USERS "CREATE TABLE posts (id INTEGER PRIMARY KEY,"
                " user_id INT REFERENCES users (id) ON DELETE SET NULL ON UPDATE CASCADE);",
     .seed = USERS_SEED "INSERT INTO posts VALUES (1, 1), (2, 2);"},
    {.name = "foreign_key_deferrable_changed",
     .a = USERS "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INT REFERENCES users (id));",
     .b = USERS "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INT,"
                " CONSTRAINT posts_user FOREIGN KEY (user_id) REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED);",
     .seed = USERS_SEED "INSERT INTO posts VALUES (1, 1);"},
    {.name = "foreign_key_composite",
     .a = "CREATE TABLE p (a INT, b INT, PRIMARY KEY (a, b)); CREATE TABLE c (x INT, y INT, n TEXT);",
     .b = "CREATE TABLE p (a INT, b INT, PRIMARY KEY (a, b));"
          "CREATE TABLE c (x INT, y INT, n TEXT, FOREIGN KEY (x, y) REFERENCES p (a, b) ON DELETE CASCADE);",
     .seed = "INSERT INTO p VALUES (1, 1), (1, 2); INSERT INTO c VALUES (1, 1, 'a'), (1, 2, 'b');"},
    {.name = "self_referencing_foreign_key_added",
     .a = "CREATE TABLE node (id INTEGER PRIMARY KEY, parent INT, label TEXT);",
     .b = "CREATE TABLE node (id INTEGER PRIMARY KEY, parent INT REFERENCES node (id) ON DELETE CASCADE, label TEXT);",
     .seed = "INSERT INTO node VALUES (1, NULL, 'root'), (2, 1, 'a'), (3, 2, 'b');"},
    {.name = "self_referencing_table_rebuilt",
     .a = "CREATE TABLE node (id INTEGER PRIMARY KEY, parent INT REFERENCES node (id) ON DELETE CASCADE, label TEXT);",
     .b = "CREATE TABLE node (id INTEGER PRIMARY KEY, parent INT REFERENCES node (id) ON DELETE CASCADE,"
          " label TEXT NOT NULL DEFAULT '');",
     .seed = "INSERT INTO node VALUES (1, NULL, 'root'), (2, 1, 'a'), (3, 2, 'b');",
     .after = {{"SELECT count(*) FROM node", {"3"}}}},
    {.name = "cyclic_foreign_keys_both_rebuilt",
     .a = "CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INT REFERENCES b (id) ON DELETE CASCADE, n INT);"
          "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INT REFERENCES a (id) ON DELETE CASCADE, n INT);",
     .b = "CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INT REFERENCES b (id) ON DELETE CASCADE, n TEXT);"
          "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INT REFERENCES a (id) ON DELETE CASCADE, n TEXT);",
     .seed = "PRAGMA foreign_keys = OFF; INSERT INTO a VALUES (1, 1, 10), (2, 2, 20);"
             "INSERT INTO b VALUES (1, 1, 30), (2, 2, 40); PRAGMA foreign_keys = ON;"},
    {.name = "cyclic_foreign_key_added",
     .a = "CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INT); CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INT);",
     .b = "CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INT REFERENCES b (id));"
          "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INT REFERENCES a (id));",
     .seed = "INSERT INTO a VALUES (1, 1); INSERT INTO b VALUES (1, 1);"},

    // --- parents and children
    {.name = "parent_rebuilt_cascade_children_survive",
     .a = USERS "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
                " body TEXT);"
                "CREATE TABLE likes (post_id INT REFERENCES posts (id) ON DELETE CASCADE, n INT);",
     .b = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age TEXT);"
          "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
          " body TEXT NOT NULL DEFAULT '');"
          "CREATE TABLE likes (post_id INT REFERENCES posts (id) ON DELETE CASCADE, n INT);",
     .seed = USERS_SEED "INSERT INTO posts VALUES (1, 1, 'a'), (2, 1, 'b'), (3, 2, 'c');"
                        "INSERT INTO likes VALUES (1, 1), (2, 1), (3, 1);",
     .after = {{"SELECT count(*) FROM posts", {"3"}}, {"SELECT count(*) FROM likes", {"3"}}},
     .check = Rebuilds("rebuild table users")},
    {.name = "parent_rebuilt_set_null_children_keep_references",
     .a = USERS "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INT REFERENCES users (id) ON DELETE SET NULL);",
     .b = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE, age INT);"
          "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INT REFERENCES users (id) ON DELETE SET NULL);",
     .seed = USERS_SEED "INSERT INTO posts VALUES (1, 1), (2, 2);",
     .after = {{"SELECT user_id FROM posts ORDER BY id", {"1", "2"}}}},
    {.name = "parent_loses_a_column_children_survive",
     .a = USERS "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INT REFERENCES users (id) ON DELETE CASCADE);",
     .b = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
          "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INT REFERENCES users (id) ON DELETE CASCADE);",
     .seed = USERS_SEED "INSERT INTO posts VALUES (1, 1), (2, 3);",
     .after = {{"SELECT count(*) FROM posts", {"2"}}}},
    {.name = "child_rebuilt_references_kept",
     .a = USERS "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INT REFERENCES users (id), body TEXT);",
     .b = USERS "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INT REFERENCES users (id), body BLOB);",
     .seed = USERS_SEED "INSERT INTO posts VALUES (1, 1, 'x'), (2, 2, 'y');"},

    // --- table options
    {.name = "without_rowid_added",
     .a = "CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB);",
     .b = "CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;",
     .seed = "INSERT INTO kv VALUES ('a', X'00'), ('b', NULL);",
     .check = Rebuilds("WITHOUT ROWID")},
    {.name = "strict_added",
     .a = "CREATE TABLE t (id INTEGER PRIMARY KEY, n INT, s TEXT);",
     .b = "CREATE TABLE t (id INTEGER PRIMARY KEY, n INT, s TEXT) STRICT;",
     .seed = "INSERT INTO t VALUES (1, 5, 'x'), (2, NULL, NULL);",
     .check = Rebuilds("STRICT")},
    {.name = "strict_without_rowid_add_column",
     .a = "CREATE TABLE t (k TEXT PRIMARY KEY, v INT) STRICT, WITHOUT ROWID;",
     .b = "CREATE TABLE t (k TEXT PRIMARY KEY, v INT, w ANY) STRICT, WITHOUT ROWID;",
     .seed = "INSERT INTO t VALUES ('a', 1);",
     .check = Alters()},

    // --- indexes
    {.name = "index_created_unique",
     .a = USERS,
     .b = USERS "CREATE UNIQUE INDEX users_name ON users (name, age DESC);",
     .seed = USERS_SEED,
     .check = All(Alters(), [](const Diff& d) {
       ASSERT_EQ(d.changes.size(), 1u);
       EXPECT_EQ(d.changes[0].summary, "create index users_name on users");
     })},
    {.name = "index_dropped",
     .a = USERS "CREATE INDEX users_age ON users (age);",
     .b = USERS,
     .seed = USERS_SEED,
     .check = NotDestructive()},
    {.name = "index_partial_predicate_changed",
     .a = USERS "CREATE INDEX live ON users (age) WHERE age IS NOT NULL;",
     .b = USERS "CREATE INDEX live ON users (age) WHERE age > 18;",
     .seed = USERS_SEED,
     .check = Alters()},
    {.name = "index_expression_and_collation",
     .a = USERS "CREATE INDEX by_name ON users (name);",
     .b = USERS "CREATE INDEX by_name ON users (lower(name) DESC, name COLLATE NOCASE);",
     .seed = USERS_SEED},
    {.name = "index_moves_to_another_column",
     .a = USERS "CREATE INDEX idx ON users (age);",
     .b = USERS "CREATE INDEX idx ON users (name);",
     .seed = USERS_SEED},
    {.name = "indexes_on_rebuilt_table_recreated",
     .a = USERS "CREATE INDEX users_age ON users (age); CREATE UNIQUE INDEX users_name ON users (name);",
     .b = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER NOT NULL DEFAULT 0);"
          "CREATE INDEX users_age ON users (age); CREATE UNIQUE INDEX users_name ON users (name);",
     .seed = USERS_SEED,
     .unchecked = {"users.age"}},

    // --- views
    {.name = "view_created",
     .a = USERS,
     .b = USERS "CREATE VIEW adults AS SELECT * FROM users WHERE age >= 18;",
     .seed = USERS_SEED,
     .check = Alters()},
    {.name = "view_changed",
     .a = USERS "CREATE VIEW adults AS SELECT * FROM users WHERE age >= 18;",
     .b = USERS "CREATE VIEW adults AS SELECT id, name FROM users WHERE age >= 21;",
     .seed = USERS_SEED},
    {.name = "view_dropped",
     .a = USERS "CREATE VIEW names AS SELECT name FROM users;",
     .b = USERS,
     .seed = USERS_SEED},
    {.name = "view_over_rebuilt_table",
     .a = USERS "CREATE VIEW adults AS SELECT id, name FROM users WHERE age >= 18;",
     .b = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER CHECK (age >= 0));"
          "CREATE VIEW adults AS SELECT id, name FROM users WHERE age >= 18;",
     .seed = USERS_SEED,
     .after = {{"SELECT name FROM adults", {"ann"}}},
     .check = [](const Diff& d) {
       ASSERT_GE(d.changes.size(), 3u);
       EXPECT_EQ(d.changes.front().summary, "drop view adults");
       EXPECT_EQ(d.changes.back().summary, "create view adults");
     }},
    {.name = "views_chained_over_rebuilt_table",
     .a = USERS "CREATE VIEW v1 AS SELECT id, name, age FROM users; CREATE VIEW v2 AS SELECT name FROM v1 WHERE age > 1;"
                "CREATE VIEW other AS SELECT 1 AS one;",
     .b = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE, age INT);"
          "CREATE VIEW v1 AS SELECT id, name, age FROM users; CREATE VIEW v2 AS SELECT name FROM v1 WHERE age > 1;"
          "CREATE VIEW other AS SELECT 1 AS one;",
     .seed = USERS_SEED,
     .after = {{"SELECT name FROM v2 ORDER BY name", {"ann", "cy"}}},
     .check = [](const Diff& d) { EXPECT_FALSE(HasSummary(d, "view other")) << schema::RenderMigration(d); }},
    {.name = "view_over_two_tables_one_altered",
     .a = USERS "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INT);"
                "CREATE VIEW feed AS SELECT u.name, p.id FROM users u JOIN posts p ON p.user_id = u.id;",
     .b = USERS "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INT, title TEXT);"
                "CREATE VIEW feed AS SELECT u.name, p.id FROM users u JOIN posts p ON p.user_id = u.id;",
     .seed = USERS_SEED "INSERT INTO posts VALUES (1, 1);",
     .check = All(Alters(), [](const Diff& d) { EXPECT_EQ(d.changes.size(), 1u) << schema::RenderMigration(d); })},

    // --- triggers
    {.name = "trigger_created",
     .a = USERS "CREATE TABLE log (msg TEXT);",
     .b = USERS "CREATE TABLE log (msg TEXT);"
                "CREATE TRIGGER users_log AFTER INSERT ON users BEGIN INSERT INTO log VALUES (new.name); END;",
     .seed = USERS_SEED},
    {.name = "trigger_changed",
     .a = USERS "CREATE TABLE log (msg TEXT);"
                "CREATE TRIGGER users_log AFTER INSERT ON users BEGIN INSERT INTO log VALUES (new.name); END;",
     .b = USERS "CREATE TABLE log (msg TEXT);"
                "CREATE TRIGGER users_log AFTER UPDATE ON users BEGIN INSERT INTO log VALUES ('upd ' || new.name); END;",
     .seed = USERS_SEED},
    {.name = "trigger_on_rebuilt_table_recreated",
     .a = USERS "CREATE TABLE log (msg TEXT);"
                "CREATE TRIGGER users_log AFTER UPDATE ON users BEGIN INSERT INTO log VALUES (new.name); END;",
     .b = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INT NOT NULL DEFAULT 0);"
          "CREATE TABLE log (msg TEXT);"
          "CREATE TRIGGER users_log AFTER UPDATE ON users BEGIN INSERT INTO log VALUES (new.name); END;",
     .seed = USERS_SEED,
     .unchecked = {"users.age"},
     // The rebuild's copy does not fire the UPDATE trigger; the recreated one works.
     .after = {{"SELECT count(*) FROM log", {"0"}}},
     .check = [](const Diff& d) {
       EXPECT_EQ(d.changes.front().summary, "drop trigger users_log");
       EXPECT_EQ(d.changes.back().summary, "create trigger users_log on users");
     }},
    {.name = "trigger_elsewhere_mentions_rebuilt_table",
     .a = USERS "CREATE TABLE log (id INTEGER PRIMARY KEY, msg TEXT);"
                "CREATE TRIGGER users_log AFTER INSERT ON users BEGIN INSERT INTO log (msg) VALUES (new.name); END;",
     .b = USERS "CREATE TABLE log (id INTEGER PRIMARY KEY, msg TEXT NOT NULL DEFAULT '', at TEXT DEFAULT CURRENT_TIMESTAMP);"
                "CREATE TRIGGER users_log AFTER INSERT ON users BEGIN INSERT INTO log (msg) VALUES (new.name); END;",
     .seed = USERS_SEED "INSERT INTO log (msg) VALUES ('boot');"},
    {.name = "instead_of_trigger_on_view_over_rebuilt_table",
     .a = USERS "CREATE VIEW names AS SELECT id, name FROM users;"
                "CREATE TRIGGER names_insert INSTEAD OF INSERT ON names BEGIN"
                " INSERT INTO users (id, name) VALUES (new.id, new.name); END;",
     .b = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE, age INT);"
          "CREATE VIEW names AS SELECT id, name FROM users;"
          "CREATE TRIGGER names_insert INSTEAD OF INSERT ON names BEGIN"
          " INSERT INTO users (id, name) VALUES (new.id, new.name); END;",
     .seed = USERS_SEED},

    // --- renames (hints)
    {.name = "rename_table",
     .a = USERS "CREATE INDEX users_age ON users (age);"
                "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INT REFERENCES users (id) ON DELETE CASCADE);",
     .b = "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INT);"
          "CREATE INDEX users_age ON customers (age);"
          "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INT REFERENCES customers (id) ON DELETE CASCADE);",
     .seed = USERS_SEED "INSERT INTO posts VALUES (1, 1), (2, 2);",
     .renames = {"users=customers"},
     .check = All(Alters(), NotDestructive(), [](const Diff& d) {
       ASSERT_EQ(d.changes.size(), 1u) << schema::RenderMigration(d);
       EXPECT_EQ(d.changes[0].statements[0], "ALTER TABLE \"users\" RENAME TO \"customers\"");
       EXPECT_TRUE(d.rename_candidates.empty());
     })},
    {.name = "rename_column",
     .a = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, age INT);"
          "CREATE INDEX users_age ON users (age);"
          "CREATE TABLE posts (id INTEGER PRIMARY KEY, author TEXT REFERENCES users (name));",
     .b = "CREATE TABLE users (id INTEGER PRIMARY KEY, full_name TEXT NOT NULL UNIQUE, age INT);"
          "CREATE INDEX users_age ON users (age);"
          "CREATE TABLE posts (id INTEGER PRIMARY KEY, author TEXT REFERENCES users (full_name));",
     .seed = USERS_SEED "INSERT INTO posts VALUES (1, 'ann');",
     .renames = {"users.name=full_name"},
     .check = All(Alters(), NotDestructive(), [](const Diff& d) {
       ASSERT_EQ(d.changes.size(), 1u) << schema::RenderMigration(d);
       EXPECT_EQ(d.changes[0].summary, "rename column users.name to users.full_name");
     })},
    {.name = "rename_column_in_indexes_and_views",
     .a = USERS "CREATE INDEX users_name ON users (name); CREATE INDEX users_lower ON users (lower(name));"
                "CREATE VIEW names AS SELECT name FROM users;",
     .b = "CREATE TABLE users (id INTEGER PRIMARY KEY, nick TEXT NOT NULL, age INT);"
          "CREATE INDEX users_name ON users (nick); CREATE INDEX users_lower ON users (lower(nick));"
          "CREATE VIEW names AS SELECT nick FROM users;",
     .seed = USERS_SEED,
     .renames = {"users.name=nick"},
     .check = Alters()},
    {.name = "rename_table_and_column_with_type_change",
     .a = USERS "CREATE VIEW v AS SELECT name FROM users;",
     .b = "CREATE TABLE people (id INTEGER PRIMARY KEY, label TEXT NOT NULL, age TEXT);"
          "CREATE VIEW v AS SELECT label FROM people;",
     .seed = USERS_SEED,
     .renames = {"users=people", "people.name=label"},
     .check = Rebuilds("rebuild table people (type of age: INT -> TEXT)")},
    {.name = "rename_without_hint_is_drop_and_add",
     .a = "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT);",
     .b = "CREATE TABLE t (id INTEGER PRIMARY KEY, b TEXT);",
     .seed = "INSERT INTO t VALUES (1, 'x');",
     .check = All(Alters(), Destructive("drops column t.a"), [](const Diff& d) {
       ASSERT_EQ(d.rename_candidates.size(), 1u);
       EXPECT_EQ(schema::ToString(d.rename_candidates[0]), "t.a=b");
     })},
    {.name = "rename_table_with_trigger",
     .a = USERS "CREATE TABLE log (msg TEXT);"
                "CREATE TRIGGER users_log AFTER INSERT ON users BEGIN INSERT INTO log VALUES (new.name); END;",
     .b = "CREATE TABLE members (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INT); CREATE TABLE log (msg TEXT);"
          "CREATE TRIGGER users_log AFTER INSERT ON members BEGIN INSERT INTO log VALUES (new.name); END;",
     .seed = USERS_SEED,
     .renames = {"users=members"}},

    // --- identifiers and larger changes
    {.name = "quoted_identifiers",
     .a = "CREATE TABLE \"order items\" (\"item id\" INTEGER PRIMARY KEY, \"unit price\" INT, \"say \"\"hi\"\"\" TEXT);"
          "CREATE INDEX \"by price\" ON \"order items\" (\"unit price\");",
     .b = "CREATE TABLE \"order items\" (\"item id\" INTEGER PRIMARY KEY, \"unit price\" INTEGER NOT NULL DEFAULT 0,"
          " \"say \"\"hi\"\"\" TEXT);"
          "CREATE INDEX \"by price\" ON \"order items\" (\"unit price\");",
     .seed = "INSERT INTO \"order items\" VALUES (1, 3, 'a'), (2, 4, 'b');"},
    {.name = "drop_table_with_index_view_and_trigger",
     .a = USERS "CREATE TABLE legacy (id INTEGER PRIMARY KEY, user_id INT REFERENCES users (id), note TEXT);"
                "CREATE INDEX legacy_note ON legacy (note); CREATE VIEW legacy_notes AS SELECT note FROM legacy;"
                "CREATE TRIGGER users_legacy AFTER DELETE ON users BEGIN DELETE FROM legacy WHERE user_id = old.id; END;",
     .b = USERS,
     .seed = USERS_SEED "INSERT INTO legacy VALUES (1, 1, 'x');",
     .check = [](const Diff& d) {
       EXPECT_EQ(d.changes.back().summary, "drop table legacy") << schema::RenderMigration(d);
     }},
    {.name = "temp_name_already_taken",
     .a = USERS "CREATE TABLE new_users (x INT);",
     .b = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INT NOT NULL DEFAULT 0);"
          "CREATE TABLE new_users (x INT);",
     .seed = USERS_SEED "INSERT INTO new_users VALUES (42);",
     .unchecked = {"users.age"},
     .check = [](const Diff& d) { EXPECT_TRUE(HasStatement(d, "CREATE TABLE \"new_users_2\"")); }},
    {.name = "index_becomes_unique",
     .a = USERS "CREATE INDEX users_name ON users (name);",
     .b = USERS "CREATE UNIQUE INDEX users_name ON users (name);",
     .seed = USERS_SEED,
     .check = Alters()},
    {.name = "rename_column_used_by_generated_column_and_check",
     .a = "CREATE TABLE t (id INTEGER PRIMARY KEY, qty INT CHECK (qty > 0), twice INT AS (qty * 2));",
     .b = "CREATE TABLE t (id INTEGER PRIMARY KEY, amount INT CHECK (amount > 0), twice INT AS (amount * 2));",
     .seed = "INSERT INTO t (id, qty) VALUES (1, 2), (2, 3);",
     .renames = {"t.qty=amount"},
     .after = {{"SELECT twice FROM t ORDER BY id", {"4", "6"}}}},
    {.name = "rename_column_in_trigger_update_of",
     .a = USERS "CREATE TABLE log (msg TEXT);"
                "CREATE TRIGGER age_log AFTER UPDATE OF age ON users WHEN new.age > 100 BEGIN"
                " INSERT INTO log VALUES (new.age); END;",
     .b = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, years INT); CREATE TABLE log (msg TEXT);"
          "CREATE TRIGGER age_log AFTER UPDATE OF years ON users WHEN new.years > 100 BEGIN"
          " INSERT INTO log VALUES (new.years); END;",
     .seed = USERS_SEED,
     .renames = {"users.age=years"},
     .check = Alters()},
    {.name = "rename_both_directions_of_a_foreign_key",
     .a = "CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT);"
          "CREATE TABLE books (id INTEGER PRIMARY KEY, author INT REFERENCES authors (id) ON DELETE CASCADE);",
     .b = "CREATE TABLE writers (id INTEGER PRIMARY KEY, name TEXT);"
          "CREATE TABLE books (id INTEGER PRIMARY KEY, writer_id INT REFERENCES writers (id) ON DELETE CASCADE);",
     .seed = "INSERT INTO authors VALUES (1, 'a'), (2, 'b'); INSERT INTO books VALUES (1, 1), (2, 2), (3, 1);",
     .renames = {"authors=writers", "books.author=writer_id"},
     .check = All(Alters(), [](const Diff& d) { EXPECT_EQ(d.changes.size(), 2u) << schema::RenderMigration(d); })},
    {.name = "shop_schema_evolves",
     .a = USERS "CREATE TABLE products (id INTEGER PRIMARY KEY, sku TEXT UNIQUE, price INT);"
                "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INT REFERENCES users (id) ON DELETE CASCADE,"
                " product_id INT REFERENCES products (id), qty INT);"
                "CREATE INDEX orders_user ON orders (user_id);"
                "CREATE VIEW order_totals AS SELECT o.id, o.qty * p.price AS total FROM orders o JOIN products p"
                " ON p.id = o.product_id;",
     .b = USERS "CREATE TABLE products (id INTEGER PRIMARY KEY, sku TEXT NOT NULL UNIQUE, price INT NOT NULL DEFAULT 0,"
                " name TEXT);"
                "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INT REFERENCES users (id) ON DELETE CASCADE,"
                " product_id INT REFERENCES products (id), qty INT NOT NULL DEFAULT 1, note TEXT);"
                "CREATE INDEX orders_user ON orders (user_id); CREATE INDEX orders_product ON orders (product_id);"
                "CREATE VIEW order_totals AS SELECT o.id, o.qty * p.price AS total FROM orders o JOIN products p"
                " ON p.id = o.product_id;",
     .seed = USERS_SEED "INSERT INTO products VALUES (1, 'a', 10), (2, 'b', 20);"
                        "INSERT INTO orders VALUES (1, 1, 1, 2), (2, 2, 2, 1), (3, 3, 1, 5);",
     .after = {{"SELECT total FROM order_totals ORDER BY id", {"20", "20", "50"}}}},
};

class SqliteDiffCorpus : public ::testing::TestWithParam<Case> {};

TEST_P(SqliteDiffCorpus, RoundTrip) { RunCase(GetParam()); }

INSTANTIATE_TEST_SUITE_P(Sqlite, SqliteDiffCorpus, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

// A new NOT NULL column without a default cannot be filled for existing
// rows: the migration says so and fails; nothing is invented and the
// transaction leaves the table as it was.
TEST(SqliteDiff, NotNullColumnWithoutDefaultOnRowsFailsVisibly) {
  testing::TempDir dir;
  auto a = LoadAndInspect(dir, "a.db", USERS);
  auto b = LoadAndInspect(dir, "b.db", "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INT,"
                                       " code TEXT NOT NULL);");
  ASSERT_TRUE(a.ok() && b.ok());
  Diff d = schema::DiffSchemas(*a, *b, schema::Dialect::kSqlite);
  EXPECT_NE(schema::RenderMigration(d).find("add column code: NOT NULL without a default, fails if users has rows"),
            std::string::npos)
      << schema::RenderMigration(d);
  Db db(dir.Path("live.db"));
  ASSERT_TRUE(db.Exec(USERS USERS_SEED));
  auto applied = db.Apply(d);
  EXPECT_FALSE(applied);
  EXPECT_NE(std::string(applied.message()).find("NOT NULL constraint failed"), std::string::npos) << applied.message();
  auto after = db.Inspect();
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(*after == *a);
  EXPECT_EQ(db.Rows("SELECT count(*) FROM users"), Strings{"3"});
}

// SQLite's names are case-insensitive: `REFERENCES Users` is users. Dropping
// users while orders, kept, references it: with foreign keys on, DROP TABLE
// cascade-deleted every order and the migration passed; with them off (the
// plan's annotation, as for `REFERENCES users`) the check before COMMIT finds
// orders pointing at nothing, and the migration fails keeping every row.
TEST(SqliteDiff, DropParentReferencedInAnotherCaseFailsVisiblyKeepingTheChildRows) {
  testing::TempDir dir;
  const char* orders = "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INT REFERENCES Users (id) ON DELETE CASCADE);";
  std::string both = std::string("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);") + orders;
  auto a = LoadAndInspect(dir, "a.db", both);
  auto b = LoadAndInspect(dir, "b.db", orders);
  ASSERT_TRUE(a.ok() && b.ok());
  Diff d = schema::DiffSchemas(*a, *b, schema::Dialect::kSqlite);
  EXPECT_TRUE(d.foreign_keys_off) << schema::RenderMigration(d);
  Db db(dir.Path("live.db"));
  ASSERT_TRUE(db.Exec(both + "INSERT INTO users VALUES (1, 'a'), (2, 'b'); INSERT INTO orders VALUES (1, 1), (2, 2), (3, 1);"));
  auto applied = db.Apply(d);
  EXPECT_FALSE(applied);
  EXPECT_NE(std::string(applied.message()).find("foreign_key_check"), std::string::npos) << applied.message();
  EXPECT_EQ(db.Rows("SELECT count(*) FROM orders"), Strings{"3"});
  EXPECT_EQ(db.Rows("SELECT count(*) FROM users"), Strings{"2"});
}

// The example project's migrations, one step at a time: the diff from the
// schema after N migrations to the schema after N+1 must do what the
// hand-written migration did (and undo it), on a database holding the rows
// the data migrations put there. Data-only migrations must give no diff.
TEST(SqliteDiff, ShopExampleStepByStep) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(testing::SourceDir()) / "examples" / "shop" / "migrations";
  std::vector<fs::path> ups;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().string().ends_with(".up.sql")) ups.push_back(e.path());
  }
  std::sort(ups.begin(), ups.end());
  ASSERT_GE(ups.size(), 10u);
  std::string before;
  for (const auto& p : ups) {
    std::ifstream in(p);
    std::stringstream text;
    text << in.rdbuf();
    std::string after = before + text.str() + "\n";
    SCOPED_TRACE(p.filename().string());
    testing::TempDir tmp;
    auto a = LoadAndInspect(tmp, "a.db", before);
    auto b = LoadAndInspect(tmp, "b.db", after);
    ASSERT_TRUE(a.ok() && b.ok());
    if (*a == *b) {
      EXPECT_TRUE(schema::DiffSchemas(*a, *b, schema::Dialect::kSqlite).empty());
    } else {
      std::string name = p.filename().string();
      RunCase({.name = name.c_str(), .a = before.c_str(), .b = after.c_str()});
    }
    before = after;
  }
}

// SQLite keeps each definition as written. A schema file spelled otherwise
// than the migrations (case, blanks, quotes, a type over two lines, the case
// of a table, column or index name) is the same schema: no change either way, and a real change beside the respelled
// definitions is an ALTER, not a 12-step rebuild. On tables holding rows, a
// foreign-key child among them.
#define SHOP_LOWER                                                                                                 \
  "create table Users (id integer primary key, EMail varchar ( 255 ) not null collate nocase"                      \
  " check (length(email)>3), score double\n precision default (1+2), created text default current_timestamp);"    \
  "create table orders (id integer primary key, user_id integer not null references Users(ID) on delete cascade,"  \
  " total numeric(10, 2) default 0 check (total>=0), twice int as (total*2));"                                     \
  "create index Orders_By_User on orders (User_Id, lower(\"total\") collate nocase) where total>0;"                \
  "create trigger orders_touch after insert on orders begin update users set score = score where id = new.user_id; end;"
#define SHOP_UPPER                                                                                                 \
  "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(255) NOT NULL COLLATE NOCASE"                         \
  " CHECK (LENGTH(email) > 3), score DOUBLE PRECISION DEFAULT (1 + 2), created TEXT DEFAULT CURRENT_TIMESTAMP);"   \
  "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"  \
  " total NUMERIC(10,2) DEFAULT 0 CHECK (TOTAL >= 0), twice INT AS (total * 2)" ORDERS_EXTRA ");"                  \
  "CREATE INDEX orders_by_user ON orders (user_id, LOWER(total) COLLATE NOCASE) WHERE total > 0;"                   \
  "CREATE TRIGGER orders_touch AFTER INSERT ON orders BEGIN UPDATE users SET score = score WHERE id = NEW.user_id; END;"
#define SHOP_SEED                                                                                   \
  "INSERT INTO users (id, email) VALUES (1, 'ann@x'), (2, 'bob@x'), (3, 'cy@x');"                  \
  "INSERT INTO orders (id, user_id, total) VALUES (1, 1, 5), (2, 1, 7), (3, 2, 9), (4, 3, 0);"

TEST(SqliteDiff, SpellingAloneIsNoChangeEitherWay) {
  testing::TempDir dir;
#define ORDERS_EXTRA ""
  auto lower = LoadAndInspect(dir, "lower.db", SHOP_LOWER);
  auto upper = LoadAndInspect(dir, "upper.db", SHOP_UPPER);
#undef ORDERS_EXTRA
  ASSERT_TRUE(lower.ok()) << lower.status().ToString();
  ASSERT_TRUE(upper.ok()) << upper.status().ToString();
  ASSERT_FALSE(*lower == *upper) << "the test needs two spellings";
  Diff forward = schema::DiffSchemas(*lower, *upper, schema::Dialect::kSqlite);
  EXPECT_TRUE(forward.empty()) << schema::RenderMigration(forward);
  Diff back = schema::DiffSchemas(*upper, *lower, schema::Dialect::kSqlite);
  EXPECT_TRUE(back.empty()) << schema::RenderMigration(back);
  EXPECT_TRUE(schema::AlignSqliteSpelling(*lower, *upper) == *lower);
}

TEST(SqliteDiff, RealChangeBesideRespelledDefinitionsIsAnAlterThatKeepsTheRows) {
  testing::TempDir dir;
  auto lower = LoadAndInspect(dir, "lower.db", SHOP_LOWER);
#define ORDERS_EXTRA ", note TEXT"
  auto upper = LoadAndInspect(dir, "upper.db", SHOP_UPPER);
#undef ORDERS_EXTRA
  ASSERT_TRUE(lower.ok() && upper.ok());
  Diff d = schema::DiffSchemas(*lower, *upper, schema::Dialect::kSqlite);
  ASSERT_EQ(d.changes.size(), 1u) << schema::RenderMigration(d);
  EXPECT_EQ(d.changes[0].summary, "add column orders.note");
  EXPECT_FALSE(d.foreign_keys_off);

  Db db(dir.Path("live.db"));
  ASSERT_TRUE(db.Exec(SHOP_LOWER SHOP_SEED));
  ASSERT_TRUE(db.Apply(d));
  EXPECT_EQ(db.Rows("SELECT count(*) FROM users"), Strings{"3"});
  EXPECT_EQ(db.Rows("SELECT id, user_id, total, twice FROM orders ORDER BY id"),
            (Strings{"1|1|5|10", "2|1|7|14", "3|2|9|18", "4|3|0|0"}));
  auto live = db.Inspect();
  ASSERT_TRUE(live.ok());
  EXPECT_TRUE(schema::DiffSchemas(*live, *upper, schema::Dialect::kSqlite).empty());
  EXPECT_TRUE(schema::DiffSchemas(*upper, *live, schema::Dialect::kSqlite).empty());
}

// A change for real is still one: a string's case, a number's spelling, an
// operator.
TEST(SqliteDiff, SpellingThatSqliteKeepsIsAChange) {
  for (auto [a, b] : std::vector<std::pair<std::string, std::string>>{
           {"x TEXT DEFAULT 'a'", "x TEXT DEFAULT 'A'"},
           {"x INT DEFAULT 1", "x INT DEFAULT 1.0"},
           {"x INT CHECK (x > 0)", "x INT CHECK (x >= 0)"},
           {"x INT CHECK (x > 0)", "x INT CHECK (x > 00)"},
           {"x VARCHAR(10)", "x VARCHAR(20)"},
           {"x TEXT COLLATE NOCASE", "x TEXT COLLATE RTRIM"}}) {
    SCOPED_TRACE(a + " -> " + b);
    testing::TempDir dir;
    auto from = LoadAndInspect(dir, "a.db", "CREATE TABLE t (id INTEGER PRIMARY KEY, " + a + ");");
    auto to = LoadAndInspect(dir, "b.db", "CREATE TABLE t (id INTEGER PRIMARY KEY, " + b + ");");
    ASSERT_TRUE(from.ok() && to.ok());
    EXPECT_FALSE(schema::DiffSchemas(*from, *to, schema::Dialect::kSqlite).empty());
    EXPECT_FALSE(schema::DiffSchemas(*to, *from, schema::Dialect::kSqlite).empty());
  }
}

TEST(SqliteDiffCorpus, HasAtLeastSixtyCases) { EXPECT_GE(std::size(kCases), 60u); }

}  // namespace
}  // namespace strata
