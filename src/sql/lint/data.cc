// Data-dependent rules: statements that succeed on an empty development
// database and fail on production data (NULLs, duplicates, orphans). Tables
// created in the same migration have no rows yet and are exempt.
#include "sql/lint/rule.h"

namespace strata::sql::lint {
namespace {

bool IsNotNull(const PgQuery__ColumnDef* def) {
  return def->is_not_null || FindConstraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL) ||
         FindConstraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY);
}

// A value for existing rows: DEFAULT, GENERATED, IDENTITY (or a serial type,
// which is a DEFAULT nextval()).
bool HasValueForExistingRows(const PgQuery__ColumnDef* def) {
  std::string type = TypeNameOf(def->type_name);
  return def->raw_default || FindConstraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT) ||
         FindConstraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED) ||
         FindConstraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY) || type == "serial" || type == "bigserial" ||
         type == "smallserial" || type == "serial4" || type == "serial8" || type == "serial2";
}

// ADD COLUMN c ... UNIQUE / PRIMARY KEY with a DEFAULT evaluated once gives
// every existing row the same value: duplicates as soon as there are two.
void CheckAddUniqueColumn(const std::string& table, const PgQuery__ColumnDef* def, Reporter& out) {
  bool pk = FindConstraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY) != nullptr;
  if (!pk && !FindConstraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE)) return;
  const PgQuery__Constraint* d = FindConstraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT);
  const PgNode* value = d ? d->raw_expr : def->raw_default;
  if (value == nullptr || IsVolatileDefault(value)) return;
  if (value->node_case == PG_QUERY__NODE__NODE_A_CONST && value->a_const->isnull) return;  // DEFAULT NULL
  out.Report("add-unique-constraint",
             "adding " + table + "." + (def->colname ? def->colname : "") + " " + (pk ? "PRIMARY KEY" : "UNIQUE") +
                 " with a DEFAULT gives every existing row the same value: it fails as soon as " + table +
                 " has two rows",
             table);
}

void CheckAddConstraint(const std::string& table, const PgQuery__Constraint* c, Reporter& out) {
  std::string name = c->conname && c->conname[0] ? std::string(" ") + c->conname : "";
  switch (c->contype) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
      // USING INDEX adopts an index that is already unique: nothing to fail.
      if (c->indexname && c->indexname[0]) return;
      out.Report("add-unique-constraint",
                 "adding " + std::string(c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY ? "PRIMARY KEY" : "UNIQUE") +
                     " constraint" + name + " to " + table + " fails if existing rows have duplicates",
                 table);
      break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
      if (c->skip_validation) return;
      out.Report("add-check-constraint",
                 "adding CHECK constraint" + name + " to " + table + " fails if existing rows violate it", table);
      break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
      if (c->skip_validation) return;
      out.Report("add-foreign-key",
                 "adding FOREIGN KEY" + name + " to " + table + " fails if existing rows reference missing keys",
                 table);
      break;
    default:
      break;
  }
}

void CheckAlterCmd(const StatementContext& ctx, const std::string& table, const PgQuery__AlterTableCmd* cmd,
                   Reporter& out) {
  switch (cmd->subtype) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn: {
      if (!cmd->def || cmd->def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF) return;
      const PgQuery__ColumnDef* def = cmd->def->column_def;
      if (IsNotNull(def) && !HasValueForExistingRows(def)) {
        out.Report("add-not-null-column-without-default",
                   "adding NOT NULL column " + table + "." + (def->colname ? def->colname : "") +
                       " without a DEFAULT fails when the table has rows",
                   table);
      }
      CheckAddUniqueColumn(table, def, out);
      return;
    }
    case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
      if (!cmd->name || ctx.state->IsNewColumn(table, cmd->name) || ctx.state->HasNotNullCheck(table, cmd->name)) {
        return;
      }
      out.Report("set-not-null",
                 "SET NOT NULL on " + table + "." + cmd->name +
                     " fails if any row is NULL, and scans the whole table while blocking reads and writes",
                 table);
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
      if (cmd->def && cmd->def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
        CheckAddConstraint(table, cmd->def->constraint, out);
      }
      return;
    default:
      return;
  }
}

}  // namespace

void CheckDataDependent(const StatementContext& ctx, Reporter& out) {
  if (ctx.node->node_case == PG_QUERY__NODE__NODE_INDEX_STMT) {
    const PgQuery__IndexStmt* index = ctx.node->index_stmt;
    std::string table = RelationName(index->relation);
    if (index->unique && ctx.Existing(table)) {
      out.Report("add-unique-constraint",
                 "creating unique index " + std::string(index->idxname ? index->idxname : "") + " on " + table +
                     " fails if existing rows have duplicates",
                 table);
    }
    return;
  }
  AlterCommands alter = AlterOf(ctx.node);
  if (!alter.stmt || !ctx.Existing(alter.table)) return;
  for (size_t i = 0; i < alter.stmt->n_cmds; ++i) {
    const PgNode* n = alter.stmt->cmds[i];
    if (n && n->node_case == PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) CheckAlterCmd(ctx, alter.table, n->alter_table_cmd, out);
  }
}

}  // namespace strata::sql::lint
