// LockRows and ClassifyLocks (lock_rows.h): the rows are data
// (lock_rows_data.inc); this file maps a parse tree to them.
#include "sql/lock_rows.h"

#include <algorithm>

#include "sql/lock_table.h"

namespace strata::sql {
namespace {

const std::vector<LockRow>& Rows() {
  static const std::vector<LockRow> kRows = {
#include "sql/lock_rows_data.inc"
  };
  return kRows;
}

#undef T
#undef R
#undef P
#undef Q
#undef I
#undef D
#undef S
#undef NONE

using Relations = std::vector<std::pair<LockTarget, std::string>>;

LockForm Form(std::string_view id, Relations relations = {}) {
  return LockForm{FindLockRow(id), std::move(relations)};
}

bool IsA(const PgNode* n, PgQuery__Node__NodeCase c) { return n != nullptr && n->node_case == c; }

const PgQuery__Constraint* AsConstraint(const PgNode* n) {
  return IsA(n, PG_QUERY__NODE__NODE_CONSTRAINT) ? n->constraint : nullptr;
}

// The tables a FROM list (or a join tree) reads.
void FromTables(PgNode* const* from, size_t n, Relations* out) {
  for (size_t i = 0; i < n; ++i) {
    const PgNode* f = from[i];
    if (IsA(f, PG_QUERY__NODE__NODE_RANGE_VAR)) {
      out->push_back({LockTarget::kRead, RelationName(f->range_var)});
    } else if (IsA(f, PG_QUERY__NODE__NODE_JOIN_EXPR)) {
      PgNode* sides[] = {f->join_expr->larg, f->join_expr->rarg};
      FromTables(sides, 2, out);
    }
  }
}

// The tables a SELECT reads, through UNION / INTERSECT / EXCEPT.
void SelectStmtTables(const PgQuery__SelectStmt* s, Relations* out) {
  if (s == nullptr) return;
  FromTables(s->from_clause, s->n_from_clause, out);
  SelectStmtTables(s->larg, out);
  SelectStmtTables(s->rarg, out);
}

void SelectTables(const PgNode* n, Relations* out) {
  if (IsA(n, PG_QUERY__NODE__NODE_SELECT_STMT)) SelectStmtTables(n->select_stmt, out);
}

bool Locking(const PgNode* n) {
  return IsA(n, PG_QUERY__NODE__NODE_SELECT_STMT) && n->select_stmt->n_locking_clause > 0;
}

// A default that calls a function not known to be immutable or stable.
bool VolatileDefault(const PgQuery__ColumnDef* def) {
  const PgQuery__Constraint* d = nullptr;
  for (size_t i = 0; i < def->n_constraints; ++i) {
    const PgQuery__Constraint* c = AsConstraint(def->constraints[i]);
    if (c && c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT) d = c;
  }
  return (d && IsVolatileDefault(d->raw_expr)) || IsVolatileDefault(def->raw_default);
}

LockForm AddColumnForm(const std::string& table, const PgQuery__ColumnDef* def, const SchemaState& state) {
  Relations t = {{LockTarget::kTable, table}};
  std::string type = TypeNameOf(def->type_name);
  bool serial = type == "serial" || type == "bigserial" || type == "smallserial" || type == "serial2" ||
                type == "serial4" || type == "serial8";
  const char* kind = nullptr;
  std::string referenced;
  for (size_t i = 0; i < def->n_constraints; ++i) {
    const PgQuery__Constraint* c = AsConstraint(def->constraints[i]);
    if (c == nullptr) continue;
    switch (c->contype) {
      case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED: kind = "alter-table.add-column.generated"; break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY: kind = "alter-table.add-column.identity"; break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
      case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
        if (kind == nullptr) kind = "alter-table.add-column.unique";
        break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
        referenced = RelationName(c->pktable);
        if (kind == nullptr) kind = "alter-table.add-column.references";
        break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
        if (kind == nullptr) kind = "alter-table.add-column.check";
        break;
      default: break;
    }
  }
  // What rewrites wins: it is the longest hold.
  if (VolatileDefault(def)) kind = "alter-table.add-column.volatile-default";
  if (serial) kind = "alter-table.add-column.serial";
  if (kind == nullptr && state.DomainHasChecks(type)) kind = "alter-table.add-column.domain-check";
  if (kind == nullptr) {
    bool has_default = def->raw_default != nullptr;
    for (size_t i = 0; i < def->n_constraints; ++i) {
      const PgQuery__Constraint* c = AsConstraint(def->constraints[i]);
      if (c && c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT) has_default = true;
    }
    kind = has_default ? "alter-table.add-column.default" : "alter-table.add-column";
  }
  if (!referenced.empty()) t.push_back({LockTarget::kReferenced, referenced});
  return Form(kind, std::move(t));
}

LockForm AddConstraintForm(const std::string& table, const PgQuery__Constraint* c) {
  Relations t = {{LockTarget::kTable, table}};
  if (c == nullptr) return Form("alter-table.add-constraint.check", std::move(t));
  switch (c->contype) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
      t.push_back({LockTarget::kReferenced, RelationName(c->pktable)});
      return Form(c->skip_validation ? "alter-table.add-constraint.foreign-key-not-valid"
                                     : "alter-table.add-constraint.foreign-key",
                  std::move(t));
    case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
      return Form(c->indexname && c->indexname[0] ? "alter-table.add-constraint.using-index"
                                                  : "alter-table.add-constraint.unique",
                  std::move(t));
    case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION: return Form("alter-table.add-constraint.exclusion", std::move(t));
    default:
      return Form(c->skip_validation ? "alter-table.add-constraint.check-not-valid" : "alter-table.add-constraint.check",
                  std::move(t));
  }
}

// The row of one ALTER TABLE subcommand.
LockForm AlterCmdForm(const std::string& table, PgQuery__ObjectType objtype, const PgQuery__AlterTableCmd* cmd,
                      const SchemaState& state) {
  Relations t = {{LockTarget::kTable, table}};
  auto name = [&](const char* id) { return Form(id, t); };
  switch (cmd->subtype) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse:
      if (IsA(cmd->def, PG_QUERY__NODE__NODE_COLUMN_DEF)) return AddColumnForm(table, cmd->def->column_def, state);
      return name("alter-table.add-column");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumnRecurse: return name("alter-table.drop-column");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_CookedColumnDefault:
      return name(objtype == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW ? "alter-view" : "alter-table.alter-column-default");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_CheckNotNull:
      return name(cmd->name && state.HasNotNullCheck(table, cmd->name) ? "alter-table.set-not-null.checked"
                                                                       : "alter-table.set-not-null");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull: return name("alter-table.drop-not-null");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropExpression: return name("alter-table.drop-expression");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStatistics:
      if (objtype == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) return Form("alter-index.set-statistics", {{LockTarget::kIndex, table}});
      return name(objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW ? "alter-materialized-view" : "alter-table.set-statistics");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetOptions: return name("alter-table.set-column-options");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetOptions: return name("alter-table.reset-column-options");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStorage: return name("alter-table.set-storage");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetCompression: return name("alter-table.set-compression");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType: {
      if (cmd->name && IsA(cmd->def, PG_QUERY__NODE__NODE_COLUMN_DEF) && !cmd->def->column_def->raw_default) {
        const PgQuery__TypeName* to = cmd->def->column_def->type_name;
        auto from = state.TypeOf(table, cmd->name);
        if (from && IsBinaryCoercibleChange(*from, ColumnType{TypeNameOf(to), TypeModifiers(to)})) {
          return name("alter-table.alter-column-type.binary-coercible");
        }
      }
      return name("alter-table.alter-column-type");
    }
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ReAddConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIndexConstraint:
      return AddConstraintForm(table, AsConstraint(cmd->def));
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraintRecurse: {
      std::string referenced = cmd->name ? state.ReferencedBy(table, cmd->name) : "";
      if (referenced.empty()) return name("alter-table.validate-constraint");
      t.push_back({LockTarget::kReferenced, referenced});
      return Form("alter-table.validate-constraint.foreign-key", std::move(t));
    }
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraintRecurse: {
      std::string referenced = cmd->name ? state.ReferencedBy(table, cmd->name) : "";
      if (referenced.empty()) return name("alter-table.drop-constraint");
      t.push_back({LockTarget::kReferenced, referenced});
      return Form("alter-table.drop-constraint.foreign-key", std::move(t));
    }
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterConstraint: return name("alter-table.alter-constraint");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ClusterOn:
      return name(objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW ? "alter-materialized-view" : "alter-table.cluster-on");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropCluster:
      return name(objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW ? "alter-materialized-view"
                                                                    : "alter-table.set-without-cluster");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetLogged: return name("alter-table.set-logged");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetUnLogged: return name("alter-table.set-unlogged");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropOids: return name("alter-table.set-without-oids");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetAccessMethod: return name("alter-table.set-access-method");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetTableSpace:
      if (objtype == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) return Form("alter-index.set-tablespace", {{LockTarget::kIndex, table}});
      return name("alter-table.set-tablespace");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetRelOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetRelOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ReplaceRelOptions:
      if (objtype == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) return Form("alter-index.set-options", {{LockTarget::kIndex, table}});
      if (objtype == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW) return name("alter-view");
      if (objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW) return name("alter-materialized-view");
      return name(cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_ResetRelOptions ? "alter-table.reset-options"
                                                                                 : "alter-table.set-options");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrig: return name("alter-table.enable-trigger");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysTrig: return name("alter-table.enable-always-trigger");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaTrig: return name("alter-table.enable-replica-trigger");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrig: return name("alter-table.disable-trigger");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigAll: return name("alter-table.enable-trigger-all");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigAll: return name("alter-table.disable-trigger-all");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigUser: return name("alter-table.enable-trigger-user");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigUser: return name("alter-table.disable-trigger-user");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRule: return name("alter-table.enable-rule");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysRule: return name("alter-table.enable-always-rule");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaRule: return name("alter-table.enable-replica-rule");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRule: return name("alter-table.disable-rule");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddInherit:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropInherit:
      if (IsA(cmd->def, PG_QUERY__NODE__NODE_RANGE_VAR)) t.push_back({LockTarget::kParent, RelationName(cmd->def->range_var)});
      return Form(cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddInherit ? "alter-table.inherit" : "alter-table.no-inherit",
                  std::move(t));
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddOf: return name("alter-table.of");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropOf: return name("alter-table.not-of");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ReplicaIdentity: return name("alter-table.replica-identity");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableRowSecurity: return name("alter-table.enable-row-security");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableRowSecurity: return name("alter-table.disable-row-security");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ForceRowSecurity: return name("alter-table.force-row-security");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_NoForceRowSecurity: return name("alter-table.no-force-row-security");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ChangeOwner:
      return name(objtype == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW      ? "alter-view"
                  : objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW ? "alter-materialized-view.rename"
                  : objtype == PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE ? "alter-sequence.rename"
                                                                      : "alter-table.owner");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_GenericOptions: return name("alter-table.generic-options");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnGenericOptions: return name("alter-table.alter-column-generic-options");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartitionFinalize: {
      const PgQuery__PartitionCmd* p =
          IsA(cmd->def, PG_QUERY__NODE__NODE_PARTITION_CMD) ? cmd->def->partition_cmd : nullptr;
      if (objtype == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) return Form("alter-index.attach-partition", {{LockTarget::kIndex, table}});
      if (p != nullptr && p->name) t.push_back({LockTarget::kPartition, RelationName(p->name)});
      const char* id = cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition ? "alter-table.attach-partition"
                       : cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartitionFinalize
                           ? "alter-table.detach-partition-finalize"
                       : p != nullptr && p->concurrent ? "alter-table.detach-partition-concurrently"
                                                       : "alter-table.detach-partition";
      return Form(id, std::move(t));
    }
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIdentity: return name("alter-table.add-identity");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetIdentity: return name("alter-table.set-identity");
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropIdentity: return name("alter-table.drop-identity");
    default:
      // Subcommands only PostgreSQL itself makes (AT_ReAddIndex, ...): the
      // grammar never produces them; the strongest lock is the safe guess.
      return name("alter-table.owner");
  }
}

