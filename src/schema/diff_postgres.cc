// DiffPostgres: the PostgreSQL half of DiffSchemas (see diff.h).
//
// The diff is computed in two passes. Planning compares `from` (with the
// rename hints applied, so that a renamed table or column is the same object
// under its new name) against `to` and decides, per object, whether it is
// kept, altered, dropped, created, or dropped and created again because
// something it depends on changes under it. Emission then writes the changes
// in an order PostgreSQL accepts:
//
//   1. comments that go away (while every object of `from` still exists)
//   2. renames (ALTER TABLE ... RENAME): everything after speaks new names.
//      A constraint that only changes name is renamed too (RENAME
//      CONSTRAINT keeps its index and the foreign keys that use it), and
//      expressions are compared with the renamed identifiers rewritten, so
//      that an index, check or generated column over a renamed column stays.
//   3. drops of dependents: triggers, views (dependents first), foreign keys,
//      indexes, constraints, partition detaches, tables (partitions first),
//      routines that are recreated
//   4. creates of what columns may use: schemas, extensions, enums (and new
//      values), routines that defaults or domains call, domains, sequences
//   5. column changes on kept tables: drops, retypes onto recreated types,
//      alters, adds, then a partition's own NOT NULL / defaults
//   6. drops of what columns used to use: routines, sequences, domains, enums
//      (and the old copy of a recreated one), extensions, schemas. These come
//      after step 5, not with the drops in step 3, because a kept column
//      still uses them until it is altered.
//   7. creates of the rest: tables (partitioned parents first), partition
//      attaches, sequence OWNED BY, routines, constraints, indexes, foreign
//      keys (all of them after every table exists, so cycles load), VALIDATE
//      CONSTRAINT for those that only lose NOT VALID, views in
//      dependency order (materialized views and their indexes with them),
//      routines that read views, triggers, comments.
//
// Views record which views they read (View::depends_on) but not which tables:
// a view is rebuilt when its SQL names, as an identifier, a table that loses,
// renames or retypes a column (PostgreSQL refuses ALTER COLUMN TYPE under a
// view), a table or type that is dropped or recreated, or a routine that is
// dropped or recreated. Matching names, not parsing, can only over-match (a
// column that happens to share a table's name), which costs a needless
// rebuild, never a failed migration.
#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "schema/diff.h"
#include "schema/render_postgres.h"

namespace strata::schema {

namespace {

std::string Q(std::string_view ident) { return QuoteIdent(ident); }

std::string Qual(const std::string& schema, const std::string& name) {
  return schema.empty() ? Q(name) : Q(schema) + "." + Q(name);
}

std::string Lit(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

std::string QuoteList(const std::vector<std::string>& idents) {
  std::string out;
  for (const auto& i : idents) out += (out.empty() ? "" : ", ") + Q(i);
  return out;
}

std::string Join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

// The name people read in summaries: "users", or "billing.invoices" outside
// public (the spelling of Rename and `strata inspect`).
std::string Show(const std::string& schema, const std::string& name) {
  return schema.empty() || schema == "public" ? name : schema + "." + name;
}

// Identity of an object within its kind: "schema.name" (View::depends_on's form).
std::string Id(const std::string& schema, const std::string& name) { return schema + "." + name; }
template <class T>
std::string Id(const T& item) {
  return Id(item.schema, item.name);
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }

// Whether `sql` names `name` as an identifier, quoted or bare (bare matched
// ignoring case, as PostgreSQL folds it).
bool Mentions(std::string_view sql, const std::string& name) {
  if (name.empty()) return false;
  if (sql.find(Q(name)) != std::string_view::npos) return true;
  std::string text = Lower(sql), word = Lower(name);
  for (size_t pos = text.find(word); pos != std::string::npos; pos = text.find(word, pos + 1)) {
    size_t end = pos + word.size();
    if ((pos == 0 || !IdentChar(text[pos - 1])) && (end >= text.size() || !IdentChar(text[end]))) return true;
  }
  return false;
}

// An identifier PostgreSQL prints without quotes (keywords aside).
bool Bare(const std::string& ident) {
  if (ident.empty() || std::isdigit(static_cast<unsigned char>(ident[0]))) return false;
  return std::all_of(ident.begin(), ident.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_';
  });
}

// `sql` with the identifier `from` (bare or quoted, outside string literals)
// spelled `to`: what PostgreSQL prints for an index, check or trigger after a
// rename. A miss only makes the object look changed (dropped and created).
std::string RewriteIdent(const std::string& sql, const std::string& from, const std::string& to) {
  std::string out, spelled = Bare(to) ? to : Q(to);
  for (size_t i = 0; i < sql.size();) {
    char c = sql[i];
    if (c == '\'') {
      size_t end = i + 1;
      while (end < sql.size() && !(sql[end] == '\'' && (end + 1 >= sql.size() || sql[end + 1] != '\'')))
        end += sql[end] == '\'' ? 2 : 1;
      out += sql.substr(i, end + 1 - i);
      i = end + 1;
    } else if (c == '"') {
      size_t end = i + 1;
      while (end < sql.size() && !(sql[end] == '"' && (end + 1 >= sql.size() || sql[end + 1] != '"')))
        end += sql[end] == '"' ? 2 : 1;
      std::string token = sql.substr(i, end + 1 - i);
      out += token == Q(from) ? spelled : token;
      i = end + 1;
    } else if (IdentChar(c) && (i == 0 || !IdentChar(sql[i - 1]))) {
      size_t end = i;
      while (end < sql.size() && IdentChar(sql[end])) ++end;
      std::string token = sql.substr(i, end - i);
      out += Bare(from) && token == from ? spelled : token;
      i = end;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

bool MentionsAny(std::string_view sql, const std::set<std::string>& names) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return Mentions(sql, n); });
}

template <class T>
const T* FindIn(const std::vector<T>& items, const std::string& schema, const std::string& name) {
  for (const auto& i : items) {
    if (i.schema == schema && i.name == name) return &i;
  }
  return nullptr;
}

template <class T>
const T* FindByName(const std::vector<T>& items, const std::string& name) {
  for (const auto& i : items) {
    if (i.name == name) return &i;
  }
  return nullptr;
}

// serial/bigserial/smallserial are integer types plus an owned sequence.
std::string BaseType(const std::string& type) {
  if (type == "serial") return "integer";
  if (type == "bigserial") return "bigint";
  if (type == "smallserial") return "smallint";
  return type;
}
bool IsSerial(const std::string& type) { return BaseType(type) != type; }

// Whether every value of `from` converts to `to` without failing or losing
// information; anything not known to widen counts as destructive.
bool Widens(const std::string& from, const std::string& to) {
  if (from == to || to == "text") return true;
  static const std::vector<std::string> kInts = {"smallint", "integer", "bigint", "numeric"};
  auto rank = [&](const std::string& t) { return std::find(kInts.begin(), kInts.end(), t) - kInts.begin(); };
  if (rank(from) < rank(to) && rank(to) < static_cast<long>(kInts.size())) return true;
  if (from == "real" && to == "double precision") return true;
  if (from == "timestamp without time zone" && to == "timestamp with time zone") return true;
  auto length = [](const std::string& t, const std::string& prefix) -> long {
    if (t.rfind(prefix + "(", 0) != 0 || t.back() != ')') return -1;
    return std::atol(t.c_str() + prefix.size() + 1);
  };
  long varchar_from = length(from, "character varying"), varchar_to = length(to, "character varying");
  if (varchar_from >= 0 && (to == "character varying" || varchar_to >= varchar_from)) return true;
  if (from.rfind("numeric(", 0) == 0 && to == "numeric") return true;
  return false;
}

// A column type that names `schema.name` (or its array), quotes ignored.
bool TypeIs(const std::string& column_type, const std::string& schema, const std::string& name, bool* array) {
  std::string t;
  for (char c : column_type) {
    if (c != '"') t += c;
  }
  *array = false;
  while (t.size() > 2 && t.compare(t.size() - 2, 2, "[]") == 0) {
    t.resize(t.size() - 2);
    *array = true;
  }
  return t == name || t == schema + "." + name;
}

// The line after RETURNS in pg_get_functiondef (CREATE OR REPLACE cannot change it).
std::string ReturnsClause(const std::string& definition) {
  size_t pos = definition.find(" RETURNS ");
  if (pos == std::string::npos) return "";
  size_t end = definition.find('\n', pos);
  return definition.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
}

// Whether `values` keeps every value of `old` in the same order (so that
// ALTER TYPE ... ADD VALUE can make it).
bool Extends(const std::vector<std::string>& old, const std::vector<std::string>& values) {
  size_t i = 0;
  for (const auto& v : values) {
    if (i < old.size() && v == old[i]) ++i;
  }
  return i == old.size() && old.size() < values.size();
}

std::string Named(const std::string& name) { return name.empty() ? "" : "CONSTRAINT " + Q(name) + " "; }

std::string ColumnDef(const Column& c) {
  std::string out = Q(c.name) + " " + c.type;
  if (!c.collation.empty()) out += " COLLATE " + Q(c.collation);
  if (c.not_null) out += " NOT NULL";
  if (c.default_expr) out += " DEFAULT " + *c.default_expr;
  if (c.identity == Identity::kAlways) out += " GENERATED ALWAYS AS IDENTITY";
  if (c.identity == Identity::kByDefault) out += " GENERATED BY DEFAULT AS IDENTITY";
  if (c.generated_expr) out += " GENERATED ALWAYS AS (" + *c.generated_expr + ") STORED";
  return out;
}

std::string ParentOf(const Table& t) {
  return Qual(t.partition_of_schema.empty() ? t.schema : t.partition_of_schema, t.partition_of);
}

// CREATE TABLE as the canonical renderer writes it (constraints inline, a
// partition's own column options, PARTITION OF / BY), without its ";\n".
std::string CreateTable(const Table& t) {
  std::string out = RenderPostgresTable(t);
  while (!out.empty() && (out.back() == '\n' || out.back() == ';')) out.pop_back();
  return out;
}

std::string AddForeignKey(const Table& t, const ForeignKey& fk) {
  std::string out = "ALTER TABLE " + Qual(t.schema, t.name) + " ADD " + Named(fk.name) + "FOREIGN KEY (" +
                    QuoteList(fk.columns) + ") REFERENCES " +
                    Qual(fk.ref_schema.empty() ? t.schema : fk.ref_schema, fk.ref_table);
  if (!fk.ref_columns.empty()) out += " (" + QuoteList(fk.ref_columns) + ")";
  if (fk.on_update != FkAction::kNoAction) out += " ON UPDATE " + std::string(ToString(fk.on_update));
  if (fk.on_delete != FkAction::kNoAction) out += " ON DELETE " + std::string(ToString(fk.on_delete));
  if (fk.deferrable) out += fk.initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
  if (fk.not_valid) out += " NOT VALID";
  return out;
}

std::string CheckClause(const CheckConstraint& c) {
  return Named(c.name) + "CHECK (" + c.expr + ")" + (c.not_valid ? " NOT VALID" : "");
}

std::string CreateIndex(const Index& index) {
  if (!index.definition.empty()) return index.definition;
  // A model from elsewhere (no pg_get_indexdef text): build it from the parts.
  std::string out = index.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
  out += Q(index.name) + " ON " + Qual(index.schema, index.table) + " (";
  for (size_t i = 0; i < index.parts.size(); ++i) {
    const IndexPart& p = index.parts[i];
    out += (i > 0 ? ", " : "") + (p.expr.empty() ? Q(p.column) : "(" + p.expr + ")");
    if (!p.collation.empty()) out += " COLLATE " + Q(p.collation);
    if (p.desc) out += " DESC";
  }
  out += ")";
  if (!index.where.empty()) out += " WHERE " + index.where;
  return out;
}

std::string CreateDomain(const Domain& d) {
  std::string out = "CREATE DOMAIN " + Qual(d.schema, d.name) + " AS " + d.type;
  if (!d.collation.empty()) out += " COLLATE " + Q(d.collation);
  if (d.default_expr) out += " DEFAULT " + *d.default_expr;
  if (d.not_null) out += " NOT NULL";
  for (const auto& c : d.checks) {
    if (!c.not_valid) out += " " + Named(c.name) + "CHECK (" + c.expr + ")";
  }
  return out;
}

std::string CreateEnum(const EnumType& e) {
  std::vector<std::string> values;
  for (const auto& v : e.values) values.push_back(Lit(v));
  return "CREATE TYPE " + Qual(e.schema, e.name) + " AS ENUM (" + Join(values, ", ") + ")";
}

std::string RoutineRef(const Routine& r) {
  return std::string(r.procedure ? "PROCEDURE " : "FUNCTION ") + Qual(r.schema, r.name) + "(" + r.arguments + ")";
}

// Views ordered so that each comes after the views it reads.
std::vector<const View*> InDependencyOrder(const std::vector<View>& views) {
  std::map<std::string, const View*> by_id;
  for (const auto& v : views) by_id[Id(v)] = &v;
  std::vector<const View*> out;
  std::set<const View*> done;
  std::function<void(const View*)> visit = [&](const View* v) {
    if (!done.insert(v).second) return;
    for (const auto& dep : v->depends_on) {
      auto it = by_id.find(dep);
      if (it != by_id.end()) visit(it->second);
    }
    out.push_back(v);
  };
  for (const auto& v : views) visit(&v);
  return out;
}

int PartitionDepth(const std::vector<Table>& tables, const Table& t) {
  int depth = 0;
  for (const Table* p = &t; p != nullptr && !p->partition_of.empty() && depth < 64; ++depth) {
    p = FindIn(tables, p->partition_of_schema.empty() ? p->schema : p->partition_of_schema, p->partition_of);
  }
  return depth;
}

class PgDiff {
 public:
  PgDiff(const Schema& from, const Schema& to, const DiffOptions& options)
      : orig_(from), a_(from), b_(to), options_(options) {}

