// Backups and restores with the real strata binary, real SQLite files and
// the test PostgreSQL server (real pg_dump, pg_restore and psql): what a
// restore brings back, what a damaged file does, and `backup = true` before
// `up` (docs/operations.md).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "child_process.h"
#include "harness.h"
#include "util/sha256.h"
#include "util/strings.h"

namespace strata::integration {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

class BackupTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    Write("0001_users.up.sql",
          "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"
          "CREATE INDEX users_name ON users (name);\n"
          "INSERT INTO users (id, name) VALUES (1, 'ada'), (2, 'grace');\n");
    Write("0002_orders.up.sql",
          std::string(pg() ? "CREATE SEQUENCE order_numbers START 100;\n"
                             "CREATE TABLE orders (id serial PRIMARY KEY, user_id INTEGER REFERENCES users (id),"
                             " total NUMERIC(10, 2), note TEXT);\n"
                           : "CREATE TABLE orders (id INTEGER PRIMARY KEY AUTOINCREMENT,"
                             " user_id INTEGER REFERENCES users (id), total NUMERIC, note TEXT);\n") +
              "CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;\n"
              "INSERT INTO orders (user_id, total, note) VALUES (1, 10.5, 'first'), (2, 250, NULL);\n" +
              (pg() ? "SELECT nextval('order_numbers');\n" : ""));
  }

  // strata.toml with one environment `test` (its url comes from --url).
  void Config(const std::string& settings) const { dir_.Write("strata.toml", "[env.test]\n" + settings); }

  std::vector<std::string> BackupFiles(const std::string& dir = "backups") const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_.Path(dir), ec)) {
      std::string name = e.path().filename().string();
      if (name.size() < 5 || name.substr(name.size() - 5) != ".json") out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // Every table of the database (strata's too) and, per table, a checksum
  // of its rows; on PostgreSQL also every sequence's position.
  std::string DataFingerprint() const {
    std::vector<std::string> tables =
        pg() ? Rows("SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables"
                    " WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')"
                    " ORDER BY 1")
             : Rows("SELECT '\"' || name || '\"' FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                    " ORDER BY 1");
    std::string out;
    for (const auto& t : tables) {
      auto rows = Rows("SELECT * FROM " + t);
      std::sort(rows.begin(), rows.end());
      std::string all;
      for (const auto& r : rows) all += r + "\n";
      out += t + " " + std::to_string(rows.size()) + " " + util::Sha256Hex(all) + "\n";
    }
    if (pg()) {
      // Not the event table's own id sequence: recording the restore moves it.
      for (const auto& r : Rows("SELECT schemaname || '.' || sequencename || '=' || coalesce(last_value::text, '-')"
                                " FROM pg_sequences WHERE sequencename NOT LIKE 'strata_events%' ORDER BY 1")) {
        out += r + "\n";
      }
    } else {
      for (const auto& r : Rows("SELECT name || '=' || seq FROM sqlite_sequence ORDER BY 1")) out += r + "\n";
    }
    return out;
  }

  std::string Inspect() const {
    auto r = Strata({"inspect"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }

  // A change that touches everything a restore must undo: a new table that
  // references an old one, a new function, changed and added rows, a
  // sequence moved on, a dropped view, strata's own rows.
  void ChangeEverything() const {
    Write("0003_more.up.sql",
          "CREATE TABLE payments (id INTEGER PRIMARY KEY, order_id INTEGER REFERENCES orders (id));\n"
          "INSERT INTO payments VALUES (1, 1);\n"
          "DROP VIEW big_orders;\n"
          "UPDATE users SET name = 'ada lovelace' WHERE id = 1;\n"
          "DELETE FROM orders WHERE id = 2;\n"
          "INSERT INTO orders (user_id, total) VALUES (2, 7);\n" +
              std::string(pg() ? "CREATE SCHEMA extra;\nCREATE TYPE extra.mood AS ENUM ('ok');\n"
                                 "CREATE FUNCTION extra.answer() RETURNS int LANGUAGE sql AS 'SELECT 42';\n"
                                 "SELECT nextval('order_numbers');\n"
                               : "CREATE TRIGGER users_touch AFTER UPDATE ON users BEGIN SELECT 1; END;\n"));
    auto up = Strata({"up"});
    ASSERT_EQ(up.exit_code, 0) << up.err;
  }
};

TEST_P(BackupTest, BackupChangeRestoreGivesTheSameSchemaAndRows) {
  Config("");
  ASSERT_EQ(Strata({"up"}).exit_code, 0);
  std::string schema = Inspect();
  std::string data = DataFingerprint();
  auto backup = Strata({"backup"});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  ASSERT_EQ(BackupFiles().size(), 1u);
  std::string file = BackupFiles()[0];
  EXPECT_NE(backup.out.find("Backed up to " + file), std::string::npos) << backup.out;

  ChangeEverything();
  ASSERT_NE(Inspect(), schema);
  ASSERT_NE(DataFingerprint(), data);

  auto restore = Strata({"restore", file});
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  EXPECT_NE(restore.out.find("SHA-256 checked"), std::string::npos) << restore.out;
  EXPECT_EQ(Inspect(), schema);
  // The restore event is the one row the backup did not have.
  auto restored_events = Rows("SELECT kind || '|' || outcome FROM strata_events ORDER BY id");
  ASSERT_FALSE(restored_events.empty());
  EXPECT_EQ(restored_events.back(), "restore|success");
  ASSERT_EQ(Rows("DELETE FROM strata_events WHERE kind = 'restore'").size(), 0u);
  EXPECT_EQ(DataFingerprint(), data);
  auto status = Strata({"status", "--exit-code"});
  EXPECT_EQ(status.exit_code, 3) << "0003 is pending again\n" << status.out;
}

TEST_P(BackupTest, EventsAndFilesAreRecordedAsDocumented) {
  Config("backup_keep = 0\n");
  ASSERT_EQ(Strata({"up"}).exit_code, 0);
  auto backup = Strata({"backup", "--json"});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  std::string file = BackupFiles()[0];
  // Owner-only: the backup holds every row of the database.
  for (const std::string& f : {file, file + ".json"}) {
    struct stat st {};
    ASSERT_EQ(::stat(f.c_str(), &st), 0) << f;
    EXPECT_EQ(st.st_mode & 0777, 0600) << f;
  }
  std::string name = fs::path(file).filename().string();
  EXPECT_EQ(name.rfind("test-", 0), 0u) << name;
  std::string suffix = pg() ? "-0002.dump" : "-0002.sqlite";
  EXPECT_EQ(name.substr(name.size() - suffix.size()), suffix) << name;
  auto events = Rows("SELECT kind || '|' || outcome || '|' || coalesce(version, '') || '|' || detail FROM "
                     "strata_events WHERE kind = 'backup'");
  ASSERT_EQ(events.size(), 1u);
  std::string sha = util::Sha256Hex(dir_.Read(fs::relative(file, dir_.path()).string()));
  EXPECT_EQ(events[0], "backup|success|0002|{\"path\":\"" + file + "\",\"bytes\":" +
                           std::to_string(fs::file_size(file)) + ",\"sha256\":\"" + sha +
                           "\",\"verified\":true,\"compressed\":false,\"encrypted\":false}");
  auto list = Strata({"backups", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("\"sha256\": \"" + sha + "\""), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("\"verified\": true"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("\"version\": \"0002\""), std::string::npos) << list.out;
}

TEST_P(BackupTest, DamagedBackupFailsVerificationAndChangesNothing) {
  Config("");
  ASSERT_EQ(Strata({"up"}).exit_code, 0);
  ASSERT_EQ(Strata({"backup"}).exit_code, 0);
  std::string file = BackupFiles()[0];
  std::string rel = fs::relative(file, dir_.path()).string();
  const std::string good = dir_.Read(rel);
  ChangeEverything();
  std::string schema = Inspect();
  std::string data = DataFingerprint();

  std::string tampered = good;
  tampered[good.size() / 2] ^= 0x01;
  for (const auto& [what, bytes] : {std::pair<std::string, std::string>{"truncated", good.substr(0, good.size() / 2)},
                                    {"tampered", tampered}}) {
    dir_.Write(rel, bytes);
    auto r = Strata({"restore", file});
    EXPECT_EQ(r.exit_code, 1) << what << ": " << r.err;
    EXPECT_NE(r.err.find("damaged backup file: its SHA-256 does not match"), std::string::npos) << what << r.err;
    EXPECT_EQ(Inspect(), schema) << what;
  }
  // Without the manifest the checksum is unknown: the content check still
  // refuses a cut file.
  fs::remove(file + ".json");
  dir_.Write(rel, good.substr(0, good.size() / 2));
  auto r = Strata({"restore", file});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  // SQLite: integrity_check refuses the copy; PostgreSQL: pg_restore --list
  // reads to the end of the archive and finds it cut.
  EXPECT_NE(r.err.find("verify the backup"), std::string::npos) << r.err;
  EXPECT_EQ(Inspect(), schema);
  // Failed restores are recorded, in the unchanged database.
  auto failures = Rows("SELECT count(*) FROM strata_events WHERE kind = 'restore' AND outcome = 'failure'");
  EXPECT_EQ(failures, std::vector<std::string>{"3"});
  ASSERT_EQ(Rows("DELETE FROM strata_events WHERE kind = 'restore'").size(), 0u);
  EXPECT_EQ(DataFingerprint(), data);
}

TEST_P(BackupTest, EncryptedBackupRestoresOnlyWithTheRightKey) {
  Config("backup_key = \"${TEST_BACKUP_KEY}\"\nbackup_compress = true\n");
  ::setenv("TEST_BACKUP_KEY", "the-right-key-0123456789", 1);  // for every command
  struct Unset {
    ~Unset() { ::unsetenv("TEST_BACKUP_KEY"); }
  } unset;
  testing::CommandOptions right;
  testing::CommandOptions wrong;
  wrong.env["TEST_BACKUP_KEY"] = "a-wrong-key-9876543210";
  ASSERT_EQ(Strata({"up"}, right).exit_code, 0);
  std::string data = DataFingerprint();
  auto backup = Strata({"backup"}, right);
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  std::string file = BackupFiles()[0];
  EXPECT_EQ(file.substr(file.size() - 8), ".zst.enc") << file;
  // Neither the plain SQL nor the rows are readable in the file.
  std::string bytes = dir_.Read(fs::relative(file, dir_.path()).string());
  EXPECT_EQ(bytes.rfind("STRATABK", 0), 0u);
  EXPECT_EQ(bytes.find("grace"), std::string::npos);
  EXPECT_EQ(bytes.find("CREATE TABLE"), std::string::npos);
  ChangeEverything();

  auto bad = Strata({"restore", file}, wrong);
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("wrong key for this encrypted backup file"), std::string::npos) << bad.err;
  EXPECT_EQ(bad.err.find("a-wrong-key"), std::string::npos) << "the key is a secret";
  EXPECT_TRUE(HasTable("payments"));

  auto good = Strata({"restore", file}, right);
  ASSERT_EQ(good.exit_code, 0) << good.err;
  EXPECT_FALSE(HasTable("payments"));
  ASSERT_EQ(Rows("DELETE FROM strata_events WHERE kind = 'restore'").size(), 0u);
  EXPECT_EQ(DataFingerprint(), data);
}

TEST_P(BackupTest, UpWithBackupTakesOneFirstAndOnlyWhenThereIsWork) {
  Config("backup = true\n");
  auto up = Strata({"up"});
  ASSERT_EQ(up.exit_code, 0) << up.err;
  ASSERT_EQ(BackupFiles().size(), 1u);
  EXPECT_NE(BackupFiles()[0].find("-none."), std::string::npos) << "taken before 0001: " << BackupFiles()[0];
  EXPECT_NE(up.out.find("Backed up to "), std::string::npos) << up.out;
  // Nothing pending: no backup. A dry run: none either.
  ASSERT_EQ(Strata({"up"}).exit_code, 0);
  Write("0003_more.up.sql", "CREATE TABLE more (id INTEGER);\n");
  Write("0003_more.down.sql", "DROP TABLE more;\n");
  ASSERT_EQ(Strata({"up", "--dry-run"}).exit_code, 0);
  EXPECT_EQ(BackupFiles().size(), 1u);
  // Also inside up --single-transaction (pg_dump is another session; its
  // event waits for the transaction's end).
  auto json = Strata({"up", "--single-transaction", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(BackupFiles().size(), 2u);
  EXPECT_NE(json.out.find("\"backup\": {"), std::string::npos) << json.out;
  // down takes one too.
  ASSERT_EQ(Strata({"down"}).exit_code, 0);
  EXPECT_EQ(BackupFiles().size(), 3u);
  auto events = Rows("SELECT count(*) FROM strata_events WHERE kind = 'backup' AND outcome = 'success'");
  EXPECT_EQ(events, std::vector<std::string>{"3"});
}

TEST_P(BackupTest, FailingBackupStopsUpBeforeAnythingIsApplied) {
  dir_.Write("not-a-folder", "x");
  Config("backup = true\nbackup_dir = \"not-a-folder/backups\"\n");
  std::string before = Snapshot();
  auto up = Strata({"up"});
  EXPECT_EQ(up.exit_code, 1) << up.err;
  EXPECT_NE(up.err.find("backup before `up` (backup = true); nothing was changed"), std::string::npos) << up.err;
  EXPECT_NE(up.err.find("cannot create the backup folder"), std::string::npos) << up.err;
  EXPECT_FALSE(HasTable("users"));
  EXPECT_TRUE(Recorded().empty());
  auto failures = Rows("SELECT count(*) FROM strata_events WHERE kind = 'backup' AND outcome = 'failure'");
  EXPECT_EQ(failures, std::vector<std::string>{"1"});
  if (pg()) {
    // A pg_dump that cannot run stops it the same way.
    Config("backup = true\npg_dump = \"/nonexistent/bin/pg_dump\"\n");
    auto missing = Strata({"up"});
    EXPECT_EQ(missing.exit_code, 1) << missing.err;
    EXPECT_NE(missing.err.find("cannot run /nonexistent/bin/pg_dump: not found"), std::string::npos) << missing.err;
    EXPECT_FALSE(HasTable("users"));
    EXPECT_TRUE(BackupFiles().empty()) << "no file is left behind";
  }
}

TEST_P(BackupTest, BackupKeepDeletesOnlyOlderBackupsOfThisEnvironment) {
  dir_.Write("strata.toml",
             "[env.test]\nbackup_keep = 2\n[env.other]\nurl = \"sqlite:other.db\"\n");
  ASSERT_EQ(Strata({"--env", "test", "up"}).exit_code, 0);
  // Another environment's backup and an unrelated file in the same folder.
  dir_.Write("backups/other-20200101T000000.000Z-0001.sqlite", "other environment");
  dir_.Write("backups/notes.txt", "mine");
  std::vector<std::string> taken;
  for (int i = 0; i < 4; ++i) {
    auto r = Strata({"--env", "test", "backup", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    taken.push_back(BackupFiles().back());
    std::this_thread::sleep_for(5ms);  // distinct millisecond names
  }
  auto files = BackupFiles();
  std::vector<std::string> expected = {dir_.Path("backups/notes.txt"),
                                       dir_.Path("backups/other-20200101T000000.000Z-0001.sqlite"), taken[2], taken[3]};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(files, expected);
  EXPECT_FALSE(fs::exists(taken[0] + ".json"));
}

TEST_P(BackupTest, RestoreInAProtectedEnvironmentNeedsConfirmation) {
  Config("protected = true\n");
  ASSERT_EQ(Strata({"up"}).exit_code, 0);
  ASSERT_EQ(Strata({"backup"}).exit_code, 0);
  std::string file = BackupFiles()[0];
  auto refused = Strata({"restore", file});
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_NE(refused.err.find("is protected: `strata restore` needs confirmation"), std::string::npos) << refused.err;
  testing::CommandOptions typed;
  typed.stdin_data = "test\n";
  auto typed_wrong = Strata({"restore", file}, typed);
  EXPECT_EQ(typed_wrong.exit_code, 1) << "stdin is not a terminal: even the right name does not confirm";
  auto yes = Strata({"restore", file, "--yes"});
  EXPECT_EQ(yes.exit_code, 0) << yes.err;
}

INSTANTIATE_TEST_SUITE_P(Engines, BackupTest, ::testing::Values("sqlite", "postgres"), EngineName);

// --- SQLite only ---

class SqliteBackupTest : public EngineTest {};

// The online backup API copies one consistent snapshot while another
// process keeps committing: the copy passes integrity_check and holds
// exactly the rows 1..N (a prefix of what the writer wrote).
TEST_P(SqliteBackupTest, BackupWhileAnotherProcessInsertsIsConsistent) {
  std::string db = dir_.Path("app.db");
  // Enough data that the copy takes a while.
  Write("0001_log.up.sql",
        "CREATE TABLE log (id INTEGER PRIMARY KEY, v TEXT NOT NULL);\n"
        "CREATE TABLE padding (b BLOB);\n"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)"
        " INSERT INTO padding SELECT randomblob(8000) FROM n;\n");
  ASSERT_EQ(Strata({"up"}).exit_code, 0);
  // WAL: the writer's commits go on during the copy, not only around it.
  ASSERT_EQ(testing::Run({"sqlite3", db, "PRAGMA journal_mode=WAL"}).exit_code, 0);
  // One sqlite3 process per row: rows 1, 2, 3, ... each in its own commit.
  Child writer({"/bin/sh", "-c",
                "i=1; while sqlite3 -cmd '.timeout 30000' '" + db + "' \"INSERT INTO log (id, v) VALUES ($i, 'row')\";"
                " do i=$((i+1)); done"});
  auto count = [&] {
    auto r = Rows("SELECT count(*) FROM log");
    return r.empty() ? 0L : std::stol(r[0]);
  };
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (count() < 20 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  ASSERT_GE(count(), 20) << "the writer did not start";
  auto backup = Strata({"backup"});
  long after = count();
  writer.Kill();
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  std::string copy = "sqlite:" + [&] {
    for (const auto& e : fs::directory_iterator(dir_.Path("backups")))
      if (e.path().extension() == ".sqlite") return e.path().string();
    return std::string();
  }();
  EXPECT_EQ(testing::QueryRows(copy, "PRAGMA integrity_check"), std::vector<std::string>{"ok"});
  auto rows = testing::QueryRows(copy, "SELECT count(*), coalesce(min(id), 0), coalesce(max(id), 0) FROM log");
  ASSERT_EQ(rows.size(), 1u);
  long n = std::stol(rows[0].substr(0, rows[0].find('|')));
  EXPECT_EQ(rows[0], std::to_string(n) + "|" + (n ? "1" : "0") + "|" + std::to_string(n)) << "not a prefix";
  EXPECT_GE(n, 20);
  EXPECT_GT(after, n) << "the writer kept writing during the backup";
  EXPECT_EQ(testing::QueryRows(copy, "SELECT count(*) FROM padding"), std::vector<std::string>{"3000"});
}

// Without backup_key, `backup --encrypt` and `restore` take the key from
// $STRATA_BACKUP_KEY, and refuse clearly without one.
TEST_P(SqliteBackupTest, EncryptWithTheKeyFromTheEnvironment) {
  Write("0001_t.up.sql", "CREATE TABLE t (id INTEGER);\n");
  ASSERT_EQ(Strata({"up"}).exit_code, 0);
  testing::CommandOptions none;
  none.unset_env = {"STRATA_BACKUP_KEY"};
  auto refused = Strata({"backup", "--encrypt"}, none);
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("--encrypt needs a key"), std::string::npos) << refused.err;
  testing::CommandOptions key;
  key.env["STRATA_BACKUP_KEY"] = "from-the-environment-123";
  auto backup = Strata({"backup", "--encrypt", "--json"}, key);
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_NE(backup.out.find("\"encrypted\": true"), std::string::npos) << backup.out;
  EXPECT_EQ(backup.err.find("from-the-environment-123"), std::string::npos);
  std::string file;
  for (const auto& e : fs::directory_iterator(dir_.Path("backups")))
    if (e.path().extension() == ".enc") file = e.path().string();
  ASSERT_FALSE(file.empty());
  auto no_key = Strata({"restore", file}, none);
  EXPECT_EQ(no_key.exit_code, 2) << no_key.err;
  EXPECT_NE(no_key.err.find("backup file is encrypted and no key is set"), std::string::npos) << no_key.err;
  auto restored = Strata({"restore", file}, key);
  EXPECT_EQ(restored.exit_code, 0) << restored.err;
}

INSTANTIATE_TEST_SUITE_P(Sqlite, SqliteBackupTest, ::testing::Values("sqlite"), EngineName);

// --- PostgreSQL only ---

class PgBackupTest : public EngineTest {};

// The password reaches pg_dump, pg_restore and psql only through their
// environment: never their command line, the output, the manifest or the
// event table.
TEST_P(PgBackupTest, PasswordNeverOnACommandLineOrInOutput) {
  const std::string password = "pw-Secr3t!";
  ASSERT_EQ(Rows("ALTER DATABASE " + pg_->name() + " OWNER TO strata_pw").size(), 0u);
  std::string host_port = url().substr(url().find('@') + 1);
  host_port = host_port.substr(0, host_port.find('/'));
  std::string pw_url = "postgres://strata_pw:" + password + "@" + host_port + "/" + pg_->name();
  // Real tools behind a wrapper that records what each was started with.
  for (const char* tool : {"pg_dump", "pg_restore", "psql"}) {
    std::string real = std::string(util::Trim(testing::Run({"/bin/sh", "-c", std::string("command -v ") + tool}).out));
    dir_.Write(std::string("bin/") + tool,
               "#!/bin/sh\nprintf '%s\\n' \"$0 $*\" >> '" + dir_.Path("argv.log") + "'\n"
               "[ -n \"$PGPASSWORD\" ] && echo \"" + tool + " PGPASSWORD set\" >> '" + dir_.Path("argv.log") + "'\n"
               "exec " + real + " \"$@\"\n");
    ::chmod(dir_.Path(std::string("bin/") + tool).c_str(), 0755);
  }
  dir_.Write("strata.toml", "[env.test]\nurl = \"" + pw_url + "\"\npg_dump = \"" + dir_.Path("bin/pg_dump") +
                                "\"\naudit_log = \"audit.log\"\n");
  Write("0001_t.up.sql", "CREATE TABLE t (id int);\n");
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.end(), {"--dir", migrations()});
    testing::CommandOptions options;
    options.cwd = dir_.path();
    auto r = testing::RunStrata(args, options);
    EXPECT_EQ(r.out.find(password), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find(password), std::string::npos) << r.err;
    return r;
  };
  ASSERT_EQ(run({"up"}).exit_code, 0);
  auto backup = run({"backup"});
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  std::string file;
  for (const auto& e : fs::directory_iterator(dir_.Path("backups")))
    if (e.path().extension() == ".dump") file = e.path().string();
  auto restore = run({"restore", file, "--json"});
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  std::string argv = dir_.Read("argv.log");
  EXPECT_NE(argv.find("pg_dump PGPASSWORD set"), std::string::npos) << argv;
  EXPECT_NE(argv.find("psql PGPASSWORD set"), std::string::npos) << argv;
  EXPECT_NE(argv.find("user='strata_pw'"), std::string::npos) << argv;
  EXPECT_EQ(argv.find(password), std::string::npos) << argv;
  for (const std::string& f : {file + ".json", dir_.Path("audit.log")}) {
    std::ifstream in(f);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_FALSE(text.empty()) << f;
    EXPECT_EQ(text.find(password), std::string::npos) << f;
  }
  for (const auto& r : Rows("SELECT coalesce(detail, '') || coalesce(error, '') FROM strata_events"))
    EXPECT_EQ(r.find(password), std::string::npos) << r;
}

INSTANTIATE_TEST_SUITE_P(Postgres, PgBackupTest, ::testing::Values("postgres"), EngineName);

}  // namespace
}  // namespace strata::integration