std::vector<LockForm> DropForms(const PgQuery__DropStmt* drop, const SchemaState& state) {
  std::vector<LockForm> out;
  auto each = [&](auto&& fn) {
    for (size_t i = 0; i < drop->n_objects; ++i) {
      const PgNode* o = drop->objects[i];
      if (IsA(o, PG_QUERY__NODE__NODE_LIST)) fn(o->list->items, o->list->n_items);
    }
  };
  switch (drop->remove_type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
      each([&](PgNode* const* items, size_t n) {
        std::string table = QualifiedName(items, n);
        Relations r = {{LockTarget::kTable, table}};
        std::string parent = state.PartitionParentOf(table);
        if (!parent.empty()) {
          r.push_back({LockTarget::kParent, parent});
          out.push_back(Form("drop-table.partition", std::move(r)));
          return;
        }
        for (const auto& ref : state.References(table)) {
          if (ref != table) r.push_back({LockTarget::kReferenced, ref});
        }
        out.push_back(Form("drop-table", std::move(r)));
      });
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
      each([&](PgNode* const* items, size_t n) {
        std::string index = QualifiedName(items, n);
        out.push_back(Form(drop->concurrent ? "drop-index.concurrently" : "drop-index",
                           {{LockTarget::kTable, state.TableOfIndex(index)}, {LockTarget::kIndex, index}}));
      });
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
      each([&](PgNode* const* items, size_t n) {
        out.push_back(Form("drop-view", {{LockTarget::kTable, QualifiedName(items, n)}}));
      });
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER:
    case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY:
    case PG_QUERY__OBJECT_TYPE__OBJECT_RULE:
      // DROP TRIGGER name ON table: the list is (schema.)table, name.
      each([&](PgNode* const* items, size_t n) {
        const char* id = drop->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER ? "drop-trigger"
                         : drop->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_POLICY ? "drop-policy"
                                                                                    : "drop-rule";
        out.push_back(Form(id, {{LockTarget::kTable, n > 1 ? QualifiedName(items, n - 1) : ""}}));
      });
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_STATISTIC_EXT:
      each([&](PgNode* const* items, size_t n) {
        out.push_back(Form("drop-statistics", {{LockTarget::kTable, state.TableOfStatistics(QualifiedName(items, n))}}));
      });
      break;
    default:
      out.push_back(Form("drop-other"));
      break;
  }
  return out;
}

