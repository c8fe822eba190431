// strata verify through the binary on both engines: a clean database passes;
// planted orphans, NOT VALID constraints and invalid indexes are each named,
// with the exit code a CI step can act on. verify never changes anything.
#include <filesystem>

#include "driver/open.h"
#include "harness.h"

namespace strata::integration {
namespace {

class VerifyTest : public EngineTest {
 protected:
  // Runs a script on the test database; returns its error (OK on success).
  Status Exec(const std::string& sql) const {
    auto conn = driver::Open(url(), {});
    if (!conn.ok()) return conn.status();
    return (*conn)->ExecScript(sql);
  }
  void SetUp() override {
    EngineTest::SetUp();
    Write("0001_shop.up.sql",
          "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);\n"
          "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));\n"
          "INSERT INTO users VALUES (1, 'a@example.com');\n"
          "INSERT INTO orders VALUES (10, 1), (11, NULL);\n");
    auto up = Strata({"up"});
    ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  }
  // Inserts orders that point at user 99, which does not exist, past the
  // engine's own check (what a hand-run script or a bulk load can do).
  void PlantOrphans(int count) {
    std::string values;
    for (int i = 0; i < count; ++i) values += (i ? ", (" : "(") + std::to_string(100 + i) + ", 99)";
    std::string sql = pg() ? "SET session_replication_role = replica; INSERT INTO orders VALUES " + values + ";"
                           : "PRAGMA foreign_keys = OFF; INSERT INTO orders VALUES " + values + ";";
    Status s = Exec(sql);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
};

TEST_P(VerifyTest, CleanDatabasePasses) {
  auto r = Strata({"verify"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "OK: no problems found (1 foreign key checked).\n");
}

TEST_P(VerifyTest, FindsOrphanedRows) {
  PlantOrphans(2);
  std::string before = Snapshot();
  auto r = Strata({"verify"});
  EXPECT_EQ(r.exit_code, 6) << r.out << r.err;
  if (pg()) {
    EXPECT_NE(r.out.find("foreign key orders_user_id_fkey on orders(user_id) -> users(id): 2 rows reference a "
                         "missing row in users"),
              std::string::npos)
        << r.out;
  } else {
    EXPECT_NE(r.out.find("orders(user_id) -> users(id): 2 rows reference a missing row in users"), std::string::npos)
        << r.out;
  }
  EXPECT_NE(r.out.find("Verify failed: 1 problem (1 foreign key checked)."), std::string::npos) << r.out;
  EXPECT_EQ(Snapshot(), before);

  auto json = Strata({"verify", "--json"});
  EXPECT_EQ(json.exit_code, 6);
  EXPECT_NE(json.out.find("\"kind\": \"foreign_key_violation\""), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"rows\": 2"), std::string::npos) << json.out;
}

TEST_P(VerifyTest, FindsNotValidConstraintsAndInvalidIndexes) {
  if (!pg()) GTEST_SKIP() << "PostgreSQL only";
  Write("0002_checks.up.sql",
        "ALTER TABLE users ADD CONSTRAINT email_has_at CHECK (email LIKE '%@%') NOT VALID;\n");
  ASSERT_EQ(Strata({"up"}).exit_code, 0);
  // A unique index built concurrently over duplicates fails and stays, invalid.
  ASSERT_TRUE(Exec("INSERT INTO users VALUES (2, 'a@example.com')").ok());
  EXPECT_FALSE(Exec("CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email)").ok());
  auto r = Strata({"verify"});
  EXPECT_EQ(r.exit_code, 6) << r.out << r.err;
  EXPECT_NE(r.out.find("check constraint email_has_at on users is NOT VALID"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("hint: ALTER TABLE public.users VALIDATE CONSTRAINT email_has_at"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("index users_email_key on users is invalid"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("hint: DROP INDEX CONCURRENTLY public.users_email_key"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Verify failed: 2 problems"), std::string::npos) << r.out;
}

TEST_P(VerifyTest, MissingSqliteFileIsEmptyAndNotCreated) {
  if (pg()) GTEST_SKIP() << "SQLite only";
  std::string missing = dir_.Path("none.db");
  testing::CommandOptions options;
  options.cwd = dir_.path();
  auto r = testing::RunStrata({"verify", "--url", "sqlite:" + missing}, options);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_FALSE(std::filesystem::exists(missing));
}

INSTANTIATE_TEST_SUITE_P(Engines, VerifyTest, ::testing::Values("sqlite", "postgres"), EngineName);

}  // namespace
}  // namespace strata::integration
