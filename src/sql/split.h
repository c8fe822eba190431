// sql::Split: a script -> its statements, with byte offsets, for the engine
// that will run it. Comments and whitespace between statements are not part
// of any statement. Uses the engines' own scanners: sqlite3_complete for
// SQLite, libpg_query's scanner for PostgreSQL (dollar quotes, E'' strings,
// nested comments).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
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
// text (unterminated quote, ...), with the line, and in both dialects when
// the script holds a NUL byte (the engines would stop reading there).
Result<std::vector<Statement>> Split(std::string_view script, Dialect dialect);

// Split, one statement at a time, for scripts of any size: the script is
// scanned in windows of about `window` bytes that start at statement
// boundaries, so memory stays bounded by the window whatever the script's
// size (a 100 MB data migration is 1.7 million statements). `each` returns
// false to stop. Statements arrive in order with offsets into `script`.
// PostgreSQL scripts with "atomic" in them (BEGIN ATOMIC bodies need the
// parser, which needs whole statements) are split whole, as Split does.
// kParse as Split, located in the whole script. PostgreSQL's scanner holds
// about 5 bytes per byte of a window, so 64 KiB keeps that under half a
// megabyte; a statement longer than the window doubles it as often as needed.
Status ForEachStatement(std::string_view script, Dialect dialect,
                        const std::function<bool(const Statement&)>& each, size_t window = 64 * 1024);

// While one is alive on this thread, ForEachStatement remembers the
// statements of each script it was allowed to remember (Allow) once it has
// split it in full, and replays them when asked about the same script again
// (same address, length and dialect) instead of scanning it again. `plan` and
// `up` look at each pending script three or four times (transaction control,
// lint, the lock analysis): for a data migration of 100 MB each scan is a
// second. Only allowed scripts, because a freed buffer's address can come
// back holding other text: the caller allows the text it keeps unchanged for
// the memo's whole life (in strata: the migration files' text, read once per
// command). Nested memos: the innermost is used. Costs 24 bytes per
// remembered statement.
class StatementMemo {
 public:
  StatementMemo();
  ~StatementMemo();
  StatementMemo(const StatementMemo&) = delete;
  StatementMemo& operator=(const StatementMemo&) = delete;

  // REQUIRES: `script` stays as it is, at this address, until the memo is
  // destroyed. Scripts under 64 KiB are not remembered (splitting them again
  // costs nothing worth the memory).
  void Allow(std::string_view script);

  // A remembered statement: its place in the script, in 8 bytes where a
  // Statement takes 24 (a 100 MB data migration has 800,000 of them).
  struct Span {
    uint32_t offset;
    uint32_t size;
  };
  // For ForEachStatement: the remembered statements of `script`, or null;
  // whether it may be remembered (under 4 GiB); and remembering a full split.
  const std::vector<Span>* Find(std::string_view script, Dialect dialect) const;
  bool Allowed(std::string_view script) const;
  void Remember(std::string_view script, Dialect dialect, std::vector<Span> statements);
  static StatementMemo* Active();

 private:
  struct Entry {
    const char* data;
    size_t size;
    Dialect dialect;
    std::vector<Span> statements;
  };
  std::vector<std::string_view> allowed_;
  std::vector<Entry> entries_;
  StatementMemo* previous_;
};

// 1-based line and column of byte `offset` in `text`; columns count UTF-8
// characters.
struct LineCol {
  int line = 1;
  int column = 1;
};
LineCol LocateOffset(std::string_view text, size_t offset);

// LocateOffset for increasing offsets in one text, in a single pass over it:
// LocateOffset per statement is quadratic in a file of many statements. A
// smaller offset than the last starts again from the top.
class LineTracker {
 public:
  explicit LineTracker(std::string_view text) : text_(text) {}
  LineCol At(size_t offset);

 private:
  std::string_view text_;
  size_t pos_ = 0;
  LineCol at_;
};

}  // namespace strata::sql
