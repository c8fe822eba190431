// The lint framework: parses each migration, walks its statements in order
// with the schema state, runs the rule families, and turns their reports
// into findings (location, severity, hint, allow lists, table sizes).
#include "sql/lint.h"

#include <algorithm>
#include <cstdio>
#include <memory>

#include "sql/lint/rule.h"
#include "sql/literal_insert.h"
#include "sql/lock_table.h"
#include "sql/parsed_migration.h"
#include "sql/pg_tree.h"
#include "sql/schema_state.h"
#include "sql/script_control.h"
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

  void Report(std::string_view id, std::string message, std::string_view table,
              std::string hint = {}) override {
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
                                        std::move(message), hint.empty() ? std::string(rule->hint) : std::move(hint)});
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

bool HasTransactionStatement(const std::vector<ParsedStatement>& statements) {
  for (const ParsedStatement& ps : statements) {
    if (ps.node->node_case == PG_QUERY__NODE__NODE_TRANSACTION_STMT) return true;
  }
  return false;
}

// The file's own transaction control and SQLite foreign-key pragmas, read
// the way the runner reads them (sql/script_control.h). PostgreSQL files
// are analysed only when the parser saw a transaction statement (the split
// costs a second scan); files that do not parse are analysed too.
ScriptControl ControlOf(const LintMigration& m, const ParsedMigration& parsed, Dialect dialect) {
  if (dialect == Dialect::kPostgres && parsed.error.ok() && !HasTransactionStatement(parsed.statements)) return {};
  auto control = AnalyzeControl(m.sql, dialect);
  return control.ok() ? std::move(*control) : ScriptControl{};
}

// In a no-transaction SQLite migration each pragma takes effect where it
// stands: whether the last one before `offset` turned foreign keys off.
bool ForeignKeysOffAt(const ScriptControl& control, size_t offset) {
  bool off = false;
  for (const auto& c : control.all) {
    if (c.offset >= offset) break;
    if (c.kind == ControlStatement::Kind::kForeignKeysOff) off = true;
    if (c.kind == ControlStatement::Kind::kForeignKeysOn) off = false;
  }
  return off;
}

void ReportControl(const LintMigration& m, const ScriptControl& control, bool postgres, MigrationReporter& reporter) {
  if (m.no_transaction) return;
  LineTracker lines(m.sql);
  for (const auto& c : control.refused) {
    reporter.SetLocation(lines.At(c.offset));
    reporter.Report("transaction-control",
                    "`" + c.text + "` in a transactional migration: strata runs the file in its own transaction, "
                    "and this statement would end or nest it part-way (statements before it would stay applied "
                    "without a tracking row); `strata up` refuses the file",
                    {});
  }
  if (postgres) return;
  for (const auto& c : control.ignored_pragmas) {
    reporter.SetLocation(lines.At(c.offset));
    reporter.Report("pragma-foreign-keys-in-transaction",
                    "`" + c.text + "`: SQLite ignores PRAGMA foreign_keys inside a transaction, and strata runs "
                    "this migration in one, so foreign keys stay " +
                        std::string(c.kind == ControlStatement::Kind::kForeignKeysOff ? "ON" : "as they are") +
                        " (only PRAGMA foreign_keys=OFF among the file's first statements is honoured)",
                    {});
  }
}

// Above this size a migration is parsed in chunks of about this many bytes
// of whole statements, each chunk's trees freed before the next is parsed:
// a parse tree takes some 35 times its text, so a 100 MB data migration
// parsed at once would need gigabytes. (Rebuild detection then works within
// a chunk; a table rebuild is a few statements, never a quarter megabyte.)
constexpr size_t kChunkBytes = 256 * 1024;

// A parse error in a chunk that starts at `base` of the whole script.
LineCol Relocate(const Status& error, LineCol base) {
  int line = error.line() > 0 ? error.line() : 1;
  int column = error.column() > 0 ? error.column() : 1;
  if (line == 1) return LineCol{base.line, base.column + column - 1};
  return LineCol{base.line + line - 1, column};
}

