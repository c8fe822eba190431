// strata status: every migration and its state (Migrator::GetStatus).
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/fleet.h"
#include "cli/json.h"

namespace strata::cli {

namespace {
struct StatusArgs {
  bool exit_code = false;
  FleetFlags fleet;
};

Color StateColor(MigrationState state) {
  switch (state) {
    case MigrationState::kApplied: return Color::kGreen;
    case MigrationState::kPending: return Color::kYellow;
    default: return Color::kRed;
  }
}

std::string RenderTable(const StatusReport& report, const Style& style) {
  Table table({"VERSION", "NAME", "STATE", "BATCH", "APPLIED_AT", "DURATION"});
  for (const auto& m : report.migrations) {
    std::string state(ToString(m.state));
    if (m.out_of_order) state += " (out of order)";
    if (m.reapply) state += " (changed)";
    if (m.empty) state += " (empty)";
    table.AddRow({{m.version},
                  {m.name},
                  {state, StateColor(m.state)},
                  {m.batch ? std::to_string(*m.batch) : ""},
                  {m.applied_at.value_or("")},
                  {m.duration_ms ? FormatDuration(*m.duration_ms) : ""}});
  }
  return table.Render(style);
}

// "3 applied, 2 pending" and, only when non-zero, the problem states.
std::string Summary(const StatusSummary& s) {
  std::string out = fmt::format("{} applied, {} pending", s.applied, s.pending);
  if (s.modified > 0) out += fmt::format(", {} modified", s.modified);
  if (s.missing > 0) out += fmt::format(", {} missing", s.missing);
  if (s.dirty > 0) out += fmt::format(", {} dirty", s.dirty);
  return out;
}

Outcome RunStatus(const StatusArgs& args, Context& ctx) {
  if (Status s = CheckFleetFlags(args.fleet); !s.ok()) return s;
  if (args.fleet.active()) {
    FleetOptions fleet;
    fleet.command = FleetCommand::kStatus;
    return RunFleet(ctx, args.fleet, std::move(fleet), args.exit_code);
  }
  auto migrator = ctx.OpenMigrator();
  if (!migrator.ok()) return migrator.status();
  auto report = (*migrator)->GetStatus();
  if (!report.ok()) return report.status();
  if (ctx.json()) {
    ctx.PrintJson(ToJson(*report));
  } else {
    std::string out = report->migrations.empty()
                          ? fmt::format("No migrations found in {}.\n", (*migrator)->directory())
                          : RenderTable(*report, ctx.style()) + Summary(report->summary) + "\n";
    // Empty up files (`strata new`, not written yet) are in the table as
    // pending (empty); the other problems are files that did not load.
    std::vector<ValidationIssue> empty, not_loaded;
    for (const auto& p : report->problems) (p.kind == "empty" ? empty : not_loaded).push_back(p);
    if (!empty.empty()) {
      out += fmt::format("\n{} no SQL yet (`up` refuses until {} written or deleted):\n",
                         empty.size() == 1 ? "1 migration has" : std::to_string(empty.size()) + " migrations have",
                         empty.size() == 1 ? "it is" : "they are");
      out += RenderIssues(empty, ctx.style());
    }
    if (!not_loaded.empty()) {
      out += fmt::format("\n{} not loaded (`up` refuses until fixed):\n",
                         Plural(not_loaded.size(), "migration file"));
      out += RenderIssues(not_loaded, ctx.style());
    }
    if (!report->lock_holder.empty()) out += fmt::format("\nMigration lock held by {}.\n", report->lock_holder);
    if (!report->pooler.empty()) out += fmt::format("\nConnection: {}.\n", report->pooler);
    ctx.Print(out);
  }
  if (!args.exit_code) return {};
  const StatusSummary& s = report->summary;
  if (s.modified + s.missing + s.dirty > 0 || !report->problems.empty()) {
    return Outcome::Exit(ExitCode(Status::Code::kValidation));
  }
  if (s.pending > 0) return Outcome::Exit(kExitPending);
  return {};
}
}  // namespace

Command AddStatus(CLI::App& root) {
  auto args = std::make_shared<StatusArgs>();
  CLI::App* sub = root.add_subcommand("status", "Show every migration: applied, pending, modified, missing, dirty");
  sub->footer(
      "Lists each migration with its state, batch, when it was applied and how long it\n"
      "took, then a summary. 'out of order' marks a pending migration older than the\n"
      "newest applied one; 'changed' a repeatable migration (Flyway R__ file) whose\n"
      "file changed since it was applied, which `up` applies again. Never changes the\n"
      "database. With --targets FILE or --fleet NAME: one summary line per database\n"
      "(docs/commands.md#fleets).");
  sub->add_flag("--exit-code", args->exit_code,
                "Exit 3 when migrations are pending, 6 when any is modified, missing or dirty");
  AddFleetFlags(sub, args->fleet);
  return {sub, [args](Context& ctx) { return RunStatus(*args, ctx); }};
}

}  // namespace strata::cli
