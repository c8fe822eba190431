#include "sql/lock_table.h"

#include <algorithm>
#include <cctype>

#include <protobuf-c/protobuf-c.h>

namespace strata::sql {
namespace {

// Raises the lock on `relation` to `mode`, adding it when new.
void Take(std::vector<RelationLock>* locks, const std::string& relation, LockMode mode) {
  if (relation.empty()) return;
  for (auto& l : *locks) {
    if (l.relation == relation) {
      l.mode = std::max(l.mode, mode);
      return;
    }
  }
  locks->push_back(RelationLock{relation, mode});
}

bool IsForeignKey(const PgNode* n) {
  return n && n->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
         n->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN;
}

// ALTER TABLE subcommands that take less than ACCESS EXCLUSIVE (ALTER TABLE
// reference, "Notes" and each form's lock level).
LockMode AlterCmdLock(const PgQuery__AlterTableCmd* cmd) {
  switch (cmd->subtype) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetStatistics:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ClusterOn:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DropCluster:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetRelOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ResetRelOptions:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraintRecurse:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition:
      return LockMode::kShareUpdateExclusive;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition:
      if (cmd->def && cmd->def->node_case == PG_QUERY__NODE__NODE_PARTITION_CMD && cmd->def->partition_cmd->concurrent) {
        return LockMode::kShareUpdateExclusive;
      }
      return LockMode::kAccessExclusive;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrig:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigAll:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigAll:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigUser:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigUser:
      return LockMode::kShareRowExclusive;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse:
      return IsForeignKey(cmd->def) ? LockMode::kShareRowExclusive : LockMode::kAccessExclusive;
    default:
      return LockMode::kAccessExclusive;
  }
}

// A FOREIGN KEY locks the referenced table too (SHARE ROW EXCLUSIVE), also
// when it is declared inline on a column.
void TakeReferenced(const PgNode* n, std::vector<RelationLock>* locks) {
  if (IsForeignKey(n)) {
    Take(locks, RelationName(n->constraint->pktable), LockMode::kShareRowExclusive);
  } else if (n && n->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
    for (size_t i = 0; i < n->column_def->n_constraints; ++i) TakeReferenced(n->column_def->constraints[i], locks);
  }
}

void AlterTableLocks(const PgQuery__AlterTableStmt* alter, std::vector<RelationLock>* locks) {
  std::string table = RelationName(alter->relation);
  LockMode mode = LockMode::kNone;
  for (size_t i = 0; i < alter->n_cmds; ++i) {
    const PgNode* n = alter->cmds[i];
    if (!n || n->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) continue;
    mode = std::max(mode, AlterCmdLock(n->alter_table_cmd));
  }
  Take(locks, table, mode == LockMode::kNone ? LockMode::kAccessExclusive : mode);
  for (size_t i = 0; i < alter->n_cmds; ++i) {
    const PgNode* n = alter->cmds[i];
    if (n && n->node_case == PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) TakeReferenced(n->alter_table_cmd->def, locks);
  }
}

void FromClauseLocks(PgNode* const* from, size_t n, LockMode mode, std::vector<RelationLock>* locks) {
  for (size_t i = 0; i < n; ++i) {
    const PgNode* f = from[i];
    if (!f) continue;
    if (f->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) {
      Take(locks, RelationName(f->range_var), mode);
    } else if (f->node_case == PG_QUERY__NODE__NODE_JOIN_EXPR && f->join_expr) {
      PgNode* sides[] = {f->join_expr->larg, f->join_expr->rarg};
      FromClauseLocks(sides, 2, mode, locks);
    }
  }
}

void SelectStmtLocks(const PgQuery__SelectStmt* s, std::vector<RelationLock>* locks) {
  if (s == nullptr) return;
  LockMode mode = s->n_locking_clause > 0 ? LockMode::kRowShare : LockMode::kAccessShare;
  FromClauseLocks(s->from_clause, s->n_from_clause, mode, locks);
  SelectStmtLocks(s->larg, locks);  // UNION / INTERSECT / EXCEPT
  SelectStmtLocks(s->rarg, locks);
}

void SelectLocks(const PgNode* n, std::vector<RelationLock>* locks) {
  if (n && n->node_case == PG_QUERY__NODE__NODE_SELECT_STMT) SelectStmtLocks(n->select_stmt, locks);
}

void DropLocks(const PgQuery__DropStmt* drop, const SchemaState& state, std::vector<RelationLock>* locks) {
  for (size_t i = 0; i < drop->n_objects; ++i) {
    const PgNode* o = drop->objects[i];
    if (!o || o->node_case != PG_QUERY__NODE__NODE_LIST) continue;
    std::string name = QualifiedName(o->list->items, o->list->n_items);
    switch (drop->remove_type) {
      case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
      case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
      case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
      case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
      case PG_QUERY__OBJECT_TYPE__OBJECT_FOREIGN_TABLE:
        Take(locks, name, LockMode::kAccessExclusive);
        break;
      case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: {
        // DROP INDEX locks the index's table as well; CONCURRENTLY waits for
        // transactions instead of blocking them.
        LockMode mode = drop->concurrent ? LockMode::kShareUpdateExclusive : LockMode::kAccessExclusive;
        Take(locks, state.TableOfIndex(name), mode);
        Take(locks, name, mode);
        break;
      }
      default:
        break;
    }
  }
}

void ReindexLocks(const PgQuery__ReindexStmt* r, const SchemaState& state, std::vector<RelationLock>* locks) {
  bool concurrently = HasOption(r->params, r->n_params, "concurrently");
  std::string name = RelationName(r->relation);
  // REINDEX reference: SHARE on the table (writes wait, reads go on) and
  // ACCESS EXCLUSIVE on the index being rebuilt; CONCURRENTLY takes SHARE
  // UPDATE EXCLUSIVE instead.
  LockMode table_mode = concurrently ? LockMode::kShareUpdateExclusive : LockMode::kShare;
  LockMode index_mode = concurrently ? LockMode::kShareUpdateExclusive : LockMode::kAccessExclusive;
  if (r->kind == PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_INDEX) {
    Take(locks, state.TableOfIndex(name), table_mode);
    Take(locks, name, index_mode);
  } else if (r->kind == PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_TABLE) {
    Take(locks, name, table_mode);
  }
}

LockMode LockStmtMode(int32_t mode) {
  // LOCK TABLE's mode is PostgreSQL's lock number, 1 (ACCESS SHARE) to 8.
  if (mode < 1 || mode > 8) return LockMode::kAccessExclusive;
  return static_cast<LockMode>(mode);
}

}  // namespace

