// Locking and transactional rules (PostgreSQL): statements that hold a lock
// blocking reads or writes of an existing table for as long as they scan or
// rewrite it, and statements that cannot run inside a transaction block.
// Lock modes come from the lock table (sql/lock_table.cc).
#include "sql/lint/rule.h"

namespace strata::sql::lint {
namespace {

bool IsUniqueIndexConstraint(const PgQuery__Constraint* c) {
  return (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE || c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY ||
          c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION) &&
         !(c->indexname && c->indexname[0]);
}

void CheckAddColumnRewrite(const std::string& table, const PgQuery__ColumnDef* def, Reporter& out) {
  std::string column = table + "." + (def->colname ? def->colname : "");
  const PgQuery__Constraint* d = FindConstraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT);
  if ((d && IsVolatileDefault(d->raw_expr)) || IsVolatileDefault(def->raw_default)) {
    out.Report("table-rewrite",
               "adding " + column + " with a volatile DEFAULT rewrites " + table +
                   " under ACCESS EXCLUSIVE (every row gets its own value)",
               table);
  } else if (FindConstraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED)) {
    out.Report("table-rewrite", "adding stored generated column " + column + " rewrites " + table +
                                    " under ACCESS EXCLUSIVE", table);
  }
}

void CheckAlterCmd(const StatementContext& ctx, const std::string& table, const PgQuery__AlterTableCmd* cmd,
                   Reporter& out) {
  switch (cmd->subtype) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
      if (cmd->def && cmd->def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
        CheckAddColumnRewrite(table, cmd->def->column_def, out);
      }
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType: {
      if (!cmd->name || !cmd->def || cmd->def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF) return;
      if (ctx.state->IsNewColumn(table, cmd->name)) return;
      const PgQuery__ColumnDef* def = cmd->def->column_def;
      ColumnType to{TypeNameOf(def->type_name), TypeModifiers(def->type_name)};
      auto from = ctx.state->TypeOf(table, cmd->name);
      if (from && IsBinaryCoercibleWidening(*from, to) && !def->raw_default) return;
      out.Report("table-rewrite",
                 "changing the type of " + table + "." + cmd->name + (from ? "" : " (old type unknown)") +
                     " rewrites " + table + " and its indexes under ACCESS EXCLUSIVE",
                 table);
      return;
    }
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetLogged:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetUnLogged:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetAccessMethod:
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetTableSpace:
      out.Report("table-rewrite", "this ALTER TABLE rewrites " + table + " under ACCESS EXCLUSIVE", table);
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint: {
      if (!cmd->def || cmd->def->node_case != PG_QUERY__NODE__NODE_CONSTRAINT) return;
      const PgQuery__Constraint* c = cmd->def->constraint;
      if (IsUniqueIndexConstraint(c)) {
        out.Report("add-index-without-concurrently",
                   "adding a UNIQUE/PRIMARY KEY constraint builds its index on " + table +
                       " under ACCESS EXCLUSIVE (no reads or writes until done)",
                   table);
      } else if ((c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN ||
                  c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK) &&
                 !c->skip_validation) {
        bool fk = c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN;
        out.Report("constraint-without-not-valid",
                   std::string(fk ? "adding FOREIGN KEY" : "adding CHECK") + " to " + table +
                       " without NOT VALID checks every row while holding " +
                       (fk ? "SHARE ROW EXCLUSIVE (writes blocked)" : "ACCESS EXCLUSIVE (reads and writes blocked)"),
                   table);
      }
      return;
    }
    default:
      return;
  }
}

void CheckAlter(const StatementContext& ctx, Reporter& out) {
  AlterCommands alter = AlterOf(ctx.node);
  if (!alter.stmt || !ctx.Existing(alter.table)) return;
  for (size_t i = 0; i < alter.stmt->n_cmds; ++i) {
    const PgNode* n = alter.stmt->cmds[i];
    if (n && n->node_case == PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) CheckAlterCmd(ctx, alter.table, n->alter_table_cmd, out);
  }
}

void CheckIndexes(const StatementContext& ctx, Reporter& out) {
  const PgNode* n = ctx.node;
  if (n->node_case == PG_QUERY__NODE__NODE_INDEX_STMT) {
    std::string table = RelationName(n->index_stmt->relation);
    if (!n->index_stmt->concurrent && ctx.Existing(table)) {
      out.Report("add-index-without-concurrently",
                 "CREATE INDEX on " + table + " without CONCURRENTLY blocks writes to it (SHARE lock) until the index is built",
                 table);
    }
  } else if (n->node_case == PG_QUERY__NODE__NODE_DROP_STMT &&
             n->drop_stmt->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX && !n->drop_stmt->concurrent) {
    for (size_t i = 0; i < n->drop_stmt->n_objects; ++i) {
      const PgNode* o = n->drop_stmt->objects[i];
      if (!o || o->node_case != PG_QUERY__NODE__NODE_LIST) continue;
      std::string index = QualifiedName(o->list->items, o->list->n_items);
      if (ctx.state->IsNewIndex(index)) continue;
      std::string table = ctx.state->TableOfIndex(index);
      out.Report("drop-index-without-concurrently",
                 "DROP INDEX " + index + " without CONCURRENTLY takes ACCESS EXCLUSIVE on " +
                     (table.empty() ? std::string("its table") : table),
                 table);
    }
  } else if (n->node_case == PG_QUERY__NODE__NODE_REINDEX_STMT &&
             !HasOption(n->reindex_stmt->params, n->reindex_stmt->n_params, "concurrently")) {
    std::string name = n->reindex_stmt->relation ? RelationName(n->reindex_stmt->relation)
                                                 : std::string(n->reindex_stmt->name ? n->reindex_stmt->name : "");
    if (ctx.state->IsNewIndex(name) || ctx.state->IsNewTable(name)) return;
    out.Report("reindex-without-concurrently", "REINDEX " + name + " without CONCURRENTLY blocks writes until done");
  }
}

