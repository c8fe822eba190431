// strata verify: what a migration left behind that the database did not
// reject (Migrator::Verify).
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/json.h"

namespace strata::cli {

namespace {

Outcome RunVerify(Context& ctx) {
  auto migrator = ctx.OpenMigrator();
  if (!migrator.ok()) return migrator.status();
  auto report = (*migrator)->Verify();
  if (!report.ok()) return report.status();
  if (ctx.json()) {
    ctx.PrintJson(ToJson(*report));
  } else if (report->ok()) {
    ctx.Print(fmt::format("OK: no problems found ({} checked).\n", Plural(report->foreign_keys_checked, "foreign key")));
  } else {
    std::string out;
    for (const auto& f : report->findings) {
      out += ctx.style().Paint(f.message, Color::kRed) + "\n";
      out += "  hint: " + f.hint + "\n";
    }
    out += fmt::format("Verify failed: {} ({} checked).\n", Plural(report->findings.size(), "problem"),
                       Plural(report->foreign_keys_checked, "foreign key"));
    ctx.Print(out);
  }
  return report->ok() ? Outcome() : Outcome::Exit(ExitCode(Status::Code::kValidation));
}

}  // namespace

Command AddVerify(CLI::App& root) {
  CLI::App* sub = root.add_subcommand("verify", "Check the data and catalog after migrating");
  sub->footer(
      "Finds what a migration can leave behind that the database does not reject:\n"
      "  - rows that reference a missing parent row (SQLite: PRAGMA foreign_key_check;\n"
      "    PostgreSQL: every foreign key is checked for orphaned rows);\n"
      "  - PostgreSQL constraints added NOT VALID and never validated;\n"
      "  - PostgreSQL indexes left invalid by a failed CREATE INDEX CONCURRENTLY.\n"
      "Reads only. Exits 6 when it finds anything, 0 otherwise.");
  return {sub, [](Context& ctx) { return RunVerify(ctx); }};
}

}  // namespace strata::cli
