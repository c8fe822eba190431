// InspectPostgres: reads the schema of a live PostgreSQL database into a
// schema::Schema, in canonical order.
//
// Covers every schema except pg_*, information_schema (and lists schemas
// other than public in Schema::schemas): enum types, sequences not owned by an
// identity or serial column, ordinary tables (columns with format_type types,
// NOT NULL, defaults, non-default collations, identity, stored generated
// columns; primary key, unique, check and foreign-key constraints), indexes
// that do not back a constraint (as pg_get_indexdef text), views and
// materialized views. A serial column (a sequence it owns, used by its
// nextval default) is reported as serial/bigserial/smallserial without the
// default. Not read: triggers and functions, partitions, inheritance,
// exclusion constraints, comments, privileges, extensions' own objects.
//
// The tables named in `exclude_tables` (compared ignoring case, in any
// schema) are left out with their indexes and owned sequences. Reads only,
// through Connection::Query; fails with kDatabase when a catalog query fails.
#pragma once

#include <string>
#include <vector>

#include "driver/connection.h"
#include "schema/model.h"

namespace strata::driver {

Result<schema::Schema> InspectPostgres(Connection& conn, const std::vector<std::string>& exclude_tables);

}  // namespace strata::driver