  Diff Run() {
    ApplyRenames();
    PlanTypes();
    PlanTables();
    PlanRoutines();
    PlanViews();
    PlanConstraints();
    PlanIndexesAndTriggers();

    EmitCommentRemovals();
    EmitRenames();
    EmitDropDependents();
    EmitDropTables();
    EmitCreateTypes();
    EmitColumnChanges();
    EmitDropLeftovers();
    EmitCreateTables();
    EmitCreateDependents();
    EmitComments();
    return std::move(diff_);
  }

 private:
  struct TableRename {
    std::string schema, from, to;
  };
  struct ColumnRename {
    std::string schema, table, from, to;  // table: the new table name
  };

  void Emit(std::string summary, std::vector<std::string> statements, std::string destructive_reason = "") {
    Change c;
    c.summary = std::move(summary);
    c.statements = std::move(statements);
    c.destructive = !destructive_reason.empty();
    c.destructive_reason = std::move(destructive_reason);
    diff_.changes.push_back(std::move(c));
  }

  // ---- renames -------------------------------------------------------------

  static void SplitKey(const std::string& key, std::string* schema, std::string* name) {
    size_t dot = key.find('.');
    *schema = dot == std::string::npos ? "public" : key.substr(0, dot);
    *name = dot == std::string::npos ? key : key.substr(dot + 1);
  }

  Table* MutableTable(const std::string& schema, const std::string& name) {
    for (auto& t : a_.tables) {
      if (t.schema == schema && t.name == name) return &t;
    }
    return nullptr;
  }

  // Rewrites a_ so that hinted renames are already done; statements come later.
  void ApplyRenames() {
    for (const auto& r : options_.renames) {
      if (!r.table.empty()) continue;
      std::string schema, from, to_schema, to;
      SplitKey(r.from, &schema, &from);
      SplitKey(r.to, &to_schema, &to);
      Table* t = MutableTable(schema, from);
      // Only a rename between a table that goes and one that comes, in one schema.
      if (t == nullptr || to_schema != schema || FindIn(b_.tables, schema, to) == nullptr ||
          FindIn(b_.tables, schema, from) != nullptr || FindIn(a_.tables, schema, to) != nullptr) {
        continue;
      }
      t->name = to;
      table_renames_.push_back({schema, from, to});
      original_name_[Id(schema, to)] = from;
      for (auto& other : a_.tables) {
        for (auto& fk : other.foreign_keys) {
          if ((fk.ref_schema.empty() ? other.schema : fk.ref_schema) == schema && fk.ref_table == from)
            fk.ref_table = to;
        }
        if ((other.partition_of_schema.empty() ? other.schema : other.partition_of_schema) == schema &&
            other.partition_of == from) {
          other.partition_of = to;
        }
      }
      for (auto& i : a_.indexes) {
        if (i.schema != schema || i.table != from) continue;
        i.table = to;
        i.definition = RewriteIdent(i.definition, from, to);
      }
      for (auto& tr : a_.triggers) {
        if (tr.schema != schema || tr.table != from) continue;
        tr.table = to;
        tr.sql = RewriteIdent(tr.sql, from, to);
      }
      std::string old_prefix = Qual(schema, from) + ".", new_prefix = Qual(schema, to) + ".";
      for (auto& s : a_.sequences) {
        if (s.owned_by && s.owned_by->rfind(old_prefix, 0) == 0)
          s.owned_by = new_prefix + s.owned_by->substr(old_prefix.size());
      }
    }
    for (const auto& r : options_.renames) {
      if (r.table.empty()) continue;
      std::string schema, name;
      SplitKey(r.table, &schema, &name);
      for (const auto& tr : table_renames_) {
        if (tr.schema == schema && tr.from == name) name = tr.to;
      }
      Table* t = MutableTable(schema, name);
      const Table* target = FindIn(b_.tables, schema, name);
      if (t == nullptr || target == nullptr || t->FindColumn(r.from) == nullptr || t->FindColumn(r.to) != nullptr ||
          target->FindColumn(r.to) == nullptr || target->FindColumn(r.from) != nullptr) {
        continue;
      }
      RenameColumn(*t, r.from, r.to);
      column_renames_.push_back({schema, name, r.from, r.to});
    }
  }

