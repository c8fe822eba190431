// strata backups: list the backup files in backup_dir (Migrator::ListBackups).
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/json.h"

namespace strata::cli {

namespace {
Outcome RunBackups(Context& ctx) {
  auto migrator = ctx.OpenMigrator();
  if (!migrator.ok()) return migrator.status();
  auto report = (*migrator)->ListBackups();
  if (!report.ok()) return report.status();
  if (ctx.json()) {
    ctx.PrintJson(ToJson(*report));
    return {};
  }
  if (report->backups.empty()) {
    ctx.Print(fmt::format("No backups in {}.\n", report->directory));
    return {};
  }
  Table table({"TIME", "ENV", "VERSION", "SIZE", "VERIFIED", "ENCRYPTED", "FILE"});
  for (const auto& b : report->backups) {
    table.AddRow({{b.created_at},
                  {b.environment},
                  {b.version.empty() ? "-" : b.version},
                  {FormatBytes(b.bytes)},
                  {b.verified ? "yes" : "no", b.verified ? Color::kNone : Color::kYellow},
                  {b.encrypted ? "yes" : "no"},
                  {b.file}});
  }
  ctx.Print(table.Render(ctx.style()) +
            fmt::format("{} in {}.\n", Plural(report->backups.size(), "backup"), report->directory));
  return {};
}
}  // namespace

Command AddBackups(CLI::App& root) {
  CLI::App* sub = root.add_subcommand("backups", "List the backups in backup_dir, oldest first");
  sub->footer(
      "Reads the files' names and their manifests (FILE.json); needs no database.\n"
      "VERIFIED is \"no\" for a file without a manifest, or whose size changed since\n"
      "it was verified. `strata restore FILE` puts one back.");
  return {sub, [](Context& ctx) { return RunBackups(ctx); }};
}

}  // namespace strata::cli
