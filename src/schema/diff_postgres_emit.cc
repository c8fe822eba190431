// DiffPostgres, second pass, all but the column work: comments that go,
// renames, drops (steps 1-3 and 6 in diff_postgres.cc), creates of tables and
// what hangs off them (step 7), and comments.
#include <algorithm>
#include <string>
#include <vector>

#include "schema/diff_postgres_internal.h"

namespace strata::schema::detail {

// ---- emission: drops -----------------------------------------------------

// Qualified names (as comment targets spell them) of what goes for good;
// their comments go with them.
std::vector<std::string> PgDiff::Vanishing() const {
  std::vector<std::string> out;
  for (const auto& t : orig_.tables) {
    if (dropped_tables_.count(Id(t))) out.push_back(QuoteQualified(t.schema, t.name));
  }
  auto gone = [&](const auto& items, const auto& targets, const std::string& suffix) {
    for (const auto& i : items) {
      if (FindIn(targets, i.schema, i.name) == nullptr) out.push_back(QuoteQualified(i.schema, i.name) + suffix);
    }
  };
  gone(orig_.views, b_.views, "");
  gone(orig_.enums, b_.enums, "");
  gone(orig_.domains, b_.domains, "");
  gone(orig_.sequences, b_.sequences, "");
  gone(orig_.routines, b_.routines, "(");
  gone(orig_.collations, b_.collations, "");
  gone(orig_.composites, b_.composites, "");
  for (const auto& p : orig_.policies) {
    bool kept = std::any_of(b_.policies.begin(), b_.policies.end(), [&](const Policy& n) {
      return n.schema == p.schema && n.table == p.table && n.name == p.name;
    });
    if (!kept) out.push_back("POLICY " + Q(p.name) + " ON " + QuoteQualified(p.schema, p.table));
  }
  for (const auto& s : orig_.schemas) {
    if (!Contains(b_.schemas, s)) {
      out.push_back(Q(s) + ".");
      out.push_back("SCHEMA " + Q(s));
    }
  }
  return out;
}

void PgDiff::EmitCommentRemovals() {
  std::vector<std::string> vanishing = Vanishing();
  for (const auto& c : orig_.comments) {
    bool kept =
        std::any_of(b_.comments.begin(), b_.comments.end(), [&](const Comment& n) { return n.object == c.object; });
    bool goes = std::any_of(vanishing.begin(), vanishing.end(),
                            [&](const std::string& v) { return c.object.find(v) != std::string::npos; });
    if (!kept && !goes) Emit("remove comment on " + c.object, {"COMMENT ON " + c.object + " IS NULL"});
  }
}

void PgDiff::EmitRenames() {
  for (const auto& r : table_renames_) {
    Emit("rename table " + Show(r.schema, r.from) + " -> " + r.to,
         {"ALTER TABLE " + QuoteQualified(r.schema, r.from) + " RENAME TO " + Q(r.to)});
  }
  for (const auto& r : constraint_renames_) {
    const Table& t = *FindTableA(r.table);
    Emit("rename constraint " + Show(t.schema, t.name) + "." + r.from + " -> " + r.to,
         {"ALTER TABLE " + QuoteQualified(t.schema, t.name) + " RENAME CONSTRAINT " + Q(r.from) + " TO " + Q(r.to)});
  }
  for (const auto& r : column_renames_) {
    Emit("rename column " + Show(r.schema, r.table) + "." + r.from + " -> " + r.to,
         {"ALTER TABLE " + QuoteQualified(r.schema, r.table) + " RENAME COLUMN " + Q(r.from) + " TO " + Q(r.to)});
  }
}

void PgDiff::EmitDropDependents() {
  EmitDropPolicies();
  for (const auto& tr : a_.triggers) {
    if (!dropped_triggers_.count(&tr)) continue;
    Emit("drop trigger " + tr.name + " on " + Show(tr.schema, tr.table),
         {"DROP TRIGGER " + Q(tr.name) + " ON " + QuoteQualified(tr.schema, tr.table)});
  }
  std::vector<const View*> views = InDependencyOrder(a_.views);
  for (auto it = views.rbegin(); it != views.rend(); ++it) {
    const View& v = **it;
    if (!ViewGone(Id(v))) continue;
    const char* kind = v.materialized ? "materialized view" : "view";
    Emit(std::string("drop ") + kind + " " + Show(v.schema, v.name),
         {std::string(v.materialized ? "DROP MATERIALIZED VIEW " : "DROP VIEW ") + QuoteQualified(v.schema, v.name)});
  }
  for (const auto& [t, fk] : drop_fks_) {
    Emit("drop foreign key " + Show(t->schema, t->name) + "." + fk->name,
         {"ALTER TABLE " + QuoteQualified(t->schema, t->name) + " DROP CONSTRAINT " + Q(fk->name)});
  }
  for (const auto& i : a_.indexes) {
    if (dropped_indexes_.count(Id(i)))
      Emit("drop index " + Show(i.schema, i.name), {"DROP INDEX " + QuoteQualified(i.schema, i.name)});
  }
  for (const auto& [id, names] : drop_constraints_) {
    const Table& t = *FindTableA(id);
    for (const auto& name : names) {
      Emit("drop constraint " + Show(t.schema, t.name) + "." + name,
           {"ALTER TABLE " + QuoteQualified(t.schema, t.name) + " DROP CONSTRAINT " + Q(name)});
    }
  }
  // Partitions that stay but leave their parent (or change bound) detach
  // here, before a parent that goes takes them along.
  for (const auto& t : a_.tables) {
    if (t.partition_of.empty() || Gone(Id(t))) continue;
    const Table& n = *FindIn(b_.tables, t.schema, t.name);
    if (SamePartition(t, n)) continue;
    Emit("detach partition " + Show(t.schema, t.name) + " from " + Show(t.schema, t.partition_of),
         {"ALTER TABLE " + ParentOf(t) + " DETACH PARTITION " + QuoteQualified(t.schema, t.name)});
  }
  // Before a parent that goes takes its children along (or refuses).
  EmitInheritance(/*add=*/false);
}

void PgDiff::EmitDropTables() {
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
         {"DROP TABLE " + QuoteQualified(t->schema, t->name)}, reason);
  }
  for (const auto& r : a_.routines) {
    if (recreated_routines_.count(RoutineRef(r))) {
      Emit("drop " + RoutineShow(r) + " (to recreate it)", {"DROP " + RoutineRef(r)});
    }
  }
}

