// `strata serve` end to end: the real binary on a free port against a real
// SQLite file and the test PostgreSQL server. Every endpoint, the metrics
// through a strict Prometheus text parser, the token, 200 concurrent
// requests, answers while the database is blocked, clean shutdown, and no
// password in any response.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "../integration/harness.h"
#include "support/http_client.h"
#include "support/prom_text.h"
#include "support/serve_process.h"

namespace strata::integration {
namespace {

using Json = nlohmann::json;
using ops_test::HttpGet;
using ops_test::HttpRequest;
using ops_test::ParsePromText;
using ops_test::ServeProcess;
using namespace std::chrono_literals;

testing::CommandOptions InDir(const testing::TempDir& dir) {
  testing::CommandOptions o;
  o.cwd = dir.path();
  o.timeout_ms = 20000;
  return o;
}

// A password the test server does not check (trust authentication) but that
// strata must never show.
constexpr const char* kPassword = "Pa55-w0rd-never-shown";

class ServeTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    serve_url_ = url();
    if (!pg()) return;
    size_t start = serve_url_.find("://") + 3;
    size_t at = serve_url_.find('@', start);
    if (at == std::string::npos) {
      serve_url_.insert(start, std::string("postgres:") + kPassword + "@");
    } else if (serve_url_.find(':', start) > at) {
      serve_url_.insert(at, std::string(":") + kPassword);
    } else {
      GTEST_SKIP() << "the test server's URL has a password already";
    }
  }
  // Three migrations: two applied, the third pending with a lint finding.
  void Prepare() {
    Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);\n");
    Write("0002_orders.up.sql", "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER);\n");
    ASSERT_EQ(Strata({"up"}).exit_code, 0);
    Write("0003_drop_orders.up.sql", "DROP TABLE orders;\n");
  }
  std::unique_ptr<ServeProcess> Serve(std::vector<std::string> args = {},
                                      const std::map<std::string, std::string>& env = {}) {
    args.insert(args.end(), {"--url", serve_url_, "--dir", migrations(), "--refresh", "200ms"});
    auto p = std::make_unique<ServeProcess>(args, dir_.path(), env);
    EXPECT_TRUE(p->ok()) << p->Stdout() << p->Stderr();
    return p;
  }
  // No response may ever carry the password.
  void ExpectNoPassword(const ops_test::HttpResponse& r) {
    EXPECT_EQ(r.body.find(kPassword), std::string::npos) << r.body;
    for (const auto& [k, v] : r.headers) EXPECT_EQ(v.find(kPassword), std::string::npos) << k;
  }
  std::string serve_url_;
};

