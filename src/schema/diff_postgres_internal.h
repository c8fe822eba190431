// Private to the diff_postgres*.cc files, which together implement
// DiffPostgres (see diff_postgres.cc for how the diff works): PgDiff, the
// object one DiffPostgres call runs, and the helpers and statement builders
// its files share. Nothing else includes this header; everything in it is in
// strata::schema::detail and is no API.
//
//   diff_postgres.cc               DiffPostgres, PgDiff::Run, PgDiff::Emit
//   diff_postgres_sql.cc           helpers and SQL builders (declared below)
//   diff_postgres_plan.cc          renames and planning
//   diff_postgres_emit_columns.cc  emission steps 4 and 5: types, sequences,
//                                  routines, columns of kept tables
//   diff_postgres_emit.cc          emission steps 1-3, 6 and 7: renames,
//                                  drops, creates, comments
//   diff_postgres_emit_objects.cc  collations, composite types, policies,
//                                  table settings, inheritance, serials
//
// PgDiff is used once per DiffPostgres call, on one thread.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "schema/diff.h"
#include "schema/model.h"
#include "schema/render_postgres.h"

namespace strata::schema::detail {

// ---- diff_postgres_sql.cc --------------------------------------------------

// Identifiers as PostgreSQL reads them (QuoteLiteral, QuoteIdentList and
// QuoteQualified are in model.h).
std::string Q(std::string_view ident);
std::string Join(const std::vector<std::string>& items, const std::string& sep);
std::string Show(const std::string& schema, const std::string& name);

// Identity of an object within its kind: "schema.name" (View::depends_on's form).
std::string Id(const std::string& schema, const std::string& name);
template <class T>
std::string Id(const T& item) {
  return Id(item.schema, item.name);
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

template <class T>
const T* FindById(const std::vector<T>& items, const std::string& id) {
  for (const auto& i : items) {
    if (Id(i) == id) return &i;
  }
  return nullptr;
}

// The same routine (schema, name, arguments) or trigger (schema, table,
// name) in `items`: PostgreSQL keeps these unique.
const Routine* FindRoutine(const std::vector<Routine>& items, const Routine& r);
const Trigger* FindTrigger(const std::vector<Trigger>& items, const Trigger& tr);

bool Contains(const std::vector<std::string>& items, const std::string& item);

// Reading SQL text by identifier.
bool Mentions(std::string_view sql, const std::string& name);
bool MentionsAny(std::string_view sql, const std::set<std::string>& names);
std::string RewriteIdent(const std::string& sql, const std::string& from, const std::string& to);

// Types, routines and enum values.
std::string BaseType(const std::string& type);
bool IsSerial(const std::string& type);
bool Widens(const std::string& from, const std::string& to);
bool TypeIs(const std::string& column_type, const std::string& schema, const std::string& name, bool* array);
std::string ReturnsClause(const std::string& definition);
bool Extends(const std::vector<std::string>& old, const std::vector<std::string>& values);

// The schema of the table a foreign key references, of a partition's parent.
const std::string& RefSchema(const Table& t, const ForeignKey& fk);
const std::string& ParentSchema(const Table& t);
// Whether a partition keeps its parent and bound.
bool SamePartition(const Table& from, const Table& to);
// "function billing.total(integer)", as summaries name a routine.
std::string RoutineShow(const Routine& r);

// Statement builders (no trailing ';').
std::string Named(const std::string& name);
std::string ParentOf(const Table& t);
std::string CreateTable(const Table& t);
std::string CheckClause(const CheckConstraint& c);
std::string CreateEnum(const EnumType& e);
std::string RoutineRef(const Routine& r);

// Ordering. PartitionDepth counts partition parents and INHERITS parents.
std::vector<const View*> InDependencyOrder(const std::vector<View>& views);
int PartitionDepth(const std::vector<Table>& tables, const Table& t);

// ---- diff_postgres_emit_objects.cc -----------------------------------------

// A column without the flag that only says where it is declared
// (Column::inherited).
Column Unflagged(Column c);
// "key=value" storage parameters by key.
std::map<std::string, std::string> OptionMap(const std::vector<std::string>& options);
// Identity sequence options (Column::identity_options) by keyword
// ("START WITH" -> "100", "CYCLE" -> "").
std::map<std::string, std::string> IdentityOptionMap(const std::string& text);

// ---- PgDiff ----------------------------------------------------------------

class PgDiff {
 public:
  PgDiff(const Schema& from, const Schema& to, const DiffOptions& options)
      : orig_(from), a_(from), b_(to), options_(options) {}

  // A serial column as what it is: an integer column with a DEFAULT nextval()
  // of a sequence it owns (PostgresSerialSequenceName, serial's options), so
  // that the diff sees that sequence like any other (renamed with its table,
  // reused by a column that becomes serial, retyped with its column).
  static void ExpandSerials(Schema& s);

  Diff Run();

 private:
  struct TableRename {
    std::string schema, from, to;
  };
  struct ColumnRename {
    std::string schema, table, from, to;  // table: the new table name
  };
  struct ConstraintRename {
    std::string table, from, to;  // table: id in a_
  };
  enum class RoutineStage { kEarly, kMiddle, kLate };
  static constexpr char kSep = '\x1f';

  void Emit(std::string summary, std::vector<std::string> statements, std::string destructive_reason = "");

  // diff_postgres_plan.cc: renames
  static void SplitKey(const std::string& key, std::string* schema, std::string* name);
  Table* MutableTable(const std::string& schema, const std::string& name);
  void ApplyRenames();
  void RenameColumn(Table& t, const std::string& from, const std::string& to);
  std::string OriginalName(const Table& t) const;

  // diff_postgres_plan.cc: planning
  void PlanTypes();
  bool Gone(const std::string& table_id) const;
  bool Fresh(const std::string& table_id) const;
  const Table* FindTableA(const std::string& id) const;
  const Table* FindTableB(const std::string& id) const;
  const std::string* RecreatedType(const Column& c, std::string* id, bool* array) const;
  static bool Regenerated(const Column& a, const Column& b);
  void PlanTables();
  void PlanRoutines();
  void PlanViews();
  bool LosesColumnIn(const std::string& table_id, std::string_view sql) const;
  static std::string ColumnsText(const std::vector<std::string>& columns);
  void PlanConstraints();
  template <class T>
  static bool ValidatedOnly(const T& from, const T& to);
  template <class T>
  bool RenamedTo(const std::string& id, const T& c, const std::vector<T>& old_list, const std::vector<T>& new_list);
  bool ViewGone(const std::string& id) const;
  bool OwnerGone(const std::string& schema, const std::string& table) const;
  void PlanIndexesAndTriggers();

  // diff_postgres_emit.cc: drops
  std::vector<std::string> Vanishing() const;
  void EmitCommentRemovals();
  void EmitRenames();
  void EmitDropDependents();
  void EmitDropTables();
  void EmitDropLeftovers();

  // diff_postgres_emit_columns.cc: types and routines, columns of kept tables
  void EmitCreateTypes();
  static std::string OldTypeName(const std::string& name);
  void EmitEnum(const EnumType& e);
  void EmitDomain(const Domain& d);
  void EmitSequence(const Sequence& s);
  RoutineStage StageOf(const Routine& r) const;
  void PlanRoutineStages() const;
  void EmitRoutines(RoutineStage stage);
  void EmitRoutine(const Routine& r);
  void EmitColumnChanges();
  const Table* KeptPlain(const Table& t) const;
  bool ParentGives(const Table& from, const Table& to, const std::string& column) const;
  bool IsEnum(const Schema& s, const std::string& type) const;
  void AlterColumnStorage(const Table& t, const Column& a, const Column& b, std::vector<std::string>* st,
                          std::vector<std::string>* what);
  void AlterIdentity(const Table& t, const Column& a, const Column& b, std::vector<std::string>* st,
                     std::vector<std::string>* what);
  static Column Effective(const Column& parent, const Column* own);
  void EmitPartitionColumnOptions(const Table& t);
  void EmitRetypes(const Table& t);
  void AlterColumn(const Table& t, const Column& a, const Column& b);

  // diff_postgres_emit.cc: creates, comments
  void EmitCreateTables();
  void EmitCreateDependents();
  bool IsMatview(const std::string& schema, const std::string& name) const;
  bool NeedsIndex(const Index& i) const;
  bool NeedsForeignKey(const Table& t, const ForeignKey& fk) const;
  void EmitAddConstraints(const Table& n);
  void EmitComments();
  static std::string QualId(const std::string& id);

  // diff_postgres_emit_objects.cc
  void PlanObjects();
  void EmitCollations();
  void EmitDropCollationsAndComposites();
  void EmitComposites();
  void EmitDropPolicies();
  void EmitCreatePolicies();
  void EmitTableSettings();
  void EmitTableIndexSettings();
  void EmitInheritance(bool add);
  void EmitTriggerStates();
  void EmitSequenceRenames();
  std::string SequenceStartAfterRows(const Sequence& s) const;
  void PlanSequenceRenames();
  void Note(std::string text);

  const Schema& orig_;
  Schema a_;  // `from` with the hinted renames applied (and serials expanded)
  Schema b_;  // `to`, serials expanded
  const DiffOptions& options_;
  Diff diff_;

  std::vector<TableRename> table_renames_;
  std::vector<ColumnRename> column_renames_;
  std::vector<ConstraintRename> constraint_renames_;
  std::set<std::string> renamed_;                              // "table id<kSep>new name" of renamed constraints
  std::vector<std::pair<std::string, std::string>> validate_;  // (table id, constraint) to VALIDATE
  std::map<std::string, std::string> original_name_;           // renamed table id -> name in `from`

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
  std::set<const Policy*> dropped_policies_;                   // of a_
  std::set<std::string> recreated_collations_, recreated_composites_;  // ids
  std::vector<std::pair<std::string, std::string>> sequence_renames_;  // (id in a_ before, new name)
};

}  // namespace strata::schema::detail
