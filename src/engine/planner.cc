#include "engine/planner.h"

#include <algorithm>
#include <map>

#include "util/strings.h"

namespace strata::engine {
namespace {

using source::CompareVersions;

struct VersionLess {
  bool operator()(const std::string& a, const std::string& b) const { return CompareVersions(a, b) < 0; }
};

std::string Label(const std::string& version, const std::string& name) {
  return name.empty() ? version : version + "_" + name;
}

std::string DownFile(const source::MigrationSet& set, const AppliedRow& row) {
  for (const auto& m : set.migrations) {
    if (CompareVersions(m.version, row.version) == 0 && m.down_path) return *m.down_path;
  }
  return Label(row.version, row.name) + ".down.sql (stored at apply time)";
}

std::string ValidationKind(const Status& problem) {
  const std::string& m = problem.message();
  if (m.rfind("empty migration", 0) == 0) return "empty";
  if (m.find("duplicate") != std::string::npos) return "duplicate";
  if (m.find("no version") != std::string::npos) return "bad_name";
  if (m.find("without") != std::string::npos || m.find("no up") != std::string::npos) return "orphan_down";
  return "bad_file";
}

}  // namespace

std::vector<MigrationInfo> Reconcile(const source::MigrationSet& set, const std::vector<AppliedRow>& unsorted) {
  auto less = [](const AppliedRow& a, const AppliedRow& b) { return CompareVersions(a.version, b.version) < 0; };
  std::vector<AppliedRow> copy;
  if (!std::is_sorted(unsorted.begin(), unsorted.end(), less)) {
    copy = unsorted;
    std::sort(copy.begin(), copy.end(), less);
  }
  const std::vector<AppliedRow>& rows = copy.empty() ? unsorted : copy;
  // Both lists are sorted by version: walk them together (this runs on every
  // `strata status`, over thousands of migrations). Repeatables sort last and
  // are never out of order.
  std::string_view newest_applied;
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
    if (!source::IsRepeatableVersion(it->version)) {
      newest_applied = it->version;
      break;
    }
  }
  std::vector<MigrationInfo> out;
  out.reserve(set.migrations.size() + rows.size());
  auto from_row = [](MigrationInfo& info, const AppliedRow& r) {
    info.applied_checksum = r.checksum;
    info.batch = r.batch;
    info.applied_at = r.applied_at;
    info.applied_by = r.applied_by;
    info.duration_ms = r.duration_ms;
    info.has_down = r.down_sql.has_value();
  };
  size_t f = 0, r = 0;
  while (f < set.migrations.size() || r < rows.size()) {
    int order = f == set.migrations.size() ? 1
                : r == rows.size()         ? -1
                                           : CompareVersions(set.migrations[f].version, rows[r].version);
    MigrationInfo info;
    if (order > 0) {  // recorded, no file
      const AppliedRow& row = rows[r++];
      info.version = row.version;
      info.name = row.name;
      info.state = row.dirty ? MigrationState::kDirty : MigrationState::kMissing;
      from_row(info, row);
      out.push_back(std::move(info));
      continue;
    }
    const source::Migration& m = set.migrations[f++];
    info.version = m.version;
    info.name = m.name;
    info.file = m.up_path;
    info.checksum = m.checksum;
    info.no_transaction = m.up_annotations.no_transaction;
    info.has_down = m.down_path.has_value();
    info.repeatable = m.repeatable();
    if (order < 0) {
      info.state = MigrationState::kPending;
      info.out_of_order =
          !info.repeatable && !newest_applied.empty() && CompareVersions(m.version, newest_applied) < 0;
    } else {
      const AppliedRow& row = rows[r++];
      from_row(info, row);
      // A repeatable whose file changed is not "modified": it is due again.
      info.reapply = info.repeatable && !row.dirty && row.checksum != m.checksum;
      info.state = row.dirty                    ? MigrationState::kDirty
                   : info.reapply               ? MigrationState::kPending
                   : row.checksum != m.checksum ? MigrationState::kModified
                                                : MigrationState::kApplied;
    }
    out.push_back(std::move(info));
  }
  return out;
}

StatusSummary Summarize(const std::vector<MigrationInfo>& infos) {
  StatusSummary s;
  for (const auto& i : infos) {
    switch (i.state) {
      case MigrationState::kApplied: ++s.applied; break;
      case MigrationState::kPending: ++s.pending; break;
      case MigrationState::kModified: ++s.modified; break;
      case MigrationState::kMissing: ++s.missing; break;
      case MigrationState::kDirty: ++s.dirty; break;
    }
  }
  return s;
}