  void RenameColumn(Table& t, const std::string& from, const std::string& to) {
    auto rename = [&](std::vector<std::string>& names) {
      for (auto& n : names) {
        if (n == from) n = to;
      }
    };
    // Expressions follow the rename in PostgreSQL; rewriting them here keeps
    // a generated column, check or index from looking changed.
    for (auto& c : t.columns) {
      if (c.name == from) c.name = to;
      if (c.generated_expr) c.generated_expr = RewriteIdent(*c.generated_expr, from, to);
      if (c.default_expr) c.default_expr = RewriteIdent(*c.default_expr, from, to);
    }
    for (auto& c : t.checks) c.expr = RewriteIdent(c.expr, from, to);
    for (auto& x : t.exclusions) x.definition = RewriteIdent(x.definition, from, to);
    if (t.primary_key) rename(t.primary_key->columns);
    for (auto& u : t.uniques) rename(u.columns);
    for (auto& fk : t.foreign_keys) rename(fk.columns);
    for (auto& other : a_.tables) {
      for (auto& fk : other.foreign_keys) {
        if ((fk.ref_schema.empty() ? other.schema : fk.ref_schema) == t.schema && fk.ref_table == t.name)
          rename(fk.ref_columns);
      }
    }
    for (auto& i : a_.indexes) {
      if (i.schema != t.schema || i.table != t.name) continue;
      for (auto& p : i.parts) {
        if (p.column == from) p.column = to;
        p.expr = RewriteIdent(p.expr, from, to);
      }
      i.definition = RewriteIdent(i.definition, from, to);
      i.where = RewriteIdent(i.where, from, to);
    }
    for (auto& tr : a_.triggers) {
      if (tr.schema == t.schema && tr.table == t.name) tr.sql = RewriteIdent(tr.sql, from, to);
    }
    std::string old_owner = Qual(t.schema, t.name) + "." + Q(from);
    for (auto& s : a_.sequences) {
      if (s.owned_by == old_owner) s.owned_by = Qual(t.schema, t.name) + "." + Q(to);
    }
    affected_names_.insert(OriginalName(t));
  }

  std::string OriginalName(const Table& t) const {
    auto it = original_name_.find(Id(t));
    return it == original_name_.end() ? t.name : it->second;
  }

  // ---- planning ------------------------------------------------------------

  // Enums and domains that must be recreated (rename old, create new, move
  // the columns over, drop old) rather than altered in place.
  void PlanTypes() {
    for (const auto& e : a_.enums) {
      const EnumType* n = FindIn(b_.enums, e.schema, e.name);
      if (n == nullptr) {
        affected_names_.insert(e.name);
      } else if (n->values != e.values && !Extends(e.values, n->values)) {
        recreated_types_[Id(e)] = "text";
        affected_names_.insert(e.name);
      }
    }
    for (const auto& d : a_.domains) {
      const Domain* n = FindIn(b_.domains, d.schema, d.name);
      if (n == nullptr) {
        affected_names_.insert(d.name);
      } else if (n->type != d.type || n->collation != d.collation) {
        recreated_types_[Id(d)] = n->type;
        affected_names_.insert(d.name);
      }
    }
  }

  bool Gone(const std::string& table_id) const {
    return dropped_tables_.count(table_id) || recreated_tables_.count(table_id);
  }
  bool Fresh(const std::string& table_id) const {
    return recreated_tables_.count(table_id) || FindTableA(table_id) == nullptr;
  }
  const Table* FindTableA(const std::string& id) const {
    for (const auto& t : a_.tables) {
      if (Id(t) == id) return &t;
    }
    return nullptr;
  }
  const Table* FindTableB(const std::string& id) const {
    for (const auto& t : b_.tables) {
      if (Id(t) == id) return &t;
    }
    return nullptr;
  }

  // The recreated type (enum or domain) a column of `to` uses, if any.
  const std::string* RecreatedType(const Column& c, std::string* id, bool* array) const {
    for (const auto& [type_id, via] : recreated_types_) {
      size_t dot = type_id.find('.');
      if (TypeIs(c.type, type_id.substr(0, dot), type_id.substr(dot + 1), array)) {
        *id = type_id;
        return &via;
      }
    }
    return nullptr;
  }

  static bool Regenerated(const Column& a, const Column& b) {
    return b.generated_expr && a.generated_expr != b.generated_expr;
  }

  void PlanTables() {
    for (const auto& t : a_.tables) {
      const Table* n = FindIn(b_.tables, t.schema, t.name);
      if (n == nullptr) {
        dropped_tables_.insert(Id(t));
      } else if (n->partition_by != t.partition_by) {
        recreated_tables_.insert(Id(t));
      }
    }
    // A partition of a recreated parent that stays its partition goes with it.
    for (bool again = true; again;) {
      again = false;
      for (const auto& t : a_.tables) {
        if (t.partition_of.empty() || Gone(Id(t))) continue;
        std::string parent = Id(t.partition_of_schema.empty() ? t.schema : t.partition_of_schema, t.partition_of);
        const Table* n = FindIn(b_.tables, t.schema, t.name);
        if (recreated_tables_.count(parent) && n->partition_of == t.partition_of) {
          recreated_tables_.insert(Id(t));
          again = true;
        }
      }
    }
    for (const auto& t : a_.tables) {
      if (Gone(Id(t))) {
        affected_names_.insert(OriginalName(t));
        continue;
      }
      const Table& n = *FindIn(b_.tables, t.schema, t.name);
      if (!t.partition_of.empty() || !n.partition_of.empty()) continue;  // columns come from the parent
      for (const auto& c : t.columns) {
        const Column* nc = n.FindColumn(c.name);
        std::string type_id;
        bool array = false;
        if (nc == nullptr || Regenerated(c, *nc)) {
          lost_columns_[Id(t)].insert(c.name);
        } else if (BaseType(c.type) != BaseType(nc->type) || c.collation != nc->collation ||
                   RecreatedType(*nc, &type_id, &array) != nullptr) {
        } else {
          continue;
        }
        affected_names_.insert(OriginalName(t));
      }
    }
  }

  void PlanRoutines() {
    auto key = [](const Routine& r) { return std::make_tuple(r.schema, r.name, r.arguments); };
    for (const auto& r : a_.routines) {
      auto it =
          std::find_if(b_.routines.begin(), b_.routines.end(), [&](const Routine& n) { return key(n) == key(r); });
      if (it == b_.routines.end()) {
        affected_names_.insert(r.name);
      } else if (it->definition != r.definition &&
                 (it->procedure != r.procedure || ReturnsClause(it->definition) != ReturnsClause(r.definition))) {
        recreated_routines_.insert(RoutineRef(r));
        affected_names_.insert(r.name);
      }
    }
  }

  void PlanViews() {
    for (const auto& v : a_.views) {
      const View* n = FindIn(b_.views, v.schema, v.name);
      if (n == nullptr || n->sql != v.sql || n->materialized != v.materialized || MentionsAny(v.sql, affected_names_)) {
        dropped_views_.insert(Id(v));
      }
    }
    for (bool again = true; again;) {
      again = false;
      for (const auto& v : a_.views) {
        if (dropped_views_.count(Id(v))) continue;
        for (const auto& dep : v.depends_on) {
          if (dropped_views_.count(dep)) {
            dropped_views_.insert(Id(v));
            again = true;
            break;
          }
        }
      }
    }
  }

  bool LosesColumnIn(const std::string& table_id, std::string_view sql) const {
    auto it = lost_columns_.find(table_id);
    return it != lost_columns_.end() && MentionsAny(sql, it->second);
  }

  static std::string ColumnsText(const std::vector<std::string>& columns) { return QuoteList(columns); }

