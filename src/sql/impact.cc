#include "sql/impact.h"

#include <algorithm>

#include "sql/parsed_migration.h"
#include "sql/pg_tree.h"
#include "sql/schema_state.h"

namespace strata::sql {
namespace {

std::string Str(const char* s) { return s ? s : ""; }

// Collects one statement's changes, without repeating an entry.
class Collector {
 public:
  Collector(std::vector<ObjectChange>* out, int line) : out_(out), line_(line) {}
  void Add(std::string kind, std::string name, std::string table, std::string action, std::string detail = "") {
    for (const ObjectChange& c : *out_) {
      if (c.line == line_ && c.kind == kind && c.name == name && c.action == action && c.detail == detail) return;
    }
    out_->push_back({std::move(kind), std::move(name), std::move(table), std::move(action), std::move(detail), line_});
  }

 private:
  std::vector<ObjectChange>* out_;
  int line_;
};

std::string ConstraintWord(PgQuery__ConstrType type) {
  switch (type) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY: return "primary key";
    case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE: return "unique";
    case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK: return "check";
    case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN: return "foreign key";
    case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION: return "exclusion";
    default: return "";
  }
}

// A table-level or column-level constraint added to `table`.
void AddConstraint(const PgQuery__Constraint* c, const std::string& table, Collector& out) {
  if (!c) return;
  std::string word = ConstraintWord(c->contype);
  if (word.empty()) return;  // NOT NULL, DEFAULT: column properties, not constraints
  std::string name = Str(c->conname);
  out.Add("constraint", name, table, "create", word);
  if (c->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN && c->pktable) {
    out.Add("table", RelationName(c->pktable), "", "reference",
            "foreign key" + (name.empty() ? std::string() : " " + name) + " from " + table);
  }
}

void CreateTable(const PgQuery__CreateStmt* create, Collector& out) {
  std::string table = RelationName(create->relation);
  out.Add("table", table, "", "create");
  for (size_t i = 0; i < create->n_table_elts; ++i) {
    const PgNode* e = create->table_elts[i];
    if (!e) continue;
    if (e->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
      // Columns of a new table are part of it; their constraints are objects of their own.
      const PgQuery__ColumnDef* col = e->column_def;
      for (size_t k = 0; k < col->n_constraints; ++k) {
        const PgNode* c = col->constraints[k];
        if (c && c->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) AddConstraint(c->constraint, table, out);
      }
    } else if (e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
      AddConstraint(e->constraint, table, out);
    }
  }
}

void AlterTable(const PgQuery__AlterTableStmt* alter, Collector& out) {
  std::string table = RelationName(alter->relation);
  bool table_changed = false;
  for (size_t i = 0; i < alter->n_cmds; ++i) {
    const PgNode* n = alter->cmds[i];
    if (!n || n->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) continue;
    const PgQuery__AlterTableCmd* cmd = n->alter_table_cmd;
    std::string column = table + "." + Str(cmd->name);
    switch (cmd->subtype) {
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
        if (cmd->def && cmd->def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
          const PgQuery__ColumnDef* col = cmd->def->column_def;
          out.Add("column", table + "." + Str(col->colname), table, "create", "type " + TypeNameOf(col->type_name));
          for (size_t k = 0; k < col->n_constraints; ++k) {
            const PgNode* c = col->constraints[k];
            if (c && c->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) AddConstraint(c->constraint, table, out);
          }
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
        out.Add("column", column, table, "drop");
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType: {
        std::string type;
        if (cmd->def && cmd->def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
          type = "type " + TypeNameOf(cmd->def->column_def->type_name);
        }
        out.Add("column", column, table, "alter", type);
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
        out.Add("column", column, table, "alter", "SET NOT NULL");
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
        out.Add("column", column, table, "alter", "DROP NOT NULL");
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
        out.Add("column", column, table, "alter", cmd->def ? "SET DEFAULT" : "DROP DEFAULT");
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
        if (cmd->def && cmd->def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
          AddConstraint(cmd->def->constraint, table, out);
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
        out.Add("constraint", Str(cmd->name), table, "drop");
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
        out.Add("constraint", Str(cmd->name), table, "alter", "VALIDATE");
        break;
      default:
        table_changed = true;  // storage, owner, triggers, RLS, ...: the table itself
        break;
    }
  }
  if (table_changed) out.Add("table", table, "", "alter");
}

void Rename(const PgQuery__RenameStmt* r, Collector& out) {
  std::string table = r->relation ? RelationName(r->relation) : "";
  std::string to = Str(r->newname);
  switch (r->rename_type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
      out.Add("table", table, "", "rename", "renamed to " + to);
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN:
      out.Add("column", table + "." + Str(r->subname), table, "rename", "renamed to " + to);
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
      out.Add("index", table, "", "rename", "renamed to " + to);
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT:
      out.Add("constraint", Str(r->subname), table, "rename", "renamed to " + to);
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
      out.Add("view", table, "", "rename", "renamed to " + to);
      break;
    default:
      break;
  }
}

void Drop(const PgQuery__DropStmt* drop, const SchemaState& state, Collector& out) {
  for (size_t i = 0; i < drop->n_objects; ++i) {
    const PgNode* o = drop->objects[i];
    if (!o || o->node_case != PG_QUERY__NODE__NODE_LIST) continue;
    std::string name = QualifiedName(o->list->items, o->list->n_items);
    switch (drop->remove_type) {
      case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
        out.Add("table", name, "", "drop");
        break;
      case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
        out.Add("index", name, state.TableOfIndex(name), "drop");
        break;
      case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
      case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
        out.Add("view", name, "", "drop");
        break;
      default:
        break;
    }
  }
}

void CollectStatement(const PgNode* n, const SchemaState& state, Collector& out) {
  switch (n->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_STMT:
      CreateTable(n->create_stmt, out);
      break;
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
      if (n->create_table_as_stmt->into && n->create_table_as_stmt->into->rel) {
        out.Add("table", RelationName(n->create_table_as_stmt->into->rel), "", "create", "CREATE TABLE AS");
      }
      break;
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
      AlterTable(n->alter_table_stmt, out);
      break;
    case PG_QUERY__NODE__NODE_RENAME_STMT:
      Rename(n->rename_stmt, out);
      break;
    case PG_QUERY__NODE__NODE_DROP_STMT:
      Drop(n->drop_stmt, state, out);
      break;
    case PG_QUERY__NODE__NODE_INDEX_STMT: {
      const PgQuery__IndexStmt* idx = n->index_stmt;
      std::string table = RelationName(idx->relation);
      out.Add("index", Str(idx->idxname), table, "create", idx->unique ? "unique" : "");
      break;
    }
    case PG_QUERY__NODE__NODE_VIEW_STMT:
      out.Add("view", RelationName(n->view_stmt->view), "", n->view_stmt->replace ? "alter" : "create");
      break;
    case PG_QUERY__NODE__NODE_INSERT_STMT:
      out.Add("table", RelationName(n->insert_stmt->relation), "", "rows", "INSERT");
      break;
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
      out.Add("table", RelationName(n->update_stmt->relation), "", "rows", "UPDATE");
      break;
    case PG_QUERY__NODE__NODE_DELETE_STMT:
      out.Add("table", RelationName(n->delete_stmt->relation), "", "rows", "DELETE");
      break;
    case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
      for (size_t i = 0; i < n->truncate_stmt->n_relations; ++i) {
        const PgNode* r = n->truncate_stmt->relations[i];
        if (r && r->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) {
          out.Add("table", RelationName(r->range_var), "", "rows", "TRUNCATE");
        }
      }
      break;
    default:
      break;
  }
}

}  // namespace

std::vector<MigrationImpact> AnalyzeImpact(const std::vector<ImpactInput>& migrations, Dialect dialect) {
  std::vector<MigrationImpact> out(migrations.size());
  SchemaState state;
  for (size_t i = 0; i < migrations.size(); ++i) {
    const ImpactInput& in = migrations[i];
    state.BeginMigration();
    ParsedMigration parsed = ParseMigration(in.sql, dialect);
    MigrationImpact& impact = out[i];
    if (in.report) {
      impact.statements = static_cast<int>(parsed.statements.size());
      impact.parse_error = !parsed.error.ok() && dialect == Dialect::kPostgres;
      if (!parsed.error.ok()) {
        auto split = Split(in.sql, dialect);
        if (split.ok()) impact.unparsed = std::max(0, static_cast<int>(split->size()) - impact.statements);
      }
    }
    LineTracker lines(in.sql);
    for (const ParsedStatement& ps : parsed.statements) {
      if (in.report) {
        Collector collect(&impact.changes, lines.At(ps.offset).line);
        CollectStatement(ps.node, state, collect);
      }
      state.Apply(ps.node);
    }
  }
  return out;
}

}  // namespace strata::sql
