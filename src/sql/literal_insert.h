// IsLiteralInsert: whether a statement is a plain `INSERT INTO t [(cols)]
// VALUES (...), ...` of literals only, the shape of seed data and of most of
// a large data migration's statements.
//
// Such a statement changes no schema, takes only ROW EXCLUSIVE on its table
// and fires no lint rule, so lint and plan can skip its full parse (the cost
// of a 100 MB data migration). The scanner is strict: it accepts only text
// that PostgreSQL's grammar (and SQLite's) parses as that statement, and says
// false for anything else, which then takes the full parse as before:
//   - names: plain identifiers (not a reserved keyword) or "quoted" ones,
//     optionally schema-qualified;
//   - values: numbers (no underscores), '...' strings ('' inside), NULL,
//     TRUE, FALSE, each optionally negative (numbers); no casts, functions,
//     DEFAULT, E'' / $$ strings, ON CONFLICT or RETURNING;
//   - comments (-- and non-nested /* */) and whitespace between tokens.
// `table` (if not null) receives the table as PostgreSQL names it: unquoted
// names folded to lower case, quoted ones as written without the quotes,
// "schema.table" when qualified.
#pragma once

#include <string>
#include <string_view>

namespace strata::sql {

bool IsLiteralInsert(std::string_view statement, std::string* table = nullptr);

// Whether `word` (any case) is a PostgreSQL reserved keyword (reserved, or
// reserved but usable as a function or type name), which cannot name a table
// or column unquoted.
bool IsReservedKeyword(std::string_view word);

}  // namespace strata::sql
