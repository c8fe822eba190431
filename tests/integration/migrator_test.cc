// The library end to end on both engines: apply, fail, roll back with the
// stored SQL, redo, baseline, repair, dry run, single transaction.
#include <strata/migrator.h>

#include <filesystem>

#include "harness.h"

namespace strata::integration {
namespace {

using Code = Status::Code;

class MigratorTest : public EngineTest {
 protected:
  void WriteShop() {
    Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);\n");
    Write("0001_users.down.sql", "DROP TABLE users;\n");
    Write("0002_orders.up.sql",
          "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id));\n"
          "INSERT INTO users (id, email) VALUES (1, 'a@example.com');\n");
    Write("0002_orders.down.sql", "DROP TABLE orders;\nDELETE FROM users WHERE id = 1;\n");
    Write("0003_items.up.sql", "CREATE TABLE items (id INTEGER PRIMARY KEY, order_id INTEGER);\n");
    Write("0003_items.down.sql", "DROP TABLE items;\n");
  }

  std::unique_ptr<Migrator> Open(bool is_protected = false) {
    Options options;
    options.url = url();
    options.dir = migrations();
    if (is_protected) {
      dir_.Write("strata.toml", "[env.production]\nurl = \"" + url() + "\"\nprotected = true\n");
      options.config_path = dir_.Path("strata.toml");
      options.url.clear();
    }
    auto m = Migrator::Open(options);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? std::move(*m) : nullptr;
  }

  std::vector<std::string> Events() {
    return Rows("SELECT kind || ':' || outcome || ':' || coalesce(version, '') FROM strata_events ORDER BY id");
  }
};

TEST_P(MigratorTest, UpAppliesEverythingAndRecordsIt) {
  WriteShop();
  auto m = Open();
  auto report = m->Up({});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->steps.size(), 3u);
  EXPECT_EQ(report->batch, 1);
  EXPECT_TRUE(HasTable("users") && HasTable("orders") && HasTable("items"));
  EXPECT_EQ(Recorded(), (std::vector<std::string>{"0001:clean", "0002:clean", "0003:clean"}));
  EXPECT_EQ(Events(), (std::vector<std::string>{"apply:success:0001", "apply:success:0002", "apply:success:0003"}));
  auto status = m->GetStatus();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->summary.applied, 3);
  EXPECT_EQ(status->migrations[0].applied_by->find('@') != std::string::npos, true);
  // A second up has nothing to do and starts no new batch.
  auto again = m->Up({});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->steps.empty());
}

TEST_P(MigratorTest, CancelStopsTheNextRunBeforeItsFirstMigration) {
  WriteShop();
  auto m = Open();
  m->Cancel();
  auto up = m->Up({});
  ASSERT_FALSE(up.ok());
  EXPECT_EQ(up.status().code(), Status::Code::kCancelled);
  EXPECT_NE(up.status().message().find("interrupted before 0001_users ran: nothing was changed"), std::string::npos)
      << up.status().ToString();
  EXPECT_FALSE(HasTable("users"));
  // The cancellation was for that run only.
  auto again = m->Up({});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->steps.size(), 3u);
}

TEST_P(MigratorTest, SqlErrorRollsBackThatMigrationOnlyAndNamesTheLine) {
  WriteShop();
  Write("0003_items.up.sql",
        "CREATE TABLE items (id INTEGER PRIMARY KEY);\n"
        "INSERT INTO items (id) VALUES (1);\n"
        "INSERT INTO no_such_table (id) VALUES (1);\n");
  auto m = Open();
  auto report = m->Up({});
  ASSERT_FALSE(report.ok());
  const Status& s = report.status();
  EXPECT_EQ(s.code(), Code::kDatabase);
  EXPECT_NE(s.file().find("0003_items.up.sql"), std::string::npos) << s.ToString();
  EXPECT_EQ(s.line(), 3) << s.ToString();
  EXPECT_NE(s.message().find("no_such_table"), std::string::npos) << s.ToString();
  // Earlier migrations stay; the failing one left nothing behind.
  EXPECT_TRUE(HasTable("orders"));
  EXPECT_FALSE(HasTable("items"));
  EXPECT_EQ(Recorded(), (std::vector<std::string>{"0001:clean", "0002:clean"}));
  auto failure = Rows("SELECT outcome, version, statement FROM strata_events WHERE outcome = 'failure'");
  ASSERT_EQ(failure.size(), 1u);
  EXPECT_NE(failure[0].find("failure|0003|INSERT INTO no_such_table"), std::string::npos) << failure[0];
}

