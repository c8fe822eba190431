// SIGKILL of `strata up`, `down` and `redo` at random points, on both engines.
//
// Each point: a random command on a database in a known state, killed after a
// random delay; then the checks a user relies on after a crash:
//   - no migration half applied: every transactional migration's tables, rows,
//     foreign-key children and rows in a table that existed before strata ran
//     are all there (recorded clean) or none (not recorded); only a
//     no-transaction migration may be dirty, and at most one;
//   - the tracking rows agree with the schema and with `strata status --json`;
//     the recorded versions are a prefix of the set;
//   - the next `up` completes, or exits 6 naming the dirty migration; then the
//     operator's steps from docs/guarantees.md (undo its partial effects,
//     `repair --retry VERSION`) and `up` completes.
// Where each kill landed comes from before_each/after_each hooks that append
// to a trace file, and from the lease row the killed process left.
//
// Knobs (tests/reliability/crash sets them): STRATA_CRASH_POINTS (default 20
// per engine), STRATA_CRASH_SEED (default: random, printed).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "child_process.h"
#include "testing/test_support.h"

namespace strata::reliability {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using integration::Child;

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

// One migration of a random set. Every migration creates a parent table with
// rows (one multi-MB INSERT when `big`), a child table whose rows reference
// them, adds rows to `ledger` (a table the application had before), and may
// sleep in between; its down undoes all of it.
struct Mig {
  std::string version;  // "0001"
  std::string name;     // "m1"
  bool nt = false;      // -- strata:no-transaction
  int rows = 0;
  int payload = 0;      // bytes per parent row
  int child_rows = 0;
  int ledger_rows = 0;
  int slow_up_ms = 0;
  int slow_down_ms = 0;
  std::string parent() const { return name; }
  std::string child() const { return name + "_child"; }
};

// Where a kill landed.
enum Landing { kBeforeLock, kLockTaken, kInsideTx, kInsideNt, kBetween, kAfterLast, kExited, kLandings };
constexpr const char* kLandingNames[] = {"before lock", "lock taken, none started", "inside transactional",
                                         "inside no-transaction", "between migrations", "after last migration",
                                         "finished before kill"};
// What the next `up` did.
enum Outcome { kUpOk, kDirtyRepaired, kViolation, kOutcomes };
constexpr const char* kOutcomeNames[] = {"next up ok", "dirty, repaired, up ok", "violation"};
constexpr const char* kCommands[] = {"up", "down", "redo"};

struct Tally {
  int points[3] = {};
  int landing[3][kLandings] = {};
  int outcome[3][kOutcomes] = {};
  int nt_inside_left_dirty = 0;
};

class CrashTest : public ::testing::TestWithParam<std::string> {
 protected:
  bool pg() const { return GetParam() == "postgres"; }

  // SQLite has no sleep: count through a recursive CTE (~2.5M rows/s here).
  std::string Slow(int ms) const {
    if (ms <= 0) return "";
    if (pg()) return "SELECT pg_sleep(" + std::to_string(ms / 1000.0) + ");\n";
    return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " + std::to_string(ms * 2500) +
           ") SELECT max(x) FROM c;\n";
  }