LockForm RenameForm(const PgQuery__RenameStmt* r) {
  std::string relation = r->relation ? RelationName(r->relation) : "";
  Relations t = {{LockTarget::kTable, relation}};
  switch (r->rename_type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE: return Form("alter-table.rename", t);
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
      if (r->relation_type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW) return Form("alter-view", t);
      if (r->relation_type == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW) return Form("alter-materialized-view.rename", t);
      return Form("alter-table.rename-column", t);
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT: return Form("alter-table.rename-constraint", t);
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: return Form("alter-index.rename", {{LockTarget::kIndex, relation}});
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW: return Form("alter-view", t);
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW: return Form("alter-materialized-view.rename", t);
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE: return Form("alter-sequence.rename", t);
    case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER: return Form("rename.trigger", t);
    case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY: return Form("rename.policy", t);
    case PG_QUERY__OBJECT_TYPE__OBJECT_RULE: return Form("rename.rule", t);
    default: return Form("alter-other");
  }
}

// COMMENT ON TABLE / COLUMN / ... names the relation in its object list.
LockForm CommentForm(const PgQuery__CommentStmt* c, const SchemaState& state) {
  const PgNode* o = c->object;
  std::string name;
  if (IsA(o, PG_QUERY__NODE__NODE_LIST)) name = QualifiedName(o->list->items, o->list->n_items);
  switch (c->objtype) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
      return Form("comment.relation", {{LockTarget::kTable, name}});
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: return Form("comment.relation", {{LockTarget::kTable, name}});
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT:
    case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER:
    case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY:
    case PG_QUERY__OBJECT_TYPE__OBJECT_RULE:
      // The last name is the column (or constraint ...); the rest the table.
      if (IsA(o, PG_QUERY__NODE__NODE_LIST) && o->list->n_items > 1) {
        name = QualifiedName(o->list->items, o->list->n_items - 1);
      }
      return Form("comment.relation", {{LockTarget::kTable, name}});
    default:
      (void)state;
      return Form("comment.other");
  }
}