// `up` reads only the down files of the migrations it applies (the others'
// down SQL was recorded when they were applied); a bad one refuses the run
// before anything is written, as when `up` read every down file.
TEST_P(MigratorTest, UpReadsOnlyTheDownFilesOfWhatItApplies) {
  WriteShop();
  auto m = Open();
  ASSERT_TRUE(m->Up({}).ok());
  Write("0001_users.down.sql", "DROP TABLE users; -- \xff\xfe not UTF-8\n");
  auto again = m->Up({});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->steps.empty());
  EXPECT_EQ(again->migrations, 3);

  Write("0004_tags.up.sql", "CREATE TABLE tags (id INTEGER);\n");
  Write("0004_tags.down.sql", "DROP TABLE tags; -- \xff not UTF-8\n");
  auto refused = m->Up({});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kValidation) << refused.status().ToString();
  EXPECT_NE(refused.status().file().find("0004_tags.down.sql"), std::string::npos) << refused.status().ToString();
  EXPECT_EQ(refused.status().message(), "file is not valid UTF-8");
  EXPECT_FALSE(HasTable("tags"));
  EXPECT_EQ(Recorded(), (std::vector<std::string>{"0001:clean", "0002:clean", "0003:clean"}));

  Write("0004_tags.down.sql", "-- strata:no-transaction\r\nDROP TABLE tags;\r\n");
  auto applied = m->Up({});
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  ASSERT_EQ(applied->steps.size(), 1u);
  // Recorded as LoadMigrations reads it: CRLF normalised, checksum of that.
  EXPECT_EQ(Rows("SELECT down_sql FROM strata_migrations WHERE version = '0004'"),
            std::vector<std::string>{"-- strata:no-transaction\nDROP TABLE tags;\n"});
  auto status = m->GetStatus();
  ASSERT_TRUE(status.ok());
  DownOptions one;
  one.steps = 1;
  ASSERT_TRUE(m->Down(one).ok());
  EXPECT_FALSE(HasTable("tags"));
}

TEST_P(MigratorTest, RollbackUsesStoredDownSqlAfterFilesMoved) {
  WriteShop();
  auto m = Open();
  ASSERT_TRUE(m->Up({}).ok());
  Write("0004_tags.up.sql", "CREATE TABLE tags (id INTEGER);\n");
  Write("0004_tags.down.sql", "DROP TABLE tags;\n");
  ASSERT_TRUE(m->Up({}).ok());  // batch 2
  std::filesystem::rename(migrations(), dir_.Path("moved-away"));

  DownOptions batch;
  batch.batch = true;
  auto r = m->Down(batch);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->steps.size(), 1u);
  EXPECT_EQ(r->steps[0].version, "0004");
  EXPECT_FALSE(HasTable("tags"));

  DownOptions steps;
  steps.steps = 1;
  ASSERT_TRUE(m->Down(steps).ok());
  EXPECT_FALSE(HasTable("items"));

  DownOptions to;
  to.to = "0001";
  ASSERT_TRUE(m->Down(to).ok());
  EXPECT_FALSE(HasTable("orders"));
  EXPECT_EQ(Rows("SELECT count(*) FROM users"), std::vector<std::string>{"0"});  // the down's DELETE ran
  EXPECT_EQ(Recorded(), std::vector<std::string>{"0001:clean"});

  DownOptions all;
  all.all = true;
  ASSERT_TRUE(m->Down(all).ok());
  EXPECT_FALSE(HasTable("users"));
  EXPECT_TRUE(Recorded().empty());
  auto rollbacks = Rows("SELECT count(*) FROM strata_events WHERE kind = 'rollback' AND outcome = 'success'");
  EXPECT_EQ(rollbacks, std::vector<std::string>{"4"});
}

