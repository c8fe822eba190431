// Golden tests for the strata binary: each tests/cli/testdata/*.txt script
// writes files, runs `strata ...` and states the expected exit code, stdout
// and stderr. Every script is one test per engine (SQLite, PostgreSQL).
// The format is described in tests/cli/testdata/README.md.
//
// To rewrite the expectations from the actual output (then review the diff):
//   STRATA_GOLDEN_UPDATE=1 ./strata_cli_test --gtest_filter='*status_empty_sqlite*'
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "golden_script.h"
#include "testing/test_support.h"

namespace strata::testing {
namespace {

namespace fs = std::filesystem;
using namespace golden;  // NOLINT: the test is written in the script's terms

// ---------------------------------------------------------------------------
// Test cases

struct Case {
  std::string path;
  std::string name;    // file stem
  std::string engine;  // "sqlite" or "postgres"
};

std::string TestdataDir() {
  if (const char* dir = std::getenv("STRATA_CLI_TESTDATA"); dir && *dir) return dir;
#ifdef STRATA_CLI_TESTDATA
  if (fs::exists(STRATA_CLI_TESTDATA)) return STRATA_CLI_TESTDATA;
#endif
  return SourceDir() + "/tests/cli/testdata";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<Case> LoadCases() {
  std::vector<Case> cases;
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(TestdataDir(), ec)) {
    if (e.path().extension() == ".txt") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::string error;
    Script s = ParseScript(ReadFile(f.string()), &error);
    for (const auto& engine : s.engines) cases.push_back({f.string(), f.stem().string(), engine});
  }
  return cases;
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.name << " on " << c.engine; }

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  std::string n = info.param.name + "_" + info.param.engine;
  for (char& c : n) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return n;
}

// The expectation for `stream` on `engine`: an engine-specific block wins.
class GoldenTest : public ::testing::TestWithParam<Case> {};

TEST_P(GoldenTest, Run) {
  const Case& c = GetParam();
  std::string error;
  std::string source = ReadFile(c.path);
  Script script = ParseScript(source, &error);
  ASSERT_TRUE(error.empty()) << c.path << ": " << error;

  TempDir work;
  std::string work_path = fs::weakly_canonical(work.path()).string();
  std::optional<ScopedPgDatabase> pg;
  Vars vars = {{"WORK", work_path}, {"ENGINE", c.engine}};
  std::string url = "sqlite:" + work_path + "/test.db";
  if (c.engine == "postgres") {
    pg.emplace();
    ASSERT_TRUE(pg->ok());
    url = pg->url();
    std::smatch m;
    ASSERT_TRUE(std::regex_search(url, m, std::regex(R"(@([^:/]+):(\d+)/)"))) << url;
    vars.push_back({"PG_HOST", m[1]});
    vars.push_back({"PG_PORT", m[2]});
    vars.push_back({"PG_DB", pg->name()});
    vars.push_back({"PG_URL", url});
    // The server itself, for dev_url (diff, generate, drift, push, test).
    vars.push_back({"DEV_URL", *PgServerUrl()});
  }
  vars.push_back({"URL", url});
  // Longest names first so that $PG_URL is not read as $PG + "_URL".
  std::sort(vars.begin(), vars.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });

  CommandOptions options;
  options.cwd = work_path;
  for (const auto& [k, v] : script.env) options.env[k] = Expand(v, vars);

