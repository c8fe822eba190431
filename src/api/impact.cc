// Migrator::Impact: what pending migrations touch, and which lines of a notes
// file (a bug list) mention those objects.
#include <algorithm>
#include <cctype>

#include "api/migrator_impl.h"
#include "config/url.h"
#include "engine/planner.h"
#include "source/file_reader.h"
#include "sql/impact.h"
#include "util/strings.h"

namespace strata::api {
namespace {

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Whether `line` (lower case) mentions `name` (lower case) as a whole word:
// "users" matches "the users table" and "users.email", not "superusers".
bool Mentions(std::string_view line, std::string_view name) {
  if (name.empty()) return false;
  for (size_t at = line.find(name); at != std::string_view::npos; at = line.find(name, at + 1)) {
    bool starts = at == 0 || !IsWordChar(line[at - 1]);
    size_t end = at + name.size();
    bool ends = end == line.size() || !IsWordChar(line[end]);
    if (starts && ends) return true;
  }
  return false;
}

// The names a note may mention: each object's name, a column also without
// its table ("email" for users.email), and a qualified name without its
// schema.
std::vector<std::string> NamesOf(const std::vector<ImpactChange>& changes) {
  std::vector<std::string> names;
  auto add = [&](std::string n) {
    if (n.empty()) return;
    n = util::ToLower(n);
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(std::move(n));
  };
  for (const auto& c : changes) {
    add(c.name);
    if (size_t dot = c.name.rfind('.'); dot != std::string::npos) add(c.name.substr(dot + 1));
    if (!c.table.empty()) add(c.table);
  }
  return names;
}

std::vector<ImpactNote> MatchNotes(const std::string& file, const std::vector<std::string>& lines,
                                   const std::vector<std::string>& names) {
  std::vector<ImpactNote> out;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string lower = util::ToLower(lines[i]);
    ImpactNote note;
    for (const auto& n : names) {
      if (Mentions(lower, n)) note.matches.push_back(n);
    }
    if (note.matches.empty()) continue;
    note.file = file;
    note.line = static_cast<int>(i) + 1;
    note.text = lines[i];
    out.push_back(std::move(note));
  }
  return out;
}

}  // namespace

Result<ImpactReport> MigratorImpl::Impact(const ImpactOptions& options) {
  auto set = LoadFiles();
  if (!set.ok()) return Scrub(set.status());
  const auto& migrations = set->migrations;

  // 1. Which migrations: the given versions, or what `up` would apply.
  std::vector<bool> chosen(migrations.size(), false);
  if (!options.versions.empty()) {
    for (const auto& v : options.versions) {
      auto it = std::find_if(migrations.begin(), migrations.end(),
                             [&](const source::Migration& m) { return source::CompareVersions(m.version, v) == 0; });
      if (it == migrations.end()) {
        return Status::NotFound(v + ": no migration has this version").WithHint("run `strata status` to list them");
      }
      chosen[static_cast<size_t>(it - migrations.begin())] = true;
    }
  } else {
    if (config_.env.url.empty() && config_.url_status.ok()) {
      return Status::InvalidArgument("no database URL: strata cannot tell which migrations are pending")
          .WithHint("name the migrations (`strata impact VERSION...`), or pass --url or --env");
    }
    std::vector<engine::AppliedRow> rows;
    if (!SqliteFileMissing()) {
      auto conn = Connect();
      if (!conn.ok()) return Scrub(conn.status());
      engine::History history(**conn, Tables(), config_.env.name);
      auto loaded = history.Load(false);
      if (!loaded.ok()) return Scrub(loaded.status());
      rows = std::move(*loaded);
    }
    for (const auto& info : engine::Reconcile(*set, rows)) {
      if (info.state != MigrationState::kPending) continue;
      for (size_t i = 0; i < migrations.size(); ++i) chosen[i] = chosen[i] || migrations[i].version == info.version;
    }
  }

  // 2. What each touches, every migration feeding the schema state.
  auto url = config::ParseUrl(config_.env.url);
  bool sqlite = url.ok() && url->scheme == config::Url::Scheme::kSqlite;
  std::vector<sql::ImpactInput> inputs;
  for (size_t i = 0; i < migrations.size(); ++i) inputs.push_back({migrations[i].up_sql, chosen[i]});
  auto impacts = sql::AnalyzeImpact(inputs, sqlite ? sql::Dialect::kSqlite : sql::Dialect::kPostgres);

  // 3. The notes file.
  ImpactReport report;
  report.dialect = sqlite ? "sqlite" : "postgres";
  report.notes_file = options.notes_file.empty() ? config_.impact_notes : options.notes_file;
  std::vector<std::string> note_lines;
  if (!report.notes_file.empty()) {
    auto text = source::ReadMigrationFile(report.notes_file);
    if (!text.ok()) {
      Status s = text.status();
      return Scrub(s.WithHint(options.notes_file.empty() ? "check impact_notes in " + config_.config_path
                                                         : "check --notes"));
    }
    note_lines = util::SplitString(text->text, '\n');
  }
  for (size_t i = 0; i < migrations.size(); ++i) {
    if (!chosen[i]) continue;
    MigrationImpact m;
    m.version = migrations[i].version;
    m.name = migrations[i].name;
    m.file = migrations[i].up_path;
    m.unparsed = impacts[i].unparsed;
    for (auto& c : impacts[i].changes) {
      m.changes.push_back({std::move(c.kind), std::move(c.name), std::move(c.table), std::move(c.action),
                           std::move(c.detail), c.line});
    }
    if (!note_lines.empty()) m.notes = MatchNotes(report.notes_file, note_lines, NamesOf(m.changes));
    report.migrations.push_back(std::move(m));
  }
  return report;
}

}  // namespace strata::api
