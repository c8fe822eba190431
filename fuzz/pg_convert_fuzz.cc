// libFuzzer target: sql/pg_convert must build, for any input, the tree that
// libpg_query's own protobuf output has (same bytes when packed), or the
// same syntax error at the same place; and never crash. Built and run by
// fuzz/run (clang, AddressSanitizer).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "sql/pg_convert_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string sql(reinterpret_cast<const char*>(data), size);
  if (sql.find('\0') != std::string::npos) return 0;  // both take C strings
  std::string difference = strata::sql::pg_convert_check::DifferenceFromLibpgQuery(sql);
  if (!difference.empty()) {
    std::fprintf(stderr, "pg_convert differs from libpg_query: %s\n", difference.c_str());
    std::abort();
  }
  return 0;
}
