// DiffPostgres, first pass: apply the rename hints to `from`, then decide per
// object whether it is kept, altered, dropped, created, or dropped and
// created again (see diff_postgres.cc).
#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "schema/diff_postgres_internal.h"

namespace strata::schema::detail {

// ---- renames -------------------------------------------------------------

void PgDiff::SplitKey(const std::string& key, std::string* schema, std::string* name) {
  size_t dot = key.find('.');
  *schema = dot == std::string::npos ? "public" : key.substr(0, dot);
  *name = dot == std::string::npos ? key : key.substr(dot + 1);
}

Table* PgDiff::MutableTable(const std::string& schema, const std::string& name) {
  for (auto& t : a_.tables) {
    if (t.schema == schema && t.name == name) return &t;
  }
  return nullptr;
}

// Rewrites a_ so that hinted renames are already done; statements come later.
void PgDiff::ApplyRenames() {
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
        if (RefSchema(other, fk) == schema && fk.ref_table == from) fk.ref_table = to;
      }
      if (ParentSchema(other) == schema && other.partition_of == from) {
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
    std::string old_prefix = QuoteQualified(schema, from) + ".", new_prefix = QuoteQualified(schema, to) + ".";
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

void PgDiff::RenameColumn(Table& t, const std::string& from, const std::string& to) {
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
      if (RefSchema(other, fk) == t.schema && fk.ref_table == t.name) rename(fk.ref_columns);
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
  std::string old_owner = QuoteQualified(t.schema, t.name) + "." + Q(from);
  for (auto& s : a_.sequences) {
    if (s.owned_by == old_owner) s.owned_by = QuoteQualified(t.schema, t.name) + "." + Q(to);
  }
  affected_names_.insert(OriginalName(t));
}

std::string PgDiff::OriginalName(const Table& t) const {
  auto it = original_name_.find(Id(t));
  return it == original_name_.end() ? t.name : it->second;
}

// ---- planning ------------------------------------------------------------

// Enums and domains that must be recreated (rename old, create new, move
// the columns over, drop old) rather than altered in place.
void PgDiff::PlanTypes() {
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

bool PgDiff::Gone(const std::string& table_id) const {
  return dropped_tables_.count(table_id) || recreated_tables_.count(table_id);
}

bool PgDiff::Fresh(const std::string& table_id) const {
  return recreated_tables_.count(table_id) || FindTableA(table_id) == nullptr;
}

const Table* PgDiff::FindTableA(const std::string& id) const { return FindById(a_.tables, id); }

const Table* PgDiff::FindTableB(const std::string& id) const { return FindById(b_.tables, id); }

// The recreated type (enum or domain) a column of `to` uses, if any.
const std::string* PgDiff::RecreatedType(const Column& c, std::string* id, bool* array) const {
  for (const auto& [type_id, via] : recreated_types_) {
    size_t dot = type_id.find('.');
    if (TypeIs(c.type, type_id.substr(0, dot), type_id.substr(dot + 1), array)) {
      *id = type_id;
      return &via;
    }
  }
  return nullptr;
}

bool PgDiff::Regenerated(const Column& a, const Column& b) {
  return b.generated_expr && a.generated_expr != b.generated_expr;
}

void PgDiff::PlanTables() {
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
      std::string parent = Id(ParentSchema(t), t.partition_of);
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

void PgDiff::PlanRoutines() {
  for (const auto& r : a_.routines) {
    const Routine* it = FindRoutine(b_.routines, r);
    if (it == nullptr) {
      affected_names_.insert(r.name);
    } else if (it->definition != r.definition &&
               (it->procedure != r.procedure || ReturnsClause(it->definition) != ReturnsClause(r.definition))) {
      recreated_routines_.insert(RoutineRef(r));
      affected_names_.insert(r.name);
    }
  }
}

void PgDiff::PlanViews() {
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

bool PgDiff::LosesColumnIn(const std::string& table_id, std::string_view sql) const {
  auto it = lost_columns_.find(table_id);
  return it != lost_columns_.end() && MentionsAny(sql, it->second);
}

std::string PgDiff::ColumnsText(const std::vector<std::string>& columns) { return QuoteIdentList(columns); }

// Primary keys, unique, check and exclusion constraints, then foreign keys.
void PgDiff::PlanConstraints() {
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
      std::string ref = Id(RefSchema(t, fk), fk.ref_table);
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
bool PgDiff::ValidatedOnly(const T& from, const T& to) {
  T same = to;
  same.not_valid = true;
  return from.not_valid && !to.not_valid && same == from;
}

// A constraint that `to` holds under another name (a renamed table keeps
// its constraints' old names; a fresh CREATE TABLE would not): ALTER TABLE
// ... RENAME CONSTRAINT keeps its index and the foreign keys that use it.
template <class T>
bool PgDiff::RenamedTo(const std::string& id, const T& c, const std::vector<T>& old_list,
                       const std::vector<T>& new_list) {
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

bool PgDiff::ViewGone(const std::string& id) const { return dropped_views_.count(id) > 0; }

bool PgDiff::OwnerGone(const std::string& schema, const std::string& table) const {
  return Gone(Id(schema, table)) || ViewGone(Id(schema, table));
}

void PgDiff::PlanIndexesAndTriggers() {
  for (const auto& i : a_.indexes) {
    if (OwnerGone(i.schema, i.table)) continue;  // dropped with its table or view
    const Index* n = FindIn(b_.indexes, i.schema, i.name);
    if (n == nullptr || !(*n == i) || LosesColumnIn(Id(i.schema, i.table), PostgresCreateIndex(i))) {
      dropped_indexes_.insert(Id(i));
    }
  }
  std::set<std::string> gone_routines;
  for (const auto& r : a_.routines) {
    bool kept = FindRoutine(b_.routines, r) != nullptr;
    if (!kept || recreated_routines_.count(RoutineRef(r))) gone_routines.insert(r.name);
  }
  for (const auto& tr : a_.triggers) {
    if (OwnerGone(tr.schema, tr.table)) continue;
    const Trigger* n = FindTrigger(b_.triggers, tr);
    if (n == nullptr || n->sql != tr.sql || MentionsAny(tr.sql, gone_routines)) dropped_triggers_.insert(&tr);
  }
}

}  // namespace strata::schema::detail
