// The command table. Each cmd_<name>.cc defines one Add<Name>() that
// registers its subcommand (options, help text) on the root CLI11 app and
// returns how to run it once argv has been parsed.
#pragma once

#include <functional>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/context.h"

namespace strata::cli {

struct Command {
  CLI::App* app = nullptr;               // the subcommand, owned by the root app
  std::function<Outcome(Context&)> run;  // runs it; called at most once
};

Command AddInit(CLI::App& root);
Command AddNew(CLI::App& root);
Command AddStatus(CLI::App& root);
Command AddUp(CLI::App& root);
Command AddDown(CLI::App& root);
Command AddRedo(CLI::App& root);
Command AddValidate(CLI::App& root);
Command AddLint(CLI::App& root);
Command AddPlan(CLI::App& root);
Command AddImpact(CLI::App& root);
Command AddBaseline(CLI::App& root);
Command AddImport(CLI::App& root);
Command AddRepair(CLI::App& root);
Command AddInspect(CLI::App& root);
Command AddDiff(CLI::App& root);
Command AddGenerate(CLI::App& root);
Command AddDrift(CLI::App& root);
Command AddPush(CLI::App& root);
Command AddTest(CLI::App& root);
Command AddVerify(CLI::App& root);
Command AddBackup(CLI::App& root);
Command AddBackups(CLI::App& root);
Command AddRestore(CLI::App& root);
Command AddReset(CLI::App& root);
Command AddHealth(CLI::App& root);
Command AddServe(CLI::App& root);
Command AddCompletion(CLI::App& root);  // hidden
Command AddManpage(CLI::App& root);    // hidden

// Every command, in the order `strata --help` lists them.
inline std::vector<Command> AddAllCommands(CLI::App& root) {
  // One per line: several commands are added at a time.
  return {
      AddInit(root),
      AddNew(root),
      AddStatus(root),
      AddUp(root),
      AddDown(root),
      AddRedo(root),
      AddValidate(root),
      AddLint(root),
      AddPlan(root),
      AddImpact(root),
      AddBaseline(root),
      AddImport(root),
      AddRepair(root),
      AddInspect(root),
      AddDiff(root),
      AddGenerate(root),
      AddDrift(root),
      AddPush(root),
      AddTest(root),
      AddVerify(root),
      AddBackup(root),
      AddBackups(root),
      AddRestore(root),
      AddReset(root),
      AddHealth(root),
      AddServe(root),
      AddCompletion(root),
      AddManpage(root),
  };
}


}  // namespace strata::cli
