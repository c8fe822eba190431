// `strata health` end to end on both engines: the real binary against a real
// SQLite file and the test PostgreSQL server. Exit codes 0/1/3, the JSON of
// docs/json.md#health, who holds the lock while a real `strata up` runs, the
// last apply and failure, the newest backup event, and no password anywhere.
#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "../integration/child_process.h"
#include "../integration/harness.h"

namespace strata::integration {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

testing::CommandOptions InDir(const testing::TempDir& dir) {
  testing::CommandOptions o;
  o.cwd = dir.path();
  o.timeout_ms = 20000;
  return o;
}

class HealthTest : public EngineTest {
 protected:
  Json HealthJson(int expected_exit) {
    auto r = Strata({"health", "--json"});
    EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
    auto j = Json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out;
    return j;
  }
  std::string Slow(int ms) const {
    if (pg()) return "SELECT pg_sleep(" + std::to_string(ms / 1000.0) + ");\n";
    return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " + std::to_string(ms * 2500) +
           ") SELECT max(x) FROM c;\n";
  }
};

TEST_P(HealthTest, PendingThenHealthyWithLastApply) {
  Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
  Write("0002_orders.up.sql", "CREATE TABLE orders (id INTEGER PRIMARY KEY);\n");
  Rows("SELECT 1");  // creates the (empty) SQLite file: a missing file is unhealthy
  Json j = HealthJson(3);
  EXPECT_EQ(j["status"], "pending");
  EXPECT_EQ(j["reasons"], Json::array({"2 migrations pending"}));
  EXPECT_EQ(j["database"]["reachable"], true);
  EXPECT_GE(j["database"]["round_trip_ms"].get<double>(), 0.0);
  EXPECT_EQ(j["migrations"]["pending"], 2);
  EXPECT_EQ(j["lock"]["held"], false);
  EXPECT_TRUE(j["lock"]["holder"].is_null());
  EXPECT_TRUE(j["last_apply"].is_null());
  EXPECT_EQ(j["backup"]["recorded"], false);
  EXPECT_EQ(j["dialect"], pg() ? "postgres" : "sqlite");
  // Health reads only: it created no tracking table.
  EXPECT_FALSE(HasTable("strata_migrations"));

  ASSERT_EQ(Strata({"up"}).exit_code, 0);
  j = HealthJson(0);
  EXPECT_EQ(j["status"], "healthy");
  EXPECT_TRUE(j["reasons"].empty());
  EXPECT_EQ(j["migrations"]["applied"], 2);
  ASSERT_TRUE(j["last_apply"].is_object()) << j.dump();
  EXPECT_EQ(j["last_apply"]["version"], "0002");
  EXPECT_EQ(j["last_apply"]["name"], "orders");
  EXPECT_EQ(j["last_apply"]["batch"], 1);
  EXPECT_TRUE(j["last_failure"].is_null());

  auto text = Strata({"health"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("healthy"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("last apply   0002_orders"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("no backup recorded"), std::string::npos) << text.out;
}

TEST_P(HealthTest, FailureIsReportedAndModifiedIsUnhealthy) {
  Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
  Write("0002_bad.up.sql", "CREATE TABLE t (id INTEGER);\nINSERT INTO no_such_table VALUES (1);\n");
  EXPECT_EQ(Strata({"up"}).exit_code, 1);
  Json j = HealthJson(3);  // the failed migration rolled back: pending, not broken
  ASSERT_TRUE(j["last_failure"].is_object()) << j.dump();
  EXPECT_EQ(j["last_failure"]["kind"], "apply");
  EXPECT_EQ(j["last_failure"]["version"], "0002");
  EXPECT_NE(j["last_failure"]["error"].get<std::string>().find("no_such_table"), std::string::npos);

  Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);\n");
  j = HealthJson(1);
  EXPECT_EQ(j["status"], "unhealthy");
  EXPECT_EQ(j["migrations"]["modified"], 1);
  EXPECT_EQ(j["reasons"][0], "1 applied migration modified since applied");
}

TEST_P(HealthTest, NamesTheHolderOfTheLockWhileARunnerApplies) {
  Write("0001_slow.up.sql", "CREATE TABLE t (id INTEGER);\n" + Slow(6000));
  Child runner({testing::StrataBin(), "up", "--url", url(), "--dir", migrations()});
  Json j;
  bool held = false;
  for (auto deadline = std::chrono::steady_clock::now() + 8s; std::chrono::steady_clock::now() < deadline;) {
    auto r = Strata({"health", "--json"});
    j = Json::parse(r.out, nullptr, false);
    if (j.is_object() && j["lock"]["held"] == true) {
      held = true;
      break;
    }
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(held) << j.dump();
  // The lease row names the runner: its host and pid.
  const Json& lock = j["lock"];
  EXPECT_FALSE(lock["host"].get<std::string>().empty());
  EXPECT_GT(lock["pid"].get<int64_t>(), 0) << lock.dump();
  EXPECT_FALSE(lock["expires_at"].is_null());
  EXPECT_FALSE(lock["since"].is_null());
  EXPECT_EQ(lock["expired"], false);
  auto text = Strata({"health"});
  EXPECT_NE(text.out.find("held by"), std::string::npos) << text.out;
  runner.Kill();
}

TEST_P(HealthTest, ReportsTheNewestBackupEvent) {
  Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
  ASSERT_EQ(Strata({"up"}).exit_code, 0);
  // The shape ops/backup records (kind backup, detail JSON); an older one and
  // a failed newer one must not be picked.
  std::string now = pg() ? "now()" : "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
  std::string old = pg() ? "now() - interval '2 days'" : "strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-2 days')";
  auto insert = [&](const std::string& at, const std::string& outcome, const std::string& detail) {
    Rows("INSERT INTO strata_events (occurred_at, kind, outcome, actor, host, strata_version, detail) VALUES (" + at +
         ", 'backup', '" + outcome + "', 'ci@host', 'host', '0.1.0', '" + detail + "')");
  };
  insert(old, "success", R"({"path":"backups/old.dump","bytes":1,"sha256":"00","verified":true})");
  insert(now, "success", R"({"path":"backups/new.dump","bytes":4096,"sha256":"ab","verified":true})");
  insert(now, "failure", R"({"path":"backups/broken.dump"})");
  Json j = HealthJson(0);
  EXPECT_EQ(j["backup"]["recorded"], true);
  EXPECT_EQ(j["backup"]["path"], "backups/new.dump");
  EXPECT_EQ(j["backup"]["bytes"], 4096);
  EXPECT_EQ(j["backup"]["verified"], true);
  EXPECT_LE(j["backup"]["age_seconds"].get<int64_t>(), 60);
  // A failed backup is the last failure.
  EXPECT_EQ(j["last_failure"]["kind"], "backup");
  auto text = Strata({"health"});
  EXPECT_NE(text.out.find("backups/new.dump, 4.0 KiB, verified"), std::string::npos) << text.out;
}

INSTANTIATE_TEST_SUITE_P(Engines, HealthTest, ::testing::Values("sqlite", "postgres"), EngineName);

TEST(HealthUnreachableTest, PostgresDownIsUnhealthyAndHidesThePassword) {
  testing::TempDir dir;
  dir.Write("migrations/0001_a.up.sql", "SELECT 1;\n");
  // Port 1 on loopback: nothing listens, the connection is refused at once.
  auto r = testing::RunStrata({"health", "--json", "--url", "postgres://app:s3cretPW@127.0.0.1:1/app",
                               "--dir", dir.Path("migrations")});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_EQ(r.out.find("s3cretPW"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("s3cretPW"), std::string::npos) << r.err;
  auto j = Json::parse(r.out);
  EXPECT_EQ(j["status"], "unhealthy");
  EXPECT_EQ(j["database"]["reachable"], false);
  EXPECT_EQ(j["url"], "postgres://app:****@127.0.0.1:1/app");
  EXPECT_NE(j["reasons"][0].get<std::string>().find("database unreachable"), std::string::npos) << j.dump();
}

TEST(HealthUnreachableTest, MissingSqliteFileIsUnhealthyAndNotCreated) {
  testing::TempDir dir;
  dir.Write("migrations/0001_a.up.sql", "SELECT 1;\n");
  auto r = testing::RunStrata({"health", "--url", "sqlite:" + dir.Path("nope.db"), "--dir", dir.Path("migrations")});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("unhealthy"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("does not exist"), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(dir.Path("nope.db")));
}

TEST(HealthUnreachableTest, NoUrlIsAUsageError) {
  testing::TempDir dir;
  auto r = testing::RunStrata({"health", "--json"}, InDir(dir));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.out.find("\"error\""), std::string::npos) << r.out;
}

}  // namespace
}  // namespace strata::integration
