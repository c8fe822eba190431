// `-- strata:foreign-keys-off`: a SQLite migration that rebuilds a parent
// table must keep its children's rows (with foreign keys on, DROP TABLE on the
// parent would cascade-delete them), must still be checked (PRAGMA
// foreign_key_check before COMMIT, rolled back on a violation), and cannot
// hide inside --single-transaction. On PostgreSQL the annotation is accepted
// and changes nothing.
#include "harness.h"

namespace strata::integration {
namespace {

constexpr const char* kSchema =
    "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);\n"
    "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id) ON DELETE CASCADE);\n"
    "INSERT INTO parent VALUES (1, 'a'), (2, 'b');\n"
    "INSERT INTO child VALUES (10, 1), (11, 1), (12, 2);\n";

// The documented SQLite rebuild: new table, copy, drop, rename.
std::string Rebuild(const std::string& annotation, const std::string& copy_where = "") {
  return annotation +
         "CREATE TABLE new_parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '');\n"
         "INSERT INTO new_parent (id, name) SELECT id, coalesce(name, '') FROM parent" +
         copy_where +
         ";\n"
         "DROP TABLE parent;\n"
         "ALTER TABLE new_parent RENAME TO parent;\n";
}

class ForeignKeysOffTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (pg()) GTEST_SKIP() << "SQLite only: PostgreSQL has no foreign_keys switch";
    Write("0001_tables.up.sql", kSchema);
  }
  std::string Children() const {
    auto rows = Rows("SELECT group_concat(id) FROM (SELECT id FROM child ORDER BY id)");
    return rows.empty() ? "" : rows[0];
  }
};

