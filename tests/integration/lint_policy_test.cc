// `up` and `plan` on PostgreSQL weigh locking findings by the size of the
// table in the database they run against, as `lint --table-sizes` does: an
// index built without CONCURRENTLY on a table of a hundred rows is a warning
// that does not block `up` under lint = "error"; on a table whose size is
// unknown (never analysed) it is an error that does.
#include <strata/migrator.h>

#include "harness.h"

namespace strata::integration {
namespace {

class LintPolicyTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    dir_.Write("strata.toml", "default_env = \"prod\"\n[env.prod]\nurl = \"" + url() +
                                  "\"\nlint = \"error\"\nlock_timeout = \"5s\"\n");
    Write("0001_items.up.sql", "CREATE TABLE items (id bigint PRIMARY KEY, name text);\n");
    Write("0001_items.down.sql", "DROP TABLE items;\n");
    Write("0002_items_name.up.sql", "CREATE INDEX items_name ON items (name);\n");
    Write("0002_items_name.down.sql", "DROP INDEX items_name;\n");
  }

  Result<PlanReport> Plan() {
    Options o;
    o.url = url();
    o.dir = migrations();
    o.config_path = dir_.Path("strata.toml");
    auto m = Migrator::Open(o);
    if (!m.ok()) return m.status();
    PlanOptions options;
    options.semantic = false;
    return (*m)->Plan(options);
  }
};

TEST_P(LintPolicyTest, SmallAnalysedTableOnlyWarns) {
  auto r = Strata({"up", "--to", "0001"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  Rows("INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, 100) g");
  Rows("ANALYZE items");

  auto plan = Plan();
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->migrations.size(), 1u);
  ASSERT_EQ(plan->migrations[0].findings.size(), 1u);
  const LintFinding& f = plan->migrations[0].findings[0];
  EXPECT_EQ(f.rule, "add-index-without-concurrently");
  EXPECT_EQ(f.severity, LintSeverity::kWarning);
  EXPECT_NE(f.message.find("~100 rows"), std::string::npos) << f.message;
  EXPECT_FALSE(plan->blocked);

  r = Strata({"up"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("warning: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("add-index-without-concurrently"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("~100 rows"), std::string::npos) << r.err;
  EXPECT_EQ(Recorded(), (std::vector<std::string>{"0001:clean", "0002:clean"}));
}

TEST_P(LintPolicyTest, TableOfUnknownSizeBlocks) {
  auto r = Strata({"up", "--to", "0001"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  Rows("INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, 100) g");  // never analysed

  auto plan = Plan();
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->migrations.size(), 1u);
  ASSERT_EQ(plan->migrations[0].findings.size(), 1u);
  EXPECT_EQ(plan->migrations[0].findings[0].severity, LintSeverity::kError);
  EXPECT_TRUE(plan->blocked);

  r = Strata({"up"});
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.err.find("1 lint error blocks `up` in environment 'prod'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("0002_items_name.up.sql:1:1: add-index-without-concurrently"), std::string::npos) << r.err;
  EXPECT_EQ(Recorded(), std::vector<std::string>{"0001:clean"});
}

INSTANTIATE_TEST_SUITE_P(Postgres, LintPolicyTest, ::testing::Values("postgres"), EngineName);

}  // namespace
}  // namespace strata::integration
