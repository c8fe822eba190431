#include "engine/import_plan.h"

#include <algorithm>
#include <map>
#include <set>

#include "util/strings.h"

namespace strata::engine {
namespace {

using source::CompareVersions;
using source::Format;
using source::Migration;

struct VersionLess {
  bool operator()(const std::string& a, const std::string& b) const { return CompareVersions(a, b) < 0; }
};

std::string Label(const Migration& m) { return m.name.empty() ? m.version : m.version + "_" + m.name; }
std::string Short(const std::string& checksum) { return checksum.substr(0, 12); }

const Migration* FindVersion(const source::MigrationSet& set, const std::string& version) {
  for (const auto& m : set.migrations) {
    if (!m.repeatable() && CompareVersions(m.version, version) == 0) return &m;
  }
  return nullptr;
}

// Collects the plan; records each migration once and skips what strata
// already recorded.
class Builder {
 public:
  Builder(const std::string& table, const std::vector<AppliedRow>& strata_rows) : table_(table) {
    for (const auto& r : strata_rows) recorded_.insert(r.version);
  }

  void Record(const Migration& m, std::string checksum, int64_t duration_ms, std::string detail) {
    if (!done_.insert(m.version).second) return;
    if (recorded_.count(m.version)) {
      plan_.already.push_back(m.version);
      return;
    }
    plan_.records.push_back({&m, std::move(checksum), duration_ms, std::move(detail)});
  }
  void Problem(std::string kind, std::string version, std::string file, std::string message, std::string hint) {
    plan_.problems.push_back({std::move(kind), std::move(version), std::move(file), 0, std::move(message),
                              std::move(hint)});
  }
  void Note(std::string version, std::string file, std::string message) {
    plan_.notes.push_back({std::move(version), std::move(file), std::move(message)});
  }
  bool Handled(const Migration& m) const { return done_.count(m.version) > 0; }
  const std::string& table() const { return table_; }

  ImportPlan Finish(const source::MigrationSet& set) {
    // Whatever the tool did not apply stays pending; say so when it is older
    // than something applied (strata's `up` then wants --out-of-order).
    std::string newest;
    for (const auto& r : plan_.records) {
      if (!r.migration->repeatable() && (newest.empty() || CompareVersions(r.migration->version, newest) > 0)) {
        newest = r.migration->version;
      }
    }
    for (const auto& m : set.migrations) {
      if (Handled(m) || m.repeatable() || newest.empty() || CompareVersions(m.version, newest) > 0) continue;
      if (std::any_of(plan_.notes.begin(), plan_.notes.end(), [&](const ImportNote& n) { return n.version == m.version; })) {
        continue;
      }
      Note(m.version, m.up_path,
           Label(m) + " stays pending: " + table_ + " does not record it, though a newer migration is applied "
                      "(`strata up --out-of-order` runs it)");
    }
    std::sort(plan_.records.begin(), plan_.records.end(), [](const ImportRecord& a, const ImportRecord& b) {
      return CompareVersions(a.migration->version, b.migration->version) < 0;
    });
    return std::move(plan_);
  }

