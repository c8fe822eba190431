// Migrator::Plan: what `up` would run, read from the tracking table without
// the migration lock or any write (a plan is a look, and must work while
// another runner holds the lock), then each pending migration's statements,
// their locks (PostgreSQL lock table, sql::AnalyzePostgres) and its lint
// findings: text rules over every migration, plus the semantic check
// (semantic_check.h) with the applied migrations replayed first.
#include <algorithm>
#include <cctype>
#include <future>

#include "api/lint_convert.h"
#include "api/migrator_impl.h"
#include "api/schema_support.h"
#include "api/semantic_check.h"
#include "api/trace_check.h"
#include "config/url.h"
#include "engine/transaction_control.h"
#include "sql/lint.h"
#include "sql/split.h"

namespace strata::api {
namespace {

constexpr size_t kTextWidth = 80;

// The statement's first line, abbreviated: enough to recognise it.
std::string Abbreviate(std::string_view statement) {
  size_t start = 0;
  while (start < statement.size() && std::isspace(static_cast<unsigned char>(statement[start]))) ++start;
  statement.remove_prefix(start);
  size_t eol = statement.find('\n');
  std::string line(statement.substr(0, eol));
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
  bool more = eol != std::string_view::npos && statement.find_first_not_of(" \t\r\n", eol) != std::string_view::npos;
  if (line.size() > kTextWidth) {
    line.resize(kTextWidth - 3);
    more = true;
  }
  return more ? line + " ..." : line;
}

// SQLite statements have no lock table: the kind is the leading keywords.
std::string LeadingKind(std::string_view text) {
  static const char* kObjects[] = {"TABLE", "INDEX", "VIEW", "TRIGGER"};
  std::string kind;
  size_t i = 0;
  for (int words = 0; words < 4; ++words) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start) break;
    std::string word(text.substr(start, i - start));
    for (auto& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    kind += (kind.empty() ? "" : " ") + word;
    bool ddl = words == 0 && (word == "CREATE" || word == "DROP" || word == "ALTER");
    if (words == 0 && !ddl) break;
    if (std::find(std::begin(kObjects), std::end(kObjects), word) != std::end(kObjects)) break;
  }
  return kind;
}

// A data migration can hold millions of statements: the plan lists the
// first kListed of them, and after that only the ones that are not plain
// data changes (DDL, locks worth seeing), counting the rest.
constexpr int kListed = 50;

bool PlainData(std::string_view kind) {
  return kind == "INSERT" || kind == "UPDATE" || kind == "DELETE" || kind == "SELECT" || kind == "COPY" ||
         kind == "VALUES" || kind == "REPLACE";
}

void Keep(PlanStatement&& p, PlanMigration* m) {
  int index = m->statements_total++;
  if (index >= kListed && PlainData(p.kind)) {
    ++m->statements_omitted;
    return;
  }
  m->statements.push_back(std::move(p));
}

void SqliteStatements(const engine::PlanStep& step, PlanMigration* m) {
  const std::string& script = step.sql();
  sql::LineTracker lines(script);
  Status s = sql::ForEachStatement(script, sql::Dialect::kSqlite, [&](const sql::Statement& st) {
    PlanStatement p;
    sql::LineCol at = lines.At(st.offset);
    p.line = at.line;
    p.column = at.column;
    p.kind = LeadingKind(st.text);
    p.text = Abbreviate(st.text);
    p.in_transaction = !step.no_transaction;
    Keep(std::move(p), m);
    return true;
  });
  (void)s;  // a script that does not split is listed as far as it does
}

void PostgresStatements(const engine::PlanStep& step, PlanMigration* m) {
  std::string_view script(step.sql());
  std::vector<PlanStatement> listed;
  PlanMigration attempt;
  Status s = sql::AnalyzePostgres(script, step.no_transaction, [&](sql::StatementInfo&& info) {
    PlanStatement p;
    p.line = info.line;
    p.column = info.column;
    p.kind = info.kind;
    p.text = Abbreviate(script.substr(info.offset, info.length));
    p.in_transaction = info.in_transaction;
    for (const auto& lock : info.locks) p.locks.push_back({lock.relation, std::string(sql::ToString(lock.mode))});
    Keep(std::move(p), &attempt);
  });
  // A script the parser rejects is reported as syntax-error; list it by
  // the scanner alone.
  if (!s.ok()) return SqliteStatements(step, m);
  m->statements = std::move(attempt.statements);
  m->statements_total = attempt.statements_total;
  m->statements_omitted = attempt.statements_omitted;
}

bool IsApplied(const source::Migration& m, const std::vector<engine::AppliedRow>& rows) {
  return std::any_of(rows.begin(), rows.end(),
                     [&](const engine::AppliedRow& r) { return source::CompareVersions(r.version, m.version) == 0; });
}

}  // namespace

