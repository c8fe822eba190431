// libFuzzer target: the SQLite rebuild planner's input. A schema file is
// loaded the way `strata diff` / `generate` load one (api::SchemaOfFile):
// annotations parsed, the script applied with engine::ApplyScript to an
// in-memory SQLite database, the result inspected into a canonical
// schema::Schema (driver/sqlite/sqlite_inspect.cc); then the SQLite planner
// (schema/diff_sqlite.cc: ALTER TABLE or the 12-step table rebuild) plans
// both ways against a fixed base schema, and the migrations are rendered.
//
// Only schema statements are tried (CREATE, ALTER, DROP; not CREATE TABLE
// ... AS SELECT): anything else would make the fuzzer measure SQLite's query
// engine (a recursive CTE runs forever by design), not strata.
//
// With STRATA_FUZZ_REBUILD_CHECK=1 it also checks the plans, both ways: the
// rendered base -> input migration, applied to a database holding the base,
// must succeed and leave exactly the input's schema (an empty diff); applied
// to the base holding rows (a foreign-key child among them), it must either
// fail on those rows or keep the row count of every table the input keeps.
// The same for input -> base, the input's tables given rows where SQLite
// takes DEFAULT VALUES. Left out of the check, because every migration that
// moves rows into them fails, as it must: inputs whose foreign keys SQLite
// cannot check (a parent key that is not unique, a reference to SQLite's own
// sqlite_sequence) and those with a table that cannot take a row (a
// generated column that reads itself, a default that calls a function SQLite
// does not have).
#include <sqlite3.h>

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "driver/open.h"
#include "engine/foreign_keys.h"
#include "schema/diff.h"
#include "schema/model.h"
#include "source/migration.h"
#include "sql/split.h"
#include "util/redact_testing.h"
#include "util/strings.h"

namespace {

using strata::Result;
using strata::Status;
using strata::schema::Schema;

constexpr const char* kBase = R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL UNIQUE,
  name TEXT DEFAULT 'anon',
  age INT CHECK (age >= 0)
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  total NUMERIC(10,2) NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'paid'))
);
CREATE INDEX orders_user_idx ON orders (user_id);
CREATE UNIQUE INDEX users_lower_email ON users (lower(email));
CREATE VIEW big_orders AS SELECT o.id, u.email FROM orders o JOIN users u ON u.id = o.user_id WHERE o.total > 100;
CREATE TRIGGER orders_touch AFTER UPDATE ON orders BEGIN UPDATE users SET age = age WHERE id = NEW.user_id; END;
)sql";

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "sqlite_rebuild_fuzz: %s\n", what.c_str());
  std::abort();
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Whether every statement is schema DDL that SQLite runs in bounded time.
bool OnlySchemaStatements(std::string_view script) {
  auto statements = strata::sql::Split(script, strata::sql::Dialect::kSqlite);
  if (!statements.ok()) return false;
  for (const auto& s : *statements) {
    std::string text = Upper(s.text);
    std::string_view t = text;
    // Leading comments are not part of a statement; a comment inside is fine.
    if (t.starts_with("CREATE")) {
      size_t paren = t.find('(');
      size_t select = t.find("SELECT");
      bool view_or_trigger = t.find("VIEW") < paren || t.find("TRIGGER") < paren;
      if (select != std::string::npos && !view_or_trigger) return false;  // CREATE TABLE ... AS SELECT
    } else if (!t.starts_with("ALTER") && !t.starts_with("DROP")) {
      return false;
    }
  }
  return true;
}

Result<std::unique_ptr<strata::driver::Connection>> OpenMemory() {
  strata::driver::ConnectOptions options;
  options.connect_retries = 0;
  return strata::driver::Open("sqlite::memory:", options);
}

Status Apply(strata::driver::Connection& conn, std::string_view sql) {
  auto annotations = strata::source::ParseAnnotations(sql, "schema.sql");
  if (!annotations.ok()) return annotations.status();
  return strata::engine::ApplyScript(conn, sql, *annotations);
}

// What api::SchemaOfFile does, on an in-memory database.
Result<Schema> Load(strata::driver::Connection& conn, std::string_view sql) {
  Status s = Apply(conn, sql);
  if (!s.ok()) return s;
  return conn.InspectSchema({});
}