// Walks one migration's statements with the schema state (see LintOne).
class StatementWalker {
 public:
  StatementWalker(const LintMigration& m, const LintOptions& options, SchemaState& state, MigrationReporter& reporter,
                  const ScriptControl& control)
      : m_(m),
        options_(options),
        state_(state),
        reporter_(reporter),
        control_(control),
        postgres_(options.dialect == Dialect::kPostgres),
        foreign_keys_off_(m.foreign_keys_off || (!m.no_transaction && control.foreign_keys_off)),
        lines_(m.sql),
        // strata.toml's lock_timeout is a SET LOCAL in the transaction strata
        // opens; a no-transaction migration has none for it to reach.
        lock_timeout_set_(options.lock_timeout_configured && !m.no_transaction) {}

  // The statements of one parse (the whole script, or one chunk of it).
  void Walk(const std::vector<ParsedStatement>& statements) {
    std::vector<lint::Rebuild> rebuilds;
    if (m_.report) rebuilds = FindRebuilds(statements);
    for (const ParsedStatement& ps : statements) {
      if (m_.report) Check(ps, rebuilds);
      TrackLockTimeout(ps.node);
      TrackTransaction(ps.node, &explicit_tx_);
      state_.Apply(ps.node);
    }
  }

 private:
  // Which SET lock_timeout reaches the statements after it: a plain SET
  // lasts for the session (strata resets it after the migration); SET LOCAL
  // lasts for the transaction it runs in: the migration's, the file's own
  // BEGIN ... COMMIT, or, in a no-transaction migration outside one, none
  // (PostgreSQL ignores it with a warning).
  void TrackLockTimeout(const PgNode* n) {
    if (IsSetLockTimeout(n)) {
      if (!n->variable_set_stmt->is_local || !m_.no_transaction) {
        lock_timeout_set_ = true;
      } else if (explicit_tx_) {
        local_lock_timeout_ = true;
      }
    } else if (n->node_case == PG_QUERY__NODE__NODE_TRANSACTION_STMT && local_lock_timeout_) {
      bool was = explicit_tx_;
      TrackTransaction(n, &was);
      if (!was) local_lock_timeout_ = false;
    }
  }

  void Check(const ParsedStatement& ps, const std::vector<lint::Rebuild>& rebuilds) {
    StatementInfo info;
    info.offset = ps.offset;
    info.length = ps.length;
    info.in_transaction = !m_.no_transaction || explicit_tx_;
    if (postgres_) {
      DescribeLocks(ps.node, state_, &info);
      if (!info.locks.empty()) info.kind = StatementKind(ps.node);
    }
    lint::StatementContext ctx{ps.node, &info, &m_, &state_, &options_, postgres_,
                               lock_timeout_set_ || local_lock_timeout_, &rebuilds};
    ctx.foreign_keys_off = m_.no_transaction ? ForeignKeysOffAt(control_, ps.offset) : foreign_keys_off_;
    reporter_.SetLocation(lines_.At(ps.offset));
    lint::CheckDestructive(ctx, reporter_);
    lint::CheckCompatibility(ctx, reporter_);
    lint::CheckDataDependent(ctx, reporter_);
    if (postgres_) lint::CheckLocking(ctx, reporter_);
    lint::CheckHygiene(ctx, reporter_);
    lint::CheckSession(ctx, reporter_);
  }

  const LintMigration& m_;
  const LintOptions& options_;
  SchemaState& state_;
  MigrationReporter& reporter_;
  const ScriptControl& control_;
  const bool postgres_;
  const bool foreign_keys_off_;
  LineTracker lines_;
  bool explicit_tx_ = false;
  bool lock_timeout_set_;
  bool local_lock_timeout_ = false;  // SET LOCAL inside the file's own BEGIN ... COMMIT
};

