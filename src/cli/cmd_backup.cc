// strata backup: take a verified backup now (Migrator::Backup).
#include <memory>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/json.h"

namespace strata::cli {

namespace {
struct BackupArgs {
  bool encrypt = false;
};

Outcome RunBackup(const BackupArgs& args, Context& ctx) {
  BackupOptions options;
  options.encrypt = args.encrypt;
  auto migrator = ctx.OpenMigrator();
  if (!migrator.ok()) return migrator.status();
  Result<BackupReport> report = [&] {
    InterruptScope interrupt(**migrator);  // Ctrl-C stops pg_dump; no file is left behind
    return (*migrator)->Backup(options);
  }();
  if (!report.ok()) return report.status();
  if (ctx.json()) {
    ctx.PrintJson(ToJson(*report));
    return {};
  }
  ctx.Print(BackupLine(report->backup));
  ctx.Print(fmt::format("Took {} (verification {}).\n", FormatDuration(report->duration_ms),
                        FormatDuration(report->verify_ms)));
  if (!report->deleted.empty()) {
    ctx.Print(fmt::format("Deleted {} (backup_keep).\n", Plural(report->deleted.size(), "older backup")));
  }
  return {};
}
}  // namespace

Command AddBackup(CLI::App& root) {
  auto args = std::make_shared<BackupArgs>();
  CLI::App* sub = root.add_subcommand("backup", "Take a verified backup of the whole database now");
  sub->footer(
      "SQLite: the online backup API (consistent while the application writes),\n"
      "checked with PRAGMA integrity_check. PostgreSQL: pg_dump -Fc (from PATH or the\n"
      "pg_dump setting), checked with pg_restore --list. The file goes to backup_dir\n"
      "(default backups/ beside strata.toml) as ENV-TIME-VERSION.sqlite|dump, mode\n"
      "0600, with a manifest FILE.json; zstd-compressed with backup_compress = true,\n"
      "AES-256-GCM-encrypted when backup_key is set. Recorded as a `backup` event.\n"
      "With backup = true, up, down, redo and repair --retry take one by themselves\n"
      "before they change anything. See docs/operations.md.");
  sub->add_flag("--encrypt", args->encrypt,
                "Encrypt this backup even without backup_key (the key is then $STRATA_BACKUP_KEY)");
  return {sub, [args](Context& ctx) { return RunBackup(*args, ctx); }};
}

}  // namespace strata::cli
