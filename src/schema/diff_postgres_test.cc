// DiffSchemas on hand-built PostgreSQL models (no database): the order of
// the changes, what is destructive, and what the summaries say. The real
// server runs the corpus in tests/diff/postgres_diff_test.cc.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "schema/diff.h"

namespace strata::schema {
namespace {

Column Col(const std::string& name, const std::string& type = "integer") { return {.name = name, .type = type}; }

Table Tab(const std::string& name, std::vector<Column> columns) {
  return {.schema = "public", .name = name, .columns = std::move(columns)};
}

ForeignKey Fk(const std::string& name, const std::string& column, const std::string& ref) {
  return {.name = name, .columns = {column}, .ref_schema = "public", .ref_table = ref, .ref_columns = {"id"}};
}

View MakeView(const std::string& name, const std::string& select, std::vector<std::string> depends_on = {}) {
  return {.schema = "public",
          .name = name,
          .sql = "CREATE VIEW \"public\".\"" + name + "\" AS " + select,
          .depends_on = std::move(depends_on)};
}

Diff Pg(Schema from, Schema to, const DiffOptions& options = {}) {
  Canonicalize(from);
  Canonicalize(to);
  return DiffSchemas(from, to, Dialect::kPostgres, options);
}

// Index of the first change whose statements contain `text`; -1 if none.
int Find(const Diff& d, const std::string& text) {
  for (size_t i = 0; i < d.changes.size(); ++i) {
    for (const auto& s : d.changes[i].statements) {
      if (s.find(text) != std::string::npos) return static_cast<int>(i);
    }
  }
  return -1;
}

const Change* WithSummary(const Diff& d, const std::string& summary) {
  for (const auto& c : d.changes) {
    if (c.summary == summary) return &c;
  }
  return nullptr;
}

Schema Orders(const std::string& total_type) {
  Schema s;
  s.tables.push_back(Tab("orders", {Col("id"), Col("total", total_type)}));
  s.views.push_back(MakeView("big", "SELECT orders.id, orders.total FROM orders WHERE orders.total > 10"));
  s.views.push_back(MakeView("top", "SELECT max(big.total) AS m FROM big", {"public.big"}));
  return s;
}

TEST(DiffPostgres, EqualSchemasGiveNoChanges) {
  Schema s = Orders("integer");
  EXPECT_TRUE(Pg(s, s).empty());
}

TEST(DiffPostgres, CyclicForeignKeysComeAfterBothTables) {
  Schema to;
  Table a = Tab("a", {Col("id"), Col("b_id")});
  a.foreign_keys.push_back(Fk("a_b", "b_id", "b"));
  Table b = Tab("b", {Col("id"), Col("a_id")});
  b.foreign_keys.push_back(Fk("b_a", "a_id", "a"));
  to.tables = {a, b};
  Diff d = Pg({}, to);
  int create_a = Find(d, "CREATE TABLE \"public\".\"a\""), create_b = Find(d, "CREATE TABLE \"public\".\"b\"");
  int fk_a = Find(d, "ADD CONSTRAINT \"a_b\""), fk_b = Find(d, "ADD CONSTRAINT \"b_a\"");
  ASSERT_TRUE(create_a >= 0 && create_b >= 0 && fk_a >= 0 && fk_b >= 0) << RenderMigration(d);
  EXPECT_GT(std::min(fk_a, fk_b), std::max(create_a, create_b));
  // Back again: both keys go before either table.
  Diff back = Pg(to, {});
  int drop_fk = Find(back, "DROP CONSTRAINT \"a_b\"");
  ASSERT_GE(drop_fk, 0) << RenderMigration(back);
  EXPECT_LT(drop_fk, Find(back, "DROP TABLE \"public\".\"b\""));
}

TEST(DiffPostgres, ViewsOverARetypedColumnAreDroppedFirstAndRecreatedAfter) {
  Diff d = Pg(Orders("integer"), Orders("numeric(10,2)"));
  int drop_top = Find(d, "DROP VIEW \"public\".\"top\""), drop_big = Find(d, "DROP VIEW \"public\".\"big\"");
  int alter = Find(d, "ALTER COLUMN \"total\" TYPE numeric(10,2) USING \"total\"::numeric(10,2)");
  int create_big = Find(d, "CREATE VIEW \"public\".\"big\""), create_top = Find(d, "CREATE VIEW \"public\".\"top\"");
  ASSERT_TRUE(drop_top >= 0 && drop_big >= 0 && alter >= 0 && create_big >= 0 && create_top >= 0) << RenderMigration(d);
  EXPECT_LT(drop_top, drop_big);  // the view reading the other goes first
  EXPECT_LT(drop_big, alter);
  EXPECT_LT(alter, create_big);
  EXPECT_LT(create_big, create_top);
  // numeric(10,2) holds less than integer does.
  const Change* c = WithSummary(d, "alter column orders.total: type integer -> numeric(10,2)");
  ASSERT_NE(c, nullptr) << RenderMigration(d);
  EXPECT_TRUE(c->destructive);
  Diff widened = Pg(Orders("integer"), Orders("bigint"));  // kept alive: WithSummary points into it
  const Change* widen = WithSummary(widened, "alter column orders.total: type integer -> bigint");
  ASSERT_NE(widen, nullptr);
  EXPECT_FALSE(widen->destructive);
}

TEST(DiffPostgres, ViewsThatDoNotReadTheTableStay) {
  Schema from = Orders("integer"), to = Orders("bigint");
  from.views.push_back(MakeView("other", "SELECT 1 AS one"));
  to.views.push_back(MakeView("other", "SELECT 1 AS one"));
  Diff d = Pg(from, to);
  EXPECT_EQ(Find(d, "\"other\""), -1) << RenderMigration(d);
}

TEST(DiffPostgres, NarrowingAndDroppingAreDestructive) {
  Schema from, to;
  from.tables.push_back(Tab("t", {Col("id", "bigint"), Col("legacy", "text")}));
  to.tables.push_back(Tab("t", {Col("id", "integer")}));
  Diff d = Pg(from, to);
  const Change* narrow = WithSummary(d, "alter column t.id: type bigint -> integer");
  const Change* drop = WithSummary(d, "drop column t.legacy");
  ASSERT_TRUE(narrow != nullptr && drop != nullptr) << RenderMigration(d);
  EXPECT_TRUE(narrow->destructive);
  EXPECT_TRUE(drop->destructive);
  EXPECT_EQ(drop->destructive_reason, "drops column t.legacy and its data");
  EXPECT_NE(RenderMigration(d).find("-- DESTRUCTIVE: drops column t.legacy"), std::string::npos);
}

TEST(DiffPostgres, NotNullWithDefaultBackfillsFirst) {
  Schema from, to;
  from.tables.push_back(Tab("t", {Col("status", "text")}));
  Column status = Col("status", "text");
  status.not_null = true;
  status.default_expr = "'new'::text";
  to.tables.push_back(Tab("t", {status}));
  Diff d = Pg(from, to);
  ASSERT_EQ(d.changes.size(), 1u) << RenderMigration(d);
  EXPECT_EQ(d.changes[0].statements,
            (std::vector<std::string>{"ALTER TABLE \"public\".\"t\" ALTER COLUMN \"status\" SET DEFAULT 'new'::text",
                                      "UPDATE \"public\".\"t\" SET \"status\" = 'new'::text WHERE \"status\" IS NULL",
                                      "ALTER TABLE \"public\".\"t\" ALTER COLUMN \"status\" SET NOT NULL"}));
}

TEST(DiffPostgres, EnumValuesAreAddedInPlaceAndRemovedByRecreation) {
  Schema from, to;
  from.enums.push_back({"public", "mood", {"sad", "happy"}});
  to.enums.push_back({"public", "mood", {"awful", "sad", "ok", "happy"}});
  from.tables.push_back(Tab("t", {Col("m", "mood")}));
  to.tables.push_back(Tab("t", {Col("m", "mood")}));
  Diff d = Pg(from, to);
  ASSERT_EQ(d.changes.size(), 1u) << RenderMigration(d);
  EXPECT_NE(d.changes[0].summary.find("cannot be used before this transaction commits"), std::string::npos);
  EXPECT_EQ(d.changes[0].statements,
            (std::vector<std::string>{"ALTER TYPE \"public\".\"mood\" ADD VALUE 'awful' BEFORE 'sad'",
                                      "ALTER TYPE \"public\".\"mood\" ADD VALUE 'ok' AFTER 'sad'"}));
  Diff back = Pg(to, from);
  int rename = Find(back, "RENAME TO \"mood__strata_old\""), retype = Find(back, "USING \"m\"::text::mood");
  int drop_old = Find(back, "DROP TYPE \"public\".\"mood__strata_old\"");
  ASSERT_TRUE(rename >= 0 && retype >= 0 && drop_old >= 0) << RenderMigration(back);
  EXPECT_LT(rename, retype);
  EXPECT_LT(retype, drop_old);
  EXPECT_TRUE(back.changes[static_cast<size_t>(rename)].destructive);
}

TEST(DiffPostgres, RenameHintsRenameInsteadOfDropAndAdd) {
  Schema from, to;
  from.tables.push_back(Tab("users", {Col("id"), Col("email", "text")}));
  to.tables.push_back(Tab("people", {Col("id"), Col("mail", "text")}));
  Diff d = Pg(from, to, {{{"", "users", "people"}, {"people", "email", "mail"}}});
  ASSERT_EQ(d.changes.size(), 2u) << RenderMigration(d);
  EXPECT_EQ(d.changes[0].statements[0], "ALTER TABLE \"public\".\"users\" RENAME TO \"people\"");
  EXPECT_EQ(d.changes[1].statements[0], "ALTER TABLE \"public\".\"people\" RENAME COLUMN \"email\" TO \"mail\"");
  EXPECT_EQ(d.changes[1].summary, "rename column people.email -> mail");
  EXPECT_TRUE(d.rename_candidates.empty());
  // Without the hints: a drop and a create, and the pair offered as a candidate.
  to.tables[0].columns[1].name = "email";
  Diff plain = Pg(from, to);
  EXPECT_GE(Find(plain, "DROP TABLE \"public\".\"users\""), 0);
  EXPECT_EQ(plain.rename_candidates, (std::vector<Rename>{{"", "users", "people"}}));
}

TEST(DiffPostgres, ForeignKeysToADroppedTableGoFirst) {
  Schema from, to;
  Table child = Tab("child", {Col("id"), Col("pid")});
  child.foreign_keys.push_back(Fk("child_pid", "pid", "parent"));
  from.tables = {Tab("parent", {Col("id")}), child};
  to.tables = {Tab("child", {Col("id"), Col("pid")})};
  Diff d = Pg(from, to);
  int drop_fk = Find(d, "DROP CONSTRAINT \"child_pid\""), drop_parent = Find(d, "DROP TABLE \"public\".\"parent\"");
  ASSERT_TRUE(drop_fk >= 0 && drop_parent >= 0) << RenderMigration(d);
  EXPECT_LT(drop_fk, drop_parent);
}

TEST(DiffPostgres, RoutinesAreReplacedWhenTheirSignatureStays) {
  auto fn = [](const std::string& returns, const std::string& body) {
    return Routine{"public", "f", "x integer", false,
                   "CREATE OR REPLACE FUNCTION public.f(x integer)\n RETURNS " + returns +
                       "\n LANGUAGE sql\nAS $function$ " + body + " $function$"};
  };
  Schema from, to;
  from.routines.push_back(fn("integer", "SELECT x"));
  to.routines.push_back(fn("integer", "SELECT x + 1"));
  Diff d = Pg(from, to);
  ASSERT_EQ(d.changes.size(), 1u) << RenderMigration(d);
  EXPECT_EQ(d.changes[0].summary, "replace function f(x integer)");
  // A new return type needs DROP + CREATE, and the trigger using it follows.
  to.routines[0] = fn("bigint", "SELECT x");
  Trigger trg{"public", "trg", "t", "CREATE TRIGGER trg BEFORE INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION f()"};
  from.tables.push_back(Tab("t", {Col("id")}));
  to.tables.push_back(Tab("t", {Col("id")}));
  from.triggers.push_back(trg);
  to.triggers.push_back(trg);
  d = Pg(from, to);
  int drop_trg = Find(d, "DROP TRIGGER \"trg\""), drop_fn = Find(d, "DROP FUNCTION \"public\".\"f\"(x integer)");
  int create_fn = Find(d, "RETURNS bigint"), create_trg = Find(d, "CREATE TRIGGER trg");
  ASSERT_TRUE(drop_trg >= 0 && drop_fn >= 0 && create_fn >= 0 && create_trg >= 0) << RenderMigration(d);
  EXPECT_LT(drop_trg, drop_fn);
  EXPECT_LT(drop_fn, create_fn);
  EXPECT_LT(create_fn, create_trg);
}

TEST(DiffPostgres, RoutinesThatTablesCallComeFirstAndCalleesBeforeCallers) {
  auto fn = [](const std::string& name, const std::string& body) {
    return Routine{"public", name, "", false, "CREATE OR REPLACE FUNCTION public." + name + "()\n AS " + body};
  };
  Schema to;
  Table t = Tab("t", {Col("n")});
  t.checks.push_back({"ok", "(b_check(n))"});
  to.tables.push_back(t);
  to.routines = {fn("a_helper", "x"), fn("b_check", "a_helper()"), fn("c_report", "SELECT * FROM t")};
  Diff d = Pg({}, to);
  int helper = Find(d, "a_helper()\n"), check = Find(d, "b_check()\n"), table = Find(d, "CREATE TABLE");
  int report = Find(d, "c_report()");
  ASSERT_TRUE(helper >= 0 && check >= 0 && table >= 0 && report >= 0) << RenderMigration(d);
  EXPECT_LT(helper, check);
  EXPECT_LT(check, table);
  EXPECT_LT(table, report);  // a SQL body reading t needs t
}

TEST(DiffPostgres, CommentsAreRemovedWithIsNull) {
  Schema from, to;
  from.tables.push_back(Tab("t", {Col("id")}));
  to.tables.push_back(Tab("t", {Col("id")}));
  from.comments.push_back({"TABLE \"public\".\"t\"", "old"});
  to.comments.push_back({"COLUMN \"public\".\"t\".\"id\"", "it's"});
  Diff d = Pg(from, to);
  EXPECT_EQ(RenderStatements(d),
            "COMMENT ON TABLE \"public\".\"t\" IS NULL;\n"
            "COMMENT ON COLUMN \"public\".\"t\".\"id\" IS 'it''s';\n");
}

TEST(DiffPostgres, NotValidConstraintsAreValidatedInPlace) {
  Schema from, to;
  Table t = Tab("t", {Col("id"), Col("pid")});
  t.checks.push_back({"pos", "(id > 0)", true});
  t.foreign_keys.push_back(Fk("t_pid", "pid", "t"));
  t.foreign_keys[0].not_valid = true;
  from.tables.push_back(t);
  t.checks[0].not_valid = false;
  t.foreign_keys[0].not_valid = false;
  to.tables.push_back(t);
  EXPECT_EQ(RenderStatements(Pg(from, to)),
            "ALTER TABLE \"public\".\"t\" VALIDATE CONSTRAINT \"pos\";\n"
            "ALTER TABLE \"public\".\"t\" VALIDATE CONSTRAINT \"t_pid\";\n");
  // The other way needs the constraints dropped and added NOT VALID.
  std::string back = RenderStatements(Pg(to, from));
  EXPECT_NE(back.find("ADD CONSTRAINT \"pos\" CHECK ((id > 0)) NOT VALID"), std::string::npos) << back;
}

TEST(DiffPostgres, CommentsOfDroppedObjectsGoWithThem) {
  Schema from;
  from.tables.push_back(Tab("t", {Col("id")}));
  from.comments.push_back({"COLUMN \"public\".\"t\".\"id\"", "x"});
  Diff d = Pg(from, {});
  ASSERT_EQ(d.changes.size(), 1u) << RenderMigration(d);
  EXPECT_EQ(d.changes[0].summary, "drop table t");
}

TEST(DiffPostgres, PartitionedParentComesBeforeItsPartitions) {
  Schema to;
  Table parent = Tab("events", {Col("at", "date")});
  parent.partition_by = "RANGE (at)";
  Table part = Tab("events_2024", {});
  part.partition_of_schema = "public";
  part.partition_of = "events";
  part.partition_bound = "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')";
  to.tables = {parent, part};
  Diff d = Pg({}, to);
  int p = Find(d, "PARTITION BY RANGE (at)"), c = Find(d, "PARTITION OF \"public\".\"events\"");
  ASSERT_TRUE(p >= 0 && c >= 0) << RenderMigration(d);
  EXPECT_LT(p, c);
  // Changing the partition key recreates the parent: destructive.
  Schema other = to;
  other.tables[0].partition_by = "LIST (at)";
  other.tables.pop_back();
  Diff change = Pg(to, other);
  const Change* drop = WithSummary(change, "drop table events (to recreate it)");
  ASSERT_NE(drop, nullptr) << RenderMigration(change);
  EXPECT_TRUE(drop->destructive);
}

}  // namespace
}  // namespace strata::schema
