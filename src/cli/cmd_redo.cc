// strata redo: roll back the newest migration and apply it again (Migrator::Redo).
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/json.h"

namespace strata::cli {

namespace {
struct RedoArgs {
  bool yes = false;
};

Outcome RunRedo(const RedoArgs& args, Context& ctx) {
  RedoOptions options;
  auto migrator = ctx.OpenMigrator();
  if (!migrator.ok()) return migrator.status();
  options.yes = ctx.Confirm(**migrator, args.yes);
  Result<ApplyReport> report = [&] {
    InterruptScope interrupt(**migrator);  // Ctrl-C cancels the run cleanly
    return (*migrator)->Redo(options);
  }();
  if (!report.ok()) return report.status();
  if (!ctx.json() && report->backup) ctx.Print(BackupLine(*report->backup));  // backup = true
  if (ctx.json()) {
    ctx.PrintJson(ToJson(*report));
  } else if (report->steps.empty()) {
    ctx.Print("Nothing to redo: no migration is applied.\n");
  } else {
    const StepResult& last = report->steps.back();
    std::string label = last.name.empty() ? last.version : last.version + "_" + last.name;
    ctx.Print(fmt::format("Redid {} in {} (batch {}).\n", label, FormatDuration(report->total_ms), report->batch));
  }
  return {};
}
}  // namespace

Command AddRedo(CLI::App& root) {
  auto args = std::make_shared<RedoArgs>();
  CLI::App* sub = root.add_subcommand("redo", "Roll back the newest migration and apply it again");
  sub->footer(
      "Runs the stored down SQL of the newest applied migration, then its current up\n"
      "file: handy while writing a migration. In a protected environment it asks for the\n"
      "environment's name on a terminal, or needs --yes.");
  sub->add_flag("-y,--yes", args->yes, "Confirm in a protected environment");
  return {sub, [args](Context& ctx) { return RunRedo(*args, ctx); }};
}

}  // namespace strata::cli
