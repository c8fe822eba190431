// strata drift: the live schema against the one the applied migrations
// produce (Migrator::Drift); exit 5 on drift.
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/fleet.h"
#include "cli/json.h"

namespace strata::cli {

namespace {
struct DriftArgs {
  DriftOptions options;
  FleetFlags fleet;
};

std::string Indent(const std::string& text) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out += "  " + text.substr(start, nl - start) + "\n";
    start = nl + 1;
  }
  return out;
}

Outcome RunDrift(const DriftArgs& args, Context& ctx) {
  if (Status s = CheckFleetFlags(args.fleet); !s.ok()) return s;
  if (args.fleet.active()) {
    FleetOptions fleet;
    fleet.command = FleetCommand::kDrift;
    fleet.drift = args.options;
    return RunFleet(ctx, args.fleet, std::move(fleet));
  }
  DropDevDatabasesOnSignal();
  auto migrator = ctx.OpenMigrator();
  if (!migrator.ok()) return migrator.status();
  auto report = (*migrator)->Drift(args.options);
  if (!report.ok()) return report.status();
  int code = report->drift ? ExitCode(Status::Code::kDrift) : kExitOk;
  if (ctx.json()) {
    ctx.PrintJson(ToJson(*report));
    return Outcome::Exit(code);
  }
  for (const auto& w : report->warnings) WriteErr("warning: " + w + "\n");
  for (const auto& item : report->not_compared) WriteErr("warning: not compared: " + item + "\n");
  if (!report->drift) {
    if (report->not_compared.empty()) {
      ctx.Print("No drift: the database matches the applied migrations.\n");
    } else {
      ctx.Print(fmt::format("No drift in what strata compares; {} not compared:\n",
                            Plural(report->not_compared.size(), "object")));
      for (const auto& item : report->not_compared) ctx.Print("  not compared: " + item + "\n");
    }
    return {};
  }
  std::string text = fmt::format("Drift: the database differs from the applied migrations ({}):\n",
                                 Plural(report->differences.size(), "difference"));
  for (const auto& d : report->differences) text += "  " + d.ToString() + "\n";
  for (const auto& item : report->not_compared) text += "  not compared: " + item + "\n";
  if (!report->sql.empty()) text += "\nSQL that would bring the database back to the migrations:\n" + Indent(report->sql);
  ctx.Print(text);
  return Outcome::Exit(code);
}
}  // namespace

Command AddDrift(CLI::App& root) {
  auto args = std::make_shared<DriftArgs>();
  CLI::App* sub = root.add_subcommand("drift", "Compare the live schema with the applied migrations (exit 5 on drift)");
  sub->footer(
      "Replays the migrations recorded as applied in a throwaway dev database and\n"
      "compares its schema with the live one, object by object (tables and their\n"
      "columns and constraints, indexes, views, triggers, ...). Lists each difference\n"
      "and the SQL that would undo it, and exits 5 when there is any. strata's own\n"
      "tables are never compared. Never changes the database. PostgreSQL objects\n"
      "strata does not model are listed as \"not compared\" (docs/schema.md).\n"
      "Dev databases: SQLite in memory; PostgreSQL strata_dev_<random> created on the\n"
      "server of --dev-url (or dev_url in strata.toml) and dropped afterwards.\n"
      "With --targets FILE or --fleet NAME: every listed database; a target with drift\n"
      "counts as failed (docs/commands.md#fleets).");
  sub->add_option("--dev-url", args->options.dev_url, "PostgreSQL server for dev databases (overrides dev_url)")
      ->type_name("URL");
  AddFleetFlags(sub, args->fleet);
  return {sub, [args](Context& ctx) { return RunDrift(*args, ctx); }};
}

}  // namespace strata::cli
