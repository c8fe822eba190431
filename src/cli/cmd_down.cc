// strata down: roll back applied migrations (Migrator::Down).
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/json.h"

namespace strata::cli {

namespace {
struct DownArgs {
  CLI::Option* steps_option = nullptr;  // to tell "--steps 1" from the default
  int steps = 1;
  bool batch = false;
  std::string to;
  bool all = false;
  bool dry_run = false;
  bool yes = false;
};

// --steps, --batch, --to and --all pick the migrations in different ways;
// checked here rather than with CLI11's excludes(), which clutters the help.
Status CheckArgs(const DownArgs& args) {
  int given = (args.steps_option->count() > 0) + args.batch + !args.to.empty() + args.all;
  if (given > 1) return Status::InvalidArgument("use only one of --steps, --batch, --to and --all");
  if (args.steps < 1) return Status::InvalidArgument(fmt::format("--steps must be at least 1, not {}", args.steps));
  return Status::Ok();
}

Outcome RunDown(const DownArgs& args, Context& ctx) {
  if (Status s = CheckArgs(args); !s.ok()) return s.WithHint("run 'strata down --help' for usage");
  DownOptions options;
  options.steps = args.steps;
  options.batch = args.batch;
  if (!args.to.empty()) options.to = args.to;
  options.all = args.all;
  options.dry_run = args.dry_run;
  auto migrator = ctx.OpenMigrator();
  if (!migrator.ok()) return migrator.status();
  options.yes = ctx.Confirm(**migrator, args.yes);
  Result<ApplyReport> report = [&] {
    InterruptScope interrupt(**migrator);  // Ctrl-C cancels the run cleanly
    return (*migrator)->Down(options);
  }();
  if (!report.ok()) return report.status();
  if (!ctx.json() && report->backup) ctx.Print(BackupLine(*report->backup));  // backup = true
  if (ctx.json()) {
    ctx.PrintJson(ToJson(*report));
  } else if (report->steps.empty()) {
    ctx.Print("Nothing to roll back.\n");
  } else if (report->dry_run) {
    ctx.Print(fmt::format("Dry run: {} rolled back and restored in {}; nothing was changed.\n",
                          Plural(report->steps.size(), "migration"), FormatDuration(report->total_ms)));
  } else {
    ctx.Print(fmt::format("Rolled back {} in {}.\n", Plural(report->steps.size(), "migration"),
                          FormatDuration(report->total_ms)));
  }
  return {};
}
}  // namespace

Command AddDown(CLI::App& root) {
  auto args = std::make_shared<DownArgs>();
  CLI::App* sub = root.add_subcommand("down", "Roll back applied migrations (default: the newest one)");
  sub->footer(
      "Rolls back newest first, using the down SQL stored when each migration was\n"
      "applied, so it works even if the files moved. Fails without changing anything\n"
      "when a migration to roll back has no down SQL. In a protected environment it asks\n"
      "for the environment's name on a terminal, or needs --yes.");
  args->steps_option =
      sub->add_option("--steps", args->steps, "Roll back this many migrations (default 1)")->type_name("N");
  sub->add_flag("--batch", args->batch, "Roll back the whole last batch (the last up)");
  sub->add_option("--to", args->to, "Roll back every migration newer than VERSION (it stays applied)")
      ->type_name("VERSION");
  sub->add_flag("--all", args->all, "Roll back every applied migration");
  sub->add_flag("--dry-run", args->dry_run, "Run the rollback in a transaction and undo it: changes nothing");
  sub->add_flag("-y,--yes", args->yes, "Confirm the rollback in a protected environment");
  return {sub, [args](Context& ctx) { return RunDown(*args, ctx); }};
}

}  // namespace strata::cli
