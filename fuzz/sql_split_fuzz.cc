// libFuzzer target: the statement splitter (sql/split.h), SQLite
// (sqlite3_complete) and PostgreSQL (libpg_query's scanner, and its parser
// for BEGIN ATOMIC bodies), on every input.
//
// Beyond "no crash": each statement is a non-empty view into the script at
// its offset, statements do not overlap and come in order, and
// ForEachStatement (which splits in bounded windows, for large files) gives
// the same statements as Split over the whole script whenever Split succeeds;
// LineTracker agrees with LocateOffset.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "sql/split.h"

namespace {

using strata::sql::Dialect;
using strata::sql::Statement;

[[noreturn]] void Fail(const char* dialect, const std::string& what) {
  std::fprintf(stderr, "sql_split_fuzz (%s): %s\n", dialect, what.c_str());
  std::abort();
}

// A small window, so that window boundaries fall inside statements, quotes
// and bodies of the short inputs a fuzzer makes (the real one is 256 KiB).
constexpr size_t kWindow = 16;

void CheckDialect(std::string_view script, Dialect dialect) {
  const char* name = dialect == Dialect::kSqlite ? "sqlite" : "postgres";
  auto split = strata::sql::Split(script, dialect);
  std::vector<Statement> windowed;
  strata::Status each = strata::sql::ForEachStatement(
      script, dialect,
      [&](const Statement& s) {
        windowed.push_back(s);
        return true;
      },
      kWindow);
  if (!split.ok()) {
    if (split.status().message().empty()) Fail(name, "a failed split has no message");
    return;
  }
  size_t end = 0;
  strata::sql::LineTracker tracker(script);
  for (const Statement& s : *split) {
    if (s.text.empty()) Fail(name, "empty statement at " + std::to_string(s.offset));
    if (s.offset < end) Fail(name, "statements overlap or are out of order at " + std::to_string(s.offset));
    if (s.offset > script.size() || s.text.data() != script.data() + s.offset ||
        s.offset + s.text.size() > script.size()) {
      Fail(name, "statement text is not the script at its offset " + std::to_string(s.offset));
    }
    end = s.offset + s.text.size();
    auto a = strata::sql::LocateOffset(script, s.offset);
    auto b = tracker.At(s.offset);
    if (a.line != b.line || a.column != b.column) Fail(name, "LineTracker disagrees with LocateOffset");
  }
  if (!each.ok()) Fail(name, "Split succeeds but ForEachStatement fails: " + each.ToString());
  if (windowed.size() != split->size()) {
    Fail(name, "ForEachStatement gives " + std::to_string(windowed.size()) + " statements, Split " +
                   std::to_string(split->size()));
  }
  for (size_t i = 0; i < windowed.size(); ++i) {
    const Statement& w = windowed[i];
    const Statement& s = (*split)[i];
    if (w.offset != s.offset || w.text != s.text) {
      Fail(name, "statement " + std::to_string(i) + " differs: ForEachStatement [" + std::string(w.text) +
                     "] at " + std::to_string(w.offset) + ", Split [" + std::string(s.text) + "] at " +
                     std::to_string(s.offset));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view script(reinterpret_cast<const char*>(data), size);
  CheckDialect(script, Dialect::kSqlite);
  CheckDialect(script, Dialect::kPostgres);
  return 0;
}
