#include "testing/schema_corpus.h"

#include <gtest/gtest.h>

namespace strata::testing {

const std::vector<std::string>& TrackingTables() {
  static const std::vector<std::string> kTables = {"strata_migrations", "strata_events", "strata_lock"};
  return kTables;
}

void PrintTo(const SchemaCase& c, std::ostream* os) { *os << c.name; }

const schema::Table& TableAt(const schema::Schema& s, size_t i) {
  static const schema::Table kNone;
  return i < s.tables.size() ? s.tables[i] : kNone;
}

const schema::Column& ColumnAt(const schema::Schema& s, size_t col, size_t table) {
  static const schema::Column kNone;
  const schema::Table& t = TableAt(s, table);
  return col < t.columns.size() ? t.columns[col] : kNone;
}

void ExpectRoundTrip(const SchemaCase& c, const LoadAndInspectFn& load, const RenderFn& render) {
  auto first = load(c.sql);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  std::string rendered = render(*first);
  auto second = load(rendered);
  ASSERT_TRUE(second.ok()) << second.status().ToString() << "\nrendered:\n" << rendered;
  EXPECT_EQ(rendered, render(*second));
  EXPECT_TRUE(*first == *second) << "models differ; first renders as:\n" << rendered;
  c.check(*first);
}

}  // namespace strata::testing
