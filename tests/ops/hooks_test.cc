// Hooks end to end: the real strata binary runs the configured shell
// commands around up, down and redo. Order, environment (and no password in
// it), output on stderr only, a failing before_* hook stopping the run with
// nothing applied, failing after hooks that change nothing, timeouts that kill
// the whole process group, dry runs that run none.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "../integration/harness.h"

namespace strata::integration {
namespace {

using Json = nlohmann::json;

class HooksTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    // On PostgreSQL the URL gets a password the test server does not check
    // (trust), which no hook may ever see.
    hook_url_ = url();
    if (pg()) {
      size_t start = hook_url_.find("://") + 3;
      size_t at = hook_url_.find('@', start);
      if (at != std::string::npos && hook_url_.find(':', start) > at) hook_url_.insert(at, ":" + password_);
    }
  }
  // strata.toml with the environment "stage" and these extra keys in it.
  void Config(const std::string& keys) {
    dir_.Write("strata.toml", "dir = \"migrations\"\n[env.stage]\nurl = \"" + hook_url_ + "\"\n" + keys);
  }
  testing::CommandResult Run(std::vector<std::string> args) {
    testing::CommandOptions o;
    o.cwd = dir_.path();
    o.timeout_ms = 60000;
    return testing::RunStrata(args, o);
  }
  std::vector<std::string> Log() {
    std::vector<std::string> lines;
    std::istringstream in(dir_.Read("hooks.log"));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
  void TwoMigrations() {
    Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
    Write("0001_users.down.sql", "DROP TABLE users;\n");
    Write("0002_orders.up.sql", "CREATE TABLE orders (id INTEGER PRIMARY KEY);\n");
    Write("0002_orders.down.sql", "DROP TABLE orders;\n");
  }
  std::string hook_url_;
  std::string password_ = "h00k-Pw-never-seen";
};

// Appends "NAME VAR=value ..." to hooks.log (the hooks run in the folder of strata.toml).
std::string Logger(const std::string& name) {
  return "echo \\\"" + name +
         " $STRATA_COMMAND $STRATA_DIRECTION $STRATA_VERSION $STRATA_NAME $STRATA_INDEX/$STRATA_TOTAL"
         " outcome=$STRATA_OUTCOME\\\" >> hooks.log";
}

TEST_P(HooksTest, RunInOrderWithTheirEnvironment) {
  TwoMigrations();
  Config("before_up = \"" + Logger("before_up") + "; env | grep '^STRATA_' | sort > env.txt\"\n" +
         "after_up = \"" + Logger("after_up") + "\"\nbefore_each = \"" + Logger("before_each") +
         "\"\nafter_each = \"" + Logger("after_each") + "\"\non_failure = \"" + Logger("on_failure") + "\"\n");
  auto r = Run({"up"});
  ASSERT_EQ(r.exit_code, 0) << r.err << " signal " << r.signal;
  EXPECT_EQ(Log(), (std::vector<std::string>{
                       "before_up up    /2 outcome=",
                       "before_each up up 0001 users 1/2 outcome=",
                       "after_each up up 0001 users 1/2 outcome=success",
                       "before_each up up 0002 orders 2/2 outcome=",
                       "after_each up up 0002 orders 2/2 outcome=success",
                       "after_up up    /2 outcome=success",
                   }));
  std::string env = dir_.Read("env.txt");
  EXPECT_NE(env.find("STRATA_ENV=stage\n"), std::string::npos) << env;
  EXPECT_NE(env.find("STRATA_HOOK=before_up\n"), std::string::npos) << env;
  EXPECT_NE(env.find("STRATA_VERSIONS=0001 0002\n"), std::string::npos) << env;
  EXPECT_NE(env.find("STRATA_TOTAL=2\n"), std::string::npos) << env;
  EXPECT_NE(env.find("STRATA_BATCH=1\n"), std::string::npos) << env;
  EXPECT_NE(env.find(std::string("STRATA_DIALECT=") + (pg() ? "postgres" : "sqlite")), std::string::npos) << env;
  EXPECT_NE(env.find("STRATA_URL="), std::string::npos) << env;
  EXPECT_NE(env.find("STRATA_DIR=" + dir_.Path("migrations") + "\n"), std::string::npos) << env;
  if (pg()) {
    EXPECT_NE(env.find(":****@"), std::string::npos) << env;
  }
  EXPECT_EQ(env.find(password_), std::string::npos) << env;

  // down: the per-migration hooks, newest first; before_up/after_up are up's.
  std::remove(dir_.Path("hooks.log").c_str());
  ASSERT_EQ(Run({"down", "--steps", "2"}).exit_code, 0);
  EXPECT_EQ(Log(), (std::vector<std::string>{
                       "before_each down down 0002 orders 1/2 outcome=",
                       "after_each down down 0002 orders 1/2 outcome=success",
                       "before_each down down 0001 users 2/2 outcome=",
                       "after_each down down 0001 users 2/2 outcome=success",
                   }));
  // Nothing to do, or a dry run: no hook runs.
  std::remove(dir_.Path("hooks.log").c_str());
  ASSERT_EQ(Run({"up", "--dry-run"}).exit_code, 0);
  ASSERT_EQ(Run({"up"}).exit_code, 0);
  std::remove(dir_.Path("hooks.log").c_str());
  ASSERT_EQ(Run({"up"}).exit_code, 0);
  EXPECT_TRUE(Log().empty());
}

TEST_P(HooksTest, OutputGoesToStderrPrefixedNeverIntoJson) {
  Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
  Config("before_up = \"echo draining traffic; echo to-stderr >&2\"\nafter_up = \"printf 'no newline'\"\n");
  auto r = Run({"up", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = Json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_EQ(j["steps"].size(), 1u);
  EXPECT_NE(r.err.find("[before_up] draining traffic\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("[before_up] to-stderr\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("[after_up] no newline\n"), std::string::npos) << r.err;
  // --quiet hides the output of hooks that succeed.
  Write("0002_more.up.sql", "CREATE TABLE more (id INTEGER PRIMARY KEY);\n");
  auto quiet = Run({"up", "--quiet"});
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.err, "");
}

TEST_P(HooksTest, FailingBeforeUpAppliesNothing) {
  TwoMigrations();
  Config("before_up = \"echo cannot drain; exit 3\"\non_failure = \"echo \\\"$STRATA_OUTCOME: $STRATA_ERROR\\\" > "
         "failure.txt\"\n");
  auto r = Run({"up"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("[before_up] cannot drain"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("error: before_up hook exited with 3: nothing was applied"), std::string::npos) << r.err;
  EXPECT_FALSE(HasTable("users"));
  EXPECT_TRUE(Recorded().empty());
  std::string failure = dir_.Read("failure.txt");
  EXPECT_NE(failure.find("failure: before_up hook exited with 3"), std::string::npos) << failure;
  auto json = Run({"up", "--json"});
  EXPECT_EQ(json.exit_code, 1);
  EXPECT_EQ(Json::parse(json.out)["error"]["kind"], "hook");
}

TEST_P(HooksTest, FailingBeforeEachStopsBeforeThatMigration) {
  TwoMigrations();
  Config("before_each = \"test \\\"$STRATA_VERSION\\\" != 0002\"\n");
  auto r = Run({"up"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("before_each hook exited with 1 before 0002_orders: it was not run; the migrations before it "
                       "stay applied"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(Recorded(), (std::vector<std::string>{"0001:clean"}));
  EXPECT_TRUE(HasTable("users"));
  EXPECT_FALSE(HasTable("orders"));
  // With --single-transaction, the whole run is rolled back.
  ASSERT_EQ(Run({"down"}).exit_code, 0);
  auto single = Run({"up", "--single-transaction"});
  EXPECT_EQ(single.exit_code, 1);
  EXPECT_TRUE(Recorded().empty());
  EXPECT_FALSE(HasTable("users"));
}

TEST_P(HooksTest, FailingAfterHooksChangeNothingButAreRecorded) {
  TwoMigrations();
  Config("after_each = \"exit 2\"\nafter_up = \"echo oops; exit 1\"\n");
  auto r = Run({"up"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Recorded(), (std::vector<std::string>{"0001:clean", "0002:clean"}));
  EXPECT_NE(r.err.find("warning: after_each hook exited with 2 after 0001_users (the migration stays applied; the run "
                       "goes on)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("warning: after_up hook exited with 1 (the migrations stay applied)"), std::string::npos)
      << r.err;
  auto events = Rows("SELECT kind || '|' || outcome || '|' || error FROM strata_events WHERE kind = 'hook' ORDER BY id");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2], "hook|failure|after_up hook exited with 1");
}

TEST_P(HooksTest, TimeoutKillsTheWholeProcessGroup) {
  Write("0001_users.up.sql", "CREATE TABLE users (id INTEGER PRIMARY KEY);\n");
  // The hook starts a child of its own and waits: both must die at the timeout.
  Config("hook_timeout = \"1s\"\nbefore_up = \"sleep 30 & echo $! > child.pid; sleep 30\"\n");
  auto start = std::chrono::steady_clock::now();
  auto r = Run({"up"});
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("before_up hook timed out after 1 s (its process group was killed): nothing was applied"),
            std::string::npos)
      << r.err;
  EXPECT_LT(took, std::chrono::seconds(10));
  EXPECT_FALSE(HasTable("users"));
  pid_t child = std::stoi(dir_.Read("child.pid"));
  ASSERT_GT(child, 0);
  // Gone, or a zombie waiting for a reaper (it was reparented).
  auto gone_now = [&] {
    if (::kill(child, 0) != 0) return true;
    std::ifstream stat("/proc/" + std::to_string(child) + "/stat");
    std::string s;
    std::getline(stat, s);
    size_t paren = s.rfind(')');
    return paren != std::string::npos && paren + 2 < s.size() && s[paren + 2] == 'Z';
  };
  bool gone = false;
  for (int i = 0; i < 50 && !gone; ++i) {
    gone = gone_now();
    if (!gone) usleep(100000);
  }
  EXPECT_TRUE(gone) << "the hook's child " << child << " outlived the timeout";
}

INSTANTIATE_TEST_SUITE_P(Engines, HooksTest, ::testing::Values("sqlite", "postgres"), EngineName);

}  // namespace
}  // namespace strata::integration