// ---- emission: drops of what columns used --------------------------------

void PgDiff::EmitDropLeftovers() {
  for (const auto& r : a_.routines) {
    if (FindRoutine(b_.routines, r) == nullptr) Emit("drop " + RoutineShow(r), {"DROP " + RoutineRef(r)});
  }
  for (const auto& s : a_.sequences) {
    if (FindIn(b_.sequences, s.schema, s.name) != nullptr) continue;
    // IF EXISTS: a sequence owned by a dropped column or table is gone already.
    Emit("drop sequence " + Show(s.schema, s.name), {"DROP SEQUENCE IF EXISTS " + QuoteQualified(s.schema, s.name)},
         "drops sequence " + Show(s.schema, s.name) + " and its current value");
  }
  for (const auto& d : a_.domains) {
    std::string show = Show(d.schema, d.name);
    if (recreated_types_.count(Id(d))) {
      Emit("drop the old copy of domain " + show, {"DROP DOMAIN " + QuoteQualified(d.schema, OldTypeName(d.name))});
    } else if (FindIn(b_.domains, d.schema, d.name) == nullptr) {
      Emit("drop domain " + show, {"DROP DOMAIN " + QuoteQualified(d.schema, d.name)}, "drops domain " + show);
    }
  }
  for (const auto& e : a_.enums) {
    std::string show = Show(e.schema, e.name);
    if (recreated_types_.count(Id(e))) {
      Emit("drop the old copy of enum " + show, {"DROP TYPE " + QuoteQualified(e.schema, OldTypeName(e.name))});
    } else if (FindIn(b_.enums, e.schema, e.name) == nullptr) {
      Emit("drop enum " + show, {"DROP TYPE " + QuoteQualified(e.schema, e.name)}, "drops enum type " + show);
    }
  }
  EmitDropCollationsAndComposites();
  for (const auto& e : a_.extensions) {
    if (FindByName(b_.extensions, e.name) == nullptr) Emit("drop extension " + e.name, {"DROP EXTENSION " + Q(e.name)});
  }
  for (const auto& s : a_.schemas) {
    if (!Contains(b_.schemas, s)) {
      Emit("drop schema " + s, {"DROP SCHEMA " + Q(s)}, "drops schema " + s);
    }
  }
}