  // Primary keys, unique, check and exclusion constraints, then foreign keys.
  void PlanConstraints() {
    for (const auto& t : a_.tables) {
      if (Gone(Id(t))) continue;
      const Table& n = *FindIn(b_.tables, t.schema, t.name);
      std::string id = Id(t);
      bool pk_renamed = t.primary_key && n.primary_key && t.primary_key->columns == n.primary_key->columns &&
                        t.primary_key->name != n.primary_key->name &&
                        !LosesColumnIn(id, ColumnsText(t.primary_key->columns));
      if (pk_renamed) {
        constraint_renames_.push_back({id, t.primary_key->name, n.primary_key->name});
        renamed_.insert(id + kSep + n.primary_key->name);
      } else if (t.primary_key &&
                 (t.primary_key != n.primary_key || LosesColumnIn(id, ColumnsText(t.primary_key->columns)))) {
        drop_constraints_[id].push_back(t.primary_key->name);
        key_dropped_.insert(id);
      }
      for (const auto& u : t.uniques) {
        const UniqueConstraint* m = FindByName(n.uniques, u.name);
        if (!LosesColumnIn(id, ColumnsText(u.columns)) && RenamedTo(id, u, t.uniques, n.uniques)) continue;
        if (m == nullptr || !(*m == u) || LosesColumnIn(id, ColumnsText(u.columns))) {
          drop_constraints_[id].push_back(u.name);
          key_dropped_.insert(id);
        }
      }
      for (const auto& c : t.checks) {
        const CheckConstraint* m = FindByName(n.checks, c.name);
        if (!LosesColumnIn(id, c.expr) && RenamedTo(id, c, t.checks, n.checks)) continue;
        if (m != nullptr && ValidatedOnly(c, *m) && !LosesColumnIn(id, c.expr)) {
          validate_.push_back({id, c.name});
        } else if (m == nullptr || !(*m == c) || LosesColumnIn(id, c.expr)) {
          drop_constraints_[id].push_back(c.name);
        }
      }
      for (const auto& x : t.exclusions) {
        const ExclusionConstraint* m = FindByName(n.exclusions, x.name);
        if (!LosesColumnIn(id, x.definition) && RenamedTo(id, x, t.exclusions, n.exclusions)) continue;
        if (m == nullptr || !(*m == x) || LosesColumnIn(id, x.definition)) drop_constraints_[id].push_back(x.name);
      }
    }
    // A unique index that goes may be what a foreign key references.
    for (const auto& i : a_.indexes) {
      const Index* n = FindIn(b_.indexes, i.schema, i.name);
      if (i.unique && (n == nullptr || !(*n == i))) key_dropped_.insert(Id(i.schema, i.table));
    }
    for (const auto& t : a_.tables) {
      std::string id = Id(t);
      const Table* n = FindIn(b_.tables, t.schema, t.name);
      for (const auto& fk : t.foreign_keys) {
        std::string ref = Id(fk.ref_schema.empty() ? t.schema : fk.ref_schema, fk.ref_table);
        bool drop;
        if (Gone(id)) {
          // Goes with its table, unless it would hold up the drop of another.
          drop = ref != id && Gone(ref);
        } else {
          const ForeignKey* m = FindByName(n->foreign_keys, fk.name);
          bool must = Gone(ref) || key_dropped_.count(ref) || LosesColumnIn(id, ColumnsText(fk.columns)) ||
                      LosesColumnIn(ref, ColumnsText(fk.ref_columns));
          if (!must && RenamedTo(id, fk, t.foreign_keys, n->foreign_keys)) continue;
          if (!must && m != nullptr && ValidatedOnly(fk, *m)) {
            validate_.push_back({id, fk.name});
            continue;
          }
          drop = must || m == nullptr || !(*m == fk);
        }
        if (drop) drop_fks_.push_back({&t, &fk});
      }
    }
  }

  // NOT VALID in `from`, valid in `to`, otherwise the same: VALIDATE
  // CONSTRAINT checks the rows without the lock a new constraint takes.
  template <class T>
  static bool ValidatedOnly(const T& from, const T& to) {
    T same = to;
    same.not_valid = true;
    return from.not_valid && !to.not_valid && same == from;
  }

  // A constraint that `to` holds under another name (a renamed table keeps
  // its constraints' old names; a fresh CREATE TABLE would not): ALTER TABLE
  // ... RENAME CONSTRAINT keeps its index and the foreign keys that use it.
  template <class T>
  bool RenamedTo(const std::string& id, const T& c, const std::vector<T>& old_list, const std::vector<T>& new_list) {
    if (FindByName(new_list, c.name) != nullptr) return false;
    for (const auto& m : new_list) {
      T same = m;
      same.name = c.name;
      if (same == c && FindByName(old_list, m.name) == nullptr && !renamed_.count(id + kSep + m.name)) {
        constraint_renames_.push_back({id, c.name, m.name});
        renamed_.insert(id + kSep + m.name);
        return true;
      }
    }
    return false;
  }

  bool ViewGone(const std::string& id) const { return dropped_views_.count(id) > 0; }
  bool OwnerGone(const std::string& schema, const std::string& table) const {
    return Gone(Id(schema, table)) || ViewGone(Id(schema, table));
  }

  void PlanIndexesAndTriggers() {
    for (const auto& i : a_.indexes) {
      if (OwnerGone(i.schema, i.table)) continue;  // dropped with its table or view
      const Index* n = FindIn(b_.indexes, i.schema, i.name);
      if (n == nullptr || !(*n == i) || LosesColumnIn(Id(i.schema, i.table), CreateIndex(i))) {
        dropped_indexes_.insert(Id(i));
      }
    }
    std::set<std::string> gone_routines;
    for (const auto& r : a_.routines) {
      bool kept = std::any_of(b_.routines.begin(), b_.routines.end(), [&](const Routine& n) {
        return n.schema == r.schema && n.name == r.name && n.arguments == r.arguments;
      });
      if (!kept || recreated_routines_.count(RoutineRef(r))) gone_routines.insert(r.name);
    }
    for (const auto& tr : a_.triggers) {
      if (OwnerGone(tr.schema, tr.table)) continue;
      const Trigger* n = nullptr;
      for (const auto& m : b_.triggers) {
        if (m.schema == tr.schema && m.table == tr.table && m.name == tr.name) n = &m;
      }
      if (n == nullptr || n->sql != tr.sql || MentionsAny(tr.sql, gone_routines)) dropped_triggers_.insert(&tr);
    }
  }

  // ---- emission: drops -----------------------------------------------------

  // Qualified names (as comment targets spell them) of what goes for good;
  // their comments go with them.
  std::vector<std::string> Vanishing() const {
    std::vector<std::string> out;
    for (const auto& t : orig_.tables) {
      if (dropped_tables_.count(Id(t))) out.push_back(Qual(t.schema, t.name));
    }
    auto gone = [&](const auto& items, const auto& targets, const std::string& suffix) {
      for (const auto& i : items) {
        if (FindIn(targets, i.schema, i.name) == nullptr) out.push_back(Qual(i.schema, i.name) + suffix);
      }
    };
    gone(orig_.views, b_.views, "");
    gone(orig_.enums, b_.enums, "");
    gone(orig_.domains, b_.domains, "");
    gone(orig_.sequences, b_.sequences, "");
    gone(orig_.routines, b_.routines, "(");
    for (const auto& s : orig_.schemas) {
      if (std::find(b_.schemas.begin(), b_.schemas.end(), s) == b_.schemas.end()) {
        out.push_back(Q(s) + ".");
        out.push_back("SCHEMA " + Q(s));
      }
    }
    return out;
  }

  void EmitCommentRemovals() {
    std::vector<std::string> vanishing = Vanishing();
    for (const auto& c : orig_.comments) {
      bool kept =
          std::any_of(b_.comments.begin(), b_.comments.end(), [&](const Comment& n) { return n.object == c.object; });
      bool goes = std::any_of(vanishing.begin(), vanishing.end(),
                              [&](const std::string& v) { return c.object.find(v) != std::string::npos; });
      if (!kept && !goes) Emit("remove comment on " + c.object, {"COMMENT ON " + c.object + " IS NULL"});
    }
  }

  void EmitRenames() {
    for (const auto& r : table_renames_) {
      Emit("rename table " + Show(r.schema, r.from) + " -> " + r.to,
           {"ALTER TABLE " + Qual(r.schema, r.from) + " RENAME TO " + Q(r.to)});
    }
    for (const auto& r : constraint_renames_) {
      const Table& t = *FindTableA(r.table);
      Emit("rename constraint " + Show(t.schema, t.name) + "." + r.from + " -> " + r.to,
           {"ALTER TABLE " + Qual(t.schema, t.name) + " RENAME CONSTRAINT " + Q(r.from) + " TO " + Q(r.to)});
    }
    for (const auto& r : column_renames_) {
      Emit("rename column " + Show(r.schema, r.table) + "." + r.from + " -> " + r.to,
           {"ALTER TABLE " + Qual(r.schema, r.table) + " RENAME COLUMN " + Q(r.from) + " TO " + Q(r.to)});
    }
  }

