// DiffPostgres, second pass, steps 4 and 5 (see diff_postgres.cc): creates
// and alters of what columns may use (schemas, extensions, enums, domains,
// sequences, routines), then the columns of kept tables.
#include <algorithm>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "schema/diff_postgres_internal.h"

namespace strata::schema::detail {

// ---- emission: types and the like ----------------------------------------

void PgDiff::EmitCreateTypes() {
  for (const auto& s : b_.schemas) {
    if (!Contains(a_.schemas, s)) {
      Emit("create schema " + s, {"CREATE SCHEMA " + Q(s)});
    }
  }
  for (const auto& e : b_.extensions) {
    const Extension* old = FindByName(a_.extensions, e.name);
    if (old == nullptr) {
      Emit("create extension " + e.name,
           {"CREATE EXTENSION " + Q(e.name) + (e.schema.empty() ? "" : " SCHEMA " + Q(e.schema))});
    } else if (old->schema != e.schema) {
      Emit("move extension " + e.name + " to schema " + e.schema,
           {"ALTER EXTENSION " + Q(e.name) + " SET SCHEMA " + Q(e.schema)});
    }
  }
  EmitCollations();
  for (const auto& e : b_.enums) EmitEnum(e);
  EmitComposites();
  EmitRoutines(RoutineStage::kEarly);
  for (const auto& d : b_.domains) EmitDomain(d);
  for (const auto& s : b_.sequences) EmitSequence(s);
}

std::string PgDiff::OldTypeName(const std::string& name) { return name + "__strata_old"; }

void PgDiff::EmitEnum(const EnumType& e) {
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
        where = " AFTER " + QuoteLiteral(e.values[i - 1]);
      } else if (!old->values.empty()) {
        auto next = std::find_if(e.values.begin(), e.values.end(), [&](const std::string& x) {
          return std::find(old->values.begin(), old->values.end(), x) != old->values.end();
        });
        where = " BEFORE " + QuoteLiteral(*next);
      }
      statements.push_back("ALTER TYPE " + QuoteQualified(e.schema, e.name) + " ADD VALUE " + QuoteLiteral(v) + where);
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
       {"ALTER TYPE " + QuoteQualified(e.schema, e.name) + " RENAME TO " + Q(OldTypeName(e.name)), CreateEnum(e)},
       removed.empty()
           ? ""
           : "removes enum values " + Join(removed, ", ") + " of " + show + ": rows holding them fail the migration");
}