// --trace (api/trace_check.h): in a dev database when there is a dev_url
// (the applied migrations replayed first), else on the target itself, in
// one transaction that is rolled back, under the environment's lock_timeout
// (2s without one) so that the trace never queues behind production traffic.
Status MigratorImpl::AddTrace(const source::MigrationSet& set, const std::vector<engine::AppliedRow>& rows,
                              const std::vector<engine::PlanStep>& steps, const PlanOptions& options,
                              driver::Connection* target, const std::string& dev_url, PlanReport* report,
                              LintReport* findings) {
  std::vector<sql::LintMigration> inputs;
  for (const auto& m : set.migrations) {
    if (IsApplied(m, rows)) inputs.push_back(ToLintInput(m, false));
  }
  for (const auto& step : steps) inputs.push_back(ToLintInput(*step.migration, true));
  TraceCheckOptions t;
  t.allow = options.allow;
  std::vector<LintFinding> found;
  int allowed = 0;
  Result<TraceReport> traced = Status::Internal("not traced");
  std::unique_ptr<DevDatabase> dev;
  if (!dev_url.empty()) {
    auto made = DevDatabase::Create(MakeDevTarget(config_, schema::Dialect::kPostgres, options.dev_url));
    if (!made.ok()) return made.status();
    dev = std::move(*made);
    t.where = "a throwaway dev database on dev_url (each migration rolled back, then applied)";
    traced = TraceMigrations(dev->conn(), inputs, t, &found, &allowed);
  } else {
    if (target == nullptr) return Status::Internal("no connection to trace on");
    t.dev = false;
    auto ms = config_.env.lock_timeout.count();
    t.lock_timeout = ms > 0 ? std::to_string(ms) + "ms" : "2s";
    t.where = "the target database " + redacted_url_ + " (one transaction, rolled back; lock_timeout " + t.lock_timeout + ")";
    traced = TraceMigrations(*target, inputs, t, &found, &allowed);
  }
  if (!traced.ok()) return traced.status();
  report->traced = true;
  report->trace = std::move(*traced);
  findings->allowed += allowed;
  for (auto& f : found) findings->findings.push_back(std::move(f));
  return Status::Ok();
}

