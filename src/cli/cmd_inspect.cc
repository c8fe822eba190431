// strata inspect: the live schema as canonical SQL or JSON (Migrator::Inspect).
#include <memory>

#include "cli/commands.h"
#include "cli/json.h"

namespace strata::cli {

namespace {

Outcome RunInspect(Context& ctx) {
  auto migrator = ctx.OpenMigrator();
  if (!migrator.ok()) return migrator.status();
  auto report = (*migrator)->Inspect();
  if (!report.ok()) return report.status();
  if (ctx.json()) {
    ctx.PrintJson(ToJson(*report));
  } else if (report->sql.empty()) {
    // Still valid SQL, so `strata inspect > schema.sql` stays loadable.
    ctx.Print("-- The database has no tables, indexes, views or triggers.\n");
  } else {
    ctx.Print(report->sql);
  }
  return {};
}

}  // namespace

Command AddInspect(CLI::App& root) {
  CLI::App* sub = root.add_subcommand("inspect", "Print the live database schema as SQL (or --json)");
  sub->footer(
      "Reads the database's schema and prints canonical SQL that recreates it: tables\n"
      "(columns, keys, constraints), then indexes, views and triggers, each group\n"
      "ordered by name. The same schema always prints the same text, so the output\n"
      "can be committed and compared. With --json, prints the structured schema\n"
      "instead (docs/schema.md). strata's own tracking tables are never included.\n"
      "Never changes the database. SQLite and PostgreSQL (not yet: PostgreSQL\n"
      "triggers, partitions, domains; see docs/schema.md).");
  return {sub, [](Context& ctx) { return RunInspect(ctx); }};
}

}  // namespace strata::cli