  void EmitDropDependents() {
    for (const auto& tr : a_.triggers) {
      if (!dropped_triggers_.count(&tr)) continue;
      Emit("drop trigger " + tr.name + " on " + Show(tr.schema, tr.table),
           {"DROP TRIGGER " + Q(tr.name) + " ON " + Qual(tr.schema, tr.table)});
    }
    std::vector<const View*> views = InDependencyOrder(a_.views);
    for (auto it = views.rbegin(); it != views.rend(); ++it) {
      const View& v = **it;
      if (!ViewGone(Id(v))) continue;
      const char* kind = v.materialized ? "materialized view" : "view";
      Emit(std::string("drop ") + kind + " " + Show(v.schema, v.name),
           {std::string(v.materialized ? "DROP MATERIALIZED VIEW " : "DROP VIEW ") + Qual(v.schema, v.name)});
    }
    for (const auto& [t, fk] : drop_fks_) {
      Emit("drop foreign key " + Show(t->schema, t->name) + "." + fk->name,
           {"ALTER TABLE " + Qual(t->schema, t->name) + " DROP CONSTRAINT " + Q(fk->name)});
    }
    for (const auto& i : a_.indexes) {
      if (dropped_indexes_.count(Id(i)))
        Emit("drop index " + Show(i.schema, i.name), {"DROP INDEX " + Qual(i.schema, i.name)});
    }
    for (const auto& [id, names] : drop_constraints_) {
      const Table& t = *FindTableA(id);
      for (const auto& name : names) {
        Emit("drop constraint " + Show(t.schema, t.name) + "." + name,
             {"ALTER TABLE " + Qual(t.schema, t.name) + " DROP CONSTRAINT " + Q(name)});
      }
    }
    // Partitions that stay but leave their parent (or change bound) detach
    // here, before a parent that goes takes them along.
    for (const auto& t : a_.tables) {
      if (t.partition_of.empty() || Gone(Id(t))) continue;
      const Table& n = *FindIn(b_.tables, t.schema, t.name);
      if (n.partition_of == t.partition_of && n.partition_of_schema == t.partition_of_schema &&
          n.partition_bound == t.partition_bound) {
        continue;
      }
      Emit("detach partition " + Show(t.schema, t.name) + " from " + Show(t.schema, t.partition_of),
           {"ALTER TABLE " + ParentOf(t) + " DETACH PARTITION " + Qual(t.schema, t.name)});
    }
  }

  void EmitDropTables() {
    std::vector<const Table*> gone;
    for (const auto& t : a_.tables) {
      if (Gone(Id(t))) gone.push_back(&t);
    }
    // Partitions before their parents.
    std::stable_sort(gone.begin(), gone.end(), [&](const Table* x, const Table* y) {
      return PartitionDepth(a_.tables, *x) > PartitionDepth(a_.tables, *y);
    });
    for (const Table* t : gone) {
      std::string show = Show(t->schema, t->name);
      bool recreated = recreated_tables_.count(Id(*t)) > 0;
      std::string reason = recreated ? "recreates table " + show + " (partitioning changes): its rows are lost"
                                     : "drops table " + show + " and its rows";
      Emit((recreated ? "drop table " + show + " (to recreate it)" : "drop table " + show),
           {"DROP TABLE " + Qual(t->schema, t->name)}, reason);
    }
    for (const auto& r : a_.routines) {
      if (recreated_routines_.count(RoutineRef(r))) {
        Emit(std::string("drop ") + (r.procedure ? "procedure " : "function ") + Show(r.schema, r.name) + "(" +
                 r.arguments + ") (to recreate it)",
             {"DROP " + RoutineRef(r)});
      }
    }
  }

  // ---- emission: types and the like ----------------------------------------

  void EmitCreateTypes() {
    for (const auto& s : b_.schemas) {
      if (std::find(a_.schemas.begin(), a_.schemas.end(), s) == a_.schemas.end()) {
        Emit("create schema " + s, {"CREATE SCHEMA " + Q(s)});
      }
    }
    for (const auto& e : b_.extensions) {
      const Extension* old = nullptr;
      for (const auto& o : a_.extensions) {
        if (o.name == e.name) old = &o;
      }
      if (old == nullptr) {
        Emit("create extension " + e.name,
             {"CREATE EXTENSION " + Q(e.name) + (e.schema.empty() ? "" : " SCHEMA " + Q(e.schema))});
      } else if (old->schema != e.schema) {
        Emit("move extension " + e.name + " to schema " + e.schema,
             {"ALTER EXTENSION " + Q(e.name) + " SET SCHEMA " + Q(e.schema)});
      }
    }
    for (const auto& e : b_.enums) EmitEnum(e);
    EmitRoutines(RoutineStage::kEarly);
    for (const auto& d : b_.domains) EmitDomain(d);
    for (const auto& s : b_.sequences) EmitSequence(s);
  }

  static std::string OldTypeName(const std::string& name) { return name + "__strata_old"; }

  void EmitEnum(const EnumType& e) {
    const EnumType* old = FindIn(a_.enums, e.schema, e.name);
    std::string show = Show(e.schema, e.name);
    if (old == nullptr) {
      Emit("create enum " + show, {CreateEnum(e)});
      return;
    }
    if (old->values == e.values) return;
    if (!recreated_types_.count(Id(e))) {
      std::vector<std::string> statements;
      for (size_t i = 0; i < e.values.size(); ++i) {
        const std::string& v = e.values[i];
        if (std::find(old->values.begin(), old->values.end(), v) != old->values.end()) continue;
        std::string where;
        if (i > 0) {
          where = " AFTER " + Lit(e.values[i - 1]);
        } else if (!old->values.empty()) {
          auto next = std::find_if(e.values.begin(), e.values.end(), [&](const std::string& x) {
            return std::find(old->values.begin(), old->values.end(), x) != old->values.end();
          });
          where = " BEFORE " + Lit(*next);
        }
        statements.push_back("ALTER TYPE " + Qual(e.schema, e.name) + " ADD VALUE " + Lit(v) + where);
      }
      Emit("add values to enum " + show + " (a new value cannot be used before this transaction commits)",
           std::move(statements));
      return;
    }
    std::vector<std::string> removed;
    for (const auto& v : old->values) {
      if (std::find(e.values.begin(), e.values.end(), v) == e.values.end()) removed.push_back(v);
    }
    Emit("recreate enum " + show + " (values " + Join(old->values, ", ") + " -> " + Join(e.values, ", ") + ")",
         {"ALTER TYPE " + Qual(e.schema, e.name) + " RENAME TO " + Q(OldTypeName(e.name)), CreateEnum(e)},
         removed.empty()
             ? ""
             : "removes enum values " + Join(removed, ", ") + " of " + show + ": rows holding them fail the migration");
  }

  void EmitDomain(const Domain& d) {
    const Domain* old = FindIn(a_.domains, d.schema, d.name);
    std::string show = Show(d.schema, d.name), name = Qual(d.schema, d.name);
    std::vector<std::string> statements;
    auto add_checks = [&](const Domain* from) {
      for (const auto& c : d.checks) {
        const CheckConstraint* m = from == nullptr ? nullptr : FindByName(from->checks, c.name);
        if ((from == nullptr && c.not_valid) || (from != nullptr && (m == nullptr || !(*m == c)))) {
          statements.push_back("ALTER DOMAIN " + name + " ADD " + CheckClause(c));
        }
      }
    };
    if (old == nullptr || recreated_types_.count(Id(d))) {
      if (old != nullptr) statements.push_back("ALTER DOMAIN " + name + " RENAME TO " + Q(OldTypeName(d.name)));
      statements.push_back(CreateDomain(d));
      add_checks(nullptr);
      Emit((old == nullptr ? "create domain " : "recreate domain ") + show, std::move(statements));
      return;
    }
    if (*old == d) return;
    for (const auto& c : old->checks) {
      const CheckConstraint* m = FindByName(d.checks, c.name);
      if (m == nullptr || !(*m == c)) statements.push_back("ALTER DOMAIN " + name + " DROP CONSTRAINT " + Q(c.name));
    }
    if (old->default_expr != d.default_expr) {
      statements.push_back("ALTER DOMAIN " + name +
                           (d.default_expr ? " SET DEFAULT " + *d.default_expr : " DROP DEFAULT"));
    }
    if (old->not_null != d.not_null)
      statements.push_back("ALTER DOMAIN " + name + (d.not_null ? " SET NOT NULL" : " DROP NOT NULL"));
    add_checks(old);
    Emit("alter domain " + show, std::move(statements));
  }

  void EmitSequence(const Sequence& s) {
    const Sequence* old = FindIn(a_.sequences, s.schema, s.name);
    std::string name = Qual(s.schema, s.name), show = Show(s.schema, s.name);
    if (old == nullptr) {
      Emit("create sequence " + show, {"CREATE SEQUENCE " + name + " AS " + s.type + " START WITH " +
                                       std::to_string(s.start) + " INCREMENT BY " + std::to_string(s.increment)});
      return;
    }
    std::string clauses;
    if (old->type != s.type) clauses += " AS " + s.type;
    if (old->increment != s.increment) clauses += " INCREMENT BY " + std::to_string(s.increment);
    if (old->start != s.start) clauses += " START WITH " + std::to_string(s.start);
    // Ownership goes now (before its column may be dropped); new ownership
    // waits until the column exists (EmitCreateTables).
    if (old->owned_by && !s.owned_by) clauses += " OWNED BY NONE";
    if (!clauses.empty()) Emit("alter sequence " + show, {"ALTER SEQUENCE " + name + clauses});
  }