void ReportSyntaxError(const LintMigration& m, const Status& error, LineCol at, MigrationReporter& reporter) {
  if (!m.report) return;
  reporter.SetLocation(at);
  reporter.Report("syntax-error", SyntaxErrorMessage(error.message(), ""), {});
}

void LintOne(const LintMigration& m, const LintOptions& options, SchemaState& state, LintResult* result) {
  const bool postgres = options.dialect == Dialect::kPostgres;
  state.BeginMigration();
  MigrationReporter reporter(m, options, state, result);
  if (m.report && !m.has_down) {
    reporter.SetLocation(LineCol{});
    reporter.Report("missing-down-migration", m.version + "_" + m.name + " has no down migration", {});
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

  if (m.sql.size() <= kChunkBytes) {
    ParsedMigration parsed = ParseMigration(m.sql, options.dialect);
    result->statements += static_cast<int>(parsed.statements.size());
    if (postgres && !parsed.error.ok()) {
      ReportSyntaxError(m, parsed.error, Relocate(parsed.error, LineCol{}), reporter);
    }
    ScriptControl control;
    if (m.report) {
      control = ControlOf(m, parsed, options.dialect);
      ReportControl(m, control, postgres, reporter);
    }
    StatementWalker walker(m, options, state, reporter, control);
    walker.Walk(parsed.statements);
    return;
  }

  // Big: the control statements in one streaming pass, then the statements
  // chunk by chunk.
  ScriptControl control;
  if (m.report) {
    auto analyzed = AnalyzeControl(m.sql, options.dialect);
    if (analyzed.ok()) control = std::move(*analyzed);
    ReportControl(m, control, postgres, reporter);
  }
  StatementWalker walker(m, options, state, reporter, control);
  LineTracker chunk_lines(m.sql);
  bool error_reported = false;
  size_t chunk_start = std::string_view::npos;
  size_t chunk_end = 0;
  auto flush = [&]() {
    if (chunk_start == std::string_view::npos) return;
    ParsedMigration parsed = ParseMigration(m.sql.substr(chunk_start, chunk_end - chunk_start), options.dialect);
    for (ParsedStatement& ps : parsed.statements) ps.offset += chunk_start;
    result->statements += static_cast<int>(parsed.statements.size());
    if (postgres && !parsed.error.ok() && !error_reported) {
      ReportSyntaxError(m, parsed.error, Relocate(parsed.error, chunk_lines.At(chunk_start)), reporter);
      error_reported = true;
    }
    walker.Walk(parsed.statements);
    chunk_start = std::string_view::npos;
  };
  Status s = ForEachStatement(m.sql, options.dialect, [&](const Statement& st) {
    // Seed data: a literal INSERT changes no schema, takes no lock that
    // blocks and fires no rule, so it skips the parse (literal_insert.h).
    if (IsLiteralInsert(st.text)) {
      flush();
      ++result->statements;
      return true;
    }
    if (chunk_start == std::string_view::npos) chunk_start = st.offset;
    chunk_end = st.offset + st.text.size();
    if (chunk_end - chunk_start >= kChunkBytes) flush();
    return true;
  });
  flush();
  if (!s.ok() && postgres && !error_reported) ReportSyntaxError(m, s, LineCol{s.line(), s.column()}, reporter);
}

}  // namespace

LintResult Lint(const std::vector<LintMigration>& migrations, const LintOptions& options) {
  LintResult result;
  SchemaState state(options.stats);
  for (const ForeignKeyReference& r : options.references) state.AddReference(r);
  for (const LintMigration& m : migrations) LintOne(m, options, state, &result);
  return result;
}

