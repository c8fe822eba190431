// generate, drift, push and test end to end on both engines: the generate
// round trip (generate, up, drift clean, edit schema.sql, generate, up, drift
// clean, down restores), and the same through the library API.
#include <filesystem>

#include <strata/migrator.h>

#include "harness.h"

namespace strata::integration {
namespace {

class SchemaCommandsTest : public EngineTest {
 protected:
  // Every schema command on PostgreSQL needs the dev server.
  testing::CommandResult Run(std::vector<std::string> args) const {
    if (pg()) args.insert(args.end(), {"--dev-url", testing::PgServerUrl().value_or("")});
    return Strata(args);
  }

  void WriteSchema(const std::string& sql) const { dir_.Write("schema.sql", sql); }

  size_t MigrationFiles() const {
    if (!std::filesystem::exists(migrations())) return 0;
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(migrations())) n += e.path().extension() == ".sql";
    return n;
  }

  std::string Inspect() const {
    auto r = Strata({"inspect"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
};

TEST_P(SchemaCommandsTest, GenerateRoundTrip) {
  WriteSchema("CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n");
  auto g = Run({"generate", "create users"});
  ASSERT_EQ(g.exit_code, 0) << g.out << g.err;
  EXPECT_EQ(MigrationFiles(), 2u);
  ASSERT_EQ(Strata({"up"}).exit_code, 0);
  auto d = Run({"drift"});
  EXPECT_EQ(d.exit_code, 0) << d.out << d.err;
  std::string v1 = Inspect();

  // Edit the desired schema: a column, a table with a foreign key, an index.
  WriteSchema(
      "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text);\n"
      "CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), body text);\n"
      "CREATE INDEX posts_by_user ON posts (user_id);\n");
  g = Run({"generate", "add posts"});
  ASSERT_EQ(g.exit_code, 0) << g.out << g.err;
  EXPECT_EQ(MigrationFiles(), 4u);
  auto up = Strata({"up"});
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  d = Run({"drift"});
  EXPECT_EQ(d.exit_code, 0) << d.out << d.err;
  EXPECT_TRUE(HasTable("posts"));
  // Nothing left to generate, and every down restores its schema.
  g = Run({"generate", "nothing"});
  EXPECT_EQ(g.exit_code, 0) << g.err;
  EXPECT_NE(g.out.find("Nothing to generate"), std::string::npos) << g.out;
  EXPECT_EQ(MigrationFiles(), 4u);
  auto t = Run({"test"});
  EXPECT_EQ(t.exit_code, 0) << t.out << t.err;

  // down restores the previous schema exactly, and drift agrees.
  auto down = Strata({"down"});
  ASSERT_EQ(down.exit_code, 0) << down.out << down.err;
  EXPECT_EQ(Inspect(), v1);
  d = Run({"drift"});
  EXPECT_EQ(d.exit_code, 0) << d.out << d.err;
}

TEST_P(SchemaCommandsTest, DriftExitsFiveAndPushFixesADevDatabase) {
  WriteSchema("CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n");
  ASSERT_EQ(Run({"generate", "create users"}).exit_code, 0);
  ASSERT_EQ(Strata({"up"}).exit_code, 0);
  Rows("ALTER TABLE users ADD COLUMN age integer");
  auto d = Run({"drift"});
  EXPECT_EQ(d.exit_code, 5) << d.out << d.err;
  EXPECT_NE(d.out.find("table users: column age not in the migrations"), std::string::npos) << d.out;
  // push makes the database match schema.sql again (age is dropped).
  auto p = Run({"push"});
  EXPECT_EQ(p.exit_code, 0) << p.out << p.err;
  EXPECT_NE(p.out.find("DROP COLUMN"), std::string::npos) << p.out;
  d = Run({"drift"});
  EXPECT_EQ(d.exit_code, 0) << d.out << d.err;
  EXPECT_NE(Run({"push"}).out.find("Already up to date."), std::string::npos);
}

TEST_P(SchemaCommandsTest, TestNamesADownThatDoesNotRestore) {
  Write("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n");
  Write("0001_users.down.sql", "DROP TABLE users;\n");
  Write("0002_tags.up.sql", "CREATE TABLE IF NOT EXISTS tags (name text);\n");
  Write("0002_tags.down.sql", "DELETE FROM tags;\n");
  auto t = Run({"test"});
  EXPECT_EQ(t.exit_code, 6) << t.out << t.err;
  EXPECT_NE(t.out.find("0002_tags: down does not restore the schema"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("table tags: left behind by down"), std::string::npos) << t.out;
  EXPECT_TRUE(Recorded().empty());  // the live database was not used
}

// The library does what the CLI does; a rename is confirmed by a callback.
TEST_P(SchemaCommandsTest, LibraryGenerateWithConfirmedRename) {
  Write("0001_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n");
  Write("0001_users.down.sql", "DROP TABLE users;\n");
  WriteSchema("CREATE TABLE users (id bigint PRIMARY KEY, mail text);\n");
  Options options;
  options.url = url();
  options.dir = migrations();
  auto m = Migrator::Open(options);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  GenerateOptions g;
  g.name = "rename email";
  g.schema_file = dir_.Path("schema.sql");
  if (pg()) g.dev_url = testing::PgServerUrl().value_or("");
  std::vector<std::string> asked;
  g.confirm_rename = [&](const SchemaRename& r) {
    asked.push_back(ToString(r));
    return true;
  };
  auto report = (*m)->Generate(g);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(asked, std::vector<std::string>{"users.email=mail"});
  ASSERT_TRUE(report->generated);
  ASSERT_EQ(report->renames.size(), 1u);
  EXPECT_TRUE(report->rename_candidates.empty());
  ASSERT_EQ(report->changes.size(), 1u);
  EXPECT_FALSE(report->changes[0].destructive);
  auto up = (*m)->Up({});
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  DriftOptions drift;
  drift.dev_url = g.dev_url;
  auto d = (*m)->Drift(drift);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_FALSE(d->drift);
}

INSTANTIATE_TEST_SUITE_P(Engines, SchemaCommandsTest, ::testing::Values("sqlite", "postgres"), EngineName);

}  // namespace
}  // namespace strata::integration