std::vector<LockForm> Classify(const PgNode* stmt, const SchemaState& state) {
  switch (stmt->node_case) {
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT: {
      const PgQuery__AlterTableStmt* a = stmt->alter_table_stmt;
      std::string table = RelationName(a->relation);
      std::vector<LockForm> out;
      for (size_t i = 0; i < a->n_cmds; ++i) {
        if (IsA(a->cmds[i], PG_QUERY__NODE__NODE_ALTER_TABLE_CMD)) {
          out.push_back(AlterCmdForm(table, a->objtype, a->cmds[i]->alter_table_cmd, state));
        }
      }
      return out;
    }
    case PG_QUERY__NODE__NODE_CREATE_STMT: {
      const PgQuery__CreateStmt* c = stmt->create_stmt;
      Relations r;
      const char* id = "create-table";
      for (size_t i = 0; i < c->n_inh_relations; ++i) {
        if (IsA(c->inh_relations[i], PG_QUERY__NODE__NODE_RANGE_VAR)) {
          r.push_back({LockTarget::kParent, RelationName(c->inh_relations[i]->range_var)});
          id = c->partbound ? "create-table.partition-of" : "create-table.inherits";
        }
      }
      std::string created = RelationName(c->relation);
      for (size_t i = 0; i < c->n_table_elts; ++i) {
        const PgNode* e = c->table_elts[i];
        auto referenced = [&](const PgQuery__Constraint* k) {
          if (k && k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN && RelationName(k->pktable) != created) {
            r.push_back({LockTarget::kReferenced, RelationName(k->pktable)});
            if (std::string_view(id) == "create-table") id = "create-table.references";
          }
        };
        referenced(AsConstraint(e));
        if (IsA(e, PG_QUERY__NODE__NODE_COLUMN_DEF)) {
          for (size_t j = 0; j < e->column_def->n_constraints; ++j) referenced(AsConstraint(e->column_def->constraints[j]));
        }
        if (IsA(e, PG_QUERY__NODE__NODE_TABLE_LIKE_CLAUSE)) {
          r.push_back({LockTarget::kRead, RelationName(e->table_like_clause->relation)});
          if (std::string_view(id) == "create-table") id = "create-table.like";
        }
      }
      return {Form(id, std::move(r))};
    }
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT: {
      Relations r;
      SelectTables(stmt->create_table_as_stmt->query, &r);
      return {Form(stmt->create_table_as_stmt->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW ? "create-materialized-view"
                                                                                               : "create-table-as",
                   std::move(r))};
    }
    case PG_QUERY__NODE__NODE_VIEW_STMT: {
      Relations r;
      std::string view = RelationName(stmt->view_stmt->view);
      bool replaces = stmt->view_stmt->replace && state.IsView(view);
      if (replaces) r.push_back({LockTarget::kTable, view});
      SelectTables(stmt->view_stmt->query, &r);
      return {Form(replaces ? "create-view.replace" : "create-view", std::move(r))};
    }
    case PG_QUERY__NODE__NODE_INDEX_STMT:
      return {Form(stmt->index_stmt->concurrent ? "create-index.concurrently" : "create-index",
                   {{LockTarget::kTable, RelationName(stmt->index_stmt->relation)}})};
    case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT: {
      Relations r;
      for (size_t i = 0; i < stmt->create_seq_stmt->n_options; ++i) {
        const PgNode* o = stmt->create_seq_stmt->options[i];
        if (IsA(o, PG_QUERY__NODE__NODE_DEF_ELEM) && o->def_elem->defname &&
            std::string_view(o->def_elem->defname) == "owned_by" && IsA(o->def_elem->arg, PG_QUERY__NODE__NODE_LIST) &&
            o->def_elem->arg->list->n_items > 1) {
          r.push_back({LockTarget::kRead, QualifiedName(o->def_elem->arg->list->items, o->def_elem->arg->list->n_items - 1)});
        }
      }
      return {Form("create-sequence", std::move(r))};
    }
    case PG_QUERY__NODE__NODE_ALTER_SEQ_STMT:
      return {Form("alter-sequence", {{LockTarget::kTable, RelationName(stmt->alter_seq_stmt->sequence)}})};
    case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT:
      return {Form("create-trigger", {{LockTarget::kTable, RelationName(stmt->create_trig_stmt->relation)}})};
    case PG_QUERY__NODE__NODE_CREATE_POLICY_STMT:
      return {Form("create-policy", {{LockTarget::kTable, RelationName(stmt->create_policy_stmt->table)}})};
    case PG_QUERY__NODE__NODE_ALTER_POLICY_STMT:
      return {Form("alter-policy", {{LockTarget::kTable, RelationName(stmt->alter_policy_stmt->table)}})};
    case PG_QUERY__NODE__NODE_RULE_STMT:
      return {Form("create-rule", {{LockTarget::kTable, RelationName(stmt->rule_stmt->relation)}})};
    case PG_QUERY__NODE__NODE_CREATE_STATS_STMT: {
      Relations r;
      for (size_t i = 0; i < stmt->create_stats_stmt->n_relations; ++i) {
        if (IsA(stmt->create_stats_stmt->relations[i], PG_QUERY__NODE__NODE_RANGE_VAR)) {
          r.push_back({LockTarget::kTable, RelationName(stmt->create_stats_stmt->relations[i]->range_var)});
        }
      }
      return {Form("create-statistics", std::move(r))};
    }
    case PG_QUERY__NODE__NODE_CREATE_FOREIGN_TABLE_STMT: return {Form("create-foreign-table")};
    case PG_QUERY__NODE__NODE_CREATE_PUBLICATION_STMT:
    case PG_QUERY__NODE__NODE_ALTER_PUBLICATION_STMT: {
      bool create = stmt->node_case == PG_QUERY__NODE__NODE_CREATE_PUBLICATION_STMT;
      PgNode* const* objects = create ? stmt->create_publication_stmt->pubobjects : stmt->alter_publication_stmt->pubobjects;
      size_t n = create ? stmt->create_publication_stmt->n_pubobjects : stmt->alter_publication_stmt->n_pubobjects;
      Relations r;
      for (size_t i = 0; i < n; ++i) {
        const PgNode* o = objects[i];
        if (IsA(o, PG_QUERY__NODE__NODE_PUBLICATION_OBJ_SPEC) && o->publication_obj_spec->pubtable) {
          r.push_back({LockTarget::kTable, RelationName(o->publication_obj_spec->pubtable->relation)});
        }
      }
      return {Form(create ? "create-publication" : "alter-publication", std::move(r))};
    }
    case PG_QUERY__NODE__NODE_DROP_STMT: return DropForms(stmt->drop_stmt, state);
    case PG_QUERY__NODE__NODE_RENAME_STMT: return {RenameForm(stmt->rename_stmt)};
    case PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT: {
      const PgQuery__AlterObjectSchemaStmt* a = stmt->alter_object_schema_stmt;
      if (a->relation && (a->object_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE ||
                          a->object_type == PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE)) {
        return {Form("alter-table.set-schema", {{LockTarget::kTable, RelationName(a->relation)}})};
      }
      if (a->relation && a->object_type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW) {
        return {Form("alter-view", {{LockTarget::kTable, RelationName(a->relation)}})};
      }
      if (a->relation) return {Form("alter-sequence.rename", {{LockTarget::kTable, RelationName(a->relation)}})};
      return {Form("alter-other")};
    }
    case PG_QUERY__NODE__NODE_ALTER_DOMAIN_STMT: {
      const PgQuery__AlterDomainStmt* d = stmt->alter_domain_stmt;
      std::string subtype = d->subtype ? d->subtype : "";
      const PgQuery__Constraint* c = AsConstraint(d->def);
      bool checks = subtype == "O" || subtype == "V" || (subtype == "C" && c != nullptr && !c->skip_validation);
      if (!checks) return {Form("alter-domain")};
      Relations r;
      for (const auto& table : state.TablesUsingType(QualifiedName(d->type_name, d->n_type_name))) {
        r.push_back({LockTarget::kDomainUser, table});
      }
      return {Form("alter-domain.add-constraint", std::move(r))};
    }
    case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT: return {Form("alter-type.add-value")};
    case PG_QUERY__NODE__NODE_ALTER_STATS_STMT: return {Form("alter-statistics")};
    case PG_QUERY__NODE__NODE_COMMENT_STMT: return {CommentForm(stmt->comment_stmt, state)};
    case PG_QUERY__NODE__NODE_SEC_LABEL_STMT: return {Form("security-label")};
    case PG_QUERY__NODE__NODE_GRANT_STMT:
    case PG_QUERY__NODE__NODE_GRANT_ROLE_STMT:
    case PG_QUERY__NODE__NODE_ALTER_DEFAULT_PRIVILEGES_STMT: return {Form("grant")};
    case PG_QUERY__NODE__NODE_TRUNCATE_STMT: {
      std::vector<LockForm> out;
      for (size_t i = 0; i < stmt->truncate_stmt->n_relations; ++i) {
        if (IsA(stmt->truncate_stmt->relations[i], PG_QUERY__NODE__NODE_RANGE_VAR)) {
          out.push_back(Form("truncate", {{LockTarget::kTable, RelationName(stmt->truncate_stmt->relations[i]->range_var)}}));
        }
      }
      return out;
    }
    case PG_QUERY__NODE__NODE_INSERT_STMT: {
      Relations r = {{LockTarget::kTable, RelationName(stmt->insert_stmt->relation)}};
      SelectTables(stmt->insert_stmt->select_stmt, &r);
      return {Form("insert", std::move(r))};
    }
    case PG_QUERY__NODE__NODE_UPDATE_STMT: {
      Relations r = {{LockTarget::kTable, RelationName(stmt->update_stmt->relation)}};
      FromTables(stmt->update_stmt->from_clause, stmt->update_stmt->n_from_clause, &r);
      return {Form("update", std::move(r))};
    }
    case PG_QUERY__NODE__NODE_DELETE_STMT: {
      Relations r = {{LockTarget::kTable, RelationName(stmt->delete_stmt->relation)}};
      FromTables(stmt->delete_stmt->using_clause, stmt->delete_stmt->n_using_clause, &r);
      return {Form("delete", std::move(r))};
    }
    case PG_QUERY__NODE__NODE_MERGE_STMT: {
      Relations r = {{LockTarget::kTable, RelationName(stmt->merge_stmt->relation)}};
      PgNode* source[] = {stmt->merge_stmt->source_relation};
      FromTables(source, 1, &r);
      return {Form("merge", std::move(r))};
    }
    case PG_QUERY__NODE__NODE_SELECT_STMT: {
      Relations r;
      SelectTables(stmt, &r);
      return {Form(Locking(stmt) ? "select.for-update" : "select", std::move(r))};
    }
    case PG_QUERY__NODE__NODE_COPY_STMT: {
      const PgQuery__CopyStmt* c = stmt->copy_stmt;
      if (!c->relation) return {Form("select")};
      return {Form(c->is_from ? "copy.from" : "copy.to",
                   {{c->is_from ? LockTarget::kTable : LockTarget::kTable, RelationName(c->relation)}})};
    }
    case PG_QUERY__NODE__NODE_LOCK_STMT: {
      static const char* kModes[] = {"lock.access-exclusive", "lock.access-share", "lock.row-share",
                                     "lock.row-exclusive", "lock.share-update-exclusive", "lock.share",
                                     "lock.share-row-exclusive", "lock.exclusive", "lock.access-exclusive"};
      int mode = stmt->lock_stmt->mode;
      const char* id = kModes[mode >= 1 && mode <= 8 ? mode : 0];
      std::vector<LockForm> out;
      for (size_t i = 0; i < stmt->lock_stmt->n_relations; ++i) {
        if (IsA(stmt->lock_stmt->relations[i], PG_QUERY__NODE__NODE_RANGE_VAR)) {
          out.push_back(Form(id, {{LockTarget::kTable, RelationName(stmt->lock_stmt->relations[i]->range_var)}}));
        }
      }
      return out;
    }
    case PG_QUERY__NODE__NODE_VACUUM_STMT: {
      const PgQuery__VacuumStmt* v = stmt->vacuum_stmt;
      bool full = v->is_vacuumcmd && HasOption(v->options, v->n_options, "full");
      const char* id = !v->is_vacuumcmd ? "analyze" : full ? "vacuum.full" : "vacuum";
      Relations r;
      for (size_t i = 0; i < v->n_rels; ++i) {
        if (IsA(v->rels[i], PG_QUERY__NODE__NODE_VACUUM_RELATION)) {
          r.push_back({LockTarget::kTable, RelationName(v->rels[i]->vacuum_relation->relation)});
        }
      }
      return {Form(id, std::move(r))};
    }
    case PG_QUERY__NODE__NODE_CLUSTER_STMT:
      return {Form("cluster", {{LockTarget::kTable, RelationName(stmt->cluster_stmt->relation)}})};
    case PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT:
      return {Form(stmt->refresh_mat_view_stmt->concurrent ? "refresh-materialized-view.concurrently"
                                                           : "refresh-materialized-view",
                   {{LockTarget::kTable, RelationName(stmt->refresh_mat_view_stmt->relation)}})};
    case PG_QUERY__NODE__NODE_REINDEX_STMT: {
      const PgQuery__ReindexStmt* r = stmt->reindex_stmt;
      std::string name = RelationName(r->relation);
      if (HasOption(r->params, r->n_params, "concurrently") && r->relation) {
        std::string table = r->kind == PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX ? state.TableOfIndex(name) : name;
        Relations rel = {{LockTarget::kTable, table}};
        if (r->kind == PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX) rel.push_back({LockTarget::kIndex, name});
        return {Form("reindex.concurrently", std::move(rel))};
      }
      if (r->kind == PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX) {
        return {Form("reindex.index", {{LockTarget::kTable, state.TableOfIndex(name)}, {LockTarget::kIndex, name}})};
      }
      if (r->kind == PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_TABLE) {
        return {Form("reindex.table", {{LockTarget::kTable, name}})};
      }
      return {Form("reindex.schema")};
    }
    case PG_QUERY__NODE__NODE_TRANSACTION_STMT: return {Form("transaction")};
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
    case PG_QUERY__NODE__NODE_VARIABLE_SHOW_STMT: return {Form("set")};
    case PG_QUERY__NODE__NODE_DO_STMT:
    case PG_QUERY__NODE__NODE_CALL_STMT: return {Form("do")};
    default: break;
  }
  // Every other CREATE / ALTER / DROP of an object that is no table.
  std::string kind = StatementKind(stmt);
  if (kind.rfind("CREATE", 0) == 0 || kind.rfind("DEFINE", 0) == 0 || kind.rfind("COMPOSITE", 0) == 0) {
    return {Form("create-other")};
  }
  if (kind.rfind("ALTER", 0) == 0) return {Form("alter-other")};
  if (kind.rfind("DROP", 0) == 0) return {Form("drop-other")};
  return {Form("other")};
}

}  // namespace