void PgDiff::EmitDomain(const Domain& d) {
  const Domain* old = FindIn(a_.domains, d.schema, d.name);
  std::string show = Show(d.schema, d.name), name = QuoteQualified(d.schema, d.name);
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
    statements.push_back(PostgresCreateDomain(d));
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

void PgDiff::EmitSequence(const Sequence& s) {
  const Sequence* old = FindIn(a_.sequences, s.schema, s.name);
  std::string name = QuoteQualified(s.schema, s.name), show = Show(s.schema, s.name);
  if (old == nullptr) {
    Emit("create sequence " + show, {PostgresCreateSequence(s)});
    return;
  }
  std::string clauses;
  if (old->type != s.type) clauses += " AS " + s.type;
  if (old->increment != s.increment) clauses += " INCREMENT BY " + std::to_string(s.increment);
  // Bounds left to the default follow the type and direction.
  if (old->min_value != s.min_value || old->increment != s.increment || old->type != s.type) {
    clauses += s.min_value ? " MINVALUE " + std::to_string(*s.min_value) : " NO MINVALUE";
  }
  if (old->max_value != s.max_value || old->increment != s.increment || old->type != s.type) {
    clauses += s.max_value ? " MAXVALUE " + std::to_string(*s.max_value) : " NO MAXVALUE";
  }
  if (old->start != s.start) clauses += " START WITH " + std::to_string(s.start);
  if (old->cache != s.cache) clauses += " CACHE " + std::to_string(s.cache);
  if (old->cycle != s.cycle) clauses += s.cycle ? " CYCLE" : " NO CYCLE";
  // The current value must lie within new bounds: clamp it first (a value
  // inside them is kept).
  if (old->min_value != s.min_value || old->max_value != s.max_value) {
    int64_t type_max = PostgresTypeMax(s.type);
    int64_t min = s.min_value.value_or(s.increment > 0 ? 1 : -type_max - 1);
    int64_t max = s.max_value.value_or(s.increment > 0 ? type_max : -1);
    Emit("keep the value of sequence " + show + " within its new bounds",
         {"SELECT setval(" + QuoteLiteral(name) + ", greatest(least(last_value, " + std::to_string(max) + "), " +
          std::to_string(min) + "), is_called) FROM " + name});
  }
  // Ownership goes now (before its column may be dropped); new ownership
  // waits until the column exists (EmitCreateTables).
  if (old->owned_by && !s.owned_by) clauses += " OWNED BY NONE";
  if (!clauses.empty()) Emit("alter sequence " + show, {"ALTER SEQUENCE " + name + clauses});
}

// When a routine is created: before the domains and tables when a domain
// or a table's default, generated column, check, exclusion or partition key
// calls it (CREATE TABLE writes them inline); after the views when it reads
// a view; otherwise after the tables and columns (a LANGUAGE sql body is
// checked against what it reads) and before the constraints, indexes and
// views that may call it. A routine an earlier one calls moves up with it.
PgDiff::RoutineStage PgDiff::StageOf(const Routine& r) const {
  if (stages_.empty()) PlanRoutineStages();
  return stages_.at(&r);
}

void PgDiff::PlanRoutineStages() const {
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
void PgDiff::EmitRoutines(RoutineStage stage) {
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

void PgDiff::EmitRoutine(const Routine& r) {
  const Routine* old = FindRoutine(a_.routines, r);
  if (old != nullptr && old->definition == r.definition) return;
  std::string what = RoutineShow(r);
  bool replace = old != nullptr && !recreated_routines_.count(RoutineRef(*old));
  Emit((replace ? "replace " : "create ") + what, {r.definition});
}

// ---- emission: columns of kept tables ------------------------------------

void PgDiff::EmitColumnChanges() {
  for (const auto& t : a_.tables) {
    const Table* n = KeptPlain(t);
    if (n == nullptr) continue;
    for (const auto& c : t.columns) {
      const Column* nc = n->FindColumn(c.name);
      if (nc != nullptr && !Regenerated(c, *nc)) continue;
      // An inherited column goes with its parent's (DROP COLUMN recurses).
      if (c.inherited && nc == nullptr) continue;
      std::string show = Show(t.schema, t.name) + "." + c.name;
      Emit((nc == nullptr ? "drop column " : "drop column (to recreate it) ") + show,
           {"ALTER TABLE " + QuoteQualified(t.schema, t.name) + " DROP COLUMN " + Q(c.name)},
           nc == nullptr ? "drops column " + show + " and its data"
                         : "recreates generated column " + show + " (its expression changes)");
    }
  }
  for (const auto& t : a_.tables) EmitRetypes(t);
  for (const auto& t : a_.tables) {
    const Table* n = KeptPlain(t);
    if (n == nullptr) continue;
    for (const auto& c : t.columns) {
      const Column* nc = n->FindColumn(c.name);
      if (nc == nullptr || Regenerated(c, *nc) || Unflagged(c) == Unflagged(*nc)) continue;
      // The parent's ALTER COLUMN recurses into a column it still gives.
      if (c.inherited && nc->inherited) continue;
      AlterColumn(t, c, *nc);
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
        // A parent's ADD COLUMN recurses into a child that already inherits
        // from it; a table that starts to inherit needs the column first.
        if (c.inherited && ParentGives(*t, n, c.name)) continue;
        Emit("add column " + Show(n.schema, n.name) + "." + c.name,
             {"ALTER TABLE " + QuoteQualified(n.schema, n.name) + " ADD COLUMN " + PostgresColumnDef(c)});
      }
    }
  }
  for (const auto& t : a_.tables) EmitPartitionColumnOptions(t);
}

// What a kept table that is no partition (before or after) becomes, else
// nullptr: a partition's columns come from its parent.
const Table* PgDiff::KeptPlain(const Table& t) const {
  if (Gone(Id(t)) || !t.partition_of.empty()) return nullptr;
  const Table* n = FindIn(b_.tables, t.schema, t.name);
  return n->partition_of.empty() ? n : nullptr;
}

// A partition's column as it behaves: the parent's, with the NOT NULL or
// default the partition has of its own (all inspection keeps of it).
Column PgDiff::Effective(const Column& parent, const Column* own) {
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
void PgDiff::EmitPartitionColumnOptions(const Table& t) {
  if (Gone(Id(t)) || t.partition_of.empty()) return;
  const Table& n = *FindIn(b_.tables, t.schema, t.name);
  if (n.partition_of != t.partition_of || n.partition_of_schema != t.partition_of_schema) return;
  const std::string& parent_schema = ParentSchema(t);
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
void PgDiff::EmitRetypes(const Table& t) {
  if (Gone(Id(t)) || !t.partition_of.empty()) return;
  const Table& n = *FindIn(b_.tables, t.schema, t.name);
  for (const auto& c : n.columns) {
    const Column* old = t.FindColumn(c.name);
    std::string type_id;
    bool array = false;
    const std::string* via = RecreatedType(c, &type_id, &array);
    if (old == nullptr || via == nullptr || old->type != c.type || Regenerated(*old, c)) continue;
    std::string col = "ALTER TABLE " + QuoteQualified(t.schema, t.name) + " ALTER COLUMN " + Q(c.name);
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

void PgDiff::AlterColumn(const Table& t, const Column& a, const Column& b) {
  std::string table = QuoteQualified(t.schema, t.name), col = "ALTER TABLE " + table + " ALTER COLUMN " + Q(a.name);
  std::vector<std::string> st, what;
  std::string reason;
  bool moved = retyped_columns_.count(Id(t) + "." + a.name) > 0;  // type and default done by EmitRetypes
  std::string from_type = BaseType(a.type), to_type = BaseType(b.type);
  bool type_changed = !moved && (from_type != to_type || a.collation != b.collation ||
                                 a.collation_schema != b.collation_schema);
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
  if (type_changed) {
    std::string collate = b.collation.empty() ? (a.collation.empty() ? "" : " COLLATE \"default\"")
                                              : PostgresCollate(b.collation_schema, b.collation);
    // No cast joins two enum types (or an enum and most types): the values
    // go through their text.
    bool via_text = from_type != to_type && (IsEnum(a_, from_type) || IsEnum(b_, to_type)) && from_type != "text";
    st.push_back(col + " TYPE " + to_type + collate + " USING " + Q(a.name) + (via_text ? "::text" : "") + "::" + to_type);
    if (from_type != to_type) {
      what.push_back("type " + from_type + " -> " + to_type);
      if (!Widens(from_type, to_type))
        reason = "changes the type of " + Show(t.schema, t.name) + "." + a.name + " from " + from_type + " to " +
                 to_type + ": values may fail to convert or lose precision";
    }
    if (a.collation != b.collation)
      what.push_back("collation " + (b.collation.empty() ? std::string("default") : b.collation));
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
                 " AS IDENTITY" + (b.identity_options.empty() ? "" : " (" + b.identity_options + ")"));
    // Start after the values the column already holds.
    st.push_back("SELECT setval(pg_get_serial_sequence(" + QuoteLiteral(table) + ", " + QuoteLiteral(a.name) + "), coalesce(max(" +
                 Q(a.name) + "), 0) + 1, false) FROM " + table);
    what.push_back("add identity");
  } else if (a.identity != Identity::kNone && b.identity != Identity::kNone && a.identity != b.identity) {
    st.push_back(col + " SET GENERATED " + (b.identity == Identity::kAlways ? "ALWAYS" : "BY DEFAULT"));
    what.push_back(b.identity == Identity::kAlways ? "identity always" : "identity by default");
  }
  AlterIdentity(t, a, b, &st, &what);
  AlterColumnStorage(t, a, b, &st, &what);
  if (st.empty()) return;
  Emit("alter column " + Show(t.schema, t.name) + "." + a.name + ": " + Join(what, ", "), std::move(st), reason);
}

}  // namespace strata::schema::detail
