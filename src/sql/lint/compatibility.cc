// Backward-incompatible rules: changes that break the application version
// still running while (and after) the migration runs: it keeps using the old
// names and types until it is replaced.
#include "sql/lint/rule.h"

namespace strata::sql::lint {
namespace {

std::string TypeText(const ColumnType& t) {
  std::string s = t.name;
  if (!t.modifiers.empty()) {
    s += "(";
    for (size_t i = 0; i < t.modifiers.size(); ++i) s += (i ? "," : "") + std::to_string(t.modifiers[i]);
    s += ")";
  }
  return s;
}

void CheckRename(const StatementContext& ctx, const PgQuery__RenameStmt* r, Reporter& out) {
  if (!r->relation || !r->newname) return;
  std::string table = RelationName(r->relation);
  if (!ctx.Existing(table)) return;
  if (r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
    // The last step of a rebuild: the new table takes the old one's name.
    // Checked here too because SQLite's CREATE of the temp table may be one
    // the parser cannot read (AUTOINCREMENT), leaving it unknown.
    if (ctx.RebuildTemp(table)) return;
    out.Report("rename-table",
               "renaming table " + table + " to " + r->newname + " breaks code that still uses the old name");
  } else if (r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN && r->subname) {
    if (ctx.state->IsNewColumn(table, r->subname)) return;
    out.Report("rename-column", "renaming column " + table + "." + r->subname + " to " + r->newname +
                                    " breaks code that still uses the old name");
  }
}

}  // namespace

void CheckCompatibility(const StatementContext& ctx, Reporter& out) {
  if (ctx.node->node_case == PG_QUERY__NODE__NODE_RENAME_STMT) {
    CheckRename(ctx, ctx.node->rename_stmt, out);
    return;
  }
  AlterCommands alter = AlterOf(ctx.node);
  if (!alter.stmt) return;
  for (size_t i = 0; i < alter.stmt->n_cmds; ++i) {
    const PgNode* n = alter.stmt->cmds[i];
    if (!n || n->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) continue;
    const PgQuery__AlterTableCmd* cmd = n->alter_table_cmd;
    if (cmd->subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType || !cmd->name || !cmd->def ||
        cmd->def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF) {
      continue;
    }
    if (ctx.state->IsNewColumn(alter.table, cmd->name)) continue;
    ColumnType to{TypeNameOf(cmd->def->column_def->type_name), TypeModifiers(cmd->def->column_def->type_name)};
    auto from = ctx.state->TypeOf(alter.table, cmd->name);
    // Widening (varchar(10) -> varchar(20), -> text) keeps every value and
    // every reader working.
    if (from && IsBinaryCoercibleWidening(*from, to) && !cmd->def->column_def->raw_default) continue;
    std::string what = "changing the type of " + alter.table + "." + cmd->name +
                       (from ? " from " + TypeText(*from) : "") + " to " + TypeText(to);
    out.Report("change-column-type", what + " can break code that reads or writes it");
  }
}

}  // namespace strata::sql::lint
