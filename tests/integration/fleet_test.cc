// Fleets (docs/commands.md#fleets): `strata up|status|... --targets FILE`
// and `--fleet NAME` on real databases: PostgreSQL clusters started by
// tests/support/pg_server (the CTest fixture's plus more started here) and
// SQLite files. One target is broken on purpose.
//
// The CI sample is small; the full proof (3 clusters x 20 databases + 20
// SQLite files) runs with
//   STRATA_FLEET_CLUSTERS=3 STRATA_FLEET_DATABASES=20 STRATA_FLEET_SQLITE=20
//   ctest --preset default -R FleetTest.ClustersAndSqlite   (same shell, variables exported)
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "testing/test_support.h"

namespace strata::integration {
namespace {

using testing::CommandOptions;
using testing::CommandResult;
using testing::QueryRows;
using testing::RunStrata;
using testing::TempDir;

constexpr const char* kPassword = "pw-Secr3t!";

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

// A PostgreSQL cluster of its own (initdb + pg_ctl via tests/support/pg_server),
// stopped and removed on destruction.
class ExtraCluster {
 public:
  explicit ExtraCluster(int n)
      : dir_("/tmp/strata-fleet-pg-" + std::to_string(::getpid()) + "-" + std::to_string(n)) {}
  ~ExtraCluster() {
    if (started_) testing::Run({"bash", Script(), "stop", dir_});
  }
  ExtraCluster(const ExtraCluster&) = delete;
  ExtraCluster& operator=(const ExtraCluster&) = delete;
  // Blocking; call from a thread to start several at once.
  void Start() {
    CommandOptions o;
    o.unset_env = {"STRATA_TEST_PG_URL"};
    result_ = testing::Run({"bash", Script(), "start", dir_}, o);
    started_ = true;
    std::ifstream in(dir_ + "/url");
    std::getline(in, url_);
  }
  const CommandResult& result() const { return result_; }
  const std::string& url() const { return url_; }

