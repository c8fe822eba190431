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

#include "testing/test_support.h"

namespace strata::testing {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------
// Script model and parser

// A block of text introduced by "-- NAME --" or "-- NAME (ENGINE) --".
struct Block {
  std::string name;    // "stdout", "stderr", or a file path
  std::string engine;  // "" = every engine
  std::string text;    // lines joined with '\n', trailing blank lines dropped
};

struct Step {
  enum class Kind { kFile, kCommand } kind = Kind::kFile;
  Block file;                    // kFile
  int line = 0;                  // line of the "$" or "--" in the script
  std::string comments;          // "# ..." lines just before it, kept for updates
  std::string command;           // kCommand: the text after "$ "
  int exit_code = 0;             // "[exit N]"; default 0
  std::vector<Block> expect;     // stdout / stderr blocks (maybe per engine)
};

struct Script {
  std::vector<std::string> engines = {"sqlite", "postgres"};
  std::vector<std::pair<std::string, std::string>> env;  // "env: K=V"
  std::vector<std::string> secrets;                      // "secret: S"
  std::vector<Step> steps;
  std::string header;    // everything before the first step, kept verbatim for updates
  std::string trailer;   // comments after the last step
};

bool IsBlockMarker(const std::string& line) {
  return line.size() >= 6 && line.rfind("-- ", 0) == 0 && line.compare(line.size() - 3, 3, " --") == 0;
}
bool IsExitLine(const std::string& line) { return std::regex_match(line, std::regex(R"(\[exit \d+\])")); }

// "-- NAME (ENGINE) --" -> name, engine.
Block ParseMarker(const std::string& line) {
  Block b;
  std::string inner = line.substr(3, line.size() - 6);
  std::smatch m;
  if (std::regex_match(inner, m, std::regex(R"((.*\S)\s+\((sqlite|postgres)\))"))) {
    b.name = m[1];
    b.engine = m[2];
  } else {
    b.name = inner;
  }
  return b;
}

std::vector<std::string> SplitWords(const std::string& s);  // below

// Parses `text`; on a malformed script returns the reason in *error.
Script ParseScript(const std::string& text, std::string* error) {
  Script script;
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  size_t i = 0;
  bool in_header = true;
  std::string comments;  // waiting for the next step
  auto fail = [&](size_t at, const std::string& why) {
    if (error->empty()) *error = "line " + std::to_string(at + 1) + ": " + why;
  };
  while (i < lines.size() && error->empty()) {
    const std::string& line = lines[i];
    if (IsBlockMarker(line)) {
      in_header = false;
      Block block = ParseMarker(line);
      size_t start = i++;
      std::vector<std::string> body;
      while (i < lines.size() && !IsBlockMarker(lines[i]) && lines[i].rfind("$ ", 0) != 0 && !IsExitLine(lines[i])) {
        body.push_back(lines[i++]);
      }
      while (!body.empty() && body.back().empty()) body.pop_back();
      for (size_t k = 0; k < body.size(); ++k) block.text += (k ? "\n" : "") + body[k];
      if (block.name == "stdout" || block.name == "stderr") {
        if (script.steps.empty() || script.steps.back().kind != Step::Kind::kCommand) {
          fail(start, "-- " + block.name + " -- must follow a $ command");
        } else {
          script.steps.back().expect.push_back(block);
        }
      } else {
        Step step;
        step.kind = Step::Kind::kFile;
        step.file = block;
        step.line = static_cast<int>(start + 1);
        step.comments = std::exchange(comments, "");
        script.steps.push_back(step);
      }
      continue;
    }
    if (line.rfind("$ ", 0) == 0) {
      in_header = false;
      Step step;
      step.kind = Step::Kind::kCommand;
      step.command = line.substr(2);
      step.line = static_cast<int>(i + 1);
      step.comments = std::exchange(comments, "");
      script.steps.push_back(step);
      ++i;
      continue;
    }
    if (IsExitLine(line)) {
      if (script.steps.empty() || script.steps.back().kind != Step::Kind::kCommand) {
        fail(i, "[exit N] must follow a $ command");
      } else {
        script.steps.back().exit_code = std::stoi(line.substr(6));
      }
      ++i;
      continue;
    }
    if (in_header) {
      // Comments right before the first step belong to it; the rest is header.
      if (line.empty() || line[0] != '#') {
        script.header += std::exchange(comments, "") + line + "\n";
      } else {
        comments += line + "\n";
      }
      std::smatch m;
      if (std::regex_match(line, m, std::regex(R"(engines:\s*(.*))"))) {
        script.engines = SplitWords(m[1]);
      } else if (std::regex_match(line, m, std::regex(R"(env:\s*([A-Za-z_][A-Za-z0-9_]*)=(.*))"))) {
        script.env.emplace_back(m[1], m[2]);
      } else if (std::regex_match(line, m, std::regex(R"(secret:\s*(.*\S))"))) {
        script.secrets.push_back(m[1]);
      } else if (!line.empty() && line[0] != '#') {
        fail(i, "unknown header line: " + line);
      }
      ++i;
      continue;
    }
    if (!line.empty() && line[0] != '#') fail(i, "unexpected line (not a comment, $ command or -- block --): " + line);
    if (!line.empty()) comments += line + "\n";
    ++i;
  }
  script.trailer = comments;
  return script;
}

// Splits a command line into words: whitespace separates, '...' and "..."
// quote (no escapes inside single quotes; \" and \\ inside double quotes).
std::vector<std::string> SplitWords(const std::string& s) {
  std::vector<std::string> words;
  std::string cur;
  bool have = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == ' ' || c == '\t') {
      if (have) words.push_back(cur);
      cur.clear();
      have = false;
    } else if (c == '\'') {
      size_t end = s.find('\'', i + 1);
      cur += s.substr(i + 1, end - i - 1);
      i = end == std::string::npos ? s.size() : end;
      have = true;
    } else if (c == '"') {
      for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        cur += s[i];
      }
      have = true;
    } else {
      cur += c;
      have = true;
    }
  }
  if (have) words.push_back(cur);
  return words;
}

