// Migrator::Import: another tool's tracking table -> strata's records.
#include "api/locked_transaction.h"
#include "api/migrator_impl.h"
#include "engine/foreign_history.h"
#include "engine/import_plan.h"

namespace strata::api {
namespace {

ValidationIssue Issue(const engine::ImportNote& n, const char* kind) {
  return {kind, n.version, n.file, 0, n.message, ""};
}

}  // namespace

Result<ImportReport> MigratorImpl::Import(const ImportOptions& options) {
  auto tool = source::ParseFormat(options.tool);
  if (!tool || *tool == source::Format::kAuto || *tool == source::Format::kNative) {
    return Status::InvalidArgument("cannot import from '" + options.tool + "'")
        .WithHint("strata imports the history of drizzle, golang-migrate, flyway and dbmate");
  }
  std::string tool_name(source::ToString(*tool));
  Status s = RequireConfirmation("import", options.yes || options.dry_run);
  if (!s.ok()) return Scrub(s);

  // 1. The folder, read the way every later command will read it.
  source::LoadOptions load = SourceOptions();
  source::Format reads_as = load.format == source::Format::kAuto ? source::DetectFormat(config_.dir) : load.format;
  if (reads_as != *tool) {
    return Status::InvalidArgument("the migrations folder " + config_.dir + " reads as " +
                                   std::string(source::ToString(reads_as)) + ", not " + tool_name)
        .WithHint("set format = \"" + tool_name + "\" in strata.toml (or pass --format " + tool_name +
                  ") so that status and up read the folder as import does");
  }
  load.format = *tool;
  auto set = source::LoadMigrations(config_.dir, load);
  if (!set.ok()) return Scrub(set.status());
  if (!set->problems.empty()) {
    Status first = set->problems.front();
    return Scrub(first.WithHint("fix the migrations folder first (`strata validate` lists every problem); "
                                "nothing was imported"));
  }

  // 2. The other tool's rows and strata's, read without writing anything.
  auto conn = Connect();
  if (!conn.ok()) return Scrub(conn.status());
  ImportReport report;
  report.tool = tool_name;
  report.dry_run = options.dry_run;
  report.table = options.table.empty() ? engine::DefaultForeignTable(*tool, (*conn)->dialect()) : options.table;
  auto foreign = engine::ReadForeignHistory(**conn, *tool, report.table);
  if (!foreign.ok()) return Scrub(foreign.status());
  engine::History history(**conn, Tables(), config_.env.name);
  auto rows = history.Load(false);
  if (!rows.ok()) return Scrub(rows.status());
  engine::ImportPlan plan = engine::PlanImport(*tool, report.table, *set, *foreign, *rows);
  for (const auto& r : plan.records) report.recorded.push_back({r.migration->version, r.migration->name, r.detail});
  report.already = plan.already;
  for (const auto& n : plan.notes) {
    report.notes.push_back(Issue(n, n.message.find("pending") != std::string::npos ? "pending" : "ignored"));
  }
  report.problems = plan.problems;
  if (!plan.problems.empty()) {
    report.recorded.clear();
    return report;
  }
  if (options.dry_run || plan.records.empty()) return report;

  // 3. Everything in one transaction under the migration lock.
  auto lock = MakeLock(**conn, false);
  s = InLockedTransaction(**conn, history, *lock, [&]() -> Status {
    auto now = history.Load(false);  // another runner may have recorded some meanwhile
    if (!now.ok()) return now.status();
    for (const auto& r : plan.records) {
      const source::Migration& m = *r.migration;
      bool taken = false;
      for (const auto& row : *now) taken = taken || source::CompareVersions(row.version, m.version) == 0;
      if (taken) continue;
      engine::AppliedRow row;
      row.version = m.version;
      row.name = m.name;
      row.checksum = r.checksum;
      row.down_sql = m.down_sql;
      row.down_checksum = m.down_checksum;
      row.batch = 0;
      row.duration_ms = r.duration_ms;
      engine::EventRecord e;
      e.kind = "import";
      e.outcome = "success";
      e.version = m.version;
      e.name = m.name;
      e.batch = 0;
      e.detail = "imported from " + tool_name + " (" + report.table + "): " + r.detail;
      Status st = history.InsertWithEvent(row, e);
      if (!st.ok()) return st;
    }
    return Status::Ok();
  });
  if (!s.ok()) return Scrub(s);
  return report;
}

}  // namespace strata::api
