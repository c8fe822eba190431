#include "sql/lint.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace strata::sql {
namespace {

// The schema every rule case starts from: created by an earlier migration,
// so these tables count as existing.
constexpr const char* kSetup = R"sql(
CREATE TABLE users (id bigint PRIMARY KEY, email text, name varchar(50), age int, price numeric(10,2));
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);
CREATE INDEX users_email ON users (email);
CREATE UNIQUE INDEX users_email_idx ON users (email);
CREATE MATERIALIZED VIEW mv AS SELECT id FROM users;
CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
)sql";

struct Script {
  std::string sql;
  std::string down_sql{};
  bool no_transaction = false;
  bool has_down = true;
  Dialect dialect = Dialect::kPostgres;
  bool idempotent = false;
};

LintResult LintAfterSetup(const Script& run, const TableStats* stats = nullptr) {
  std::vector<LintMigration> ms(2);
  ms[0].version = "0001";
  ms[0].name = "setup";
  ms[0].file = "0001_setup.up.sql";
  ms[0].sql = kSetup;
  ms[0].report = false;
  ms[1].version = "0002";
  ms[1].name = "change";
  ms[1].file = "0002_change.up.sql";
  ms[1].sql = run.sql;
  ms[1].no_transaction = run.no_transaction;
  ms[1].has_down = run.has_down;
  ms[1].down_file = "0002_change.down.sql";
  ms[1].down_sql = run.down_sql;
  LintOptions options;
  options.dialect = run.dialect;
  options.require_idempotent = run.idempotent;
  options.stats = stats;
  return Lint(ms, options);
}

std::vector<std::string> RuleIds(const Script& run) {
  std::vector<std::string> ids;
  for (const Finding& f : LintAfterSetup(run).findings) ids.push_back(f.rule);
  return ids;
}

