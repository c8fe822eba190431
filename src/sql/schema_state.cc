#include "sql/schema_state.h"

#include <algorithm>
#include <cctype>

namespace strata::sql {
namespace {

ColumnType TypeFrom(const PgQuery__TypeName* type) { return ColumnType{TypeNameOf(type), TypeModifiers(type)}; }

// The column of a CHECK (column IS NOT NULL), else "".
std::string NotNullCheckColumn(const PgQuery__Constraint* c) {
  if (c->contype != PG_QUERY__CONSTR_TYPE__CONSTR_CHECK || !c->raw_expr ||
      c->raw_expr->node_case != PG_QUERY__NODE__NODE_NULL_TEST) {
    return "";
  }
  const PgQuery__NullTest* t = c->raw_expr->null_test;
  if (t->nulltesttype != PG_QUERY__NULL_TEST_TYPE__IS_NOT_NULL || !t->arg ||
      t->arg->node_case != PG_QUERY__NODE__NODE_COLUMN_REF || t->arg->column_ref->n_fields == 0) {
    return "";
  }
  const PgQuery__ColumnRef* ref = t->arg->column_ref;
  return std::string(StringValue(ref->fields[ref->n_fields - 1]));
}

using OnDelete = ForeignKeyReference::OnDelete;

// libpg_query writes the action as PostgreSQL's one-letter code.
OnDelete OnDeleteOf(const PgQuery__Constraint* c) {
  std::string_view action = c->fk_del_action ? c->fk_del_action : "";
  if (action == "c") return OnDelete::kCascade;
  if (action == "n") return OnDelete::kSetNull;
  if (action == "d") return OnDelete::kSetDefault;
  if (action == "r") return OnDelete::kRestrict;
  return OnDelete::kNoAction;
}

bool SameName(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

}  // namespace

void SchemaState::AddReference(ForeignKeyReference reference) {
  for (const auto& r : references_) {
    if (SameName(r.table, reference.table) && SameName(r.parent, reference.parent) && r.columns == reference.columns &&
        r.on_delete == reference.on_delete) {
      return;
    }
  }
  references_.push_back(std::move(reference));
}

std::vector<ForeignKeyReference> SchemaState::ReferencesTo(std::string_view table) const {
  std::vector<ForeignKeyReference> out;
  for (const auto& r : references_) {
    if (SameName(r.parent, table) && !SameName(r.table, table)) out.push_back(r);
  }
  return out;
}

void SchemaState::AddReferences(const std::string& table, const PgQuery__Constraint* c, const std::string& column) {
  if (c->contype != PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN || !c->pktable) return;
  ForeignKeyReference r;
  r.table = table;
  r.parent = RelationName(c->pktable);
  r.columns = column;
  for (size_t i = 0; r.columns.empty() && i < c->n_fk_attrs; ++i) {
    std::string_view name = StringValue(c->fk_attrs[i]);
    if (name.empty()) continue;
    r.columns += std::string(i == 0 ? "" : ", ") + std::string(name);
  }
  r.on_delete = OnDeleteOf(c);
  AddReference(std::move(r));
}

void SchemaState::BeginMigration() {
  ++gen_;
  new_schemas_.clear();
}

bool SchemaState::IsNewSchema(std::string_view schema) const {
  for (const auto& s : new_schemas_) {
    if (s == schema) return true;
  }
  return false;
}

void SchemaState::AddTable(const std::string& table) { tables_[table] = Table{gen_, {}, {}, {}}; }

void SchemaState::AddColumn(const std::string& table, const std::string& column, ColumnType type) {
  // A column added to a table the state has never seen: remember the table
  // as existing (not new), so the rules keep treating it as such.
  auto it = tables_.find(table);
  if (it == tables_.end()) it = tables_.emplace(table, Table{kExisting, {}, {}, {}}).first;
  it->second.columns[column] = Column{std::move(type), gen_};
}

void SchemaState::Apply(const PgNode* stmt) {
  if (stmt == nullptr) return;
  switch (stmt->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_STMT:
      ApplyCreate(stmt->create_stmt);
      break;
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
      if (stmt->create_table_as_stmt->into) AddTable(RelationName(stmt->create_table_as_stmt->into->rel));
      break;
    case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT:
      if (stmt->create_schema_stmt->schemaname) new_schemas_.push_back(stmt->create_schema_stmt->schemaname);
      break;
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
      ApplyAlterTable(stmt->alter_table_stmt);
      break;
    case PG_QUERY__NODE__NODE_RENAME_STMT:
      ApplyRename(stmt->rename_stmt);
      break;
    case PG_QUERY__NODE__NODE_DROP_STMT:
      ApplyDrop(stmt->drop_stmt);
      break;
    case PG_QUERY__NODE__NODE_INDEX_STMT: {
      const PgQuery__IndexStmt* index = stmt->index_stmt;
      if (index->idxname && index->idxname[0] != '\0') {
        std::string name = index->idxname;
        if (index->relation && index->relation->schemaname && index->relation->schemaname[0] &&
            std::string_view(index->relation->schemaname) != "public") {
          name = std::string(index->relation->schemaname) + "." + name;
        }
        indexes_[name] = Index{RelationName(index->relation), gen_};
      }
      break;
    }
    default:
      ApplyOther(stmt);
      break;
  }
}

// Domains, views and statistics objects, which the lock table asks about.
void SchemaState::ApplyOther(const PgNode* stmt) {
  switch (stmt->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT: {
      const PgQuery__CreateDomainStmt* d = stmt->create_domain_stmt;
      bool checks = false;
      for (size_t i = 0; i < d->n_constraints; ++i) {
        const PgNode* c = d->constraints[i];
        if (c && c->node_case == PG_QUERY__NODE__NODE_CONSTRAINT &&
            (c->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK ||
             c->constraint->contype == PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL)) {
          checks = true;
        }
      }
      domains_[QualifiedName(d->domainname, d->n_domainname)] = checks;
      break;
    }
    case PG_QUERY__NODE__NODE_ALTER_DOMAIN_STMT: {
      const PgQuery__AlterDomainStmt* d = stmt->alter_domain_stmt;
      std::string subtype = d->subtype ? d->subtype : "";
      if (subtype == "C" || subtype == "O") domains_[QualifiedName(d->type_name, d->n_type_name)] = true;
      break;
    }
    case PG_QUERY__NODE__NODE_VIEW_STMT:
      views_[RelationName(stmt->view_stmt->view)] = true;
      break;
    case PG_QUERY__NODE__NODE_CREATE_STATS_STMT: {
      const PgQuery__CreateStatsStmt* s = stmt->create_stats_stmt;
      if (s->n_defnames > 0 && s->n_relations > 0 && s->relations[0]->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) {
        statistics_[QualifiedName(s->defnames, s->n_defnames)] = RelationName(s->relations[0]->range_var);
      }
      break;
    }
    default:
      break;
  }
}

// A FOREIGN KEY of `table`, by its name or the one PostgreSQL gives it
// (table_column..._fkey); `column` is the column it is declared on inline.
void SchemaState::AddForeignKey(const std::string& table, const std::string& column, const PgQuery__Constraint* c) {
  if (c == nullptr || c->contype != PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) return;
  std::string name = c->conname && c->conname[0] ? c->conname : "";
  if (name.empty()) {
    std::string bare = table.substr(table.find('.') == std::string::npos ? 0 : table.find('.') + 1);
    name = bare;
    if (!column.empty()) name += "_" + column;
    for (size_t i = 0; column.empty() && i < c->n_fk_attrs; ++i) name += "_" + std::string(StringValue(c->fk_attrs[i]));
    name += "_fkey";
  }
  auto it = tables_.find(table);
  if (it == tables_.end()) it = tables_.emplace(table, Table{kExisting, {}, {}, {}}).first;
  it->second.foreign_keys[name] = RelationName(c->pktable);
}

void SchemaState::ApplyCreate(const PgQuery__CreateStmt* create) {
  std::string table = RelationName(create->relation);
  // CREATE TABLE IF NOT EXISTS of a table that exists changes nothing.
  if (create->if_not_exists && tables_.count(table)) return;
  AddTable(table);
  Table& t = tables_[table];
  if (create->partbound && create->n_inh_relations > 0 &&
      create->inh_relations[0]->node_case == PG_QUERY__NODE__NODE_RANGE_VAR) {
    t.partition_of = RelationName(create->inh_relations[0]->range_var);
  }
  t.partitioned = create->partspec != nullptr;
  for (size_t i = 0; i < create->n_table_elts; ++i) {
    const PgNode* e = create->table_elts[i];
    if (e && e->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF && e->column_def->colname) {
      t.columns[e->column_def->colname] = Column{TypeFrom(e->column_def->type_name), gen_};
      for (size_t j = 0; j < e->column_def->n_constraints; ++j) {
        const PgNode* c = e->column_def->constraints[j];
        if (c && c->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
          AddReferences(table, c->constraint, e->column_def->colname);
          AddForeignKey(table, e->column_def->colname, c->constraint);
        }
      }
    } else if (e && e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
      AddReferences(table, e->constraint, "");
      AddForeignKey(table, "", e->constraint);
    }
  }
}

void SchemaState::ApplyAlterTable(const PgQuery__AlterTableStmt* alter) {
  std::string table = RelationName(alter->relation);
  for (size_t i = 0; i < alter->n_cmds; ++i) {
    const PgNode* n = alter->cmds[i];
    if (!n || n->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) continue;
    const PgQuery__AlterTableCmd* cmd = n->alter_table_cmd;
    switch (cmd->subtype) {
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
        if (cmd->def && cmd->def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF && cmd->def->column_def->colname) {
          const PgQuery__ColumnDef* def = cmd->def->column_def;
          AddColumn(table, def->colname, TypeFrom(def->type_name));
          for (size_t j = 0; j < def->n_constraints; ++j) {
            const PgNode* c = def->constraints[j];
            if (c && c->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
              AddReferences(table, c->constraint, def->colname);
              AddForeignKey(table, def->colname, c->constraint);
            }
          }
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
        if (cmd->def && cmd->def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
          ApplyAddConstraint(table, cmd->def->constraint);
          AddForeignKey(table, "", cmd->def->constraint);
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint: {
        auto it = tables_.find(table);
        if (it != tables_.end() && cmd->name) {
          it->second.foreign_keys.erase(cmd->name);
          it->second.not_valid.erase(cmd->name);
        }
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint: {
        auto it = tables_.find(table);
        if (it == tables_.end() || !cmd->name) break;
        it->second.not_valid.erase(cmd->name);
        auto check = it->second.not_valid_checks.find(cmd->name);
        if (check != it->second.not_valid_checks.end()) it->second.not_null_checked.push_back(check->second);
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn: {
        auto it = tables_.find(table);
        if (it != tables_.end() && cmd->name) it->second.columns.erase(cmd->name);
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType: {
        auto it = tables_.find(table);
        if (it == tables_.end() || !cmd->name || !cmd->def || cmd->def->node_case != PG_QUERY__NODE__NODE_COLUMN_DEF) {
          break;
        }
        auto col = it->second.columns.find(cmd->name);
        ColumnType type = TypeFrom(cmd->def->column_def->type_name);
        if (col != it->second.columns.end()) {
          col->second.type = std::move(type);
        } else {
          it->second.columns[cmd->name] = Column{std::move(type), kExisting};
        }
        break;
      }
      default:
        break;
    }
  }
}

void SchemaState::ApplyAddConstraint(const std::string& table, const PgQuery__Constraint* c) {
  AddReferences(table, c, "");
  if (c->skip_validation && c->conname && c->conname[0]) {
    auto it = tables_.find(table);
    if (it == tables_.end()) it = tables_.emplace(table, Table{kExisting, {}, {}, {}}).first;
    it->second.not_valid[c->conname] = gen_;
  }
  std::string column = NotNullCheckColumn(c);
  if (column.empty()) return;
  auto it = tables_.find(table);
  if (it == tables_.end()) it = tables_.emplace(table, Table{kExisting, {}, {}, {}}).first;
  if (c->skip_validation) {
    if (c->conname && c->conname[0]) it->second.not_valid_checks[c->conname] = column;
  } else {
    it->second.not_null_checked.push_back(column);
  }
}

bool SchemaState::IsNewNotValidConstraint(std::string_view table, std::string_view constraint) const {
  auto it = tables_.find(std::string(table));
  if (it == tables_.end()) return false;
  auto c = it->second.not_valid.find(std::string(constraint));
  return c != it->second.not_valid.end() && c->second == gen_;
}

bool SchemaState::HasNotNullCheck(std::string_view table, std::string_view column) const {
  auto it = tables_.find(std::string(table));
  if (it == tables_.end()) return false;
  for (const auto& c : it->second.not_null_checked) {
    if (c == column) return true;
  }
  return false;
}

void SchemaState::ApplyRename(const PgQuery__RenameStmt* rename) {
  if (!rename->newname) return;
  std::string table = RelationName(rename->relation);
  if (rename->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
    auto it = tables_.find(table);
    Table moved = it != tables_.end() ? std::move(it->second) : Table{kExisting, {}, {}, {}};
    if (it != tables_.end()) tables_.erase(it);
    std::string schema = table.find('.') == std::string::npos ? "" : table.substr(0, table.find('.') + 1);
    std::string new_name = schema + rename->newname;
    for (auto& [name, index] : indexes_) {
      if (index.table == table) index.table = new_name;
    }
    // A renamed table keeps its foreign keys, and those that reference it
    // follow it (PostgreSQL by OID; SQLite rewrites the REFERENCES text).
    for (auto& r : references_) {
      if (SameName(r.table, table)) r.table = new_name;
      if (SameName(r.parent, table)) r.parent = new_name;
    }
    tables_[new_name] = std::move(moved);
  } else if (rename->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN && rename->subname) {
    auto it = tables_.find(table);
    if (it == tables_.end()) return;
    auto col = it->second.columns.find(rename->subname);
    if (col == it->second.columns.end()) return;
    Column c = std::move(col->second);
    it->second.columns.erase(col);
    it->second.columns[rename->newname] = std::move(c);
  } else if (rename->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX && rename->relation) {
    auto it = indexes_.find(table);
    if (it == indexes_.end()) return;
    Index moved = std::move(it->second);
    indexes_.erase(it);
    indexes_[rename->newname] = std::move(moved);
  }
}

void SchemaState::ApplyDrop(const PgQuery__DropStmt* drop) {
  for (size_t i = 0; i < drop->n_objects; ++i) {
    const PgNode* o = drop->objects[i];
    if (!o || o->node_case != PG_QUERY__NODE__NODE_LIST) continue;
    std::string name = QualifiedName(o->list->items, o->list->n_items);
    if (drop->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
      tables_.erase(name);
      for (auto it = indexes_.begin(); it != indexes_.end();) {
        it = it->second.table == name ? indexes_.erase(it) : std::next(it);
      }
      // Its own foreign keys go with it; those that reference it stay in
      // SQLite (a rebuild renames the new table into their place), and go
      // with CASCADE in PostgreSQL.
      bool cascade = drop->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
      std::erase_if(references_, [&](const ForeignKeyReference& r) {
        return SameName(r.table, name) || (cascade && SameName(r.parent, name));
      });
    } else if (drop->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) {
      indexes_.erase(name);
    }
  }
}

bool SchemaState::IsNewTable(std::string_view table) const {
  auto it = tables_.find(std::string(table));
  return it != tables_.end() && it->second.gen == gen_;
}

bool SchemaState::IsNewColumn(std::string_view table, std::string_view column) const {
  auto it = tables_.find(std::string(table));
  if (it == tables_.end()) return false;
  if (it->second.gen == gen_) return true;
  auto col = it->second.columns.find(std::string(column));
  return col != it->second.columns.end() && col->second.gen == gen_;
}

std::optional<ColumnType> SchemaState::TypeOf(std::string_view table, std::string_view column) const {
  auto it = tables_.find(std::string(table));
  if (it == tables_.end()) return std::nullopt;
  auto col = it->second.columns.find(std::string(column));
  if (col == it->second.columns.end()) return std::nullopt;
  return col->second.type;
}

std::string SchemaState::TableOfIndex(std::string_view index) const {
  auto it = indexes_.find(std::string(index));
  return it == indexes_.end() ? "" : it->second.table;
}

bool SchemaState::IsNewIndex(std::string_view index) const {
  auto it = indexes_.find(std::string(index));
  return it != indexes_.end() && (it->second.gen == gen_ || IsNewTable(it->second.table));
}

std::string SchemaState::ReferencedBy(std::string_view table, std::string_view constraint) const {
  auto it = tables_.find(std::string(table));
  if (it == tables_.end()) return "";
  auto fk = it->second.foreign_keys.find(std::string(constraint));
  return fk == it->second.foreign_keys.end() ? "" : fk->second;
}

std::vector<std::string> SchemaState::References(std::string_view table) const {
  std::vector<std::string> out;
  auto it = tables_.find(std::string(table));
  if (it == tables_.end()) return out;
  for (const auto& [name, referenced] : it->second.foreign_keys) {
    if (std::find(out.begin(), out.end(), referenced) == out.end()) out.push_back(referenced);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string SchemaState::PartitionParentOf(std::string_view table) const {
  auto it = tables_.find(std::string(table));
  return it == tables_.end() ? "" : it->second.partition_of;
}

bool SchemaState::IsPartitioned(std::string_view table) const {
  auto it = tables_.find(std::string(table));
  return it != tables_.end() && it->second.partitioned;
}

bool SchemaState::DomainHasChecks(std::string_view type) const {
  auto it = domains_.find(std::string(type));
  return it != domains_.end() && it->second;
}

std::vector<std::string> SchemaState::TablesUsingType(std::string_view type) const {
  std::vector<std::string> out;
  for (const auto& [name, table] : tables_) {
    for (const auto& [column, c] : table.columns) {
      if (c.type.name == type) {
        out.push_back(name);
        break;
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool SchemaState::IsView(std::string_view name) const { return views_.count(std::string(name)) > 0; }

std::string SchemaState::TableOfStatistics(std::string_view name) const {
  auto it = statistics_.find(std::string(name));
  return it == statistics_.end() ? "" : it->second;
}

std::optional<double> SchemaState::EstimatedRows(std::string_view table) const {
  if (stats_ == nullptr || IsNewTable(table)) return std::nullopt;
  return stats_->EstimatedRows(table);
}

}  // namespace strata::sql
