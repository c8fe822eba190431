// DiffSqlite: the SQLite half of DiffSchemas (see diff.h for the contract).
//
// The plan is built against `from` with the rename hints already applied
// (tables, columns, and every reference to them: foreign keys, indexes,
// trigger tables), because the RENAME statements run before everything else
// and SQLite rewrites those references itself. Then, per table: nothing,
// ALTER TABLE ADD/DROP COLUMN when SQLite's rules allow, or the 12-step
// rebuild (https://www.sqlite.org/lang_altertable.html#otheralter).
//
// Views and triggers are kept only when their text is unchanged and they do
// not mention a table that is rebuilt, dropped or renamed: SQLite re-checks
// every view and trigger on ALTER TABLE ... RENAME, and fails when one names a
// table that is missing at that moment (mid-rebuild), so those are dropped
// first and recreated from `to` at the end.
#include <algorithm>
#include <map>
#include <set>

#include "schema/diff.h"
#include "schema/render_sqlite.h"
#include "schema/sqlite_lexer.h"
#include "util/strings.h"

namespace strata::schema {

namespace {

using Strings = std::vector<std::string>;
using NameSet = std::set<std::string>;  // lower-case names

std::string Q(std::string_view ident) { return QuoteIdent(ident); }

// The renderers end statements with ";\n"; Change::statements have neither.
std::string Statement(std::string rendered) {
  while (!rendered.empty() && (rendered.back() == '\n' || rendered.back() == ';')) rendered.pop_back();
  return rendered;
}

Change Make(std::string summary, Strings statements, std::string destructive_reason = "") {
  Change c;
  c.summary = std::move(summary);
  c.statements = std::move(statements);
  c.destructive = !destructive_reason.empty();
  c.destructive_reason = std::move(destructive_reason);
  return c;
}

std::string Join(const Strings& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : std::string(sep)) + p;
  return out;
}

// Whether `fk` references `table`: SQLite's names are case-insensitive, so
// `REFERENCES Users` references users.
bool References(const ForeignKey& fk, const Table& table) {
  return util::ToLower(fk.ref_table) == util::ToLower(table.name);
}

// Every identifier a view or trigger mentions (bare, "quoted", [bracketed],
// `backticked`), lower-cased; string literals and comments skipped. Used to
// find what a view or trigger depends on; over-matching (a column named like
// a table) only costs a needless drop and recreate.
NameSet Identifiers(std::string_view sql) {
  NameSet out;
  for (const auto& t : sqlite_lexer::Tokenize(sql)) {
    if (t.kind == sqlite_lexer::Token::Kind::kWord) out.insert(util::ToLower(t.text));
    if (t.kind == sqlite_lexer::Token::Kind::kQuotedIdent) out.insert(util::ToLower(t.value));
  }
  return out;
}

bool MentionsAny(const NameSet& idents, const NameSet& names) {
  for (const auto& n : names) {
    if (idents.count(n)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Spelling
//
// SQLite keeps a definition as it was written: `varchar(10)` in one file and
// `VARCHAR(10)` in another, `CHECK (x>0)` and `CHECK (x > 0)`, are one
// definition, and must not cost a 12-step rebuild of a table of millions of
// rows (or show as drift). Where the two sides of a field have one
// ComparisonKey, `to` takes `from`'s text, and the plan sees no change there.
// Views are left alone: a view's column names come from its text as written
// (SELECT a+1 names its column "a+1").

bool SameSpelling(const std::string& a, const std::string& b) {
  return a == b || sqlite_lexer::ComparisonKey(a) == sqlite_lexer::ComparisonKey(b);
}

void AlignText(const std::string& from, std::string& to) {
  if (SameSpelling(from, to)) to = from;
}

void AlignText(const std::optional<std::string>& from, std::optional<std::string>& to) {
  if (from && to) AlignText(*from, *to);
}

void AlignNames(const std::vector<std::string>& from, std::vector<std::string>& to) {
  if (from.size() != to.size()) return;
  for (size_t i = 0; i < from.size(); ++i) {
    if (util::ToLower(from[i]) != util::ToLower(to[i])) return;
  }
  to = from;
}

void AlignTable(const Table& from, Table& to) {
  for (auto& c : to.columns) {
    const Column* old = from.FindColumn(c.name);
    if (!old) continue;
    AlignText(old->type, c.type);
    AlignText(old->default_expr, c.default_expr);
    AlignText(old->collation, c.collation);
    AlignText(old->generated_expr, c.generated_expr);
  }
  if (from.checks.size() == to.checks.size()) {
    for (size_t i = 0; i < to.checks.size(); ++i) {
      if (from.checks[i].name == to.checks[i].name) AlignText(from.checks[i].expr, to.checks[i].expr);
    }
  }
  if (from.foreign_keys.size() == to.foreign_keys.size()) {
    for (size_t i = 0; i < to.foreign_keys.size(); ++i) {
      const ForeignKey& o = from.foreign_keys[i];
      ForeignKey& n = to.foreign_keys[i];
      if (util::ToLower(o.ref_table) == util::ToLower(n.ref_table)) n.ref_table = o.ref_table;
      AlignNames(o.columns, n.columns);
      AlignNames(o.ref_columns, n.ref_columns);
    }
  }
}

void AlignIndex(const Index& from, Index& to) {
  if (util::ToLower(from.table) == util::ToLower(to.table)) to.table = from.table;
  if (from.parts.size() == to.parts.size()) {
    for (size_t i = 0; i < to.parts.size(); ++i) {
      AlignText(from.parts[i].expr, to.parts[i].expr);
      AlignText(from.parts[i].collation, to.parts[i].collation);
      if (util::ToLower(from.parts[i].column) == util::ToLower(to.parts[i].column)) to.parts[i].column = from.parts[i].column;
    }
  }
  AlignText(from.where, to.where);
}

// ---------------------------------------------------------------------------
// Renames

struct Renames {
  std::map<std::string, std::string> tables;                         // old -> new
  std::map<std::string, std::map<std::string, std::string>> columns;  // new table -> old -> new
  std::vector<Change> changes;
};

// Whether some old name is already renamed to `name`.
bool Taken(const std::map<std::string, std::string>& renames, const std::string& name) {
  return std::any_of(renames.begin(), renames.end(), [&](const auto& kv) { return kv.second == name; });
}

// The hints that make sense for this pair: the old name exists only in
// `from`, the new one only in `to`. Others are ignored (they stay a drop and
// an add, and FindRenameCandidates may report them).
Renames ValidRenames(const Schema& from, const Schema& to, const DiffOptions& options) {
  Renames out;
  for (const auto& r : options.renames) {
    if (!r.table.empty() || out.tables.count(r.from) || Taken(out.tables, r.to)) continue;
    if (!from.FindTable(r.from) || to.FindTable(r.from) || !to.FindTable(r.to) || from.FindTable(r.to)) continue;
    out.tables[r.from] = r.to;
    out.changes.push_back(Make("rename table " + r.from + " to " + r.to,
                           {"ALTER TABLE " + Q(r.from) + " RENAME TO " + Q(r.to)}));
  }
  for (const auto& r : options.renames) {
    if (r.table.empty()) continue;
    // The hint may name the table by its old or its new name.
    std::string old_name = r.table, new_name = r.table;
    if (auto it = out.tables.find(r.table); it != out.tables.end()) new_name = it->second;
    for (const auto& [o, n] : out.tables) {
      if (n == r.table) old_name = o;
    }
    const Table* old_table = from.FindTable(old_name);
    const Table* new_table = to.FindTable(new_name);
    if (!old_table || !new_table || !old_table->FindColumn(r.from) || old_table->FindColumn(r.to) ||
        !new_table->FindColumn(r.to) || new_table->FindColumn(r.from) || out.columns[new_name].count(r.from) ||
        Taken(out.columns[new_name], r.to)) {
      continue;
    }
    out.columns[new_name][r.from] = r.to;
    out.changes.push_back(Make("rename column " + new_name + "." + r.from + " to " + new_name + "." + r.to,
                           {"ALTER TABLE " + Q(new_name) + " RENAME COLUMN " + Q(r.from) + " TO " + Q(r.to)}));
  }
  return out;
}

// `from` as SQLite will hold it after the RENAME statements.
Schema ApplyRenames(Schema s, const Renames& renames) {
  auto table = [&](const std::string& name) {
    auto it = renames.tables.find(name);
    return it == renames.tables.end() ? name : it->second;
  };
  auto columns = [&](const std::string& new_table, Strings& names) {
    auto it = renames.columns.find(new_table);
    if (it == renames.columns.end()) return;
    for (auto& n : names) {
      if (auto c = it->second.find(n); c != it->second.end()) n = c->second;
    }
  };
  for (auto& t : s.tables) {
    t.name = table(t.name);
    Strings names;
    for (const auto& c : t.columns) names.push_back(c.name);
    columns(t.name, names);
    for (size_t i = 0; i < names.size(); ++i) t.columns[i].name = names[i];
    if (t.primary_key) columns(t.name, t.primary_key->columns);
    for (auto& u : t.uniques) columns(t.name, u.columns);
    for (auto& fk : t.foreign_keys) {
      columns(t.name, fk.columns);
      fk.ref_table = table(fk.ref_table);
      columns(fk.ref_table, fk.ref_columns);
    }
  }
  for (auto& i : s.indexes) {
    i.table = table(i.table);
    for (auto& p : i.parts) {
      Strings one{p.column};
      columns(i.table, one);
      p.column = one[0];
    }
  }
  for (auto& t : s.triggers) t.table = table(t.table);
  Canonicalize(s);
  return s;
}

// ---------------------------------------------------------------------------
// Tables: ALTER or rebuild

bool IsNullDefault(const std::optional<std::string>& d) { return !d || util::ToLower(*d) == "null"; }

// ALTER TABLE ADD COLUMN's rules: no PRIMARY KEY/UNIQUE (table-level, checked
// by the caller), no STORED generated column, a constant default (no
// CURRENT_* and nothing in parentheses), NOT NULL only with a non-NULL
// default, and a REFERENCES column must default to NULL.
bool CanAddColumn(const Column& c, bool references) {
  if (c.generated_expr && (c.generated_stored || c.not_null)) return false;
  if (c.default_expr) {
    std::string d = util::ToLower(*c.default_expr);
    if (!IsSqliteLiteralDefault(*c.default_expr) || d.rfind("current_", 0) == 0) return false;
  }
  if (c.not_null && IsNullDefault(c.default_expr)) return false;
  return !references || IsNullDefault(c.default_expr);
}

struct TablePlan {
  bool rebuild = false;
  std::vector<const Column*> added, dropped;
  std::map<std::string, const ForeignKey*> inline_fks;  // added column -> its REFERENCES
};

bool Contains(const std::vector<ForeignKey>& fks, const ForeignKey& fk) {
  return std::find(fks.begin(), fks.end(), fk) != fks.end();
}

// Whether ALTER TABLE ADD/DROP COLUMN turns `o` into `n`: every table-level
// part equal, kept columns equal and in the same order, added columns last
// and addable, new foreign keys only as single-column REFERENCES on added
// columns. DROP COLUMN's own rules (not in a key, UNIQUE, CHECK, foreign key,
// index, view or trigger) then hold for any valid `n`: those would differ or
// be dropped first.
TablePlan PlanTable(const Table& o, const Table& n) {
  TablePlan plan;
  plan.rebuild = true;
  if (o.primary_key != n.primary_key || o.uniques != n.uniques || o.checks != n.checks ||
      o.without_rowid != n.without_rowid || o.strict != n.strict) {
    return plan;
  }
  std::vector<const Column*> kept_old, kept_new;
  for (const auto& c : o.columns) (n.FindColumn(c.name) ? kept_old : plan.dropped).push_back(&c);
  for (const auto& c : n.columns) {
    if (o.FindColumn(c.name)) {
      if (!plan.added.empty()) return plan;  // a new column before a kept one
      kept_new.push_back(&c);
    } else {
      plan.added.push_back(&c);
    }
  }
  for (size_t i = 0; i < kept_old.size(); ++i) {
    if (!(*kept_old[i] == *kept_new[i])) return plan;
  }
  for (const auto& fk : o.foreign_keys) {
    if (!Contains(n.foreign_keys, fk)) return plan;
  }
  for (const auto& fk : n.foreign_keys) {
    if (Contains(o.foreign_keys, fk)) continue;
    bool on_added = fk.columns.size() == 1 && !o.FindColumn(fk.columns[0]) && n.FindColumn(fk.columns[0]);
    if (!on_added || plan.inline_fks.count(fk.columns[0])) return plan;
    plan.inline_fks[fk.columns[0]] = &fk;
  }
  for (const Column* c : plan.added) {
    if (!CanAddColumn(*c, plan.inline_fks.count(c->name) > 0)) return plan;
  }
  plan.rebuild = false;
  return plan;
}

std::string Shown(const std::optional<std::string>& v) { return v ? *v : "none"; }
std::string ShownType(const std::string& t) { return t.empty() ? "(none)" : t; }

// SQLite's type affinity of a declared type (datatype3.html, 3.1).
std::string Affinity(const std::string& type) {
  std::string t = util::ToLower(type);
  if (t.find("int") != std::string::npos) return "INTEGER";
  if (t.find("char") != std::string::npos || t.find("clob") != std::string::npos || t.find("text") != std::string::npos) {
    return "TEXT";
  }
  if (t.empty() || t.find("blob") != std::string::npos) return "BLOB";
  if (t.find("real") != std::string::npos || t.find("floa") != std::string::npos || t.find("doub") != std::string::npos) {
    return "REAL";
  }
  return "NUMERIC";
}

struct RebuildNotes {
  Strings reasons;       // for the summary
  Strings losses;        // for destructive_reason
};

void NoteColumnChange(const std::string& table, const Column& o, const Column& n, RebuildNotes& notes) {
  const std::string& name = n.name;
  if (o.type != n.type) {
    notes.reasons.push_back("type of " + name + ": " + ShownType(o.type) + " -> " + ShownType(n.type));
    // Storing into a column of another affinity converts values ('007' in an
    // INTEGER column becomes 7); to a column without affinity nothing changes.
    if (Affinity(o.type) != Affinity(n.type) && Affinity(n.type) != "BLOB" && !n.generated_expr) {
      notes.losses.push_back("values of " + table + "." + name + " may be converted (" + ShownType(o.type) + " -> " +
                             ShownType(n.type) + ")");
    }
  }
  if (o.not_null != n.not_null) {
    if (!n.not_null) {
      notes.reasons.push_back(name + ": NULL allowed");
    } else if (!IsNullDefault(n.default_expr) && !n.generated_expr) {
      notes.reasons.push_back(name + ": NOT NULL, NULLs become " + *n.default_expr);
      notes.losses.push_back("NULLs in " + table + "." + name + " become " + *n.default_expr);
    } else {
      notes.reasons.push_back(name + ": NOT NULL, fails if " + name + " has NULLs");
    }
  }
  if (o.default_expr != n.default_expr) {
    notes.reasons.push_back("default of " + name + ": " + Shown(o.default_expr) + " -> " + Shown(n.default_expr));
  }
  if (o.collation != n.collation) {
    notes.reasons.push_back("collation of " + name + ": " + (o.collation.empty() ? "BINARY" : o.collation) + " -> " +
                            (n.collation.empty() ? "BINARY" : n.collation));
  }
  if (o.generated_expr != n.generated_expr || o.generated_stored != n.generated_stored) {
    if (!n.generated_expr) {
      notes.reasons.push_back(name + ": no longer generated");
    } else {
      notes.reasons.push_back(name + ": generated as " + *n.generated_expr + (n.generated_stored ? " STORED" : ""));
      if (!o.generated_expr) notes.losses.push_back("values of " + table + "." + name + " are replaced by its expression");
    }
  }
}

RebuildNotes NoteRebuild(const Table& o, const Table& n) {
  RebuildNotes notes;
  Strings kept_old, kept_new;
  for (const auto& c : o.columns) {
    if (!n.FindColumn(c.name)) {
      notes.reasons.push_back("drop column " + c.name);
      notes.losses.push_back("drops column " + n.name + "." + c.name + " and its values");
    } else {
      kept_old.push_back(c.name);
    }
  }
  for (size_t i = 0; i < n.columns.size(); ++i) {
    const Column& c = n.columns[i];
    const Column* old = o.FindColumn(c.name);
    if (old) {
      kept_new.push_back(c.name);
      NoteColumnChange(n.name, *old, c, notes);
      continue;
    }
    std::string note = "add column " + c.name;
    bool last = std::none_of(n.columns.begin() + static_cast<long>(i), n.columns.end(),
                             [&](const Column& later) { return o.FindColumn(later.name) != nullptr; });
    if (!last) note += " (not at the end)";
    // No value to give existing rows: the copy fails unless the table is empty.
    if (c.not_null && IsNullDefault(c.default_expr) && !c.generated_expr) {
      note += ": NOT NULL without a default, fails if " + n.name + " has rows";
    }
    notes.reasons.push_back(note);
  }
  if (kept_old != kept_new) notes.reasons.push_back("column order");
  if (o.primary_key != n.primary_key) {
    auto pk = [](const std::optional<PrimaryKey>& k) {
      if (!k) return std::string("none");
      return "(" + Join(k->columns, ", ") + ")" + (k->autoincrement ? " AUTOINCREMENT" : "");
    };
    notes.reasons.push_back("primary key: " + pk(o.primary_key) + " -> " + pk(n.primary_key));
  }
  if (o.uniques != n.uniques) notes.reasons.push_back("unique constraints");
  if (o.checks != n.checks) notes.reasons.push_back("check constraints");
  if (o.foreign_keys != n.foreign_keys) notes.reasons.push_back("foreign keys");
  if (o.without_rowid != n.without_rowid) notes.reasons.push_back(n.without_rowid ? "WITHOUT ROWID" : "with rowid");
  if (o.strict != n.strict) notes.reasons.push_back(n.strict ? "STRICT" : "not STRICT");
  return notes;
}

// The 12-step rebuild: CREATE "new_T", copy the kept columns, DROP T, rename
// new_T to T. The new table is renamed rather than the old one moved away,
// because renaming T would rewrite the REFERENCES of T's child tables to the
// old name. Indexes, triggers and views come back in later changes.
Change Rebuild(const Table& o, const Table& n, const std::string& temp) {
  RebuildNotes notes = NoteRebuild(o, n);
  Change change;
  change.summary = "rebuild table " + n.name + " (" + Join(notes.reasons, "; ") + ")";
  change.destructive = !notes.losses.empty();
  change.destructive_reason = Join(notes.losses, "; ");
  Table t = n;
  t.name = temp;
  change.statements.push_back(Statement(RenderSqliteTable(t)));
  // Keep the AUTOINCREMENT high-water mark: ids of deleted rows stay unused.
  if (o.primary_key && o.primary_key->autoincrement && n.primary_key && n.primary_key->autoincrement) {
    change.statements.push_back("INSERT INTO \"sqlite_sequence\" (\"name\", \"seq\") SELECT " + QuoteLiteral(temp) +
                                ", \"seq\" FROM \"sqlite_sequence\" WHERE \"name\" = " + QuoteLiteral(n.name));
  }
  Strings into, select;
  for (const auto& c : n.columns) {
    const Column* old = o.FindColumn(c.name);
    if (!old || c.generated_expr) continue;  // generated columns compute themselves
    into.push_back(Q(c.name));
    // Adding NOT NULL with a default: NULLs become the default (an explicit
    // NULL would not take the default and the copy would fail).
    bool backfill = c.not_null && !old->not_null && !IsNullDefault(c.default_expr);
    select.push_back(backfill ? "coalesce(" + Q(c.name) + ", " + SqliteDefaultAsExpr(*c.default_expr) + ")" : Q(c.name));
  }
  if (into.empty()) {
    // No column is kept, yet every row is: one row each, every column at its
    // default, as ADD COLUMN and DROP COLUMN would leave them. A table has at
    // least one column that is not generated; naming it gives the row.
    auto first = std::find_if(n.columns.begin(), n.columns.end(), [](const Column& c) { return !c.generated_expr; });
    if (first != n.columns.end()) {
      into.push_back(Q(first->name));
      select.push_back(IsNullDefault(first->default_expr) ? "NULL" : SqliteDefaultAsExpr(*first->default_expr));
    }
  }
  if (!into.empty()) {
    change.statements.push_back("INSERT INTO " + Q(temp) + " (" + Join(into, ", ") + ") SELECT " + Join(select, ", ") +
                                " FROM " + Q(n.name));
  }
  change.statements.push_back("DROP TABLE " + Q(n.name));
  change.statements.push_back("ALTER TABLE " + Q(temp) + " RENAME TO " + Q(n.name));
  return change;
}

// ADD COLUMN before DROP COLUMN: SQLite refuses to drop a table's last column.
std::vector<Change> Alter(const Table& n, const TablePlan& plan) {
  std::vector<Change> out;
  for (const Column* c : plan.added) {
    std::string def = RenderSqliteColumn(*c);
    if (auto it = plan.inline_fks.find(c->name); it != plan.inline_fks.end()) {
      const ForeignKey& fk = *it->second;
      def += (fk.name.empty() ? " " : " CONSTRAINT " + Q(fk.name) + " ") + RenderSqliteReferences(fk);
    }
    out.push_back(Make("add column " + n.name + "." + c->name, {"ALTER TABLE " + Q(n.name) + " ADD COLUMN " + def}));
  }
  for (const Column* c : plan.dropped) {
    out.push_back(Make("drop column " + n.name + "." + c->name, {"ALTER TABLE " + Q(n.name) + " DROP COLUMN " + Q(c->name)},
                       "drops column " + n.name + "." + c->name + " and its values"));
  }
  return out;
}

// A name for the rebuild's new table that no table, index or view has on
// either side (they share SQLite's namespace, case-insensitively: "new_useRs"
// takes "new_users").
std::string TempName(const Schema& from, const Schema& to, const std::string& table) {
  NameSet taken;
  for (const Schema* s : {&from, &to}) {
    for (const auto& t : s->tables) taken.insert(util::ToLower(t.name));
    for (const auto& i : s->indexes) taken.insert(util::ToLower(i.name));
    for (const auto& v : s->views) taken.insert(util::ToLower(v.name));
  }
  std::string name = "new_" + table;
  for (int i = 2; taken.count(util::ToLower(name)); ++i) name = "new_" + table + "_" + std::to_string(i);
  return name;
}

// Tables that reference another dropped table first, so that with foreign
// keys on a parent is never dropped under its rows' children. `*cycle` is set
// when tables reference each other in a loop (no order works then).
std::vector<const Table*> DropOrder(std::vector<const Table*> tables, bool* cycle) {
  std::vector<const Table*> out;
  while (!tables.empty()) {
    auto referenced = [&](const Table* t) {
      for (const Table* other : tables) {
        if (other == t) continue;
        for (const auto& fk : other->foreign_keys) {
          if (References(fk, *t)) return true;
        }
      }
      return false;
    };
    auto it = std::find_if(tables.begin(), tables.end(), [&](const Table* t) { return !referenced(t); });
    if (it == tables.end()) {
      *cycle = true;
      it = tables.begin();
    }
    out.push_back(*it);
    tables.erase(it);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Views (dependency order by name mentions)

template <typename T>
const T* FindNamed(const std::vector<T>& items, const std::string& name) {
  for (const auto& i : items) {
    if (i.name == name) return &i;
  }
  return nullptr;
}

// `views` ordered so that a view comes after the views it mentions.
std::vector<const View*> CreateOrder(std::vector<const View*> views) {
  std::vector<const View*> out;
  while (!views.empty()) {
    auto waits = [&](const View* v) {
      NameSet idents = Identifiers(v->sql);
      for (const View* other : views) {
        if (other != v && idents.count(util::ToLower(other->name))) return true;
      }
      return false;
    };
    auto it = std::find_if(views.begin(), views.end(), [&](const View* v) { return !waits(v); });
    if (it == views.end()) it = views.begin();
    out.push_back(*it);
    views.erase(it);
  }
  return out;
}

// One diff, step by step; each step appends its changes in execution order.
class SqliteDiffer {
 public:
  SqliteDiffer(const Schema& original, const Schema& to, const DiffOptions& options)
      : original_(original), renames_(ValidRenames(original, to, options)),
        from_(ApplyRenames(original, renames_)), to_(AlignSqliteSpelling(from_, to)) {}

  Diff Run() {
    std::vector<Change> table_changes = PlanTables();
    NameSet touched = Touched();
    DropTriggersAndViews(touched);
    DropIndexes();
    DropTables();
    Append(std::move(renames_.changes));
    for (const Table* t : created_) Add(Make("create table " + t->name, {Statement(RenderSqliteTable(*t))}));
    Append(std::move(table_changes));
    CreateIndexesViewsTriggers();
    return std::move(diff_);
  }

 private:
  void Add(Change c) { diff_.changes.push_back(std::move(c)); }
  void Append(std::vector<Change> changes) {
    for (auto& c : changes) Add(std::move(c));
  }

  // Tables: what goes, what comes, and for each changed one ALTER or rebuild.
  std::vector<Change> PlanTables() {
    std::vector<Change> out;
    for (const auto& t : from_.tables) {
      if (!to_.FindTable(t.name)) {
        dropped_.push_back(&t);
        gone_.insert(util::ToLower(t.name));
      }
    }
    for (const auto& n : to_.tables) {
      const Table* old = from_.FindTable(n.name);
      if (!old) {
        created_.push_back(&n);
        continue;
      }
      if (*old == n) continue;
      TablePlan plan = PlanTable(*old, n);
      if (!plan.rebuild) {
        for (auto& c : Alter(n, plan)) out.push_back(std::move(c));
        continue;
      }
      out.push_back(Rebuild(*old, n, TempName(original_, to_, n.name)));
      rebuilt_.insert(util::ToLower(n.name));
      diff_.foreign_keys_off = true;
    }
    return out;
  }

  // Tables whose views and triggers must be dropped first and recreated:
  // rebuilt or dropped (a view over a missing table breaks the next RENAME),
  // renamed or with renamed columns (SQLite rewrites their text on RENAME,
  // quoting names its own way; `to` has the text to keep). Lower-case, as
  // `original`'s views and triggers spell them.
  NameSet Touched() const {
    NameSet touched = rebuilt_;
    touched.insert(gone_.begin(), gone_.end());
    for (const auto& [old_name, new_name] : renames_.tables) touched.insert(util::ToLower(old_name));
    for (const auto& [table, cols] : renames_.columns) {
      touched.insert(util::ToLower(table));
      for (const auto& [o, n] : renames_.tables) {
        if (n == table) touched.insert(util::ToLower(o));
      }
    }
    return touched;
  }

  // Views: gone, changed, or mentioning a touched table or a dropped view.
  // Triggers: the same, or on such a view. Triggers go first, then views,
  // dependents before what they read.
  void DropTriggersAndViews(const NameSet& touched) {
    for (bool grew = true; grew;) {
      grew = false;
      for (const auto& v : original_.views) {
        if (views_dropped_.count(util::ToLower(v.name))) continue;
        const View* n = FindNamed(to_.views, v.name);
        NameSet idents = Identifiers(v.sql);
        if (!n || !(*n == v) || MentionsAny(idents, touched) || MentionsAny(idents, views_dropped_)) {
          views_dropped_.insert(util::ToLower(v.name));
          grew = true;
        }
      }
    }
    NameSet dependencies = touched;
    dependencies.insert(views_dropped_.begin(), views_dropped_.end());
    for (const auto& t : original_.triggers) {
      const Trigger* n = FindNamed(to_.triggers, t.name);
      if (!n || !(*n == *FindNamed(from_.triggers, t.name)) || dependencies.count(util::ToLower(t.table)) ||
          MentionsAny(Identifiers(t.sql), dependencies)) {
        triggers_dropped_.insert(t.name);
        Add(Make("drop trigger " + t.name, {"DROP TRIGGER " + Q(t.name)}));
      }
    }
    std::vector<const View*> views;
    for (const auto& v : original_.views) {
      if (views_dropped_.count(util::ToLower(v.name))) views.push_back(&v);
    }
    views = CreateOrder(views);
    std::reverse(views.begin(), views.end());
    for (const View* v : views) Add(Make("drop view " + v->name, {"DROP VIEW " + Q(v->name)}));
  }

  // Indexes that go or change, and those of rebuilt and dropped tables.
  void DropIndexes() {
    for (const auto& i : from_.indexes) {
      const Index* n = FindNamed(to_.indexes, i.name);
      if (!n || !(*n == i) || rebuilt_.count(util::ToLower(i.table)) || gone_.count(util::ToLower(i.table))) {
        indexes_dropped_.insert(i.name);
        Add(Make("drop index " + i.name, {"DROP INDEX " + Q(i.name)}));
      }
    }
  }

  void DropTables() {
    bool cycle = false;
    for (const Table* t : DropOrder(dropped_, &cycle)) {
      Add(Make("drop table " + t->name, {"DROP TABLE " + Q(t->name)}, "drops table " + t->name + " and its rows"));
      // With foreign keys on, DROP TABLE deletes the rows first when some
      // table references them, which cascades into (or fails on) a kept
      // table's rows; on the table's own references it fails on ON DELETE
      // RESTRICT (a tree of categories) and on a reference to a missing
      // table.
      for (const auto& other : from_.tables) {
        if (&other != t && gone_.count(util::ToLower(other.name))) continue;
        for (const auto& fk : other.foreign_keys) {
          if (References(fk, *t)) diff_.foreign_keys_off = true;
        }
      }
    }
    if (cycle) diff_.foreign_keys_off = true;
  }

  void CreateIndexesViewsTriggers() {
    for (const auto& i : to_.indexes) {
      if (FindNamed(from_.indexes, i.name) && !indexes_dropped_.count(i.name)) continue;
      Add(Make("create index " + i.name + " on " + i.table, {Statement(RenderSqliteIndex(i))}));
    }
    std::vector<const View*> views;
    for (const auto& v : to_.views) {
      if (!FindNamed(original_.views, v.name) || views_dropped_.count(util::ToLower(v.name))) views.push_back(&v);
    }
    for (const View* v : CreateOrder(views)) Add(Make("create view " + v->name, {v->sql}));
    for (const auto& t : to_.triggers) {
      if (FindNamed(original_.triggers, t.name) && !triggers_dropped_.count(t.name)) continue;
      Add(Make("create trigger " + t.name + " on " + t.table, {t.sql}));
    }
  }

  const Schema& original_;  // as the database holds it now
  Renames renames_;
  const Schema from_;  // `original_` after the RENAME statements
  const Schema to_;    // the wanted schema, spelled as `from_` where only spelling differs
  Diff diff_;
  std::vector<const Table*> dropped_, created_;
  NameSet rebuilt_, gone_, views_dropped_;  // lower-case
  std::set<std::string> triggers_dropped_, indexes_dropped_;  // exact names
};

}  // namespace

Schema AlignSqliteSpelling(const Schema& from, Schema to) {
  // Names first: SQLite's are case-insensitive (ASCII), so "Users" and
  // "users" are one table, and a plan that dropped one to create the other
  // would lose its rows. Only the names of objects both sides have are
  // respelled, with their own columns' names in their keys.
  using Spellings = std::map<std::string, std::string>;  // lower-case -> as `from` spells it
  auto both = [](const auto& from_items, const auto& to_items) {
    Spellings out, wanted;
    for (const auto& x : to_items) wanted[util::ToLower(x.name)] = x.name;
    for (const auto& x : from_items) {
      if (wanted.count(util::ToLower(x.name))) out[util::ToLower(x.name)] = x.name;
    }
    return out;
  };
  auto respell = [](const Spellings& names, std::string& name) {
    auto it = names.find(util::ToLower(name));
    if (it != names.end()) name = it->second;
  };
  Spellings tables = both(from.tables, to.tables);
  for (auto& t : to.tables) respell(tables, t.name);
  // References to a table (a foreign key's, an index's, a trigger's) are not
  // respelled to the table's name: SQLite keeps each as written ("ON usErs"
  // beside a table "users"), so they are aligned object by object below, to
  // what the same object in `from` writes. Respelled to the table's name, a
  // reference to a table only `from` has would never reach `to`.
  Spellings indexes = both(from.indexes, to.indexes);
  for (auto& i : to.indexes) respell(indexes, i.name);
  for (auto& t : to.tables) {
    const Table* old = from.FindTable(t.name);
    if (!old) continue;
    Spellings columns = both(old->columns, t.columns);
    auto respell_all = [&](std::vector<std::string>& names) {
      for (auto& n : names) respell(columns, n);
    };
    for (auto& c : t.columns) respell(columns, c.name);
    if (t.primary_key) respell_all(t.primary_key->columns);
    for (auto& u : t.uniques) respell_all(u.columns);
    for (auto& fk : t.foreign_keys) respell_all(fk.columns);
  }
  for (auto& t : to.tables) {
    if (const Table* old = from.FindTable(t.name)) AlignTable(*old, t);
  }
  // An index that changes for real is recreated as `to` spells it.
  for (auto& i : to.indexes) {
    for (const auto& old : from.indexes) {
      if (old.name != i.name) continue;
      Index aligned = i;
      AlignIndex(old, aligned);
      if (aligned == old) i = std::move(aligned);
    }
  }
  for (auto& t : to.triggers) {
    for (const auto& old : from.triggers) {
      if (old.name != t.name) continue;
      AlignText(old.sql, t.sql);
      if (util::ToLower(old.table) == util::ToLower(t.table)) t.table = old.table;
    }
  }
  Canonicalize(to);  // respelled names sort elsewhere ("Users" before "orders")
  return to;
}

Diff DiffSqlite(const Schema& from, const Schema& to, const DiffOptions& options) {
  return SqliteDiffer(from, to, options).Run();
}

}  // namespace strata::schema