std::vector<RelationLock> LocksOf(const PgNode* stmt, const SchemaState& state) {
  std::vector<RelationLock> locks;
  if (stmt == nullptr) return locks;
  switch (stmt->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_STMT: {
      const PgQuery__CreateStmt* c = stmt->create_stmt;
      // PARTITION OF / INHERITS lock the parent.
      for (size_t i = 0; i < c->n_inh_relations; ++i) {
        const PgNode* p = c->inh_relations[i];
        if (p && p->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) {
          Take(&locks, RelationName(p->range_var),
               c->partbound ? LockMode::kAccessExclusive : LockMode::kShareUpdateExclusive);
        }
      }
      for (size_t i = 0; i < c->n_table_elts; ++i) TakeReferenced(c->table_elts[i], &locks);
      // A foreign key to the table being created locks only that new table,
      // which no other session can see yet.
      std::string created = RelationName(c->relation);
      std::erase_if(locks, [&](const RelationLock& l) { return l.relation == created; });
      break;
    }
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
      AlterTableLocks(stmt->alter_table_stmt, &locks);
      break;
    case PG_QUERY__NODE__NODE_INDEX_STMT:
      Take(&locks, RelationName(stmt->index_stmt->relation),
           stmt->index_stmt->concurrent ? LockMode::kShareUpdateExclusive : LockMode::kShare);
      break;
    case PG_QUERY__NODE__NODE_DROP_STMT:
      DropLocks(stmt->drop_stmt, state, &locks);
      break;
    case PG_QUERY__NODE__NODE_RENAME_STMT: {
      const PgQuery__RenameStmt* r = stmt->rename_stmt;
      if (!r->relation) break;
      // ALTER INDEX ... RENAME takes SHARE UPDATE EXCLUSIVE (PostgreSQL 12+).
      Take(&locks, RelationName(r->relation),
           r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX ? LockMode::kShareUpdateExclusive
                                                                  : LockMode::kAccessExclusive);
      break;
    }
    case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
      for (size_t i = 0; i < stmt->truncate_stmt->n_relations; ++i) {
        const PgNode* r = stmt->truncate_stmt->relations[i];
        if (r && r->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) {
          Take(&locks, RelationName(r->range_var), LockMode::kAccessExclusive);
        }
      }
      break;
    case PG_QUERY__NODE__NODE_INSERT_STMT:
      Take(&locks, RelationName(stmt->insert_stmt->relation), LockMode::kRowExclusive);
      SelectLocks(stmt->insert_stmt->select_stmt, &locks);
      break;
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
      Take(&locks, RelationName(stmt->update_stmt->relation), LockMode::kRowExclusive);
      FromClauseLocks(stmt->update_stmt->from_clause, stmt->update_stmt->n_from_clause, LockMode::kAccessShare, &locks);
      break;
    case PG_QUERY__NODE__NODE_DELETE_STMT:
      Take(&locks, RelationName(stmt->delete_stmt->relation), LockMode::kRowExclusive);
      FromClauseLocks(stmt->delete_stmt->using_clause, stmt->delete_stmt->n_using_clause, LockMode::kAccessShare,
                      &locks);
      break;
    case PG_QUERY__NODE__NODE_SELECT_STMT:
      SelectLocks(stmt, &locks);
      break;
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
      SelectLocks(stmt->create_table_as_stmt->query, &locks);
      break;
    case PG_QUERY__NODE__NODE_VACUUM_STMT: {
      const PgQuery__VacuumStmt* v = stmt->vacuum_stmt;
      bool full = v->is_vacuumcmd && HasOption(v->options, v->n_options, "full");
      for (size_t i = 0; i < v->n_rels; ++i) {
        const PgNode* r = v->rels[i];
        if (r && r->node_case == PG_QUERY__NODE__NODE_VACUUM_RELATION) {
          Take(&locks, RelationName(r->vacuum_relation->relation),
               full ? LockMode::kAccessExclusive : LockMode::kShareUpdateExclusive);
        }
      }
      break;
    }
    case PG_QUERY__NODE__NODE_CLUSTER_STMT:
      Take(&locks, RelationName(stmt->cluster_stmt->relation), LockMode::kAccessExclusive);
      break;
    case PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT:
      Take(&locks, RelationName(stmt->refresh_mat_view_stmt->relation),
           stmt->refresh_mat_view_stmt->concurrent ? LockMode::kExclusive : LockMode::kAccessExclusive);
      break;
    case PG_QUERY__NODE__NODE_REINDEX_STMT:
      ReindexLocks(stmt->reindex_stmt, state, &locks);
      break;
    case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT:
      Take(&locks, RelationName(stmt->create_trig_stmt->relation), LockMode::kShareRowExclusive);
      break;
    case PG_QUERY__NODE__NODE_LOCK_STMT:
      for (size_t i = 0; i < stmt->lock_stmt->n_relations; ++i) {
        const PgNode* r = stmt->lock_stmt->relations[i];
        if (r && r->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) {
          Take(&locks, RelationName(r->range_var), LockStmtMode(stmt->lock_stmt->mode));
        }
      }
      break;
    case PG_QUERY__NODE__NODE_CREATE_STATS_STMT:
      for (size_t i = 0; i < stmt->create_stats_stmt->n_relations; ++i) {
        const PgNode* r = stmt->create_stats_stmt->relations[i];
        if (r && r->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) {
          Take(&locks, RelationName(r->range_var), LockMode::kShareUpdateExclusive);
        }
      }
      break;
    default:
      break;
  }
  return locks;
}

