// sql::Split: a script -> its statements, with byte offsets, for the engine
// that will run it. Comments and whitespace between statements are not part
// of any statement. Uses the engines' own scanners: sqlite3_complete for
// SQLite, libpg_query's scanner for PostgreSQL (dollar quotes, E'' strings,
// nested comments).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <strata/result.h>

namespace strata::sql {

enum class Dialect { kSqlite, kPostgres };

struct Statement {
  size_t offset = 0;     // byte offset of the first character in the script
  std::string_view text; // the statement, without the trailing ';'
};

// The statements of `script`. kParse when the PostgreSQL scanner rejects the
// text (unterminated quote, ...), with the line.
Result<std::vector<Statement>> Split(std::string_view script, Dialect dialect);

// 1-based line and column of byte `offset` in `text`; columns count UTF-8
// characters.
struct LineCol {
  int line = 1;
  int column = 1;
};
LineCol LocateOffset(std::string_view text, size_t offset);

}  // namespace strata::sql
