// SQLite's lexical rules, for the text SQLite keeps in sqlite_schema: '...'
// strings, "..." [...] and `...` identifiers, X'..' blobs, -- and /* */
// comments. Used by the inspector's parser of CREATE TABLE / CREATE INDEX
// (driver/sqlite/sqlite_ddl.h) and by the SQLite diff, which must not take
// two spellings of one definition for a change. The tokenizer never fails:
// unterminated quotes or comments end at the end of the text.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace strata::schema::sqlite_lexer {

struct Token {
  enum class Kind { kWord, kQuotedIdent, kString, kNumber, kPunct };
  Kind kind = Kind::kPunct;
  std::string_view text;   // as written, quotes included
  std::string value;       // identifiers and '...' strings unquoted; otherwise == text
  size_t begin = 0;        // byte offsets into the tokenized text
  size_t end = 0;
  // A bare (unquoted) word equal to `keyword`, ignoring case.
  bool Is(std::string_view keyword) const;
  bool IsPunct(char c) const { return kind == Kind::kPunct && text.size() == 1 && text[0] == c; }
};

std::vector<Token> Tokenize(std::string_view sql);

// What SQLite makes of `sql` as a key: two texts with the same key differ
// only in spelling that SQLite ignores: blanks and comments between tokens,
// the case of keywords and names (ASCII), and quotes around a name. String
// literals and numbers are kept as written ('a' and 'A', 1.0 and 1 differ).
// "varchar ( 10 )" and "VARCHAR(10)" have one key; so do "x>0" and "X > 0".
std::string ComparisonKey(std::string_view sql);

}  // namespace strata::schema::sqlite_lexer
