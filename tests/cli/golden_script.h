// The golden script format of tests/cli/testdata (described in README.md
// there): a parsed Script, variable expansion and output masking, rewriting a
// script with actual output, and running a program on a pseudo-terminal.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "testing/test_support.h"

namespace strata::testing::golden {

// A block of text introduced by "-- NAME --" or "-- NAME (ENGINE) --".
struct Block {
  std::string name;    // "stdout", "stderr", or a file path
  std::string engine;  // "" = every engine
  std::string text;    // lines joined with '\n', trailing blank lines dropped
};

struct Step {
  enum class Kind { kFile, kCommand } kind = Kind::kFile;
  Block file;                 // kFile
  int line = 0;               // line of the "$" or "--" in the script
  std::string comments;       // "# ..." lines just before it, kept for updates
  std::string command;        // kCommand: the text after "$ "
  int exit_code = 0;          // "[exit N]"; default 0
  std::vector<Block> expect;  // stdout / stderr blocks (maybe per engine)
};

struct Script {
  std::vector<std::string> engines = {"sqlite", "postgres"};
  std::vector<std::pair<std::string, std::string>> env;  // "env: K=V"
  std::vector<std::string> secrets;                      // "secret: S"
  std::vector<Step> steps;
  std::string header;   // everything before the first step, kept verbatim for updates
  std::string trailer;  // comments after the last step
};

// Parses `text`; on a malformed script sets *error to "line N: why".
Script ParseScript(const std::string& text, std::string* error);

// Splits a command line into words: blanks separate, '...' and "..." quote
// (\" and \\ are escapes inside double quotes).
std::vector<std::string> SplitWords(const std::string& s);

// Variables: (name, value) pairs; Expand wants the longest names first.
using Vars = std::vector<std::pair<std::string, std::string>>;
std::string ReplaceAll(std::string s, const std::string& from, const std::string& to);
std::string Expand(std::string s, const Vars& vars);
// Output made comparable across runs and engines: values of variables back to
// "$NAME", durations to "N ms", timestamps to TIMESTAMP, and so on.
std::string Mask(std::string s, const Vars& vars);
// Drops trailing newlines and trailing blanks on every line.
std::string TrimTrailingNewlines(std::string s);

// The expectation for `stream` on `engine`: an engine-specific block wins.
const Block* FindExpect(const Step& step, const std::string& stream, const std::string& engine);

// The script with the expectations for `engine` replaced by `actual` (whose
// steps carry exit_code and untagged stdout/stderr blocks).
std::string Regenerate(const Script& script, const std::vector<Step>& actual, const std::string& engine);

// Runs argv with stdin, stdout and stderr on a new pseudo-terminal (echo
// off), types `answer` and a newline, and returns everything the program
// wrote in `out`, "\r\n" as "\n" (one stream, as on a terminal).
CommandResult RunOnTerminal(const std::vector<std::string>& argv, const std::string& answer,
                            const CommandOptions& options);

}  // namespace strata::testing::golden
