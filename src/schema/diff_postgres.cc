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
//   2. renames (ALTER TABLE ... RENAME, and the sequences of serial and
//      identity columns named after them): everything after speaks new names.
//      A constraint that only changes name is renamed too (RENAME
//      CONSTRAINT keeps its index and the foreign keys that use it), and
//      expressions are compared with the renamed identifiers rewritten, so
//      that an index, check or generated column over a renamed column stays.
//   3. drops of dependents: policies, triggers, views (dependents first),
//      foreign keys, indexes, constraints, partition detaches, NO INHERIT,
//      tables (partitions and children first), routines that are recreated
//   4. creates of what columns may use: schemas, extensions, collations,
//      enums (and new values), composite types, routines that defaults or
//      domains call, domains, sequences
//   5. column changes on kept tables: drops, retypes onto recreated types,
//      alters, adds, then a partition's own NOT NULL / defaults; then table
//      settings (SET LOGGED / UNLOGGED, row security, storage parameters,
//      replica identity)
//   6. drops of what columns used to use: routines, sequences, domains, enums
//      (and the old copy of a recreated one), composite types, collations,
//      extensions, schemas. These come
//      after step 5, not with the drops in step 3, because a kept column
//      still uses them until it is altered.
//   7. creates of the rest: tables (partitioned parents and INHERITS parents
//      first), partition attaches, INHERIT, sequence OWNED BY, routines,
//      constraints, indexes, REPLICA IDENTITY USING INDEX / CLUSTER ON,
//      foreign keys (all of them after every table exists, so cycles load),
//      VALIDATE CONSTRAINT for those that only lose NOT VALID, views in
//      dependency order (materialized views and their indexes with them),
//      routines that read views, triggers and their enabled state, policies,
//      comments.
//
// Views record which views they read (View::depends_on) but not which tables:
// a view is rebuilt when its SQL names, as an identifier, a table that loses,
// renames or retypes a column (PostgreSQL refuses ALTER COLUMN TYPE under a
// view), a table or type that is dropped or recreated, or a routine that is
// dropped or recreated. Matching names, not parsing, can only over-match (a
// column that happens to share a table's name), which costs a needless
// rebuild, never a failed migration.
#include <algorithm>
#include <iterator>
#include <utility>

#include "schema/diff.h"
#include "schema/diff_postgres_internal.h"

namespace strata::schema {

namespace detail {

Diff PgDiff::Run() {
  ExpandSerials(a_);
  ExpandSerials(b_);
  ApplyRenames();
  PlanSequenceRenames();
  PlanTypes();
  PlanTables();
  PlanRoutines();
  PlanViews();
  PlanConstraints();
  PlanIndexesAndTriggers();
  PlanObjects();

  EmitCommentRemovals();
  EmitRenames();
  EmitSequenceRenames();
  EmitDropDependents();
  EmitDropTables();
  EmitCreateTypes();
  EmitColumnChanges();
  EmitTableSettings();
  EmitDropLeftovers();
  EmitCreateTables();
  EmitInheritance(/*add=*/true);
  EmitCreateDependents();
  EmitComments();
  std::set_union(orig_.not_compared.begin(), orig_.not_compared.end(), b_.not_compared.begin(), b_.not_compared.end(),
                 std::back_inserter(diff_.not_compared));
  diff_.not_compared.erase(std::unique(diff_.not_compared.begin(), diff_.not_compared.end()), diff_.not_compared.end());
  return std::move(diff_);
}

void PgDiff::Emit(std::string summary, std::vector<std::string> statements, std::string destructive_reason) {
  Change c;
  c.summary = std::move(summary);
  c.statements = std::move(statements);
  c.destructive = !destructive_reason.empty();
  c.destructive_reason = std::move(destructive_reason);
  diff_.changes.push_back(std::move(c));
}

}  // namespace detail

Diff DiffPostgres(const Schema& from, const Schema& to, const DiffOptions& options) {
  return detail::PgDiff(from, to, options).Run();
}

}  // namespace strata::schema
