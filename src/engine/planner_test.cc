// Planner: pure function tests, no database.
#include "engine/planner.h"

#include <gtest/gtest.h>

namespace strata::engine {
namespace {

source::Migration File(std::string version, std::string name, bool with_down = true, bool no_tx = false) {
  source::Migration m;
  m.version = version;
  m.name = name;
  m.up_path = "migrations/" + version + "_" + name + ".up.sql";
  m.up_sql = "CREATE TABLE t" + version + " (id INT);";
  m.checksum = "sum-" + version;
  m.up_annotations.no_transaction = no_tx;
  if (with_down) {
    m.down_path = "migrations/" + version + "_" + name + ".down.sql";
    m.down_sql = "DROP TABLE t" + version + ";";
    m.down_checksum = "down-" + version;
  }
  return m;
}

AppliedRow Row(std::string version, std::string name, int64_t batch, std::string checksum = "") {
  AppliedRow r;
  r.version = version;
  r.name = name;
  r.batch = batch;
  r.checksum = checksum.empty() ? "sum-" + version : checksum;
  r.down_sql = "DROP TABLE t" + version + ";";
  return r;
}

source::MigrationSet Set(std::vector<source::Migration> ms) {
  source::MigrationSet s;
  s.migrations = std::move(ms);
  return s;
}

std::vector<std::string> Versions(const Plan& p) {
  std::vector<std::string> v;
  for (const auto& s : p.steps) v.push_back(s.version);
  return v;
}

TEST(PlannerTest, ReconcileClassifiesEveryState) {
  auto set = Set({File("1", "a"), File("2", "b"), File("3", "c"), File("5", "e")});
  AppliedRow dirty = Row("3", "c", 2);
  dirty.dirty = true;
  std::vector<AppliedRow> rows = {Row("1", "a", 1), Row("2", "b", 1, "other"), dirty, Row("4", "d", 2)};
  auto infos = Reconcile(set, rows);
  ASSERT_EQ(infos.size(), 5u);
  EXPECT_EQ(infos[0].state, MigrationState::kApplied);
  EXPECT_EQ(infos[1].state, MigrationState::kModified);
  EXPECT_EQ(infos[2].state, MigrationState::kDirty);
  EXPECT_EQ(infos[3].state, MigrationState::kMissing);
  EXPECT_EQ(infos[3].version, "4");
  EXPECT_EQ(infos[4].state, MigrationState::kPending);
  EXPECT_FALSE(infos[4].out_of_order);
  auto sum = Summarize(infos);
  EXPECT_EQ(sum.applied, 1);
  EXPECT_EQ(sum.modified, 1);
  EXPECT_EQ(sum.dirty, 1);
  EXPECT_EQ(sum.missing, 1);
  EXPECT_EQ(sum.pending, 1);
}

TEST(PlannerTest, UpAppliesPendingInNumericOrderUpToTarget) {
  auto set = Set({File("9", "a"), File("10", "b"), File("11", "c")});
  auto plan = PlanUp(set, {}, {});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Versions(*plan), (std::vector<std::string>{"9", "10", "11"}));
  UpOptions to;
  to.to = "10";
  plan = PlanUp(set, {}, to);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Versions(*plan), (std::vector<std::string>{"9", "10"}));
  to.to = "12";
  EXPECT_EQ(PlanUp(set, {}, to).status().code(), Status::Code::kValidation);
}

TEST(PlannerTest, UpRefusesOutOfOrderUnlessAllowed) {
  auto set = Set({File("1", "a"), File("2", "late"), File("3", "c")});
  std::vector<AppliedRow> rows = {Row("1", "a", 1), Row("3", "c", 1)};
  auto plan = PlanUp(set, rows, {});
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), Status::Code::kValidation);
  EXPECT_NE(plan.status().message().find("2_late"), std::string::npos);
  UpOptions allow;
  allow.out_of_order = true;
  plan = PlanUp(set, rows, allow);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Versions(*plan), (std::vector<std::string>{"2"}));
}

