// strata_parse_file FILE: the bare parse of a migration file, the baseline
// of bench/large. Reads FILE, cuts it into chunks of whole statements of at
// most 256 KiB (strata's splitter, as lint does) and parses each chunk with
// libpg_query into strata's tree (sql::ParsedScript), then frees it: the
// work `strata lint` and `strata plan` cannot avoid. Prints the statement
// count; exit 1 on a parse error.
#include <malloc.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "sql/pg_tree.h"
#include "sql/split.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: strata_parse_file FILE\n";
    return 2;
  }
  // As strata's main() does (src/cli/main.cc), so that both sides pay the same.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::cerr << "cannot read " << argv[1] << "\n";
    return 2;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  constexpr size_t kChunk = 256 * 1024;
  size_t statements = 0, start = std::string::npos, end = 0;
  bool failed = false;
  auto flush = [&] {
    if (start == std::string::npos || failed) return;
    auto parsed = strata::sql::ParsedScript::Parse(std::string_view(text).substr(start, end - start));
    if (!parsed.ok()) {
      std::cerr << parsed.status().ToString() << "\n";
      failed = true;
    } else {
      statements += (*parsed)->statements().size();
    }
    start = std::string::npos;
  };
  strata::Status s = strata::sql::ForEachStatement(text, strata::sql::Dialect::kPostgres,
                                                   [&](const strata::sql::Statement& st) {
                                                     if (start == std::string::npos) start = st.offset;
                                                     end = st.offset + st.text.size();
                                                     if (end - start >= kChunk) flush();
                                                     return !failed;
                                                   });
  flush();
  if (!s.ok() || failed) return 1;
  std::printf("%zu statements\n", statements);
  return 0;
}
