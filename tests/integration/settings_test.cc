// Issue 8: every setting docs/config.md documents changes what strata does.
// A setting that is parsed and ignored is a promise strata does not keep
// (`backup = true` was one). Each test here fails when its setting is
// ignored; settings tested elsewhere are listed at the end with their test.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "harness.h"
#include "util/clock.h"

namespace strata::integration {
namespace {

using Clock = std::chrono::steady_clock;

class SettingsTest : public EngineTest {
 protected:
  // Runs strata in the temp dir with the given strata.toml and no --url or
  // --dir (the file decides).
  testing::CommandResult WithConfig(const std::string& toml, std::vector<std::string> args,
                                    testing::CommandOptions options = {}) {
    dir_.Write("strata.toml", toml);
    options.cwd = dir_.path();
    return testing::RunStrata(args, options);
  }
  std::string Env(const std::string& extra = "") const {
    return "[env.dev]\nurl = \"" + url() + "\"\n" + extra;
  }
};

TEST_P(SettingsTest, DirNamesTheMigrationsFolder) {
  dir_.Write("elsewhere/0001_a.up.sql", "CREATE TABLE a (id int);\n");
  auto r = WithConfig("dir = \"elsewhere\"\n" + Env(), {"up"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(HasTable("a"));
}

TEST_P(SettingsTest, SchemaNamesTheDesiredSchemaFile) {
  if (pg()) GTEST_SKIP() << "the file's use is the same on both engines; SQLite needs no dev server";
  dir_.Write("migrations/.keep", "");
  dir_.Write("desired.sql", "CREATE TABLE wanted (id INTEGER);\n");
  auto r = WithConfig("schema = \"desired.sql\"\n" + Env(), {"push", "--dry-run"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("wanted"), std::string::npos) << r.out;
}

TEST_P(SettingsTest, DefaultEnvAndStrataEnvChooseTheEnvironment) {
  dir_.Write("migrations/.keep", "");
  std::string toml = "default_env = \"b\"\n[env.a]\nurl = \"sqlite:a.db\"\n[env.b]\nurl = \"" + url() + "\"\n";
  auto r = WithConfig(toml, {"status", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\"environment\": \"b\""), std::string::npos) << r.out;
  testing::CommandOptions options;
  options.env["STRATA_ENV"] = "a";
  auto a = WithConfig(toml, {"status", "--json"}, options);
  EXPECT_NE(a.out.find("\"environment\": \"a\""), std::string::npos) << a.out;
}

TEST_P(SettingsTest, ProtectedNeedsConfirmationForDown) {
  Write("0001_a.up.sql", "CREATE TABLE a (id int);\n");
  Write("0001_a.down.sql", "DROP TABLE a;\n");
  ASSERT_EQ(WithConfig(Env(), {"up", "--dir", migrations()}).exit_code, 0);
  auto refused = WithConfig(Env("protected = true\n"), {"down", "--dir", migrations()});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("protected"), std::string::npos) << refused.err;
  EXPECT_TRUE(HasTable("a"));
  auto unprotected = WithConfig(Env("protected = false\n"), {"down", "--dir", migrations()});
  EXPECT_EQ(unprotected.exit_code, 0) << unprotected.err;
  EXPECT_FALSE(HasTable("a"));
}

TEST_P(SettingsTest, BackupTrueTakesAVerifiedBackupBeforeUp) {
  Write("0001_a.up.sql", "CREATE TABLE a (id int);\n");
  auto without = WithConfig(Env(), {"up", "--dir", migrations()});
  ASSERT_EQ(without.exit_code, 0) << without.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.Path("backups")));
  Write("0002_b.up.sql", "CREATE TABLE b (id int);\n");
  auto with = WithConfig(Env("backup = true\n"), {"up", "--dir", migrations()});
  ASSERT_EQ(with.exit_code, 0) << with.err;
  EXPECT_NE(with.out.find("Backed up to " + dir_.Path("backups/dev-")), std::string::npos) << with.out;
  EXPECT_EQ(Rows("SELECT count(*) FROM strata_events WHERE kind = 'backup'"), std::vector<std::string>{"1"});
}

// The backup_* keys are read once for both engines (backup_test.cc runs
// PostgreSQL backups); compression differs per engine, so both run it.
TEST_P(SettingsTest, BackupDirNamesTheFolder) {
  if (pg()) GTEST_SKIP() << "read the same way for both engines";
  dir_.Write("migrations/.keep", "");
  auto r = WithConfig(Env("backup_dir = \"elsewhere/b\"\n"), {"backup"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Backed up to " + dir_.Path("elsewhere/b/dev-")), std::string::npos) << r.out;
  EXPECT_FALSE(std::filesystem::exists(dir_.Path("backups")));
}

TEST_P(SettingsTest, BackupKeepDeletesOlderBackups) {
  if (pg()) GTEST_SKIP() << "read the same way for both engines";
  dir_.Write("migrations/.keep", "");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(WithConfig(Env("backup_keep = 2\n"), {"backup"}).exit_code, 0);
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_.Path("backups")))
    files += e.path().extension() == ".sqlite";
  EXPECT_EQ(files, 2);
}

TEST_P(SettingsTest, BackupCompressCompresses) {
  dir_.Write("migrations/.keep", "");
  auto r = WithConfig(Env("backup_compress = true\n"), {"backup", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(pg() ? ".dump.zst\"" : ".sqlite.zst\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"compressed\": true"), std::string::npos) << r.out;
}

TEST_P(SettingsTest, BackupKeyEncrypts) {
  if (pg()) GTEST_SKIP() << "read the same way for both engines";
  dir_.Write("migrations/.keep", "");
  auto r = WithConfig(Env("backup_key = \"settings-test-key\"\n"), {"backup", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(".sqlite.enc\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"encrypted\": true"), std::string::npos) << r.out;
}

TEST_P(SettingsTest, PgDumpNamesTheProgram) {
  if (!pg()) GTEST_SKIP() << "PostgreSQL only";
  dir_.Write("migrations/.keep", "");
  auto r = WithConfig(Env("pg_dump = \"/nonexistent/bin/pg_dump\"\n"), {"backup"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("cannot run /nonexistent/bin/pg_dump: not found"), std::string::npos) << r.err;
}

TEST_P(SettingsTest, AuditLogAndItsRotation) {
  if (pg()) GTEST_SKIP() << "the file is written the same way for both engines";
  Write("0001_a.up.sql", "CREATE TABLE a (id int);\n");
  Write("0001_a.down.sql", "DROP TABLE a;\n");
  std::string audit = "audit_log = \"logs/audit.log\"\naudit_log_max = 600\naudit_log_keep = 1\n";
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(WithConfig(Env(audit), {"up", "--dir", migrations()}).exit_code, 0);
    ASSERT_EQ(WithConfig(Env(audit), {"down", "--dir", migrations()}).exit_code, 0);
  }
  // Six lines of about 400 bytes: at most one per file, one rotated file kept.
  EXPECT_TRUE(std::filesystem::exists(dir_.Path("logs/audit.log")));
  EXPECT_TRUE(std::filesystem::exists(dir_.Path("logs/audit.log.1")));
  EXPECT_FALSE(std::filesystem::exists(dir_.Path("logs/audit.log.2")));
  EXPECT_LE(std::filesystem::file_size(dir_.Path("logs/audit.log")), 600u);
  EXPECT_NE(dir_.Read("logs/audit.log").find("\"kind\":\"rollback\""), std::string::npos);
}

TEST_P(SettingsTest, LintPolicyDecidesWhetherErrorsBlockUp) {
  Write("0001_a.up.sql", "CREATE TABLE a (id int);\n");
  Write("0002_drop.up.sql", "DROP TABLE a;\n");
  auto blocked = WithConfig(Env("lint = \"error\"\n"), {"up", "--dir", migrations()});
  EXPECT_EQ(blocked.exit_code, 4) << blocked.out << blocked.err;
  EXPECT_FALSE(HasTable("a"));
  auto warned = WithConfig(Env("lint = \"warning\"\n"), {"up", "--dir", migrations()});
  EXPECT_EQ(warned.exit_code, 0) << warned.out << warned.err;
  EXPECT_NE(warned.err.find("drop-table"), std::string::npos) << warned.err;
  EXPECT_EQ(Recorded().size(), 2u);
  Write("0003_b.up.sql", "CREATE TABLE b (id int);\nDROP TABLE b;\nCREATE TABLE c (id int);\nDROP TABLE c;\n");
  auto off = WithConfig(Env("lint = \"off\"\n"), {"up", "--dir", migrations()});
  EXPECT_EQ(off.exit_code, 0) << off.out << off.err;
}

TEST_P(SettingsTest, LockWaitBoundsTheWaitForAnotherRunner) {
  Write("0001_a.up.sql", "CREATE TABLE a (id int);\n");
  Rows("CREATE TABLE strata_lock (id INTEGER PRIMARY KEY CHECK (id = 1), owner TEXT NOT NULL, host TEXT NOT NULL,"
       " pid INTEGER NOT NULL, acquired_at TEXT NOT NULL, expires_at_ms BIGINT NOT NULL)");
  Rows("INSERT INTO strata_lock VALUES (1, 'x', 'far-away-host', 1, '2026-01-01T00:00:00Z', " +
       std::to_string(util::NowUnixMillis() + 600000) + ")");
  auto start = Clock::now();
  auto r = WithConfig(Env("lock_wait = \"1s\"\n"), {"up", "--dir", migrations()});
  double took = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("held by far-away-host pid 1"), std::string::npos) << r.err;
  EXPECT_GE(took, 1.0);
  EXPECT_LT(took, 20.0) << "lock_wait = 1s, not the 60 s default";
}

TEST_P(SettingsTest, TableNamesAreUsed) {
  Write("0001_a.up.sql", "CREATE TABLE a (id int);\n");
  auto r = WithConfig(Env("table = \"mig\"\nevents_table = \"mig_events\"\nlock_table = \"mig_lock\"\n"),
                      {"up", "--dir", migrations()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(HasTable("mig"));
  EXPECT_TRUE(HasTable("mig_events"));
  EXPECT_TRUE(HasTable("mig_lock"));
  EXPECT_FALSE(HasTable("strata_migrations"));
  EXPECT_FALSE(HasTable("strata_lock"));
}

TEST_P(SettingsTest, ConnectRetriesAreCounted) {
  if (!pg()) GTEST_SKIP() << "SQLite has no connection to retry";
  dir_.Write("migrations/.keep", "");
  auto r = WithConfig("[env.dev]\nurl = \"postgres://u@127.0.0.1:1/db\"\nconnect_retries = 1\n", {"status"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("gave up after 2 attempts"), std::string::npos) << r.err;
}

TEST_P(SettingsTest, ConnectTimeoutBoundsOneAttempt) {
  if (!pg()) GTEST_SKIP() << "SQLite has no connection to wait for";
  // A server that accepts the TCP connection (the kernel does, from the
  // backlog) and never answers the startup packet.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(::listen(fd, 16), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  std::string port = std::to_string(ntohs(addr.sin_port));
  dir_.Write("migrations/.keep", "");
  auto start = Clock::now();
  auto r = WithConfig("[env.dev]\nurl = \"postgres://u@127.0.0.1:" + port +
                          "/db\"\nconnect_timeout = \"1s\"\nconnect_retries = 0\n",
                      {"status"});
  double took = std::chrono::duration<double>(Clock::now() - start).count();
  ::close(fd);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_GE(took, 0.9);
  EXPECT_LT(took, 6.0) << "connect_timeout = 1s, not the 10 s default";
}

TEST_P(SettingsTest, DevUrlIsWhereDevDatabasesGo) {
  if (!pg()) GTEST_SKIP() << "SQLite dev databases are in memory";
  Write("0001_a.up.sql", "CREATE TABLE a (id int);\n");
  auto without = WithConfig(Env(), {"plan", "--dir", migrations()});
  EXPECT_NE(without.out.find("semantic check skipped: no dev_url"), std::string::npos) << without.out;
  auto with = WithConfig(Env("dev_url = \"" + testing::PgServerUrl().value_or("") + "\"\n"),
                         {"plan", "--dir", migrations()});
  EXPECT_NE(with.out.find("semantic check done"), std::string::npos) << with.out << with.err;
}

TEST_P(SettingsTest, DirectUrlIsWhatStrataConnectsTo) {
  if (!pg()) GTEST_SKIP() << "PostgreSQL only";
  Write("0001_a.up.sql", "CREATE TABLE a (id int);\n");
  // The pooled url points nowhere: only direct_url can reach the database.
  auto r = WithConfig("[env.dev]\nurl = \"postgres://u@127.0.0.1:1/nowhere\"\nconnect_retries = 0\ndirect_url = \"" +
                          url() + "\"\n",
                      {"up", "--dir", migrations()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(HasTable("a"));
}

TEST_P(SettingsTest, FormatChoosesHowTheFolderIsRead) {
  Write("V1__create_a.sql", "CREATE TABLE a (id int);\n");
  auto native = WithConfig("format = \"native\"\n" + Env(), {"up"});
  EXPECT_EQ(native.exit_code, 6) << native.out << native.err;
  EXPECT_NE(native.err.find("file name has no version: V1__create_a.sql"), std::string::npos) << native.err;
  auto flyway = WithConfig("format = \"flyway\"\n" + Env(), {"up"});
  EXPECT_EQ(flyway.exit_code, 0) << flyway.out << flyway.err;
  EXPECT_TRUE(HasTable("a"));
}

TEST_P(SettingsTest, PlaceholdersAreReplacedInFlywayFiles) {
  Write("V1__create.sql", "CREATE TABLE ${prefix}things (id int);\n");
  auto r = WithConfig("format = \"flyway\"\n[placeholders]\nprefix = \"app_\"\n" + Env(), {"up"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(HasTable("app_things"));
}

TEST_P(SettingsTest, ImpactNotesIsTheFileImpactSearches) {
  Write("0001_a.up.sql", "CREATE TABLE widgets (id int);\n");
  dir_.Write("notes/bugs.md", "- widgets vanish on restart\n");
  auto r = WithConfig("impact_notes = \"notes/bugs.md\"\n" + Env(), {"impact"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("note notes/bugs.md:1: - widgets vanish on restart"), std::string::npos) << r.out;
}

// Settings whose behaviour is proven by other tests:
//   lock_timeout      LockingTest.LockTimeoutIsRetriedWithBackoff
//   statement_timeout StatementTimeoutTest.ALongerStatementFailsNamingTheSetting
//   audit_log (top level)  AuditTest.EveryEventLandsInTheFileToo
//   STRATA_BACKUP_KEY (backup --encrypt, restore)  SqliteBackupTest.EncryptWithTheKeyFromTheEnvironment
//   schema (env)      LockingTest.TrackingTablesInTheirOwnSchema
//   url, --url, DATABASE_URL, ${VAR}   config_test.cc, golden config_env / password
//   STRATA_CACHE_DIR  checksum_cache_test.cc
//   NO_COLOR          every golden test (tests/cli)
//   [notify] on       NotifyTest.WebhookCarriesTheRunAndAVerifiableSignature (start, failure, success),
//                     NotifyConfigTest.DriftAlertAndConfigurationErrors (drift)
//   webhook, webhook_secret   NotifyTest.WebhookCarriesTheRunAndAVerifiableSignature
//   timeout           NotifyTest.TimeoutBoundsEachAttempt
//   retries           NotifyTest.AnUndeliverableAlertNeverFailsTheMigration (2), ...NoPasswordSent (0)
//   retry_backoff     NotifyTest.RetriesWithBackoffUnderOneDeliveryId
//   smtp_url, from, to, smtp_user, smtp_password, ca_file   NotifyTest.EmailOverStartTlsWithCredentials
//   starttls          NotifyTest.PlainSmtpWhenStartTlsIsOff, NotifyTest.NoStartTlsMeansNoMailAndNoPasswordSent
//   [env.NAME.notify] NotifyConfigTest.DriftAlertAndConfigurationErrors, OpsConfigTest.EnvironmentNotifyOverridesKeyByKey
//   before_up, after_up, on_failure, before_each, after_each   HooksTest.* (tests/ops/hooks_test.cc)
//   hook_timeout      HooksTest.TimeoutKillsTheWholeProcessGroup
//   STRATA_SERVE_TOKEN  ServeTest.TokenIsRequiredForEverythingButLive
//   --format          AdoptionTest (tests/integration/adoption_test.cc), readers_test.cc
INSTANTIATE_TEST_SUITE_P(Engines, SettingsTest, ::testing::Values("sqlite", "postgres"), EngineName);

}  // namespace
}  // namespace strata::integration