namespace {

// One script against `state`, which it updates: the schema as the migrations
// before it left it.
Status AnalyzeWith(std::string_view script, bool no_transaction, SchemaState& state,
                   const std::function<void(StatementInfo&&)>& each) {
  LineTracker lines(script);
  bool explicit_tx = false;
  auto walk = [&](const std::vector<ParsedStatement>& statements, size_t base) {
    for (const ParsedStatement& ps : statements) {
      StatementInfo info;
      info.offset = ps.offset + base;
      info.length = ps.length;
      LineCol at = lines.At(info.offset);
      info.line = at.line;
      info.column = at.column;
      info.kind = StatementKind(ps.node);
      DescribeLocks(ps.node, state, &info);
      TrackTransaction(ps.node, &explicit_tx);
      info.in_transaction = !no_transaction || explicit_tx;
      each(std::move(info));
      state.Apply(ps.node);
    }
  };
  if (script.size() <= kChunkBytes) {
    auto parsed = ParsedScript::Parse(script);
    if (!parsed.ok()) return parsed.status();
    walk((*parsed)->statements(), 0);
    return Status::Ok();
  }
  // Chunk by chunk, as LintOne does, so that memory stays bounded.
  Status error;
  size_t chunk_start = std::string_view::npos;
  size_t chunk_end = 0;
  auto flush = [&]() {
    if (chunk_start == std::string_view::npos || !error.ok()) return;
    auto parsed = ParsedScript::Parse(script.substr(chunk_start, chunk_end - chunk_start));
    if (!parsed.ok()) {
      LineCol at = Relocate(parsed.status(), LocateOffset(script, chunk_start));
      error = Status::Parse(parsed.status().message()).At("", at.line, at.column);
    } else {
      walk((*parsed)->statements(), chunk_start);
    }
    chunk_start = std::string_view::npos;
  };
  std::string table;
  Status s = ForEachStatement(script, Dialect::kPostgres, [&](const Statement& st) {
    // Seed data skips the parse: a literal INSERT takes ROW EXCLUSIVE on its
    // table and changes no schema (literal_insert.h), as its lock table row
    // says.
    if (IsLiteralInsert(st.text, &table)) {
      flush();
      if (!error.ok()) return false;
      StatementInfo info;
      info.offset = st.offset;
      info.length = st.text.size();
      LineCol at = lines.At(info.offset);
      info.line = at.line;
      info.column = at.column;
      info.kind = "INSERT";
      info.locks.push_back({table, LockMode::kRowExclusive});
      info.forms = {"insert"};
      info.in_transaction = !no_transaction || explicit_tx;
      each(std::move(info));
      return true;
    }
    if (chunk_start == std::string_view::npos) chunk_start = st.offset;
    chunk_end = st.offset + st.text.size();
    if (chunk_end - chunk_start >= kChunkBytes) flush();
    return error.ok();
  });
  flush();
  if (!s.ok()) return s;
  return error;
}

Result<std::vector<StatementInfo>> AnalyzeCollect(std::string_view script, bool no_transaction, SchemaState& state) {
  std::vector<StatementInfo> out;
  Status s = AnalyzeWith(script, no_transaction, state, [&](StatementInfo&& info) { out.push_back(std::move(info)); });
  if (!s.ok()) return s;
  return out;
}

}  // namespace

Status AnalyzePostgres(std::string_view script, bool no_transaction,
                       const std::function<void(StatementInfo&&)>& each) {
  SchemaState state;
  return AnalyzeWith(script, no_transaction, state, each);
}

Result<std::vector<StatementInfo>> AnalyzePostgres(std::string_view script, bool no_transaction) {
  SchemaState state;
  return AnalyzeCollect(script, no_transaction, state);
}

std::vector<Result<std::vector<StatementInfo>>> AnalyzePostgresMigrations(const std::vector<AnalyzeInput>& inputs) {
  SchemaState state;
  std::vector<Result<std::vector<StatementInfo>>> out;
  for (const AnalyzeInput& in : inputs) {
    state.BeginMigration();
    out.push_back(AnalyzeCollect(in.script, in.no_transaction, state));
  }
  return out;
}

}  // namespace strata::sql
