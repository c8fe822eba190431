// Shared pieces of the schema round-trip corpora (one per dialect, in
// src/driver/<dialect>/*_inspect_test.cc): a case, field accessors that never
// go out of range, and the round trip itself.
//
// Round trip: load the case's SQL, inspect, render, load the rendered SQL into
// a fresh database, inspect again. The two models must be equal and render to
// the same text; then the case's own checks run on the first model.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "schema/model.h"
#include <strata/result.h>

namespace strata::testing {

// strata's own tables, which inspection must leave out.
const std::vector<std::string>& TrackingTables();

struct SchemaCase {
  const char* name;
  const char* sql;
  std::function<void(const schema::Schema&)> check;
};
// gtest prints a case by its name.
void PrintTo(const SchemaCase& c, std::ostream* os);

// Table i / column `col` of table `table`, or an empty one (so that a failed
// expectation does not crash the test).
const schema::Table& TableAt(const schema::Schema& s, size_t i = 0);
const schema::Column& ColumnAt(const schema::Schema& s, size_t col, size_t table = 0);

using LoadAndInspectFn = std::function<Result<schema::Schema>(const std::string& sql)>;
using RenderFn = std::function<std::string(const schema::Schema&)>;

// Runs the round trip above with gtest expectations.
void ExpectRoundTrip(const SchemaCase& c, const LoadAndInspectFn& load, const RenderFn& render);

}  // namespace strata::testing