  enum class RoutineStage { kEarly, kMiddle, kLate };

  // When a routine is created: before the domains and tables when a domain
  // or a table's default, generated column, check, exclusion or partition key
  // calls it (CREATE TABLE writes them inline); after the views when it reads
  // a view; otherwise after the tables and columns (a LANGUAGE sql body is
  // checked against what it reads) and before the constraints, indexes and
  // views that may call it. A routine an earlier one calls moves up with it.
  RoutineStage StageOf(const Routine& r) const {
    if (stages_.empty()) PlanRoutineStages();
    return stages_.at(&r);
  }

  void PlanRoutineStages() const {
    std::vector<std::string> early;
    for (const auto& d : b_.domains) {
      if (d.default_expr) early.push_back(*d.default_expr);
      for (const auto& c : d.checks) early.push_back(c.expr);
    }
    for (const auto& t : b_.tables) {
      for (const auto& c : t.columns) {
        if (c.default_expr) early.push_back(*c.default_expr);
        if (c.generated_expr) early.push_back(*c.generated_expr);
      }
      for (const auto& c : t.checks) early.push_back(c.expr);
      for (const auto& x : t.exclusions) early.push_back(x.definition);
      early.push_back(t.partition_by);
    }
    for (const auto& r : b_.routines) {
      RoutineStage stage = RoutineStage::kMiddle;
      for (const auto& v : b_.views) {
        if (Mentions(r.definition, v.name)) stage = RoutineStage::kLate;
      }
      for (const auto& text : early) {
        if (Mentions(text, r.name)) stage = RoutineStage::kEarly;
      }
      stages_[&r] = stage;
    }
    for (bool moved = true; moved;) {
      moved = false;
      for (const auto& caller : b_.routines) {
        for (const auto& callee : b_.routines) {
          if (caller.name == callee.name || !Mentions(caller.definition, callee.name)) continue;
          if (stages_[&caller] < stages_[&callee]) {
            stages_[&callee] = stages_[&caller];
            moved = true;
          }
        }
      }
    }
  }

  // The routines of one stage, each after those it calls (a SQL body must
  // find them); a cycle between differently named routines stops the visit.
  void EmitRoutines(RoutineStage stage) {
    std::set<const Routine*> done;
    std::function<void(const Routine&)> visit = [&](const Routine& r) {
      if (StageOf(r) != stage || !done.insert(&r).second) return;
      for (const auto& callee : b_.routines) {
        if (callee.name != r.name && Mentions(r.definition, callee.name)) visit(callee);
      }
      EmitRoutine(r);
    };
    for (const auto& r : b_.routines) visit(r);
  }

  void EmitRoutine(const Routine& r) {
    const Routine* old = nullptr;
    for (const auto& o : a_.routines) {
      if (o.schema == r.schema && o.name == r.name && o.arguments == r.arguments) old = &o;
    }
    if (old != nullptr && old->definition == r.definition) return;
    std::string what =
        std::string(r.procedure ? "procedure " : "function ") + Show(r.schema, r.name) + "(" + r.arguments + ")";
    bool replace = old != nullptr && !recreated_routines_.count(RoutineRef(*old));
    Emit((replace ? "replace " : "create ") + what, {r.definition});
  }

  // ---- emission: columns of kept tables ------------------------------------

  void EmitColumnChanges() {
    for (const auto& t : a_.tables) {
      if (Gone(Id(t)) || !t.partition_of.empty()) continue;
      const Table& n = *FindIn(b_.tables, t.schema, t.name);
      if (!n.partition_of.empty()) continue;
      for (const auto& c : t.columns) {
        const Column* nc = n.FindColumn(c.name);
        if (nc != nullptr && !Regenerated(c, *nc)) continue;
        std::string show = Show(t.schema, t.name) + "." + c.name;
        Emit((nc == nullptr ? "drop column " : "drop column (to recreate it) ") + show,
             {"ALTER TABLE " + Qual(t.schema, t.name) + " DROP COLUMN " + Q(c.name)},
             nc == nullptr ? "drops column " + show + " and its data"
                           : "recreates generated column " + show + " (its expression changes)");
      }
    }
    for (const auto& t : a_.tables) EmitRetypes(t);
    for (const auto& t : a_.tables) {
      if (Gone(Id(t)) || !t.partition_of.empty()) continue;
      const Table& n = *FindIn(b_.tables, t.schema, t.name);
      if (!n.partition_of.empty()) continue;
      for (const auto& c : t.columns) {
        const Column* nc = n.FindColumn(c.name);
        if (nc != nullptr && !Regenerated(c, *nc) && !(c == *nc)) AlterColumn(t, c, *nc);
      }
    }
    // Plain columns first: a generated column may read one added here.
    for (bool generated : {false, true}) {
      for (const auto& n : b_.tables) {
        const Table* t = FindIn(a_.tables, n.schema, n.name);
        if (t == nullptr || Gone(Id(*t)) || !t->partition_of.empty() || !n.partition_of.empty()) continue;
        for (const auto& c : n.columns) {
          const Column* old = t->FindColumn(c.name);
          if (c.generated_expr.has_value() != generated || (old != nullptr && !Regenerated(*old, c))) continue;
          Emit("add column " + Show(n.schema, n.name) + "." + c.name,
               {"ALTER TABLE " + Qual(n.schema, n.name) + " ADD COLUMN " + ColumnDef(c)});
        }
      }
    }
    for (const auto& t : a_.tables) EmitPartitionColumnOptions(t);
  }

  // A partition's column as it behaves: the parent's, with the NOT NULL or
  // default the partition has of its own (all inspection keeps of it).
  static Column Effective(const Column& parent, const Column* own) {
    Column c = parent;
    if (own != nullptr) {
      c.not_null = c.not_null || own->not_null;
      if (own->default_expr) c.default_expr = own->default_expr;
    }
    return c;
  }

  // A partition that stays under the same parent may gain or lose a NOT NULL
  // or default of its own. Its parent's ALTER COLUMN (already emitted)
  // recursed into it; what is left differs from the partition's target.
  void EmitPartitionColumnOptions(const Table& t) {
    if (Gone(Id(t)) || t.partition_of.empty()) return;
    const Table& n = *FindIn(b_.tables, t.schema, t.name);
    if (n.partition_of != t.partition_of || n.partition_of_schema != t.partition_of_schema) return;
    std::string parent_schema = t.partition_of_schema.empty() ? t.schema : t.partition_of_schema;
    const Table* pa = FindIn(a_.tables, parent_schema, t.partition_of);
    const Table* pb = FindIn(b_.tables, parent_schema, n.partition_of);
    if (pa == nullptr || pb == nullptr || Gone(Id(*pa))) return;
    for (const auto& cb : pb->columns) {
      const Column* ca = pa->FindColumn(cb.name);
      Column after = Effective(cb, n.FindColumn(cb.name));
      Column before = after;
      if (ca != nullptr) {
        Column old = Effective(*ca, t.FindColumn(cb.name));
        before.not_null = ca->not_null != cb.not_null ? cb.not_null : old.not_null;
        before.default_expr = ca->default_expr != cb.default_expr ? cb.default_expr : old.default_expr;
      } else {
        before = cb;  // added on the parent just now
      }
      if (!(before == after)) AlterColumn(t, before, after);
    }
  }

  // Columns that keep a recreated enum or domain type move to the new one.
  void EmitRetypes(const Table& t) {
    if (Gone(Id(t)) || !t.partition_of.empty()) return;
    const Table& n = *FindIn(b_.tables, t.schema, t.name);
    for (const auto& c : n.columns) {
      const Column* old = t.FindColumn(c.name);
      std::string type_id;
      bool array = false;
      const std::string* via = RecreatedType(c, &type_id, &array);
      if (old == nullptr || via == nullptr || old->type != c.type || Regenerated(*old, c)) continue;
      std::string col = "ALTER TABLE " + Qual(t.schema, t.name) + " ALTER COLUMN " + Q(c.name);
      std::vector<std::string> statements;
      if (old->default_expr) statements.push_back(col + " DROP DEFAULT");
      statements.push_back(col + " TYPE " + c.type + " USING " + Q(c.name) + "::" + *via + (array ? "[]" : "") +
                           "::" + c.type);
      if (c.default_expr) statements.push_back(col + " SET DEFAULT " + *c.default_expr);
      retyped_columns_.insert(Id(t) + "." + c.name);
      Emit("move column " + Show(t.schema, t.name) + "." + c.name + " to the recreated type " + c.type,
           std::move(statements));
    }
  }

