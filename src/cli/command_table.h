// The command table as data, read back from the CLI11 app that main.cc
// builds: what `strata completion` and `strata manpage` generate their
// output from, so that completions and the man page always list exactly the
// commands and options `strata --help` shows.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace strata::cli {

struct OptionInfo {
  std::vector<std::string> names;  // "--env", "-q", "--quiet"; empty for a positional
  std::string positional;          // "TOOL", "VERSION"; "" for a named option
  std::string value;               // "NAME" when the option takes a value; "" for a flag
  std::string description;
};

struct CommandInfo {
  std::string name;         // "status"
  std::string description;  // one line
  std::string footer;       // the longer text of `strata CMD --help`, without the global-options note
  std::vector<OptionInfo> options;
};

// The options of `app` (help flags excluded).
std::vector<OptionInfo> OptionsOf(const CLI::App& app);
// Every visible command of `root`, in `strata --help` order.
std::vector<CommandInfo> CommandsOf(const CLI::App& root);

}  // namespace strata::cli
