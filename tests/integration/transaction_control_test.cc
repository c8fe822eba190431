// Issue 15: the migration's transaction and session belong to strata. A
// file's own BEGIN/COMMIT, SQLite's PRAGMA foreign_keys, SET and
// search_path are honoured as their author meant, or refused before
// anything runs; nothing a migration sets reaches the next one.
#include <fstream>

#include "harness.h"

namespace strata::integration {
namespace {

class TransactionControlTest : public EngineTest {};

// Item 2: `BEGIN; CREATE TABLE a; COMMIT; CREATE TABLE b; INSERT INTO nosuch`
// committed table a through the file's own COMMIT, and the migration was
// neither applied nor dirty.
TEST_P(TransactionControlTest, Issue15CommitInTheMiddleIsRefusedBeforeAnythingRuns) {
  Write("0001_half.up.sql",
        "BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE b (id int);\nINSERT INTO nosuch VALUES (1);\n");
  auto up = Strata({"up"});
  EXPECT_EQ(up.exit_code, 6) << up.out << up.err;
  EXPECT_NE(up.err.find("0001_half.up.sql:3"), std::string::npos) << up.err;
  EXPECT_NE(up.err.find("`COMMIT` would commit strata's transaction part-way"), std::string::npos) << up.err;
  EXPECT_NE(up.err.find("-- strata:no-transaction"), std::string::npos) << up.err;
  EXPECT_NE(up.err.find("split the file"), std::string::npos) << up.err;
  if (!pg()) {
    EXPECT_FALSE(std::ifstream(dir_.Path("app.db")).good()) << "a refusal must not create the database";
  }
  EXPECT_FALSE(HasTable("a"));
  EXPECT_TRUE(Recorded().empty());

  auto validate = Strata({"validate"});
  EXPECT_EQ(validate.exit_code, 6) << validate.out << validate.err;
  EXPECT_NE(validate.out.find("0001_half.up.sql:3"), std::string::npos) << validate.out;

  auto lint = Strata({"lint"});
  EXPECT_EQ(lint.exit_code, 4) << lint.out << lint.err;
  EXPECT_NE(lint.out.find("0001_half.up.sql:1:1: error transaction-control"), std::string::npos) << lint.out;
  EXPECT_NE(lint.out.find("0001_half.up.sql:3:1: error transaction-control"), std::string::npos) << lint.out;

  auto plan = Strata({"plan", "--no-semantic"});
  EXPECT_EQ(plan.exit_code, 6) << plan.out << plan.err;
  EXPECT_NE(plan.out.find("refused:"), std::string::npos) << plan.out;
}

TEST_P(TransactionControlTest, Issue15WrappedFileRunsAsOneMigrationWithItsRecord) {
  Write("0001_wrapped.up.sql", "-- guides say: wrap it\nBEGIN;\nCREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\nCOMMIT;\n");
  auto plan = Strata({"plan", "--no-semantic"});
  EXPECT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_NE(plan.out.find("note: the file's BEGIN and COMMIT (line 2 and line 5) are strata's own transaction"),
            std::string::npos)
      << plan.out;
  auto up = Strata({"up"});
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_EQ(Rows("SELECT count(*) FROM a")[0], "1");
  EXPECT_EQ(Recorded(), std::vector<std::string>{"0001:clean"});

  // A wrapped file that fails leaves nothing behind: it ran in strata's
  // transaction, which rolled back with the record.
  Write("0002_fails.up.sql", "BEGIN;\nCREATE TABLE b (id int);\nINSERT INTO nosuch VALUES (1);\nCOMMIT;\n");
  auto bad = Strata({"up"});
  EXPECT_EQ(bad.exit_code, 1) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("0002_fails.up.sql:3"), std::string::npos) << bad.err;
  EXPECT_FALSE(HasTable("b"));
  EXPECT_EQ(Recorded(), std::vector<std::string>{"0001:clean"});
  // And the next run fails the same way, not on "relation b already exists".
  auto again = Strata({"up"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(again.err.find("already exists"), std::string::npos) << again.err;
}

TEST_P(TransactionControlTest, NoTransactionFileRunsItsOwnTransactionsAsWritten) {
  Write("0001_two.up.sql",
        "-- strata:no-transaction\nBEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\nBEGIN;\nCREATE TABLE b (id int);\nCOMMIT;\n");
  auto up = Strata({"up"});
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_TRUE(HasTable("a"));
  EXPECT_TRUE(HasTable("b"));
  EXPECT_EQ(Recorded(), std::vector<std::string>{"0001:clean"});
}

TEST_P(TransactionControlTest, NoTransactionFileThatLeavesATransactionOpenFails) {
  Write("0001_open.up.sql", "-- strata:no-transaction\nBEGIN;\nCREATE TABLE a (id int);\n");
  auto up = Strata({"up"});
  EXPECT_EQ(up.exit_code, 6) << up.out << up.err;
  EXPECT_NE(up.err.find("BEGIN without COMMIT"), std::string::npos) << up.err;
  EXPECT_FALSE(HasTable("a"));
  EXPECT_EQ(Recorded(), std::vector<std::string>{"0001:dirty"});
}

// Item 3: the first line of every pg_dump output, or a SET search_path,
// made strata's own insert fail with relation "strata_migrations" does not
// exist, so such a file could not be applied at all.
TEST_P(TransactionControlTest, Issue15SearchPathChangesDoNotLoseStrataTables) {
  if (!pg()) GTEST_SKIP() << "PostgreSQL: SQLite has no search_path";
  Write("0001_dump.up.sql",
        "SELECT pg_catalog.set_config('search_path', '', false);\nSET check_function_bodies = false;\n"
        "CREATE TABLE public.t (id int);\n");
  Write("0002_elsewhere.up.sql", "CREATE SCHEMA other;\nSET search_path TO other;\nCREATE TABLE u (id int);\n");
  auto up = Strata({"up"});
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_EQ(Recorded(), (std::vector<std::string>{"0001:clean", "0002:clean"}));
  EXPECT_EQ(Rows("SELECT count(*) FROM other.u")[0], "0");
  auto lint = Strata({"lint"});
  EXPECT_NE(lint.out.find("0001_dump.up.sql:1:1: warning session-set"), std::string::npos) << lint.out;
  EXPECT_NE(lint.out.find("0002_elsewhere.up.sql:2:1: warning session-set"), std::string::npos) << lint.out;
}

// Item 4: `SET lock_timeout = '1ms'` in migration 2 was still in force in
// migration 3 and in strata's own bookkeeping.
TEST_P(TransactionControlTest, Issue15SetDoesNotReachTheNextMigration) {
  if (!pg()) GTEST_SKIP() << "PostgreSQL: see NoTransactionPragmaDoesNotReachTheNextMigration for SQLite";
  Write("0001_seen.up.sql", "CREATE TABLE seen (n int, lock_timeout text, search_path text, role text);\n");
  Write("0002_set.up.sql",
        "SET lock_timeout = '1ms';\nSET search_path TO nowhere, public;\nSET statement_timeout = '2s';\n"
        "INSERT INTO public.seen VALUES (2, current_setting('lock_timeout'), current_setting('search_path'), "
        "current_user);\n");
  Write("0003_after.up.sql",
        "INSERT INTO seen VALUES (3, current_setting('lock_timeout'), current_setting('search_path'), current_user);\n");
  Write("0004_notx.up.sql", "-- strata:no-transaction\nSET lock_timeout = '2ms';\n");
  Write("0005_after_notx.up.sql",
        "INSERT INTO seen VALUES (5, current_setting('lock_timeout'), current_setting('search_path'), current_user);\n");
  auto up = Strata({"up"});
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  auto rows = Rows("SELECT n || ':' || lock_timeout || ':' || search_path FROM seen ORDER BY n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], "2:1ms:nowhere, public");
  EXPECT_EQ(rows[1], "3:0:\"$user\", public");
  EXPECT_EQ(rows[2], "5:0:\"$user\", public");
}

TEST_P(TransactionControlTest, NoTransactionPragmaDoesNotReachTheNextMigration) {
  if (pg()) GTEST_SKIP() << "SQLite: its session settings are pragmas";
  Write("0001_tables.up.sql",
        "CREATE TABLE parent (id INTEGER PRIMARY KEY);\n"
        "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id) ON DELETE CASCADE);\n"
        "INSERT INTO parent VALUES (1), (2);\nINSERT INTO child VALUES (10, 1), (11, 2);\n");
  Write("0002_off.up.sql", "-- strata:no-transaction\nPRAGMA foreign_keys = OFF;\n");
  // Meant to cascade: with foreign keys left off it would leave an orphan.
  Write("0003_delete.up.sql", "DELETE FROM parent WHERE id = 1;\n");
  auto up = Strata({"up"});
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_EQ(Rows("SELECT group_concat(id) FROM child")[0], "11");
}

INSTANTIATE_TEST_SUITE_P(Engines, TransactionControlTest, ::testing::Values("sqlite", "postgres"), EngineName);

// Item 1: drizzle-kit writes every SQLite table rebuild between PRAGMA
// foreign_keys=OFF and =ON, and Prisma the same with defer_foreign_keys.
// SQLite ignores both inside a transaction, so run in strata's transaction
// the DROP fired ON DELETE CASCADE: 0 child rows, exit 0.
class DrizzleRebuildTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (pg()) GTEST_SKIP() << "SQLite only";
    Write("0001_tables.up.sql",
          "CREATE TABLE parent (id INTEGER PRIMARY KEY, v INTEGER);\n"
          "CREATE TABLE cascade_child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id) ON DELETE "
          "CASCADE);\n"
          "CREATE TABLE null_child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id) ON DELETE SET "
          "NULL);\n"
          "CREATE TABLE plain_child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id));\n"
          "INSERT INTO parent VALUES (1, 1), (2, 2);\n"
          "INSERT INTO cascade_child VALUES (10, 1), (11, 1), (12, 2);\n"
          "INSERT INTO null_child VALUES (20, 1), (21, 2);\n"
          "INSERT INTO plain_child VALUES (30, 2);\n");
    ASSERT_EQ(Strata({"up"}).exit_code, 0);
  }
  // Every child row with its parent, as one string.
  std::string Children() const {
    std::string out;
    for (const char* t : {"cascade_child", "null_child", "plain_child"}) {
      auto rows = Rows(std::string("SELECT group_concat(id || '>' || coalesce(parent_id, 'NULL')) FROM (SELECT * FROM ") +
                       t + " ORDER BY id)");
      out += std::string(t) + "=" + (rows.empty() ? "" : rows[0]) + ";";
    }
    return out;
  }
};

constexpr const char* kAllChildren = "cascade_child=10>1,11>1,12>2;null_child=20>1,21>2;plain_child=30>2;";

// Exactly as drizzle-kit writes it.
std::string Drizzle(const std::string& where = "") {
  return "PRAGMA foreign_keys=OFF;--> statement-breakpoint\n"
         "CREATE TABLE `__new_parent` (\n\t`id` integer PRIMARY KEY NOT NULL,\n\t`v` real DEFAULT 0 NOT NULL\n);\n"
         "--> statement-breakpoint\n"
         "INSERT INTO `__new_parent`(\"id\", \"v\") SELECT \"id\", \"v\" FROM `parent`" +
         where +
         ";--> statement-breakpoint\n"
         "DROP TABLE `parent`;--> statement-breakpoint\n"
         "ALTER TABLE `__new_parent` RENAME TO `parent`;--> statement-breakpoint\n"
         "PRAGMA foreign_keys=ON;";
}

TEST_P(DrizzleRebuildTest, Issue15DrizzleRebuildKeepsEveryChild) {
  Write("0002_rebuild.up.sql", Drizzle());
  auto plan = Strata({"plan", "--no-semantic"});
  EXPECT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  EXPECT_NE(plan.out.find("foreign keys off"), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("note: PRAGMA foreign_keys=OFF at the top of the file"), std::string::npos) << plan.out;
  auto lint = Strata({"lint"});
  EXPECT_EQ(lint.out.find("drop-referenced-table"), std::string::npos) << lint.out;
  EXPECT_EQ(lint.out.find("pragma-foreign-keys"), std::string::npos) << lint.out;
  auto up = Strata({"up"});
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_EQ(Children(), kAllChildren);
  EXPECT_NE(Rows("SELECT sql FROM sqlite_master WHERE name = 'parent'")[0].find("real"), std::string::npos);
  EXPECT_EQ(Recorded(), (std::vector<std::string>{"0001:clean", "0002:clean"}));
  // The connection's setting came back: a later cascade still cascades.
  Write("0003_delete.up.sql", "DELETE FROM parent WHERE id = 1;\n");
  ASSERT_EQ(Strata({"up"}).exit_code, 0);
  EXPECT_EQ(Children(), "cascade_child=12>2;null_child=20>NULL,21>2;plain_child=30>2;");
}

TEST_P(DrizzleRebuildTest, Issue15PrismaRebuildKeepsEveryChild) {
  Write("0002_rebuild.up.sql",
        "-- RedefineTables\nPRAGMA defer_foreign_keys=ON;\nPRAGMA foreign_keys=OFF;\n"
        "CREATE TABLE \"new_parent\" (\"id\" INTEGER NOT NULL PRIMARY KEY, \"v\" REAL NOT NULL DEFAULT 0);\n"
        "INSERT INTO \"new_parent\" (\"id\", \"v\") SELECT \"id\", \"v\" FROM \"parent\";\n"
        "DROP TABLE \"parent\";\nALTER TABLE \"new_parent\" RENAME TO \"parent\";\n"
        "PRAGMA foreign_keys=ON;\nPRAGMA defer_foreign_keys=OFF;\n");
  auto up = Strata({"up"});
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_EQ(Children(), kAllChildren);
}

TEST_P(DrizzleRebuildTest, Issue15RebuildThatBreaksAReferenceIsRolledBackNamingTheRows) {
  Write("0002_rebuild.up.sql", Drizzle(" WHERE \"id\" = 1"));
  std::string before = Snapshot();
  auto up = Strata({"up"});
  EXPECT_EQ(up.exit_code, 6) << up.out << up.err;
  EXPECT_NE(up.err.find("foreign key violation"), std::string::npos) << up.err;
  EXPECT_NE(up.err.find("table cascade_child row 12 references a missing row in parent"), std::string::npos) << up.err;
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(Children(), kAllChildren);
}

TEST_P(DrizzleRebuildTest, Issue15PragmaInTheMiddleIsALintError) {
  Write("0002_rebuild.up.sql",
        "CREATE TABLE note (id INTEGER);\nPRAGMA foreign_keys=OFF;\n"
        "CREATE TABLE new_parent (id INTEGER PRIMARY KEY, v REAL);\n"
        "INSERT INTO new_parent (id, v) SELECT id, v FROM parent;\nDROP TABLE parent;\n"
        "ALTER TABLE new_parent RENAME TO parent;\n");
  auto lint = Strata({"lint"});
  EXPECT_EQ(lint.exit_code, 4);
  EXPECT_NE(lint.out.find("0002_rebuild.up.sql:2:1: error pragma-foreign-keys-in-transaction: `PRAGMA "
                          "foreign_keys=OFF`: SQLite ignores PRAGMA foreign_keys inside a transaction"),
            std::string::npos)
      << lint.out;
  EXPECT_NE(lint.out.find("drop-referenced-table"), std::string::npos) << lint.out;
  // And `up` does not run it: the cascade it would cause blocks it.
  auto up = Strata({"up"});
  EXPECT_EQ(up.exit_code, 4) << up.out << up.err;
  EXPECT_EQ(Children(), kAllChildren);
}

INSTANTIATE_TEST_SUITE_P(Engines, DrizzleRebuildTest, ::testing::Values("sqlite"), EngineName);

}  // namespace
}  // namespace strata::integration
