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

std::string Unqualified(const std::string& name) {
  size_t dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(dot + 1);
}

// ADD COLUMN c ... UNIQUE / PRIMARY KEY builds the unique index inline, while
// ADD COLUMN holds ACCESS EXCLUSIVE on the table.
void CheckAddColumnIndex(const std::string& table, const PgQuery__ColumnDef* def, Reporter& out) {
  bool pk = FindConstraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY) != nullptr;
  if (!pk && !FindConstraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE)) return;
  std::string column = def->colname ? def->colname : "";
  std::string what = pk ? "PRIMARY KEY" : "UNIQUE";
  // The names PostgreSQL would give them.
  std::string index = Unqualified(table) + (pk ? "_pkey" : "_" + column + "_key");
  out.Report("add-index-without-concurrently",
             "adding " + table + "." + column + " " + what + " builds a unique index on " + table +
                 " while holding ACCESS EXCLUSIVE (no reads or writes until it is built)",
             table,
             "add the column without " + what + (pk ? " (backfill it and make it NOT NULL)" : "") +
                 "; then, in a migration marked -- strata:no-transaction, CREATE UNIQUE INDEX CONCURRENTLY " + index +
                 " ON " + table + " (" + column + "); then ALTER TABLE " + table + " ADD CONSTRAINT " + index + " " +
                 what + " USING INDEX " + index);
}

// ADD COLUMN c ... REFERENCES other adds a foreign key: SHARE ROW EXCLUSIVE on
// `other` (its writes wait until the migration commits) besides the ACCESS
// EXCLUSIVE on the table, and the inline form cannot be NOT VALID.
void CheckAddColumnReferences(const StatementContext& ctx, const std::string& table, const PgQuery__ColumnDef* def,
                              Reporter& out) {
  const PgQuery__Constraint* fk = FindConstraint(def, PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN);
  if (fk == nullptr) return;
  std::string other = RelationName(fk->pktable);
  // A table nobody uses yet, or the table already locked: no one else waits.
  if (other.empty() || other == table || ctx.state->IsNewTable(other)) return;
  std::string column = def->colname ? def->colname : "";
  std::string name = Unqualified(table) + "_" + column + "_fkey";
  std::string ref_cols;
  for (size_t i = 0; i < fk->n_pk_attrs; ++i) ref_cols += (i ? ", " : "") + std::string(StringValue(fk->pk_attrs[i]));
  out.Report("constraint-without-not-valid",
             "adding " + table + "." + column + " REFERENCES " + other +
                 " adds a FOREIGN KEY: besides ACCESS EXCLUSIVE on " + table + " it takes SHARE ROW EXCLUSIVE on " +
                 other + " (writes to " + other + " blocked until the migration commits), and an inline REFERENCES "
                 "cannot be NOT VALID",
             table,
             "add the column without REFERENCES, then ALTER TABLE " + table + " ADD CONSTRAINT " + name +
                 " FOREIGN KEY (" + column + ") REFERENCES " + other + (ref_cols.empty() ? "" : " (" + ref_cols + ")") +
                 " NOT VALID (a short lock, no scan); ALTER TABLE " + table + " VALIDATE CONSTRAINT " + name +
                 " in a later migration");
}

// VALIDATE CONSTRAINT k in the transaction whose ADD CONSTRAINT k ... NOT
// VALID still holds its lock: the scan runs under that lock, not under the
// SHARE UPDATE EXCLUSIVE a VALIDATE on its own takes.
void CheckValidate(const StatementContext& ctx, const std::string& table, const char* constraint, Reporter& out) {
  if (constraint == nullptr || ctx.migration->no_transaction ||
      !ctx.state->IsNewNotValidConstraint(table, constraint)) {
    return;
  }
  std::string other = ctx.state->ReferencedBy(table, constraint);
  std::string held = other.empty()
                         ? "the ACCESS EXCLUSIVE lock ADD CONSTRAINT took on " + table + " (reads and writes blocked) is"
                         : "the SHARE ROW EXCLUSIVE locks ADD CONSTRAINT took on " + table + " and " + other +
                               " (writes blocked) are";
  out.Report("constraint-without-not-valid",
             "VALIDATE CONSTRAINT " + std::string(constraint) + " runs in the transaction that added it NOT VALID: " +
                 held + " held through the validating scan, so NOT VALID buys nothing",
             table,
             "move ALTER TABLE " + table + " VALIDATE CONSTRAINT " + constraint +
                 " to a later migration (or one marked -- strata:no-transaction): on its own it scans under SHARE "
                 "UPDATE EXCLUSIVE, which blocks neither reads nor writes");
}