Result<PlanReport> MigratorImpl::Plan(const PlanOptions& options) {
  auto set = LoadFiles();
  if (!set.ok()) return Scrub(set.status());
  // Transaction control, the lock analysis and lint each go over every
  // pending script; a large one is split once (the files in `set` stay as
  // they are until the end).
  sql::StatementMemo memo;
  for (const auto& m : set->migrations) memo.Allow(m.up_sql);
  auto url = config::ParseUrl(config_.env.url);
  if (!config_.url_status.ok()) return Scrub(config_.url_status);
  bool postgres = url.ok() && url->scheme != config::Url::Scheme::kSqlite;
  // Connecting to PostgreSQL (loading libpq and its libraries, the server
  // starting a backend, the schema and pooler checks) takes tens of
  // milliseconds. Meanwhile this thread splits the newest migrations into
  // the memo: the pending ones usually are the newest, and their statements
  // are needed next. Up to 16 MB, so that an applied data migration of
  // 100 MB is never split for nothing; nothing between here and get()
  // returns early, so a failed connection is reported as before.
  std::future<Result<driver::Connection*>> connecting;
  if (postgres && !conn_) {
    connecting = std::async(std::launch::async, [this] { return Connect(); });
    size_t budget = size_t{16} << 20;
    for (auto m = set->migrations.rbegin(); m != set->migrations.rend(); ++m) {
      if (connecting.wait_for(std::chrono::seconds(0)) == std::future_status::ready) break;
      if (!memo.Allowed(m->up_sql)) continue;  // too small to be remembered: splitting it now would be lost
      if (m->up_sql.size() > budget) break;
      budget -= m->up_sql.size();
      (void)sql::ForEachStatement(m->up_sql, sql::Dialect::kPostgres, [](const sql::Statement&) { return true; });
    }
  }
  // Read-only: a SQLite file that does not exist has nothing applied, and
  // opening it would create it.
  std::vector<engine::AppliedRow> rows;
  driver::Connection* conn = nullptr;  // for the table sizes `up` will see
  if (connecting.valid() || !SqliteFileMissing()) {  // (conn_ is the other thread's until get())
    auto connected = connecting.valid() ? connecting.get() : Connect();
    if (!connected.ok()) return Scrub(connected.status());
    conn = *connected;
    engine::History history(*conn, Tables(), config_.env.name);
    auto loaded = history.Load(/*with_down_sql=*/false);
    if (!loaded.ok()) return Scrub(loaded.status());
    rows = std::move(*loaded);
  }
  UpOptions up;
  up.to = options.to;
  up.out_of_order = options.out_of_order;
  up.allow = options.allow;
  auto plan = engine::PlanUp(*set, rows, up);
  if (!plan.ok()) return Scrub(plan.status());

  PlanReport report;
  report.environment = config_.env.name;
  report.url = redacted_url_;
  report.dialect = postgres ? "postgres" : "sqlite";
  report.lint_policy = config_.env.lint;
  report.pooler = pooler_;
  if (report.dialect == "postgres") {
    report.lock_timeout_ms = config_.env.lock_timeout.count();
    report.statement_timeout_ms = config_.env.statement_timeout.count();
  }
  for (const auto& original : plan->steps) {
    // As `up` will run it: the file's own wrapper and foreign-key pragmas
    // honoured, or the migration refused.
    engine::PlanStep step = original;
    Status control =
        engine::ApplyTransactionControl(&step, postgres ? sql::Dialect::kPostgres : sql::Dialect::kSqlite);
    PlanMigration m;
    m.version = step.version;
    m.name = step.name;
    m.file = step.file;
    m.no_transaction = step.no_transaction;
    m.foreign_keys_off = step.foreign_keys_off;
    m.notes = step.control_notes;
    if (!control.ok()) {
      m.refused = Scrub(control).ToString();
      report.refused = true;
    }
    if (postgres) {
      PostgresStatements(step, &m);
    } else {
      SqliteStatements(step, &m);
    }
    report.migrations.push_back(std::move(m));
  }
  if (Status pooled = CheckPoolerSafe(*plan); !pooled.ok()) {
    for (auto& m : report.migrations) {
      if (m.file == pooled.file() && m.refused.empty()) m.refused = Scrub(pooled).ToString();
    }
    report.refused = true;
  }
  if (plan->steps.empty()) return report;

  // Text rules, as `up` lints them.
  auto result = LintSteps(*set, plan->steps, options.allow, conn);
  if (!result.ok()) return Scrub(result.status());
  LintReport findings;
  findings.allowed = result->allowed;
  for (const auto& f : result->findings) findings.findings.push_back(ToPublic(f));

  // Semantic: the applied migrations replayed (the state the live database
  // should be in), then the pending ones in the order `up` runs them.
  std::string dev_url = options.dev_url.empty() ? config_.env.dev_url : options.dev_url;
  if (!options.semantic) {
    report.semantic_skipped = "not requested";
  } else if (postgres && dev_url.empty()) {
    report.semantic_skipped = "no dev_url for a PostgreSQL dev database";
  } else {
    std::vector<sql::LintMigration> replay;
    for (const auto& m : set->migrations) {
      if (IsApplied(m, rows)) replay.push_back(ToLintInput(m, false));
    }
    for (const auto& step : plan->steps) replay.push_back(ToLintInput(*step.migration, true));
    auto dialect = postgres ? schema::Dialect::kPostgres : schema::Dialect::kSqlite;
    Status s = AddSemanticFindings(MakeDevTarget(config_, dialect, options.dev_url), replay, options.allow, &findings);
    if (!s.ok()) return Scrub(s);
    report.semantic = true;
  }
  if (options.trace) {
    if (!postgres) return Scrub(Status::InvalidArgument("--trace reads PostgreSQL's locks; this environment is SQLite"));
    Status s = AddTrace(*set, rows, plan->steps, options, conn, dev_url, &report, &findings);
    if (!s.ok()) return Scrub(s);
  }

  report.allowed = findings.allowed;
  for (auto& f : findings.findings) {
    if (f.severity == LintSeverity::kError) ++report.errors;
    if (f.severity == LintSeverity::kWarning) ++report.warnings;
    if (f.severity == LintSeverity::kInfo) ++report.infos;
    for (auto& m : report.migrations) {
      if (m.file == f.file) {
        m.findings.push_back(std::move(f));
        break;
      }
    }
  }
  // As LintPending decides: errors block under lint = "error"; the errors of
  // rules that always block (sql::RuleInfo::blocks) under any policy but off.
  for (const auto& m : report.migrations) {
    for (const auto& f : m.findings) {
      const sql::RuleInfo* rule = sql::FindRule(f.rule);
      bool always = rule != nullptr && rule->blocks && report.lint_policy != "off";
      if (f.severity == LintSeverity::kError && (report.lint_policy == "error" || always)) report.blocked = true;
    }
  }
  return report;
}

}  // namespace strata::api