namespace {
// The version in a migration file name: its leading digits; Flyway's
// V1_2__x.sql -> "1.2", R__x.sql -> "R__x"; "" when there is none.
std::string VersionOf(const std::string& path) {
  size_t slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  size_t sep = name.find("__");
  if (sep != std::string::npos && name.size() > 1) {
    if (name[0] == 'R' && sep == 1) return name.substr(0, name.size() - (name.size() > 4 ? 4 : 0));
    if ((name[0] == 'V' || name[0] == 'U') && is_digit(name[1])) {
      std::string v = name.substr(1, sep - 1);
      std::replace(v.begin(), v.end(), '_', '.');
      return v;
    }
  }
  size_t digits = 0;
  while (digits < name.size() && is_digit(name[digits])) ++digits;
  return name.substr(0, digits);
}

}  // namespace

std::vector<ValidationIssue> FileIssues(const source::MigrationSet& set) {
  std::vector<ValidationIssue> issues;
  for (const auto& p : set.problems) {
    issues.push_back({ValidationKind(p), VersionOf(p.file()), p.file(), p.line(), p.message(), p.hint()});
  }
  return issues;
}

std::vector<ValidationIssue> FileNotes(const source::MigrationSet& set) {
  std::vector<ValidationIssue> notes;
  for (const auto& n : set.notes) {
    std::string kind = n.message().find("placeholder") != std::string::npos ? "placeholder"
                       : util::StartsWith(n.message(), "read as a ")        ? "format"
                                                                            : "ignored";
    notes.push_back({kind, VersionOf(n.file()), n.file(), n.line(), n.message(), n.hint()});
  }
  return notes;
}

std::vector<ValidationIssue> Validate(const source::MigrationSet& set, const std::vector<AppliedRow>& rows) {
  std::vector<ValidationIssue> issues = FileIssues(set);
  for (const auto& info : Reconcile(set, rows)) {
    std::string label = Label(info.version, info.name);
    switch (info.state) {
      case MigrationState::kModified:
        issues.push_back({"checksum", info.version, info.file, 0,
                          label + " was changed after it was applied (checksum " + info.applied_checksum.substr(0, 12) +
                              " recorded, " + info.checksum.substr(0, 12) + " now)",
                          "restore the applied version of the file, or run `strata repair " + info.version +
                              "` to accept the change"});
        break;
      case MigrationState::kMissing:
        issues.push_back({"missing", info.version, "", 0, label + " is applied but its file is gone",
                          "restore the file, or run `strata repair " + info.version + "` to forget the record"});
        break;
      case MigrationState::kDirty:
        issues.push_back({"dirty", info.version, info.file, 0,
                          label + " is dirty: a no-transaction migration started and did not finish",
                          "finish or undo it by hand, then `strata repair " + info.version + "` (add --retry to run it again)"});
        break;
      case MigrationState::kPending:
        if (info.out_of_order) {
          issues.push_back({"out_of_order", info.version, info.file, 0,
                            label + " is pending but older than the newest applied migration",
                            "renumber it after the newest applied migration, or apply it with `strata up --out-of-order`"});
        }
        break;
      case MigrationState::kApplied: break;
    }
  }
  return issues;
}

int64_t NextBatch(const std::vector<AppliedRow>& rows) {
  int64_t batch = 0;
  for (const auto& r : rows) batch = std::max(batch, r.batch);
  return batch + 1;
}

const std::string& PlanStep::sql() const {
  static const std::string kNone;
  if (rewritten) return *rewritten;
  if (direction == Direction::kUp) return migration ? migration->up_sql : kNone;
  return row.down_sql ? *row.down_sql : kNone;
}

PlanStep UpStep(const source::Migration& m) {
  PlanStep step;
  step.direction = Direction::kUp;
  step.version = m.version;
  step.name = m.name;
  step.no_transaction = m.up_annotations.no_transaction;
  step.foreign_keys_off = m.up_annotations.foreign_keys_off;
  step.file = m.up_path;
  step.migration = &m;
  return step;
}