// ---------------------------------------------------------------------------
// Variables and masking

using Vars = std::vector<std::pair<std::string, std::string>>;  // longest name first

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  if (from.empty()) return s;
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
  return s;
}

std::string Expand(std::string s, const Vars& vars) {
  for (const auto& [name, value] : vars) s = ReplaceAll(s, "$" + name, value);
  return s;
}

// Makes output comparable across runs and engines: variable values back to
// their names, durations to "N ms", timestamps to TIMESTAMP.
std::string Mask(std::string s, const Vars& vars) {
  // Longest values first, so $URL (which contains $WORK) wins.
  // On equal values ($URL and $PG_URL) $URL wins: scripts for both engines use it.
  Vars by_value = vars;
  std::sort(by_value.begin(), by_value.end(), [](const auto& a, const auto& b) {
    if (a.second.size() != b.second.size()) return a.second.size() > b.second.size();
    return (a.first == "URL") > (b.first == "URL");
  });
  for (const auto& [name, value] : by_value) {
    if (value.size() >= 4 && name != "ENGINE") s = ReplaceAll(s, value, "$" + name);
  }
  static const std::vector<std::pair<std::regex, std::string>> rules = {
      {std::regex(R"(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d(:?\d\d)?)?)"), "TIMESTAMP"},
      {std::regex(R"(\b20\d{12}(?![0-9]))"), "YYYYMMDDHHMMSS"},
      {std::regex(R"(\b\d+ ms\b)"), "N ms"},
      {std::regex(R"(\b\d+\.\d s\b)"), "N ms"},
      {std::regex(R"(\b\d+m \d\ds\b)"), "N ms"},
      {std::regex(R"re("(duration_ms|total_ms)": \d+)re"), "\"$1\": N"},
      {std::regex(R"re("applied_by": "[^"]*")re"), "\"applied_by\": \"USER\""},
  };
  for (const auto& [re, to] : rules) s = std::regex_replace(s, re, to);
  return s;
}

std::string TrimTrailingNewlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  // Trailing blanks on each line are invisible in a script: ignore them.
  return std::regex_replace(s, std::regex(R"([ \t]+\n)"), "\n");
}