  bool update = std::getenv("STRATA_GOLDEN_UPDATE") != nullptr;
  std::vector<Step> actual = script.steps;
  std::string where = c.path;
  for (size_t i = 0; i < script.steps.size(); ++i) {
    const Step& step = script.steps[i];
    where = c.path + ":" + std::to_string(step.line);
    if (step.kind == Step::Kind::kFile) {
      if (step.file.engine.empty() || step.file.engine == c.engine) {
        std::string text = Expand(step.file.text, vars);
        work.Write(Expand(step.file.name, vars), text.empty() ? "" : text + "\n");
      }
      continue;
    }
    std::vector<std::string> words = SplitWords(Expand(step.command, vars));
    ASSERT_FALSE(words.empty()) << where << ": empty command";
    CommandResult r;
    if (words[0] == "strata") {
      r = RunStrata(std::vector<std::string>(words.begin() + 1, words.end()), options);
    } else if (words[0] == "tty" && words.size() >= 3 && words[2] == "strata") {
      // tty ANSWER strata ARGS...: strata on a terminal, ANSWER typed at the prompt.
      std::vector<std::string> argv = {StrataBin()};
      argv.insert(argv.end(), words.begin() + 3, words.end());
      r = RunOnTerminal(argv, words[1], options);
    } else if (words[0] == "rm" && words.size() == 2) {
      r.exit_code = fs::remove(fs::path(work_path) / words[1]) ? 0 : 1;
    } else if (words[0] == "cat" && words.size() == 2) {
      r.exit_code = 0;
      r.out = work.Read(words[1]);
    } else if (words[0] == "ls" && words.size() <= 2) {
      std::vector<std::string> names;
      for (const auto& e : fs::directory_iterator(fs::path(work_path) / (words.size() == 2 ? words[1] : ".")))
        names.push_back(e.path().filename().string() + (e.is_directory() ? "/" : ""));
      std::sort(names.begin(), names.end());
      r.exit_code = 0;
      for (const auto& n : names) r.out += n + "\n";
    } else if (words[0] == "sql" && words.size() >= 2) {
      std::string sql = Expand(step.command.substr(step.command.find("sql") + 3), vars);
      r.exit_code = 0;
      for (const auto& row : QueryRows(url, sql)) r.out += row + "\n";
    } else {
      FAIL() << where << ": unknown command '" << words[0] << "' (strata, tty, rm, cat, ls, sql)";
    }
    for (const auto& secret : script.secrets) {
      EXPECT_EQ(r.out.find(secret), std::string::npos) << where << ": secret leaked on stdout:\n" << r.out;
      EXPECT_EQ(r.err.find(secret), std::string::npos) << where << ": secret leaked on stderr:\n" << r.err;
    }
    std::string out = TrimTrailingNewlines(Mask(r.out, vars));
    std::string err = TrimTrailingNewlines(Mask(r.err, vars));
    actual[i].exit_code = r.exit_code;
    actual[i].expect = {{"stdout", "", out}, {"stderr", "", err}};
    if (update) continue;
    const Block* want_out = FindExpect(step, "stdout", c.engine);
    const Block* want_err = FindExpect(step, "stderr", c.engine);
    std::string expected_out = want_out ? TrimTrailingNewlines(want_out->text) : "";
    std::string expected_err = want_err ? TrimTrailingNewlines(want_err->text) : "";
    bool same = r.exit_code == step.exit_code && out == expected_out && err == expected_err;
    if (!same) {
      ADD_FAILURE() << where << ": $ " << step.command << "\n"
                    << "exit: want " << step.exit_code << ", got " << r.exit_code << "\n"
                    << "--- want stdout ---\n" << expected_out << "\n--- got stdout ---\n" << out << "\n"
                    << "--- want stderr ---\n" << expected_err << "\n--- got stderr ---\n" << err << "\n"
                    << "(STRATA_GOLDEN_UPDATE=1 rewrites the script with the actual output)";
      return;  // later steps would only fail in consequence
    }
  }
  if (update) {
    std::string regenerated = Regenerate(script, actual, c.engine);
    if (regenerated != source) {
      std::ofstream(c.path, std::ios::binary) << regenerated;
      std::cerr << "updated " << c.path << "\n";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Golden, GoldenTest, ::testing::ValuesIn(LoadCases()), CaseName);

// ---------------------------------------------------------------------------
// The progress line (issue 16): on a terminal, a statement that runs longer
// than a second shows its number and the time it has run, redrawn in place,
// and the line is cleared before the step's result is printed.

// Runs `up` on a terminal and returns every "statement N of M, T s" drawn.
struct Draw {
  int statement;
  double seconds;
};
std::vector<Draw> ProgressDraws(const std::string& out) {
  std::vector<Draw> draws;
  const std::regex draw(R"(\r\x1b\[K  up    0001_slow +statement ([0-9]+) of 3, ([0-9.]+) s)");
  for (auto it = std::sregex_iterator(out.begin(), out.end(), draw); it != std::sregex_iterator(); ++it) {
    draws.push_back({std::stoi((*it)[1]), std::stod((*it)[2])});
  }
  return draws;
}

void ExpectResultLineStandsAlone(const std::string& out) {
  // The status line is cleared before the result line is printed.
  EXPECT_TRUE(std::regex_search(out, std::regex(R"(\r\x1b\[K  up    0001_slow +[0-9.,]+ (ms|s)\n)"))) << out;
  EXPECT_NE(out.find("Applied 1 migration"), std::string::npos) << out;
}

TEST(ProgressTest, SqliteLongStatementShowsItsNumberAndElapsedTimeOnATerminal) {
  TempDir work;
  // Statement 2 counts to 12 million: a second or more of CPU.
  work.Write("migrations/0001_slow.up.sql",
             "CREATE TABLE t (n integer);\n"
             "INSERT INTO t WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 12000000) "
             "SELECT count(*) FROM c;\n"
             "INSERT INTO t VALUES (2);\n");
  CommandOptions options;
  options.cwd = fs::weakly_canonical(work.path()).string();
  CommandResult r = RunOnTerminal({StrataBin(), "--url", "sqlite:test.db", "up"}, "", options);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::vector<Draw> draws = ProgressDraws(r.out);
  if (draws.empty()) GTEST_SKIP() << "the statement ran in under a second here, so no progress line was due:\n" << r.out;
  // The running statement's number is the right one while statement 2 runs,
  // though statement 1 finished within the first 100 ms (between events):
  // never decreasing, and 2 (or 3) by the last draw.
  for (size_t i = 1; i < draws.size(); ++i) EXPECT_GE(draws[i].statement, draws[i - 1].statement) << r.out;
  EXPECT_GE(draws.back().statement, 2) << r.out;
  EXPECT_GE(draws.front().seconds, 1.0) << r.out;  // shown once the statement has run a second
  ExpectResultLineStandsAlone(r.out);
}

TEST(ProgressTest, PostgresLongStatementShowsElapsedTimeOnATerminal) {
  ScopedPgDatabase pg;
  ASSERT_TRUE(pg.ok());
  TempDir work;
  work.Write("migrations/0001_slow.up.sql", "SELECT 1;\nSELECT pg_sleep(2.5);\nSELECT 2;\n");
  CommandOptions options;
  options.cwd = fs::weakly_canonical(work.path()).string();
  CommandResult r = RunOnTerminal({StrataBin(), "--url", pg.url(), "up"}, "", options);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::vector<Draw> draws = ProgressDraws(r.out);
  ASSERT_GE(draws.size(), 2u) << r.out;
  EXPECT_GE(draws.front().seconds, 1.0) << r.out;
  // Redrawn while the statement runs, the time going up. (The number is the
  // last one the server reported: PostgreSQL sends a multi-statement script's
  // results when its output buffer fills or the script ends, so a short
  // statement before a long one may still show as running.)
  EXPECT_GT(draws.back().seconds, draws.front().seconds + 0.5) << r.out;
  // The statement the line names never goes back (a draw just after the
  // sleep may already name statement 3).
  for (size_t i = 1; i < draws.size(); ++i) EXPECT_GE(draws[i].statement, draws[i - 1].statement) << r.out;
  ExpectResultLineStandsAlone(r.out);
}

// ---------------------------------------------------------------------------
// The runner's own pieces.

TEST(GoldenRunnerTest, MasksDurationsTimestampsAndVariables) {
  Vars vars = {{"WORK", "/tmp/strata-test-abc"}, {"URL", "sqlite:/tmp/strata-test-abc/test.db"}};
  EXPECT_EQ(Mask("  up    0001_a   12 ms\n", vars), "  up    0001_a   N ms\n");
  EXPECT_EQ(Mask("took 1.5 s and 2m 05s", vars), "took N ms and N ms");
  EXPECT_EQ(Mask("at 2026-11-22T09:30:00Z.", vars), "at TIMESTAMP.");
  EXPECT_EQ(Mask("url sqlite:/tmp/strata-test-abc/test.db dir /tmp/strata-test-abc/m", vars), "url $URL dir $WORK/m");
  EXPECT_EQ(Mask(R"re("duration_ms": 12, "total_ms": 7, "applied_by": "root@box")re", vars),
            R"re("duration_ms": N, "total_ms": N, "applied_by": "USER")re");
  EXPECT_EQ(Mask("20261122093000_create_users", vars), "YYYYMMDDHHMMSS_create_users");
}

TEST(GoldenRunnerTest, ParsesScripts) {
  std::string error;
  Script s = ParseScript(
      "# comment\nengines: sqlite\nenv: A=$URL\n\n-- m/1.sql --\nSELECT 1;\n\n$ strata up\n[exit 6]\n"
      "-- stdout --\nline\n#not a comment\n\n-- stderr (postgres) --\npg\n-- stderr --\nany\n\n# comment\n",
      &error);
  ASSERT_EQ(error, "");
  EXPECT_EQ(s.engines, std::vector<std::string>{"sqlite"});
  ASSERT_EQ(s.steps.size(), 2u);
  EXPECT_EQ(s.steps[0].file.name, "m/1.sql");
  EXPECT_EQ(s.steps[0].file.text, "SELECT 1;");
  EXPECT_EQ(s.steps[1].exit_code, 6);
  EXPECT_EQ(FindExpect(s.steps[1], "stdout", "sqlite")->text, "line\n#not a comment");
  EXPECT_EQ(FindExpect(s.steps[1], "stderr", "postgres")->text, "pg");
  EXPECT_EQ(FindExpect(s.steps[1], "stderr", "sqlite")->text, "any");
  EXPECT_EQ(s.trailer, "# comment\n");
  EXPECT_EQ(SplitWords(R"(strata new "add email" 'a b'c)"), (std::vector<std::string>{"strata", "new", "add email", "a bc"}));
  ParseScript("$ strata up\nstray\n", &error);
  EXPECT_NE(error, "");
}

}  // namespace
}  // namespace strata::testing

