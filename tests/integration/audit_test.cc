// The audit log file (audit_log in strata.toml) with the real binary: every
// event of the event table lands in it, as whole JSON lines, also when
// several runners write at once, without a password, rotated at its size.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "child_process.h"
#include "harness.h"

namespace strata::integration {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// Every line of the log and its rotated files, oldest first, each parsed;
// a line that is not one whole JSON object fails the test.
std::vector<Json> ReadLog(const std::string& path) {
  std::vector<std::string> files;
  for (int i = 1000; i >= 1; --i) {
    std::string f = path + "." + std::to_string(i);
    if (fs::exists(f)) files.push_back(f);
  }
  files.push_back(path);
  std::vector<Json> out;
  for (const auto& f : files) {
    std::ifstream in(f);
    std::string line;
    while (std::getline(in, line)) {
      Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
      EXPECT_TRUE(j.is_object()) << f << ": not a whole JSON line: " << line;
      if (j.is_object()) out.push_back(j);
    }
  }
  return out;
}

class AuditTest : public EngineTest {};

// Each event in the event table has its line, with the same fields, and
// the command that wrote it.
TEST_P(AuditTest, EveryEventLandsInTheFileToo) {
  dir_.Write("strata.toml", "audit_log = \"logs/migration-audit.log\"\n[env.test]\nbackup_keep = 0\n");
  Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
  Write("0001_users.down.sql", "DROP TABLE users;\n");
  Write("0002_bad.up.sql", "INSERT INTO users VALUES (1);\nINSERT INTO missing VALUES (1);\n");
  EXPECT_EQ(Strata({"up"}).exit_code, 1);           // apply 0001, failure of 0002
  std::remove(dir_.Path("migrations/0002_bad.up.sql").c_str());
  ASSERT_EQ(Strata({"down"}).exit_code, 0);         // rollback
  ASSERT_EQ(Strata({"baseline", "0001"}).exit_code, 0);
  ASSERT_EQ(Strata({"backup"}).exit_code, 0);
  std::string log = dir_.Path("logs/migration-audit.log");
  struct stat st {};
  ASSERT_EQ(::stat(log.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);

  auto lines = ReadLog(log);
  auto events = Rows("SELECT kind || '|' || outcome || '|' || coalesce(version, '') || '|' || actor || '|' || host"
                     " || '|' || coalesce(environment, '') || '|' || coalesce(error, '') || '|' || coalesce(detail, '')"
                     " FROM strata_events ORDER BY id");
  ASSERT_EQ(lines.size(), events.size());
  std::vector<std::string> commands;
  for (size_t i = 0; i < lines.size(); ++i) {
    const Json& l = lines[i];
    auto text = [&](const char* k) { return l[k].is_null() ? std::string() : l[k].get<std::string>(); };
    EXPECT_EQ(text("kind") + "|" + text("outcome") + "|" + text("version") + "|" + text("actor") + "|" + text("host") +
                  "|" + text("environment") + "|" + text("error") + "|" + text("detail"),
              events[i]);
    for (const char* key : {"time", "command", "name", "batch", "duration_ms", "db_user", "strata_version", "statement"})
      EXPECT_TRUE(l.contains(key)) << key;
    commands.push_back(text("command") + ":" + text("kind") + ":" + text("outcome"));
  }
  EXPECT_EQ(commands, (std::vector<std::string>{"up:apply:success", "up:apply:failure", "down:rollback:success",
                                                "baseline:baseline:success", "backup:backup:success"}));
  EXPECT_EQ(lines[1]["statement"], "INSERT INTO missing VALUES (1)");

  // restore and reset write theirs after replacing the event table.
  std::string file;
  for (const auto& e : fs::directory_iterator(dir_.Path("backups"))) {
    if (e.path().extension() != ".json") file = e.path().string();
  }
  ASSERT_EQ(Strata({"restore", file}).exit_code, 0);
  ASSERT_EQ(Strata({"reset", "--yes"}).exit_code, 0);
  lines = ReadLog(log);
  ASSERT_EQ(lines.size(), events.size() + 3);
  EXPECT_EQ(lines[events.size()]["kind"], "restore");
  EXPECT_EQ(lines[events.size() + 1]["kind"], "reset");
  EXPECT_EQ(lines[events.size() + 2]["kind"], "apply");
  EXPECT_EQ(lines[events.size() + 2]["command"], "reset");
}

// A migration that fails inside its transaction is recorded once, as a
// failure: the rolled-back attempt never shows as a success.
TEST_P(AuditTest, RolledBackWorkIsNotAuditedAsDone) {
  dir_.Write("strata.toml", "[env.test]\naudit_log = \"audit.log\"\n");
  Write("0001_a.up.sql", "CREATE TABLE a (id INTEGER);\n");
  Write("0002_b.up.sql", "CREATE TABLE b (id INTEGER);\n");
  Write("0003_c.up.sql", "CREATE TABLE c (id INTEGER);\nSELECT * FROM nowhere;\n");
  EXPECT_EQ(Strata({"up", "--single-transaction"}).exit_code, 1);
  auto lines = ReadLog(dir_.Path("audit.log"));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["version"], "0003");
  EXPECT_EQ(lines[0]["outcome"], "failure");
  EXPECT_TRUE(Recorded().empty());
}

TEST_P(AuditTest, UnwritableLogStopsTheCommandBeforeItChangesAnything) {
  dir_.Write("file", "x");
  dir_.Write("strata.toml", "[env.test]\naudit_log = \"file/audit.log\"\n");
  Write("0001_a.up.sql", "CREATE TABLE a (id INTEGER);\n");
  auto r = Strata({"up"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("audit log: cannot create its folder"), std::string::npos) << r.err;
  EXPECT_FALSE(HasTable("a"));
}

INSTANTIATE_TEST_SUITE_P(Engines, AuditTest, ::testing::Values("sqlite", "postgres"), EngineName);

// Two runners at once, each against its own database, share one audit log
// that rotates every few lines: every line is whole, every event is there
// once, and no file passes audit_log_max.
TEST(AuditConcurrencyTest, TwoProcessesWriteOnlyWholeLinesAndRotateAtTheSize) {
  testing::TempDir dir;
  dir.Write("strata.toml",
            "audit_log = \"audit.log\"\naudit_log_max = 2048\naudit_log_keep = 1000\n"
            "[env.one]\nurl = \"sqlite:one.db\"\n[env.two]\nurl = \"sqlite:two.db\"\n");
  dir.Write("migrations/0001_t.up.sql", "CREATE TABLE t (id INTEGER);\n");
  dir.Write("migrations/0001_t.down.sql", "DROP TABLE t;\n");
  constexpr int kRounds = 10;  // each: up + down = 2 events
  std::vector<std::unique_ptr<Child>> runners;
  for (const char* env : {"one", "two"}) {
    std::string loop = "cd '" + dir.path() + "' && for i in $(seq " + std::to_string(kRounds) + "); do '" +
                       testing::StrataBin() + "' --env " + env + " up -q && '" + testing::StrataBin() + "' --env " +
                       env + " down -q || exit 1; done";
    ChildOptions options;
    options.err_file = dir.Path(std::string(env) + ".err");
    runners.push_back(std::make_unique<Child>(std::vector<std::string>{"/bin/sh", "-c", loop}, options));
  }
  for (auto& r : runners) EXPECT_EQ(r->Wait(), 0) << dir.Read("one.err") << dir.Read("two.err");
  auto lines = ReadLog(dir.Path("audit.log"));
  EXPECT_EQ(lines.size(), size_t{2 * kRounds * 2});
  std::map<std::string, int> per_env;
  for (const auto& l : lines) per_env[l["environment"].get<std::string>() + ":" + l["kind"].get<std::string>()]++;
  EXPECT_EQ(per_env, (std::map<std::string, int>{
                         {"one:apply", kRounds}, {"one:rollback", kRounds}, {"two:apply", kRounds}, {"two:rollback", kRounds}}));
  int rotated = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) {
    std::string name = e.path().filename().string();
    if (name.rfind("audit.log", 0) != 0) continue;
    rotated += name != "audit.log";
    EXPECT_LE(fs::file_size(e.path()), 2048u) << name;
  }
  EXPECT_GE(rotated, 5);
}

// The URL's password never reaches the file, not even inside a failing
// statement that contains it.
TEST(AuditSecretTest, PasswordNeverInTheLog) {
  auto server = testing::PgServerUrl();
  ASSERT_TRUE(server.has_value());
  testing::ScopedPgDatabase db;
  ASSERT_TRUE(db.ok());
  ASSERT_EQ(testing::QueryRows(db.url(), "ALTER DATABASE " + db.name() + " OWNER TO strata_pw").size(), 0u);
  std::string host_port = db.url().substr(db.url().find('@') + 1);
  host_port = host_port.substr(0, host_port.find('/'));
  const std::string password = "pw-Secr3t!";
  testing::TempDir dir;
  dir.Write("strata.toml", "[env.test]\nurl = \"postgres://strata_pw:" + password + "@" + host_port + "/" + db.name() +
                               "\"\naudit_log = \"audit.log\"\n");
  dir.Write("migrations/0001_t.up.sql", "CREATE TABLE t (s text, n int);\n");
  dir.Write("migrations/0002_bad.up.sql", "INSERT INTO t VALUES ('" + password + "', 1 / 0);\n");
  testing::CommandOptions options;
  options.cwd = dir.path();
  auto r = testing::RunStrata({"up"}, options);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  std::string log = dir.Read("audit.log");
  EXPECT_EQ(log.find(password), std::string::npos) << log;
  EXPECT_NE(log.find("INSERT INTO t VALUES ('****', 1 / 0)"), std::string::npos) << log;
  EXPECT_EQ(r.err.find(password), std::string::npos) << r.err;
}

}  // namespace
}  // namespace strata::integration
