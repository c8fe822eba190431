// The lint framework: parses each migration, walks its statements in order
// with the schema state, runs the rule families, and turns their reports
// into findings (location, severity, hint, allow lists, table sizes).
#include "sql/lint.h"

#include <algorithm>
#include <cstdio>
#include <memory>

#include "sql/lint/rule.h"
#include "sql/lock_table.h"
#include "sql/pg_tree.h"
#include "sql/schema_state.h"
#include "util/strings.h"

namespace strata::sql {
namespace {

// The parser's message as a finding: "syntax error at or near "TABEL""
// keeps its words ("syntax error in the down migration at or near ..."),
// others get them in front ("syntax error: unterminated quoted string ...").
// A newline in the quoted token (an unterminated string) is shown as \n,
// so that a finding stays on one line.
std::string SyntaxErrorMessage(const std::string& message, std::string_view where) {
  constexpr std::string_view kPrefix = "syntax error";
  std::string parser_message;
  for (char c : message) {
    if (c == '\n') {
      parser_message += "\\n";
    } else if (c != '\r') {
      parser_message += c;
    }
  }
  if (util::StartsWith(parser_message, kPrefix)) {
    return std::string(kPrefix) + std::string(where) + parser_message.substr(kPrefix.size());
  }
  return std::string(kPrefix) + std::string(where) + ": " + parser_message;
}

// Line and column of increasing offsets in one text, in a single pass over
// it: LocateOffset per statement would be quadratic in big files.
class LineTracker {
 public:
  explicit LineTracker(std::string_view text) : text_(text) {}
  LineCol At(size_t offset) {
    if (offset < pos_) {
      pos_ = 0;
      at_ = LineCol{};
    }
    if (offset > text_.size()) offset = text_.size();
    for (; pos_ < offset; ++pos_) {
      unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (c == '\n') {
        ++at_.line;
        at_.column = 1;
      } else if ((c & 0xC0) != 0x80) {
        ++at_.column;
      }
    }
    return at_;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  LineCol at_;
};

// "~1.2M rows"
std::string RowsText(double rows) {
  char buf[32];
  if (rows >= 1e6) {
    std::snprintf(buf, sizeof(buf), "~%.1fM rows", rows / 1e6);
  } else if (rows >= 1e3) {
    std::snprintf(buf, sizeof(buf), "~%.0fk rows", rows / 1e3);
  } else {
    std::snprintf(buf, sizeof(buf), "~%.0f rows", rows);
  }
  return buf;
}

bool Contains(const std::vector<std::string>& list, std::string_view id) {
  return std::find(list.begin(), list.end(), id) != list.end();
}

// Collects the findings of one migration.
class MigrationReporter : public lint::Reporter {
 public:
  MigrationReporter(const LintMigration& m, const LintOptions& o, const SchemaState& state, LintResult* result)
      : m_(m), o_(o), state_(state), result_(result) {}

  void SetLocation(LineCol at) { at_ = at; }
  // Findings from now on name `file` (the down file) instead of the up file.
  void SetFile(std::string file) { file_ = std::move(file); }

  void Report(std::string_view id, std::string message, std::string_view table) override {
    const RuleInfo* rule = FindRule(id);
    if (rule == nullptr) return;
    if (rule->postgres_only && o_.dialect != Dialect::kPostgres) return;
    // One lock_timeout finding per migration: the fix is one SET at the top.
    if (id == "missing-lock-timeout") {
      if (lock_timeout_reported_) return;
      lock_timeout_reported_ = true;
    }
    if (Contains(m_.allow, id) || Contains(o_.allow, id)) {
      ++result_->allowed;
      return;
    }
    Severity severity = rule->severity;
    if (!table.empty()) {
      if (auto rows = state_.EstimatedRows(table)) {
        message += " (" + table_name(table) + RowsText(*rows) + ")";
        // A lock on a small table is held for milliseconds.
        if (rule->family == "locking" && severity == Severity::kError && *rows < o_.small_table_rows) {
          severity = Severity::kWarning;
        }
      }
    }
    result_->findings.push_back(Finding{file_, m_.version, at_.line, at_.column, std::string(id), severity,
                                        std::move(message), std::string(rule->hint)});
  }

 private:
  static std::string table_name(std::string_view table) { return std::string(table) + ": "; }

