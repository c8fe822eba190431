// The inner workings of InspectPostgres (postgres_inspect.h), shared by its
// files: postgres_inspect.cc (tables, columns, constraints, sequences, and
// the entry point), postgres_inspect_views.cc (views, indexes),
// postgres_inspect_objects.cc (schemas,
// extensions, enums, domains, routines, triggers, comments) and
// postgres_inspect_depends.cc (what routines, tables, domains, indexes and
// views depend on, from pg_depend), postgres_inspect_security.cc (policies,
// collations, composite types), postgres_inspect_uncovered.cc (what the model
// does not hold, by name). Not for use outside these files.
//
// An Inspector borrows the connection and the exclusion list for one
// inspection and fills `out`; the methods run in the order InspectPostgres
// gives (later ones attach to objects earlier ones read, by oid). Not
// thread-safe; one per call.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "driver/connection.h"
#include "schema/model.h"

namespace strata::driver::pg_inspect {

// Every catalog query filters namespaces the same way: the system ones are
// PostgreSQL's, not the application's.
inline constexpr const char* kUserNamespace =
    "n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'";

// Objects that belong to an extension come and go with CREATE EXTENSION; they
// are not the application's. `cls` is the catalog ("pg_proc"), `oid` the
// object's oid expression.
std::string NotInExtension(const char* cls, const char* oid);

// Lists come back as one text value joined by \x01, a byte no identifier or
// enum label contains in practice, which keeps each query one round trip
// without parsing PostgreSQL array literals.
inline constexpr char kSep = '\x01';

std::string Text(const Row& row, size_t i);
bool Bool(const Row& row, size_t i);
int64_t Int(const Row& row, size_t i);
bool IsNull(const Row& row, size_t i);
std::vector<std::string> SplitList(const Row& row, size_t i);
std::string Lower(std::string s);
// Folds runs of whitespace outside quotes to one blank and trims.
std::string FoldWhitespace(std::string_view text);
// pg_get_functiondef ends with a newline and, for some bodies, a ';'.
std::string TrimDefinition(std::string text);
std::string Qualified(const std::string& nsp, const std::string& name);

struct Inspector {
  Connection& conn;
  const std::vector<std::string>& exclude;
  schema::Schema out = {};
  // pg_class / pg_type oid -> index in the matching list of `out`.
  std::map<std::string, size_t> table_by_oid = {};
  std::map<std::string, size_t> view_by_oid = {};
  std::map<std::string, size_t> index_by_oid = {};
  std::map<std::string, size_t> domain_by_oid = {};
  std::vector<std::string> excluded_schemas = {};  // schemas of the tables left out
  std::map<size_t, std::string> parent_oid = {};   // partition's index in out.tables -> parent's oid

  Result<Rows> Q(const std::string& sql);
  bool Excluded(const std::string& table) const;
  schema::Table* TableOf(const Row& row, size_t i);
  // Whether column `i` is the oid of a table or view that was read.
  bool TableOrViewRead(const Row& row, size_t i);

  // postgres_inspect.cc
  Status Tables();
  Status Columns();
  void KeepOwnPartitionColumns();
  Status Constraints();
  Status Sequences();

  // postgres_inspect_views.cc
  Status Views();
  Status Indexes();

  // postgres_inspect_objects.cc
  Status Schemas();
  Status Extensions();
  Status Enums();
  Status Domains();
  Status Routines();
  Status Triggers();
  Status Comments();
  void DropBookkeepingSchemas();

  // postgres_inspect_security.cc
  Status Policies();
  Status Collations();
  Status Composites();

  // postgres_inspect_uncovered.cc: Schema::not_compared.
  Status Uncovered();

  // postgres_inspect_depends.cc: the `calls` of tables, domains, indexes and
  // views, after all of those are read.
  Status Calls();
};

// A scalar subquery, for a query over pg_proc `p`: that routine's
// Routine::depends_on as one kSep-joined text value (NULL when empty).
std::string RoutineDependsOnSql();

}  // namespace strata::driver::pg_inspect
