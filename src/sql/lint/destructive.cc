// Destructive rules: statements that lose data for good. Objects created in
// the same migration are exempt (dropping them loses nothing).
#include "sql/lint/rule.h"

namespace strata::sql::lint {
namespace {

using OnDelete = ForeignKeyReference::OnDelete;

// What SQLite's implicit DELETE FROM (DROP TABLE with foreign keys on) does
// to one referencing table.
std::string Effect(const ForeignKeyReference& r) {
  std::string cols = r.columns.empty() ? "its foreign key" : r.columns;
  switch (r.on_delete) {
    case OnDelete::kCascade: return "deletes every row of " + r.table + " that references it (ON DELETE CASCADE)";
    case OnDelete::kSetNull: return "sets " + r.table + "." + cols + " to NULL in every referencing row (ON DELETE SET NULL)";
    case OnDelete::kSetDefault:
      return "sets " + r.table + "." + cols + " to its default in every referencing row (ON DELETE SET DEFAULT)";
    default: return "fails with \"FOREIGN KEY constraint failed\" while " + r.table + " has rows that reference it";
  }
}

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : std::string(sep)) + i;
  return out;
}

// SQLite, foreign keys on: DROP TABLE first deletes every row, firing each
// referencing table's ON DELETE action. A table rebuild without foreign keys
// off therefore empties (or nulls, or fails on) the tables that reference
// the rebuilt one, while its own rows come back.
void CheckReferencedDrop(const StatementContext& ctx, const std::string& table, Reporter& out) {
  if (ctx.postgres || ctx.foreign_keys_off) return;
  std::vector<ForeignKeyReference> refs = ctx.state->ReferencesTo(table);
  if (refs.empty()) return;
  std::vector<std::string> effects;
  for (const auto& r : refs) effects.push_back(Effect(r));
  std::string what = ctx.RebuiltTable(table) ? "This table rebuild's DROP TABLE " + table : "DROP TABLE " + table;
  out.Report("drop-referenced-table",
             what + " runs with foreign keys on, so SQLite first deletes its rows, which " + Join(effects, "; ") +
                 (ctx.RebuiltTable(table) ? "; the rebuilt table gets its rows back, the referencing rows do not" : ""),
             table);
}

// PostgreSQL DROP ... CASCADE: every dependent object goes too, named here
// where the schema state knows it (the semantic check names them all).
void CheckCascade(const StatementContext& ctx, const std::string& kind, const std::string& object,
                  const std::string& table, Reporter& out) {
  if (!ctx.postgres) return;
  std::vector<std::string> known;
  if (!table.empty()) {
    for (const auto& r : ctx.state->ReferencesTo(table)) {
      known.push_back("the foreign key " + r.table + (r.columns.empty() ? "" : " (" + r.columns + ")") +
                      " (its rows stay, no longer checked)");
    }
  }
  out.Report("drop-cascade", kind + " " + object + " CASCADE also drops every object that depends on it, without "
                                 "naming them" +
                                 (known.empty() ? "" : ": " + Join(known, ", ") + ", and any view, trigger or "
                                                                                  "function that uses it"),
             table);
}

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
    bool cascade = drop->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
    if (drop->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
      if (cascade && o && o->node_case == PG_QUERY__NODE__NODE_LIST) {
        std::string name = QualifiedName(o->list->items, o->list->n_items);
        const char* kind = drop->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW      ? "DROP VIEW"
                           : drop->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW ? "DROP MATERIALIZED VIEW"
                           : drop->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION ? "DROP FUNCTION"
                           : drop->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE ? "DROP SEQUENCE"
                                                                                         : "DROP";
        CheckCascade(ctx, kind, name, "", out);
      } else if (cascade && o && o->node_case == PG_QUERY__NODE__NODE_TYPE_NAME) {
        CheckCascade(ctx, drop->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN ? "DROP DOMAIN" : "DROP TYPE",
                     TypeNameOf(o->type_name), "", out);
      }
      continue;
    }
    if (!o || o->node_case != PG_QUERY__NODE__NODE_LIST) continue;
    std::string table = QualifiedName(o->list->items, o->list->n_items);
    CheckReferencedDrop(ctx, table, out);
    if (cascade) CheckCascade(ctx, "DROP TABLE", table, table, out);
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
    if (cmd->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE) {
      CheckCascade(ctx, "ALTER TABLE " + alter.table + " DROP COLUMN", cmd->name, "", out);
    }
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
