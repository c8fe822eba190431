// Taking over projects written for other tools (issue 10): each reader over a
// folder laid out exactly as the tool writes it (tests/fixtures/formats/),
// and `strata import` on a database where the tool's own tracking table was
// created with the tool's own DDL and filled as the tool fills it. Through the
// CLI, on both engines where the tool supports them.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "driver/open.h"
#include "harness.h"
#include "util/sha256.h"

namespace strata::integration {
namespace {

namespace fs = std::filesystem;

std::string Fixture(const std::string& name) { return testing::SourceDir() + "/tests/fixtures/formats/" + name; }

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = s.find(from, at)) != std::string::npos; at += to.size()) s.replace(at, from.size(), to);
  return s;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

class AdoptionTest : public EngineTest {
 protected:
  void CopyFixture(const std::string& name) { fs::copy(Fixture(name), migrations(), fs::copy_options::recursive); }

  // Runs SQL the way the other tool would have run it before strata came:
  // directly, on a connection of its own.
  void RunAsTheTool(const std::string& sql) {
    if (!tool_conn_) {
      auto conn = driver::Open(url(), {});
      ASSERT_TRUE(conn.ok()) << conn.status().ToString();
      tool_conn_ = std::move(*conn);
    }
    Status s = tool_conn_->ExecScript(sql);
    ASSERT_TRUE(s.ok()) << s.ToString() << "\n" << sql;
  }
  void TearDown() override { tool_conn_.reset(); }

  std::unique_ptr<driver::Connection> tool_conn_;  // the other tool's session


 public:
  // For the table-creating helpers below.
  void RunAsTheToolForTesting(const std::string& sql) { RunAsTheTool(sql); }

 protected:

  std::string Count(const std::string& table) { return Rows("SELECT count(*) FROM " + table).at(0); }

  // Everything in strata's tables and `table`: what must not change when an
  // import is refused, and what import must not touch.
  std::string State(const std::string& foreign) {
    std::string out = Snapshot();
    for (const auto& r : Rows("SELECT * FROM " + foreign)) out += r + "\n";
    return out;
  }

  // The journal's entries of a drizzle fixture: tag and when.
  std::vector<std::pair<std::string, std::string>> Journal() {
    std::string text = ReadText(migrations() + "/meta/_journal.json");
    std::vector<std::pair<std::string, std::string>> out;
    for (size_t at = 0; (at = text.find("\"when\": ", at)) != std::string::npos;) {
      at += 8;
      std::string when = text.substr(at, text.find_first_of(",\n", at) - at);
      size_t t = text.find("\"tag\": \"", at) + 8;
      out.push_back({text.substr(t, text.find('"', t) - t), when});
    }
    return out;
  }

  // drizzle's migrator applying the first `n` journal entries: it splits on
  // the breakpoints, runs the statements, and inserts (hash, created_at).
  void DrizzleApplies(size_t n) {
    if (pg()) {
      // drizzle-orm's pg-core dialect, migrate(): its DDL, word for word.
      RunAsTheTool("CREATE SCHEMA IF NOT EXISTS \"drizzle\"");
      RunAsTheTool(
          "CREATE TABLE IF NOT EXISTS \"drizzle\".\"__drizzle_migrations\" (\n\t\t\tid SERIAL PRIMARY KEY,\n\t\t\t"
          "hash text NOT NULL,\n\t\t\tcreated_at bigint\n\t\t)");
    } else {
      // drizzle-orm's sqlite-core dialect, migrate().
      RunAsTheTool(
          "CREATE TABLE IF NOT EXISTS \"__drizzle_migrations\" (\n\t\t\tid SERIAL PRIMARY KEY,\n\t\t\t"
          "hash text NOT NULL,\n\t\t\tcreated_at numeric\n\t\t)");
    }
    std::string table = pg() ? "\"drizzle\".\"__drizzle_migrations\"" : "\"__drizzle_migrations\"";
    auto journal = Journal();
    for (size_t i = 0; i < n && i < journal.size(); ++i) {
      std::string raw = ReadText(migrations() + "/" + journal[i].first + ".sql");
      RunAsTheTool(Replace(raw, "--> statement-breakpoint", ";--> statement-breakpoint"));
      RunAsTheTool("INSERT INTO " + table + " (\"hash\", \"created_at\") VALUES ('" + util::Sha256Hex(raw) + "', " +
                   journal[i].second + ")");
    }
  }
};