  void AlterColumn(const Table& t, const Column& a, const Column& b) {
    std::string table = Qual(t.schema, t.name), col = "ALTER TABLE " + table + " ALTER COLUMN " + Q(a.name);
    std::vector<std::string> st, what;
    std::string reason;
    bool moved = retyped_columns_.count(Id(t) + "." + a.name) > 0;  // type and default done by EmitRetypes
    std::string from_type = BaseType(a.type), to_type = BaseType(b.type);
    bool type_changed = !moved && (from_type != to_type || a.collation != b.collation);
    bool default_changed = !moved && a.default_expr != b.default_expr;
    if (a.identity != Identity::kNone && b.identity == Identity::kNone) {
      st.push_back(col + " DROP IDENTITY");
      what.push_back("drop identity");
    }
    if (a.generated_expr && !b.generated_expr) {
      st.push_back(col + " DROP EXPRESSION");
      what.push_back("no longer generated");
    }
    if (a.default_expr && (default_changed || type_changed)) st.push_back(col + " DROP DEFAULT");
    if (IsSerial(a.type) && !IsSerial(b.type)) {
      // The sequence serial made (PostgreSQL's name for it) goes with the default.
      st.push_back(col + " DROP DEFAULT");
      st.push_back("DROP SEQUENCE IF EXISTS " + Qual(t.schema, t.name + "_" + a.name + "_seq"));
      what.push_back("no longer serial");
    }
    if (type_changed) {
      std::string collate =
          b.collation.empty() ? (a.collation.empty() ? "" : " COLLATE \"default\"") : " COLLATE " + Q(b.collation);
      st.push_back(col + " TYPE " + to_type + collate + " USING " + Q(a.name) + "::" + to_type);
      if (from_type != to_type) {
        what.push_back("type " + from_type + " -> " + to_type);
        if (!Widens(from_type, to_type))
          reason = "changes the type of " + Show(t.schema, t.name) + "." + a.name + " from " + from_type + " to " +
                   to_type + ": values may fail to convert or lose precision";
      }
      if (a.collation != b.collation)
        what.push_back("collation " + (b.collation.empty() ? std::string("default") : b.collation));
    }
    if (!IsSerial(a.type) && IsSerial(b.type)) {
      std::string seq = Qual(t.schema, t.name + "_" + a.name + "_seq");
      st.push_back("CREATE SEQUENCE " + seq + " AS " + to_type + " OWNED BY " + table + "." + Q(a.name));
      st.push_back(col + " SET DEFAULT nextval(" + Lit(seq) + "::regclass)");
      st.push_back("SELECT setval(" + Lit(seq) + ", coalesce(max(" + Q(a.name) + "), 0) + 1, false) FROM " + table);
      what.push_back("serial");
    }
    if (b.default_expr && (default_changed || type_changed)) {
      st.push_back(col + " SET DEFAULT " + *b.default_expr);
      what.push_back("default " + *b.default_expr);
    } else if (default_changed && !b.default_expr) {
      what.push_back("drop default");
    }
    if (!a.not_null && b.not_null) {
      if (b.default_expr) {
        // Rows from before the default existed hold NULL; give them the default.
        st.push_back("UPDATE " + table + " SET " + Q(a.name) + " = " + *b.default_expr + " WHERE " + Q(a.name) +
                     " IS NULL");
        what.push_back("backfill NULLs with the default");
      }
      st.push_back(col + " SET NOT NULL");
      what.push_back("set not null");
    } else if (a.not_null && !b.not_null) {
      st.push_back(col + " DROP NOT NULL");
      what.push_back("drop not null");
    }
    if (a.identity == Identity::kNone && b.identity != Identity::kNone) {
      st.push_back(col + " ADD GENERATED " + (b.identity == Identity::kAlways ? "ALWAYS" : "BY DEFAULT") +
                   " AS IDENTITY");
      // Start after the values the column already holds.
      st.push_back("SELECT setval(pg_get_serial_sequence(" + Lit(table) + ", " + Lit(a.name) + "), coalesce(max(" +
                   Q(a.name) + "), 0) + 1, false) FROM " + table);
      what.push_back("add identity");
    } else if (a.identity != Identity::kNone && b.identity != Identity::kNone && a.identity != b.identity) {
      st.push_back(col + " SET GENERATED " + (b.identity == Identity::kAlways ? "ALWAYS" : "BY DEFAULT"));
      what.push_back(b.identity == Identity::kAlways ? "identity always" : "identity by default");
    }
    if (st.empty()) return;
    Emit("alter column " + Show(t.schema, t.name) + "." + a.name + ": " + Join(what, ", "), std::move(st), reason);
  }

  // ---- emission: drops of what columns used --------------------------------

  void EmitDropLeftovers() {
    for (const auto& r : a_.routines) {
      bool kept = std::any_of(b_.routines.begin(), b_.routines.end(), [&](const Routine& n) {
        return n.schema == r.schema && n.name == r.name && n.arguments == r.arguments;
      });
      if (!kept) {
        Emit(std::string("drop ") + (r.procedure ? "procedure " : "function ") + Show(r.schema, r.name) + "(" +
                 r.arguments + ")",
             {"DROP " + RoutineRef(r)});
      }
    }
    for (const auto& s : a_.sequences) {
      if (FindIn(b_.sequences, s.schema, s.name) != nullptr) continue;
      // IF EXISTS: a sequence owned by a dropped column or table is gone already.
      Emit("drop sequence " + Show(s.schema, s.name), {"DROP SEQUENCE IF EXISTS " + Qual(s.schema, s.name)},
           "drops sequence " + Show(s.schema, s.name) + " and its current value");
    }
    for (const auto& d : a_.domains) {
      std::string show = Show(d.schema, d.name);
      if (recreated_types_.count(Id(d))) {
        Emit("drop the old copy of domain " + show, {"DROP DOMAIN " + Qual(d.schema, OldTypeName(d.name))});
      } else if (FindIn(b_.domains, d.schema, d.name) == nullptr) {
        Emit("drop domain " + show, {"DROP DOMAIN " + Qual(d.schema, d.name)}, "drops domain " + show);
      }
    }
    for (const auto& e : a_.enums) {
      std::string show = Show(e.schema, e.name);
      if (recreated_types_.count(Id(e))) {
        Emit("drop the old copy of enum " + show, {"DROP TYPE " + Qual(e.schema, OldTypeName(e.name))});
      } else if (FindIn(b_.enums, e.schema, e.name) == nullptr) {
        Emit("drop enum " + show, {"DROP TYPE " + Qual(e.schema, e.name)}, "drops enum type " + show);
      }
    }
    for (const auto& e : a_.extensions) {
      bool kept =
          std::any_of(b_.extensions.begin(), b_.extensions.end(), [&](const Extension& n) { return n.name == e.name; });
      if (!kept) Emit("drop extension " + e.name, {"DROP EXTENSION " + Q(e.name)});
    }
    for (const auto& s : a_.schemas) {
      if (std::find(b_.schemas.begin(), b_.schemas.end(), s) == b_.schemas.end()) {
        Emit("drop schema " + s, {"DROP SCHEMA " + Q(s)}, "drops schema " + s);
      }
    }
  }

  // ---- emission: creates ---------------------------------------------------

  void EmitCreateTables() {
    std::vector<const Table*> fresh;
    for (const auto& t : b_.tables) {
      if (Fresh(Id(t))) fresh.push_back(&t);
    }
    // Partitioned parents before their partitions.
    std::stable_sort(fresh.begin(), fresh.end(), [&](const Table* x, const Table* y) {
      return PartitionDepth(b_.tables, *x) < PartitionDepth(b_.tables, *y);
    });
    for (const Table* t : fresh) Emit("create table " + Show(t->schema, t->name), {CreateTable(*t)});
    for (const auto& t : a_.tables) {
      if (Gone(Id(t))) continue;
      const Table& n = *FindIn(b_.tables, t.schema, t.name);
      if (n.partition_of.empty() ||
          (n.partition_of == t.partition_of && n.partition_of_schema == t.partition_of_schema &&
           n.partition_bound == t.partition_bound)) {
        continue;
      }
      Emit("attach partition " + Show(n.schema, n.name) + " to " + Show(n.schema, n.partition_of),
           {"ALTER TABLE " + ParentOf(n) + " ATTACH PARTITION " + Qual(n.schema, n.name) + " " + n.partition_bound});
    }
    for (const auto& s : b_.sequences) {
      const Sequence* old = FindIn(a_.sequences, s.schema, s.name);
      if (s.owned_by && (old == nullptr || old->owned_by != s.owned_by)) {
        Emit("set owner of sequence " + Show(s.schema, s.name),
             {"ALTER SEQUENCE " + Qual(s.schema, s.name) + " OWNED BY " + *s.owned_by});
      }
    }
    EmitRoutines(RoutineStage::kMiddle);
  }