// ---- emission: creates ---------------------------------------------------

void PgDiff::EmitCreateTables() {
  std::vector<const Table*> fresh;
  for (const auto& t : b_.tables) {
    if (Fresh(Id(t))) fresh.push_back(&t);
  }
  // Partitioned parents before their partitions.
  std::stable_sort(fresh.begin(), fresh.end(), [&](const Table* x, const Table* y) {
    return PartitionDepth(b_.tables, *x) < PartitionDepth(b_.tables, *y);
  });
  for (const Table* t : fresh) {
    std::vector<std::string> statements = {CreateTable(*t)};
    for (auto& st : PostgresTableSettings(*t)) statements.push_back(std::move(st));
    Emit("create table " + Show(t->schema, t->name), std::move(statements));
  }
  for (const auto& t : a_.tables) {
    if (Gone(Id(t))) continue;
    const Table& n = *FindIn(b_.tables, t.schema, t.name);
    if (n.partition_of.empty() || SamePartition(t, n)) continue;
    Emit("attach partition " + Show(n.schema, n.name) + " to " + Show(n.schema, n.partition_of),
         {"ALTER TABLE " + ParentOf(n) + " ATTACH PARTITION " + QuoteQualified(n.schema, n.name) + " " + n.partition_bound});
  }
  for (const auto& s : b_.sequences) {
    const Sequence* old = FindIn(a_.sequences, s.schema, s.name);
    if (s.owned_by && (old == nullptr || old->owned_by != s.owned_by)) {
      std::vector<std::string> statements = {"ALTER SEQUENCE " + QuoteQualified(s.schema, s.name) + " OWNED BY " +
                                             *s.owned_by};
      // A new sequence behind a column that already holds values (a column
      // that becomes serial) starts after them.
      if (old == nullptr) {
        std::string start = SequenceStartAfterRows(s);
        if (!start.empty()) statements.push_back(start);
      }
      Emit("set owner of sequence " + Show(s.schema, s.name), std::move(statements));
    }
  }
  EmitRoutines(RoutineStage::kMiddle);
}

void PgDiff::EmitCreateDependents() {
  for (const auto& n : b_.tables) EmitAddConstraints(n);
  for (const auto& i : b_.indexes) {
    if (!IsMatview(i.schema, i.table) && NeedsIndex(i))
      Emit("create index " + Show(i.schema, i.name), {PostgresCreateIndex(i)});
  }
  EmitTableIndexSettings();
  for (const auto& n : b_.tables) {
    const Table* t = Fresh(Id(n)) ? nullptr : FindIn(a_.tables, n.schema, n.name);
    for (const auto& fk : n.foreign_keys) {
      if (t != nullptr && !NeedsForeignKey(*t, fk)) continue;
      Emit("add foreign key " + Show(n.schema, n.name) + "." + fk.name, {PostgresAddForeignKey(n, fk)});
    }
  }
  for (const auto& [id, name] : validate_) {
    const Table& t = *FindTableA(id);
    Emit("validate constraint " + Show(t.schema, t.name) + "." + name,
         {"ALTER TABLE " + QuoteQualified(t.schema, t.name) + " VALIDATE CONSTRAINT " + Q(name)});
  }
  for (const View* v : InDependencyOrder(b_.views)) {
    const View* old = FindIn(a_.views, v->schema, v->name);
    if (old != nullptr && !ViewGone(Id(*old))) continue;
    Emit(std::string("create ") + (v->materialized ? "materialized view " : "view ") + Show(v->schema, v->name),
         {v->sql});
    for (const auto& i : b_.indexes) {
      if (i.schema == v->schema && i.table == v->name) Emit("create index " + Show(i.schema, i.name), {PostgresCreateIndex(i)});
    }
  }
  for (const auto& i : b_.indexes) {
    // Indexes of materialized views that stay.
    if (IsMatview(i.schema, i.table) && !ViewGone(Id(i.schema, i.table)) &&
        FindIn(a_.views, i.schema, i.table) != nullptr && NeedsIndex(i)) {
      Emit("create index " + Show(i.schema, i.name), {PostgresCreateIndex(i)});
    }
  }
  EmitRoutines(RoutineStage::kLate);
  for (const auto& tr : b_.triggers) {
    const Trigger* old = FindTrigger(a_.triggers, tr);
    bool owner_new = Fresh(Id(tr.schema, tr.table)) && FindTableB(Id(tr.schema, tr.table)) != nullptr;
    bool view_new = FindIn(b_.views, tr.schema, tr.table) != nullptr &&
                    (FindIn(a_.views, tr.schema, tr.table) == nullptr || ViewGone(Id(tr.schema, tr.table)));
    if (old != nullptr && !dropped_triggers_.count(old) && !owner_new && !view_new) continue;
    Emit("create trigger " + tr.name + " on " + Show(tr.schema, tr.table), {tr.sql});
  }
  EmitTriggerStates();
  EmitCreatePolicies();
}

