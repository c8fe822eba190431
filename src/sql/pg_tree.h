// sql::ParsedScript: libpg_query's parse tree of one script, as the
// protobuf-c structs of pg_query/pg_query.pb-c.h, plus small accessors that
// the lock table, the schema state and the lint rules share. Internal to
// src/sql: nothing outside this folder sees a PgQuery__ type.
//
// Why these structs: they are libpg_query's public, documented form of the
// tree, stable across its releases, and plain C structs to walk. They are
// built straight from the parser's own nodes (sql/pg_convert.h), with no
// JSON or protobuf bytes produced and read again, so linting stays within
// the cost of a bare parse (bench/lint_bench.cc).
//
// The tree lives in an arena owned by the ParsedScript (one bump allocator
// instead of a malloc per node, and no walk of the tree to free it).
//
// A ParsedScript owns its tree; pointers into it live as long as it does.
// Not thread-safe to share while being destroyed; otherwise read-only.
#pragma once

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <strata/result.h>

namespace strata::sql {

using PgNode = PgQuery__Node;

// One top-level statement: the node, and where its text starts (after
// leading whitespace and comments) and ends in the script, in bytes.
struct ParsedStatement {
  const PgNode* node = nullptr;
  size_t offset = 0;
  size_t length = 0;
};

class ParsedScript {
 public:
  // Parses all of `script` with libpg_query. kParse with the line and column
  // of the error when the text is not valid PostgreSQL.
  static Result<std::unique_ptr<ParsedScript>> Parse(std::string_view script);

  ~ParsedScript();
  ParsedScript(const ParsedScript&) = delete;
  ParsedScript& operator=(const ParsedScript&) = delete;

  const std::vector<ParsedStatement>& statements() const { return statements_; }

  // Bump allocator for protobuf-c: blocks are freed together with the
  // script, individual frees are no-ops.
  class Arena {
   public:
    void* Alloc(size_t size);
    void Reserve(size_t size) { min_block_ = size; }

   private:
    std::vector<std::unique_ptr<unsigned char[]>> blocks_;
    unsigned char* next_ = nullptr;
    size_t left_ = 0;
    size_t min_block_ = 16 * 1024;
  };

 private:
  ParsedScript() = default;
  Arena arena_;
  std::vector<ParsedStatement> statements_;
};

// Index just past whitespace and comments (--, nested /* */) from `from`.
size_t SkipSpaceAndComments(std::string_view text, size_t from);

// Accessors that tolerate null and the wrong node kind.
std::string_view StringValue(const PgNode* node);  // a String node's text, else ""
// "schema.name" or "name" (the parser has already folded unquoted names).
std::string RelationName(const PgQuery__RangeVar* rv);
// The last name of a dotted name list (DROP TABLE a.b -> "b", with schema
// when present -> "a.b").
std::string QualifiedName(PgNode* const* names, size_t n);
// A type's name without pg_catalog ("int4", "varchar", "timestamp").
std::string TypeNameOf(const PgQuery__TypeName* type);
// The single integer type modifier of varchar(n), numeric(p), ... or nullopt.
std::vector<int> TypeModifiers(const PgQuery__TypeName* type);

// True when a DefElem list (VACUUM, REINDEX, CLUSTER options) sets `name`
// ("full", "concurrently") to anything but false/off/0.
bool HasOption(PgNode* const* options, size_t n, std::string_view name);

// True when `expr`, as a column default, forces ADD COLUMN to rewrite the
// table: it calls, anywhere inside it, a function not known to be immutable
// or stable (random(), gen_random_uuid(), clock_timestamp(), nextval(), the
// application's own functions). now(), CURRENT_TIMESTAMP, constants and
// casts of constants are not volatile.
bool IsVolatileDefault(const PgNode* expr);

}  // namespace strata::sql
