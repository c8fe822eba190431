// Destructive rules: statements that lose data for good. Objects created in
// the same migration are exempt (dropping them loses nothing).
#include "sql/lint/rule.h"

namespace strata::sql::lint {
namespace {

void CheckDrop(const StatementContext& ctx, const PgQuery__DropStmt* drop, Reporter& out) {
  for (size_t i = 0; i < drop->n_objects; ++i) {
    const PgNode* o = drop->objects[i];
    if (drop->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA) {
      std::string_view schema = StringValue(o);
      if (ctx.state->IsNewSchema(schema)) continue;
      out.Report("drop-schema", "DROP SCHEMA " + std::string(schema) +
                                    (drop->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE
                                         ? " CASCADE drops every object in it and their data"
                                         : " drops the schema"));
      continue;
    }
    if (drop->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) continue;
    if (!o || o->node_case != PG_QUERY__NODE__NODE_LIST) continue;
    std::string table = QualifiedName(o->list->items, o->list->n_items);
    if (!ctx.Existing(table) || ctx.RebuiltTable(table)) continue;
    out.Report("drop-table", "DROP TABLE " + table + " deletes the table and all its rows", table);
  }
}

void CheckAlter(const StatementContext& ctx, Reporter& out) {
  AlterCommands alter = AlterOf(ctx.node);
  if (!alter.stmt) return;
  for (size_t i = 0; i < alter.stmt->n_cmds; ++i) {
    const PgNode* n = alter.stmt->cmds[i];
    if (!n || n->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) continue;
    const PgQuery__AlterTableCmd* cmd = n->alter_table_cmd;
    if (cmd->subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn || !cmd->name) continue;
    if (ctx.state->IsNewColumn(alter.table, cmd->name)) continue;
    out.Report("drop-column",
               "ALTER TABLE " + alter.table + " DROP COLUMN " + cmd->name + " deletes the column's data", alter.table);
  }
}

}  // namespace

void CheckDestructive(const StatementContext& ctx, Reporter& out) {
  const PgNode* n = ctx.node;
  switch (n->node_case) {
    case PG_QUERY__NODE__NODE_DROP_STMT:
      CheckDrop(ctx, n->drop_stmt, out);
      break;
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
      CheckAlter(ctx, out);
      break;
    case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
      for (size_t i = 0; i < n->truncate_stmt->n_relations; ++i) {
        const PgNode* r = n->truncate_stmt->relations[i];
        if (!r || r->node_case != PG_QUERY__NODE__NODE_RANGE_VAR) continue;
        std::string table = RelationName(r->range_var);
        if (ctx.Existing(table)) out.Report("truncate-table", "TRUNCATE " + table + " deletes every row", table);
      }
      break;
    case PG_QUERY__NODE__NODE_DELETE_STMT: {
      std::string table = RelationName(n->delete_stmt->relation);
      if (!n->delete_stmt->where_clause && ctx.Existing(table)) {
        out.Report("delete-without-where", "DELETE FROM " + table + " without WHERE deletes every row", table);
      }
      break;
    }
    case PG_QUERY__NODE__NODE_UPDATE_STMT: {
      std::string table = RelationName(n->update_stmt->relation);
      if (!n->update_stmt->where_clause && ctx.Existing(table)) {
        out.Report("update-without-where", "UPDATE " + table + " without WHERE changes every row", table);
      }
      break;
    }
    default:
      break;
  }
}

}  // namespace strata::sql::lint