  void EmitCreateDependents() {
    for (const auto& n : b_.tables) EmitAddConstraints(n);
    for (const auto& i : b_.indexes) {
      if (!IsMatview(i.schema, i.table) && NeedsIndex(i))
        Emit("create index " + Show(i.schema, i.name), {CreateIndex(i)});
    }
    for (const auto& n : b_.tables) {
      const Table* t = Fresh(Id(n)) ? nullptr : FindIn(a_.tables, n.schema, n.name);
      for (const auto& fk : n.foreign_keys) {
        if (t != nullptr && !NeedsForeignKey(*t, fk)) continue;
        Emit("add foreign key " + Show(n.schema, n.name) + "." + fk.name, {AddForeignKey(n, fk)});
      }
    }
    for (const auto& [id, name] : validate_) {
      const Table& t = *FindTableA(id);
      Emit("validate constraint " + Show(t.schema, t.name) + "." + name,
           {"ALTER TABLE " + Qual(t.schema, t.name) + " VALIDATE CONSTRAINT " + Q(name)});
    }
    for (const View* v : InDependencyOrder(b_.views)) {
      const View* old = FindIn(a_.views, v->schema, v->name);
      if (old != nullptr && !ViewGone(Id(*old))) continue;
      Emit(std::string("create ") + (v->materialized ? "materialized view " : "view ") + Show(v->schema, v->name),
           {v->sql});
      for (const auto& i : b_.indexes) {
        if (i.schema == v->schema && i.table == v->name)
          Emit("create index " + Show(i.schema, i.name), {CreateIndex(i)});
      }
    }
    for (const auto& i : b_.indexes) {
      // Indexes of materialized views that stay.
      if (IsMatview(i.schema, i.table) && !ViewGone(Id(i.schema, i.table)) &&
          FindIn(a_.views, i.schema, i.table) != nullptr && NeedsIndex(i)) {
        Emit("create index " + Show(i.schema, i.name), {CreateIndex(i)});
      }
    }
    EmitRoutines(RoutineStage::kLate);
    for (const auto& tr : b_.triggers) {
      const Trigger* old = nullptr;
      for (const auto& o : a_.triggers) {
        if (o.schema == tr.schema && o.table == tr.table && o.name == tr.name) old = &o;
      }
      bool owner_new = Fresh(Id(tr.schema, tr.table)) && FindTableB(Id(tr.schema, tr.table)) != nullptr;
      bool view_new = FindIn(b_.views, tr.schema, tr.table) != nullptr &&
                      (FindIn(a_.views, tr.schema, tr.table) == nullptr || ViewGone(Id(tr.schema, tr.table)));
      if (old != nullptr && !dropped_triggers_.count(old) && !owner_new && !view_new) continue;
      Emit("create trigger " + tr.name + " on " + Show(tr.schema, tr.table), {tr.sql});
    }
  }

  bool IsMatview(const std::string& schema, const std::string& name) const {
    const View* v = FindIn(b_.views, schema, name);
    return v != nullptr && v->materialized;
  }

  bool NeedsIndex(const Index& i) const {
    const Index* old = FindIn(a_.indexes, i.schema, i.name);
    if (old == nullptr || dropped_indexes_.count(Id(*old)) || OwnerGone(old->schema, old->table)) return true;
    std::string owner = Id(i.schema, i.table);
    return FindTableB(owner) != nullptr && Fresh(owner);
  }

  bool NeedsForeignKey(const Table& t, const ForeignKey& fk) const {
    const ForeignKey* old = FindByName(t.foreign_keys, fk.name);
    if (old == nullptr) return !renamed_.count(Id(t) + kSep + fk.name);
    for (const auto& [owner, dropped] : drop_fks_) {
      if (dropped == old) return true;
    }
    return false;
  }

  void EmitAddConstraints(const Table& n) {
    std::string id = Id(n), table = "ALTER TABLE " + Qual(n.schema, n.name) + " ADD ";
    const Table* t = FindTableA(id);
    bool fresh = Fresh(id);
    // CREATE TABLE wrote all but NOT VALID checks inline.
    bool inline_done = fresh;
    auto dropped = [&](const std::string& name) {
      auto it = drop_constraints_.find(id);
      return it != drop_constraints_.end() && std::find(it->second.begin(), it->second.end(), name) != it->second.end();
    };
    auto needed = [&](const std::string& name, bool existed) {
      return fresh || !(existed || renamed_.count(id + kSep + name)) || dropped(name);
    };
    std::string show = Show(n.schema, n.name);
    if (n.primary_key && !inline_done &&
        needed(n.primary_key->name,
               t != nullptr && t->primary_key.has_value() && t->primary_key->name == n.primary_key->name)) {
      Emit("add primary key " + show + "." + n.primary_key->name,
           {table + Named(n.primary_key->name) + "PRIMARY KEY (" + QuoteList(n.primary_key->columns) + ")"});
    }
    for (const auto& u : n.uniques) {
      if (inline_done || !needed(u.name, t != nullptr && FindByName(t->uniques, u.name) != nullptr)) continue;
      Emit("add unique constraint " + show + "." + u.name,
           {table + Named(u.name) + "UNIQUE (" + QuoteList(u.columns) + ")"});
    }
    for (const auto& c : n.checks) {
      if ((inline_done && !c.not_valid) || !needed(c.name, t != nullptr && FindByName(t->checks, c.name) != nullptr))
        continue;
      Emit("add check constraint " + show + "." + c.name, {table + CheckClause(c)});
    }
    for (const auto& x : n.exclusions) {
      if (inline_done || !needed(x.name, t != nullptr && FindByName(t->exclusions, x.name) != nullptr)) continue;
      Emit("add exclusion constraint " + show + "." + x.name, {table + Named(x.name) + x.definition});
    }
  }

  // ---- emission: comments --------------------------------------------------

  void EmitComments() {
    // Objects dropped and created again lost their comments.
    std::vector<std::string> recreated;
    for (const auto& id : recreated_tables_) recreated.push_back(QualId(id));
    for (const auto& id : dropped_views_) recreated.push_back(QualId(id));
    for (const auto& id : dropped_indexes_) recreated.push_back(QualId(id));
    for (const auto& id : recreated_types_) recreated.push_back(QualId(id.first));
    for (const auto& [id, columns] : lost_columns_) {
      for (const auto& c : columns) recreated.push_back(QualId(id) + "." + Q(c));
    }
    for (const auto& [id, names] : drop_constraints_) {
      for (const auto& name : names) recreated.push_back(Q(name) + " ON " + QualId(id));
    }
    for (const auto& [t, fk] : drop_fks_) recreated.push_back(Q(fk->name) + " ON " + Qual(t->schema, t->name));
    for (const Trigger* tr : dropped_triggers_) recreated.push_back(Q(tr->name) + " ON " + Qual(tr->schema, tr->table));
    for (const auto& r : recreated_routines_) recreated.push_back(r.substr(r.find(' ') + 1, r.find('(') - r.find(' ')));
    for (const auto& c : b_.comments) {
      bool same = std::any_of(a_.comments.begin(), a_.comments.end(), [&](const Comment& o) { return o == c; });
      bool lost = std::any_of(recreated.begin(), recreated.end(),
                              [&](const std::string& r) { return c.object.find(r) != std::string::npos; });
      if (same && !lost) continue;
      Emit("comment on " + c.object, {"COMMENT ON " + c.object + " IS " + Lit(c.text)});
    }
  }

  static std::string QualId(const std::string& id) {
    size_t dot = id.find('.');
    return Qual(id.substr(0, dot), id.substr(dot + 1));
  }

  const Schema& orig_;
  Schema a_;  // `from` with the hinted renames applied
  const Schema& b_;
  const DiffOptions& options_;
  Diff diff_;

  struct ConstraintRename {
    std::string table, from, to;  // table: id in a_
  };
  static constexpr char kSep = '\x1f';

  std::vector<TableRename> table_renames_;
  std::vector<ColumnRename> column_renames_;
  std::vector<ConstraintRename> constraint_renames_;
  std::set<std::string> renamed_;
  std::vector<std::pair<std::string, std::string>>
      validate_;  // (table id, constraint) to VALIDATE  // "table id<kSep>new name" of renamed constraints
  std::map<std::string, std::string> original_name_;  // renamed table id -> name in `from`

  std::set<std::string> dropped_tables_, recreated_tables_;
  std::map<std::string, std::set<std::string>> lost_columns_;  // table id -> dropped (or regenerated) columns
  std::map<std::string, std::string> recreated_types_;         // type id -> the type its values pass through
  std::set<std::string> retyped_columns_;                      // "table id.column" moved to a recreated type
  std::set<std::string> affected_names_;                       // names whose readers (views) are rebuilt
  std::set<std::string> recreated_routines_;                   // RoutineRef
  std::set<std::string> dropped_views_, dropped_indexes_, key_dropped_;
  std::map<std::string, std::vector<std::string>> drop_constraints_;  // table id -> constraint names
  std::vector<std::pair<const Table*, const ForeignKey*>> drop_fks_;
  std::set<const Trigger*> dropped_triggers_;
  mutable std::map<const Routine*, RoutineStage> stages_;  // filled on first use
};

}  // namespace

Diff DiffPostgres(const Schema& from, const Schema& to, const DiffOptions& options) {
  return PgDiff(from, to, options).Run();
}

}  // namespace strata::schema