bool IsBinaryCoercibleChange(const ColumnType& from, const ColumnType& to) {
  if (from.name == "varchar" && to.name == "text") return true;
  if (from.name == "varchar" && to.name == "varchar") {
    if (to.modifiers.empty()) return true;
    return !from.modifiers.empty() && to.modifiers[0] >= from.modifiers[0];
  }
  if (from.name == "text" && to.name == "varchar" && to.modifiers.empty()) return true;
  if (from.name == "numeric" && to.name == "numeric") {
    if (to.modifiers.empty()) return true;
    if (from.modifiers.empty()) return false;
    int from_scale = from.modifiers.size() > 1 ? from.modifiers[1] : 0;
    int to_scale = to.modifiers.size() > 1 ? to.modifiers[1] : 0;
    return from_scale == to_scale && to.modifiers[0] >= from.modifiers[0];
  }
  if (from.name == "cidr" && to.name == "inet") return true;
  return from.name == to.name && from.modifiers == to.modifiers;
}

std::string_view ToString(LockTarget target) {
  switch (target) {
    case LockTarget::kTable: return "table";
    case LockTarget::kReferenced: return "referenced table";
    case LockTarget::kParent: return "parent";
    case LockTarget::kPartition: return "partition";
    case LockTarget::kIndex: return "index";
    case LockTarget::kRead: return "table read";
    case LockTarget::kDomainUser: return "table using the domain";
  }
  return "table";
}

