// InspectPostgres: reads the schema of a live PostgreSQL database into a
// schema::Schema, in canonical order.
//
// Covers every schema except pg_*, information_schema (and lists schemas
// other than public in Schema::schemas): extensions, enum types, domains,
// sequences not owned by an identity or serial column, ordinary and
// partitioned tables and partitions (columns with format_type types, NOT
// NULL, defaults, non-default collations, identity, stored generated columns;
// primary key, unique, check, exclusion and foreign-key constraints), indexes
// that do not back a constraint (as pg_get_indexdef text), views and
// materialized views, functions and procedures, non-internal triggers, and
// comments on all of these. A serial column (a sequence it owns, used by its
// nextval default) is reported as serial/bigserial/smallserial without the
// default. Objects that belong to an extension are left out. From pg_depend:
// what each routine needs to exist (Routine::depends_on) and which routines
// the tables, domains, indexes and views call (their `calls`), so that
// renderers can order them.
//
// Partitions carry only what PARTITION OF does not give them back: columns
// whose NOT NULL or default differ from the parent's, constraints that are
// not clones of the parent's (conparentid) or inherited checks, indexes not
// attached to a parent index, triggers not cloned (tgparentid). A
// partitioned table's index is reported without ON ONLY. Not read:
// inheritance, composite types, aggregates and window functions, privileges,
// trigger enable state.
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
