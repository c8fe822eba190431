// strata reset with the real binary on both engines: everything goes, every
// migration runs again; never in a protected environment.
#include "harness.h"

namespace strata::integration {
namespace {

class ResetTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    Write("0001_users.up.sql",
          "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);\n"
          "CREATE INDEX users_name ON users (name);\n"
          "INSERT INTO users VALUES (1, 'seed');\n");
    Write("0002_orders.up.sql",
          "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));\n"
          "CREATE VIEW user_orders AS SELECT u.name, o.id FROM users u JOIN orders o ON o.user_id = u.id;\n" +
              std::string(pg() ? "CREATE SCHEMA billing;\n"
                                 "CREATE TYPE billing.state AS ENUM ('open', 'paid');\n"
                                 "CREATE TABLE billing.invoices (id serial PRIMARY KEY, state billing.state);\n"
                                 "CREATE FUNCTION order_count() RETURNS bigint LANGUAGE sql AS"
                                 " 'SELECT count(*) FROM orders';\n"
                                 "CREATE DOMAIN positive AS integer CHECK (VALUE > 0);\n"
                                 "CREATE EXTENSION IF NOT EXISTS citext;\n"
                                 "CREATE TABLE tags (t citext);\n"
                                 "CREATE SEQUENCE tickets;\n"
                                 "SELECT nextval('tickets');\n"
                               : "CREATE TRIGGER users_guard BEFORE DELETE ON users BEGIN SELECT 1; END;\n"
                                 "CREATE TABLE counters (id INTEGER PRIMARY KEY AUTOINCREMENT);\n"
                                 "INSERT INTO counters DEFAULT VALUES;\n"));
  }

  std::string Inspect() const {
    auto r = Strata({"inspect"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
};

TEST_P(ResetTest, DropsEverythingAndAppliesEveryMigrationAgain) {
  dir_.Write("strata.toml", "[env.test]\n");
  ASSERT_EQ(Strata({"up"}).exit_code, 0);
  std::string fresh = Inspect();
  // Data and objects that came from elsewhere than the migrations.
  ASSERT_EQ(Rows("INSERT INTO users VALUES (2, 'later')").size(), 0u);
  ASSERT_EQ(Rows("INSERT INTO orders VALUES (7, 2)").size(), 0u);
  ASSERT_EQ(Rows("CREATE TABLE scratch (x INTEGER REFERENCES users (id))").size(), 0u);
  if (pg()) {
    ASSERT_EQ(Rows("CREATE SCHEMA manual").size(), 0u);
    ASSERT_EQ(Rows("CREATE TABLE manual.notes (id int)").size(), 0u);
    ASSERT_EQ(Rows("SELECT 'x' FROM (SELECT nextval('tickets')) s").size(), 1u);
  }
  ASSERT_NE(Inspect(), fresh);

  auto r = Strata({"reset", "--yes"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Dropped everything and applied 2 migrations"), std::string::npos) << r.out;
  EXPECT_EQ(Inspect(), fresh);
  EXPECT_EQ(Rows("SELECT count(*) FROM users"), std::vector<std::string>{"1"});
  EXPECT_EQ(Rows("SELECT count(*) FROM orders"), std::vector<std::string>{"0"});
  EXPECT_FALSE(HasTable("scratch"));
  EXPECT_EQ(Recorded(), (std::vector<std::string>{"0001:clean", "0002:clean"}));
  EXPECT_EQ(Rows("SELECT kind FROM strata_events ORDER BY id"),
            (std::vector<std::string>{"reset", "apply", "apply"}));
  if (pg()) {
    EXPECT_EQ(Rows("SELECT count(*) FROM pg_namespace WHERE nspname = 'manual'"), std::vector<std::string>{"0"});
    EXPECT_EQ(Rows("SELECT last_value FROM tickets"), std::vector<std::string>{"1"});
  } else {
    EXPECT_EQ(Rows("SELECT seq FROM sqlite_sequence WHERE name = 'counters'"), std::vector<std::string>{"1"});
  }
  // Again: a reset of a reset database works the same.
  ASSERT_EQ(Strata({"reset", "--yes"}).exit_code, 0);
  EXPECT_EQ(Inspect(), fresh);
}

TEST_P(ResetTest, RefusedInAProtectedEnvironmentEvenWithYes) {
  dir_.Write("strata.toml", "[env.test]\nprotected = true\n");
  ASSERT_EQ(Strata({"up"}).exit_code, 0);
  std::string before = Snapshot();
  auto r = Strata({"reset", "--yes"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("environment 'test' is protected: `strata reset` drops everything"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("protected = true"), std::string::npos) << r.err;
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ResetTest, WithoutATerminalOnlyYesConfirms) {
  ASSERT_EQ(Strata({"up"}).exit_code, 0);
  std::string before = Snapshot();
  testing::CommandOptions typed;
  typed.stdin_data = "y\n";
  auto r = Strata({"reset"}, typed);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("needs confirmation"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--yes"), std::string::npos) << r.err;
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(ResetTest, ABrokenMigrationFolderStopsItBeforeAnythingIsDropped) {
  ASSERT_EQ(Strata({"up"}).exit_code, 0);
  std::string before = Snapshot();
  Write("0003_empty.up.sql", "");
  auto r = Strata({"reset", "--yes"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("0003_empty.up.sql"), std::string::npos) << r.err;
  EXPECT_EQ(Snapshot(), before);
}

INSTANTIATE_TEST_SUITE_P(Engines, ResetTest, ::testing::Values("sqlite", "postgres"), EngineName);

}  // namespace
}  // namespace strata::integration