bool Has(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// One rule: SQL that must trigger it, and the similar safe SQL that must not.
struct RuleCase {
  std::string rule;
  Script bad;
  Script good;
};

Script Tx(std::string sql) { return Script{std::move(sql)}; }
Script NoTx(std::string sql) {
  Script r{std::move(sql)};
  r.no_transaction = true;
  return r;
}

Script Sqlite(std::string sql) {
  Script r{std::move(sql)};
  r.dialect = Dialect::kSqlite;
  return r;
}

// A SQLite rebuild of `users` while kids references it.
constexpr const char* kKidsAndRebuild =
    "CREATE TABLE kids (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id) ON DELETE CASCADE);\n"
    "CREATE TABLE new_users (id INTEGER PRIMARY KEY, email TEXT);\n"
    "INSERT INTO new_users (id, email) SELECT id, email FROM users;\n"
    "DROP TABLE users;\n"
    "ALTER TABLE new_users RENAME TO users;\n";

std::vector<RuleCase> Cases() {
  Script no_down = Tx("SELECT 1;");
  no_down.has_down = false;
  Script idem_bad = Tx("CREATE TABLE t (id bigint PRIMARY KEY);");
  idem_bad.idempotent = true;
  Script idem_good = Tx("CREATE TABLE IF NOT EXISTS t (id bigint PRIMARY KEY);");
  idem_good.idempotent = true;
  return {
      {"syntax-error", Tx("CREATE TABLE (;"), Tx("CREATE TABLE t (id bigint PRIMARY KEY);")},
      {"drop-table", Tx("DROP TABLE users;"), Tx("CREATE TABLE tmp (id bigint); DROP TABLE tmp;")},
      {"drop-column", Tx("ALTER TABLE users DROP COLUMN email;"),
       Tx("ALTER TABLE users ADD COLUMN x text; ALTER TABLE users DROP COLUMN x;")},
      {"drop-schema", Tx("DROP SCHEMA app CASCADE;"), Tx("CREATE SCHEMA tmp; DROP SCHEMA tmp;")},
      {"truncate-table", Tx("TRUNCATE users;"), Tx("CREATE TABLE t (id bigint); TRUNCATE t;")},
      {"delete-without-where", Tx("DELETE FROM users;"), Tx("DELETE FROM users WHERE id = 1;")},
      {"update-without-where", Tx("UPDATE users SET email = NULL;"), Tx("UPDATE users SET email = NULL WHERE id = 1;")},
      {"rename-table", Tx("ALTER TABLE users RENAME TO people;"),
       Tx("CREATE TABLE t (id bigint); ALTER TABLE t RENAME TO t2;")},
      {"rename-column", Tx("ALTER TABLE users RENAME COLUMN email TO mail;"),
       Tx("ALTER TABLE users ADD COLUMN x text; ALTER TABLE users RENAME COLUMN x TO y;")},
      {"change-column-type", Tx("ALTER TABLE users ALTER COLUMN age TYPE text;"),
       Tx("ALTER TABLE users ALTER COLUMN name TYPE varchar(100);")},
      {"set-not-null", Tx("ALTER TABLE users ALTER COLUMN email SET NOT NULL;"),
       Tx("ALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;\n"
          "ALTER TABLE users VALIDATE CONSTRAINT email_nn;\n"
          "ALTER TABLE users ALTER COLUMN email SET NOT NULL;")},
      {"add-not-null-column-without-default", Tx("ALTER TABLE users ADD COLUMN score int NOT NULL;"),
       Tx("ALTER TABLE users ADD COLUMN score int NOT NULL DEFAULT 0;")},
      {"add-unique-constraint", Tx("ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);"),
       Tx("ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;")},
      {"add-check-constraint", Tx("ALTER TABLE users ADD CONSTRAINT age_pos CHECK (age > 0);"),
       Tx("ALTER TABLE users ADD CONSTRAINT age_pos CHECK (age > 0) NOT VALID;")},
      {"add-foreign-key", Tx("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id);"),
       Tx("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;")},
      {"add-index-without-concurrently", Tx("CREATE INDEX users_name ON users (name);"),
       NoTx("CREATE INDEX CONCURRENTLY users_name ON users (name);")},
      {"drop-index-without-concurrently", Tx("DROP INDEX users_email;"), NoTx("DROP INDEX CONCURRENTLY users_email;")},
      {"reindex-without-concurrently", Tx("REINDEX INDEX users_email;"),
       NoTx("REINDEX INDEX CONCURRENTLY users_email;")},
      {"constraint-without-not-valid",
       Tx("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id);"),
       Tx("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;")},
      {"table-rewrite", Tx("ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();"),
       Tx("ALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT now();")},
      {"table-rewrite", Tx("ALTER TABLE users ALTER COLUMN age TYPE bigint;"),
       Tx("ALTER TABLE users ALTER COLUMN name TYPE text;")},
      // Issue 13: the ADD COLUMN and constraint forms that block production.
      {"add-index-without-concurrently", Tx("ALTER TABLE users ADD COLUMN handle text UNIQUE;"),
       Tx("ALTER TABLE users ADD COLUMN handle text;")},
      {"add-index-without-concurrently", Tx("ALTER TABLE orders ADD COLUMN code bigint PRIMARY KEY;"),
       Tx("CREATE TABLE t (id bigint);\nALTER TABLE t ADD COLUMN code bigint PRIMARY KEY;")},
      {"add-unique-constraint", Tx("ALTER TABLE users ADD COLUMN handle text UNIQUE DEFAULT 'x';"),
       Tx("ALTER TABLE users ADD COLUMN handle uuid UNIQUE DEFAULT gen_random_uuid();")},
      {"constraint-without-not-valid",
       Tx("ALTER TABLE users ADD CONSTRAINT age_pos CHECK (age > 0) NOT VALID;\n"
          "ALTER TABLE users VALIDATE CONSTRAINT age_pos;"),
       NoTx("ALTER TABLE users ADD CONSTRAINT age_pos CHECK (age > 0) NOT VALID;\n"
            "ALTER TABLE users VALIDATE CONSTRAINT age_pos;")},
      {"constraint-without-not-valid",
       Tx("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n"
          "ALTER TABLE orders VALIDATE CONSTRAINT fk;"),
       NoTx("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n"
            "ALTER TABLE orders VALIDATE CONSTRAINT fk;")},
      {"constraint-without-not-valid", Tx("ALTER TABLE orders ADD COLUMN owner_id bigint REFERENCES users (id);"),
       Tx("ALTER TABLE orders ADD COLUMN owner_id bigint;\n"
          "ALTER TABLE orders ADD CONSTRAINT orders_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES users (id) NOT VALID;")},
      {"constraint-without-not-valid",
       Tx("ALTER TABLE orders ADD COLUMN owner_id bigint REFERENCES users;"),
       Tx("CREATE TABLE owners (id bigint PRIMARY KEY);\n"
          "ALTER TABLE orders ADD COLUMN owner_id bigint REFERENCES owners (id);")},
      {"table-rewrite", Tx("ALTER TABLE unknown ADD COLUMN token uuid DEFAULT gen_random_uuid();"),
       Tx("ALTER TABLE unknown ADD COLUMN at timestamptz DEFAULT now();")},
      {"table-rewrite", Tx("ALTER TABLE users ADD COLUMN r int DEFAULT (random() * 100)::int;"),
       Tx("ALTER TABLE users ADD COLUMN r int DEFAULT (length('abc') * 100)::int;")},
      {"table-rewrite", Tx("ALTER TABLE users ADD COLUMN code text DEFAULT app.next_code();"),
       Tx("ALTER TABLE users ADD COLUMN at timestamp DEFAULT (now() AT TIME ZONE 'utc');")},
      {"table-rewrite", Tx("ALTER TABLE users ADD COLUMN at timestamptz DEFAULT clock_timestamp();"),
       Tx("ALTER TABLE users ADD COLUMN at timestamptz DEFAULT CURRENT_TIMESTAMP;")},
      {"table-rewrite", Tx("ALTER TABLE users ADD COLUMN tags text[] DEFAULT ARRAY[md5(random()::text)];"),
       Tx("ALTER TABLE users ADD COLUMN tags text[] DEFAULT '{}'::text[];")},
      {"reindex-without-concurrently", Tx("REINDEX TABLE users;"), NoTx("REINDEX SYSTEM app;")},
      {"reindex-without-concurrently", NoTx("REINDEX SCHEMA public;"), NoTx("REINDEX TABLE pg_catalog.pg_class;")},
      {"reindex-without-concurrently", NoTx("REINDEX DATABASE app;"), Tx("REINDEX INDEX pg_class_oid_index;")},
      {"concurrently-in-transaction", Tx("REINDEX SYSTEM app;"), NoTx("REINDEX SYSTEM app;")},
      {"concurrently-in-transaction", Tx("REINDEX SCHEMA public;"), NoTx("REINDEX SCHEMA public;")},
      {"vacuum-full", NoTx("VACUUM FULL users;"), NoTx("VACUUM users;")},
      {"cluster", Tx("CLUSTER users USING users_email;"), Tx("ALTER TABLE users CLUSTER ON users_email;")},
      {"refresh-materialized-view-without-concurrently", Tx("REFRESH MATERIALIZED VIEW mv;"),
       Tx("REFRESH MATERIALIZED VIEW CONCURRENTLY mv;")},
      {"missing-lock-timeout", Tx("ALTER TABLE users ADD COLUMN x text;"),
       Tx("SET LOCAL lock_timeout = '5s';\nALTER TABLE users ADD COLUMN x text;")},
      {"concurrently-in-transaction", Tx("CREATE INDEX CONCURRENTLY users_name ON users (name);"),
       NoTx("CREATE INDEX CONCURRENTLY users_name ON users (name);")},
      {"missing-down-migration", no_down, Tx("SELECT 1;")},
      {"drop-referenced-table", Sqlite(kKidsAndRebuild),
       Sqlite(std::string("PRAGMA foreign_keys=OFF;\n") + kKidsAndRebuild)},
      {"drop-cascade", Tx("DROP TABLE orders CASCADE;"), Tx("DROP TABLE orders;")},
      {"transaction-control", Tx("BEGIN;\nSELECT 1;\nCOMMIT;\nSELECT 2;"), Tx("BEGIN;\nSELECT 1;\nCOMMIT;")},
      {"pragma-foreign-keys-in-transaction", Sqlite("SELECT 1;\nPRAGMA foreign_keys=OFF;"),
       Sqlite("PRAGMA foreign_keys=OFF;\nSELECT 1;")},
      {"session-set", Tx("SET search_path TO app;"), Tx("SET LOCAL search_path TO app;")},
      {"session-set", Tx("SELECT pg_catalog.set_config('search_path', '', false);"),
       Tx("SELECT pg_catalog.set_config('search_path', '', true);")},
      {"timestamp-without-time-zone", Tx("CREATE TABLE t (id bigint PRIMARY KEY, at timestamp);"),
       Tx("CREATE TABLE t (id bigint PRIMARY KEY, at timestamptz);")},
      {"prefer-text-over-varchar", Tx("CREATE TABLE t (id bigint PRIMARY KEY, name varchar(20));"),
       Tx("CREATE TABLE t (id bigint PRIMARY KEY, name text);")},
      {"int-primary-key", Tx("CREATE TABLE t (id int PRIMARY KEY);"), Tx("CREATE TABLE t (id bigint PRIMARY KEY);")},
      {"int-primary-key", Tx("CREATE TABLE t (id serial, PRIMARY KEY (id));"),
       Tx("CREATE TABLE t (id bigserial, PRIMARY KEY (id));")},
      {"non-idempotent-ddl", idem_bad, idem_good},
  };
}

TEST(LintRulesTest, EachRuleTriggersOnTheRiskyFormOnly) {
  for (const RuleCase& c : Cases()) {
    auto bad = RuleIds(c.bad);
    auto good = RuleIds(c.good);
    EXPECT_TRUE(Has(bad, c.rule)) << c.rule << " not reported for: " << c.bad.sql;
    EXPECT_FALSE(Has(good, c.rule)) << c.rule << " reported for the safe form: " << c.good.sql;
  }
}

TEST(LintRulesTest, EveryRuleHasATestCaseAndADocPage) {
  std::map<std::string, int> covered;
  for (const RuleCase& c : Cases()) covered[c.rule]++;
  for (const RuleInfo& r : AllRules()) {
    EXPECT_TRUE(covered.count(std::string(r.id))) << "no test case for " << r.id;
    EXPECT_FALSE(r.hint.empty()) << r.id;
    std::string page = std::string(STRATA_DOCS_DIR) + "/lint/" + std::string(r.id) + ".md";
    EXPECT_TRUE(std::ifstream(page).good()) << "no doc page " << page;
  }
}

const Finding* FindingOf(const LintResult& r, const std::string& rule) {
  for (const Finding& f : r.findings) {
    if (f.rule == rule) return &f;
  }
  return nullptr;
}

TEST(LintIssue13Test, AddColumnUniqueNamesTheConcurrentlyBuiltIndexAndUsingIndex) {
  LintResult r = LintAfterSetup(Tx("ALTER TABLE users ADD COLUMN handle text UNIQUE;"));
  const Finding* f = FindingOf(r, "add-index-without-concurrently");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->message.find("ACCESS EXCLUSIVE"), std::string::npos) << f->message;
  EXPECT_NE(f->hint.find("CREATE UNIQUE INDEX CONCURRENTLY users_handle_key ON users (handle)"), std::string::npos)
      << f->hint;
  EXPECT_NE(f->hint.find("ADD CONSTRAINT users_handle_key UNIQUE USING INDEX users_handle_key"), std::string::npos)
      << f->hint;
  // A nullable column without a default is all NULL: no duplicates to fail on.
  EXPECT_EQ(FindingOf(r, "add-unique-constraint"), nullptr);
}

