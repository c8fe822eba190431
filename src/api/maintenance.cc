// Baseline, repair and new: the commands that edit records or files rather
// than run migrations.
#include <algorithm>
#include <filesystem>

#include "api/locked_transaction.h"
#include "api/migrator_impl.h"
#include "engine/planner.h"
#include "util/clock.h"
#include "util/fs.h"

namespace strata::api {
namespace {

// Digits, or digit groups joined by single dots (Flyway's 1.2).
bool AllDigits(const std::string& s) {
  if (s.empty() || s.front() == '.' || s.back() == '.' || s.find("..") != std::string::npos) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

}  // namespace

Result<BaselineReport> MigratorImpl::Baseline(const BaselineOptions& options) {
  if (!AllDigits(options.version)) {
    return Status::InvalidArgument("baseline version '" + options.version + "' is not a number")
        .WithHint("give the version part of a migration file name, e.g. `strata baseline 20261122093000`");
  }
  Status s = RequireConfirmation("baseline", options.yes);
  if (!s.ok()) return Scrub(s);
  AuditScope audit(*this, "baseline");
  if (!audit.status().ok()) return Scrub(audit.status());
  auto set = LoadFiles();
  if (!set.ok()) return Scrub(set.status());
  if (!set->problems.empty()) return Scrub(set->problems.front());
  if (std::none_of(set->migrations.begin(), set->migrations.end(), [&](const source::Migration& m) {
        return source::CompareVersions(m.version, options.version) == 0;
      })) {
    return Status::NotFound("baseline " + options.version + ": no migration has this version")
        .WithHint("run `strata status` to list the versions");
  }
  auto conn = Connect();
  if (!conn.ok()) return Scrub(conn.status());
  engine::History history(**conn, Tables(), config_.env.name);
  history.set_observer(audit_observer());
  auto lock = MakeLock(**conn, false);
  BaselineReport report;
  report.version = options.version;
  s = InLockedTransaction(**conn, history, *lock, [&]() -> Status {
    auto rows = history.Load();
    if (!rows.ok()) return rows.status();
    report.batch = engine::NextBatch(*rows);
    for (const auto& info : engine::Reconcile(*set, *rows)) {
      if (info.state != MigrationState::kPending || source::CompareVersions(info.version, options.version) > 0) continue;
      const source::Migration* m = nullptr;
      for (const auto& f : set->migrations) {
        if (f.version == info.version) m = &f;
      }
      engine::AppliedRow row;
      row.version = m->version;
      row.name = m->name;
      row.checksum = m->checksum;
      row.down_sql = m->down_sql;
      row.down_checksum = m->down_checksum;
      row.batch = report.batch;
      Status st = history.Insert(row);
      if (!st.ok()) return st;
      engine::EventRecord e;
      e.kind = "baseline";
      e.outcome = "success";
      e.version = m->version;
      e.name = m->name;
      e.batch = report.batch;
      e.detail = "marked applied without running (baseline " + options.version + ")";
      st = history.RecordEvent(e);
      if (!st.ok()) return st;
      report.versions.push_back(m->version);
    }
    return Status::Ok();
  });
  if (!s.ok()) return Scrub(s);
  if (report.versions.empty()) report.batch = 0;
  return report;
}

Result<RepairReport> MigratorImpl::Repair(const RepairOptions& options) {
  Status s = RequireConfirmation("repair", options.yes);
  if (!s.ok()) return Scrub(s);
  AuditScope audit(*this, "repair");
  if (!audit.status().ok()) return Scrub(audit.status());
  auto set = LoadFiles();
  if (!set.ok()) return Scrub(set.status());
  auto conn = Connect();
  if (!conn.ok()) return Scrub(conn.status());
  engine::History history(**conn, Tables(), config_.env.name);
  history.set_observer(audit_observer());
  auto lock = MakeLock(**conn, false);
  RepairReport report;
  s = InLockedTransaction(**conn, history, *lock, [&]() -> Status {
    auto rows = history.Load();
    if (!rows.ok()) return rows.status();
    auto infos = engine::Reconcile(*set, *rows);
    std::vector<const MigrationInfo*> targets;
    auto needs_repair = [](const MigrationInfo& i) {
      return i.state == MigrationState::kDirty || i.state == MigrationState::kModified ||
             i.state == MigrationState::kMissing;
    };
    for (const auto& v : options.versions) {
      auto it = std::find_if(infos.begin(), infos.end(),
                             [&](const MigrationInfo& i) { return source::CompareVersions(i.version, v) == 0; });
      if (it == infos.end()) return Status::NotFound("no migration has version " + v);
      if (!needs_repair(*it)) {
        return Status::InvalidArgument(v + " needs no repair: it is " + std::string(ToString(it->state)));
      }
      targets.push_back(&*it);
    }
    if (options.versions.empty()) {
      for (const auto& i : infos)
        if (needs_repair(i)) targets.push_back(&i);
    }
    // --retry removes records: with backup = true, a backup first (backup.cc).
    if (options.retry) {
      Status b = BackupBeforeChange(**conn, history, *rows, !targets.empty(), &report.backup);
      if (!b.ok()) return b;
    }
    for (const MigrationInfo* info : targets) {
      const source::Migration* file = nullptr;
      for (const auto& f : set->migrations)
        if (source::CompareVersions(f.version, info->version) == 0) file = &f;
      std::string action;
      Status st;
      if (info->state == MigrationState::kMissing || (info->state == MigrationState::kDirty && options.retry)) {
        action = info->state == MigrationState::kMissing ? "forgotten" : "reset_to_pending";
        st = history.Delete(info->version);
      } else if (info->state == MigrationState::kDirty) {
        action = "marked_clean";
        st = history.MarkClean(info->version, info->duration_ms.value_or(0));
        if (st.ok() && file) {
          st = history.UpdateFromFile(info->version, file->name, file->checksum, file->down_sql, file->down_checksum);
        }
      } else {  // modified
        action = "accepted_checksum";
        st = history.UpdateFromFile(info->version, file->name, file->checksum, file->down_sql, file->down_checksum);
      }
      if (!st.ok()) return st;
      engine::EventRecord e;
      e.kind = "repair";
      e.outcome = "success";
      e.version = info->version;
      e.name = info->name;
      e.batch = info->batch;
      e.detail = action;
      st = history.RecordEvent(e);
      if (!st.ok()) return st;
      report.actions.push_back({info->version, info->name, action});
    }
    return Status::Ok();
  });
  RecordPendingEvents(history);
  if (!s.ok()) return Scrub(s);
  return report;
}

Result<NewReport> MigratorImpl::New(const NewOptions& options) {
  std::string name = source::NormalizeName(options.name);
  if (name.empty()) {
    return Status::InvalidArgument("migration name '" + options.name + "' has no letters or digits")
        .WithHint("e.g. `strata new create_users`");
  }
  if (!options.style.empty() && options.style != "timestamp" && options.style != "sequence") {
    return Status::InvalidArgument("unknown version style '" + options.style + "' (timestamp or sequence)");
  }
  // `new` writes native names, which golang-migrate reads too; the other
  // tools' folders would ignore the files (their notes in `validate`).
  source::Format format = SourceOptions().format;
  if (format == source::Format::kAuto) format = source::DetectFormat(config_.dir);
  if (format == source::Format::kDrizzle || format == source::Format::kFlyway || format == source::Format::kDbmate) {
    std::string hint = "use `dbmate new NAME`, or write VERSION_name.sql with -- migrate:up and -- migrate:down";
    if (format == source::Format::kDrizzle) {
      hint = "generate it with `drizzle-kit generate` (or `--custom`): the journal lists the migrations";
    } else if (format == source::Format::kFlyway) {
      hint = "write V{next version}__name.sql (and U{version}__name.sql to undo it)";
    }
    return Status::Unsupported("strata new writes VERSION_NAME.up.sql and .down.sql, which this " +
                               std::string(source::ToString(format)) + " folder would not read")
        .At(config_.dir)
        .WithHint(hint);
  }
  std::error_code ec;
  std::filesystem::create_directories(config_.dir, ec);
  if (ec) return Status::Io("cannot create the migrations directory: " + ec.message()).At(config_.dir);
  // The newest version among the file names, whatever their content: a
  // just-created (still empty) migration counts too, so two `new` in a row
  // keep the folder's style and never reuse a version.
  std::string newest;
  for (const auto& entry : std::filesystem::directory_iterator(config_.dir, ec)) {
    std::string file = entry.path().filename().string();
    if (file.size() < 5 || file.compare(file.size() - 4, 4, ".sql") != 0) continue;
    size_t digits = 0;
    while (digits < file.size() && file[digits] >= '0' && file[digits] <= '9') ++digits;
    std::string version = file.substr(0, digits);
    if (!version.empty() && (newest.empty() || source::CompareVersions(version, newest) > 0)) newest = version;
  }
  if (ec) return Status::Io("cannot list the migrations directory: " + ec.message()).At(config_.dir);
  // Keep the style the folder already uses; timestamps are 12+ digits.
  std::string style = options.style;
  if (!newest.empty()) style = newest.size() >= 12 ? "timestamp" : "sequence";
  if (style.empty()) style = "timestamp";
  auto increment = [](std::string v) {
    int i = static_cast<int>(v.size()) - 1;
    while (i >= 0 && v[i] == '9') v[i--] = '0';
    if (i < 0) return "1" + v;
    ++v[i];
    return v;
  };
  NewReport report;
  if (style == "timestamp") {
    report.version = util::NowCompact();
    // Two `new` calls in one second, or a clock behind the newest file, must
    // still produce a later version.
    if (!newest.empty() && source::CompareVersions(report.version, newest) <= 0) report.version = increment(newest);
  } else {
    report.version = newest.empty() ? "0001" : increment(newest);
    if (report.version.size() < newest.size()) report.version.insert(0, newest.size() - report.version.size(), '0');
  }
  std::string base = util::JoinPath(config_.dir, report.version + "_" + name);
  report.up_path = base + ".up.sql";
  report.down_path = base + ".down.sql";
  Status s = util::WriteFileAtomic(report.up_path, "-- " + name + ": write the change here.\n", true);
  if (!s.ok()) return Scrub(s);
  s = util::WriteFileAtomic(report.down_path, "-- " + name + ": write what undoes the up migration here.\n", true);
  if (!s.ok()) return Scrub(s);
  return report;
}

}  // namespace strata::api