TEST_P(MigratorTest, DownWithoutDownFileChangesNothing) {
  WriteShop();
  std::filesystem::remove(migrations() + "/0002_orders.down.sql");
  auto m = Open();
  ASSERT_TRUE(m->Up({}).ok());
  std::string before = Snapshot();
  DownOptions all;
  all.all = true;
  auto r = m->Down(all);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kNotFound);
  EXPECT_NE(r.status().message().find("0002_orders has no down migration"), std::string::npos);
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(MigratorTest, RedoRollsBackAndReappliesTheNewest) {
  WriteShop();
  auto m = Open();
  ASSERT_TRUE(m->Up({}).ok());
  ASSERT_TRUE(Rows("INSERT INTO items (id, order_id) VALUES (7, 1)").empty());
  auto r = m->Redo({});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->steps.size(), 2u);
  EXPECT_EQ(r->steps[0].direction, Direction::kDown);
  EXPECT_EQ(r->steps[1].direction, Direction::kUp);
  EXPECT_EQ(Rows("SELECT count(*) FROM items"), std::vector<std::string>{"0"});  // recreated empty
  EXPECT_EQ(Recorded().size(), 3u);
}

TEST_P(MigratorTest, DryRunChangesNothing) {
  WriteShop();
  auto m = Open();
  std::string before = Snapshot();
  UpOptions dry;
  dry.dry_run = true;
  auto r = m->Up(dry);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->dry_run);
  EXPECT_EQ(r->steps.size(), 3u);
  EXPECT_EQ(Snapshot(), before);
  EXPECT_FALSE(HasTable("strata_migrations"));
  // A dry run that fails reports the error and still changes nothing.
  Write("0004_bad.up.sql", "CREATE TABLE ok_table (id INTEGER);\nSELECT * FROM missing_table;\n");
  r = m->Up(dry);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().line(), 2);
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(MigratorTest, SingleTransactionIsAllOrNothing) {
  WriteShop();
  Write("0004_bad.up.sql", "CREATE TABLE t4 (id INTEGER);\nSELECT * FROM missing_table;\n");
  auto m = Open();
  UpOptions single;
  single.single_transaction = true;
  auto r = m->Up(single);
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(HasTable("users"));
  EXPECT_TRUE(Recorded().empty());
  std::filesystem::remove(migrations() + "/0004_bad.up.sql");
  ASSERT_TRUE(m->Up(single).ok());
  EXPECT_EQ(Recorded().size(), 3u);
}

TEST_P(MigratorTest, ModifiedFileBlocksUpUntilRepaired) {
  WriteShop();
  auto m = Open();
  UpOptions to2;
  to2.to = "0002";
  ASSERT_TRUE(m->Up(to2).ok());
  Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);\n");
  std::string before = Snapshot();
  auto r = m->Up({});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kChecksumMismatch);
  EXPECT_NE(r.status().message().find("0001_users was changed after it was applied"), std::string::npos);
  EXPECT_EQ(Snapshot(), before);
  auto repaired = m->Repair({});
  ASSERT_TRUE(repaired.ok()) << repaired.status().ToString();
  ASSERT_EQ(repaired->actions.size(), 1u);
  EXPECT_EQ(repaired->actions[0].action, "accepted_checksum");
  ASSERT_TRUE(m->Up({}).ok());
  EXPECT_TRUE(HasTable("items"));
}

TEST_P(MigratorTest, MissingFileBlocksUpUntilForgotten) {
  WriteShop();
  auto m = Open();
  ASSERT_TRUE(m->Up({}).ok());
  std::filesystem::remove(migrations() + "/0002_orders.up.sql");
  std::filesystem::remove(migrations() + "/0002_orders.down.sql");
  Write("0004_tags.up.sql", "CREATE TABLE tags (id INTEGER);\n");
  auto r = m->Up({});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kValidation);
  EXPECT_NE(r.status().message().find("0002_orders is applied but its file is missing"), std::string::npos);
  EXPECT_FALSE(HasTable("tags"));
  RepairOptions forget;
  forget.versions = {"0002"};
  auto repaired = m->Repair(forget);
  ASSERT_TRUE(repaired.ok());
  EXPECT_EQ(repaired->actions[0].action, "forgotten");
  ASSERT_TRUE(m->Up({}).ok());
  EXPECT_TRUE(HasTable("tags"));
}