TEST(LintIssue13Test, NotValidThenValidateInOneTransactionSaysTheLockIsHeldThroughTheScan) {
  LintResult check = LintAfterSetup(Tx("ALTER TABLE users ADD CONSTRAINT age_pos CHECK (age > 0) NOT VALID;\n"
                                      "ALTER TABLE users VALIDATE CONSTRAINT age_pos;"));
  ASSERT_EQ(check.findings.size(), 2u);  // and missing-lock-timeout
  const Finding* f = FindingOf(check, "constraint-without-not-valid");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->line, 2);  // at the VALIDATE
  EXPECT_NE(f->message.find("ACCESS EXCLUSIVE lock ADD CONSTRAINT took on users"), std::string::npos) << f->message;
  EXPECT_NE(f->hint.find("later migration"), std::string::npos) << f->hint;

  LintResult fk = LintAfterSetup(
      Tx("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n"
         "ALTER TABLE orders VALIDATE CONSTRAINT fk;"));
  f = FindingOf(fk, "constraint-without-not-valid");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->message.find("SHARE ROW EXCLUSIVE locks ADD CONSTRAINT took on orders and users"), std::string::npos)
      << f->message;

  // Added NOT VALID by an earlier migration: VALIDATE is the safe second step.
  const char* files[][2] = {{"0001_setup.up.sql", kSetup},
                            {"0002_add.up.sql", "ALTER TABLE users ADD CONSTRAINT age_pos CHECK (age > 0) NOT VALID;"},
                            {"0003_validate.up.sql", "ALTER TABLE users VALIDATE CONSTRAINT age_pos;"}};
  std::vector<LintMigration> ms(3);
  for (size_t i = 0; i < ms.size(); ++i) {
    ms[i].version = std::string(files[i][0]).substr(0, 4);
    ms[i].file = files[i][0];
    ms[i].sql = files[i][1];
  }
  LintOptions options;
  options.lock_timeout_configured = true;
  LintResult later = Lint(ms, options);
  for (const Finding& each : later.findings) EXPECT_NE(each.rule, "constraint-without-not-valid") << each.message;
}

