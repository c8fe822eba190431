// Hygiene rules: choices that are cheap now and expensive to undo later
// (column types on PostgreSQL), and DDL that fails when run twice (opt-in).
// missing-down-migration is checked per migration in sql/lint.cc.
#include "sql/lint/rule.h"

namespace strata::sql::lint {
namespace {

bool IsSmallInt(const std::string& type) {
  return type == "int4" || type == "int2" || type == "serial" || type == "serial4" || type == "smallserial" ||
         type == "serial2";
}

// Type rules for one column definition (PostgreSQL only: on SQLite these
// types are affinities, not storage).
void CheckColumnType(const StatementContext& ctx, const std::string& table, const PgQuery__ColumnDef* def,
                     bool primary_key, Reporter& out) {
  if (!ctx.postgres || !def || !def->type_name) return;
  std::string type = TypeNameOf(def->type_name);
  std::string column = table + "." + (def->colname ? def->colname : "");
  if (type == "timestamp") {
    out.Report("timestamp-without-time-zone", column + " is timestamp without time zone");
  }
  if (type == "varchar" && def->type_name->n_typmods > 0) {
    out.Report("prefer-text-over-varchar", column + " is varchar(n); prefer text (with a CHECK if the limit matters)");
  }
  if (primary_key && IsSmallInt(type)) {
    out.Report("int-primary-key", "primary key " + column + " is a 32-bit " + type + "; use bigint");
  }
}

bool IsPrimaryKeyColumn(const PgQuery__CreateStmt* create, const PgQuery__ColumnDef* def) {
  if (FindConstraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY)) return true;
  for (size_t i = 0; i < create->n_table_elts; ++i) {
    const PgNode* e = create->table_elts[i];
    if (!e || e->node_case != PG_QUERY__NODE__NODE_CONSTRAINT ||
        e->constraint->contype != PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY) {
      continue;
    }
    // Only a single-column key: in a composite key a small part is normal.
    if (e->constraint->n_keys == 1 && def->colname && StringValue(e->constraint->keys[0]) == def->colname) return true;
  }
  return false;
}

void CheckCreate(const StatementContext& ctx, const PgQuery__CreateStmt* create, Reporter& out) {
  std::string table = RelationName(create->relation);
  for (size_t i = 0; i < create->n_table_elts; ++i) {
    const PgNode* e = create->table_elts[i];
    if (!e || e->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF) continue;
    CheckColumnType(ctx, table, e->column_def, IsPrimaryKeyColumn(create, e->column_def), out);
  }
}

void CheckAlter(const StatementContext& ctx, Reporter& out) {
  AlterCommands alter = AlterOf(ctx.node);
  if (!alter.stmt) return;
  for (size_t i = 0; i < alter.stmt->n_cmds; ++i) {
    const PgNode* n = alter.stmt->cmds[i];
    if (!n || n->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) continue;
    const PgQuery__AlterTableCmd* cmd = n->alter_table_cmd;
    if ((cmd->subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn &&
         cmd->subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType) ||
        !cmd->def || cmd->def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF) {
      continue;
    }
    PgQuery__ColumnDef* def = cmd->def->column_def;
    // ALTER COLUMN ... TYPE carries the column name on the command.
    if (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType && cmd->name) {
      PgQuery__ColumnDef named = *def;
      named.colname = cmd->name;
      CheckColumnType(ctx, alter.table, &named, false, out);
    } else {
      CheckColumnType(ctx, alter.table, def, FindConstraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY) != nullptr, out);
    }
  }
}

// What a non-idempotent statement lacks, or nullptr.
const char* MissingGuard(const PgNode* n) {
  switch (n->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_STMT:
      return n->create_stmt->if_not_exists ? nullptr : "CREATE TABLE without IF NOT EXISTS";
    case PG_QUERY__NODE__NODE_INDEX_STMT:
      return n->index_stmt->if_not_exists || !n->index_stmt->idxname || !n->index_stmt->idxname[0]
                 ? nullptr
                 : "CREATE INDEX without IF NOT EXISTS";
    case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT:
      return n->create_schema_stmt->if_not_exists ? nullptr : "CREATE SCHEMA without IF NOT EXISTS";
    case PG_QUERY__NODE__NODE_DROP_STMT:
      return n->drop_stmt->missing_ok ? nullptr : "DROP without IF EXISTS";
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
      for (size_t i = 0; i < n->alter_table_stmt->n_cmds; ++i) {
        const PgNode* c = n->alter_table_stmt->cmds[i];
        if (!c || c->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) continue;
        const PgQuery__AlterTableCmd* cmd = c->alter_table_cmd;
        if (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn && !cmd->missing_ok) {
          return "ADD COLUMN without IF NOT EXISTS";
        }
        if (cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn && !cmd->missing_ok) {
          return "DROP COLUMN without IF EXISTS";
        }
      }
      return nullptr;
    default:
      return nullptr;
  }
}

}  // namespace

void CheckHygiene(const StatementContext& ctx, Reporter& out) {
  if (ctx.node->node_case == PG_QUERY__NODE__NODE_CREATE_STMT) {
    CheckCreate(ctx, ctx.node->create_stmt, out);
  } else {
    CheckAlter(ctx, out);
  }
  if (ctx.options->require_idempotent) {
    if (const char* what = MissingGuard(ctx.node)) out.Report("non-idempotent-ddl", std::string(what) + " fails when run twice");
  }
}

}  // namespace strata::sql::lint
