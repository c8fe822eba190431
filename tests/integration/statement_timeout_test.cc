// statement_timeout (PostgreSQL): in force for every statement of a
// migration, only inside the migration's transaction, and shown by plan.
#include "harness.h"

namespace strata::integration {
namespace {

class StatementTimeoutTest : public EngineTest {};

TEST_P(StatementTimeoutTest, ALongerStatementFailsNamingTheSetting) {
  dir_.Write("strata.toml", "[env.test]\nstatement_timeout = \"1s\"\nlock_timeout = \"3s\"\n");
  Write("0001_quick.up.sql", "CREATE TABLE t (id int);\nSELECT pg_sleep(0.1);\n");
  Write("0002_slow.up.sql", "INSERT INTO t VALUES (1);\nSELECT pg_sleep(3);\n");

  auto plan = Strata({"plan", "--json"});
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_NE(plan.out.find("\"statement_timeout_ms\": 1000"), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("\"lock_timeout_ms\": 3000"), std::string::npos) << plan.out;
  auto text = Strata({"plan"});
  EXPECT_NE(text.out.find("Timeouts per statement: lock_timeout 3.0 s, statement_timeout 1.0 s."), std::string::npos)
      << text.out;

  auto up = Strata({"up"});
  EXPECT_EQ(up.exit_code, 1) << up.err;
  EXPECT_NE(up.err.find("canceling statement due to statement timeout"), std::string::npos) << up.err;
  EXPECT_NE(up.err.find("ran longer than statement_timeout (1000 ms"), std::string::npos) << up.err;
  EXPECT_NE(up.err.find("0002_slow.up.sql:2"), std::string::npos) << up.err;
  EXPECT_EQ(Recorded(), std::vector<std::string>{"0001:clean"});
  EXPECT_EQ(Rows("SELECT count(*) FROM t"), std::vector<std::string>{"0"}) << "the failed migration rolled back";

  // Raised, the same migration runs.
  dir_.Write("strata.toml", "[env.test]\nstatement_timeout = \"10s\"\n");
  auto again = Strata({"up"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
}

// SET LOCAL: the setting ends with each migration's transaction, so a
// migration cannot see it leak from strata's own session setup, and the
// server default holds outside.
TEST_P(StatementTimeoutTest, OnlyInsideTheMigrationsTransaction) {
  dir_.Write("strata.toml", "[env.test]\nstatement_timeout = \"4s\"\n");
  Write("0001_seen.up.sql",
        "CREATE TABLE seen AS SELECT current_setting('statement_timeout') AS inside;\n");
  Write("0002_outside.up.sql",
        "-- strata:no-transaction\n"
        "CREATE TABLE outside AS SELECT current_setting('statement_timeout') AS value;\n");
  auto up = Strata({"up"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_EQ(Rows("SELECT inside FROM seen"), std::vector<std::string>{"4s"});
  EXPECT_EQ(Rows("SELECT value FROM outside"), std::vector<std::string>{"0"});
}

INSTANTIATE_TEST_SUITE_P(Postgres, StatementTimeoutTest, ::testing::Values("postgres"), EngineName);

}  // namespace
}  // namespace strata::integration
