// strata reset: development only, drop everything and apply every migration
// again (Migrator::Reset).
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/json.h"

namespace strata::cli {

namespace {
struct ResetArgs {
  bool yes = false;
};

// On a terminal, asks before dropping everything (*declined: the answer was
// no); elsewhere only --yes confirms (the library refuses without it).
bool ConfirmReset(const Migrator& migrator, bool yes, bool* declined) {
  if (yes || migrator.is_protected() || !StdinIsTerminal()) return yes;
  std::string where = migrator.environment().empty() ? migrator.url()
                                                     : fmt::format("environment '{}' ({})", migrator.environment(), migrator.url());
  WriteErr(fmt::format("strata reset drops every table, view and other object in {} and applies every migration "
                       "again. Continue? [y/N] ",
                       where));
  std::string answer;
  bool ok = std::getline(std::cin, answer) && (answer == "y" || answer == "Y" || answer == "yes");
  *declined = !ok;
  return ok;
}

Outcome RunReset(const ResetArgs& args, Context& ctx) {
  auto migrator = ctx.OpenMigrator();
  if (!migrator.ok()) return migrator.status();
  ResetOptions options;
  bool declined = false;
  options.yes = ConfirmReset(**migrator, args.yes, &declined);
  if (declined) return Status::Protected("strata reset not confirmed: nothing was changed");
  Result<ResetReport> report = [&] {
    InterruptScope interrupt(**migrator);
    return (*migrator)->Reset(options);
  }();
  if (!report.ok()) return report.status();
  if (ctx.json()) {
    ctx.PrintJson(ToJson(*report));
    return {};
  }
  if (report->backup) ctx.Print(BackupLine(*report->backup));
  const ApplyReport& applied = report->applied;
  ctx.Print(fmt::format("Dropped everything and applied {} in {}.\n", Plural(applied.steps.size(), "migration"),
                        FormatDuration(applied.total_ms)));
  return {};
}
}  // namespace

Command AddReset(CLI::App& root) {
  auto args = std::make_shared<ResetArgs>();
  CLI::App* sub = root.add_subcommand("reset", "Development only: drop everything and apply every migration again");
  sub->footer(
      "Drops every table, view, index and trigger (SQLite), or every schema but public\n"
      "and every object in public (PostgreSQL), strata's tracking tables included, then\n"
      "applies every migration as `up` would. Refused outright in a protected\n"
      "environment. Asks on a terminal; elsewhere needs --yes. With backup = true, a\n"
      "verified backup is taken first.");
  sub->add_flag("-y,--yes", args->yes, "Do not ask");
  return {sub, [args](Context& ctx) { return RunReset(*args, ctx); }};
}

}  // namespace strata::cli
