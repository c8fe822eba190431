#include "sql/script_control.h"

#include <gtest/gtest.h>

namespace strata::sql {
namespace {

using Kind = ControlStatement::Kind;

ScriptControl Analyze(std::string_view script, Dialect dialect = Dialect::kPostgres) {
  auto r = AnalyzeControl(script, dialect);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : ScriptControl{};
}

TEST(ScriptControlTest, PlainScriptHasNoControl) {
  ScriptControl c = Analyze("CREATE TABLE a (id int);\nINSERT INTO a VALUES (1);\n");
  EXPECT_EQ(c.statements, 2);
  EXPECT_FALSE(c.wrapped);
  EXPECT_TRUE(c.all.empty());
  EXPECT_TRUE(c.refused.empty());
}

TEST(ScriptControlTest, WrapperIsHonouredOnBothEngines) {
  for (Dialect d : {Dialect::kPostgres, Dialect::kSqlite}) {
    ScriptControl c = Analyze("-- add a\nBEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\n", d);
    EXPECT_TRUE(c.wrapped);
    EXPECT_TRUE(c.refused.empty());
    ASSERT_EQ(c.strip.size(), 2u);
    EXPECT_EQ(c.strip[0].kind, Kind::kBegin);
    EXPECT_EQ(c.strip[0].line, 2);
    EXPECT_EQ(c.strip[1].kind, Kind::kCommit);
    EXPECT_EQ(c.strip[1].line, 4);
  }
  EXPECT_TRUE(Analyze("START TRANSACTION ISOLATION LEVEL SERIALIZABLE; SELECT 1; END;").wrapped);
  EXPECT_TRUE(Analyze("begin transaction; select 1; commit work;").wrapped);
  EXPECT_TRUE(Analyze("BEGIN IMMEDIATE TRANSACTION; SELECT 1; END TRANSACTION;", Dialect::kSqlite).wrapped);
}

TEST(ScriptControlTest, StripKeepsLinesAndColumns) {
  std::string script = "BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\n";
  ScriptControl c = Analyze(script);
  std::string stripped = StripStatements(script, c.strip);
  EXPECT_EQ(stripped, "      \nCREATE TABLE a (id int);\n       \n");
  EXPECT_EQ(stripped.size(), script.size());
}

// Issue 15 item 2: BEGIN; CREATE TABLE a; COMMIT; CREATE TABLE b; ... committed
// half of the file without its tracking row.
TEST(ScriptControlTest, Issue15CommitInTheMiddleIsRefused) {
  ScriptControl c = Analyze("BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE b (id int);\n"
                            "INSERT INTO nosuch VALUES (1);\n");
  EXPECT_FALSE(c.wrapped);
  ASSERT_EQ(c.refused.size(), 2u);
  EXPECT_EQ(c.refused[0].line, 1);
  EXPECT_EQ(c.refused[1].kind, Kind::kCommit);
  EXPECT_EQ(c.refused[1].line, 3);
  EXPECT_TRUE(c.strip.empty());
}

TEST(ScriptControlTest, EveryOtherFormIsRefused) {
  for (std::string_view script : {
           "CREATE TABLE a (id int); COMMIT;",
           "BEGIN; SELECT 1; COMMIT; BEGIN; SELECT 2; COMMIT;",
           "BEGIN; SELECT 1; ROLLBACK;",
           "SELECT 1; ABORT;",
           "BEGIN; SELECT 1; PREPARE TRANSACTION 'x';",
           "BEGIN; SELECT 1; COMMIT AND CHAIN; SELECT 2; COMMIT;",
           "COMMIT PREPARED 'x';",
           "ROLLBACK PREPARED 'x';",
           "SELECT 1; BEGIN; SELECT 2; COMMIT;",
           "BEGIN; SELECT 1;",
       }) {
    ScriptControl c = Analyze(script);
    EXPECT_FALSE(c.wrapped) << script;
    EXPECT_FALSE(c.refused.empty()) << script;
  }
}

TEST(ScriptControlTest, SavepointsAndLookalikesAreNotControl) {
  ScriptControl c = Analyze(
      "SAVEPOINT s; INSERT INTO t VALUES (1); ROLLBACK TO SAVEPOINT s; RELEASE SAVEPOINT s;\n"
      "ROLLBACK TO s;\n"
      "SELECT 'BEGIN; COMMIT;';\n"
      "-- COMMIT;\n"
      "/* BEGIN; */ SELECT 1;\n"
      "DO $$ BEGIN RAISE NOTICE 'x'; END $$;\n"
      "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $f$ BEGIN RETURN 1; END $f$;\n"
      "CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;\n"
      "PREPARE q AS SELECT 1;\n");
  EXPECT_TRUE(c.all.empty()) << c.all.front().text;
  ScriptControl t = Analyze("CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET x = 1; END;", Dialect::kSqlite);
  EXPECT_TRUE(t.all.empty());
}

// The classifier passes over statements by their first word; the forms it
// must still read start with one in any case, after comments.
TEST(ScriptControlTest, ControlIsFoundInAnyCaseAfterComments) {
  ScriptControl c = Analyze("/* setup */ PrAgMa Foreign_Keys = off;\n-- go\nbEgIn;\nINSERT INTO t VALUES ('BEGIN');\n"
                            "  -- done\n  CoMmIt;\npragma foreign_keys=on;\n",
                            Dialect::kSqlite);
  EXPECT_TRUE(c.foreign_keys_off);
  EXPECT_TRUE(c.wrapped);
  ASSERT_EQ(c.all.size(), 4u);
  EXPECT_EQ(c.all[0].kind, Kind::kForeignKeysOff);
  EXPECT_EQ(c.all[1].kind, Kind::kBegin);
  EXPECT_EQ(c.all[2].kind, Kind::kCommit);
  EXPECT_EQ(c.all[3].kind, Kind::kForeignKeysOn);
  ScriptControl pg = Analyze("select Set_Config('search_path', 'app', false);\n/* x */ reset ALL;\n");
  ASSERT_EQ(pg.session.size(), 2u);
  EXPECT_EQ(pg.session[0].line, 1);
  EXPECT_EQ(pg.session[1].line, 2);
}

// Issue 15 item 1: drizzle-kit writes SQLite rebuilds between PRAGMA
// foreign_keys=OFF and =ON; SQLite ignores both inside a transaction.
TEST(ScriptControlTest, Issue15DrizzleForeignKeysOffIsHonoured) {
  std::string drizzle =
      "PRAGMA foreign_keys=OFF;--> statement-breakpoint\n"
      "CREATE TABLE `__new_parent` (`id` integer PRIMARY KEY NOT NULL, `v` real DEFAULT 0 NOT NULL);\n"
      "--> statement-breakpoint\n"
      "INSERT INTO `__new_parent`(\"id\", \"v\") SELECT \"id\", \"v\" FROM `parent`;--> statement-breakpoint\n"
      "DROP TABLE `parent`;--> statement-breakpoint\n"
      "ALTER TABLE `__new_parent` RENAME TO `parent`;--> statement-breakpoint\n"
      "PRAGMA foreign_keys=ON;";
  ScriptControl c = Analyze(drizzle, Dialect::kSqlite);
  EXPECT_TRUE(c.foreign_keys_off);
  ASSERT_EQ(c.strip.size(), 2u);
  EXPECT_EQ(c.strip[0].kind, Kind::kForeignKeysOff);
  EXPECT_EQ(c.strip[1].kind, Kind::kForeignKeysOn);
  EXPECT_TRUE(c.refused.empty());
  EXPECT_TRUE(c.ignored_pragmas.empty());
  std::string stripped = StripStatements(drizzle, c.strip);
  EXPECT_EQ(stripped.find("PRAGMA"), std::string::npos);
  EXPECT_EQ(stripped.size(), drizzle.size());
}

TEST(ScriptControlTest, PrismaAndHandWrittenForms) {
  ScriptControl prisma = Analyze(
      "-- RedefineTables\nPRAGMA defer_foreign_keys=ON;\nPRAGMA foreign_keys=OFF;\nCREATE TABLE \"new_User\" (id INTEGER);\n"
      "DROP TABLE \"User\";\nALTER TABLE \"new_User\" RENAME TO \"User\";\nPRAGMA foreign_keys=ON;\n"
      "PRAGMA defer_foreign_keys=OFF;\n",
      Dialect::kSqlite);
  EXPECT_TRUE(prisma.foreign_keys_off);
  EXPECT_EQ(prisma.strip.size(), 4u);
  // The SQLite documentation's own procedure wraps the rebuild in a
  // transaction between the pragmas.
  ScriptControl doc = Analyze(
      "PRAGMA foreign_keys = 0;\nBEGIN TRANSACTION;\nCREATE TABLE n (id INTEGER);\nDROP TABLE o;\n"
      "ALTER TABLE n RENAME TO o;\nPRAGMA foreign_key_check;\nCOMMIT;\nPRAGMA foreign_keys = 1;\n",
      Dialect::kSqlite);
  EXPECT_TRUE(doc.foreign_keys_off);
  EXPECT_TRUE(doc.wrapped);
  EXPECT_EQ(doc.strip.size(), 4u);
  for (std::string_view off : {"PRAGMA foreign_keys = false;", "PRAGMA main.foreign_keys=no;",
                               "pragma foreign_keys('off');", "PRAGMA \"foreign_keys\" = OFF;"}) {
    EXPECT_TRUE(Analyze(std::string(off) + " DROP TABLE t;", Dialect::kSqlite).foreign_keys_off) << off;
  }
}

TEST(ScriptControlTest, ForeignKeyPragmaElsewhereIsIgnoredBySqlite) {
  ScriptControl c = Analyze("CREATE TABLE x (id INTEGER);\nPRAGMA foreign_keys=OFF;\nDROP TABLE parent;\n",
                            Dialect::kSqlite);
  EXPECT_FALSE(c.foreign_keys_off);
  ASSERT_EQ(c.ignored_pragmas.size(), 1u);
  EXPECT_EQ(c.ignored_pragmas[0].line, 2);
  EXPECT_TRUE(c.strip.empty());
  // Reading the setting is not setting it.
  EXPECT_TRUE(Analyze("PRAGMA foreign_keys;", Dialect::kSqlite).all.empty());
  // PostgreSQL has no PRAGMA.
  EXPECT_FALSE(AnalyzeControl("PRAGMA foreign_keys=OFF;", Dialect::kPostgres)->foreign_keys_off);
}

TEST(ScriptControlTest, UnterminatedQuoteIsAParseError) {
  auto r = AnalyzeControl("SELECT 1;\nSELECT 'oops;\n", Dialect::kPostgres);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().line(), 2);
}

}  // namespace
}  // namespace strata::sql