// --- drizzle-kit ---

// The project from issue 10: 186 journal entries and an abandoned
// 0130_*.sql beside them. strata exited 6, "duplicate version 0130".
TEST_P(AdoptionTest, DrizzleOrphanIsANoteAndUpRunsTheJournal) {
  CopyFixture(pg() ? "drizzle-pg" : "drizzle-sqlite");
  size_t entries = pg() ? 186 : 4;
  auto validate = Strata({"validate"});
  EXPECT_EQ(validate.exit_code, 0) << validate.out << validate.err;
  if (pg()) {
    EXPECT_TRUE(Contains(validate.out, "note: " + migrations() +
                                           "/0130_abandoned_idea.sql: not in meta/_journal.json, so not a migration"))
        << validate.out;
  }
  EXPECT_TRUE(Contains(validate.out, "OK: " + std::to_string(entries) + " migrations valid.")) << validate.out;
  auto up = Strata({"up"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_TRUE(Contains(up.out, "Applied " + std::to_string(entries) + " migrations")) << up.out;
  if (pg()) {
    EXPECT_TRUE(HasTable("accounts"));  // the orphan would have dropped it
    EXPECT_TRUE(HasTable("t0185"));
    // The custom migration without semicolons ran both statements.
    EXPECT_EQ(Rows("SELECT email FROM accounts"), std::vector<std::string>{"first@example.com"});
  } else {
    EXPECT_EQ(Rows("SELECT id, title, body, author_id FROM posts"), std::vector<std::string>{"1|hello||1"});
  }
  auto status = Strata({"status", "--exit-code"});
  EXPECT_EQ(status.exit_code, 0) << status.out;
}

TEST_P(AdoptionTest, DrizzleImportThenUpThenStatus) {
  CopyFixture(pg() ? "drizzle-pg" : "drizzle-sqlite");
  size_t applied = pg() ? 100 : 2, entries = pg() ? 186 : 4;
  DrizzleApplies(applied);
  std::string table = pg() ? "drizzle.__drizzle_migrations" : "__drizzle_migrations";
  std::string before = "";
  for (const auto& r : Rows("SELECT * FROM " + table + " ORDER BY id")) before += r + "\n";

  auto dry = Strata({"import", "drizzle", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.out << dry.err;
  EXPECT_TRUE(Contains(dry.out, "Dry run: would record " + std::to_string(applied) + " migrations from " + table))
      << dry.out;
  EXPECT_FALSE(HasTable("strata_migrations"));

  auto imported = Strata({"import", "drizzle"});
  ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
  EXPECT_TRUE(Contains(imported.out, "recorded  0000_")) << imported.out;
  EXPECT_TRUE(Contains(imported.out, "hash matches " + table + " row 1")) << imported.out;
  EXPECT_EQ(Rows("SELECT count(*), min(batch), max(batch) FROM strata_migrations"),
            std::vector<std::string>{std::to_string(applied) + "|0|0"});
  EXPECT_EQ(Rows("SELECT count(*) FROM strata_events WHERE kind = 'import' AND outcome = 'success' AND batch = 0"),
            std::vector<std::string>{std::to_string(applied)});
  std::string after;
  for (const auto& r : Rows("SELECT * FROM " + table + " ORDER BY id")) after += r + "\n";
  EXPECT_EQ(after, before) << "import must not touch drizzle's table";

  auto status = Strata({"status", "--json"});
  EXPECT_TRUE(Contains(status.out, "\"applied\": " + std::to_string(applied) + ",")) << status.out;
  EXPECT_TRUE(Contains(status.out, "\"pending\": " + std::to_string(entries - applied) + ",")) << status.out;
  auto up = Strata({"up"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_TRUE(Contains(up.out, "Applied " + std::to_string(entries - applied) + " migration")) << up.out;
  EXPECT_EQ(Strata({"status", "--exit-code"}).exit_code, 0);
  // Importing again records nothing new.
  auto again = Strata({"import", "drizzle"});
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_TRUE(Contains(again.out, std::to_string(applied) + " migrations already recorded by strata")) << again.out;
}

TEST_P(AdoptionTest, DrizzleHashMismatchIsReportedPerMigrationAndNothingIsRecorded) {
  CopyFixture(pg() ? "drizzle-pg" : "drizzle-sqlite");
  DrizzleApplies(3);
  auto journal = Journal();
  // Two applied files edited afterwards.
  for (size_t i : {0u, 2u}) {
    std::ofstream(migrations() + "/" + journal[i].first + ".sql", std::ios::app) << "\n-- edited later\n";
  }
  std::string table = pg() ? "drizzle.__drizzle_migrations" : "__drizzle_migrations";
  std::string before = State(table);
  auto r = Strata({"import", "drizzle"});
  EXPECT_EQ(r.exit_code, 6) << r.out << r.err;
  for (size_t i : {0u, 2u}) {
    EXPECT_TRUE(Contains(r.out, journal[i].first + " changed since drizzle applied it (hash ")) << r.out;
  }
  EXPECT_FALSE(Contains(r.out, journal[1].first + " changed")) << r.out;
  EXPECT_TRUE(Contains(r.out, "Import refused: 2 problems in " + table + "; nothing was recorded.")) << r.out;
  EXPECT_EQ(State(table), before);
  EXPECT_FALSE(HasTable("strata_migrations"));
}

// --- golang-migrate ---

void CreateGolangMigrateTable(AdoptionTest& t, bool pg) {
  // database/postgres and database/sqlite3 of golang-migrate, ensureVersionTable().
  if (pg) {
    t.RunAsTheToolForTesting(
        "CREATE TABLE IF NOT EXISTS \"schema_migrations\" (version bigint not null primary key, dirty boolean not null)");
  } else {
    t.RunAsTheToolForTesting(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version uint64,dirty bool);\n"
        "  CREATE UNIQUE INDEX IF NOT EXISTS version_unique ON schema_migrations (version);");
  }
}

TEST_P(AdoptionTest, GolangMigratePairsByVersionAndRefusesADirtyVersion) {
  CopyFixture("golang-migrate");
  RunAsTheTool(ReadText(migrations() + "/000001_create_users.up.sql"));
  RunAsTheTool(ReadText(migrations() + "/000002_add_email.up.sql"));
  CreateGolangMigrateTable(*this, pg());
  RunAsTheTool(std::string("INSERT INTO schema_migrations (version, dirty) VALUES (2, ") + (pg() ? "true" : "1") + ")");
  std::string before = State("schema_migrations");
  auto dirty = Strata({"import", "golang-migrate"});
  EXPECT_EQ(dirty.exit_code, 6) << dirty.out << dirty.err;
  EXPECT_TRUE(Contains(dirty.out, "schema_migrations: version 2 is dirty: golang-migrate's migration 2 failed half-way"))
      << dirty.out;
  EXPECT_TRUE(Contains(dirty.out, "migrate force 2")) << dirty.out;
  EXPECT_EQ(State("schema_migrations"), before);

  RunAsTheTool(std::string("UPDATE schema_migrations SET dirty = ") + (pg() ? "false" : "0"));
  auto imported = Strata({"import", "golang-migrate"});
  ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
  EXPECT_EQ(Recorded(), (std::vector<std::string>{"000001:clean", "000002:clean"}));
  auto up = Strata({"up"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_TRUE(HasTable("orders"));
  // The down stored for 000002 is 000002_remove_email.down.sql: paired by version.
  auto down = Strata({"down", "--steps", "2"});
  ASSERT_EQ(down.exit_code, 0) << down.err;
  EXPECT_FALSE(HasTable("orders"));
  EXPECT_EQ(Rows(pg() ? "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = "
                        "'email'"
                      : "SELECT count(*) FROM pragma_table_info('users') WHERE name = 'email'"),
            std::vector<std::string>{"0"});
  EXPECT_EQ(Rows("SELECT version FROM schema_migrations"), std::vector<std::string>{"2"}) << "never written by strata";
}

TEST_P(AdoptionTest, GolangMigrateFileWithConcurrentlyRunsOutsideATransaction) {
  if (!pg()) GTEST_SKIP() << "CREATE INDEX CONCURRENTLY is PostgreSQL's";
  CopyFixture("golang-migrate");
  Write("000005_users_email_idx.up.sql", "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n");
  Write("000006_touch_schema_migrations.up.sql", "ALTER TABLE schema_migrations ADD COLUMN note text;\n");
  auto up = Strata({"up"});
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_EQ(Rows("SELECT count(*) FROM pg_indexes WHERE indexname = 'users_email_idx'"), std::vector<std::string>{"1"});
  // golang-migrate's table existed before the first file ran, as the tool makes it.
  EXPECT_EQ(Rows("SELECT count(*) FROM schema_migrations"), std::vector<std::string>{"0"});
}

// --- Flyway ---

void CreateFlywayTable(AdoptionTest& t, bool pg) {
  if (pg) {  // Flyway 9/10, PostgreSQL createMetaDataTable.sql
    t.RunAsTheToolForTesting(
        "CREATE TABLE \"public\".\"flyway_schema_history\" (\n"
        "    \"installed_rank\" INT NOT NULL,\n    \"version\" VARCHAR(50),\n"
        "    \"description\" VARCHAR(200) NOT NULL,\n    \"type\" VARCHAR(20) NOT NULL,\n"
        "    \"script\" VARCHAR(1000) NOT NULL,\n    \"checksum\" INT,\n    \"installed_by\" VARCHAR(100) NOT NULL,\n"
        "    \"installed_on\" TIMESTAMP NOT NULL DEFAULT now(),\n    \"execution_time\" INT NOT NULL,\n"
        "    \"success\" BOOLEAN NOT NULL\n);\n"
        "ALTER TABLE \"public\".\"flyway_schema_history\" ADD CONSTRAINT \"flyway_schema_history_pk\" PRIMARY KEY "
        "(\"installed_rank\");\n"
        "CREATE INDEX \"flyway_schema_history_s_idx\" ON \"public\".\"flyway_schema_history\" (\"success\");");
  } else {  // Flyway, SQLite createMetaDataTable.sql
    t.RunAsTheToolForTesting(
        "CREATE TABLE \"main\".\"flyway_schema_history\" (\n"
        "    \"installed_rank\" INT NOT NULL PRIMARY KEY,\n    \"version\" VARCHAR(50),\n"
        "    \"description\" VARCHAR(200) NOT NULL,\n    \"type\" VARCHAR(20) NOT NULL,\n"
        "    \"script\" VARCHAR(1000) NOT NULL,\n    \"checksum\" INT,\n    \"installed_by\" VARCHAR(100) NOT NULL,\n"
        "    \"installed_on\" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),\n"
        "    \"execution_time\" INT NOT NULL,\n    \"success\" BOOLEAN NOT NULL\n);\n"
        "CREATE INDEX \"main\".\"flyway_schema_history_s_idx\" ON \"flyway_schema_history\" (\"success\");");
  }
}

struct FlywayFile {
  const char* path;
  const char* version;  // "" for a repeatable
  const char* description;
  const char* checksum;  // Flyway's CRC32, computed independently (Python zlib over the lines)
};
constexpr FlywayFile kFlyway[] = {
    {"V1__create_users.sql", "1", "create users", "-6199158"},
    {"V1_1__add_email.sql", "1.1", "add email", "-596222700"},
    {"V1_2__create_orders.sql", "1.2", "create orders", "1768610993"},
    {"V1_10__add_order_total.sql", "1.10", "add order total", "1147095193"},
    {"V2__seed.sql", "2", "seed", "1510968037"},
    {"R__order_totals.sql", "", "order totals", "-1518597350"},
    {"R__user_names.sql", "", "user names", "-1823359598"},
};

TEST_P(AdoptionTest, FlywayRepeatableChangedAfterApplyIsAppliedAgain) {
  CopyFixture("flyway");
  CreateFlywayTable(*this, pg());
  // Flyway migrate: versioned in order 1 < 1.1 < 1.2 < 1.10 < 2, repeatables last.
  int rank = 0;
  for (const FlywayFile& f : kFlyway) {
    RunAsTheTool(ReadText(migrations() + "/" + f.path));
    std::string version = *f.version ? std::string("'") + f.version + "'" : "NULL";
    RunAsTheTool("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, "
                 "installed_by, execution_time, success) VALUES (" + std::to_string(++rank) + ", " + version + ", '" +
                 f.description + "', 'SQL', '" + f.path + "', " + f.checksum + ", 'flyway', 7, " +
                 (pg() ? "true" : "1") + ")");
  }
  // After Flyway ran, the repeatable view changes, and V3 is new.
  std::ofstream(migrations() + "/R__user_names.sql", std::ios::trunc)
      << "DROP VIEW IF EXISTS user_names;\nCREATE VIEW user_names AS SELECT name, email FROM users;\n";

  auto imported = Strata({"import", "flyway"});
  ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
  EXPECT_TRUE(Contains(imported.out, "recorded  1.10_add_order_total: checksum 1147095193 matches")) << imported.out;
  EXPECT_TRUE(Contains(imported.out, "recorded  R__user_names: changed since Flyway applied it (checksum -1823359598 "
                                     "recorded, "))
      << imported.out;
  EXPECT_EQ(Rows("SELECT count(*) FROM strata_migrations"), std::vector<std::string>{"7"});

  auto status = Strata({"status"});
  EXPECT_TRUE(Contains(status.out, "pending (changed)")) << status.out;
  EXPECT_TRUE(Contains(status.out, "6 applied, 2 pending")) << status.out;  // V3 and R__user_names
  auto up = Strata({"up"});
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_TRUE(Contains(up.out, "3_create_audit")) << up.out;
  EXPECT_TRUE(Contains(up.out, "R__user_names")) << up.out;
  EXPECT_FALSE(Contains(up.out, "R__order_totals")) << up.out;
  EXPECT_EQ(Rows("SELECT name, email FROM user_names"), std::vector<std::string>{"ada|NULL"});
  EXPECT_EQ(Strata({"status", "--exit-code"}).exit_code, 0);
  // Changed again: applied again, with the record replaced (not added).
  std::ofstream(migrations() + "/R__user_names.sql", std::ios::trunc)
      << "DROP VIEW IF EXISTS user_names;\nCREATE VIEW user_names AS SELECT id, name FROM users;\n";
  ASSERT_EQ(Strata({"up"}).exit_code, 0);
  EXPECT_EQ(Rows("SELECT id, name FROM user_names"), std::vector<std::string>{"1|ada"});
  EXPECT_EQ(Rows("SELECT count(*) FROM strata_migrations WHERE version = 'R__user_names'"),
            std::vector<std::string>{"1"});
  // down rolls back versioned migrations only; V3 has no undo file.
  auto down = Strata({"down"});
  EXPECT_EQ(down.exit_code, 1) << down.out << down.err;
  EXPECT_TRUE(Contains(down.err, "3_create_audit has no down migration")) << down.err;
  EXPECT_EQ(Rows("SELECT count(*) FROM flyway_schema_history"), std::vector<std::string>{"7"});
}

TEST_P(AdoptionTest, FlywayFailedRowAndChangedVersionedFileAreRefused) {
  CopyFixture("flyway");
  CreateFlywayTable(*this, pg());
  int rank = 0;
  for (const FlywayFile& f : kFlyway) {
    if (!*f.version) continue;
    std::string checksum = std::string(f.path) == "V1_1__add_email.sql" ? "123" : f.checksum;
    bool failed = std::string(f.path) == "V2__seed.sql";
    RunAsTheTool("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, "
                 "installed_by, execution_time, success) VALUES (" + std::to_string(++rank) + ", '" + f.version +
                 "', '" + f.description + "', 'SQL', '" + f.path + "', " + checksum + ", 'flyway', 7, " +
                 (failed ? (pg() ? "false" : "0") : (pg() ? "true" : "1")) + ")");
  }
  std::string before = State("flyway_schema_history");
  auto r = Strata({"import", "flyway"});
  EXPECT_EQ(r.exit_code, 6) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "flyway_schema_history row installed_rank 5 (version 2, V2__seed.sql) failed: success = false"))
      << r.out;
  EXPECT_TRUE(Contains(r.out, "1.1_add_email changed since Flyway applied it (checksum 123 recorded, -596222700 now)"))
      << r.out;
  EXPECT_EQ(State("flyway_schema_history"), before);
  EXPECT_FALSE(HasTable("strata_migrations"));
}

// --- dbmate ---

TEST_P(AdoptionTest, DbmateImportUpAndRollbackUseTheSections) {
  CopyFixture("dbmate");
  // dbmate's CreateMigrationsTable (postgres: in the public schema; sqlite).
  RunAsTheTool(pg() ? "create table if not exists public.schema_migrations (version varchar(128) primary key)"
                    : "create table if not exists schema_migrations (version varchar(128) primary key)");
  RunAsTheTool("create table users (id integer primary key, name text not null);");
  RunAsTheTool("insert into schema_migrations (version) values ('20240101120000')");
  auto validate = Strata({"validate"});
  EXPECT_EQ(validate.exit_code, 0) << validate.out;
  auto imported = Strata({"import", "dbmate"});
  ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
  EXPECT_EQ(Recorded(), std::vector<std::string>{"20240101120000:clean"});
  auto up = Strata({"up"});
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  // Only the up sections ran: the seed rows are there, and nothing was deleted.
  EXPECT_EQ(Rows("SELECT name FROM users ORDER BY id"), (std::vector<std::string>{"ada", "grace"}));
  auto down = Strata({"down"});
  ASSERT_EQ(down.exit_code, 0) << down.out << down.err;
  EXPECT_EQ(Count("users"), "0");
  EXPECT_EQ(Rows("SELECT version FROM schema_migrations"), std::vector<std::string>{"20240101120000"});
}

// `new` writes native names: a drizzle, Flyway or dbmate folder would not
// read them, so it refuses there (golang-migrate reads them as they are).
TEST_P(AdoptionTest, NewRefusesInFoldersThatWouldIgnoreItsFiles) {
  CopyFixture("flyway");
  auto r = Strata({"new", "add", "things"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Contains(r.err, "which this flyway folder would not read")) << r.err;
  EXPECT_TRUE(Contains(r.err, "V{next version}__name.sql")) << r.err;
  fs::remove_all(migrations());
  CopyFixture("golang-migrate");
  auto ok = Strata({"new", "add", "things"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_TRUE(fs::exists(migrations() + "/000005_add_things.up.sql"));
}

INSTANTIATE_TEST_SUITE_P(Engines, AdoptionTest, ::testing::Values("sqlite", "postgres"), EngineName);

}  // namespace
}  // namespace strata::integration
