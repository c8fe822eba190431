// strata repair [VERSION...]: after review, clear dirty flags, accept changed
// checksums, forget records whose files are gone (Migrator::Repair).
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/json.h"

namespace strata::cli {

namespace {
struct RepairArgs {
  std::vector<std::string> versions;
  bool retry = false;
  bool yes = false;
};

// "accepted_checksum" -> "accepted checksum".
std::string Words(std::string action) {
  for (char& c : action) c = c == '_' ? ' ' : c;
  return action;
}

Outcome RunRepair(const RepairArgs& args, Context& ctx) {
  RepairOptions options;
  options.versions = args.versions;
  options.retry = args.retry;
  auto migrator = ctx.OpenMigrator();
  if (!migrator.ok()) return migrator.status();
  options.yes = ctx.Confirm(**migrator, args.yes);
  auto report = (*migrator)->Repair(options);
  if (!report.ok()) return report.status();
  if (!ctx.json() && report->backup) ctx.Print(BackupLine(*report->backup));  // backup = true
  if (ctx.json()) {
    ctx.PrintJson(ToJson(*report));
  } else if (report->actions.empty()) {
    ctx.Print("Nothing to repair.\n");
  } else {
    Table table({"VERSION", "NAME", "ACTION"});
    for (const auto& a : report->actions) table.AddRow({{a.version}, {a.name}, {Words(a.action)}});
    ctx.Print(table.Render(ctx.style()) +
              fmt::format("Repaired {}.\n", Plural(report->actions.size(), "migration")));
  }
  return {};
}
}  // namespace

Command AddRepair(CLI::App& root) {
  auto args = std::make_shared<RepairArgs>();
  CLI::App* sub = root.add_subcommand("repair", "After review: clear dirty flags, accept changed checksums");
  sub->footer(
      "Without VERSION, repairs every dirty, modified and missing migration:\n"
      "  dirty     marked applied (you finished it by hand), or with --retry forgotten\n"
      "            so the next up runs it again (you undid its partial effects);\n"
      "  modified  the file's new checksum is accepted;\n"
      "  missing   the record of a migration whose file is gone is forgotten.\n"
      "In a protected environment it asks for the environment's name on a terminal,\n"
      "or needs --yes.");
  sub->add_option("VERSION", args->versions, "Versions to repair (default: all that need it)")->type_name("");
  sub->add_flag("--retry", args->retry, "Dirty migrations: forget the record so the next up runs them again");
  sub->add_flag("-y,--yes", args->yes, "Confirm in a protected environment");
  return {sub, [args](Context& ctx) { return RunRepair(*args, ctx); }};
}

}  // namespace strata::cli
