// The lock table's rows (lock_rows.h): one test per row that its example,
// read after the trace fixture, classifies as that row and gets that row's
// locks on the relations it names; and that no ALTER TABLE subcommand the
// grammar produces is without a row. (Whether PostgreSQL agrees with each
// row is tests/integration/lock_trace_test.cc.)
#include "sql/lock_rows.h"

#include <gtest/gtest.h>

#include <protobuf-c/protobuf-c.h>

#include <set>
#include <string>

#include "sql/lock_table.h"

namespace strata::sql {
namespace {

// The fixture, applied as an earlier migration.
const SchemaState& FixtureState() {
  static SchemaState* state = [] {
    auto* s = new SchemaState();
    auto parsed = ParsedScript::Parse(LockTraceFixture());
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
    if (parsed.ok()) {
      for (const auto& st : (*parsed)->statements()) s->Apply(st.node);
    }
    s->BeginMigration();
    return s;
  }();
  return *state;
}

class LockRowTest : public ::testing::TestWithParam<LockRow> {};

TEST_P(LockRowTest, ExampleClassifiesAsTheRowWithItsLocks) {
  const LockRow& row = GetParam();
  if (row.example.empty()) {
    EXPECT_FALSE(row.untraced.empty()) << row.id << ": a row without an example must say why";
    return;
  }
  auto parsed = ParsedScript::Parse(row.example);
  ASSERT_TRUE(parsed.ok()) << row.id << ": " << parsed.status().ToString();
  ASSERT_EQ((*parsed)->statements().size(), 1u) << row.id;
  const PgNode* node = (*parsed)->statements()[0].node;
  std::vector<LockForm> forms = ClassifyLocks(node, FixtureState());
  ASSERT_EQ(forms.size(), 1u) << row.id;
  EXPECT_EQ(forms[0].row->id, row.id) << row.example;
  // Each lock of the row lands on a named relation, at the row's mode.
  StatementInfo info;
  DescribeLocks(node, FixtureState(), &info);
  for (const RowLock& l : row.locks) {
    if (l.mode == LockMode::kNone) continue;
    bool named = false;
    for (const auto& [target, relation] : forms[0].relations) {
      if (target != l.target || relation.empty()) continue;
      named = true;
      bool found = false;
      for (const RelationLock& got : info.locks) {
        if (got.relation == relation) {
          found = true;
          EXPECT_GE(got.mode, l.mode) << row.id << ": " << relation;
        }
      }
      EXPECT_TRUE(found) << row.id << ": no lock on " << relation;
    }
    // A statement that reads nothing the fixture made names no table read.
    if (l.target != LockTarget::kRead) {
      EXPECT_TRUE(named) << row.id << ": nothing named for " << ToString(l.target);
    }
  }
  EXPECT_EQ(info.rewrites.empty(), !row.rewrite) << row.id;
}

INSTANTIATE_TEST_SUITE_P(Rows, LockRowTest, ::testing::ValuesIn(LockRows()), [](const auto& info) {
  std::string name(info.param.id);
  for (char& c : name) {
    if (c == '.' || c == '-') c = '_';
  }
  return name;
});

TEST(LockRowsTest, IdsAreUniqueAndEveryRowSaysWhatItLocks) {
  std::set<std::string_view> ids;
  for (const LockRow& row : LockRows()) {
    EXPECT_TRUE(ids.insert(row.id).second) << "duplicate row " << row.id;
    EXPECT_FALSE(row.statement.empty()) << row.id;
    // A row that runs only outside a transaction block says so in its example.
    if (!row.transaction && !row.example.empty()) {
      EXPECT_TRUE(row.example.find("CONCURRENTLY") != std::string_view::npos ||
                  row.example.find("VACUUM") != std::string_view::npos)
          << row.id;
    }
  }
}

// Every ALTER TABLE subcommand the grammar produces has a row of its own: the
// examples together produce each of them, except the ones only PostgreSQL
// itself makes while executing (listed here).
TEST(LockRowsTest, EveryAlterTableSubcommandHasARow) {
  static const std::set<std::string> kInternal = {
      "AT_AddColumnRecurse",      "AT_AddColumnToView",      "AT_CookedColumnDefault", "AT_CheckNotNull",
      "AT_DropColumnRecurse",     "AT_AddIndex",             "AT_ReAddIndex",          "AT_AddConstraintRecurse",
      "AT_ReAddConstraint",       "AT_ReAddDomainConstraint", "AT_ValidateConstraintRecurse",
      "AT_AddIndexConstraint",    "AT_DropConstraintRecurse", "AT_ReAddComment",        "AT_ReplaceRelOptions",
      "AT_ReAddStatistics",       "ALTER_TABLE_TYPE_UNDEFINED"};
  std::set<int> seen;
  // DETACH ... FINALIZE has no runnable example; its form is this one.
  for (std::string_view sql : {std::string_view("ALTER TABLE p DETACH PARTITION p_2024 FINALIZE")}) {
    auto parsed = ParsedScript::Parse(sql);
    ASSERT_TRUE(parsed.ok());
    const PgNode* n = (*parsed)->statements()[0].node;
    for (size_t i = 0; i < n->alter_table_stmt->n_cmds; ++i) seen.insert(n->alter_table_stmt->cmds[i]->alter_table_cmd->subtype);
  }
  for (const LockRow& row : LockRows()) {
    if (row.example.empty()) continue;
    auto parsed = ParsedScript::Parse(row.example);
    ASSERT_TRUE(parsed.ok()) << row.id;
    const PgNode* n = (*parsed)->statements()[0].node;
    if (n->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_STMT) continue;
    for (size_t i = 0; i < n->alter_table_stmt->n_cmds; ++i) seen.insert(n->alter_table_stmt->cmds[i]->alter_table_cmd->subtype);
  }
  const ProtobufCEnumDescriptor& types = pg_query__alter_table_type__descriptor;
  for (unsigned i = 0; i < types.n_values; ++i) {
    std::string name = types.values[i].name;
    if (kInternal.count(name)) continue;
    EXPECT_TRUE(seen.count(types.values[i].value)) << name << " has no row whose example produces it";
  }
}

// A statement no row names specifically still gets one (the "other" rows),
// never none.
TEST(LockRowsTest, EveryStatementMapsToARow) {
  for (std::string_view sql :
       {"CREATE TYPE t2 AS (a int)", "DROP AGGREGATE a(int)", "ALTER EXTENSION x UPDATE", "EXPLAIN SELECT 1",
        "LISTEN x", "CHECKPOINT", "CREATE ROLE r", "ALTER SYSTEM SET work_mem = '1MB'", "IMPORT FOREIGN SCHEMA s FROM SERVER f INTO public",
        "PREPARE q AS SELECT 1", "DISCARD ALL", "CREATE EVENT TRIGGER e ON ddl_command_start EXECUTE FUNCTION f()"}) {
    auto parsed = ParsedScript::Parse(sql);
    ASSERT_TRUE(parsed.ok()) << sql;
    EXPECT_FALSE(ClassifyLocks((*parsed)->statements()[0].node, FixtureState()).empty()) << sql;
  }
}

}  // namespace
}  // namespace strata::sql