TEST(LintIssue13Test, AddColumnReferencesSaysItLocksTheOtherTableAndShowsNotValid) {
  LintResult r = LintAfterSetup(Tx("ALTER TABLE orders ADD COLUMN owner_id bigint REFERENCES users (id);"));
  const Finding* f = FindingOf(r, "constraint-without-not-valid");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->message.find("SHARE ROW EXCLUSIVE on users"), std::string::npos) << f->message;
  EXPECT_NE(f->hint.find("ALTER TABLE orders ADD CONSTRAINT orders_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES "
                         "users (id) NOT VALID"),
            std::string::npos)
      << f->hint;
  EXPECT_NE(f->hint.find("VALIDATE CONSTRAINT orders_owner_id_fkey in a later migration"), std::string::npos) << f->hint;
}

// Which lock_timeout reaches a statement: strata.toml's is a SET LOCAL in the
// transaction strata opens, so a no-transaction migration gets none from it,
// nor from a SET LOCAL of its own outside a BEGIN ... COMMIT.
std::vector<std::string> LockTimeoutFindingLines(const Script& run, bool configured) {
  std::vector<LintMigration> ms(2);
  ms[0].version = "0001";
  ms[0].file = "0001_setup.up.sql";
  ms[0].sql = kSetup;
  ms[0].report = false;
  ms[1].version = "0002";
  ms[1].file = "0002_change.up.sql";
  ms[1].sql = run.sql;
  ms[1].no_transaction = run.no_transaction;
  LintOptions options;
  options.lock_timeout_configured = configured;
  std::vector<std::string> out;
  for (const Finding& f : Lint(ms, options).findings) {
    if (f.rule == "missing-lock-timeout") out.push_back(std::to_string(f.line) + ": " + f.hint);
  }
  return out;
}

TEST(LintIssue13Test, NoTransactionMigrationGetsNoLockTimeoutFromConfigOrSetLocal) {
  // In a transaction, strata.toml's lock_timeout covers the statement.
  EXPECT_TRUE(LockTimeoutFindingLines(Tx("DROP INDEX users_email;"), true).empty());
  // Without one, it does not, and the hint says what does.
  auto lines = LockTimeoutFindingLines(NoTx("DROP INDEX users_email;"), true);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("SET lock_timeout = '5s' at the top of this migration"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[0].find("SET LOCAL lock_timeout"), std::string::npos) << lines[0];
  // SET LOCAL outside a transaction block: PostgreSQL ignores it.
  EXPECT_EQ(LockTimeoutFindingLines(NoTx("SET LOCAL lock_timeout = '5s';\nDROP INDEX users_email;"), true).size(), 1u);
  // A session SET reaches every statement after it.
  EXPECT_TRUE(LockTimeoutFindingLines(NoTx("SET lock_timeout = '5s';\nDROP INDEX users_email;"), false).empty());
  // SET LOCAL inside the file's own BEGIN ... COMMIT lasts until COMMIT.
  lines = LockTimeoutFindingLines(NoTx("BEGIN;\nSET LOCAL lock_timeout = '5s';\nALTER TABLE users ADD COLUMN x int;\n"
                                       "COMMIT;\nDROP INDEX users_email;"),
                                  false);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].substr(0, 2), "5:") << lines[0];
}

// A data migration over the 256 KiB chunk: literal INSERTs skip the parse
// (literal_insert.h), everything else is linted as in a small file, at the
// right line, in order, and every statement counts.
TEST(LintLargeFileTest, LiteralInsertsSkipTheParseAndTheRestIsLintedInOrder) {
  std::string big;
  int line = 0;
  auto add = [&](const std::string& statement) {
    big += statement + "\n";
    return ++line;
  };
  for (int i = 0; i < 3000; ++i) add("INSERT INTO users (id, email) VALUES (" + std::to_string(i) + ", 'u" +
                                     std::to_string(i) + "@example.com'), (-1, NULL);");
  int drop_line = add("DROP TABLE orders;");
  for (int i = 0; i < 3000; ++i) add("INSERT INTO users VALUES (" + std::to_string(i) + ", 'x', 'y', 1, 2.5);");
  int update_line = add("UPDATE users SET email = NULL;");
  for (int i = 0; i < 3000; ++i) add("INSERT INTO users VALUES (" + std::to_string(i) + ", 'x', 'y', 1, 2.5);");
  int syntax_line = add("INSERT INTO users VALUES (1, 'x';");
  ASSERT_GT(big.size(), size_t{256 * 1024});
  LintResult r = LintAfterSetup(Tx(big));
  EXPECT_EQ(r.statements, 9004 + 5) << "setup's 5 statements, then every statement of the file";
  const Finding* drop = FindingOf(r, "drop-table");
  ASSERT_NE(drop, nullptr);
  EXPECT_EQ(drop->line, drop_line);
  const Finding* update = FindingOf(r, "update-without-where");
  ASSERT_NE(update, nullptr);
  EXPECT_EQ(update->line, update_line);
  const Finding* syntax = FindingOf(r, "syntax-error");
  ASSERT_NE(syntax, nullptr);
  EXPECT_EQ(syntax->line, syntax_line);
}