std::string StatementKind(const PgNode* stmt) {
  if (stmt == nullptr) return "";
  switch (stmt->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_STMT: return "CREATE TABLE";
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
      return stmt->create_table_as_stmt->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW ? "CREATE MATERIALIZED VIEW"
                                                                                          : "CREATE TABLE AS";
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
      return stmt->alter_table_stmt->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX ? "ALTER INDEX" : "ALTER TABLE";
    case PG_QUERY__NODE__NODE_INDEX_STMT: return "CREATE INDEX";
    case PG_QUERY__NODE__NODE_DROP_STMT:
      switch (stmt->drop_stmt->remove_type) {
        case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE: return "DROP TABLE";
        case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: return "DROP INDEX";
        case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA: return "DROP SCHEMA";
        case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW: return "DROP VIEW";
        case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW: return "DROP MATERIALIZED VIEW";
        case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE: return "DROP SEQUENCE";
        default: return "DROP";
      }
    case PG_QUERY__NODE__NODE_RENAME_STMT: return "RENAME";
    case PG_QUERY__NODE__NODE_TRUNCATE_STMT: return "TRUNCATE";
    case PG_QUERY__NODE__NODE_INSERT_STMT: return "INSERT";
    case PG_QUERY__NODE__NODE_UPDATE_STMT: return "UPDATE";
    case PG_QUERY__NODE__NODE_DELETE_STMT: return "DELETE";
    case PG_QUERY__NODE__NODE_SELECT_STMT: return "SELECT";
    case PG_QUERY__NODE__NODE_VACUUM_STMT: return stmt->vacuum_stmt->is_vacuumcmd ? "VACUUM" : "ANALYZE";
    case PG_QUERY__NODE__NODE_CLUSTER_STMT: return "CLUSTER";
    case PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT: return "REFRESH MATERIALIZED VIEW";
    case PG_QUERY__NODE__NODE_REINDEX_STMT: return "REINDEX";
    case PG_QUERY__NODE__NODE_CREATE_TRIG_STMT: return "CREATE TRIGGER";
    case PG_QUERY__NODE__NODE_LOCK_STMT: return "LOCK";
    case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT: return "SET";
    case PG_QUERY__NODE__NODE_TRANSACTION_STMT: return "TRANSACTION";
    case PG_QUERY__NODE__NODE_VIEW_STMT: return "CREATE VIEW";
    case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT: return "CREATE SCHEMA";
    case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT: return "CREATE SEQUENCE";
    case PG_QUERY__NODE__NODE_CREATE_FUNCTION_STMT: return "CREATE FUNCTION";
    case PG_QUERY__NODE__NODE_COMMENT_STMT: return "COMMENT";
    case PG_QUERY__NODE__NODE_DO_STMT: return "DO";
    case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT: return "CREATE TYPE";
    case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT: return "CREATE EXTENSION";
    default: {
      // The parse node's own name ("GrantStmt"), from the protobuf descriptor.
      const ProtobufCFieldDescriptor* f =
          protobuf_c_message_descriptor_get_field(&pg_query__node__descriptor, static_cast<unsigned>(stmt->node_case));
      if (f == nullptr || f->name == nullptr) return "statement";
      // "grant_stmt" -> "GRANT"
      std::string name = f->name;
      if (name.size() > 5 && name.compare(name.size() - 5, 5, "_stmt") == 0) name.resize(name.size() - 5);
      for (char& c : name) c = c == '_' ? ' ' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return name;
    }
  }
}

}  // namespace strata::sql