TEST_P(ServeTest, EveryEndpoint) {
  Prepare();
  auto serve = Serve();
  ASSERT_TRUE(serve->ok());
  ASSERT_TRUE(serve->WaitForSnapshot()) << serve->Stderr();
  const std::string& at = serve->address();

  auto live = HttpGet(at, "/live");
  EXPECT_EQ(live.status, 200);
  EXPECT_EQ(live.body, "ok\n");

  auto ready = HttpGet(at, "/ready");  // pending does not make it unready by default
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.body, "ready\n");

  auto health = HttpGet(at, "/health");
  EXPECT_EQ(health.status, 200) << health.body;
  EXPECT_EQ(health.Header("content-type"), "application/json");
  EXPECT_FALSE(health.Header("age").empty());
  EXPECT_FALSE(health.Header("x-strata-snapshot").empty());
  Json j = Json::parse(health.body);
  EXPECT_EQ(j["status"], "pending");
  EXPECT_EQ(j["migrations"]["applied"], 2);
  EXPECT_EQ(j["migrations"]["pending"], 1);
  EXPECT_EQ(j["database"]["reachable"], true);
  EXPECT_EQ(j["lock"]["held"], false);
  if (pg()) {
    EXPECT_NE(j["url"].get<std::string>().find("postgres:****@"), std::string::npos) << j["url"];
  }
  // The same document as `strata health --json` (but for the time fields).
  auto cli = Strata({"health", "--json"});
  Json c = Json::parse(cli.out);
  for (auto* doc : {&j, &c}) {
    (*doc)["checked_at"] = nullptr;
    (*doc)["database"]["connect_ms"] = nullptr;
    (*doc)["database"]["round_trip_ms"] = nullptr;
    (*doc)["url"] = nullptr;
  }
  EXPECT_EQ(j, c);

  auto metrics = HttpGet(at, "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  auto prom = ParsePromText(metrics.body);
  ASSERT_EQ(prom.error, "") << metrics.body;
  EXPECT_EQ(prom.Value("strata_up"), 1);
  EXPECT_EQ(prom.Value("strata_migrations", {{"state", "applied"}}), 2);
  EXPECT_EQ(prom.Value("strata_migrations", {{"state", "pending"}}), 1);
  EXPECT_EQ(prom.Value("strata_migrations", {{"state", "dirty"}}), 0);
  EXPECT_EQ(prom.Value("strata_health", {{"state", "pending"}}), 1);
  EXPECT_EQ(prom.Value("strata_health", {{"state", "healthy"}}), 0);
  EXPECT_EQ(prom.Value("strata_lock_held"), 0);
  EXPECT_EQ(prom.Value("strata_failures_total", {{"kind", "apply"}}), 0);
  EXPECT_GE(prom.Value("strata_migration_duration_seconds", {{"version", "0002"}, {"name", "orders"}}), 0);
  double applied_at = prom.Value("strata_migration_applied_timestamp_seconds", {{"version", "0001"}, {"batch", "1"}});
  double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_NEAR(applied_at, now, 600);
  EXPECT_NEAR(prom.Value("strata_last_apply_timestamp_seconds"), now, 600);
  EXPECT_LT(prom.Value("strata_snapshot_age_seconds"), 30);
  EXPECT_EQ(prom.Find("strata_backup_age_seconds"), nullptr);  // no backup recorded
  ASSERT_NE(prom.Find("strata_failures_total"), nullptr);
  EXPECT_EQ(prom.Find("strata_failures_total")->type, "counter");
  EXPECT_EQ(prom.Value("strata_info", {{"dialect", pg() ? "postgres" : "sqlite"}}), 1);

  auto page = HttpGet(at, "/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(page.Header("content-security-policy").find("default-src 'none'"), std::string::npos);
  EXPECT_NE(page.body.find("<table id=\"migrations\">"), std::string::npos);
  EXPECT_NE(page.body.find("data-version=\"0003\""), std::string::npos);
  EXPECT_NE(page.body.find("<svg id=\"timeline\""), std::string::npos);
  EXPECT_NE(page.body.find("drop-table"), std::string::npos) << "lint of the pending migration";
  EXPECT_EQ(page.body.find("<script"), std::string::npos);
  EXPECT_EQ(page.body.find("src="), std::string::npos) << "no external asset";
  EXPECT_EQ(page.body.find("href=\"http"), std::string::npos) << "no external asset";

  auto head = HttpRequest(at, "HEAD", "/health");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(HttpRequest(at, "POST", "/health", {{"Content-Length", "0"}}).status, 405);
  EXPECT_EQ(HttpRequest(at, "DELETE", "/", {{"Content-Length", "0"}}).status, 405);
  EXPECT_EQ(HttpGet(at, "/nope").status, 404);

  for (const auto& r : {live, ready, health, metrics, page}) ExpectNoPassword(r);
  EXPECT_EQ(serve->Stderr().find(kPassword), std::string::npos);
  EXPECT_EQ(serve->Stdout().find(kPassword), std::string::npos);
  EXPECT_EQ(serve->Stop(SIGTERM), 0) << serve->Stderr();
}

TEST_P(ServeTest, ReadyFollowsTheDatabase) {
  Prepare();
  auto serve = Serve({"--ready-requires-current"});
  ASSERT_TRUE(serve->ok());
  ASSERT_TRUE(serve->WaitForSnapshot());
  auto ready = HttpGet(serve->address(), "/ready");
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(ready.body, "not ready:\n- 1 migration pending\n");

  ASSERT_EQ(Strata({"up"}).exit_code, 0);
  bool became_ready = false;
  for (auto deadline = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < deadline;) {
    if (HttpGet(serve->address(), "/ready").status == 200) {
      became_ready = true;
      break;
    }
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(became_ready);

  // A modified migration makes it unready, with or without the flag.
  Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
  bool unready = false;
  ops_test::HttpResponse r;
  for (auto deadline = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < deadline;) {
    r = HttpGet(serve->address(), "/ready");
    if (r.status == 503) {
      unready = true;
      break;
    }
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(unready);
  EXPECT_NE(r.body.find("modified"), std::string::npos) << r.body;
  EXPECT_EQ(HttpGet(serve->address(), "/health").status, 503);
  EXPECT_EQ(serve->Stop(SIGINT), 0);
}

TEST_P(ServeTest, TokenIsRequiredForEverythingButLive) {
  Prepare();
  const std::string token = "tok-3f9a1c77e2b84d0a";
  auto serve = Serve({}, {{"STRATA_SERVE_TOKEN", token}});
  ASSERT_TRUE(serve->ok());
  const std::map<std::string, std::string> bearer = {{"Authorization", "Bearer " + token}};
  ASSERT_TRUE(serve->WaitForSnapshot(bearer));
  const std::string& at = serve->address();
  EXPECT_EQ(HttpGet(at, "/live").status, 200);
  for (const char* path : {"/", "/ready", "/health", "/metrics", "/nope"}) {
    auto none = HttpGet(at, path);
    EXPECT_EQ(none.status, 401) << path;
    EXPECT_NE(none.Header("www-authenticate").find("Bearer"), std::string::npos);
    EXPECT_EQ(HttpGet(at, path, {{"Authorization", "Bearer " + token + "x"}}).status, 401) << path;
    EXPECT_EQ(HttpGet(at, path, {{"Authorization", "Bearer " + token.substr(1)}}).status, 401) << path;
    EXPECT_EQ(HttpGet(at, path, {{"Authorization", "Bearer"}}).status, 401) << path;
    EXPECT_EQ(HttpGet(at, path, {{"Authorization", token}}).status, 401) << path;
    auto ok = HttpGet(at, path, bearer);
    EXPECT_EQ(ok.status, std::string(path) == "/nope" ? 404 : 200) << path;
    EXPECT_EQ(ok.body.find(token), std::string::npos) << path;
  }
  // A browser's Basic login: any user, the token as password ("x:" + token).
  EXPECT_EQ(HttpGet(at, "/", {{"Authorization", "Basic eDp0b2stM2Y5YTFjNzdlMmI4NGQwYQ=="}}).status, 200);
  EXPECT_EQ(HttpGet(at, "/", {{"Authorization", "Basic eDp0b2stM2Y5YTFjNzdlMmI4NGQwYg=="}}).status, 401);
  EXPECT_NE(serve->Stdout().find("bearer token required"), std::string::npos);
  EXPECT_EQ(serve->Stdout().find(token), std::string::npos);
  EXPECT_EQ(serve->Stop(SIGTERM), 0);
}

TEST_P(ServeTest, TwoHundredConcurrentRequests) {
  Prepare();
  auto serve = Serve();
  ASSERT_TRUE(serve->ok());
  ASSERT_TRUE(serve->WaitForSnapshot());
  const char* paths[] = {"/", "/health", "/metrics", "/ready", "/live"};
  std::atomic<int> ok{0};
  std::vector<std::string> failures(200);
  std::vector<std::thread> clients;
  for (int i = 0; i < 200; ++i) {
    clients.emplace_back([&, i] {
      const char* path = paths[i % 5];
      auto r = HttpGet(serve->address(), path);
      if (r.status == 200 && !r.body.empty()) ++ok;
      else failures[i] = std::string(path) + ": " + std::to_string(r.status) + " " + r.error;
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 200);
  for (const auto& f : failures) EXPECT_EQ(f, "");
  EXPECT_EQ(serve->Stop(SIGTERM), 0);
}

TEST_P(ServeTest, AnswersFromTheSnapshotWhileTheDatabaseIsBlocked) {
  Prepare();
  auto serve = Serve();
  ASSERT_TRUE(serve->ok());
  ASSERT_TRUE(serve->WaitForSnapshot());
  // Another session takes a lock that makes every read of the tracking table
  // wait: the refresher blocks, the requests must not.
  std::string sql = pg() ? "BEGIN; LOCK TABLE strata_migrations IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(3); COMMIT;"
                         : "BEGIN EXCLUSIVE; INSERT INTO users (email) VALUES ('x'); "
                           "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 7500000) "
                           "SELECT max(x) FROM c; COMMIT;";
  std::thread blocker([&] {
    if (pg()) {
      testing::Run({"psql", url(), "-q", "-c", sql});
    } else {
      testing::Run({"sqlite3", dir_.Path("app.db"), sql});
    }
  });
  std::this_thread::sleep_for(1200ms);  // past a few refresh intervals: the refresher is now waiting
  int64_t worst_ms = 0;
  int answered = 0;
  for (int i = 0; i < 20; ++i) {
    auto start = std::chrono::steady_clock::now();
    auto r = HttpGet(serve->address(), i % 2 ? "/health" : "/metrics");
    worst_ms = std::max<int64_t>(
        worst_ms,
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count());
    answered += r.status == 200;
  }
  // The refresher really was stuck: the snapshot served is older than its interval.
  auto prom = ParsePromText(HttpGet(serve->address(), "/metrics").body);
  EXPECT_GT(prom.Value("strata_snapshot_age_seconds"), 0.8);
  blocker.join();
  EXPECT_EQ(answered, 20);
  EXPECT_LT(worst_ms, 500) << "a request waited for the database";
  EXPECT_EQ(serve->Stop(SIGTERM), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, ServeTest, ::testing::Values("sqlite", "postgres"), EngineName);

TEST(ServeStartTest, BadOptionsFailAtStart) {
  testing::TempDir dir;
  dir.Write("strata.toml", "[env.dev]\nurl = \"sqlite:app.db\"\nprotcted = true\n");
  auto bad_config = testing::RunStrata({"serve", "--listen", "127.0.0.1:0"}, InDir(dir));
  EXPECT_EQ(bad_config.exit_code, 2) << bad_config.err;
  EXPECT_NE(bad_config.err.find("protcted"), std::string::npos) << bad_config.err;
  dir.Write("strata.toml", "[env.dev]\nurl = \"sqlite:app.db\"\n");
  auto bad_listen = testing::RunStrata({"serve", "--listen", "nowhere"}, InDir(dir));
  EXPECT_EQ(bad_listen.exit_code, 2) << bad_listen.err;
  EXPECT_NE(bad_listen.err.find("HOST:PORT"), std::string::npos) << bad_listen.err;
  auto bad_refresh = testing::RunStrata({"serve", "--refresh", "soon"}, InDir(dir));
  EXPECT_EQ(bad_refresh.exit_code, 2) << bad_refresh.err;
  // The port is taken by a running server.
  ServeProcess first({}, dir.path());
  ASSERT_TRUE(first.ok()) << first.Stderr();
  auto taken = testing::RunStrata({"serve", "--listen", first.address()}, InDir(dir));
  EXPECT_EQ(taken.exit_code, 1) << taken.err;
  EXPECT_NE(taken.err.find("cannot listen on"), std::string::npos) << taken.err;
}

}  // namespace
}  // namespace strata::integration
