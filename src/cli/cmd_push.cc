// strata push: make a development database match schema.sql directly
// (Migrator::Push). Refused in a protected environment.
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/json.h"
#include "util/strings.h"

namespace strata::cli {

namespace {
struct PushArgs {
  PushOptions options;
};

Outcome RunPush(const PushArgs& args, Context& ctx) {
  DropDevDatabasesOnSignal();
  auto migrator = ctx.OpenMigrator();
  if (!migrator.ok()) return migrator.status();
  auto report = (*migrator)->Push(args.options);
  if (!report.ok()) return report.status();
  if (ctx.json()) {
    ctx.PrintJson(ToJson(*report));
    return {};
  }
  for (const auto& r : report->rename_candidates) {
    WriteErr(fmt::format("warning: {} may be a rename, pushed as a drop and an add (data loss); "
                         "pass --rename {} to rename instead\n",
                         ToString(r), ToString(r)));
  }
  if (report->changes.empty()) {
    ctx.Print("Already up to date.\n");
    return {};
  }
  std::string text;
  for (const auto& c : report->changes) {
    text += util::SqlComment(c.summary) + "\n";
    if (c.destructive) text += util::SqlComment("DESTRUCTIVE: " + c.destructive_reason) + "\n";
    for (const auto& s : c.statements) text += s + ";\n";
  }
  text += report->dry_run ? fmt::format("Dry run: {} not applied.\n", Plural(report->changes.size(), "change"))
                          : fmt::format("Pushed {}.\n", Plural(report->changes.size(), "change"));
  ctx.Print(text);
  return {};
}
}  // namespace

Command AddPush(CLI::App& root) {
  auto args = std::make_shared<PushArgs>();
  CLI::App* sub = root.add_subcommand("push", "Development only: make the database match schema.sql directly");
  sub->footer(
      "Compares the live schema with the schema file (schema.sql, or `schema` in\n"
      "strata.toml, loaded in a throwaway dev database) and runs the statements that\n"
      "make the database match it, in one transaction, printing each. No migration is\n"
      "written or recorded: use it to iterate on a local database, then `strata\n"
      "generate`. Refused in a protected environment, with or without --yes.\n"
      "Drops that look like renames are pushed as drop + add unless --rename says so.");
  sub->add_flag("--dry-run", args->options.dry_run, "Print the statements without running them");
  sub->add_option("--rename", args->options.renames, "Rename instead of drop + add: TABLE.OLD=NEW or OLD=NEW (repeatable)")
      ->type_name("HINT");
  sub->add_option("--schema", args->options.schema_file, "Desired schema file (default: `schema` in strata.toml, schema.sql)")
      ->type_name("FILE");
  sub->add_option("--dev-url", args->options.dev_url, "PostgreSQL server for dev databases (overrides dev_url)")
      ->type_name("URL");
  return {sub, [args](Context& ctx) { return RunPush(*args, ctx); }};
}

}  // namespace strata::cli