// plan's analysis of a large file: a literal INSERT that skips the parse is
// described exactly as the parse describes it (kind, locks, lock table row,
// place), and the other statements are parsed as before.
TEST(LintLargeFileTest, AnalyzeDescribesSkippedInsertsAsTheParseDoes) {
  std::string big = "CREATE TABLE \"Mixed\" (id int);\n";
  for (int i = 0; i < 6000; ++i) {
    big += i % 3 == 0   ? "INSERT INTO App.Users (id) VALUES (" + std::to_string(i) + ");\n"
           : i % 3 == 1 ? "INSERT INTO \"Mixed\" VALUES (" + std::to_string(i) + "), (-1);\n"
                        : "insert into users values (" + std::to_string(i) + ", 'a', 'b', 1, 2.5);\n";
  }
  big += "ALTER TABLE users ADD COLUMN z int;\n";
  ASSERT_GT(big.size(), size_t{256 * 1024});
  std::vector<StatementInfo> infos;
  ASSERT_TRUE(AnalyzePostgres(big, false, [&](StatementInfo&& info) { infos.push_back(std::move(info)); }).ok());
  ASSERT_EQ(infos.size(), 6002u);
  EXPECT_EQ(infos.back().kind, "ALTER TABLE");
  EXPECT_EQ(infos.back().line, 6002);
  for (size_t i = 1; i + 1 < infos.size(); i += 97) {
    const StatementInfo& fast = infos[i];
    auto parsed = AnalyzePostgres(big.substr(fast.offset, fast.length), false);
    ASSERT_TRUE(parsed.ok() && parsed->size() == 1u);
    const StatementInfo& slow = (*parsed)[0];
    EXPECT_EQ(fast.kind, slow.kind);
    ASSERT_EQ(fast.locks.size(), slow.locks.size());
    EXPECT_EQ(fast.locks[0].relation, slow.locks[0].relation);
    EXPECT_EQ(fast.locks[0].mode, slow.locks[0].mode);
    EXPECT_EQ(fast.forms, slow.forms);
    EXPECT_EQ(fast.rewrites, slow.rewrites);
    EXPECT_EQ(fast.scans, slow.scans);
    EXPECT_EQ(fast.line, static_cast<int>(i) + 1);
    EXPECT_EQ(fast.column, 1);
    EXPECT_TRUE(fast.in_transaction);
  }
}

TEST(LintIssue13Test, PartitionedTableIndexGetsTheOnOnlyRecipeNotConcurrently) {
  // PostgreSQL: "cannot create index on partitioned table concurrently".
  LintResult r = LintAfterSetup(Tx("CREATE INDEX events_at ON events (at);"));
  const Finding* f = FindingOf(r, "add-index-without-concurrently");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->message.find("partitioned table events"), std::string::npos) << f->message;
  EXPECT_NE(f->hint.find("refuses CONCURRENTLY on a partitioned table"), std::string::npos) << f->hint;
  EXPECT_NE(f->hint.find("CREATE INDEX events_at ON ONLY events"), std::string::npos) << f->hint;
  EXPECT_NE(f->hint.find("ALTER INDEX events_at ATTACH PARTITION"), std::string::npos) << f->hint;
  // ON ONLY is the recipe's first step: no partition is scanned.
  LintResult only = LintAfterSetup(Tx("CREATE INDEX events_at ON ONLY events (at);"));
  EXPECT_EQ(FindingOf(only, "add-index-without-concurrently"), nullptr);
  // A partition itself takes CONCURRENTLY as any table does.
  LintResult part = LintAfterSetup(Tx("CREATE INDEX events_2026_at ON events_2026 (at);"));
  f = FindingOf(part, "add-index-without-concurrently");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->hint.find("partitioned"), std::string::npos) << f->hint;
}

TEST(LintIssue13Test, ConcurrentlyIsNeverAdvisedWherePostgresRefusesIt) {
  // In a migration already marked no-transaction the hint does not ask to mark it.
  LintResult notx = LintAfterSetup(NoTx("CREATE INDEX users_name ON users (name);\nREINDEX TABLE users;"));
  const Finding* index = FindingOf(notx, "add-index-without-concurrently");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->hint, "CREATE INDEX CONCURRENTLY (the migration is already -- strata:no-transaction)");
  const Finding* reindex = FindingOf(notx, "reindex-without-concurrently");
  ASSERT_NE(reindex, nullptr);
  EXPECT_EQ(reindex->hint.find("marked"), std::string::npos) << reindex->hint;
  // Inside the file's own BEGIN ... COMMIT, CONCURRENTLY is refused: say so.
  LintResult block = LintAfterSetup(NoTx("BEGIN;\nDROP INDEX users_email;\nCOMMIT;"));
  const Finding* drop = FindingOf(block, "drop-index-without-concurrently");
  ASSERT_NE(drop, nullptr);
  EXPECT_NE(drop->hint.find("after the file's COMMIT"), std::string::npos) << drop->hint;
  // System catalogs have no CONCURRENTLY form at all.
  for (const char* sql : {"REINDEX SYSTEM app;", "REINDEX TABLE pg_catalog.pg_class;", "REINDEX INDEX pg_toast.x;",
                          "REINDEX SCHEMA pg_catalog;"}) {
    for (const Finding& f : LintAfterSetup(NoTx(sql)).findings) {
      EXPECT_EQ(f.hint.find("CONCURRENTLY"), std::string::npos) << sql << ": " << f.rule << ": " << f.hint;
    }
  }
  // REINDEX SYSTEM in a transactional migration is refused outright.
  LintResult tx = LintAfterSetup(Tx("REINDEX SYSTEM app;"));
  ASSERT_EQ(tx.findings.size(), 1u) << tx.findings[0].rule;
  EXPECT_EQ(tx.findings[0].rule, "concurrently-in-transaction");
  EXPECT_NE(tx.findings[0].message.find("REINDEX SYSTEM cannot run inside a transaction block"), std::string::npos);
}