 private:
  std::string table_;
  std::set<std::string, VersionLess> recorded_;
  std::set<std::string, VersionLess> done_;
  ImportPlan plan_;
};

void PlanDrizzle(const source::MigrationSet& set, const std::vector<ForeignRow>& rows, Builder& b) {
  std::map<std::string, const Migration*> by_when;
  for (const auto& m : set.migrations) by_when[m.tool_key] = &m;
  int64_t newest = -1;
  for (const ForeignRow& row : rows) {
    try {
      newest = std::max<int64_t>(newest, std::stoll(row.created_at));
    } catch (...) {
    }
    auto it = by_when.find(row.created_at);
    if (it == by_when.end()) {
      b.Problem("missing", "", "",
                b.table() + " row " + std::to_string(row.rank) + " (created_at " + row.created_at +
                    ") matches no entry of meta/_journal.json",
                "restore the journal entry and its file: strata cannot tell what that migration did");
      continue;
    }
    const Migration& m = *it->second;
    if (row.checksum != m.tool_checksum) {
      b.Problem("checksum", m.version, m.up_path,
                Label(m) + " changed since drizzle applied it (hash " + Short(row.checksum) + " recorded, " +
                    Short(m.tool_checksum) + " now)",
                "restore the applied file (git log -p " + m.up_path +
                    "); put a further change in a new migration");
      continue;
    }
    b.Record(m, m.checksum, 0, "hash matches " + b.table() + " row " + std::to_string(row.rank));
  }
  // drizzle runs only entries newer than its newest row: an older entry
  // without a row was never run, and never will be by drizzle.
  for (const auto& m : set.migrations) {
    if (b.Handled(m)) continue;
    int64_t when = -1;
    try {
      when = std::stoll(m.tool_key);
    } catch (...) {
    }
    if (newest >= 0 && when >= 0 && when <= newest) {
      b.Note(m.version, m.up_path,
             Label(m) + " stays pending: " + b.table() + " has no row for it, and drizzle skips journal entries "
                        "older than its newest row, so it never ran (`strata up --out-of-order` runs it)");
    }
  }
}

void PlanGolangMigrate(const source::MigrationSet& set, const std::vector<ForeignRow>& rows, Builder& b) {
  if (rows.empty()) return;
  if (rows.size() > 1) {
    b.Problem("bad_history", "", "",
              b.table() + " has " + std::to_string(rows.size()) + " rows; golang-migrate keeps exactly one",
              "check that " + b.table() + " is golang-migrate's table (dbmate uses the same name: `strata import dbmate`)");
    return;
  }
  const ForeignRow& row = rows.front();
  if (row.dirty) {
    b.Problem("dirty", row.version, "",
              b.table() + ": version " + row.version + " is dirty: golang-migrate's migration " + row.version +
                  " failed half-way",
              "fix the database by hand, then `migrate force " + row.version +
                  "` (or force the version before it) and import again");
    return;
  }
  if (util::StartsWith(row.version, "-")) return;  // -1: golang-migrate's "no version"
  if (!FindVersion(set, row.version)) {
    b.Problem("missing", row.version, "",
              b.table() + " is at version " + row.version + ", but the folder has no " + row.version + "_*.up.sql",
              "restore the file from version control");
    return;
  }
  for (const auto& m : set.migrations) {
    if (CompareVersions(m.version, row.version) <= 0) {
      b.Record(m, m.checksum, 0, "at or below version " + row.version + " in " + b.table());
    }
  }
}

void PlanDbmate(const source::MigrationSet& set, const std::vector<ForeignRow>& rows, Builder& b) {
  for (const ForeignRow& row : rows) {
    const Migration* m = FindVersion(set, row.version);
    if (!m) {
      b.Note(row.version, "",
             b.table() + " has version " + row.version + ", but the folder has no " + row.version +
                 "_*.sql: not imported (dbmate ignores it too)");
      continue;
    }
    b.Record(*m, m->checksum, 0, "in " + b.table());
  }
}

void PlanFlyway(const source::MigrationSet& set, const std::vector<ForeignRow>& rows, Builder& b) {
  std::map<std::string, const ForeignRow*, VersionLess> applied;  // version -> its row; erased when undone
  std::map<std::string, const ForeignRow*> repeatables;            // description -> latest row
  std::string baseline;
  for (const ForeignRow& row : rows) {
    std::string what = row.version.empty() ? "repeatable '" + row.description + "'" : "version " + row.version;
    if (!row.success) {
      b.Problem("failed", row.version, "",
                b.table() + " row installed_rank " + std::to_string(row.rank) + " (" + what + ", " + row.script +
                    ") failed: success = false",
                "fix the database and the row with Flyway first (`flyway repair`), then import again");
      continue;
    }
    std::string type = util::ToLower(row.type);
    if (type == "schema") continue;  // Flyway created the schema: nothing to run
    if (type == "baseline") {
      baseline = row.version;
      continue;
    }
    if (type == "delete" || util::StartsWith(type, "undo")) {  // `flyway repair` deletions, undo runs
      if (row.version.empty()) {
        repeatables.erase(row.description);
      } else {
        applied.erase(row.version);
      }
      continue;
    }
    if (type != "sql") {
      b.Note(row.version, "",
             b.table() + " row installed_rank " + std::to_string(row.rank) + " is a " + row.type +
                 " migration (" + row.script + "): strata runs only SQL files, so it is not imported");
      continue;
    }
    if (row.version.empty()) {
      repeatables[row.description] = &row;
    } else {
      applied[row.version] = &row;
    }
  }
  for (const auto& [version, row] : applied) {
    const Migration* m = FindVersion(set, version);
    if (!m) {
      b.Problem("missing", version, "",
                "Flyway applied version " + version + " (" + row->script + "), but the folder has no V" + version +
                    "__*.sql",
                "restore the file from version control");
      continue;
    }
    if (row->checksum != m->tool_checksum) {
      b.Problem("checksum", m->version, m->up_path,
                Label(*m) + " changed since Flyway applied it (checksum " + row->checksum + " recorded, " +
                    m->tool_checksum + " now)",
                "restore the applied file (git log -p " + m->up_path +
                    "); put a further change in a new migration, as Flyway's validate also requires");
      continue;
    }
    b.Record(*m, m->checksum, row->execution_time, "checksum " + row->checksum + " matches");
  }
  if (!baseline.empty()) {
    for (const auto& m : set.migrations) {
      if (m.repeatable() || CompareVersions(m.version, baseline) > 0 || applied.count(m.version)) continue;
      b.Record(m, m.checksum, 0, "at or below Flyway's baseline " + baseline);
    }
  }
  for (const auto& [description, row] : repeatables) {
    const Migration* m = nullptr;
    for (const auto& f : set.migrations) {
      if (f.repeatable() && f.tool_key == description) m = &f;
    }
    if (!m) {
      b.Problem("missing", "", "",
                "Flyway applied the repeatable migration '" + description + "' (" + row->script +
                    "), but the folder has no R__ file for it",
                "restore the file from version control");
      continue;
    }
    if (row->checksum == m->tool_checksum) {
      b.Record(*m, m->checksum, row->execution_time, "checksum " + row->checksum + " matches");
    } else {
      // Flyway would apply it again on its next migrate; so does strata's
      // next `up`: the recorded checksum is Flyway's, not the file's.
      b.Record(*m, "flyway-crc32:" + row->checksum, row->execution_time,
               "changed since Flyway applied it (checksum " + row->checksum + " recorded, " + m->tool_checksum +
                   " now): `strata up` applies it again, as Flyway would");
    }
  }
}

}  // namespace

ImportPlan PlanImport(Format tool, const std::string& table, const source::MigrationSet& set,
                      const std::vector<ForeignRow>& rows, const std::vector<AppliedRow>& strata_rows) {
  Builder b(table, strata_rows);
  switch (tool) {
    case Format::kDrizzle: PlanDrizzle(set, rows, b); break;
    case Format::kGolangMigrate: PlanGolangMigrate(set, rows, b); break;
    case Format::kDbmate: PlanDbmate(set, rows, b); break;
    case Format::kFlyway: PlanFlyway(set, rows, b); break;
    default: break;
  }
  return b.Finish(set);
}

}  // namespace strata::engine