const Schema& Base() {
  static const Schema* base = [] {
    auto conn = OpenMemory();
    if (!conn.ok()) Fail("cannot open SQLite: " + conn.status().ToString());
    auto schema = Load(**conn, kBase);
    if (!schema.ok()) Fail("the base schema does not load: " + schema.status().ToString());
    return new Schema(std::move(*schema));
  }();
  return *base;
}

// Rows in every base table, foreign-key children included (orders -> users
// ON DELETE CASCADE), for the check that the plan keeps them.
constexpr const char* kBaseRows = R"sql(
INSERT INTO users (id, email, name, age) VALUES (1, 'a@example.com', 'Ann', 30), (2, 'b@example.com', NULL, 0),
  (3, 'c@example.com', 'Cy', NULL);
INSERT INTO orders (id, user_id, total, status) VALUES (1, 1, 10, 'new'), (2, 1, 250.5, 'paid'), (3, 2, 0, 'new'),
  (4, 3, 101, 'paid');
)sql";

long long CountRows(strata::driver::Connection& conn, const std::string& table) {
  auto rows = conn.Query("SELECT count(*) FROM " + strata::schema::QuoteIdent(table));
  if (!rows.ok() || rows->rows.size() != 1 || !rows->rows[0][0]) {
    Fail("cannot count the rows of " + table + ": " + rows.status().ToString());
  }
  return std::stoll(*rows->rows[0][0]);
}

// Whether a failed migration failed on the rows it was given (a new
// constraint they break, a type a STRICT table refuses, the check before
// COMMIT finding a row that references nothing), which is the user's to
// resolve, rather than on its own SQL. Not "FOREIGN KEY constraint failed":
// SQLite says that while foreign keys are on, and a plan that needs them off
// (a rebuild, a referenced table dropped) turns them off.
bool IsDataError(const Status& s) {
  if (s.message().find("FOREIGN KEY constraint failed") != std::string::npos) return false;
  for (const char* what : {"constraint failed", "foreign key violation", "datatype mismatch", "cannot store"}) {
    if (s.message().find(what) != std::string::npos) return true;
  }
  return false;
}

// Rows in `from`'s tables: the base's own rows; in an input's tables two
// rows each wherever SQLite takes DEFAULT VALUES (a table that refuses them,
// a NOT NULL column without a default, say, stays empty).
void Seed(strata::driver::Connection& conn, const Schema& from, bool base) {
  if (base) {
    if (!Apply(conn, kBaseRows).ok()) Fail("the base rows do not load");
    return;
  }
  for (const auto& table : from.tables) {
    for (int i = 0; i < 2; ++i) {
      (void)conn.Query("INSERT INTO " + strata::schema::QuoteIdent(table.name) + " DEFAULT VALUES");
    }
  }
}

// The same migration on `from` holding rows: it either fails on those rows,
// rolled back whole, or keeps every row of every table that `want` keeps (the
// 12-step rebuild copies them; with foreign keys on, dropping a parent would
// cascade-delete its children instead).
void CheckRowsKept(const std::string& migration, std::string_view from_sql, const Schema& from, bool from_base,
                   const Schema& want, const std::string& what) {
  auto conn = OpenMemory();
  if (!conn.ok()) Fail("cannot open SQLite: " + conn.status().ToString());
  if (!Apply(**conn, from_sql).ok()) Fail("the schema does not load a second time");
  Seed(**conn, from, from_base);
  std::vector<std::pair<std::string, long long>> before;
  for (const auto& table : from.tables) {
    for (const auto& kept : want.tables) {
      if (strata::util::ToLower(kept.name) == strata::util::ToLower(table.name)) before.emplace_back(kept.name, CountRows(**conn, table.name));
    }
  }
  Status s = Apply(**conn, migration);
  if (!s.ok() && !IsDataError(s)) {
    Fail("the planned migration fails on tables with rows (and not on the rows): " + s.ToString() + what);
  }
  // Applied or rolled back, every row is there.
  for (const auto& [table, count] : before) {
    long long after = CountRows(**conn, table);
    if (after != count) {
      Fail("the planned migration " + std::string(s.ok() ? "" : "(failed on the rows, rolled back) ") +
           "changed the row count of " + table + " from " + std::to_string(count) + " to " + std::to_string(after) +
           what);
    }
  }
}

