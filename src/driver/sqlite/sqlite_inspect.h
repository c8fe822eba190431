// InspectSqlite: reads the schema of a live SQLite database ("main") into a
// schema::Schema, in canonical order.
//
// Sources: sqlite_schema for the object list and the stored CREATE text; the
// pragmas table_xinfo, index_list, index_xinfo and foreign_key_list for what
// they report; sqlite_ddl for what they do not (see sqlite_ddl.h). Skips
// sqlite_* internal objects, virtual tables, and the tables named in
// `exclude_tables` (compared ignoring case) with their indexes and triggers.
//
// Reads only, through Connection::Query, so it works on any connection to a
// SQLite database. Fails with kDatabase when a query fails and kParse when a
// stored definition cannot be read.
#pragma once

#include <string>
#include <vector>

#include "driver/connection.h"
#include "schema/model.h"

namespace strata::driver {

Result<schema::Schema> InspectSqlite(Connection& conn, const std::vector<std::string>& exclude_tables);

}  // namespace strata::driver
