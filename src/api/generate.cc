// Migrator::Generate: the next migration pair from the difference between
// the schema the migrations produce and the desired schema file, checked by
// replaying it before the user ever sees it.
#include <filesystem>
#include <set>

#include "api/migrator_impl.h"
#include "api/schema_compare.h"
#include "api/schema_support.h"
#include "util/fs.h"
#include "util/strings.h"

namespace strata::api {
namespace {

// Renames the user confirms, one question per candidate: accepting one can
// make others moot (a column renamed to "mail" is no longer a candidate for
// "email2") or reveal new ones (columns of a renamed table), so the diff is
// recomputed after every yes.
schema::Diff DiffWithQuestions(const schema::Schema& from, const schema::Schema& to, schema::Dialect dialect,
                               const GenerateOptions& options, std::vector<schema::Rename>* renames) {
  schema::DiffOptions diff_options;
  diff_options.renames = *renames;
  schema::Diff diff = schema::DiffSchemas(from, to, dialect, diff_options);
  if (!options.confirm_rename) return diff;
  std::set<std::string> asked;
  for (bool again = true; again;) {
    again = false;
    for (const auto& candidate : diff.rename_candidates) {
      if (!asked.insert(schema::ToString(candidate)).second) continue;
      if (!options.confirm_rename(ToPublic(candidate))) continue;
      renames->push_back(candidate);
      diff_options.renames = *renames;
      diff = schema::DiffSchemas(from, to, dialect, diff_options);
      again = true;
      break;
    }
  }
  return diff;
}

std::string Describe(const std::vector<SchemaDifference>& differences) {
  std::string out;
  size_t shown = 0;
  for (const auto& d : differences) {
    if (shown++ == 5) {
      out += "; and " + std::to_string(differences.size() - 5) + " more";
      break;
    }
    out += (out.empty() ? "" : "; ") + d.ToString();
  }
  return out;
}

// Deletes the written pair unless released: a migration strata could not
// verify must not be left for someone to apply.
class FileGuard {
 public:
  FileGuard(std::string up, std::string down) : up_(std::move(up)), down_(std::move(down)) {}
  ~FileGuard() {
    if (!armed_) return;
    std::error_code ec;
    std::filesystem::remove(up_, ec);
    std::filesystem::remove(down_, ec);
  }
  FileGuard(const FileGuard&) = delete;
  FileGuard& operator=(const FileGuard&) = delete;
  void Release() { armed_ = false; }

 private:
  std::string up_, down_;
  bool armed_ = true;
};

const char* kDiffBugHint =
    "strata deleted the files it wrote. This is a bug in strata's schema diff: please report it with both "
    "schemas. Meanwhile write this migration by hand (`strata new NAME`).";

}  // namespace

Result<GenerateReport> MigratorImpl::Generate(const GenerateOptions& options) {
  if (source::NormalizeName(options.name).empty()) {
    return Scrub(Status::InvalidArgument("migration name '" + options.name + "' has no letters or digits")
                     .WithHint("e.g. `strata generate add_user_email`"));
  }
  auto hints = ParseRenames(options.renames);
  if (!hints.ok()) return Scrub(hints.status());
  auto dialect = EnvironmentDialect(config_);
  if (!dialect.ok()) return Scrub(dialect.status());
  DevTarget target = MakeDevTarget(config_, *dialect, options.dev_url);
  std::string schema_file = options.schema_file.empty() ? config_.schema_file : options.schema_file;

  // 1. Current: the migrations replayed. Desired: the schema file loaded.
  std::vector<source::Migration> migrations;
  std::error_code ec;
  bool have_dir = std::filesystem::exists(config_.dir, ec);
  if (ec) {
    return Scrub(Status::Io("cannot read the migrations directory: " + ec.message())
                     .At(config_.dir)
                     .WithHint("check --dir, or `dir` in strata.toml"));
  }
  if (have_dir) {
    auto loaded = LoadForReplay(config_.dir);
    if (!loaded.ok()) return Scrub(loaded.status());
    migrations = std::move(*loaded);
  }
  auto current = SchemaOfMigrations(target, migrations);
  if (!current.ok()) return Scrub(current.status());
  auto desired = SchemaOfFile(target, schema_file, "schema file");
  if (!desired.ok()) return Scrub(desired.status());

  // 2. The up and down diffs.
  std::vector<schema::Rename> renames = *hints;
  schema::Diff up = DiffWithQuestions(*current, *desired, *dialect, options, &renames);
  GenerateReport report;
  report.renames = ToPublic(renames);
  report.rename_candidates = ToPublic(up.rename_candidates);
  if (up.empty()) return report;
  schema::DiffOptions down_options;
  down_options.renames = InverseRenames(renames);
  schema::Diff down = schema::DiffSchemas(*desired, *current, *dialect, down_options);

  // 3. The files, numbered like `strata new`.
  NewOptions new_options;
  new_options.name = options.name;
  new_options.style = options.style;
  auto created = New(new_options);
  if (!created.ok()) return created.status();
  FileGuard guard(created->up_path, created->down_path);
  std::string header = util::SqlComment("Generated by `strata generate` from " +
                                        std::filesystem::path(schema_file).filename().string() +
                                        "; review before applying.") +
                       "\n";
  Status s = util::WriteFileAtomic(created->up_path, header + schema::RenderMigration(up));
  if (s.ok()) s = util::WriteFileAtomic(created->down_path, header + schema::RenderMigration(down));
  if (!s.ok()) return Scrub(s);

  // 4. Verify in a fresh dev database: every migration plus the new one must
  // give the desired schema, and the new down must give the current one.
  auto all = LoadForReplay(config_.dir);
  if (!all.ok()) return Scrub(Status(all.status()).With("check the generated migration").WithHint(kDiffBugHint));
  auto dev = DevDatabase::Create(target);
  if (!dev.ok()) return Scrub(dev.status());
  s = (*dev)->ApplyMigrations(*all);
  if (!s.ok()) return Scrub(s.With("check the generated migration").WithHint(kDiffBugHint));
  auto after_up = (*dev)->Inspect();
  if (!after_up.ok()) return Scrub(after_up.status());
  CompareWords words{"missing after the migration", "not in " + schema_file, "in " + schema_file, "after the migration",
                     *dialect};
  auto wrong = CompareSchemas(*desired, *after_up, words);
  if (!wrong.empty()) {
    return Scrub(Status::Internal("the generated migration does not produce " + schema_file + ": " + Describe(wrong))
                     .WithHint(kDiffBugHint));
  }
  const source::Migration* generated = nullptr;
  for (const auto& m : *all) {
    if (m.version == created->version) generated = &m;
  }
  if (!generated) return Scrub(Status::Internal("the generated migration " + created->up_path + " was not read back"));
  s = (*dev)->ApplyDown(*generated);
  if (!s.ok()) return Scrub(s.With("check the generated down migration").WithHint(kDiffBugHint));
  auto after_down = (*dev)->Inspect();
  if (!after_down.ok()) return Scrub(after_down.status());
  wrong = CompareSchemas(*current, *after_down, DownWords(*dialect));
  if (!wrong.empty()) {
    return Scrub(Status::Internal("the generated down migration does not restore the previous schema: " +
                                  Describe(wrong))
                     .WithHint(kDiffBugHint));
  }
  s = (*dev)->Drop();
  if (!s.ok()) return Scrub(s);

  guard.Release();
  report.generated = true;
  report.version = created->version;
  report.up_path = created->up_path;
  report.down_path = created->down_path;
  report.changes = ChangesOf(up);
  return report;
}

}  // namespace strata::api
