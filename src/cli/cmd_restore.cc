// strata restore FILE: put the database back as a backup has it
// (Migrator::Restore).
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/json.h"

namespace strata::cli {

namespace {
struct RestoreArgs {
  std::string file;
  bool yes = false;
};

Outcome RunRestore(const RestoreArgs& args, Context& ctx) {
  RestoreOptions options;
  options.file = args.file;
  auto migrator = ctx.OpenMigrator();
  if (!migrator.ok()) return migrator.status();
  options.yes = ctx.Confirm(**migrator, args.yes);
  Result<RestoreReport> report = [&] {
    InterruptScope interrupt(**migrator);
    return (*migrator)->Restore(options);
  }();
  if (!report.ok()) return report.status();
  if (ctx.json()) {
    ctx.PrintJson(ToJson(*report));
    return {};
  }
  const BackupInfo& b = report->backup;
  ctx.Print(fmt::format("Restored {} ({}{}) in {}.\n", b.file, b.version.empty() ? "no migration applied" : "version " + b.version,
                        report->checksum_checked ? ", SHA-256 checked" : ", no manifest: SHA-256 not checked",
                        FormatDuration(report->duration_ms)));
  return {};
}
}  // namespace

Command AddRestore(CLI::App& root) {
  auto args = std::make_shared<RestoreArgs>();
  CLI::App* sub = root.add_subcommand("restore", "Put the database back exactly as a backup has it");
  sub->footer(
      "Verifies FILE first (its SHA-256 against the manifest, the key of an encrypted\n"
      "backup, the content), then replaces the whole database: schema, rows,\n"
      "sequences and strata's own tables. SQLite: one write transaction into the live\n"
      "file. PostgreSQL: objects the backup does not have are dropped and the backup\n"
      "is loaded with pg_restore | psql, in one transaction. On any failure nothing is\n"
      "changed. Records a `restore` event afterwards. In a protected environment it\n"
      "asks for the environment's name on a terminal, or needs --yes.");
  sub->add_option("FILE", args->file, "The backup file (see `strata backups`)")->required()->type_name("");
  sub->add_flag("-y,--yes", args->yes, "Confirm the restore in a protected environment");
  return {sub, [args](Context& ctx) { return RunRestore(*args, ctx); }};
}

}  // namespace strata::cli