bool PgDiff::IsMatview(const std::string& schema, const std::string& name) const {
  const View* v = FindIn(b_.views, schema, name);
  return v != nullptr && v->materialized;
}

bool PgDiff::NeedsIndex(const Index& i) const {
  const Index* old = FindIn(a_.indexes, i.schema, i.name);
  if (old == nullptr || dropped_indexes_.count(Id(*old)) || OwnerGone(old->schema, old->table)) return true;
  std::string owner = Id(i.schema, i.table);
  return FindTableB(owner) != nullptr && Fresh(owner);
}

bool PgDiff::NeedsForeignKey(const Table& t, const ForeignKey& fk) const {
  const ForeignKey* old = FindByName(t.foreign_keys, fk.name);
  if (old == nullptr) return !renamed_.count(Id(t) + kSep + fk.name);
  for (const auto& [owner, dropped] : drop_fks_) {
    if (dropped == old) return true;
  }
  return false;
}

void PgDiff::EmitAddConstraints(const Table& n) {
  std::string id = Id(n), table = "ALTER TABLE " + QuoteQualified(n.schema, n.name) + " ADD ";
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
         {table + PostgresPrimaryKeyDef(*n.primary_key)});
  }
  for (const auto& u : n.uniques) {
    if (inline_done || !needed(u.name, t != nullptr && FindByName(t->uniques, u.name) != nullptr)) continue;
    Emit("add unique constraint " + show + "." + u.name,
         {table + PostgresUniqueDef(u)});
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

void PgDiff::EmitComments() {
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
  for (const auto& [t, fk] : drop_fks_) recreated.push_back(Q(fk->name) + " ON " + QuoteQualified(t->schema, t->name));
  for (const Trigger* tr : dropped_triggers_) recreated.push_back(Q(tr->name) + " ON " + QuoteQualified(tr->schema, tr->table));
  for (const auto& r : recreated_routines_) recreated.push_back(r.substr(r.find(' ') + 1, r.find('(') - r.find(' ')));
  for (const Policy* p : dropped_policies_) recreated.push_back("POLICY " + Q(p->name) + " ON " + QuoteQualified(p->schema, p->table));
  for (const auto& id : recreated_collations_) recreated.push_back("COLLATION " + QualId(id));
  for (const auto& id : recreated_composites_) recreated.push_back("TYPE " + QualId(id));
  for (const auto& c : b_.comments) {
    bool same = std::any_of(a_.comments.begin(), a_.comments.end(), [&](const Comment& o) { return o == c; });
    bool lost = std::any_of(recreated.begin(), recreated.end(),
                            [&](const std::string& r) { return c.object.find(r) != std::string::npos; });
    if (same && !lost) continue;
    Emit("comment on " + c.object, {"COMMENT ON " + c.object + " IS " + QuoteLiteral(c.text)});
  }
}

std::string PgDiff::QualId(const std::string& id) {
  size_t dot = id.find('.');
  return QuoteQualified(id.substr(0, dot), id.substr(dot + 1));
}

}  // namespace strata::schema::detail
