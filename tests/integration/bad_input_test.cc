// Bad input gets a clear error naming the file and line (or the setting), a
// documented exit code, and leaves the database and the files as they were.
// Each case: snapshot, run the binary, check the message and exit code,
// compare the snapshot. Run on both engines.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness.h"

namespace strata::integration {
namespace {

namespace fs = std::filesystem;

class BadInputTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);\n");
    Write("0001_users.down.sql", "DROP TABLE users;\n");
    Write("0002_orders.up.sql", "CREATE TABLE orders (id INTEGER PRIMARY KEY);\n");
    Write("0002_orders.down.sql", "DROP TABLE orders;\n");
    auto up = Strata({"up"});
    ASSERT_EQ(up.exit_code, 0) << up.err;
  }

  // Every file under the temp dir (except the SQLite database and its
  // journal) with its content.
  std::string Files() const {
    std::string out;
    std::vector<fs::path> paths;
    for (const auto& e : fs::recursive_directory_iterator(dir_.path())) {
      if (e.is_regular_file() && e.path().filename().string().rfind("app.db", 0) != 0) paths.push_back(e.path());
    }
    std::sort(paths.begin(), paths.end());
    for (const auto& p : paths) {
      std::ifstream in(p, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      out += p.string() + "\n" + ss.str() + "\n";
    }
    return out;
  }

  // Runs `args` and checks exit code, that stderr contains every `needle`,
  // and that nothing changed.
  void ExpectRefused(const std::vector<std::string>& args, int exit_code, const std::vector<std::string>& needles,
                     testing::CommandOptions options = {}, bool with_url = true) {
    std::string db_before = Snapshot();
    std::string files_before = Files();
    testing::CommandResult r;
    if (with_url) {
      r = Strata(args, options);
    } else {
      if (options.cwd.empty()) options.cwd = dir_.path();
      r = testing::RunStrata(args, options);
    }
    EXPECT_EQ(r.exit_code, exit_code) << "stdout: " << r.out << "\nstderr: " << r.err;
    for (const auto& n : needles) EXPECT_NE(r.err.find(n), std::string::npos) << "missing '" << n << "' in: " << r.err;
    EXPECT_EQ(Snapshot(), db_before);
    EXPECT_EQ(Files(), files_before);
  }
};

TEST_P(BadInputTest, MissingMigrationsDir) {
  ExpectRefused({"up", "--url", url(), "--dir", dir_.Path("nope")}, 1, {"nope", "strata init"}, {}, false);
}

TEST_P(BadInputTest, UnreadableMigrationsDir) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads every directory";
  ::chmod(migrations().c_str(), 0);
  ExpectRefused({"up"}, 1, {"migrations"});
  ::chmod(migrations().c_str(), 0755);
}

TEST_P(BadInputTest, DuplicateVersion) {
  Write("0003_a.up.sql", "CREATE TABLE a (id INTEGER);\n");
  Write("003_b.up.sql", "CREATE TABLE b (id INTEGER);\n");
  ExpectRefused({"up"}, 6, {"0003_a.up.sql", "003_b.up.sql", "duplicate"});
}

TEST_P(BadInputTest, DownWithoutUp) {
  Write("0003_orphan.down.sql", "DROP TABLE x;\n");
  ExpectRefused({"up"}, 6, {"0003_orphan.down.sql"});
}

TEST_P(BadInputTest, FileNameWithoutVersion) {
  Write("add_stuff.sql", "CREATE TABLE stuff (id INTEGER);\n");
  ExpectRefused({"up"}, 6, {"add_stuff.sql", "no version"});
}

TEST_P(BadInputTest, EmptyFile) {
  Write("0003_empty.up.sql", "-- nothing here yet\n\n");
  ExpectRefused({"up"}, 6, {"0003_empty.up.sql", "empty"});
}

TEST_P(BadInputTest, NonUtf8File) {
  Write("0003_latin1.up.sql", "CREATE TABLE t (id INTEGER);\n-- caf\xe9\n");
  ExpectRefused({"up"}, 6, {"0003_latin1.up.sql:2", "UTF-8"});
}