TEST(LintRulesTest, SafeFormsAreClean) {
  // The canonical safe sequences produce no finding at all.
  Script index = NoTx("CREATE INDEX CONCURRENTLY users_name ON users (name);");
  EXPECT_EQ(RuleIds(index), std::vector<std::string>{});
  Script fk = Tx("SET LOCAL lock_timeout = '2s';\n"
              "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;");
  EXPECT_EQ(RuleIds(fk), std::vector<std::string>{});
  Script new_table = Tx("CREATE TABLE t (id bigint PRIMARY KEY, user_id bigint REFERENCES orders (id), note text);\n"
                     "CREATE INDEX t_note ON t (note);\n"
                     "ALTER TABLE t ADD CONSTRAINT note_len CHECK (length(note) < 100);\n"
                     "ALTER TABLE t ALTER COLUMN note SET NOT NULL;");
  // Creating t with a foreign key locks orders (SHARE ROW EXCLUSIVE) without a
  // lock_timeout; nothing else, because t is new.
  EXPECT_EQ(RuleIds(new_table), std::vector<std::string>{"missing-lock-timeout"});
}

TEST(LintRulesTest, AllowAnnotationAndOptionSilenceRules) {
  std::vector<LintMigration> ms(1);
  ms[0].version = "0001";
  ms[0].name = "drop";
  ms[0].file = "f.sql";
  ms[0].sql = "DROP TABLE users; TRUNCATE orders;";
  ms[0].allow = {"drop-table"};
  LintOptions options;
  options.allow = {"truncate-table"};
  options.lock_timeout_configured = true;
  LintResult r = Lint(ms, options);
  EXPECT_TRUE(r.findings.empty()) << r.findings.front().rule;
  EXPECT_EQ(r.allowed, 2);
}

TEST(LintRulesTest, TableCreatedInAnEarlierMigrationCountsAsExisting) {
  std::vector<LintMigration> ms(2);
  ms[0].version = "0001";
  ms[0].file = "a.sql";
  ms[0].sql = "CREATE TABLE t (id bigint PRIMARY KEY, x text);";
  ms[1].version = "0002";
  ms[1].file = "b.sql";
  ms[1].sql = "CREATE INDEX t_x ON t (x);";
  LintOptions options;
  options.lock_timeout_configured = true;
  LintResult r = Lint(ms, options);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].rule, "add-index-without-concurrently");
  EXPECT_EQ(r.findings[0].file, "b.sql");
  EXPECT_EQ(r.findings[0].severity, Severity::kError);
  EXPECT_FALSE(r.findings[0].hint.empty());
}

TEST(LintRulesTest, SqliteRunsOnlyGenericRulesAndSkipsUnparsableStatements) {
  Script run;
  run.dialect = Dialect::kSqlite;
  run.sql = "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, at timestamp);\n"
            "CREATE INDEX users_name ON users (name);\n"
            "DROP TABLE users;";
  EXPECT_EQ(RuleIds(run), std::vector<std::string>{"drop-table"});
}

TEST(LintRulesTest, ParseErrorIsReportedAndTheRestStillLinted) {
  Script run = Tx("SET LOCAL lock_timeout = '1s';\nSELEC 1;\nDROP TABLE users;");
  LintResult r = LintAfterSetup(run);
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].rule, "syntax-error");
  EXPECT_EQ(r.findings[0].line, 2);
  EXPECT_EQ(r.findings[0].message, "syntax error at or near \"SELEC\"");
  EXPECT_EQ(r.findings[1].rule, "drop-table");
  EXPECT_EQ(r.findings[1].line, 3);
}

// The parser's own words, once, on one line.
TEST(LintRulesTest, SyntaxErrorMessageIsTheParsersOnOneLine) {
  LintResult r = LintAfterSetup(Tx("SET LOCAL lock_timeout = '1s';\nSELECT 'x;\nSELECT 1;\n"));
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].message, "syntax error: unterminated quoted string at or near \"'x;\\nSELECT 1;\\n\"");
  EXPECT_EQ(r.findings[0].line, 2);
  EXPECT_EQ(r.findings[0].column, 8);
}

TEST(LintLocationTest, FindingsPointAtTheStatementsFirstCharacter) {
  Script run = Tx("-- strata:allow nothing\n/* a comment */ SET LOCAL lock_timeout = '1s';\n\n  DROP TABLE users;\n"
               "SELECT 'é'; DELETE FROM orders;");
  LintResult r = LintAfterSetup(run);
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].line, 4);
  EXPECT_EQ(r.findings[0].column, 3);
  EXPECT_EQ(r.findings[1].rule, "delete-without-where");
  EXPECT_EQ(r.findings[1].line, 5);
  EXPECT_EQ(r.findings[1].column, 13);  // characters, not bytes
}

