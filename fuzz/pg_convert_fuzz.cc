// libFuzzer target: sql/pg_convert must build, for any input, the tree that
// libpg_query's own protobuf output has (same bytes when packed), or the
// same syntax error at the same place; and never crash. Built and run by
// fuzz/run (clang, AddressSanitizer).
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "sql/pg_convert.h"

namespace {

struct Arena {
  std::vector<void*> blocks;
  ~Arena() {
    for (void* b : blocks) free(b);
  }
};

void* ArenaAlloc(void* arena, size_t size) {
  void* p = malloc(size != 0 ? size : 1);
  static_cast<Arena*>(arena)->blocks.push_back(p);
  return p;
}

void ArenaFree(void*, void*) {}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string sql(reinterpret_cast<const char*>(data), size);
  if (sql.find('\0') != std::string::npos) return 0;  // both take C strings
  PgQueryProtobufParseResult theirs = pg_query_parse_protobuf(sql.c_str());
  Arena arena;
  ProtobufCAllocator allocator{ArenaAlloc, ArenaFree, &arena};
  StrataPgParse ours = strata_pg_parse(sql.c_str(), &allocator);
  if ((theirs.error == nullptr) != (ours.error == nullptr)) abort();
  if (ours.error != nullptr) {
    if (std::strcmp(ours.error->message, theirs.error->message) != 0) abort();
    if (ours.error->cursorpos != theirs.error->cursorpos) abort();
    strata_pg_free_error(ours.error);
  } else {
    PgQuery__ParseResult result = PG_QUERY__PARSE_RESULT__INIT;
    result.version = PG_VERSION_NUM;
    result.n_stmts = ours.n_stmts;
    result.stmts = ours.stmts;
    std::string packed(pg_query__parse_result__get_packed_size(&result), '\0');
    pg_query__parse_result__pack(&result, reinterpret_cast<uint8_t*>(&packed[0]));
    if (packed != std::string(theirs.parse_tree.data, theirs.parse_tree.len)) abort();
  }
  pg_query_free_protobuf_parse_result(theirs);
  return 0;
}