 private:
  static std::string Script() { return testing::SourceDir() + "/tests/support/pg_server"; }
  std::string dir_;
  std::string url_;
  bool started_ = false;
  CommandResult result_;
};

// "postgres://postgres@127.0.0.1:PORT/postgres" -> "127.0.0.1:PORT".
std::string HostPort(const std::string& server_url) {
  size_t at = server_url.find('@');
  size_t slash = server_url.find('/', at);
  return server_url.substr(at + 1, slash - at - 1);
}


void Exec(const std::string& url, const std::string& sql) { QueryRows(url, sql); }

class FleetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::PgServerUrl();
    ASSERT_TRUE(server) << "no test PostgreSQL";
    server_ = *server;
    dir_.Write("migrations/0001_items.up.sql", "CREATE TABLE items (id integer PRIMARY KEY, name text);\n");
    dir_.Write("migrations/0002_note.up.sql", "ALTER TABLE items ADD COLUMN note text;\n");
    dir_.Write("migrations/0003_audit.up.sql", "CREATE TABLE audit (id integer PRIMARY KEY, what text);\n");
  }
  void TearDown() override {
    // Databases on the extra clusters go with their cluster (extra_).
    for (const auto& [server, db] : databases_) {
      if (server == server_) Exec(server, "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    }
  }

  // A new database on `server` owned by the password role; its URL with the
  // password.
  std::string CreateDatabase(const std::string& server, const std::string& db) {
    Exec(server, "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    Exec(server, "CREATE DATABASE " + db + " OWNER strata_pw");
    databases_.emplace_back(server, db);
    return "postgres://strata_pw:" + std::string(kPassword) + "@" + HostPort(server) + "/" + db;
  }

  CommandResult Strata(std::vector<std::string> args, CommandOptions o = {}) {
    args.insert(args.end(), {"--dir", dir_.Path("migrations")});
    if (o.cwd.empty()) o.cwd = dir_.path();
    return RunStrata(args, o);
  }

  static std::string Versions(const std::string& url) {
    std::string out;
    for (const auto& row : QueryRows(url, "SELECT version FROM strata_migrations ORDER BY version")) out += row + " ";
    return out;
  }

  static void ExpectNoPassword(const CommandResult& r) {
    EXPECT_EQ(r.out.find(kPassword), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find(kPassword), std::string::npos) << r.err;
  }

  std::string server_;
  TempDir dir_;
  std::vector<std::pair<std::string, std::string>> databases_;  // (server url, name) to drop
  std::vector<std::unique_ptr<ExtraCluster>> extra_;  // stopped after TearDown
};

// The proof: clusters x databases + SQLite files, one database broken (a
// table that its third migration creates already exists there). Every good
// target reaches the newest version; the broken one is reported with its
// error and leaves the others alone; status --json is valid; after the fix
// a rerun applies only the broken one; a third run changes nothing.
TEST_F(FleetTest, ClustersAndSqliteOneBroken) {
  const int clusters = EnvInt("STRATA_FLEET_CLUSTERS", 3);
  const int per_cluster = EnvInt("STRATA_FLEET_DATABASES", 2);
  const int sqlite = EnvInt("STRATA_FLEET_SQLITE", 4);
  std::vector<std::unique_ptr<ExtraCluster>>& extra = extra_;
  for (int i = 1; i < clusters; ++i) extra.push_back(std::make_unique<ExtraCluster>(i));
  {
    std::vector<std::thread> starting;
    for (auto& c : extra) starting.emplace_back([&c] { c->Start(); });
    for (auto& t : starting) t.join();
  }
  std::vector<std::string> servers = {server_};
  for (auto& c : extra) {
    ASSERT_EQ(c->result().exit_code, 0) << c->result().err;
    servers.push_back(c->url());
  }

  std::string pid = std::to_string(::getpid());
  std::vector<std::string> pg_urls;
  std::string file = "# tenants\n\n";
  for (size_t s = 0; s < servers.size(); ++s) {
    for (int d = 0; d < per_cluster; ++d) {
      std::string url = CreateDatabase(servers[s], "fleet_" + pid + "_" + std::to_string(s) + "_" + std::to_string(d));
      pg_urls.push_back(url);
      // The password comes from ${FLEET_PASSWORD} in the file.
      std::string line = url;
      line.replace(line.find(kPassword), std::string(kPassword).size(), "${FLEET_PASSWORD}");
      file += line + "\n";
    }
  }
  std::vector<std::string> sqlite_urls;
  for (int i = 0; i < sqlite; ++i) {
    sqlite_urls.push_back("sqlite:" + dir_.Path("tenants/t" + std::to_string(i) + ".db"));
    file += "  " + sqlite_urls.back() + "   \n";
  }
  std::filesystem::create_directories(dir_.Path("tenants"));
  dir_.Write("targets.txt", file);
  const std::string broken = pg_urls[pg_urls.size() / 2];
  Exec(broken, "CREATE TABLE audit (x integer)");

  CommandOptions env;
  env.env["FLEET_PASSWORD"] = kPassword;
  CommandResult up = Strata({"up", "--targets", "targets.txt", "--parallel", "6"}, env);
  EXPECT_EQ(up.exit_code, 1) << up.out << up.err;  // a database error on one target
  ExpectNoPassword(up);
  const size_t total = pg_urls.size() + sqlite_urls.size();
  EXPECT_NE(up.out.find(std::to_string(total) + " targets: " + std::to_string(total - 1) + " ok, 1 failed, 0 skipped"),
            std::string::npos)
      << up.out;
  EXPECT_NE(up.out.find("already exists"), std::string::npos) << up.out;  // the broken one's error
  for (const auto& url : pg_urls) {
    EXPECT_EQ(Versions(url), url == broken ? "0001 0002 " : "0001 0002 0003 ") << url;
  }
  for (const auto& url : sqlite_urls) EXPECT_EQ(Versions(url), "0001 0002 0003 ") << url;

  CommandResult status = Strata({"status", "--targets", "targets.txt", "--json", "--exit-code"}, env);
  EXPECT_EQ(status.exit_code, 3) << status.out << status.err;  // the broken one has one pending
  ExpectNoPassword(status);
  auto doc = nlohmann::json::parse(status.out);
  EXPECT_EQ(doc["command"], "status");
  EXPECT_EQ(doc["summary"]["ok"], total);
  ASSERT_EQ(doc["targets"].size(), total);
  int pending = 0;
  for (const auto& t : doc["targets"]) pending += t["report"]["summary"]["pending"].get<int>();
  EXPECT_EQ(pending, 1);

  // Fixed: the rerun applies only what the broken one lacks.
  Exec(broken, "DROP TABLE audit");
  CommandResult rerun = Strata({"up", "--targets", "targets.txt", "--json"}, env);
  EXPECT_EQ(rerun.exit_code, 0) << rerun.out << rerun.err;
  ExpectNoPassword(rerun);
  auto again = nlohmann::json::parse(rerun.out);
  int applied = 0;
  for (const auto& t : again["targets"]) {
    EXPECT_EQ(t["result"], "ok") << t.dump();
    applied += static_cast<int>(t["report"]["steps"].size());
  }
  EXPECT_EQ(applied, 1);
  EXPECT_EQ(Versions(broken), "0001 0002 0003 ");

  CommandResult noop = Strata({"up", "--targets", "targets.txt"}, env);
  EXPECT_EQ(noop.exit_code, 0) << noop.out << noop.err;
  EXPECT_NE(noop.out.find(std::to_string(total) + " targets: " + std::to_string(total) + " ok"), std::string::npos);
  EXPECT_EQ(noop.out.find("applied 1"), std::string::npos) << noop.out;
}

// --fail-fast: after the first failure no target starts; the rest are
// reported skipped and left untouched (their SQLite files not even created).
TEST_F(FleetTest, FailFastSkipsTheRest) {
  dir_.Write("strata.toml", "[env.fleet]\nconnect_retries = 0\nconnect_timeout = \"2s\"\n");
  std::string file = "postgres://strata_pw:" + std::string(kPassword) + "@127.0.0.1:1/nowhere\n";
  for (int i = 0; i < 4; ++i) file += "sqlite:t" + std::to_string(i) + ".db\n";
  dir_.Write("targets.txt", file);
  CommandResult r = Strata({"up", "--targets", "targets.txt", "--parallel", "1", "--fail-fast", "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  ExpectNoPassword(r);
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["summary"]["failed"], 1);
  EXPECT_EQ(doc["summary"]["skipped"], 4);
  EXPECT_EQ(doc["targets"][0]["result"], "failed");
  EXPECT_EQ(doc["targets"][0]["url"], "postgres://strata_pw:****@127.0.0.1:1/nowhere");
  EXPECT_EQ(doc["targets"][1]["result"], "skipped");
  EXPECT_FALSE(std::filesystem::exists(dir_.Path("t0.db")));

  // Without --fail-fast the others run.
  CommandResult all = Strata({"up", "--targets", "targets.txt", "--parallel", "2"});
  EXPECT_EQ(all.exit_code, 1) << all.out << all.err;
  ExpectNoPassword(all);
  EXPECT_NE(all.out.find("5 targets: 4 ok, 1 failed, 0 skipped"), std::string::npos) << all.out;
  EXPECT_EQ(Versions("sqlite:" + dir_.Path("t3.db")), "0001 0002 0003 ");
}

// [fleet.NAME]: databases_query lists databases on query_url, schemas_query
// one target per schema (its own search_path and tracking tables); urls
// take URLs and environment names.
TEST_F(FleetTest, FleetTableWithQueries) {
  std::string pid = std::to_string(::getpid());
  std::vector<std::string> dbs;
  for (int i = 0; i < 3; ++i) dbs.push_back(CreateDatabase(server_, "fleetq_" + pid + "_" + std::to_string(i)));
  std::string schemas_db = CreateDatabase(server_, "fleets_" + pid);
  for (const char* s : {"tenant_a", "tenant_b"}) Exec(schemas_db, std::string("CREATE SCHEMA ") + s + " AUTHORIZATION strata_pw");
  std::string query_url = "postgres://strata_pw:${FLEET_PASSWORD}@" + HostPort(server_) + "/postgres";
  std::string schemas_url = schemas_db;
  schemas_url.replace(schemas_url.find(kPassword), std::string(kPassword).size(), "${FLEET_PASSWORD}");
  dir_.Write("strata.toml",
             "[env.dev]\nurl = \"sqlite:dev.db\"\n"
             "[fleet.tenants]\n"
             "query_url = \"" + query_url + "\"\n"
             "databases_query = \"SELECT datname FROM pg_database WHERE datname LIKE 'fleetq_" + pid + "_%' ORDER BY 1\"\n"
             "urls = [\"dev\", \"sqlite:other.db\"]\n"
             "parallel = 3\n"
             "[fleet.schemas]\n"
             "query_url = \"" + schemas_url + "\"\n"
             "schemas_query = \"SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant%' ORDER BY 1\"\n");
  CommandOptions env;
  env.env["FLEET_PASSWORD"] = kPassword;
  CommandResult r = Strata({"up", "--fleet", "tenants"}, env);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  ExpectNoPassword(r);
  EXPECT_NE(r.out.find("5 targets: 5 ok, 0 failed, 0 skipped"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(parallel 3)"), std::string::npos) << r.out;
  for (const auto& url : dbs) EXPECT_EQ(Versions(url), "0001 0002 0003 ");
  EXPECT_EQ(Versions("sqlite:" + dir_.Path("dev.db")), "0001 0002 0003 ");

  CommandResult s = Strata({"up", "--fleet", "schemas", "--json"}, env);
  EXPECT_EQ(s.exit_code, 0) << s.out << s.err;
  ExpectNoPassword(s);
  auto doc = nlohmann::json::parse(s.out);
  ASSERT_EQ(doc["targets"].size(), 2u);
  EXPECT_EQ(doc["targets"][0]["schema"], "tenant_a");
  for (const char* schema : {"tenant_a", "tenant_b"}) {
    EXPECT_EQ(QueryRows(schemas_db, std::string("SELECT count(*) FROM ") + schema + ".strata_migrations"),
              std::vector<std::string>{"3"});
    EXPECT_EQ(QueryRows(schemas_db, std::string("SELECT count(*) FROM information_schema.tables WHERE table_schema = '") +
                                        schema + "' AND table_name = 'audit'"),
              std::vector<std::string>{"1"});
  }
  EXPECT_EQ(QueryRows(schemas_db, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"),
            std::vector<std::string>{"0"});

  CommandResult unknown = Strata({"status", "--fleet", "nope"});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("unknown fleet 'nope'"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("defined: schemas, tenants"), std::string::npos) << unknown.err;
}

// backup = true: each target backs up into its own folder below backup_dir,
// so that neither names nor backup_keep collide.
TEST_F(FleetTest, EachTargetHasItsOwnBackupFolder) {
  dir_.Write("strata.toml", "[env.prod]\nbackup = true\nbackup_keep = 1\n");
  dir_.Write("targets.txt", "sqlite:a.db\nsqlite:sub/a.db\nsqlite:b.db\n");
  std::filesystem::create_directories(dir_.Path("sub"));
  for (const char* db : {"a.db", "sub/a.db", "b.db"}) {
    // Something to back up: the first migration applied beforehand.
    CommandResult first = Strata({"up", "--url", std::string("sqlite:") + db, "--to", "0001"});
    ASSERT_EQ(first.exit_code, 0) << first.err;
  }
  CommandResult r = Strata({"up", "--targets", "targets.txt", "--parallel", "3"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* folder : {"a.db", "sub_a.db", "b.db"}) {
    int backups = 0;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir_.Path(std::string("backups/") + folder), ec)) {
      if (e.path().extension() == ".sqlite") ++backups;
    }
    EXPECT_EQ(backups, 1) << folder << "\n" << r.out;
  }
}

// Each target's own lease lock: two fleets started together on the same
// databases (and a single `up` on one of them) apply each migration once.
TEST_F(FleetTest, TwoFleetsAtOnceApplyEachMigrationOnce) {
  std::string file;
  for (int i = 0; i < 6; ++i) file += "sqlite:c" + std::to_string(i) + ".db\n";
  dir_.Write("targets.txt", file);
  CommandResult a, b, single;
  std::thread ta([&] { a = Strata({"up", "--targets", "targets.txt", "--parallel", "3"}); });
  std::thread tb([&] { b = Strata({"up", "--targets", "targets.txt", "--parallel", "2"}); });
  std::thread tc([&] { single = Strata({"up", "--url", "sqlite:c3.db"}); });
  ta.join();
  tb.join();
  tc.join();
  EXPECT_EQ(a.exit_code, 0) << a.out << a.err;
  EXPECT_EQ(b.exit_code, 0) << b.out << b.err;
  EXPECT_EQ(single.exit_code, 0) << single.out << single.err;
  for (int i = 0; i < 6; ++i) {
    std::string url = "sqlite:" + dir_.Path("c" + std::to_string(i) + ".db");
    EXPECT_EQ(Versions(url), "0001 0002 0003 ") << url;
    EXPECT_EQ(QueryRows(url, "SELECT count(*) FROM strata_events WHERE kind = 'apply' AND outcome = 'success'"),
              std::vector<std::string>{"3"})
        << url;
  }
}

// A bad line names the file and line and runs nothing; fleet flags without
// a fleet are usage errors; --url and --targets exclude each other.
TEST_F(FleetTest, BadInputNamesTheLine) {
  dir_.Write("targets.txt", "sqlite:a.db\n# comment\nmysql://h/db\n");
  CommandResult r = Strata({"up", "--targets", "targets.txt"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("targets.txt:3"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.Path("a.db")));

  dir_.Write("unset.txt", "postgres://u:${FLEET_UNSET_VAR}@h/db\n");
  CommandOptions no_var;
  no_var.unset_env = {"FLEET_UNSET_VAR"};
  CommandResult unset = Strata({"status", "--targets", "unset.txt"}, no_var);
  EXPECT_EQ(unset.exit_code, 2);
  EXPECT_NE(unset.err.find("unset.txt:1"), std::string::npos) << unset.err;
  EXPECT_NE(unset.err.find("FLEET_UNSET_VAR is not set"), std::string::npos) << unset.err;

  dir_.Write("twice.txt", "sqlite:a.db\nsqlite:./a.db\n");
  CommandResult twice = Strata({"status", "--targets", "twice.txt"});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.err.find("listed twice"), std::string::npos) << twice.err;

  CommandResult flags = Strata({"up", "--url", "sqlite:a.db", "--parallel", "2"});
  EXPECT_EQ(flags.exit_code, 2);
  EXPECT_NE(flags.err.find("--parallel needs --targets FILE or --fleet NAME"), std::string::npos) << flags.err;
  CommandResult both = Strata({"status", "--url", "sqlite:a.db", "--targets", "targets.txt"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_FALSE(std::filesystem::exists(dir_.Path("a.db")));
}

}  // namespace
}  // namespace strata::integration