std::string_view LockTraceFixture() {
  // Rows in every table an example rewrites or scans, so that a rewrite
  // shows (a new file) and a scan counts.
  return R"sql(CREATE EXTENSION file_fdw;
CREATE SERVER files FOREIGN DATA WRAPPER file_fdw;
CREATE FOREIGN TABLE ft (line text) SERVER files OPTIONS (filename '/dev/null');
CREATE SCHEMA app;
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TYPE pair AS (a int, b int);
CREATE DOMAIN posint AS int;
CREATE DOMAIN checked_int AS int CHECK (VALUE > 0);
CREATE TABLE parent (id bigint PRIMARY KEY, code text UNIQUE);
INSERT INTO parent SELECT g, 'c' || g FROM generate_series(1, 100) g;
CREATE TABLE t (id bigint PRIMARY KEY, pid bigint, name text, n int NOT NULL, v varchar(10), at timestamp,
  note text, amount int, q posint, g int GENERATED ALWAYS AS (n + 1) STORED,
  ident int GENERATED ALWAYS AS IDENTITY);
INSERT INTO t (id, pid, name, n, v, at, note, amount, q)
  SELECT g, g, 'n' || g, g, 'v', '2024-01-01', 'x', g, 1 FROM generate_series(1, 100) g;
CREATE INDEX t_name ON t (name);
CREATE INDEX t_lower_name ON t (lower(name));
CREATE UNIQUE INDEX t_v_n ON t (v, n);
ALTER TABLE t ADD CONSTRAINT t_n_positive CHECK (n > 0) NOT VALID;
ALTER TABLE t ADD CONSTRAINT t_pid_fkey FOREIGN KEY (pid) REFERENCES parent NOT VALID;
ALTER TABLE t ADD CONSTRAINT t_pid_not_null CHECK (pid IS NOT NULL);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE FUNCTION fresh_fn() RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE TRIGGER t_touch BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION touch();
CREATE POLICY t_policy ON t USING (true);
CREATE RULE t_rule AS ON UPDATE TO t DO ALSO NOTHING;
CREATE STATISTICS t_stats ON id, n FROM t;
CREATE VIEW tv AS SELECT id, name FROM t;
CREATE MATERIALIZED VIEW tmv AS SELECT id, n FROM t;
CREATE UNIQUE INDEX tmv_id ON tmv (id);
CREATE SEQUENCE s;
CREATE TABLE leaf (id int, parent_id bigint REFERENCES parent);
CREATE TABLE loner (id int);
INSERT INTO loner SELECT g FROM generate_series(1, 100) g;
CREATE UNLOGGED TABLE scratch (id int);
INSERT INTO scratch SELECT g FROM generate_series(1, 100) g;
CREATE TABLE base (id int);
CREATE TABLE kid (extra int) INHERITS (base);
CREATE TABLE typed OF pair;
CREATE TABLE untyped (a int, b int);
CREATE TABLE p (id int, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE p_2024 PARTITION OF p FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE p_2025 (id int, at date NOT NULL);
INSERT INTO p VALUES (1, '2024-05-05');
INSERT INTO p_2025 VALUES (2, '2025-05-05');
CREATE INDEX p_at ON ONLY p (at);
CREATE INDEX p_2024_at ON p_2024 (at);
CREATE INDEX p_2025_at ON p_2025 (at);
CREATE TABLE dt (x posint);
INSERT INTO dt VALUES (1);
CREATE PUBLICATION pub;
ANALYZE;
)sql";
}

const std::vector<LockRow>& LockRows() { return Rows(); }

void PrintTo(const LockRow& row, std::ostream* os) { *os << row.id; }

const LockRow* FindLockRow(std::string_view id) {
  for (const auto& r : Rows()) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

std::vector<LockForm> ClassifyLocks(const PgNode* stmt, const SchemaState& state) {
  if (stmt == nullptr) return {};
  std::vector<LockForm> forms = Classify(stmt, state);
  std::erase_if(forms, [](const LockForm& f) { return f.row == nullptr; });
  return forms;
}

}  // namespace strata::sql