  const LintMigration& m_;
  std::string file_ = m_.file;
  const LintOptions& o_;
  const SchemaState& state_;
  LintResult* result_;
  LineCol at_;
  bool lock_timeout_reported_ = false;
};

// The statements of one migration. PostgreSQL: the whole text in one parse
// (the fast path); when that fails, a syntax-error finding and then each
// statement the scanner finds, parsed on its own, so that one typo does not
// hide every other finding. SQLite: the same, silently skipping what the
// PostgreSQL grammar cannot read (AUTOINCREMENT, ...).
struct ParsedMigration {
  std::vector<std::unique_ptr<ParsedScript>> scripts;  // own the trees
  std::vector<ParsedStatement> statements;
  Status error;
};

ParsedMigration ParseMigration(std::string_view sql, Dialect dialect) {
  ParsedMigration out;
  auto whole = ParsedScript::Parse(sql);
  if (whole.ok()) {
    out.statements = (*whole)->statements();
    out.scripts.push_back(std::move(*whole));
    return out;
  }
  out.error = whole.status();
  auto split = Split(sql, dialect);
  if (!split.ok()) return out;
  for (const Statement& s : *split) {
    auto one = ParsedScript::Parse(s.text);
    if (!one.ok()) continue;
    for (ParsedStatement ps : (*one)->statements()) {
      ps.offset += s.offset;
      out.statements.push_back(ps);
    }
    out.scripts.push_back(std::move(*one));
  }
  return out;
}

bool IsSetLockTimeout(const PgNode* n) {
  return n->node_case == PG_QUERY__NODE__NODE_VARIABLE_SET_STMT && n->variable_set_stmt->name &&
         std::string_view(n->variable_set_stmt->name) == "lock_timeout" &&
         n->variable_set_stmt->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE;
}

// Tracks explicit BEGIN/COMMIT in a no-transaction migration.
void TrackTransaction(const PgNode* n, bool* explicit_tx) {
  if (n->node_case != PG_QUERY__NODE__NODE_TRANSACTION_STMT) return;
  switch (n->transaction_stmt->kind) {
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START:
      *explicit_tx = true;
      break;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK:
      *explicit_tx = false;
      break;
    default:
      break;
  }
}

// The tables whose rows an INSERT ... SELECT copies: the plain relations
// of its FROM clause.
std::vector<std::string> CopySources(const PgQuery__InsertStmt* insert) {
  std::vector<std::string> out;
  const PgNode* select = insert->select_stmt;
  if (!select || select->node_case != PG_QUERY__NODE__NODE_SELECT_STMT || !select->select_stmt) return out;
  const PgQuery__SelectStmt* s = select->select_stmt;
  for (size_t i = 0; i < s->n_from_clause; ++i) {
    const PgNode* f = s->from_clause[i];
    if (f && f->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) out.push_back(RelationName(f->range_var));
  }
  return out;
}

// Finds table rebuilds in one migration's statements: INSERT INTO temp ...
// SELECT ... FROM t, then DROP TABLE t, then ALTER TABLE temp RENAME TO t.
// A drop without the copy before it and the rename after it is not one.
std::vector<lint::Rebuild> FindRebuilds(const std::vector<ParsedStatement>& statements) {
  std::vector<lint::Rebuild> copies;   // rows of .table copied into .temp
  std::vector<lint::Rebuild> dropped;  // ... and then .table dropped
  std::vector<lint::Rebuild> out;
  for (const ParsedStatement& ps : statements) {
    const PgNode* n = ps.node;
    if (n->node_case == PG_QUERY__NODE__NODE_INSERT_STMT && n->insert_stmt->relation) {
      std::string temp = RelationName(n->insert_stmt->relation);
      for (std::string& from : CopySources(n->insert_stmt)) {
        if (from != temp) copies.push_back(lint::Rebuild{temp, std::move(from)});
      }
    } else if (n->node_case == PG_QUERY__NODE__NODE_DROP_STMT &&
               n->drop_stmt->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
      for (size_t i = 0; i < n->drop_stmt->n_objects; ++i) {
        const PgNode* o = n->drop_stmt->objects[i];
        if (!o || o->node_case != PG_QUERY__NODE__NODE_LIST) continue;
        std::string table = QualifiedName(o->list->items, o->list->n_items);
        for (const lint::Rebuild& c : copies) {
          if (c.table == table) dropped.push_back(c);
        }
      }
    } else if (n->node_case == PG_QUERY__NODE__NODE_RENAME_STMT &&
               n->rename_stmt->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE && n->rename_stmt->relation &&
               n->rename_stmt->newname) {
      // RENAME TO keeps the schema: a.new_t becomes a.t.
      std::string temp = RelationName(n->rename_stmt->relation);
      size_t dot = temp.rfind('.');
      std::string to = (dot == std::string::npos ? "" : temp.substr(0, dot + 1)) + n->rename_stmt->newname;
      for (const lint::Rebuild& d : dropped) {
        if (d.temp == temp && d.table == to) out.push_back(d);
      }
    }
  }
  return out;
}

void LintOne(const LintMigration& m, const LintOptions& options, SchemaState& state, LintResult* result) {
  const bool postgres = options.dialect == Dialect::kPostgres;
  state.BeginMigration();
  ParsedMigration parsed = ParseMigration(m.sql, options.dialect);
  result->statements += static_cast<int>(parsed.statements.size());
  MigrationReporter reporter(m, options, state, result);
  if (m.report && !m.has_down) {
    reporter.SetLocation(LineCol{});
    reporter.Report("missing-down-migration", m.version + "_" + m.name + " has no down migration", {});
  }
  if (m.report && postgres && !parsed.error.ok()) {
    reporter.SetLocation(LineCol{parsed.error.line() > 0 ? parsed.error.line() : 1,
                                 parsed.error.column() > 0 ? parsed.error.column() : 1});
    reporter.Report("syntax-error", SyntaxErrorMessage(parsed.error.message(), ""), {});
  }
  if (m.report && postgres && !m.down_sql.empty()) {
    auto down = ParsedScript::Parse(m.down_sql);
    if (!down.ok()) {
      MigrationReporter down_reporter(m, options, state, result);
      down_reporter.SetFile(m.down_file);
      down_reporter.SetLocation(LineCol{down.status().line() > 0 ? down.status().line() : 1,
                                        down.status().column() > 0 ? down.status().column() : 1});
      down_reporter.Report("syntax-error", SyntaxErrorMessage(down.status().message(), " in the down migration"), {});
    }
  }
  LineTracker lines(m.sql);
  bool explicit_tx = false;
  bool lock_timeout_set = options.lock_timeout_configured;
  std::vector<lint::Rebuild> rebuilds;
  if (m.report) rebuilds = FindRebuilds(parsed.statements);
  for (const ParsedStatement& ps : parsed.statements) {
    if (m.report) {
      StatementInfo info;
      info.offset = ps.offset;
      info.length = ps.length;
      info.in_transaction = !m.no_transaction || explicit_tx;
      if (postgres) {
        DescribeLocks(ps.node, state, &info);
        if (!info.locks.empty()) info.kind = StatementKind(ps.node);
      }
      lint::StatementContext ctx{ps.node, &info, &m, &state, &options, postgres, lock_timeout_set, &rebuilds};
      reporter.SetLocation(lines.At(ps.offset));
      lint::CheckDestructive(ctx, reporter);
      lint::CheckCompatibility(ctx, reporter);
      lint::CheckDataDependent(ctx, reporter);
      if (postgres) lint::CheckLocking(ctx, reporter);
      lint::CheckHygiene(ctx, reporter);
    }
    if (IsSetLockTimeout(ps.node)) lock_timeout_set = true;
    TrackTransaction(ps.node, &explicit_tx);
    state.Apply(ps.node);
  }
}

}  // namespace

LintResult Lint(const std::vector<LintMigration>& migrations, const LintOptions& options) {
  LintResult result;
  SchemaState state(options.stats);
  for (const LintMigration& m : migrations) LintOne(m, options, state, &result);
  return result;
}

namespace {

Result<std::vector<StatementInfo>> AnalyzeOne(std::string_view script, bool no_transaction, SchemaState& state) {
  auto parsed = ParsedScript::Parse(script);
  if (!parsed.ok()) return parsed.status();
  std::vector<StatementInfo> out;
  LineTracker lines(script);
  bool explicit_tx = false;
  for (const ParsedStatement& ps : (*parsed)->statements()) {
    StatementInfo info;
    info.offset = ps.offset;
    info.length = ps.length;
    LineCol at = lines.At(ps.offset);
    info.line = at.line;
    info.column = at.column;
    info.kind = StatementKind(ps.node);
    DescribeLocks(ps.node, state, &info);
    TrackTransaction(ps.node, &explicit_tx);
    info.in_transaction = !no_transaction || explicit_tx;
    out.push_back(std::move(info));
    state.Apply(ps.node);
  }
  return out;
}

}  // namespace

Result<std::vector<StatementInfo>> AnalyzePostgres(std::string_view script, bool no_transaction) {
  SchemaState state;
  return AnalyzeOne(script, no_transaction, state);
}

std::vector<Result<std::vector<StatementInfo>>> AnalyzePostgresMigrations(const std::vector<AnalyzeInput>& inputs) {
  SchemaState state;
  std::vector<Result<std::vector<StatementInfo>>> out;
  for (const AnalyzeInput& in : inputs) {
    state.BeginMigration();
    out.push_back(AnalyzeOne(in.script, in.no_transaction, state));
  }
  return out;
}

}  // namespace strata::sql
