// Migrator::Plan touches nothing: no SQLite file is created, no tracking
// table, no lock; it lists what `up` would run, with PostgreSQL locks, and
// says when lint would block `up`.
#include <filesystem>

#include <strata/migrator.h>

#include "harness.h"

namespace strata::integration {
namespace {

class PlanTest : public EngineTest {
 protected:
  Result<PlanReport> Plan(PlanOptions options = {}) {
    Options o;
    o.url = url();
    o.dir = migrations();
    auto m = Migrator::Open(o);
    if (!m.ok()) return m.status();
    if (pg() && options.dev_url.empty()) options.dev_url = testing::PgServerUrl().value_or("");
    return (*m)->Plan(options);
  }
};

TEST_P(PlanTest, ListsPendingMigrationsAndChangesNothing) {
  Write("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n");
  Write("0002_index.up.sql", "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY users_email ON users (email);\n");
  // (Snapshot() would open, and so create, the SQLite file.)
  std::string before = pg() ? Snapshot() : "";
  auto report = Plan();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->migrations.size(), 2u);
  EXPECT_EQ(report->migrations[0].version, "0001");
  EXPECT_FALSE(report->migrations[0].no_transaction);
  EXPECT_TRUE(report->migrations[1].no_transaction);
  ASSERT_EQ(report->migrations[1].statements.size(), 1u);
  const PlanStatement& s = report->migrations[1].statements[0];
  EXPECT_EQ(s.line, 2);
  EXPECT_EQ(s.text, "CREATE INDEX CONCURRENTLY users_email ON users (email)");
  EXPECT_FALSE(s.in_transaction);
  if (pg()) {
    EXPECT_EQ(s.kind, "CREATE INDEX");
    ASSERT_EQ(s.locks.size(), 1u);
    EXPECT_EQ(s.locks[0].relation, "users");
    EXPECT_EQ(s.locks[0].mode, "SHARE UPDATE EXCLUSIVE");
  }
  EXPECT_TRUE(report->semantic) << report->semantic_skipped;
  EXPECT_FALSE(report->blocked);
  if (pg()) {
    EXPECT_EQ(Snapshot(), before);
  } else {
    EXPECT_FALSE(std::filesystem::exists(dir_.Path("app.db")));
  }
}

TEST_P(PlanTest, StopsAtToAndSkipsApplied) {
  Write("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n");
  Write("0002_teams.up.sql", "CREATE TABLE teams (id bigint PRIMARY KEY);\n");
  Write("0003_tags.up.sql", "CREATE TABLE tags (id bigint PRIMARY KEY);\n");
  ASSERT_EQ(Strata({"up", "--to", "0001"}).exit_code, 0);
  PlanOptions options;
  options.to = "0002";
  auto report = Plan(options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->migrations.size(), 1u);
  EXPECT_EQ(report->migrations[0].name, "teams");
  EXPECT_EQ(Recorded(), std::vector<std::string>{"0001:clean"});
}

TEST_P(PlanTest, PostgresWithoutDevUrlSkipsTheSemanticCheck) {
  if (!pg()) GTEST_SKIP() << "SQLite always has a dev database";
  Write("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n");
  Options o;
  o.url = url();
  o.dir = migrations();
  auto m = Migrator::Open(o);
  ASSERT_TRUE(m.ok());
  auto report = (*m)->Plan({});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_FALSE(report->semantic);
  EXPECT_NE(report->semantic_skipped.find("dev_url"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Engines, PlanTest, ::testing::Values("sqlite", "postgres"), EngineName);

}  // namespace
}  // namespace strata::integration