// The rendered migration `from` -> `want`, applied to `from`, must give
// `want`, and keep the rows (CheckRowsKept).
void CheckPlan(const strata::schema::Diff& diff, std::string_view from_sql, const Schema& from, bool from_base,
               const Schema& want, const std::string& input) {
  auto conn = OpenMemory();
  if (!conn.ok()) Fail("cannot open SQLite: " + conn.status().ToString());
  if (!Apply(**conn, from_sql).ok()) Fail("the schema does not load a second time");
  std::string migration = strata::schema::RenderMigration(diff);
  std::string what = std::string("\n--- direction\n") + (from_base ? "base -> input" : "input -> base") +
                     "\n--- input\n" + input + "\n--- migration\n" + migration;
  auto got = Load(**conn, migration);
  if (!got.ok()) Fail("the planned migration fails: " + got.status().ToString() + what);
  auto rest = strata::schema::DiffSchemas(*got, want, strata::schema::Dialect::kSqlite);
  if (!rest.empty()) {
    Fail("the planned migration leaves a difference:\n" + strata::schema::RenderStatements(rest) + what);
  }
  CheckRowsKept(migration, from_sql, from, from_base, want, what);
}

// Whether some table of `schema` cannot take a row: a generated column's
// expression reads itself, or a default or generated column calls a function
// this connection does not have (one an application registers, say). SQLite
// accepts the CREATE TABLE and refuses any INSERT when compiling it, as the
// rebuild's copy is; EXPLAIN compiles without running.
bool RefusesEveryRow(strata::driver::Connection& conn, const Schema& schema) {
  for (const auto& table : schema.tables) {
    auto probe = conn.Query("EXPLAIN INSERT INTO " + strata::schema::QuoteIdent(table.name) + " DEFAULT VALUES");
    if (probe.ok()) continue;
    for (const char* why : {"generated column loop", "unknown function"}) {
      if (probe.status().message().find(why) != std::string::npos) return true;
    }
  }
  return false;
}

// Whether a foreign key of `schema` references one of SQLite's own tables
// (sqlite_sequence): it holds in the input's database, where that table may
// not exist, and is a "foreign key mismatch" wherever it does, as in the base.
bool ReferencesSqliteTable(const Schema& schema) {
  for (const auto& table : schema.tables) {
    for (const auto& fk : table.foreign_keys) {
      if (strata::util::ToLower(fk.ref_table).starts_with("sqlite_")) return true;
    }
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Keep a statement that asks for a gigabyte (zeroblob, a huge default)
  // from ending the run as an out-of-memory: SQLite then fails it instead.
  sqlite3_hard_heap_limit64(256 << 20);
  (void)Base();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view sql(reinterpret_cast<const char*>(data), size);
  if (!OnlySchemaStatements(sql)) return -1;  // not added to the corpus
  strata::ForgetSecretsForTesting();
  auto conn = OpenMemory();
  if (!conn.ok()) Fail("cannot open SQLite: " + conn.status().ToString());
  auto schema = Load(**conn, sql);
  if (!schema.ok()) {
    if (schema.status().message().empty()) Fail("a failed load has no message");
    return 0;
  }
  using strata::schema::Dialect;
  strata::schema::Diff up = strata::schema::DiffSchemas(Base(), *schema, Dialect::kSqlite);
  strata::schema::Diff down = strata::schema::DiffSchemas(*schema, Base(), Dialect::kSqlite);
  (void)strata::schema::RenderMigration(up);
  (void)strata::schema::RenderMigration(down);
  (void)strata::schema::DiffSchemas(*schema, *schema, Dialect::kSqlite);
  static const bool check = [] {
    const char* v = std::getenv("STRATA_FUZZ_REBUILD_CHECK");
    return v != nullptr && std::string(v) == "1";
  }();
  // A schema whose foreign keys SQLite itself refuses to check ("foreign key
  // mismatch": the parent key is not unique) fails any migration's
  // foreign_key_check, as it should: not a fault of the plan. Nor is a
  // table that refuses every row failing to take the copied rows.
  if (check && (*conn)->Query("PRAGMA foreign_key_check").ok() && !RefusesEveryRow(**conn, *schema) &&
      !ReferencesSqliteTable(*schema)) {
    std::string input(sql);
    CheckPlan(up, kBase, Base(), true, *schema, input);
    CheckPlan(down, sql, *schema, false, Base(), input);
  }
  return 0;
}