// ---------------------------------------------------------------------------
// Test cases

struct Case {
  std::string path;
  std::string name;    // file stem
  std::string engine;  // "sqlite" or "postgres"
};

std::string TestdataDir() {
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
const Block* FindExpect(const Step& step, const std::string& stream, const std::string& engine) {
  const Block* any = nullptr;
  for (const auto& b : step.expect) {
    if (b.name != stream) continue;
    if (b.engine == engine) return &b;
    if (b.engine.empty()) any = &b;
  }
  return any;
}

// Rewrites the script with the actual outputs (STRATA_GOLDEN_UPDATE=1).
std::string Regenerate(const Script& script, const std::vector<Step>& actual, const std::string& engine) {
  std::string out = script.header;
  auto block = [](const Block& b) {
    std::string head = "-- " + b.name + (b.engine.empty() ? "" : " (" + b.engine + ")") + " --\n";
    return head + b.text + (b.text.empty() ? "" : "\n");
  };
  auto separate = [&out] {
    if (!out.empty() && (out.size() < 2 || out.substr(out.size() - 2) != "\n\n")) out += "\n";
  };
  for (size_t i = 0; i < script.steps.size(); ++i) {
    const Step& s = script.steps[i];
    // Files written one after another stay together.
    bool follows_file = i > 0 && s.kind == Step::Kind::kFile && script.steps[i - 1].kind == Step::Kind::kFile;
    if (!follows_file || !s.comments.empty()) separate();
    out += s.comments;
    if (s.kind == Step::Kind::kFile) {
      out += block(s.file);
      continue;
    }
    out += "$ " + s.command + "\n";
    const Step& a = i < actual.size() ? actual[i] : s;
    if (a.exit_code != 0) out += "[exit " + std::to_string(a.exit_code) + "]\n";
    for (const char* stream : {"stdout", "stderr"}) {
      const Block* mine = FindExpect(s, stream, engine);
      bool tagged = mine != nullptr && !mine->engine.empty();
      for (const auto& b : s.expect) {  // other engines' blocks stay
        if (b.name == stream && !b.engine.empty() && b.engine != engine) out += block(b);
      }
      const Block* got = FindExpect(a, stream, "");
      if (got != nullptr && !got->text.empty()) out += block({stream, tagged ? engine : "", got->text});
    }
  }
  if (!script.trailer.empty()) {
    separate();
    out += script.trailer;
  }
  return out;
}

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
      FAIL() << where << ": unknown command '" << words[0] << "' (strata, rm, cat, ls, sql)";
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
      "-- stdout --\nline\n\n-- stderr (postgres) --\npg\n-- stderr --\nany\n",
      &error);
  ASSERT_EQ(error, "");
  EXPECT_EQ(s.engines, std::vector<std::string>{"sqlite"});
  ASSERT_EQ(s.steps.size(), 2u);
  EXPECT_EQ(s.steps[0].file.name, "m/1.sql");
  EXPECT_EQ(s.steps[0].file.text, "SELECT 1;");
  EXPECT_EQ(s.steps[1].exit_code, 6);
  EXPECT_EQ(FindExpect(s.steps[1], "stdout", "sqlite")->text, "line");
  EXPECT_EQ(FindExpect(s.steps[1], "stderr", "postgres")->text, "pg");
  EXPECT_EQ(FindExpect(s.steps[1], "stderr", "sqlite")->text, "any");
  EXPECT_EQ(SplitWords(R"(strata new "add email" 'a b'c)"), (std::vector<std::string>{"strata", "new", "add email", "a bc"}));
  ParseScript("$ strata up\nstray\n", &error);
  EXPECT_NE(error, "");
}

}  // namespace
}  // namespace strata::testing