TEST_P(ForeignKeysOffTest, RebuiltParentKeepsCascadingChildren) {
  Write("0002_rebuild.up.sql", Rebuild("-- strata:foreign-keys-off\n"));
  auto r = Strata({"up"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Children(), "10,11,12");
  EXPECT_EQ(Rows("SELECT sql FROM sqlite_master WHERE name = 'parent'")[0].find("NOT NULL") != std::string::npos, true);
  EXPECT_EQ(Recorded(), (std::vector<std::string>{"0001:clean", "0002:clean"}));
}

// Issue 8: the same file without the annotation ran with foreign keys on,
// and DROP TABLE parent deleted every child row through ON DELETE CASCADE:
// exit 0, 2 parents, 0 children. Now it is a lint error that blocks `up`
// under every lint policy but "off", and nothing is applied.
TEST_P(ForeignKeysOffTest, Issue8WithoutTheAnnotationUpRefusesAndKeepsEveryChild) {
  ASSERT_EQ(Strata({"up"}).exit_code, 0);
  Write("0002_rebuild.up.sql", Rebuild(""));
  std::string before = Snapshot();
  std::string file_before = dir_.Read("app.db");
  auto lint = Strata({"lint"});
  EXPECT_EQ(lint.exit_code, 4) << lint.out << lint.err;
  EXPECT_NE(lint.out.find("0002_rebuild.up.sql:3:1: error drop-referenced-table: This table rebuild's DROP TABLE "
                          "parent runs with foreign keys on, so SQLite first deletes its rows, which deletes every "
                          "row of child that references it (ON DELETE CASCADE)"),
            std::string::npos)
      << lint.out;
  for (const char* policy : {"warning", "error"}) {
    dir_.Write("strata.toml", std::string("[env.dev]\nurl = \"") + url() + "\"\nlint = \"" + policy + "\"\n");
    auto r = Strata({"up"});
    EXPECT_EQ(r.exit_code, 4) << policy << r.out << r.err;
    EXPECT_NE(r.err.find("drop-referenced-table"), std::string::npos) << r.err;
    EXPECT_EQ(Snapshot(), before);
    EXPECT_EQ(dir_.Read("app.db"), file_before) << "a refusing up must not write the database";
    EXPECT_EQ(Children(), "10,11,12");
  }
  // Deleting them on purpose is possible, and then it does what it says.
  auto allowed = Strata({"up", "--allow", "drop-referenced-table"});
  ASSERT_EQ(allowed.exit_code, 0) << allowed.out << allowed.err;
  EXPECT_EQ(Rows("SELECT count(*) FROM child")[0], "0");
}

// Issue 8, end to end as a new user tried it: `strata diff` from the live
// database to a desired schema, saved as a migration, applied with `up`.
TEST_P(ForeignKeysOffTest, Issue8DiffOutputAppliedWithUpKeepsEveryChild) {
  ASSERT_EQ(Strata({"up"}).exit_code, 0);
  dir_.Write("b.sql",
             "CREATE TABLE parent (id INTEGER PRIMARY KEY, name REAL NOT NULL DEFAULT 0);\n"
             "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id) ON DELETE "
             "CASCADE);\n");
  auto diff = Strata({"diff", "--from", url(), "--to", dir_.Path("b.sql")});
  ASSERT_EQ(diff.exit_code, 0) << diff.out << diff.err;
  EXPECT_EQ(diff.out.rfind("-- strata:foreign-keys-off\n", 0), 0u) << diff.out;
  Write("0002_change.up.sql", diff.out);
  auto lint = Strata({"lint"});
  EXPECT_EQ(lint.out.find("drop-referenced-table"), std::string::npos) << lint.out;
  auto r = Strata({"up"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Rows("SELECT count(*) FROM parent")[0], "2");
  EXPECT_EQ(Children(), "10,11,12");
}

TEST_P(ForeignKeysOffTest, AViolationRollsTheMigrationBack) {
  ASSERT_EQ(Strata({"up"}).exit_code, 0);
  // Copies only parent 1: child 12 would point at a missing parent.
  Write("0002_rebuild.up.sql", Rebuild("-- strata:foreign-keys-off\n", " WHERE id = 1"));
  std::string before = Snapshot();
  auto r = Strata({"up"});
  EXPECT_EQ(r.exit_code, 6) << r.out << r.err;
  EXPECT_NE(r.err.find("0002_rebuild"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 foreign key violation after the migration: table child row 12 references a missing row in "
                       "parent"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(Rows("SELECT count(*) FROM parent")[0], "2");
  EXPECT_EQ(Children(), "10,11,12");
}

TEST_P(ForeignKeysOffTest, DownFilesMayAskForItToo) {
  Write("0002_rebuild.up.sql", Rebuild("-- strata:foreign-keys-off\n"));
  Write("0002_rebuild.down.sql",
        "-- strata:foreign-keys-off\n"
        "CREATE TABLE new_parent (id INTEGER PRIMARY KEY, name TEXT);\n"
        "INSERT INTO new_parent (id, name) SELECT id, name FROM parent;\n"
        "DROP TABLE parent;\n"
        "ALTER TABLE new_parent RENAME TO parent;\n");
  ASSERT_EQ(Strata({"up"}).exit_code, 0);
  auto r = Strata({"down"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Children(), "10,11,12");
  EXPECT_EQ(Recorded(), (std::vector<std::string>{"0001:clean"}));
}

TEST_P(ForeignKeysOffTest, SingleTransactionRefusesAndDryRunWorks) {
  ASSERT_EQ(Strata({"up"}).exit_code, 0);
  Write("0002_rebuild.up.sql", Rebuild("-- strata:foreign-keys-off\n"));
  std::string before = Snapshot();
  auto single = Strata({"up", "--single-transaction"});
  EXPECT_EQ(single.exit_code, 2) << single.out << single.err;
  EXPECT_NE(single.err.find("--single-transaction cannot include 0002_rebuild: it is marked -- "
                            "strata:foreign-keys-off"),
            std::string::npos)
      << single.err;
  EXPECT_EQ(Snapshot(), before);

  auto dry = Strata({"up", "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_EQ(Snapshot(), before);

  // A dry run still catches the violation the real run would hit.
  Write("0002_rebuild.up.sql", Rebuild("-- strata:foreign-keys-off\n", " WHERE id = 1"));
  auto bad = Strata({"up", "--dry-run"});
  EXPECT_EQ(bad.exit_code, 6) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("foreign key violation"), std::string::npos) << bad.err;
  EXPECT_EQ(Snapshot(), before);
}

INSTANTIATE_TEST_SUITE_P(Engines, ForeignKeysOffTest, ::testing::Values("sqlite"), EngineName);

// PostgreSQL: the annotation is accepted and the migration runs as usual.
class ForeignKeysOffPostgresTest : public EngineTest {};

TEST_P(ForeignKeysOffPostgresTest, AnnotationIsAcceptedAndIgnored) {
  Write("0001_t.up.sql", "-- strata:foreign-keys-off\nCREATE TABLE t (id int PRIMARY KEY);\n");
  auto r = Strata({"up"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(HasTable("t"));
}

INSTANTIATE_TEST_SUITE_P(Engines, ForeignKeysOffPostgresTest, ::testing::Values("postgres"), EngineName);

}  // namespace
}  // namespace strata::integration