Result<Plan> PlanUp(const source::MigrationSet& set, const std::vector<AppliedRow>& rows, const UpOptions& options) {
  if (!set.problems.empty()) {
    Status first = set.problems.front();
    if (set.problems.size() > 1) {
      first.WithHint("and " + std::to_string(set.problems.size() - 1) +
                     " more problem(s); run `strata validate` to list them all");
    }
    return first;
  }
  if (options.to && std::none_of(set.migrations.begin(), set.migrations.end(), [&](const source::Migration& m) {
        return CompareVersions(m.version, *options.to) == 0;
      })) {
    return Status::Validation("--to " + *options.to + ": no migration has this version")
        .WithHint("run `strata status` to list the versions");
  }
  Plan plan;
  std::vector<std::string> out_of_order;
  for (const auto& info : Reconcile(set, rows)) {
    std::string label = Label(info.version, info.name);
    switch (info.state) {
      case MigrationState::kDirty:
        return Status::Dirty(label + " is dirty: it started without a transaction and did not finish")
            .WithHint("check the database, finish or undo the migration by hand, then run `strata repair " +
                      info.version + "` (or `strata repair --retry " + info.version + "` to run it again)");
      case MigrationState::kModified:
        return Status::ChecksumMismatch(label + " was changed after it was applied")
            .At(info.file)
            .WithHint("restore the applied version (git log -p " + info.file + "), write a new migration for the change, "
                      "or accept it with `strata repair " + info.version + "`");
      case MigrationState::kMissing:
        return Status::Validation(label + " is applied but its file is missing")
            .WithHint("restore the file from version control, or run `strata repair " + info.version +
                      "` to forget the record");
      case MigrationState::kPending:
        if (info.out_of_order) out_of_order.push_back(label);
        break;
      case MigrationState::kApplied: break;
    }
  }
  if (!out_of_order.empty() && !options.out_of_order) {
    std::string list;
    for (const auto& l : out_of_order) list += (list.empty() ? "" : ", ") + l;
    return Status::Validation("pending migration(s) older than the newest applied one: " + list)
        .WithHint("renumber them after the newest applied migration, or apply them with `strata up --out-of-order`");
  }
  std::map<std::string, const AppliedRow*, VersionLess> applied;
  for (const auto& r : rows) applied[r.version] = &r;
  for (const auto& m : set.migrations) {
    auto row = applied.find(m.version);
    if (m.repeatable()) {
      // After every versioned migration (they sort last), when new or
      // changed; not with --to, which names where versioned ones stop.
      if (options.to) continue;
      if (row != applied.end() && row->second->checksum == m.checksum) continue;
      PlanStep step = UpStep(m);
      step.reapply = row != applied.end();
      plan.steps.push_back(std::move(step));
      continue;
    }
    if (row != applied.end()) continue;
    if (options.to && CompareVersions(m.version, *options.to) > 0) continue;
    plan.steps.push_back(UpStep(m));
  }
  return plan;
}

Result<Plan> PlanDown(const source::MigrationSet& set, const std::vector<AppliedRow>& rows,
                      const DownOptions& options) {
  if (!options.batch && !options.all && !options.to && options.steps < 1) {
    return Status::InvalidArgument("--steps must be at least 1");
  }
  for (const auto& r : rows) {
    if (r.dirty) {
      return Status::Dirty(Label(r.version, r.name) + " is dirty: a no-transaction migration did not finish")
          .WithHint("finish or undo it by hand and run `strata repair " + r.version + "` before rolling back");
    }
  }
  if (options.to && std::none_of(rows.begin(), rows.end(), [&](const AppliedRow& r) {
        return CompareVersions(r.version, *options.to) == 0;
      }) && std::none_of(set.migrations.begin(), set.migrations.end(), [&](const source::Migration& m) {
        return CompareVersions(m.version, *options.to) == 0;
      })) {
    return Status::Validation("--to " + *options.to + ": no migration has this version")
        .WithHint("run `strata status` to list the versions");
  }
  // Newest first. Rows are sorted by version; roll back in reverse version
  // order (which is also reverse apply order unless --out-of-order was used).
  std::vector<const AppliedRow*> chosen;
  int64_t last_batch = 0;
  for (const auto& r : rows) {
    if (!source::IsRepeatableVersion(r.version)) last_batch = std::max(last_batch, r.batch);
  }
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
    const AppliedRow& r = *it;
    // Repeatable migrations have no down: rolling back leaves them applied
    // (as Flyway's undo does), and they never count as a step.
    if (source::IsRepeatableVersion(r.version)) continue;
    bool take = options.all ? true
                : options.to ? CompareVersions(r.version, *options.to) > 0
                : options.batch ? r.batch == last_batch
                                : static_cast<int>(chosen.size()) < options.steps;
    if (take) chosen.push_back(&r);
  }
  Plan plan;
  for (const AppliedRow* r : chosen) {
    if (!r->down_sql) {
      return Status::NotFound(Label(r->version, r->name) + " has no down migration (no .down.sql when it was applied)")
          .WithHint("nothing was rolled back; write a new migration that undoes it instead");
    }
    PlanStep step;
    step.direction = Direction::kDown;
    step.version = r->version;
    step.name = r->name;
    auto annotations = source::ParseAnnotations(*r->down_sql, DownFile(set, *r));
    step.no_transaction = annotations.ok() && annotations->no_transaction;
    step.foreign_keys_off = annotations.ok() && annotations->foreign_keys_off;
    step.file = DownFile(set, *r);
    step.row = *r;
    plan.steps.push_back(std::move(step));
  }
  return plan;
}

}  // namespace strata::engine