void CheckMaintenance(const StatementContext& ctx, Reporter& out) {
  const PgNode* n = ctx.node;
  if (n->node_case == PG_QUERY__NODE__NODE_VACUUM_STMT && n->vacuum_stmt->is_vacuumcmd &&
      HasOption(n->vacuum_stmt->options, n->vacuum_stmt->n_options, "full")) {
    std::string table = n->vacuum_stmt->n_rels > 0 && n->vacuum_stmt->rels[0]->node_case == PG_QUERY__NODE__NODE_VACUUM_RELATION
                            ? RelationName(n->vacuum_stmt->rels[0]->vacuum_relation->relation)
                            : "";
    out.Report("vacuum-full", "VACUUM FULL " + (table.empty() ? std::string("rewrites every table") : "rewrites " + table) +
                                  " under ACCESS EXCLUSIVE", table);
  } else if (n->node_case == PG_QUERY__NODE__NODE_CLUSTER_STMT) {
    std::string table = RelationName(n->cluster_stmt->relation);
    out.Report("cluster", "CLUSTER " + (table.empty() ? std::string("rewrites every clustered table") : "rewrites " + table) +
                              " under ACCESS EXCLUSIVE", table);
  } else if (n->node_case == PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT && !n->refresh_mat_view_stmt->concurrent) {
    std::string view = RelationName(n->refresh_mat_view_stmt->relation);
    if (ctx.state->IsNewTable(view)) return;
    out.Report("refresh-materialized-view-without-concurrently",
               "REFRESH MATERIALIZED VIEW " + view + " without CONCURRENTLY blocks reads of it until done", view);
  }
}

}  // namespace

// Statements PostgreSQL refuses inside a transaction block, and what to call them.
const char* NeedsNoTransaction(const PgNode* n) {
  switch (n->node_case) {
    case PG_QUERY__NODE__NODE_INDEX_STMT:
      return n->index_stmt->concurrent ? "CREATE INDEX CONCURRENTLY" : nullptr;
    case PG_QUERY__NODE__NODE_DROP_STMT:
      return n->drop_stmt->concurrent ? "DROP INDEX CONCURRENTLY" : nullptr;
    case PG_QUERY__NODE__NODE_REINDEX_STMT:
      return HasOption(n->reindex_stmt->params, n->reindex_stmt->n_params, "concurrently") ? "REINDEX CONCURRENTLY"
                                                                                          : nullptr;
    case PG_QUERY__NODE__NODE_VACUUM_STMT:
      return n->vacuum_stmt->is_vacuumcmd ? "VACUUM" : nullptr;
    case PG_QUERY__NODE__NODE_CREATEDB_STMT:
      return "CREATE DATABASE";
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
      for (size_t i = 0; i < n->alter_table_stmt->n_cmds; ++i) {
        const PgNode* c = n->alter_table_stmt->cmds[i];
        if (c && c->node_case == PG_QUERY__NODE__NODE_ALTER_TABLE_CMD &&
            c->alter_table_cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition && c->alter_table_cmd->def &&
            c->alter_table_cmd->def->node_case == PG_QUERY__NODE__NODE_PARTITION_CMD &&
            c->alter_table_cmd->def->partition_cmd->concurrent) {
          return "DETACH PARTITION CONCURRENTLY";
        }
      }
      return nullptr;
    default:
      return nullptr;
  }
}


void CheckLocking(const StatementContext& ctx, Reporter& out) {
  CheckAlter(ctx, out);
  CheckIndexes(ctx, out);
  CheckMaintenance(ctx, out);
  if (ctx.info->in_transaction) {
    if (const char* what = NeedsNoTransaction(ctx.node)) {
      out.Report("concurrently-in-transaction",
                 std::string(what) + " cannot run inside a transaction block, and this migration runs in one");
    }
  }
  if (!ctx.lock_timeout_set) {
    for (const RelationLock& l : ctx.info->locks) {
      if (!BlocksWrites(l.mode) || ctx.state->IsNewTable(l.relation) || ctx.state->IsNewIndex(l.relation)) continue;
      out.Report("missing-lock-timeout",
                 ctx.info->kind + " waits for " + std::string(ToString(l.mode)) + " on " + l.relation +
                     " with no lock_timeout: while it waits, every query on " + l.relation + " queues behind it");
      break;
    }
  }
}

}  // namespace strata::sql::lint

namespace strata::sql {

std::string StatementNeedingNoTransaction(std::string_view script) {
  auto parsed = ParsedScript::Parse(script);
  if (!parsed.ok()) return "";
  for (const ParsedStatement& st : (*parsed)->statements()) {
    if (const char* what = lint::NeedsNoTransaction(st.node)) return what;
  }
  return "";
}

}  // namespace strata::sql
