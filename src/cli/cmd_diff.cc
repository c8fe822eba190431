// strata diff --from A --to B: the DDL that turns A into B (Migrator::Diff).
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/json.h"

namespace strata::cli {

namespace {
struct DiffArgs {
  DiffOptions options;
};

Outcome RunDiff(const DiffArgs& args, Context& ctx) {
  DropDevDatabasesOnSignal();
  auto migrator = ctx.OpenMigrator();
  if (!migrator.ok()) return migrator.status();
  auto report = (*migrator)->Diff(args.options);
  if (!report.ok()) return report.status();
  if (ctx.json()) {
    ctx.PrintJson(ToJson(*report));
    return {};
  }
  for (const auto& item : report->not_compared) WriteErr(fmt::format("warning: not compared: {}\n", item));
  for (const auto& note : report->notes) WriteErr(fmt::format("warning: {}\n", note));
  if (report->same()) {
    // A comment, so that `strata diff ... > change.sql` is still valid SQL.
    ctx.Print("-- No changes: both sides have the same schema.\n");
    return {};
  }
  ctx.Print(report->sql);
  if (report->empty()) {
    ctx.Print(fmt::format("-- strata: no changes in what strata compares; {} not compared (listed above).\n",
                          Plural(report->not_compared.size(), "object")));
  }
  for (const auto& c : report->changes) {
    if (c.destructive) WriteErr(fmt::format("warning: destructive: {}\n", c.destructive_reason));
  }
  for (const auto& r : report->rename_candidates) {
    WriteErr(fmt::format("warning: {} may be a rename; --rename {} renames instead of dropping and adding\n",
                         ToString(r), ToString(r)));
  }
  return {};
}
}  // namespace

Command AddDiff(CLI::App& root) {
  auto args = std::make_shared<DiffArgs>();
  CLI::App* sub = root.add_subcommand("diff", "Print the SQL that turns one schema into another");
  sub->footer(
      "Each side is a database URL (inspected, never changed), a migrations directory\n"
      "(its up files replayed in a throwaway dev database) or a .sql file (loaded in\n"
      "one). Prints the statements that make a database holding --from hold --to, or\n"
      "\"-- No changes\" when the schemas are equal. Destructive changes and drops that\n"
      "look like renames are named on stderr.\n"
      "PostgreSQL objects strata does not model (rules, aggregates, privileges, owners\n"
      "other than the connecting role, ...; docs/schema.md) are never passed as equal:\n"
      "each is printed as \"-- strata: not compared: <kind> <name>\" and warned about on\n"
      "stderr, and then \"No changes\" is not said.\n"
      "Dev databases: SQLite in memory; PostgreSQL strata_dev_<random> created on the\n"
      "server of --dev-url (or dev_url in strata.toml) and dropped afterwards.\n"
      "The dialect is that of a URL side, else the environment's URL, else SQLite.\n"
      "Example: strata diff --from migrations --to schema.sql");
  sub->add_option("--from", args->options.from, "Schema to start from: URL, migrations DIR or FILE.sql")
      ->required()
      ->type_name("SOURCE");
  sub->add_option("--to", args->options.to, "Schema to reach: URL, migrations DIR or FILE.sql")
      ->required()
      ->type_name("SOURCE");
  sub->add_option("--rename", args->options.renames, "Rename instead of drop + add: TABLE.OLD=NEW or OLD=NEW (repeatable)")
      ->type_name("HINT");
  sub->add_option("--dev-url", args->options.dev_url, "PostgreSQL server for dev databases (overrides dev_url)")
      ->type_name("URL");
  return {sub, [args](Context& ctx) { return RunDiff(*args, ctx); }};
}

}  // namespace strata::cli
