// Migrator::Lint and `up`'s lint policy: migration files -> sql::Lint ->
// LintReport. The rules themselves live in src/sql.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>

#include "api/lint_convert.h"
#include "api/migrator_impl.h"
#include "api/schema_support.h"
#include "api/semantic_check.h"
#include "api/trace_check.h"
#include "config/url.h"
#include "source/file_reader.h"
#include "sql/lint.h"
#include "util/fs.h"
#include "util/strings.h"

namespace strata {

std::string_view ToString(LintSeverity severity) {
  switch (severity) {
    case LintSeverity::kError: return "error";
    case LintSeverity::kWarning: return "warning";
    case LintSeverity::kInfo: return "info";
  }
  return "error";
}

namespace api {
namespace {

// "0003_add_index.up.sql" -> version "0003", name "add_index".
void VersionAndName(const std::string& path, sql::LintMigration* m) {
  std::string base = std::filesystem::path(path).filename().string();
  size_t digits = 0;
  while (digits < base.size() && std::isdigit(static_cast<unsigned char>(base[digits]))) ++digits;
  m->version = base.substr(0, digits);
  std::string rest = base.substr(digits);
  if (!rest.empty() && rest[0] == '_') rest = rest.substr(1);
  for (const char* suffix : {".up.sql", ".sql"}) {
    std::string_view sfx(suffix);
    if (rest.size() >= sfx.size() && rest.compare(rest.size() - sfx.size(), sfx.size(), sfx) == 0) {
      rest.resize(rest.size() - sfx.size());
      break;
    }
  }
  m->name = rest;
}

std::string Canonical(const std::string& path) {
  std::error_code ec;
  auto p = std::filesystem::weakly_canonical(path, ec);
  return ec ? path : p.string();
}

void Count(LintReport* report) {
  for (const auto& f : report->findings) {
    if (f.severity == LintSeverity::kError) ++report->errors;
    if (f.severity == LintSeverity::kWarning) ++report->warnings;
    if (f.severity == LintSeverity::kInfo) ++report->infos;
  }
}

Result<sql::Dialect> LintDialect(const config::Config& config, const std::string& requested) {
  if (requested == "postgres" || requested == "postgresql") return sql::Dialect::kPostgres;
  if (requested == "sqlite") return sql::Dialect::kSqlite;
  if (!requested.empty()) {
    return Status::InvalidArgument("unknown dialect '" + requested + "'").WithHint("use postgres or sqlite");
  }
  return DialectOfUrl(config.env.url);
}

// Table sizes from pg_class, read once. reltuples is -1 for a table never
// vacuumed or analysed (PostgreSQL 14+): unknown, not empty.
class PgTableStats : public sql::TableStats {
 public:
  static Result<std::unique_ptr<sql::TableStats>> Load(driver::Connection& conn) {
    auto rows = conn.Query(
        "SELECT CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END, "
        "c.reltuples::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')");
    if (!rows.ok()) return rows.status();
    auto stats = std::make_unique<PgTableStats>();
    for (const auto& row : rows->rows) {
      if (row.size() < 2 || !row[0] || !row[1]) continue;
      double n = std::strtod(row[1]->c_str(), nullptr);
      if (n >= 0) stats->rows_[*row[0]] = n;
    }
    return std::unique_ptr<sql::TableStats>(std::move(stats));
  }
  std::optional<double> EstimatedRows(std::string_view table) const override {
    auto it = rows_.find(std::string(table));
    if (it == rows_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::map<std::string, double> rows_;
};

using OnDelete = sql::ForeignKeyReference::OnDelete;

OnDelete OnDeleteOf(std::string_view action) {
  if (action == "CASCADE" || action == "c") return OnDelete::kCascade;
  if (action == "SET NULL" || action == "n") return OnDelete::kSetNull;
  if (action == "SET DEFAULT" || action == "d") return OnDelete::kSetDefault;
  if (action == "RESTRICT" || action == "r") return OnDelete::kRestrict;
  return OnDelete::kNoAction;
}

// The live database's foreign keys, for the rules that follow a DROP to the
// tables that reference the dropped one (drop-referenced-table,
// drop-cascade). One query.
Result<std::vector<sql::ForeignKeyReference>> LiveReferences(driver::Connection& conn) {
  const bool sqlite = conn.dialect() == driver::Dialect::kSqlite;
  auto rows = conn.Query(
      sqlite ? "SELECT m.name, p.\"table\", group_concat(p.\"from\", ', '), p.on_delete FROM sqlite_schema m, "
               "pragma_foreign_key_list(m.name) p WHERE m.type = 'table' GROUP BY m.name, p.id"
             : "SELECT CASE WHEN n.nspname = 'public' THEN t.relname ELSE n.nspname || '.' || t.relname END, "
               "CASE WHEN pn.nspname = 'public' THEN p.relname ELSE pn.nspname || '.' || p.relname END, "
               "(SELECT string_agg(a.attname, ', ' ORDER BY k.i) FROM unnest(c.conkey) WITH ORDINALITY k(num, i) "
               "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num), c.confdeltype::text "
               "FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = "
               "t.relnamespace JOIN pg_class p ON p.oid = c.confrelid JOIN pg_namespace pn ON pn.oid = "
               "p.relnamespace WHERE c.contype = 'f'");
  if (!rows.ok()) return rows.status().With("read the database's foreign keys");
  std::vector<sql::ForeignKeyReference> out;
  for (const auto& row : rows->rows) {
    if (row.size() < 4 || !row[0] || !row[1]) continue;
    out.push_back({*row[0], *row[1], row[2].value_or(""), OnDeleteOf(row[3].value_or(""))});
  }
  return out;
}

}  // namespace

LintFinding ToPublic(const sql::Finding& f) {
  LintFinding out;
  out.file = f.file;
  out.version = f.version;
  out.line = f.line;
  out.column = f.column;
  out.rule = f.rule;
  out.severity = f.severity == sql::Severity::kError     ? LintSeverity::kError
                 : f.severity == sql::Severity::kWarning ? LintSeverity::kWarning
                                                         : LintSeverity::kInfo;
  out.message = f.message;
  out.hint = f.hint;
  return out;
}

sql::LintMigration ToLintInput(const source::Migration& m, bool report) {
  sql::LintMigration out;
  out.version = m.version;
  out.name = m.name;
  out.file = m.up_path;
  out.sql = m.up_sql;
  out.no_transaction = m.up_annotations.no_transaction;
  out.foreign_keys_off = m.up_annotations.foreign_keys_off;
  out.allow = m.up_annotations.allow;
  out.has_down = m.down_path.has_value();
  if (m.down_path && m.down_sql) {
    out.down_file = *m.down_path;
    out.down_sql = *m.down_sql;
  }
  out.report = report;
  return out;
}

Result<LintReport> MigratorImpl::Lint(const LintOptions& options) {
  auto dialect = LintDialect(config_, options.dialect);
  if (!dialect.ok()) return Scrub(dialect.status());
  // The directory gives the schema state before the files; without files
  // it is what gets linted, so then it must exist.
  auto set = LoadFiles();
  if (!set.ok() && options.files.empty()) return Scrub(set.status());
  source::MigrationSet files = set.ok() ? std::move(*set) : source::MigrationSet{};

  std::vector<sql::LintMigration> inputs;
  std::vector<std::string> contents;  // own the SQL of files outside the directory
  contents.reserve(options.files.size());
  if (options.files.empty()) {
    for (const auto& m : files.migrations) inputs.push_back(ToLintInput(m, true));
  } else {
    std::map<std::string, const source::Migration*> by_path;
    for (const auto& m : files.migrations) by_path[Canonical(m.up_path)] = &m;
    std::vector<const source::Migration*> wanted;
    std::vector<std::string> outside;
    for (const auto& f : options.files) {
      auto it = by_path.find(Canonical(f));
      if (it != by_path.end()) {
        wanted.push_back(it->second);
      } else {
        outside.push_back(f);
      }
    }
    // Directory migrations up to the newest requested one, in version order;
    // only the requested ones are reported.
    const source::Migration* newest = nullptr;
    for (const auto* w : wanted) {
      if (!newest || source::CompareVersions(w->version, newest->version) > 0) newest = w;
    }
    for (const auto& m : files.migrations) {
      if (!newest || source::CompareVersions(m.version, newest->version) > 0) break;
      bool report = std::find(wanted.begin(), wanted.end(), &m) != wanted.end();
      inputs.push_back(ToLintInput(m, report));
    }
    for (const auto& f : outside) {
      // The readers' own checks: no FIFO, no NUL byte, UTF-8.
      auto read = source::ReadMigrationFile(f);
      if (!read.ok()) return Scrub(read.status());
      auto annotations = source::ParseAnnotations(read->text, f);
      if (!annotations.ok()) return Scrub(annotations.status());
      contents.push_back(std::move(read->text));
      sql::LintMigration m;
      VersionAndName(f, &m);
      m.file = f;
      m.sql = contents.back();
      m.no_transaction = annotations->no_transaction;
      m.foreign_keys_off = annotations->foreign_keys_off;
      m.allow = annotations->allow;
      std::string down = f;
      if (util::EndsWith(down, ".up.sql")) {
        down.replace(down.size() - 7, 7, ".down.sql");
        m.has_down = util::Exists(down);
      }
      inputs.push_back(std::move(m));
    }
  }

  sql::LintOptions lint;
  lint.dialect = *dialect;
  lint.allow = options.allow;
  lint.lock_timeout_configured = config_.env.lock_timeout.count() > 0;
  lint.require_idempotent = options.require_idempotent;
  std::unique_ptr<sql::TableStats> stats;
  if (options.use_database && !SqliteFileMissing()) {
    auto conn = Connect();
    if (!conn.ok()) return Scrub(conn.status());
    if (*dialect == sql::Dialect::kPostgres) {
      auto loaded = PgTableStats::Load(**conn);
      if (!loaded.ok()) return Scrub(loaded.status());
      stats = std::move(*loaded);
      lint.stats = stats.get();
    }
    auto references = LiveReferences(**conn);
    if (!references.ok()) return Scrub(references.status());
    lint.references = std::move(*references);
  }
  sql::StatementMemo memo;  // control and rules read each large script once
  for (const auto& input : inputs) memo.Allow(input.sql);  // borrowed from `set`, unchanged until the end
  sql::LintResult result = sql::Lint(inputs, lint);

  LintReport report;
  report.dialect = *dialect == sql::Dialect::kPostgres ? "postgres" : "sqlite";
  for (const auto& in : inputs) report.files += in.report ? 1 : 0;
  if (options.files.empty()) {
    for (const auto& e : files.empty) report.empty.push_back(e.up_path);
    report.files += static_cast<int>(files.empty.size());
  }
  report.statements = result.statements;
  report.allowed = result.allowed;
  for (const auto& f : result.findings) report.findings.push_back(ToPublic(f));
  if (options.semantic) {
    // semantic_check.cc: the same files replayed in a dev database.
    auto dev_dialect = *dialect == sql::Dialect::kPostgres ? schema::Dialect::kPostgres : schema::Dialect::kSqlite;
    Status s = AddSemanticFindings(MakeDevTarget(config_, dev_dialect, options.dev_url), inputs, options.allow, &report);
    if (!s.ok()) return Scrub(s);
  }
  if (options.trace) {
    // trace_check.h: each reported file traced in a dev database.
    if (*dialect != sql::Dialect::kPostgres) {
      return Scrub(Status::InvalidArgument("--trace reads PostgreSQL's locks; these migrations are linted as SQLite"));
    }
    auto dev = DevDatabase::Create(MakeDevTarget(config_, schema::Dialect::kPostgres, options.dev_url));
    if (!dev.ok()) return Scrub(dev.status());
    TraceCheckOptions t;
    t.allow = options.allow;
    t.where = "a throwaway dev database on dev_url (each migration rolled back, then applied)";
    auto traced = TraceMigrations((*dev)->conn(), inputs, t, &report.findings, &report.allowed);
    if (!traced.ok()) return Scrub(traced.status());
    report.traced = true;
    report.trace = std::move(*traced);
  }
  Count(&report);
  return report;
}

Result<sql::LintResult> MigratorImpl::LintSteps(const source::MigrationSet& set,
                                                const std::vector<engine::PlanStep>& steps,
                                                const std::vector<std::string>& allow, driver::Connection* conn) {
  auto dialect = LintDialect(config_, "");
  if (!dialect.ok()) return dialect.status();
  std::vector<sql::LintMigration> inputs;
  for (const auto& m : set.migrations) {
    bool pending = std::any_of(steps.begin(), steps.end(), [&](const engine::PlanStep& s) { return s.migration == &m; });
    inputs.push_back(ToLintInput(m, pending));
  }
  sql::LintOptions lint;
  lint.dialect = *dialect;
  lint.allow = allow;
  lint.lock_timeout_configured = config_.env.lock_timeout.count() > 0;
  std::unique_ptr<sql::TableStats> stats;
  if (*dialect == sql::Dialect::kPostgres && conn && conn->dialect() == driver::Dialect::kPostgres) {
    auto loaded = PgTableStats::Load(*conn);
    if (!loaded.ok()) return loaded.status();
    stats = std::move(*loaded);
    lint.stats = stats.get();
  }
  if (conn) {
    auto references = LiveReferences(*conn);
    if (!references.ok()) return references.status();
    lint.references = std::move(*references);
  }
  return sql::Lint(inputs, lint);
}

Status MigratorImpl::LintPending(const source::MigrationSet& set, const std::vector<engine::PlanStep>& steps,
                                 const UpOptions& options, driver::Connection* conn,
                                 std::vector<LintFinding>* shown) {
  const std::string& policy = config_.env.lint;
  if (policy == "off" || steps.empty()) return Status::Ok();
  auto result = LintSteps(set, steps, options.allow, conn);
  if (!result.ok()) return result.status();

  std::string blocking;
  int errors = 0;
  for (const auto& f : result->findings) {
    LintFinding finding = ToPublic(f);
    // Rows lost in a table the migration does not name block whatever the
    // policy (sql::RuleInfo::blocks): nobody reads a warning in a deploy log
    // in time.
    const sql::RuleInfo* rule = sql::FindRule(f.rule);
    bool always = rule != nullptr && rule->blocks;
    if ((policy == "error" || always) && finding.severity == LintSeverity::kError) {
      ++errors;
      blocking += "\n  " + finding.file + ":" + std::to_string(finding.line) + ":" + std::to_string(finding.column) +
                  ": " + finding.rule + ": " + finding.message;
      continue;
    }
    // What a run shows: under "warning" the errors (which did not block),
    // under "error" the warnings too. Hygiene advice at warning and info
    // level stays with `strata lint`, so that every `up` is not noisy.
    bool show = policy == "error" ? finding.severity == LintSeverity::kWarning
                                  : finding.severity == LintSeverity::kError;
    if (show) shown->push_back(std::move(finding));
  }
  if (errors == 0) return Status::Ok();
  std::string env = config_.env.name.empty() ? "" : " in environment '" + config_.env.name + "'";
  std::string why = policy == "error" ? " (lint = \"error\")" : " (this rule blocks under every lint policy but \"off\")";
  return Status::Lint(std::to_string(errors) + (errors == 1 ? " lint error blocks" : " lint errors block") +
                      " `up`" + env + why + ":" + blocking)
      .WithHint("fix the migration, or allow a rule with -- strata:allow RULE in it or --allow RULE; see docs/lint/");
}

}  // namespace api
}  // namespace strata
