// The PostgreSQL schema oracle for tests: `pg_dump --schema-only` of a
// database, normalised so that two databases holding the same schema give the
// same text however they got there (loaded from a file, or migrated by a
// diff). Tests judge a migration by it instead of by strata's own inspector,
// which cannot see what it does not model.
//
// pg_dump is the one next to the test server's binaries (tests/support/
// pg_server writes their folder to <test-pg>/bindir), so client and server
// versions match; $STRATA_TEST_PG_DUMP names another binary; with neither,
// `pg_dump` on PATH.
//
// NormalizePgDump, exactly (each rule and why):
//   - the dump's own comment blocks are dropped: the header and footer
//     ("PostgreSQL database dump", "Dumped from/by ... version") and every
//     entry's table-of-contents block ("--" / "-- Name: x; Type: TABLE;
//     Schema: public; Owner: o" / "--"). They restate what the statement
//     says, plus versions that differ between servers; comment lines inside
//     an entry (a function body) are kept.
//   - `\restrict KEY` / `\unrestrict KEY` are dropped (pg_dump 15.14+ writes a
//     random key each run).
//   - session settings are dropped: the preamble's SET lines and
//     `SELECT pg_catalog.set_config('search_path', '', false);`, and the
//     `SET default_tablespace = '';` / `SET default_table_access_method =
//     heap;` lines pg_dump puts between entries where the setting changes
//     (so their position depends on entry order). The same lines with any
//     other value (a table in its own tablespace or access method) are kept,
//     each as an entry of its own: their presence counts, their place not.
//   - entry order is dropped: the entries are sorted. pg_dump orders entries
//     by kind, then name, then object id, so the same schema built in another
//     order comes out in another order.
//   - column order is ignored: the element lines of a CREATE TABLE (columns
//     and inline constraints, one per line) are sorted, without their
//     trailing commas. PostgreSQL can only append a column (ADD COLUMN), so a
//     migrated table legitimately has its columns in another order than the
//     same table created in one statement. The attribute order of a composite
//     type (CREATE TYPE ... AS) is kept: it is the type's definition.
//   - blank lines are dropped, trailing blanks trimmed.
// Nothing else is changed: names, owners, privileges, options, defaults,
// bodies all count.
//
// Functions are thread-safe (each dump is its own child process).
#pragma once

#include <string>
#include <vector>

#include <strata/result.h>

namespace strata::testing {

// The pg_dump binary the tests use (see above).
std::string PgDumpBinary();

// `pg_dump --schema-only` of the database at `url` (a postgres:// URL of
// the test server), normalised. kDatabase with pg_dump's stderr on failure.
Result<std::string> PgDumpSchema(const std::string& url);

// Both at once (two pg_dump processes in parallel): what a corpus case needs
// before and after a migration, in half the wall time.
std::vector<Result<std::string>> PgDumpSchemas(const std::vector<std::string>& urls);

// The normalisation above, on pg_dump's text.
std::string NormalizePgDump(const std::string& dump);

// For failure messages: the entries of `want` missing from `got` ("- ")
// and those of `got` not in `want` ("+ "), each entry once.
std::string PgDumpDifference(const std::string& want, const std::string& got);

}  // namespace strata::testing