// issue 16, bad input 1: a NUL byte made both engines stop reading the file
// there, so `up` applied the statements before it, reported success, and the
// checksum (over the whole file) never flagged it.
TEST_P(BadInputTest, NulByteIsRefusedNotTruncated) {
  using namespace std::string_literals;
  Write("0003_nul.up.sql", "CREATE TABLE c (id INTEGER);\n\0\nCREATE TABLE d (id INTEGER);\n"s);
  ExpectRefused({"up"}, 6, {"0003_nul.up.sql:2: file contains a NUL byte"});
  EXPECT_FALSE(HasTable("c"));
  EXPECT_FALSE(HasTable("d"));
  auto status = Strata({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("1 migration file not loaded"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("0003_nul.up.sql:2: file contains a NUL byte"), std::string::npos) << status.out;
  // `lint FILE` reads through the same reader.
  auto lint = Strata({"lint", migrations() + "/0003_nul.up.sql"});
  EXPECT_EQ(lint.exit_code, 6) << lint.out << lint.err;
  EXPECT_NE(lint.err.find("0003_nul.up.sql:2: file contains a NUL byte"), std::string::npos) << lint.err;
}

// issue 16, bad input 2: a FIFO named like a migration hung `status` and
// `up` forever (opening a FIFO waits for a writer). Anything that is not a
// regular file or a link to one is listed as not loaded and never opened.
TEST_P(BadInputTest, FifoIsNotARegularFileAndNeverOpened) {
  ASSERT_EQ(::mkfifo((migrations() + "/0003_c.up.sql").c_str(), 0644), 0);
  ASSERT_EQ(::symlink("0003_c.up.sql", (migrations() + "/0004_link.up.sql").c_str()), 0);
  testing::CommandOptions quick;
  quick.timeout_ms = 20000;  // a hang is the bug: fail instead of waiting for the suite's timeout
  auto status = Strata({"status"}, quick);
  EXPECT_EQ(status.signal, 0) << "strata status hung on the FIFO";
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("2 migration files not loaded"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("0003_c.up.sql: not a regular file (a FIFO)"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("0004_link.up.sql: not a regular file (a FIFO)"), std::string::npos) << status.out;
  ExpectRefused({"up"}, 6, {"0003_c.up.sql: not a regular file (a FIFO)"}, quick);
  auto validate = Strata({"validate"}, quick);
  EXPECT_EQ(validate.exit_code, 6) << validate.out << validate.err;
  // A link to a regular file is a migration like any other.
  ::unlink((migrations() + "/0003_c.up.sql").c_str());
  ::unlink((migrations() + "/0004_link.up.sql").c_str());
  dir_.Write("elsewhere/0003_real.sql", "CREATE TABLE linked (id INTEGER);\n");
  ASSERT_EQ(::symlink(dir_.Path("elsewhere/0003_real.sql").c_str(), (migrations() + "/0003_linked.up.sql").c_str()), 0);
  auto up = Strata({"up"}, quick);
  EXPECT_EQ(up.exit_code, 0) << up.err;
  EXPECT_TRUE(HasTable("linked"));
}

TEST_P(BadInputTest, SqlErrorInTheMiddleOfAMigration) {
  Write("0003_items.up.sql",
        "CREATE TABLE items (id INTEGER);\n"
        "INSERT INTO items VALUES (1);\n"
        "INSERT INTO itemz VALUES (2);\n"
        "CREATE TABLE after_error (id INTEGER);\n");
  ExpectRefused({"up"}, 1, {"0003_items.up.sql:3", "itemz"});
  EXPECT_FALSE(HasTable("items"));
  EXPECT_EQ(Rows("SELECT count(*) FROM strata_events WHERE outcome = 'failure' AND version = '0003'"),
            std::vector<std::string>{"1"});
}

TEST_P(BadInputTest, AppliedMigrationFileChanged) {
  Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, name TEXT);\n");
  Write("0003_more.up.sql", "CREATE TABLE more (id INTEGER);\n");
  ExpectRefused({"up"}, 6, {"0001_users", "changed", "strata repair 0001"});
  auto repair = Strata({"repair", "0001"});
  EXPECT_EQ(repair.exit_code, 0) << repair.err;
  EXPECT_EQ(Strata({"up"}).exit_code, 0);
  EXPECT_TRUE(HasTable("more"));
}

TEST_P(BadInputTest, AppliedMigrationFileGone) {
  fs::remove(migrations() + "/0002_orders.up.sql");
  fs::remove(migrations() + "/0002_orders.down.sql");
  Write("0003_more.up.sql", "CREATE TABLE more (id INTEGER);\n");
  ExpectRefused({"up"}, 6, {"0002_orders", "missing"});
}

TEST_P(BadInputTest, DirtyMigration) {
  Rows("UPDATE strata_migrations SET state = 'dirty' WHERE version = '0002'");
  Write("0003_more.up.sql", "CREATE TABLE more (id INTEGER);\n");
  ExpectRefused({"up"}, 6, {"0002_orders is dirty", "strata repair 0002"});
}

TEST_P(BadInputTest, BadUrl) {
  ExpectRefused({"status", "--url", "mysql://u:Sekr1tPass@h/db"}, 2, {"unknown scheme 'mysql'"}, {}, false);
  testing::CommandOptions in_dir;
  in_dir.cwd = dir_.path();
  auto r = testing::RunStrata({"status", "--url", "mysql://u:Sekr1tPass@h/db"}, in_dir);
  EXPECT_EQ(r.err.find("Sekr1tPass"), std::string::npos) << r.err;
}

TEST_P(BadInputTest, WrongPassword) {
  if (!pg()) GTEST_SKIP() << "SQLite has no passwords";
  if (std::getenv("STRATA_TEST_PG_URL")) GTEST_SKIP() << "the strata_pw role exists only on the harness server";
  std::string server = *testing::PgServerUrl();
  std::string hostport = server.substr(server.find('@') + 1);
  hostport = hostport.substr(0, hostport.find('/'));
  std::string bad = "postgres://strata_pw:Wr0ngPassw0rd@" + hostport + "/postgres";
  auto r = testing::RunStrata({"status", "--url", bad, "--dir", migrations()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("password authentication failed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("strata_pw:****@"), std::string::npos) << r.err;
  EXPECT_EQ((r.out + r.err).find("Wr0ngPassw0rd"), std::string::npos) << r.err;
  auto json = testing::RunStrata({"status", "--json", "--url", bad, "--dir", migrations()});
  EXPECT_EQ((json.out + json.err).find("Wr0ngPassw0rd"), std::string::npos) << json.out;
}

TEST_P(BadInputTest, UnreachableHostRetriesThenFails) {
  if (!pg()) GTEST_SKIP() << "SQLite has no hosts";
  dir_.Write("strata.toml", "[env.far]\nurl = \"postgres://app:Pw123456@127.0.0.1:1/db\"\nconnect_retries = 2\n");
  auto start = std::chrono::steady_clock::now();
  ExpectRefused({"status", "--env", "far", "--dir", migrations()}, 1, {"cannot connect", "127.0.0.1", "3 attempts"},
                {}, false);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(700));  // 250 + 500 ms backoff
}

TEST_P(BadInputTest, MalformedConfig) {
  dir_.Write("strata.toml", "[env.dev]\nurl = \"sqlite:x.db\"\nprotected = maybe\n");
  ExpectRefused({"status", "--dir", migrations()}, 1, {"strata.toml:3"}, {}, false);
}

TEST_P(BadInputTest, UnknownEnvironment) {
  dir_.Write("strata.toml", "[env.dev]\nurl = \"" + url() + "\"\n");
  ExpectRefused({"status", "--env", "prod", "--dir", migrations()}, 1, {"unknown environment 'prod'", "dev"}, {},
                false);
}

TEST_P(BadInputTest, UnsetVariable) {
  dir_.Write("strata.toml", "[env.production]\nurl = \"${STRATA_TEST_UNSET_VAR}\"\n");
  testing::CommandOptions o;
  o.unset_env = {"STRATA_TEST_UNSET_VAR"};
  ExpectRefused({"up", "--env", "production", "--dir", migrations()}, 2,
                {"env.production.url", "STRATA_TEST_UNSET_VAR"}, o, false);
}

INSTANTIATE_TEST_SUITE_P(Engines, BadInputTest, ::testing::Values("sqlite", "postgres"), EngineName);

}  // namespace
}  // namespace strata::integration