  // A new database and a new random set of migrations, all applied.
  void NewScenario() {
    pg_db_.reset();
    dir_ = std::make_unique<testing::TempDir>();
    if (pg()) {
      pg_db_ = std::make_unique<testing::ScopedPgDatabase>();
      ASSERT_TRUE(pg_db_->ok());
      url_ = pg_db_->url();
    } else {
      url_ = "sqlite:" + dir_->Path("app.db");
    }
    migs_.clear();
    int n = std::uniform_int_distribution<int>(3, 6)(rng_);
    for (int i = 1; i <= n; ++i) {
      Mig m;
      char v[16];
      std::snprintf(v, sizeof v, "%04d", i);
      m.version = v;
      m.name = "m" + std::to_string(i);
      m.nt = Chance(0.3);
      bool big = Chance(0.3);
      m.rows = big ? Uniform(1500, 3000) : Uniform(1, 40);
      m.payload = big ? 1000 : 20;  // big: 1.5 to 3 MB in one INSERT
      m.child_rows = Uniform(0, 30);
      m.ledger_rows = Uniform(1, 10);
      m.slow_up_ms = Chance(0.6) ? Uniform(30, 300) : 0;
      m.slow_down_ms = Chance(0.4) ? Uniform(30, 200) : 0;
      WriteMigration(m);
      migs_.push_back(m);
    }
    dir_->Write("strata.toml",
                "dir = \"migrations\"\ndefault_env = \"crash\"\n[env.crash]\nurl = \"" + url_ +
                    "\"\nlock_wait = \"60s\"\n"
                    "before_each = \"echo start $STRATA_DIRECTION $STRATA_VERSION >> trace\"\n"
                    "after_each = \"echo end $STRATA_DIRECTION $STRATA_VERSION >> trace\"\n");
    Sql("CREATE TABLE ledger (version TEXT NOT NULL, n INTEGER NOT NULL)");
    auto t0 = Clock::now();
    auto st = Strata({"status"});
    overhead_ms_ = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count());
    ASSERT_EQ(st.exit_code, 0) << st.err;
    auto up = Strata({"up"});
    ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
    // The time each migration took, to aim the kills.
    duration_ms_.clear();
    for (const auto& r : Sql("SELECT version, duration_ms FROM strata_migrations ORDER BY version")) {
      duration_ms_[r.substr(0, r.find('|'))] = std::atoi(r.substr(r.find('|') + 1).c_str());
    }
  }

