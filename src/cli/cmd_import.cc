// strata import TOOL: take over the history of drizzle-kit, golang-migrate,
// Flyway or dbmate (Migrator::Import).
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/json.h"

namespace strata::cli {

namespace {
struct ImportArgs {
  std::string tool;
  std::string table;
  bool dry_run = false;
  bool yes = false;
};

std::string Label(const std::string& version, const std::string& name) {
  return name.empty() ? version : version + "_" + name;
}

std::string RenderText(const ImportReport& report, const Style& style) {
  std::string out;
  for (const auto& m : report.recorded) {
    out += fmt::format("  {}  {}: {}\n", report.dry_run ? "would record" : "recorded", Label(m.version, m.name),
                       m.detail);
  }
  for (const auto& n : report.notes) out += "note: " + n.message + "\n";
  if (!report.problems.empty()) {
    out += RenderIssues(report.problems, style);
    out += fmt::format("Import refused: {} in {}; nothing was recorded.\n",
                       Plural(report.problems.size(), "problem"), report.table);
    return out;
  }
  if (!report.already.empty()) {
    out += fmt::format("{} already recorded by strata: left as they were.\n",
                       Plural(report.already.size(), "migration"));
  }
  if (report.recorded.empty()) {
    out += fmt::format("Nothing to import from {}.\n", report.table);
  } else if (report.dry_run) {
    out += fmt::format("Dry run: would record {} from {} as applied (batch 0); nothing was changed.\n",
                       Plural(report.recorded.size(), "migration"), report.table);
  } else {
    out += fmt::format("Imported {} from {}: recorded as applied (batch 0) without running them; {} was not "
                       "changed.\n",
                       Plural(report.recorded.size(), "migration"), report.table, report.table);
  }
  return out;
}

Outcome RunImport(const ImportArgs& args, Context& ctx) {
  ImportOptions options;
  options.tool = args.tool;
  options.table = args.table;
  options.dry_run = args.dry_run;
  auto migrator = ctx.OpenMigrator();
  if (!migrator.ok()) return migrator.status();
  options.yes = args.dry_run || ctx.Confirm(**migrator, args.yes);
  auto report = (*migrator)->Import(options);
  if (!report.ok()) return report.status();
  if (ctx.json()) {
    ctx.PrintJson(ToJson(*report));
  } else {
    ctx.Print(RenderText(*report, ctx.style()));
  }
  return report->ok() ? Outcome() : Outcome::Exit(ExitCode(Status::Code::kValidation));
}
}  // namespace

Command AddImport(CLI::App& root) {
  auto args = std::make_shared<ImportArgs>();
  CLI::App* sub = root.add_subcommand(
      "import", "Take over the history of drizzle-kit, golang-migrate, Flyway or dbmate (TOOL: drizzle, golang-migrate, flyway, dbmate)");
  sub->footer(
      "Reads the tool's tracking table (drizzle.__drizzle_migrations or __drizzle_migrations,\n"
      "schema_migrations, flyway_schema_history), checks it against the migrations folder\n"
      "(drizzle: each stored hash must equal the file's SHA-256; Flyway: each checksum its\n"
      "CRC32; a golang-migrate dirty version or a failed Flyway row is refused), and\n"
      "records those migrations as applied in strata's tables (batch 0, an `import` event\n"
      "each), in one transaction, without running any migration SQL and without writing\n"
      "to the tool's table. Any mismatch is listed per migration, nothing is recorded,\n"
      "and it exits 6. The folder must read as the tool's: set format = \"TOOL\" in\n"
      "strata.toml or pass --format TOOL. Afterwards `status` shows them applied and\n"
      "`up` applies only what is new.");
  sub->add_option("TOOL", args->tool, "drizzle, golang-migrate, flyway or dbmate")->required()->type_name("");
  sub->add_option("--table", args->table, "The tool's tracking table (schema.table); default the tool's own")
      ->type_name("TABLE");
  sub->add_flag("--dry-run", args->dry_run, "Show what would be recorded; change nothing");
  sub->add_flag("-y,--yes", args->yes, "Confirm in a protected environment");
  return {sub, [args](Context& ctx) { return RunImport(*args, ctx); }};
}

}  // namespace strata::cli
