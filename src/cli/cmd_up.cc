// strata up: apply pending migrations (Migrator::Up).
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/fleet.h"
#include "cli/interrupt.h"
#include "cli/json.h"

namespace strata::cli {

namespace {
struct UpArgs {
  std::string to;
  bool dry_run = false;
  bool single_transaction = false;
  bool out_of_order = false;
  std::vector<std::string> allow;
  FleetFlags fleet;
};

// Lint findings that did not block (lint = "warning", or warnings under
// "error"), on stderr after the run, with the rule's severity as `strata
// lint` prints it and what let an error through:
//   error (not blocking: lint = "warning" in env pg): FILE:LINE:COL: RULE: message
void PrintLintFindings(const ApplyReport& report, Context& ctx, const std::string& env) {
  if (ctx.global().quiet) return;
  for (const auto& f : report.lint) {
    std::string severity(ToString(f.severity));
    if (f.severity == LintSeverity::kError) {
      severity += fmt::format(" (not blocking: lint = \"{}\"{})", report.lint_policy,
                              env.empty() ? "" : " in env " + env);
    }
    WriteErr(fmt::format("{}: {}:{}:{}: {}: {}\n", severity, f.file, f.line, f.column, f.rule, f.message));
  }
}

// "Nothing to apply: 5 migrations, all applied."
std::string NothingToApply(const ApplyReport& report, const UpArgs& args) {
  if (report.pending > 0 && !args.to.empty()) {
    return fmt::format("Nothing to apply up to {} ({} pending after it).\n", args.to, report.pending);
  }
  return fmt::format("Nothing to apply: {}, all applied.\n", Plural(report.migrations, "migration"));
}

std::string DryRunSummary(const ApplyReport& report) {
  int64_t executed = 0;
  for (const auto& s : report.steps) executed += s.executed ? 1 : 0;
  int64_t skipped = static_cast<int64_t>(report.steps.size()) - executed;
  std::string out = fmt::format("Dry run: {} executed and rolled back in {}", Plural(executed, "migration"),
                                FormatDuration(report.total_ms));
  if (skipped > 0) out += fmt::format(", {} not executed (no-transaction)", skipped);
  return out + "; nothing was changed.\n";
}

Outcome RunUp(const UpArgs& args, Context& ctx) {
  UpOptions options;
  if (!args.to.empty()) options.to = args.to;
  options.dry_run = args.dry_run;
  options.single_transaction = args.single_transaction;
  options.out_of_order = args.out_of_order;
  options.allow = args.allow;
  if (Status s = CheckFleetFlags(args.fleet); !s.ok()) return s;
  if (args.fleet.active()) {
    FleetOptions fleet;
    fleet.command = FleetCommand::kUp;
    fleet.up = options;
    return RunFleet(ctx, args.fleet, std::move(fleet));
  }
  auto migrator = ctx.OpenMigrator();
  if (!migrator.ok()) return migrator.status();
  Result<ApplyReport> report = [&] {
    InterruptScope interrupt(**migrator);  // Ctrl-C cancels the run cleanly
    return (*migrator)->Up(options);
  }();
  if (!report.ok()) return report.status();
  if (!ctx.json() && report->backup) ctx.Print(BackupLine(*report->backup));  // backup = true
  if (!ctx.json()) PrintLintFindings(*report, ctx, (*migrator)->environment());
  if (ctx.json()) {
    ctx.PrintJson(ToJson(*report));
  } else if (report->steps.empty()) {
    if (!ctx.global().quiet) ctx.Print(NothingToApply(*report, args));
  } else if (report->dry_run) {
    ctx.Print(DryRunSummary(*report));
  } else {
    ctx.Print(fmt::format("Applied {} in {} (batch {}).\n", Plural(report->steps.size(), "migration"),
                          FormatDuration(report->total_ms), report->batch));
  }
  return {};
}
}  // namespace

Command AddUp(CLI::App& root) {
  auto args = std::make_shared<UpArgs>();
  CLI::App* sub = root.add_subcommand("up", "Apply pending migrations in version order");
  sub->footer(
      "Applies every pending migration, each in its own transaction (unless marked\n"
      "-- strata:no-transaction), and records them as one batch. Refuses before running\n"
      "anything when an applied migration was modified, is missing or dirty (exit 6).\n"
      "A failing migration is rolled back; the ones before it stay applied. Ctrl-C\n"
      "cancels the running statement and rolls its migration back (exit 130). With\n"
      "backup = true, a verified backup is taken first (none when nothing is pending).\n"
      "Hooks (before_up, before_each, after_each, after_up, on_failure) and alerts\n"
      "([notify]) configured in strata.toml run around it; see docs/operations.md.\n"
      "Fleets: --targets FILE or --fleet NAME applies to every listed database, --parallel\n"
      "at a time, each with its own lock and backup; a summary (ok / failed / skipped)\n"
      "follows. Exit 0 when all are current; see docs/commands.md#fleets.");
  sub->add_option("--to", args->to, "Apply up to and including this version")->type_name("VERSION");
  sub->add_flag("--dry-run", args->dry_run, "Run the migrations in a transaction and roll it back: changes nothing");
  sub->add_flag("--single-transaction", args->single_transaction,
                "Apply all pending migrations in one transaction: all or nothing");
  sub->add_flag("--out-of-order", args->out_of_order,
                "Also apply pending migrations older than the newest applied one");
  sub->add_option("--allow", args->allow, "Lint rule that may not block this run (repeatable); see docs/lint/")
      ->type_name("RULE");
  AddFleetFlags(sub, args->fleet);
  return {sub, [args](Context& ctx) { return RunUp(*args, ctx); }};
}

}  // namespace strata::cli