  void WriteMigration(const Mig& m) const {
    std::string up = m.nt ? "-- strata:no-transaction\n" : "";
    up += "CREATE TABLE " + m.parent() + " (id INTEGER PRIMARY KEY, payload TEXT NOT NULL);\n";
    up += "INSERT INTO " + m.parent() + " (id, payload) VALUES ";
    for (int r = 1; r <= m.rows; ++r) {
      up += (r > 1 ? "," : "") + std::string("(") + std::to_string(r) + ",'" + std::string(m.payload, 'a' + r % 26) +
            "')";
    }
    up += ";\n" + Slow(m.slow_up_ms);
    up += "CREATE TABLE " + m.child() + " (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES " +
          m.parent() + " (id), note TEXT);\n";
    if (m.child_rows > 0) {
      up += "INSERT INTO " + m.child() + " (id, parent_id, note) VALUES ";
      for (int r = 1; r <= m.child_rows; ++r) {
        up += (r > 1 ? "," : "") + std::string("(") + std::to_string(r) + "," + std::to_string(1 + r % m.rows) +
              ",'child')";
      }
      up += ";\n";
    }
    up += "INSERT INTO ledger (version, n) VALUES ";
    for (int r = 1; r <= m.ledger_rows; ++r) {
      up += (r > 1 ? "," : "") + std::string("('") + m.version + "'," + std::to_string(r) + ")";
    }
    up += ";\nCREATE INDEX " + m.child() + "_parent ON " + m.child() + " (parent_id);\n";
    std::string down = m.nt ? "-- strata:no-transaction\n" : "";
    down += "DELETE FROM ledger WHERE version = '" + m.version + "';\n" + Slow(m.slow_down_ms);
    down += "DROP TABLE " + m.child() + ";\nDROP TABLE " + m.parent() + ";\n";
    dir_->Write("migrations/" + m.version + "_" + m.name + ".up.sql", up);
    dir_->Write("migrations/" + m.version + "_" + m.name + ".down.sql", down);
  }

  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }

  testing::CommandResult Strata(std::vector<std::string> args) const {
    testing::CommandOptions options;
    options.cwd = dir_->path();
    return testing::RunStrata(args, options);
  }
  std::vector<std::string> Sql(const std::string& sql) const { return testing::QueryRows(url_, sql); }

  std::map<std::string, std::string> Recorded() const {
    std::map<std::string, std::string> out;
    if (!Tables().count("strata_migrations")) return out;
    for (const auto& r : Sql("SELECT version, state FROM strata_migrations")) {
      out[r.substr(0, r.find('|'))] = r.substr(r.find('|') + 1);
    }
    return out;
  }

  std::map<std::string, int> Tables() const {
    std::map<std::string, int> out;
    auto rows = Sql(pg() ? "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                         : "SELECT name FROM sqlite_master WHERE type = 'table'");
    for (const auto& r : rows) out[r] = 1;
    return out;
  }

  // PostgreSQL: a killed client's backend runs on until its statement ends
  // and it reads EOF. Wait for it, so that what we read is final.
  void WaitForOrphanBackends() const {
    if (!pg()) return;
    auto deadline = Clock::now() + 60s;
    while (Clock::now() < deadline) {
      auto rows = Sql("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
                      "pid <> pg_backend_pid()");
      if (rows == std::vector<std::string>{"0"}) return;
      std::this_thread::sleep_for(20ms);
    }
    ADD_FAILURE() << "a killed run's backend is still there after 60 s";
  }

  // The checks after a kill; returns the violations (empty when all held).
  // `all_clean` additionally requires every migration applied.
  std::vector<std::string> Check(bool all_clean, std::string* dirty_version) const {
    std::vector<std::string> bad;
    auto rec = Recorded();
    auto tables = Tables();
    std::map<std::string, int> ledger;
    for (const auto& r : Sql("SELECT version, count(*) FROM ledger GROUP BY version")) {
      ledger[r.substr(0, r.find('|'))] = std::atoi(r.substr(r.find('|') + 1).c_str());
    }
    std::string counts_sql;
    for (const auto& [t, _] : tables) {
      if (t.rfind("m", 0) != 0) continue;
      counts_sql += (counts_sql.empty() ? "" : " UNION ALL ") + std::string("SELECT '") + t + "', count(*) FROM " + t;
    }
    std::map<std::string, int> counts;
    if (!counts_sql.empty()) {
      for (const auto& r : Sql(counts_sql)) counts[r.substr(0, r.find('|'))] = std::atoi(r.substr(r.find('|') + 1).c_str());
    }
    int dirty = 0, clean = 0;
    bool seen_gap = false;
    for (const auto& m : migs_) {
      std::string state = rec.count(m.version) ? rec[m.version] : "none";
      std::string what = m.version + "_" + m.name + (m.nt ? " (no-transaction)" : "") + " " + state + ": ";
      if (state != "clean" && state != "dirty" && state != "none") bad.push_back(what + "unknown state");
      if (state == "none") seen_gap = true;
      if (state != "none" && seen_gap) bad.push_back(what + "recorded after a migration that is not");
      if (state == "dirty") {
        ++dirty;
        if (dirty_version) *dirty_version = m.version;
        if (!m.nt) bad.push_back(what + "a transactional migration is dirty");
        if (state == "dirty") seen_gap = true;
        continue;  // a no-transaction migration cut off: its effects are whatever ran
      }
      if (all_clean && state != "clean") bad.push_back(what + "not applied after up");
      bool applied = state == "clean";
      if (applied) ++clean;
      auto expect = [&](bool ok, const std::string& msg) {
        if (!ok) bad.push_back(what + msg);
      };
      expect(tables.count(m.parent()) == (applied ? 1u : 0u), applied ? "table missing" : "table left behind");
      expect(tables.count(m.child()) == (applied ? 1u : 0u), applied ? "child table missing" : "child table left behind");
      expect(ledger[m.version] == (applied ? m.ledger_rows : 0),
             "ledger rows " + std::to_string(ledger[m.version]) + ", want " + std::to_string(applied ? m.ledger_rows : 0));
      if (applied) {
        expect(counts[m.parent()] == m.rows, "rows " + std::to_string(counts[m.parent()]) + ", want " + std::to_string(m.rows));
        expect(counts[m.child()] == m.child_rows,
               "child rows " + std::to_string(counts[m.child()]) + ", want " + std::to_string(m.child_rows));
      }
    }
    if (dirty > 1) bad.push_back(std::to_string(dirty) + " migrations dirty");
    if (rec.size() > migs_.size()) bad.push_back("tracking rows for versions that do not exist");
    // strata's own view agrees with the catalog.
    auto status = Strata({"status", "--json"});
    try {
      auto j = nlohmann::json::parse(status.out);
      if (j["summary"]["applied"].get<int>() != clean || j["summary"]["dirty"].get<int>() != dirty) {
        bad.push_back("status --json says applied " + j["summary"]["applied"].dump() + ", dirty " +
                      j["summary"]["dirty"].dump() + "; the tracking table " + std::to_string(clean) + ", " +
                      std::to_string(dirty));
      }
    } catch (const std::exception& e) {
      bad.push_back(std::string("status --json: ") + e.what() + ": " + status.out + status.err);
    }
    return bad;
  }

  // Where the kill of process `pid` running `total_steps` steps landed.
  Landing Classify(bool exited, pid_t pid, int total_steps) const {
    if (exited) return kExited;
    std::istringstream trace(dir_->Read("trace"));
    std::string line, last;
    int ends = 0;
    while (std::getline(trace, line)) {
      if (line.empty()) continue;
      last = line;
      if (line.rfind("end ", 0) == 0) ++ends;
    }
    if (last.empty()) {
      bool leased = false;
      if (Tables().count("strata_lock")) {
        for (const auto& r : Sql("SELECT pid FROM strata_lock")) leased = leased || r == std::to_string(pid);
      }
      return leased ? kLockTaken : kBeforeLock;
    }
    if (last.rfind("start ", 0) == 0) {
      std::string version = last.substr(last.rfind(' ') + 1);
      for (const auto& m : migs_)
        if (m.version == version) return m.nt ? kInsideNt : kInsideTx;
      return kInsideTx;
    }
    return ends >= total_steps ? kAfterLast : kBetween;
  }

  // Undo a dirty migration's partial effects, as an operator would, then
  // `repair --retry` it.
  bool RepairDirty(const std::string& version) const {
    for (const auto& m : migs_) {
      if (m.version != version) continue;
      Sql("DROP TABLE IF EXISTS " + m.child());
      Sql("DROP TABLE IF EXISTS " + m.parent());
      Sql("DELETE FROM ledger WHERE version = '" + version + "'");
    }
    auto r = Strata({"repair", "--retry", version});
    return r.exit_code == 0;
  }

  void RunPoints();

  std::mt19937_64 rng_;
  std::unique_ptr<testing::TempDir> dir_;
  std::unique_ptr<testing::ScopedPgDatabase> pg_db_;
  std::string url_;
  std::vector<Mig> migs_;
  std::map<std::string, int> duration_ms_;
  int overhead_ms_ = 0;
};