class FakeStats : public TableStats {
 public:
  explicit FakeStats(double rows) : rows_(rows) {}
  std::optional<double> EstimatedRows(std::string_view table) const override {
    if (table == "users") return rows_;
    return std::nullopt;
  }

 private:
  double rows_;
};

// A broken down file is found when the migration is linted, not the day it
// is needed; a correct one, however destructive, is not a finding.
TEST(LintDownTest, DownFileSyntaxErrorIsReportedAtItsLine) {
  Script run = Tx("CREATE TABLE tags (id bigint PRIMARY KEY);");
  run.down_sql = "-- undo\nDROP TABEL tags;\n";
  LintResult r = LintAfterSetup(run);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].rule, "syntax-error");
  EXPECT_EQ(r.findings[0].file, "0002_change.down.sql");
  EXPECT_EQ(r.findings[0].line, 2);
  EXPECT_EQ(r.findings[0].column, 6);
  EXPECT_EQ(r.findings[0].message, "syntax error in the down migration at or near \"TABEL\"");

  run.down_sql = "DROP TABLE tags;\n";
  EXPECT_TRUE(LintAfterSetup(run).findings.empty());
  run.down_sql = "DROP TABEL tags;\n";
  run.dialect = Dialect::kSqlite;  // the PostgreSQL grammar is no judge of SQLite's
  EXPECT_TRUE(LintAfterSetup(run).findings.empty());
}

TEST(LintSizesTest, SmallTablesDowngradeLockingErrorsAndSizesAreShown) {
  Script run = Tx("SET LOCAL lock_timeout = '1s'; CREATE INDEX users_name ON users (name);");
  FakeStats small(5);
  LintResult r = LintAfterSetup(run, &small);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].severity, Severity::kWarning);
  EXPECT_NE(r.findings[0].message.find("~5 rows"), std::string::npos) << r.findings[0].message;
  FakeStats big(2.5e6);
  r = LintAfterSetup(run, &big);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].severity, Severity::kError);
  EXPECT_NE(r.findings[0].message.find("~2.5M rows"), std::string::npos) << r.findings[0].message;
}

// What `strata generate` writes to change a SQLite table (diff_sqlite.cc's
// Rebuild): copy the rows into new_users, drop users, rename new_users.
constexpr const char* kRebuild = R"sql(-- strata:foreign-keys-off
-- (a table is rebuilt or a referenced table dropped: strata turns foreign keys
-- off around this migration's transaction and runs PRAGMA foreign_key_check
-- before it commits)

-- rebuild table users (type of age: INTEGER -> TEXT)
CREATE TABLE "new_users" (
  "id" bigint,
  "email" TEXT,
  "name" varchar(50),
  "age" TEXT,
  "price" numeric(10,2),
  PRIMARY KEY ("id")
);
INSERT INTO "new_users" ("id", "email", "name", "age", "price") SELECT "id", "email", "name", "age", "price" FROM "users";
DROP TABLE "users";
ALTER TABLE "new_users" RENAME TO "users";
)sql";

std::string Describe(const LintResult& r) {
  std::string out;
  for (const Finding& f : r.findings) out += f.rule + ": " + f.message + "\n";
  return out;
}

TEST(LintRebuildTest, SqliteTableRebuildIsNotADropOrARename) {
  Script run = Tx(kRebuild);
  run.dialect = Dialect::kSqlite;
  LintResult r = LintAfterSetup(run);
  EXPECT_TRUE(r.findings.empty()) << Describe(r);
}

TEST(LintRebuildTest, PostgresTableRebuildIsNotADropOrARename) {
  LintResult r = LintAfterSetup(Tx(std::string("SET LOCAL lock_timeout = '5s';\n") + kRebuild));
  // Only the PostgreSQL type advice on the new table's varchar column.
  std::vector<std::string> ids;
  for (const Finding& f : r.findings) ids.push_back(f.rule);
  EXPECT_EQ(ids, std::vector<std::string>{"prefer-text-over-varchar"}) << Describe(r);
}

TEST(LintRebuildTest, RebuildOfAnAutoincrementTableWhoseCreateTheParserCannotRead) {
  Script run = Tx(R"sql(-- strata:foreign-keys-off
CREATE TABLE "new_users" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "email" TEXT);
INSERT INTO "sqlite_sequence" ("name", "seq") SELECT 'new_users', "seq" FROM "sqlite_sequence" WHERE "name" = 'users';
INSERT INTO "new_users" ("id", "email") SELECT "id", "email" FROM "users";
DROP TABLE "users";
ALTER TABLE "new_users" RENAME TO "users";
)sql");
  run.dialect = Dialect::kSqlite;
  LintResult r = LintAfterSetup(run);
  EXPECT_TRUE(r.findings.empty()) << Describe(r);
}

