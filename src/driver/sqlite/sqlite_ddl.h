// A small tokenizer and parser for the CREATE TABLE / CREATE INDEX text that
// SQLite keeps in sqlite_schema: the parts of a definition the pragmas do not
// report (CHECK constraints, AUTOINCREMENT, collations, generated column
// expressions, deferrable foreign keys, WITHOUT ROWID, STRICT, index
// expressions and WHERE clauses).
//
// Tokens come from schema/sqlite_lexer.h. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <strata/result.h>

#include "schema/sqlite_lexer.h"

namespace strata::driver::sqlite_ddl {

using schema::sqlite_lexer::Token;
using schema::sqlite_lexer::Tokenize;

// `sql` with comments dropped, runs of whitespace folded to one blank, and
// no leading or trailing blanks or ';'. Text inside quotes is kept as is.
std::string Normalize(std::string_view sql);

struct ParsedColumn {
  std::string name;
  std::string collation;
  std::optional<std::string> generated_expr;
  bool autoincrement = false;
};

struct ParsedCheck {
  std::string name;
  std::string expr;  // normalized text inside CHECK ( ... )
};

struct ParsedForeignKey {
  std::string name;
  std::vector<std::string> columns;
  std::string ref_table;
  bool deferrable = false;
  bool initially_deferred = false;
};

struct ParsedTable {
  std::vector<ParsedColumn> columns;       // declared order
  std::vector<ParsedCheck> checks;         // column and table checks, declared order
  std::vector<ParsedForeignKey> foreign_keys;
  bool without_rowid = false;
  bool strict = false;
};

// kParse when the text has no column list.
Result<ParsedTable> ParseCreateTable(std::string_view sql);

struct ParsedIndex {
  std::vector<std::string> parts;  // each key part without COLLATE / ASC / DESC, normalized
  std::string where;               // normalized predicate; "" when none
};

// kParse when the text has no ON table ( ... ).
Result<ParsedIndex> ParseCreateIndex(std::string_view sql);

}  // namespace strata::driver::sqlite_ddl