TEST_P(MigratorTest, FailedNoTransactionMigrationIsDirtyUntilRepaired) {
  WriteShop();
  Write("0004_index.up.sql",
        "-- strata:no-transaction\n"
        "CREATE INDEX idx_items_order ON items (order_id);\n"
        "CREATE INDEX idx_broken ON no_such_table (x);\n");
  auto m = Open();
  auto r = m->Up({});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().line(), 3);
  EXPECT_NE(r.status().hint().find("dirty"), std::string::npos);
  EXPECT_EQ(Recorded().back(), "0004:dirty");
  auto again = m->Up({});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Code::kDirty);
  EXPECT_NE(again.status().message().find("0004_index is dirty"), std::string::npos);
  // The user undoes the partial work, fixes the file and asks for a retry.
  ASSERT_TRUE(Rows("DROP INDEX idx_items_order").empty());
  Write("0004_index.up.sql", "-- strata:no-transaction\nCREATE INDEX idx_items_order ON items (order_id);\n");
  RepairOptions retry;
  retry.retry = true;
  auto repaired = m->Repair(retry);
  ASSERT_TRUE(repaired.ok()) << repaired.status().ToString();
  EXPECT_EQ(repaired->actions[0].action, "reset_to_pending");
  ASSERT_TRUE(m->Up({}).ok());
  EXPECT_EQ(Recorded().back(), "0004:clean");
}

TEST_P(MigratorTest, OutOfOrderIsRefusedThenAppliedOnRequest) {
  Write("0001_a.up.sql", "CREATE TABLE a (id INTEGER);\n");
  Write("0003_c.up.sql", "CREATE TABLE c (id INTEGER);\n");
  auto m = Open();
  ASSERT_TRUE(m->Up({}).ok());
  Write("0002_b.up.sql", "CREATE TABLE b (id INTEGER);\n");
  auto r = m->Up({});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kValidation);
  EXPECT_NE(r.status().message().find("0002_b"), std::string::npos);
  EXPECT_FALSE(HasTable("b"));
  UpOptions ooo;
  ooo.out_of_order = true;
  ASSERT_TRUE(m->Up(ooo).ok());
  EXPECT_TRUE(HasTable("b"));
}

TEST_P(MigratorTest, BaselineMarksWithoutRunning) {
  WriteShop();
  auto m = Open();
  BaselineOptions b;
  b.version = "0002";
  auto r = m->Baseline(b);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->versions, (std::vector<std::string>{"0001", "0002"}));
  EXPECT_FALSE(HasTable("users"));  // not run
  // The database already has these tables (that is why one baselines).
  ASSERT_TRUE(Rows("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)").empty());
  ASSERT_TRUE(Rows("CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER)").empty());
  ASSERT_TRUE(m->Up({}).ok());
  EXPECT_EQ(Recorded().size(), 3u);
  EXPECT_EQ(Rows("SELECT count(*) FROM strata_events WHERE kind = 'baseline'"), std::vector<std::string>{"2"});
}

TEST_P(MigratorTest, ProtectedEnvironmentNeedsConfirmation) {
  WriteShop();
  auto m = Open(/*is_protected=*/true);
  ASSERT_TRUE(m->Up({}).ok());  // up is allowed
  std::string before = Snapshot();
  auto r = m->Down({});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kProtected);
  EXPECT_EQ(Snapshot(), before);
  BaselineOptions b;
  b.version = "1";
  EXPECT_EQ(m->Baseline(b).status().code(), Code::kProtected);
  EXPECT_EQ(m->Repair({}).status().code(), Code::kProtected);
  EXPECT_EQ(m->Redo({}).status().code(), Code::kProtected);
  DownOptions yes;
  yes.yes = true;
  ASSERT_TRUE(m->Down(yes).ok());
  EXPECT_FALSE(HasTable("items"));
}

TEST_P(MigratorTest, StatusAndValidateDoNotCreateAMissingSqliteFile) {
  if (pg()) GTEST_SKIP() << "about SQLite files";
  WriteShop();
  auto m = Open();
  auto status = m->GetStatus();
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(status->summary.pending, 3);
  ASSERT_TRUE(m->Validate().ok());
  EXPECT_FALSE(std::filesystem::exists(dir_.Path("app.db")));
  ASSERT_TRUE(m->Up({}).ok());  // up creates it
  EXPECT_TRUE(std::filesystem::exists(dir_.Path("app.db")));
}

INSTANTIATE_TEST_SUITE_P(Engines, MigratorTest, ::testing::Values("sqlite", "postgres"), EngineName);

}  // namespace
}  // namespace strata::integration