TEST(LintRebuildTest, DropWithoutTheCopyAndRenameIsStillAFinding) {
  for (Dialect dialect : {Dialect::kSqlite, Dialect::kPostgres}) {
    // No copy: the rows are gone even though a table takes the name.
    Script no_copy = Tx(
        "CREATE TABLE new_users (id bigint PRIMARY KEY);\n"
        "DROP TABLE users;\n"
        "ALTER TABLE new_users RENAME TO users;\n");
    // Copied, but the copy never takes the dropped table's name.
    Script no_rename = Tx(
        "CREATE TABLE new_users (id bigint PRIMARY KEY);\n"
        "INSERT INTO new_users (id) SELECT id FROM users;\n"
        "DROP TABLE users;\n");
    Script other_name = Tx(
        "CREATE TABLE new_users (id bigint PRIMARY KEY);\n"
        "INSERT INTO new_users (id) SELECT id FROM users;\n"
        "DROP TABLE users;\n"
        "ALTER TABLE new_users RENAME TO people;\n");
    // The copy is from another table.
    Script other_source = Tx(
        "CREATE TABLE new_users (id bigint PRIMARY KEY);\n"
        "INSERT INTO new_users (id) SELECT id FROM orders;\n"
        "DROP TABLE users;\n"
        "ALTER TABLE new_users RENAME TO users;\n");
    for (Script run : {no_copy, no_rename, other_name, other_source}) {
      run.dialect = dialect;
      EXPECT_TRUE(Has(RuleIds(run), "drop-table")) << run.sql;
    }
  }
}

// Issue 8: a SQLite table rebuild of a parent whose children reference it
// ON DELETE CASCADE deleted every child row, and lint said nothing.
std::vector<Finding> LintParentRebuild(std::string setup, bool annotated, std::vector<ForeignKeyReference> live = {}) {
  static std::string kept_setup;
  kept_setup = std::move(setup);
  std::vector<LintMigration> ms(2);
  ms[0].version = "0001";
  ms[0].file = "0001_setup.up.sql";
  ms[0].sql = kept_setup;
  ms[0].report = false;
  ms[1].version = "0002";
  ms[1].file = "0002_rebuild.up.sql";
  ms[1].sql =
      "CREATE TABLE \"new_parent\" (\"id\" INTEGER, \"v\" REAL NOT NULL DEFAULT 0, PRIMARY KEY (\"id\"));\n"
      "INSERT INTO \"new_parent\" (\"id\", \"v\") SELECT \"id\", coalesce(\"v\", 0) FROM \"parent\";\n"
      "DROP TABLE \"parent\";\n"
      "ALTER TABLE \"new_parent\" RENAME TO \"parent\";\n";
  ms[1].foreign_keys_off = annotated;
  LintOptions options;
  options.dialect = Dialect::kSqlite;
  options.references = std::move(live);
  return Lint(ms, options).findings;
}

TEST(LintRebuildTest, Issue8RebuildOfACascadeParentIsAnError) {
  auto findings = LintParentRebuild(
      "CREATE TABLE parent (id INTEGER PRIMARY KEY, v INTEGER);\n"
      "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id) ON DELETE CASCADE);\n",
      false);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].rule, "drop-referenced-table");
  EXPECT_EQ(findings[0].severity, Severity::kError);
  EXPECT_EQ(findings[0].line, 3);
  EXPECT_NE(findings[0].message.find("deletes every row of child that references it (ON DELETE CASCADE)"),
            std::string::npos)
      << findings[0].message;
  EXPECT_NE(findings[0].message.find("rebuild"), std::string::npos);
  EXPECT_NE(findings[0].hint.find("-- strata:foreign-keys-off"), std::string::npos);
  // With the annotation strata runs it with foreign keys off: nothing to say.
  EXPECT_TRUE(LintParentRebuild("CREATE TABLE parent (id INTEGER PRIMARY KEY, v INTEGER);\n"
                                "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id) "
                                "ON DELETE CASCADE);\n",
                                true)
                  .empty());
}

TEST(LintRebuildTest, Issue8EveryKindOfReferenceIsNamed) {
  auto findings = LintParentRebuild(
      "CREATE TABLE parent (id INTEGER PRIMARY KEY, v INTEGER);\n"
      "CREATE TABLE a (id INTEGER PRIMARY KEY, parent_id INTEGER, FOREIGN KEY (parent_id) REFERENCES parent (id) ON "
      "DELETE SET NULL);\n"
      "CREATE TABLE b (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id));\n"
      "CREATE TABLE c (id INTEGER PRIMARY KEY, parent_id INTEGER DEFAULT 0 REFERENCES parent(id) ON DELETE SET "
      "DEFAULT);\n",
      false);
  ASSERT_EQ(findings.size(), 1u);
  const std::string& m = findings[0].message;
  EXPECT_NE(m.find("sets a.parent_id to NULL"), std::string::npos) << m;
  EXPECT_NE(m.find("FOREIGN KEY constraint failed\" while b has rows"), std::string::npos) << m;
  EXPECT_NE(m.find("sets c.parent_id to its default"), std::string::npos) << m;
}

TEST(LintRebuildTest, Issue8ReferencesFromTheLiveDatabaseCount) {
  // The live database knows what the migrations do not (tables made by hand).
  auto findings = LintParentRebuild("CREATE TABLE parent (id INTEGER PRIMARY KEY, v INTEGER);\n", false,
                                    {{"Child", "PARENT", "parent_id", ForeignKeyReference::OnDelete::kCascade}});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].rule, "drop-referenced-table");
  EXPECT_TRUE(LintParentRebuild("CREATE TABLE parent (id INTEGER PRIMARY KEY, v INTEGER);\n", false).empty());
  // A child dropped before the parent takes its reference with it.
  std::vector<LintMigration> ms(1);
  ms[0].version = "0001";
  ms[0].file = "0001.up.sql";
  ms[0].sql = "DROP TABLE child;\nDROP TABLE parent;\n";
  LintOptions options;
  options.dialect = Dialect::kSqlite;
  options.references = {{"child", "parent", "parent_id", ForeignKeyReference::OnDelete::kCascade}};
  for (const Finding& f : Lint(ms, options).findings) EXPECT_NE(f.rule, "drop-referenced-table") << f.message;
}

}  // namespace
}  // namespace strata::sql