void CrashTest::RunPoints() {
  const int points = EnvInt("STRATA_CRASH_POINTS", 20);
  const uint64_t seed = std::getenv("STRATA_CRASH_SEED") && *std::getenv("STRATA_CRASH_SEED")
                            ? std::strtoull(std::getenv("STRATA_CRASH_SEED"), nullptr, 10)
                            : std::random_device{}();
  rng_.seed(seed + (pg() ? 1 : 0));
  std::printf("crash: engine %s, %d points, seed %llu (reproduce: tests/reliability/crash --engine %s --points %d "
              "--seed %llu)\n",
              GetParam().c_str(), points, static_cast<unsigned long long>(seed), GetParam().c_str(), points,
              static_cast<unsigned long long>(seed));
  std::fflush(stdout);
  Tally tally;
  int violations = 0;
  const int per_scenario = 10;
  auto started = Clock::now();
  bool fresh = true;
  for (int p = 0; p < points && violations < 5; ++p) {
    if (fresh || p % per_scenario == 0) {
      fresh = false;
      auto t0 = Clock::now();
      NewScenario();
      if (std::getenv("STRATA_CRASH_VERBOSE")) {
        std::printf("scenario: %zu migrations, %.1f s\n", migs_.size(), std::chrono::duration<double>(Clock::now() - t0).count());
      }
      if (::testing::Test::HasFatalFailure()) return;
    }
    auto t_point = Clock::now();
    const int n = static_cast<int>(migs_.size());
    const int cmd = Uniform(0, 2);
    std::vector<std::string> args{testing::StrataBin(), kCommands[cmd]};
    int steps = 1;
    int estimate = overhead_ms_;
    if (cmd == 0) {  // up: first roll back the last `steps` migrations
      steps = Uniform(1, n);
      auto down = Strata({"down", "--steps", std::to_string(steps)});
      ASSERT_EQ(down.exit_code, 0) << down.out << down.err;
    } else if (cmd == 1) {
      steps = Uniform(1, n);
      args.insert(args.end(), {"--steps", std::to_string(steps)});
    } else {
      steps = 2;  // down and up of the last migration
    }
    for (int i = 0; i < std::min(steps, n); ++i) {
      const Mig& m = migs_[n - 1 - i];
      estimate += cmd == 2 ? duration_ms_[m.version] * 2 + m.slow_down_ms : duration_ms_[m.version] + m.slow_down_ms;
    }
    int delay_ms = Uniform(0, estimate * 13 / 10 + 20);
    dir_->Write("trace", "");

    Child child(args, {.cwd = dir_->path(), .err_file = dir_->Path("killed.err")});
    pid_t pid = child.pid();
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    bool exited = !child.Kill();
    WaitForOrphanBackends();

    Landing landing = Classify(exited, pid, steps);
    ++tally.points[cmd];
    ++tally.landing[cmd][landing];
    std::string where = std::string(kCommands[cmd]) + " (" + std::to_string(steps) + " steps) killed after " +
                        std::to_string(delay_ms) + " ms (" + kLandingNames[landing] + "), point " +
                        std::to_string(p) + ", seed " + std::to_string(seed);
    auto t_kill = Clock::now();
    std::string dirty;
    auto bad = Check(false, &dirty);
    auto t_check = Clock::now();
    if (landing == kInsideNt && !dirty.empty()) ++tally.nt_inside_left_dirty;

    // The next `up` completes, or names the dirty migration.
    Outcome outcome = kUpOk;
    auto up = Strata({"up"});
    if (!dirty.empty()) {
      std::string name;
      for (const auto& m : migs_)
        if (m.version == dirty) name = m.version + "_" + m.name;
      if (up.exit_code != 6 || up.err.find(name + " is dirty") == std::string::npos) {
        bad.push_back("up after a dirty " + name + " exited " + std::to_string(up.exit_code) + ": " + up.err);
      } else if (!RepairDirty(dirty)) {
        bad.push_back("repair --retry " + dirty + " failed");
      } else {
        up = Strata({"up"});
        outcome = kDirtyRepaired;
      }
    }
    if (up.exit_code != 0) bad.push_back("up exited " + std::to_string(up.exit_code) + ": " + up.out + up.err);
    auto t_up = Clock::now();
    for (const auto& b : Check(true, nullptr)) bad.push_back("after up: " + b);
    if (std::getenv("STRATA_CRASH_VERBOSE")) {
      auto ms = [](auto d) { return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()); };
      std::printf("point %d: %s, delay %d ms, estimate %d; from start to kill %ld ms, check %ld, up %ld, check %ld\n", p,
                  where.c_str(), delay_ms, estimate, ms(t_kill - t_point), ms(t_check - t_kill), ms(t_up - t_check),
                  ms(Clock::now() - t_up));
    }
    if (!bad.empty()) {
      outcome = kViolation;
      ++violations;
      std::string all;
      for (const auto& b : bad) all += "\n  " + b;
      ADD_FAILURE() << where << ":" << all << "\nkilled run's stderr:\n" << dir_->Read("killed.err");
      fresh = true;  // the next point starts on a fresh database
    }
    ++tally.outcome[cmd][outcome];
  }
  double seconds = std::chrono::duration<double>(Clock::now() - started).count();

  std::printf("\ncrash summary: %s, seed %llu, %.0f s\n", GetParam().c_str(), static_cast<unsigned long long>(seed),
              seconds);
  std::printf("| command | points |");
  for (const char* l : kLandingNames) std::printf(" %s |", l);
  for (const char* o : kOutcomeNames) std::printf(" %s |", o);
  std::printf("\n|---|---|");
  for (int i = 0; i < int{kLandings} + int{kOutcomes}; ++i) std::printf("---|");
  std::printf("\n");
  for (int c = 0; c < 3; ++c) {
    std::printf("| %s | %d |", kCommands[c], tally.points[c]);
    for (int l = 0; l < kLandings; ++l) std::printf(" %d |", tally.landing[c][l]);
    for (int o = 0; o < kOutcomes; ++o) std::printf(" %d |", tally.outcome[c][o]);
    std::printf("\n");
  }
  int inside_nt = tally.landing[0][kInsideNt] + tally.landing[1][kInsideNt] + tally.landing[2][kInsideNt];
  std::printf("kills inside a no-transaction migration that left it dirty: %d of %d\n", tally.nt_inside_left_dirty,
              inside_nt);
  std::fflush(stdout);
}

TEST_P(CrashTest, SigkillAtRandomPointsLeavesNoHalfAppliedMigration) { RunPoints(); }

INSTANTIATE_TEST_SUITE_P(Engines, CrashTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace strata::reliability