TEST(PlannerTest, UpRefusesDirtyModifiedMissingAndFileProblems) {
  auto set = Set({File("1", "a"), File("2", "b")});
  AppliedRow dirty = Row("1", "a", 1);
  dirty.dirty = true;
  EXPECT_EQ(PlanUp(set, {dirty}, {}).status().code(), Status::Code::kDirty);
  EXPECT_EQ(PlanUp(set, {Row("1", "a", 1, "changed")}, {}).status().code(), Status::Code::kChecksumMismatch);
  EXPECT_EQ(PlanUp(set, {Row("1", "a", 1), Row("2", "b", 1), Row("3", "gone", 1)}, {}).status().code(),
            Status::Code::kValidation);
  auto bad = set;
  bad.problems.push_back(Status::Validation("duplicate version 2").At("migrations/2_x.up.sql"));
  auto plan = PlanUp(bad, {}, {});
  EXPECT_EQ(plan.status().code(), Status::Code::kValidation);
  EXPECT_EQ(plan.status().file(), "migrations/2_x.up.sql");
}

TEST(PlannerTest, DownBySteps_Batch_To_All) {
  auto set = Set({File("1", "a"), File("2", "b"), File("3", "c"), File("4", "d")});
  std::vector<AppliedRow> rows = {Row("1", "a", 1), Row("2", "b", 1), Row("3", "c", 2), Row("4", "d", 2)};
  DownOptions o;
  EXPECT_EQ(Versions(*PlanDown(set, rows, o)), (std::vector<std::string>{"4"}));
  o.steps = 3;
  EXPECT_EQ(Versions(*PlanDown(set, rows, o)), (std::vector<std::string>{"4", "3", "2"}));
  o = {};
  o.batch = true;
  EXPECT_EQ(Versions(*PlanDown(set, rows, o)), (std::vector<std::string>{"4", "3"}));
  o = {};
  o.to = "1";
  EXPECT_EQ(Versions(*PlanDown(set, rows, o)), (std::vector<std::string>{"4", "3", "2"}));
  o = {};
  o.all = true;
  auto all = PlanDown(set, rows, o);
  EXPECT_EQ(Versions(*all), (std::vector<std::string>{"4", "3", "2", "1"}));
  EXPECT_EQ(all->steps[0].sql(), "DROP TABLE t4;");  // the stored SQL
  EXPECT_EQ(all->steps[0].direction, Direction::kDown);
}

TEST(PlannerTest, DownUsesStoredSqlWhenFilesAreGone) {
  std::vector<AppliedRow> rows = {Row("1", "a", 1), Row("2", "b", 1)};
  rows[1].down_sql = "DROP TABLE stored_version;";
  auto plan = PlanDown(source::MigrationSet{}, rows, {});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->steps[0].sql(), "DROP TABLE stored_version;");
  EXPECT_NE(plan->steps[0].file.find("stored at apply time"), std::string::npos);
}

TEST(PlannerTest, DownWithoutDownSqlChangesNothing) {
  std::vector<AppliedRow> rows = {Row("1", "a", 1), Row("2", "b", 1)};
  rows[0].down_sql.reset();
  DownOptions o;
  o.all = true;
  auto plan = PlanDown(source::MigrationSet{}, rows, o);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), Status::Code::kNotFound);
  EXPECT_NE(plan.status().message().find("1_a has no down migration"), std::string::npos);
}

TEST(PlannerTest, ValidateListsEveryProblem) {
  auto set = Set({File("1", "a"), File("2", "late"), File("3", "c")});
  set.problems.push_back(Status::Validation("duplicate version 7").At("migrations/7_x.up.sql"));
  std::vector<AppliedRow> rows = {Row("1", "a", 1, "changed"), Row("3", "c", 1), Row("4", "gone", 1)};
  auto issues = Validate(set, rows);
  std::vector<std::string> kinds;
  for (const auto& i : issues) kinds.push_back(i.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"duplicate", "checksum", "out_of_order", "missing"}));
}

}  // namespace
}  // namespace strata::engine
