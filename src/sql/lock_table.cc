#include "sql/lock_table.h"

#include <algorithm>
#include <cctype>

#include <protobuf-c/protobuf-c.h>

#include "sql/lock_rows.h"

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

void Add(std::vector<std::string>* names, const std::string& name) {
  if (!name.empty() && std::find(names->begin(), names->end(), name) == names->end()) names->push_back(name);
}

}  // namespace

// Every lock comes from a row of the lock table (lock_rows_data.inc): the
// row's mode per target, on the relations ClassifyLocks named for it.
std::vector<RelationLock> LocksOf(const PgNode* stmt, const SchemaState& state) {
  StatementInfo info;
  DescribeLocks(stmt, state, &info);
  return info.locks;
}

void DescribeLocks(const PgNode* stmt, const SchemaState& state, StatementInfo* info) {
  for (const LockForm& f : ClassifyLocks(stmt, state)) {
    Add(&info->forms, std::string(f.row->id));
    for (const RowLock& l : f.row->locks) {
      if (l.mode == LockMode::kNone) continue;
      for (const auto& [target, relation] : f.relations) {
        if (target == l.target) Take(&info->locks, relation, l.mode);
      }
    }
    // What a row rewrites is the table it names; what it scans, that table
    // and the tables it reads or checks (a foreign key's referenced table,
    // a domain's tables), or only the partition ATTACH PARTITION checks.
    bool partition = std::any_of(f.relations.begin(), f.relations.end(),
                                 [](const auto& r) { return r.first == LockTarget::kPartition; });
    for (const auto& [target, relation] : f.relations) {
      if (f.row->rewrite && target == LockTarget::kTable) Add(&info->rewrites, relation);
      bool scanned = partition ? target == LockTarget::kPartition
                               : target != LockTarget::kParent && target != LockTarget::kIndex;
      if (f.row->scan && scanned) Add(&info->scans, relation);
    }
  }
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
