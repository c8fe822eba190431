// strata validate: check files and records against each other (Migrator::Validate).
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/json.h"

namespace strata::cli {

namespace {

Outcome RunValidate(Context& ctx) {
  auto migrator = ctx.OpenMigrator();
  if (!migrator.ok()) return migrator.status();
  auto report = (*migrator)->Validate();
  if (!report.ok()) return report.status();
  if (ctx.json()) {
    ctx.PrintJson(ToJson(*report));
  } else {
    // Notes first: files the folder's format skips on purpose. They never fail.
    std::string out;
    for (const auto& n : report->notes) {
      out += "note: " + (n.file.empty() ? "" : n.file + (n.line > 0 ? fmt::format(":{}", n.line) : "") + ": ") +
             n.message + "\n";
    }
    if (report->ok()) {
      out += fmt::format("OK: {} valid.\n", Plural(report->migrations, "migration"));
    } else {
      out += RenderIssues(report->issues, ctx.style());
      out += fmt::format("Validation failed: {} in {}.\n", Plural(report->issues.size(), "problem"),
                         Plural(report->migrations, "migration"));
    }
    ctx.Print(out);
  }
  return report->ok() ? Outcome() : Outcome::Exit(ExitCode(Status::Code::kValidation));
}
}  // namespace

Command AddValidate(CLI::App& root) {
  CLI::App* sub = root.add_subcommand("validate", "Check migration files and applied records against each other");
  sub->footer(
      "Reports changed checksums of applied migrations, duplicate and missing versions,\n"
      "dirty migrations, pending migrations older than applied ones, down files without\n"
      "an up file and badly named files. Exits 6 when it finds any problem. Files that\n"
      "the folder's format skips on purpose (a .sql file outside drizzle-kit's journal,\n"
      "a Flyway callback) are listed as notes and do not fail.");
  return {sub, [](Context& ctx) { return RunValidate(ctx); }};
}

}  // namespace strata::cli
