// SemanticCheck: replay, inspect, apply, inspect, compare (see the header).
#include "api/semantic_check.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <set>

#include "engine/foreign_keys.h"
#include "sql/split.h"
#include "util/strings.h"

namespace strata::api {
namespace {

constexpr std::string_view kDropTable = "semantic-drop-table";
constexpr std::string_view kDropColumn = "semantic-drop-column";
constexpr std::string_view kNarrowType = "semantic-narrow-type";
constexpr std::string_view kDropConstraint = "semantic-drop-constraint";
constexpr std::string_view kDropIndex = "semantic-drop-index";
constexpr std::string_view kApplyFailed = "semantic-apply-failed";
constexpr std::string_view kRowsLost = "semantic-rows-lost";
constexpr std::string_view kCascade = "semantic-cascade";

const SemanticRuleInfo* FindSemanticRule(std::string_view id) {
  for (const auto& r : SemanticRules()) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

// --- Naming ---------------------------------------------------------------

// "users" on SQLite and in PostgreSQL's public schema, else "app.users": the
// way the text rules name tables, so that duplicates can be matched.
std::string TableName(std::string_view schema, std::string_view name) {
  if (schema.empty() || schema == "public") return std::string(name);
  return std::string(schema) + "." + std::string(name);
}
std::string TableName(const schema::Table& t) { return TableName(t.schema, t.name); }

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Whether `word` occurs in `text` not as part of a longer identifier.
bool MentionsWord(std::string_view text, std::string_view word) {
  if (word.empty()) return false;
  for (size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
    bool start = at == 0 || !IsWordChar(text[at - 1]);
    size_t end = at + word.size();
    bool stop = end == text.size() || !IsWordChar(text[end]);
    if (start && stop) return true;
  }
  return false;
}

// --- Types ----------------------------------------------------------------

struct TypeShape {
  std::string base;          // lower case, aliases resolved: "character varying", "integer", ...
  std::vector<long> args;    // (100), (10, 2); empty when unbounded
};

TypeShape ShapeOf(std::string_view declared) {
  TypeShape t;
  std::string text;
  for (char c : declared) text += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t open = text.find('(');
  std::string base = text.substr(0, open);
  while (!base.empty() && base.back() == ' ') base.pop_back();
  if (open != std::string::npos) {
    const char* p = text.c_str() + open + 1;
    while (*p && *p != ')') {
      char* end = nullptr;
      long v = std::strtol(p, &end, 10);
      if (end == p) break;
      t.args.push_back(v);
      p = end;
      while (*p == ',' || *p == ' ') ++p;
    }
  }
  static const std::map<std::string, std::string> kAliases = {
      {"varchar", "character varying"}, {"char", "character"},   {"bpchar", "character"},
      {"int", "integer"},               {"int4", "integer"},     {"int8", "bigint"},
      {"int2", "smallint"},             {"decimal", "numeric"},  {"varbit", "bit varying"},
  };
  auto alias = kAliases.find(base);
  t.base = alias == kAliases.end() ? base : alias->second;
  return t;
}

int IntegerBytes(const std::string& base) {
  if (base == "smallint") return 2;
  if (base == "integer") return 4;
  if (base == "bigint") return 8;
  return 0;
}

bool IsLengthType(const std::string& base) {
  return base == "character varying" || base == "character" || base == "bit varying" || base == "bit";
}

// Why `to` holds fewer values than `from`; "" when it does not (or when the
// change is not one this check understands: change-column-type covers those
// on PostgreSQL). Integer widths count on PostgreSQL only: SQLite stores every
// integer in up to 8 bytes whatever the declared type.
std::string Narrowing(const std::string& from_text, const std::string& to_text, bool postgres) {
  TypeShape from = ShapeOf(from_text);
  TypeShape to = ShapeOf(to_text);
  if (from.base == to.base && from.args == to.args) return "";
  int from_bytes = IntegerBytes(from.base);
  int to_bytes = IntegerBytes(to.base);
  if (postgres && from_bytes > 0 && to_bytes > 0 && to_bytes < from_bytes) return "a smaller integer";
  if (postgres && to_bytes > 0 && (from.base == "numeric" || from.base == "real" || from.base == "double precision")) {
    return "an integer type (fractions are lost)";
  }
  if (IsLengthType(to.base) && !to.args.empty()) {
    if (from.base == "text") return "a length limit";
    if (IsLengthType(from.base) && from.args.empty()) return "a length limit";
    if (IsLengthType(from.base) && to.args[0] < from.args[0]) return "a shorter length";
  }
  if (from.base == "numeric" && to.base == "numeric" && !to.args.empty()) {
    if (from.args.empty()) return "a fixed precision";
    long from_scale = from.args.size() > 1 ? from.args[1] : 0;
    long to_scale = to.args.size() > 1 ? to.args[1] : 0;
    if (to.args[0] < from.args[0] || to_scale < from_scale) return "a smaller precision or scale";
  }
  return "";
}

// --- Comparison -----------------------------------------------------------

struct Change {
  std::string_view rule;
  std::string table;   // as the text rules name it
  std::string column;  // for column-level changes; "" otherwise
  std::string message;
};

// A key that makes rows unique: a primary key, unique constraint, or unique
// index on plain columns without a predicate.
using Key = std::vector<std::string>;

std::set<Key> UniqueKeys(const schema::Schema& s, const schema::Table& t) {
  std::set<Key> keys;
  if (t.primary_key) keys.insert(t.primary_key->columns);
  for (const auto& u : t.uniques) keys.insert(u.columns);
  for (const auto& i : s.indexes) {
    if (i.table != t.name || i.schema != t.schema || !i.unique || !i.where.empty()) continue;
    Key k;
    bool plain = true;
    for (const auto& p : i.parts) {
      plain = plain && !p.column.empty();
      k.push_back(p.column);
    }
    if (plain && !k.empty()) keys.insert(k);
  }
  return keys;
}

bool AllPresent(const schema::Table& t, const std::vector<std::string>& columns) {
  for (const auto& c : columns) {
    if (!t.FindColumn(c)) return false;
  }
  return true;
}

const schema::Table* FindTable(const schema::Schema& s, const schema::Table& like) {
  for (const auto& t : s.tables) {
    if (t.schema == like.schema && t.name == like.name) return &t;
  }
  return nullptr;
}

std::string Normalized(std::string_view expr) {
  std::string out;
  for (char c : expr) {
    if (!std::isspace(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

void CompareColumns(const schema::Table& before, const schema::Table& after, bool postgres, std::vector<Change>* out) {
  std::string table = TableName(before);
  std::set<std::string> key_columns;
  if (before.primary_key) key_columns.insert(before.primary_key->columns.begin(), before.primary_key->columns.end());
  for (const auto& c : before.columns) {
    const schema::Column* now = after.FindColumn(c.name);
    if (!now) {
      out->push_back({kDropColumn, table, c.name,
                      "column " + table + "." + c.name + " no longer exists after this migration: its data is lost"});
      continue;
    }
    std::string why = Narrowing(c.type, now->type, postgres);
    if (!why.empty()) {
      out->push_back({kNarrowType, table, c.name,
                      "column " + table + "." + c.name + " changes from " + c.type + " to " + now->type + " (" + why +
                          "): existing values may not fit"});
    }
    // A primary key column's NOT NULL goes with the key, reported below.
    if (c.not_null && !now->not_null && !key_columns.count(c.name)) {
      out->push_back({kDropConstraint, table, c.name, "column " + table + "." + c.name + " loses NOT NULL"});
    }
  }
}

void CompareConstraints(const schema::Schema& before_s, const schema::Table& before, const schema::Schema& after_s,
                        const schema::Table& after, bool postgres, std::vector<Change>* out) {
  std::string table = TableName(before);
  std::set<Key> now = UniqueKeys(after_s, after);
  std::set<Key> reported;
  auto lost_key = [&](const Key& k, const std::string& what) {
    if (!AllPresent(after, k) || now.count(k) || reported.count(k)) return;
    reported.insert(k);
    out->push_back({kDropConstraint, table, "", table + " loses its " + what + " (" + Join(k) + ")"});
  };
  if (before.primary_key) lost_key(before.primary_key->columns, "primary key");
  for (const auto& u : before.uniques) lost_key(u.columns, "unique constraint");
  for (const auto& k : UniqueKeys(before_s, before)) lost_key(k, "unique index");

  // SQLite's names are case-insensitive: `REFERENCES Users` is users.
  auto same = [&](const std::string& a, const std::string& b) {
    return postgres ? a == b : util::ToLower(a) == util::ToLower(b);
  };
  for (const auto& fk : before.foreign_keys) {
    if (!AllPresent(after, fk.columns)) continue;
    bool kept = std::any_of(after.foreign_keys.begin(), after.foreign_keys.end(), [&](const schema::ForeignKey& f) {
      return f.columns == fk.columns && same(f.ref_table, fk.ref_table) && f.ref_schema == fk.ref_schema &&
             f.ref_columns == fk.ref_columns;
    });
    if (kept) continue;
    // A referenced table dropped in the same migration takes the key with it
    // (and is reported itself).
    if (!std::any_of(after_s.tables.begin(), after_s.tables.end(),
                     [&](const schema::Table& t) { return same(t.name, fk.ref_table); })) {
      continue;
    }
    out->push_back({kDropConstraint, table, "",
                    table + " loses its foreign key (" + Join(fk.columns) + ") referencing " + fk.ref_table});
  }
  for (const auto& check : before.checks) {
    bool kept = std::any_of(after.checks.begin(), after.checks.end(), [&](const schema::CheckConstraint& c) {
      return Normalized(c.expr) == Normalized(check.expr);
    });
    if (kept) continue;
    // A check on a dropped column goes with the column.
    bool on_dropped = std::any_of(before.columns.begin(), before.columns.end(), [&](const schema::Column& c) {
      return !after.FindColumn(c.name) && MentionsWord(check.expr, c.name);
    });
    if (on_dropped) continue;
    std::string name = check.name.empty() ? "" : " " + check.name;
    out->push_back({kDropConstraint, table, "", table + " loses its check constraint" + name + " (" + check.expr + ")"});
  }
  for (const auto& ex : before.exclusions) {
    bool kept = std::any_of(after.exclusions.begin(), after.exclusions.end(),
                            [&](const schema::ExclusionConstraint& e) { return e.definition == ex.definition; });
    if (!kept) out->push_back({kDropConstraint, table, "", table + " loses its exclusion constraint " + ex.name});
  }
}

// Non-unique indexes (unique ones are keys, compared above) that are gone,
// by definition rather than name: a rebuilt table may rename them.
void CompareIndexes(const schema::Schema& before, const schema::Schema& after, std::vector<Change>* out) {
  for (const auto& i : before.indexes) {
    if (i.unique && i.where.empty()) continue;
    schema::Table like;
    like.schema = i.schema;
    like.name = i.table;
    const schema::Table* table = FindTable(after, like);
    if (!table) continue;  // dropped with its table
    bool columns_left = std::all_of(i.parts.begin(), i.parts.end(),
                                    [&](const schema::IndexPart& p) { return p.column.empty() || table->FindColumn(p.column); });
    if (!columns_left) continue;  // dropped with its column
    bool kept = std::any_of(after.indexes.begin(), after.indexes.end(), [&](const schema::Index& j) {
      return j.schema == i.schema && j.table == i.table && j.unique == i.unique && j.parts == i.parts &&
             j.where == i.where;
    });
    if (kept) continue;
    std::string table_name = TableName(i.schema, i.table);
    out->push_back({i.unique ? kDropConstraint : kDropIndex, table_name, "",
                    "index " + i.name + " on " + table_name + " no longer exists after this migration"});
  }
}

std::vector<Change> Compare(const schema::Schema& before, const schema::Schema& after, bool postgres) {
  std::vector<Change> out;
  for (const auto& t : before.tables) {
    const schema::Table* now = FindTable(after, t);
    if (!now) {
      std::string name = TableName(t);
      out.push_back({kDropTable, name, "", "table " + name + " no longer exists after this migration: its rows are lost"});
      continue;
    }
    CompareColumns(t, *now, postgres, &out);
    CompareConstraints(before, t, after, *now, postgres, &out);
  }
  CompareIndexes(before, after, &out);
  return out;
}

// --- Findings -------------------------------------------------------------

// The text rules that report the same change as a semantic rule.
std::vector<std::string_view> Counterparts(std::string_view rule) {
  if (rule == kDropTable) return {"drop-table", "rename-table"};
  if (rule == kDropColumn) return {"drop-column", "rename-column"};
  if (rule == kNarrowType) return {"change-column-type"};
  if (rule == kDropIndex) return {"drop-index-without-concurrently"};
  if (rule == kRowsLost) return {"drop-referenced-table"};
  if (rule == kCascade) return {"drop-cascade"};
  return {};
}

bool Contains(const std::vector<std::string>& list, std::string_view id) {
  return std::find(list.begin(), list.end(), id) != list.end();
}

// Whether a text rule already said this about the same object in this file.
bool Duplicate(const Change& c, const SemanticMigration& m, const std::vector<LintFinding>& text) {
  auto counterparts = Counterparts(c.rule);
  for (const auto& f : text) {
    if (f.file != m.file) continue;
    if (std::find(counterparts.begin(), counterparts.end(), f.rule) == counterparts.end()) continue;
    if (!MentionsWord(f.message, c.table)) continue;
    if (!c.column.empty() && !MentionsWord(f.message, c.column)) continue;
    return true;
  }
  return false;
}

bool Allowed(std::string_view rule, const SemanticMigration& m, const std::vector<std::string>& allow) {
  if (Contains(m.annotations.allow, rule) || Contains(allow, rule)) return true;
  // Allowing the text rule means the change is intended.
  for (std::string_view counterpart : Counterparts(rule)) {
    if (Contains(m.annotations.allow, counterpart) || Contains(allow, counterpart)) return true;
  }
  return false;
}

// A migration's statements in lower case with their first line, split once
// for all of its changes. Empty when the text does not split (the dev
// database ran it anyway).
struct LoweredStatement {
  std::string text;
  int line = 1;
};

std::vector<LoweredStatement> LowerStatements(const SemanticMigration& m, bool postgres) {
  std::vector<LoweredStatement> out;
  auto statements = sql::Split(m.sql, postgres ? sql::Dialect::kPostgres : sql::Dialect::kSqlite);
  if (!statements.ok()) return out;
  sql::LineTracker lines(m.sql);
  for (const auto& st : *statements) out.push_back({util::ToLower(st.text), lines.At(st.offset).line});
  return out;
}

// Where in the file a change most likely happens: the last statement that
// names the change's column and table, else the last that names the table
// (a rebuild's final RENAME, the DROP TABLE). Names match case-insensitively
// as whole words, the schema left out. 1 when no statement names it.
int LocateChange(const std::vector<LoweredStatement>& statements, const Change& c) {
  size_t dot = c.table.rfind('.');
  std::string table = util::ToLower(dot == std::string::npos ? c.table : c.table.substr(dot + 1));
  std::string column = util::ToLower(c.column);
  int with_table = 0;
  int with_both = 0;
  for (const auto& st : statements) {
    if (!MentionsWord(st.text, table)) continue;
    with_table = st.line;
    if (!column.empty() && MentionsWord(st.text, column)) with_both = st.line;
  }
  return with_both ? with_both : with_table ? with_table : 1;
}

LintFinding MakeFinding(const SemanticMigration& m, std::string_view rule, std::string message, int line = 1) {
  const SemanticRuleInfo* info = FindSemanticRule(rule);
  LintFinding f;
  f.file = m.file;
  f.version = m.version;
  f.line = line > 0 ? line : 1;
  f.column = 1;
  f.rule = std::string(rule);
  f.severity = info ? info->severity : LintSeverity::kError;
  f.message = std::move(message);
  f.hint = info ? std::string(info->hint) : "";
  return f;
}

// --- Rows -----------------------------------------------------------------

// Row counts of every table, in one query; empty when there are no tables.
Result<std::map<std::string, int64_t>> CountRows(driver::Connection& conn, const schema::Schema& schema) {
  std::map<std::string, int64_t> out;
  std::string sql;
  for (const auto& t : schema.tables) {
    std::string qualified =
        (t.schema.empty() ? "" : driver::QuoteIdent(t.schema) + ".") + driver::QuoteIdent(t.name);
    sql += (sql.empty() ? "" : " UNION ALL ") + std::string("SELECT ") + driver::QuoteLiteral(TableName(t)) +
           ", count(*) FROM " + qualified;
  }
  if (sql.empty()) return out;
  auto rows = conn.Query(sql);
  if (!rows.ok()) return rows.status().With("count the rows of the dev database's tables");
  for (const auto& row : rows->rows) {
    if (row.size() == 2 && row[0] && row[1]) out[*row[0]] = std::strtoll(row[1]->c_str(), nullptr, 10);
  }
  return out;
}

bool NamesForDeletion(const LoweredStatement& st, const std::string& table) {
  for (std::string_view verb : {"delete", "truncate", "drop", "with"}) {
    if (util::StartsWith(st.text, verb) && MentionsWord(st.text, table)) return true;
  }
  return false;
}

// Tables that lost rows in a migration that never names them in a DELETE,
// TRUNCATE or DROP: a cascade from another table's DROP or DELETE (SQLite's
// DROP TABLE with foreign keys on deletes rows first), or a rebuild that
// copied too little of another table. Reported at the migration's first
// DROP or DELETE, the likely cause.
std::vector<Change> LostRows(const std::map<std::string, int64_t>& before, const std::map<std::string, int64_t>& after,
                             const std::vector<LoweredStatement>& statements) {
  std::vector<Change> out;
  for (const auto& [table, count] : before) {
    auto now = after.find(table);
    if (count == 0 || now == after.end() || now->second >= count) continue;
    size_t dot = table.rfind('.');
    std::string bare = util::ToLower(dot == std::string::npos ? table : table.substr(dot + 1));
    bool named = std::any_of(statements.begin(), statements.end(),
                             [&](const LoweredStatement& st) { return NamesForDeletion(st, bare); });
    if (named) continue;
    out.push_back({kRowsLost, table, "",
                   "table " + table + " lost " + std::to_string(count - now->second) + " of its " +
                       std::to_string(count) + " rows in this migration, which does not delete from, truncate or "
                       "drop it (a foreign key's ON DELETE action fired by another table's DROP or DELETE?)"});
  }
  return out;
}

int CauseLine(const std::vector<LoweredStatement>& statements) {
  for (const auto& st : statements) {
    if (util::StartsWith(st.text, "drop") || util::StartsWith(st.text, "delete")) return st.line;
  }
  return 1;
}

// PostgreSQL names what DROP ... CASCADE took with it in a NOTICE ("drop
// cascades to view v"; for several, "drop cascades to 2 other objects" with
// one DETAIL line each).
std::vector<std::string> CascadedObjects(const std::vector<std::string>& notices) {
  std::vector<std::string> out;
  constexpr std::string_view kPrefix = "drop cascades to ";
  for (const auto& notice : notices) {
    size_t at = 0;
    while ((at = notice.find(kPrefix, at)) != std::string::npos) {
      size_t end = notice.find('\n', at);
      std::string object = notice.substr(at + kPrefix.size(), end == std::string::npos ? end : end - at - kPrefix.size());
      at += kPrefix.size();
      if (util::EndsWith(object, " other objects")) continue;
      out.push_back(std::move(object));
    }
  }
  return out;
}

}  // namespace

const std::vector<SemanticRuleInfo>& SemanticRules() {
  static const std::vector<SemanticRuleInfo> rules = {
      {kDropTable, LintSeverity::kError, "drop-table",
       "keep the table until no code uses it, then drop it in its own migration with -- strata:allow drop-table"},
      {kDropColumn, LintSeverity::kError, "drop-column",
       "if the column must go, drop it explicitly with -- strata:allow drop-column; a table rebuild must copy every "
       "column"},
      {kNarrowType, LintSeverity::kWarning, "change-column-type",
       "check the longest existing value first, or widen instead; allow with -- strata:allow semantic-narrow-type"},
      {kDropConstraint, LintSeverity::kWarning, "",
       "recreate the constraint (a table rebuild must repeat every constraint), or allow with -- strata:allow "
       "semantic-drop-constraint"},
      {kDropIndex, LintSeverity::kWarning, "drop-index-without-concurrently",
       "recreate the index (a table rebuild must recreate every index), or allow with -- strata:allow "
       "semantic-drop-index"},
      {kApplyFailed, LintSeverity::kError, "",
       "fix the migration so that it applies on the schema the migrations before it produce"},
      {kRowsLost, LintSeverity::kError, "",
       "find the statement that deletes them (SQLite: a table rebuild needs -- strata:foreign-keys-off; "
       "PostgreSQL: an ON DELETE CASCADE reached by a DROP or DELETE) and delete rows only by name; allow with "
       "-- strata:allow semantic-rows-lost"},
      {kCascade, LintSeverity::kError, "drop-cascade",
       "drop or change the dependent objects by name first, then drop without CASCADE; allow with -- strata:allow "
       "drop-cascade"},
  };
  return rules;
}

Result<SemanticResult> SemanticCheck(const DevTarget& target, const std::vector<SemanticMigration>& migrations,
                                     const std::vector<LintFinding>& text_findings,
                                     const std::vector<std::string>& allow) {
  SemanticResult result;
  bool any = std::any_of(migrations.begin(), migrations.end(), [](const SemanticMigration& m) { return m.check; });
  if (!any) return result;
  auto dev = DevDatabase::Create(target);
  if (!dev.ok()) return dev.status();
  bool postgres = target.dialect == schema::Dialect::kPostgres;
  for (const auto& m : migrations) {
    Result<schema::Schema> before = schema::Schema{};
    std::map<std::string, int64_t> rows_before;
    if (m.check) {
      before = (*dev)->Inspect();
      if (!before.ok()) return before.status();
      // Rows exist when the applied migrations that were replayed insert
      // data; then the migration must not lose any it does not name.
      auto counted = CountRows((*dev)->conn(), *before);
      if (!counted.ok()) return counted.status();
      rows_before = std::move(*counted);
    }
    (void)(*dev)->conn().TakeNotices();
    Status s = engine::ApplyScript((*dev)->conn(), m.sql, m.annotations);
    if (!s.ok()) {
      // Later migrations would be checked against the wrong state: stop.
      std::string what = m.check ? "does not apply in a dev database: "
                                 : "is applied but does not replay in a dev database (nothing after it was checked): ";
      LintFinding f = MakeFinding(m, kApplyFailed, "migration " + what + s.message(), s.line());
      if (!m.check) f.severity = LintSeverity::kWarning;
      // A file the parser rejects is already reported as syntax-error.
      bool syntax = std::any_of(text_findings.begin(), text_findings.end(), [&](const LintFinding& t) {
        return t.file == m.file && t.rule == "syntax-error";
      });
      if (Allowed(kApplyFailed, m, allow)) {
        ++result.allowed;
      } else if (!syntax) {
        result.findings.push_back(std::move(f));
      }
      break;
    }
    if (!m.check) continue;
    std::vector<std::string> notices = (*dev)->conn().TakeNotices();
    auto after = (*dev)->Inspect();
    if (!after.ok()) return after.status();
    std::vector<LoweredStatement> statements;  // split at the first change that needs a line
    std::vector<Change> changes = Compare(*before, *after, postgres);
    bool any_rows = std::any_of(rows_before.begin(), rows_before.end(), [](const auto& r) { return r.second > 0; });
    if (any_rows) {
      auto rows_after = CountRows((*dev)->conn(), *after);
      if (!rows_after.ok()) return rows_after.status();
      statements = LowerStatements(m, postgres);
      for (auto& lost : LostRows(rows_before, *rows_after, statements)) changes.push_back(std::move(lost));
    }
    std::vector<std::string> cascaded = CascadedObjects(notices);
    if (!cascaded.empty()) {
      changes.push_back({kCascade, "", "", "DROP ... CASCADE also dropped: " + Join(cascaded)});
    }
    for (auto& change : changes) {
      if (Duplicate(change, m, text_findings)) continue;  // the text rule's finding stands
      if (Allowed(change.rule, m, allow)) {
        ++result.allowed;
        continue;
      }
      if (statements.empty()) statements = LowerStatements(m, postgres);
      int line = change.rule == kRowsLost || change.rule == kCascade ? CauseLine(statements)
                                                                     : LocateChange(statements, change);
      result.findings.push_back(MakeFinding(m, change.rule, std::move(change.message), line));
    }
  }
  Status s = (*dev)->Drop();
  if (!s.ok()) return s;
  return result;
}

Status AddSemanticFindings(const DevTarget& target, const std::vector<sql::LintMigration>& inputs,
                           const std::vector<std::string>& allow, LintReport* report) {
  std::vector<SemanticMigration> migrations;
  std::map<std::string, size_t> order;  // file -> position, for merging
  for (const auto& in : inputs) {
    auto annotations = source::ParseAnnotations(in.sql, in.file);
    if (!annotations.ok()) return annotations.status();
    SemanticMigration m;
    m.file = in.file;
    m.version = in.version;
    m.sql = in.sql;
    m.annotations = std::move(*annotations);
    m.check = in.report;
    order.emplace(in.file, order.size());
    migrations.push_back(std::move(m));
  }
  auto result = SemanticCheck(target, migrations, report->findings, allow);
  if (!result.ok()) return result.status();
  report->semantic = true;
  report->allowed += result->allowed;
  for (auto& f : result->findings) report->findings.push_back(std::move(f));
  auto position = [&](const LintFinding& f) {
    auto it = order.find(f.file);
    return it == order.end() ? order.size() : it->second;
  };
  std::stable_sort(report->findings.begin(), report->findings.end(),
                   [&](const LintFinding& a, const LintFinding& b) { return position(a) < position(b); });
  return Status::Ok();
}

}  // namespace strata::api