void CheckAlterCmd(const StatementContext& ctx, const std::string& table, const PgQuery__AlterTableCmd* cmd,
                   Reporter& out) {
  switch (cmd->subtype) {
    case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
      if (cmd->def && cmd->def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
        CheckAddColumnRewrite(table, cmd->def->column_def, out);
        CheckAddColumnIndex(table, cmd->def->column_def, out);
        CheckAddColumnReferences(ctx, table, cmd->def->column_def, out);
      }
      return;
    case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
      CheckValidate(ctx, table, cmd->name, out);
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

// The safe form of a statement that wants CONCURRENTLY, when the rule's
// hint ("... in a migration marked -- strata:no-transaction") does not fit:
// the migration is marked already, and the statement either runs on its own
// (just add CONCURRENTLY) or inside the file's BEGIN ... COMMIT, where
// PostgreSQL refuses CONCURRENTLY. "" for the rule's hint.
std::string ConcurrentlyHint(const StatementContext& ctx, const std::string& form) {
  if (!ctx.migration->no_transaction) return "";
  if (ctx.info->in_transaction) {
    return form + " after the file's COMMIT: PostgreSQL refuses CONCURRENTLY inside a transaction block";
  }
  return form + " (the migration is already -- strata:no-transaction)";
}

// A system catalog (or its TOAST table or index), which PostgreSQL never
// reindexes CONCURRENTLY: "cannot reindex system catalogs concurrently".
bool IsCatalog(std::string_view name) {
  return name.rfind("pg_catalog.", 0) == 0 || name.rfind("pg_toast.", 0) == 0 ||
         (name.rfind("pg_", 0) == 0 && name.find('.') == std::string_view::npos);
}

void CheckReindex(const StatementContext& ctx, Reporter& out) {
  const PgQuery__ReindexStmt* r = ctx.node->reindex_stmt;
  if (HasOption(r->params, r->n_params, "concurrently")) return;
  std::string name = r->relation ? RelationName(r->relation) : std::string(r->name ? r->name : "");
  if (ctx.state->IsNewIndex(name) || ctx.state->IsNewTable(name)) return;
  // Advice PostgreSQL would refuse is a false alarm: SYSTEM and the catalogs
  // have no CONCURRENTLY form.
  if (r->kind == PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SYSTEM || IsCatalog(name) ||
      (r->kind == PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SCHEMA && (name == "pg_catalog" || name == "pg_toast"))) {
    return;
  }
  out.Report("reindex-without-concurrently", "REINDEX " + name + " without CONCURRENTLY blocks writes until done", {},
             ConcurrentlyHint(ctx, "REINDEX ... CONCURRENTLY"));
}

// PostgreSQL refuses CREATE INDEX CONCURRENTLY on a partitioned table
// ("cannot create index on partitioned table concurrently"), so that advice
// would be a false alarm. The safe form builds the parent's index ON ONLY
// (invalid, no partition scanned), each partition's CONCURRENTLY, and attaches
// them; the parent's index becomes valid with the last one. CREATE INDEX ON
// ONLY is that first step and is not reported.
void CheckPartitionedIndex(const PgQuery__IndexStmt* index, const std::string& table, Reporter& out) {
  if (index->relation && !index->relation->inh) return;  // ON ONLY
  std::string name = index->idxname ? index->idxname : table + "_idx";
  out.Report("add-index-without-concurrently",
             "CREATE INDEX on the partitioned table " + table +
                 " builds the index on every partition, blocking writes to each (SHARE lock) until all are built",
             table,
             "PostgreSQL refuses CONCURRENTLY on a partitioned table: CREATE INDEX " + name + " ON ONLY " + table +
                 " (...); then, in a migration marked -- strata:no-transaction, CREATE INDEX CONCURRENTLY on each "
                 "partition; then ALTER INDEX " + name + " ATTACH PARTITION each partition's index");
}

void CheckIndexes(const StatementContext& ctx, Reporter& out) {
  const PgNode* n = ctx.node;
  if (n->node_case == PG_QUERY__NODE__NODE_INDEX_STMT) {
    std::string table = RelationName(n->index_stmt->relation);
    if (!n->index_stmt->concurrent && ctx.Existing(table)) {
      if (ctx.state->IsPartitioned(table)) {
        CheckPartitionedIndex(n->index_stmt, table, out);
      } else {
        out.Report("add-index-without-concurrently",
                   "CREATE INDEX on " + table + " without CONCURRENTLY blocks writes to it (SHARE lock) until the index is built",
                   table, ConcurrentlyHint(ctx, "CREATE INDEX CONCURRENTLY"));
      }
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
                 table, ConcurrentlyHint(ctx, "DROP INDEX CONCURRENTLY (one index per statement)"));
    }
  } else if (n->node_case == PG_QUERY__NODE__NODE_REINDEX_STMT) {
    CheckReindex(ctx, out);
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
      // PostgreSQL reindexes SCHEMA, SYSTEM and DATABASE one table per
      // transaction of its own, so refuses them in a block like CONCURRENTLY.
      switch (n->reindex_stmt->kind) {
        case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SCHEMA: return "REINDEX SCHEMA";
        case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_SYSTEM: return "REINDEX SYSTEM";
        case PG_QUERY__REINDEX_OBJECT_TYPE__REINDEX_OBJECT_DATABASE: return "REINDEX DATABASE";
        default: break;
      }
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
      std::string hint;
      if (ctx.migration->no_transaction) {
        hint = "SET lock_timeout = '5s' at the top of this migration: it runs without a transaction, so neither "
               "SET LOCAL nor strata.toml's lock_timeout reaches its statements (strata resets the session after "
               "it; behind a connection pooler this needs direct_url)";
      }
      out.Report("missing-lock-timeout",
                 ctx.info->kind + " waits for " + std::string(ToString(l.mode)) + " on " + l.relation +
                     " with no lock_timeout: while it waits, every query on " + l.relation + " queues behind it",
                 {}, hint);
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
