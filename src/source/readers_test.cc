// The readers of other tools' folders, over fixture folders laid out exactly
// as each tool writes them (tests/fixtures/formats/, described in its
// README.md), and over small folders that break one rule each.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "source/file_reader.h"
#include "source/format.h"
#include "source/migration.h"
#include "source/source_test_util.h"
#include "util/sha256.h"

namespace strata::source {
namespace {

std::string Fixture(const std::string& name) { return std::string(STRATA_FIXTURES_DIR) + "/" + name; }

MigrationSet Load(const std::string& dir, Format format, LoadOptions options = {}) {
  options.format = format;
  auto set = LoadMigrations(dir, options);
  EXPECT_TRUE(set.ok()) << set.status().ToString();
  return set.ok() ? std::move(*set) : MigrationSet{};
}

std::vector<std::string> Versions(const MigrationSet& set) {
  std::vector<std::string> out;
  for (const auto& m : set.migrations) out.push_back(m.version);
  return out;
}

std::string Problems(const MigrationSet& set) {
  std::string out;
  for (const auto& p : set.problems) out += p.ToString() + "\n";
  return out;
}

std::string FileName(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }

using V = std::vector<std::string>;

TEST(CompareVersionsTest, FlywayPartsCompareAsNumbers) {
  EXPECT_LT(CompareVersions("1.2", "1.10"), 0);
  EXPECT_LT(CompareVersions("1.10", "2"), 0);
  EXPECT_LT(CompareVersions("1", "1.1"), 0);
  EXPECT_EQ(CompareVersions("1.0", "1"), 0);
  EXPECT_EQ(CompareVersions("1.01", "1.1"), 0);
  EXPECT_GT(CompareVersions("2.0.1", "2"), 0);
  EXPECT_LT(CompareVersions("20240101", "20240101.1"), 0);
  // Native versions compare as before.
  EXPECT_GT(CompareVersions("0010", "9"), 0);
  EXPECT_EQ(CompareVersions("001", "1"), 0);
}

TEST(CompareVersionsTest, RepeatablesSortLastByDescription) {
  EXPECT_GT(CompareVersions("R__a", "99999999999999"), 0);
  EXPECT_LT(CompareVersions("1.2", "R__a"), 0);
  EXPECT_LT(CompareVersions("R__a", "R__b"), 0);
  // '_' is a space in a description: "a b" < "ab" as Flyway orders them.
  EXPECT_LT(CompareVersions("R__a_b", "R__ab"), 0);
  EXPECT_EQ(CompareVersions("R__x", "R__x"), 0);
  EXPECT_TRUE(IsRepeatableVersion("R__x"));
  EXPECT_FALSE(IsRepeatableVersion("0001"));
}

TEST(DetectFormatTest, EachFixtureIsRecognised) {
  EXPECT_EQ(DetectFormat(Fixture("drizzle-pg")), Format::kDrizzle);
  EXPECT_EQ(DetectFormat(Fixture("drizzle-sqlite")), Format::kDrizzle);
  EXPECT_EQ(DetectFormat(Fixture("golang-migrate")), Format::kGolangMigrate);
  EXPECT_EQ(DetectFormat(Fixture("flyway")), Format::kFlyway);
  EXPECT_EQ(DetectFormat(Fixture("dbmate")), Format::kDbmate);
  EXPECT_EQ(DetectFormat(Fixture("does-not-exist")), Format::kNative);
}

TEST(DetectFormatTest, NativeFoldersStayNative) {
  TempDir dir;
  dir.Write("0001_users.up.sql", "CREATE TABLE users (id int);\n");
  dir.Write("0001_users.down.sql", "DROP TABLE users;\n");
  dir.Write("0002_seed.sql", "INSERT INTO users VALUES (1);\n");
  EXPECT_EQ(DetectFormat(dir.path()), Format::kNative);
  auto set = LoadMigrations(dir.path());
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->format, Format::kNative);
  EXPECT_EQ(Versions(*set), (V{"0001", "0002"}));
}

TEST(FormatNamesTest, ParseAndPrint) {
  for (Format f : {Format::kAuto, Format::kNative, Format::kDrizzle, Format::kGolangMigrate, Format::kFlyway,
                   Format::kDbmate}) {
    EXPECT_EQ(ParseFormat(ToString(f)), f);
  }
  EXPECT_EQ(ParseFormat("drizzle-kit"), Format::kDrizzle);
  EXPECT_EQ(ParseFormat("liquibase"), std::nullopt);
}

// --- drizzle-kit ---

// The project from issue 10: 186 journal entries and an abandoned
// 0130_*.sql beside them. The native reader saw "duplicate version 0130".
TEST(DrizzleReaderTest, JournalIsTheListAndTheOrphanIsANote) {
  MigrationSet set = Load(Fixture("drizzle-pg"), Format::kAuto);
  EXPECT_EQ(set.format, Format::kDrizzle);
  EXPECT_EQ(Problems(set), "");
  ASSERT_EQ(set.migrations.size(), 186u);
  EXPECT_EQ(set.migrations.front().version, "0000");
  EXPECT_EQ(set.migrations.back().version, "0185");
  const Migration& m130 = set.migrations[130];
  EXPECT_EQ(m130.version, "0130");
  EXPECT_NE(FileName(m130.up_path), "0130_abandoned_idea.sql");
  ASSERT_EQ(set.notes.size(), 2u);
  EXPECT_EQ(set.notes[0].message(), "read as a drizzle folder: meta/_journal.json exists");
  EXPECT_EQ(FileName(set.notes[1].file()), "0130_abandoned_idea.sql");
  EXPECT_NE(set.notes[1].message().find("not in meta/_journal.json"), std::string::npos);
  for (const auto& m : set.migrations) EXPECT_FALSE(m.down_sql.has_value()) << m.version;
}

TEST(DrizzleReaderTest, BreakpointsEndStatementsAndKeepLines) {
  MigrationSet set = Load(Fixture("drizzle-pg"), Format::kDrizzle);
  ASSERT_EQ(set.migrations.size(), 186u);
  const Migration& custom = set.migrations[57];  // statements without semicolons
  auto raw = ReadMigrationFile(custom.up_path);
  ASSERT_TRUE(raw.ok());
  EXPECT_NE(custom.up_sql.find("VALUES ('first@example.com')\n;--> statement-breakpoint\nUPDATE"), std::string::npos)
      << custom.up_sql;
  EXPECT_EQ(std::count(custom.up_sql.begin(), custom.up_sql.end(), '\n'),
            std::count(raw->text.begin(), raw->text.end(), '\n'));
  // The checksum and drizzle's hash are of the file, not of the split text.
  EXPECT_EQ(custom.checksum, util::Sha256Hex(raw->text));
  EXPECT_EQ(custom.tool_checksum, "71fc1c17a8e4351caa0a6f69fece29aaabd0c14e70304e332bfb6f11fb7aa346");
  EXPECT_EQ(set.migrations[0].tool_key, "1700003600000");  // the journal's `when`
}

TEST(DrizzleReaderTest, SqliteRebuildPassesThrough) {
  MigrationSet set = Load(Fixture("drizzle-sqlite"), Format::kAuto);
  EXPECT_EQ(Problems(set), "");
  ASSERT_EQ(Versions(set), (V{"0000", "0001", "0002", "0003"}));
  EXPECT_EQ(set.migrations[3].name, "tidy_rebuild");
  EXPECT_EQ(set.migrations[3].up_sql.rfind("PRAGMA foreign_keys=OFF;;--> statement-breakpoint\n", 0), 0u);
  EXPECT_FALSE(set.migrations[3].up_annotations.foreign_keys_off);  // the runner's business
}

TEST(DrizzleReaderTest, MissingFileIsAProblemAtItsJournalLine) {
  TempDir dir;
  dir.CopyFrom(Fixture("drizzle-sqlite"));
  std::filesystem::remove(dir.Path("0002_quiet_seed.sql"));
  MigrationSet set = Load(dir.path(), Format::kAuto);
  ASSERT_EQ(set.problems.size(), 1u) << Problems(set);
  EXPECT_EQ(set.problems[0].ToString(),
            dir.Path("meta/_journal.json") + ":23: journal entry 0002_quiet_seed has no file 0002_quiet_seed.sql");
  EXPECT_EQ(Versions(set), (V{"0000", "0001", "0003"}));
}

TEST(DrizzleReaderTest, BrokenJournalAndForeignDialect) {
  TempDir dir;
  dir.Write("meta/_journal.json", "{\n  \"entries\": [\n    {\"idx\": 0,\n");
  auto set = LoadMigrations(dir.path());
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().code(), Status::Code::kParse);
  EXPECT_EQ(set.status().file(), dir.Path("meta/_journal.json"));
  EXPECT_EQ(set.status().line(), 4);
  dir.Write("meta/_journal.json", R"({"dialect": "mysql", "entries": []})");
  set = LoadMigrations(dir.path());
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.status().message().find("mysql"), std::string::npos);
}

TEST(DrizzleReaderTest, TagsWithoutNumbersUseTheIndex) {
  TempDir dir;
  dir.Write("meta/_journal.json",
            R"({"dialect": "sqlite", "entries": [{"idx": 0, "when": 1, "tag": "first", "breakpoints": true},
                                                  {"idx": 1, "when": 2, "tag": "second", "breakpoints": true}]})");
  dir.Write("first.sql", "CREATE TABLE a (id int);");
  dir.Write("second.sql", "CREATE TABLE b (id int);");
  MigrationSet set = Load(dir.path(), Format::kDrizzle);
  EXPECT_EQ(Problems(set), "");
  EXPECT_EQ(Versions(set), (V{"0000", "0001"}));
  EXPECT_EQ(set.migrations[1].name, "second");
}

TEST(DrizzleReaderTest, ATagThatIsAPathIsRefusedNotFollowed) {
  TempDir outside;
  outside.Write("evil.sql", "DROP TABLE users;");
  TempDir dir;
  dir.Write("meta/_journal.json", "{\"dialect\": \"sqlite\", \"entries\": [\n"
                                  "  {\"idx\": 0, \"when\": 1, \"tag\": \"0000_a\"},\n"
                                  "  {\"idx\": 1, \"when\": 2, \"tag\": \"" +
                                      std::filesystem::relative(outside.Path("evil"), dir.path()).string() +
                                      "\"}\n]}");
  dir.Write("0000_a.sql", "CREATE TABLE a (id int);");
  auto set = LoadMigrations(dir.path());
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().code(), Status::Code::kParse);
  EXPECT_EQ(set.status().file(), dir.Path("meta/_journal.json"));
  EXPECT_EQ(set.status().line(), 3);
  EXPECT_NE(set.status().message().find("is not a file name"), std::string::npos) << set.status().ToString();
}

TEST(DrizzleReaderTest, AWhenOutsideTheIntegerRangeIsShownAsWritten) {
  TempDir dir;
  dir.Write("meta/_journal.json",
            R"({"dialect": "sqlite", "entries": [{"idx": 0, "when": 1e300, "tag": "0000_a"}]})");
  dir.Write("0000_a.sql", "CREATE TABLE a (id int);");
  MigrationSet set = Load(dir.path(), Format::kDrizzle);
  EXPECT_EQ(Problems(set), "");
  EXPECT_EQ(Versions(set), (V{"0000"}));
}

TEST(DrizzleReaderTest, ANumberBeyondADoubleIsAParseErrorAtItsLineRegressionFuzzMigrationFolder) {
  // Valid JSON that nlohmann refuses with out_of_range, not parse_error:
  // before the fix it escaped the reader and ended the process.
  TempDir dir;
  dir.Write("meta/_journal.json", "{\"dialect\": \"sqlite\", \"entries\": [\n"
                                  "  {\"idx\": 0, \"when\": 1E700003600000, \"tag\": \"0000_a\"}\n]}");
  dir.Write("0000_a.sql", "CREATE TABLE a (id int);");
  auto set = LoadMigrations(dir.path());
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().code(), Status::Code::kParse);
  EXPECT_EQ(set.status().file(), dir.Path("meta/_journal.json"));
  EXPECT_EQ(set.status().line(), 2);
  EXPECT_NE(set.status().message().find("number overflow parsing '1E700003600000'"), std::string::npos)
      << set.status().ToString();
  EXPECT_NE(set.status().hint().find("drizzle-kit generate"), std::string::npos);
}

// --- golang-migrate ---

TEST(GolangMigrateReaderTest, PairsByVersionOnly) {
  MigrationSet set = Load(Fixture("golang-migrate"), Format::kAuto);
  EXPECT_EQ(set.format, Format::kGolangMigrate);
  EXPECT_EQ(Problems(set), "");
  ASSERT_EQ(Versions(set), (V{"000001", "000002", "000003"}));
  const Migration& m2 = set.migrations[1];
  EXPECT_EQ(m2.name, "add_email");
  ASSERT_TRUE(m2.down_path.has_value());
  EXPECT_EQ(FileName(*m2.down_path), "000002_remove_email.down.sql");
  EXPECT_EQ(*m2.down_sql, "ALTER TABLE users DROP COLUMN email;\n");
  // How it was detected, and the down without an up, ignored as
  // golang-migrate ignores it.
  ASSERT_EQ(set.notes.size(), 2u);
  EXPECT_EQ(set.notes[0].message(),
            "read as a golang-migrate folder: 000002_add_email.up.sql and 000002_remove_email.down.sql pair by "
            "version only, as golang-migrate pairs them");
  EXPECT_EQ(FileName(set.notes[1].file()), "000004_forgotten.down.sql");
  // The native reader refuses the same folder.
  MigrationSet native = Load(Fixture("golang-migrate"), Format::kNative);
  EXPECT_EQ(native.problems.size(), 2u) << Problems(native);
}

TEST(GolangMigrateReaderTest, TwoUpsForOneVersionAreAnErrorOddNamesAreNotes) {
  TempDir dir;
  dir.Write("1_a.up.sql", "SELECT 1;");
  dir.Write("01_b.up.sql", "SELECT 2;");
  dir.Write("2_c.up.sql", "SELECT 3;");
  dir.Write("notes.sql", "SELECT 4;");
  dir.Write("3.up.sql", "SELECT 5;");
  MigrationSet set = Load(dir.path(), Format::kGolangMigrate);
  ASSERT_EQ(set.problems.size(), 1u) << Problems(set);
  EXPECT_NE(set.problems[0].message().find("duplicate version"), std::string::npos);
  EXPECT_EQ(Versions(set), V{"2"});
  EXPECT_EQ(set.notes.size(), 2u);
}

TEST(GolangMigrateReaderTest, FileThatMustRunAloneRunsWithoutTransaction) {
  TempDir dir;
  dir.Write("1_users.up.sql", "CREATE TABLE users (id int);");
  dir.Write("2_idx.up.sql", "CREATE INDEX CONCURRENTLY i ON users (id);");
  LoadOptions options;
  options.needs_no_transaction = [](std::string_view sql) { return sql.find("CONCURRENTLY") != std::string_view::npos; };
  MigrationSet set = Load(dir.path(), Format::kGolangMigrate, options);
  ASSERT_EQ(set.migrations.size(), 2u);
  EXPECT_FALSE(set.migrations[0].up_annotations.no_transaction);
  EXPECT_TRUE(set.migrations[1].up_annotations.no_transaction);
  // drizzle-kit and dbmate never ask: they run every migration in a transaction.
  dir.Write("meta/_journal.json", R"({"dialect": "pg", "entries": [{"idx": 0, "when": 1, "tag": "2_idx"}]})");
  dir.Write("2_idx.sql", "CREATE INDEX CONCURRENTLY i ON users (id);");
  set = Load(dir.path(), Format::kDrizzle, options);
  ASSERT_EQ(set.migrations.size(), 1u);
  EXPECT_FALSE(set.migrations[0].up_annotations.no_transaction);
}

// --- Flyway ---

TEST(FlywayReaderTest, VersionsCompareAsNumbersRepeatablesRunLast) {
  MigrationSet set = Load(Fixture("flyway"), Format::kAuto);
  EXPECT_EQ(set.format, Format::kFlyway);
  EXPECT_EQ(Problems(set), "");
  EXPECT_EQ(Versions(set), (V{"1", "1.1", "1.2", "1.10", "2", "3", "R__order_totals", "R__user_names"}));
  const Migration& m110 = set.migrations[3];
  EXPECT_EQ(m110.name, "add_order_total");
  ASSERT_TRUE(m110.down_sql.has_value());  // the undo file
  EXPECT_EQ(*m110.down_sql, "ALTER TABLE orders DROP COLUMN total;\n");
  EXPECT_EQ(FileName(set.migrations[5].up_path), "V3__create_audit.sql");  // found in sub/
  const Migration& r = set.migrations[7];
  EXPECT_TRUE(r.repeatable());
  EXPECT_EQ(r.name, "");
  EXPECT_EQ(r.tool_key, "user names");
  // The callback is not a migration.
  ASSERT_EQ(set.notes.size(), 2u);
  EXPECT_EQ(set.notes[0].message(), "read as a flyway folder: R__order_totals.sql is named as Flyway names migrations");
  EXPECT_EQ(FileName(set.notes[1].file()), "afterMigrate.sql");
}

TEST(FlywayReaderTest, ChecksumIsFlywaysCrc32OfLines) {
  MigrationSet set = Load(Fixture("flyway"), Format::kFlyway);
  ASSERT_EQ(set.migrations.size(), 8u);
  EXPECT_EQ(set.migrations[0].tool_checksum, "-6199158");     // V1__create_users.sql
  EXPECT_EQ(set.migrations[4].tool_checksum, "1510968037");   // V2__seed.sql, CRLF line ends
  EXPECT_EQ(set.migrations[7].tool_checksum, "-1823359598");  // R__user_names.sql
  // Line ends and a BOM do not change it.
  TempDir dir;
  dir.Write("V1__a.sql", "\xEF\xBB\xBF" "CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL);\r\n");
  MigrationSet bom = Load(dir.path(), Format::kFlyway);
  ASSERT_EQ(bom.migrations.size(), 1u);
  EXPECT_EQ(bom.migrations[0].tool_checksum, "-6199158");
}

TEST(FlywayReaderTest, BadNamesDuplicatesAndUndoWithoutMigration) {
  TempDir dir;
  dir.Write("V1__a.sql", "SELECT 1;");
  dir.Write("V1.0__b.sql", "SELECT 2;");  // 1.0 equals 1
  dir.Write("V2a__c.sql", "SELECT 3;");
  dir.Write("U7__d.sql", "SELECT 4;");
  dir.Write("R__e.sql", "SELECT 5;");
  dir.Write("R__e.sql.conf", "executeInTransaction=false\n");
  MigrationSet set = Load(dir.path(), Format::kFlyway);
  ASSERT_EQ(set.problems.size(), 2u) << Problems(set);
  EXPECT_NE(Problems(set).find("duplicate version 1.0: V1.0__b.sql and V1__a.sql"), std::string::npos) << Problems(set);
  EXPECT_NE(Problems(set).find("V2a__c.sql: invalid version '2a'"), std::string::npos) << Problems(set);
  EXPECT_EQ(Versions(set), V{"R__e"});
  EXPECT_TRUE(set.migrations[0].up_annotations.no_transaction);  // from R__e.sql.conf
  EXPECT_EQ(set.notes.size(), 1u);                                 // the undo file without V7
}

TEST(FlywayReaderTest, PlaceholdersOffByDefault) {
  TempDir dir;
  dir.Write("V1__a.sql", "CREATE TABLE ${prefix}users (id int);\nGRANT SELECT ON ${prefix}users TO ${role};\n");
  MigrationSet off = Load(dir.path(), Format::kFlyway);
  ASSERT_EQ(off.migrations.size(), 1u);
  EXPECT_EQ(off.migrations[0].up_sql, "CREATE TABLE ${prefix}users (id int);\nGRANT SELECT ON ${prefix}users TO ${role};\n");
  ASSERT_EQ(off.notes.size(), 1u);
  EXPECT_EQ(off.notes[0].ToString(),
            dir.Path("V1__a.sql") + ":1: Flyway placeholder ${prefix} is left as written: strata replaces "
                                    "placeholders only when asked");
  LoadOptions on;
  on.placeholders = std::map<std::string, std::string>{{"prefix", "app_"}, {"role", "reader"}};
  MigrationSet replaced = Load(dir.path(), Format::kFlyway, on);
  ASSERT_EQ(replaced.migrations.size(), 1u);
  EXPECT_EQ(replaced.migrations[0].up_sql, "CREATE TABLE app_users (id int);\nGRANT SELECT ON app_users TO reader;\n");
  EXPECT_EQ(replaced.migrations[0].checksum, off.migrations[0].checksum);  // of the file, as Flyway's
  on.placeholders->erase("role");
  MigrationSet missing = Load(dir.path(), Format::kFlyway, on);
  ASSERT_EQ(missing.problems.size(), 1u);
  EXPECT_EQ(missing.problems[0].line(), 2);
  EXPECT_NE(missing.problems[0].message().find("${role}"), std::string::npos);
}

// --- dbmate ---

TEST(DbmateReaderTest, OnlyTheUpSectionRunsOnUp) {
  MigrationSet set = Load(Fixture("dbmate"), Format::kAuto);
  EXPECT_EQ(set.format, Format::kDbmate);
  EXPECT_EQ(Problems(set), "");
  ASSERT_EQ(Versions(set), (V{"20240101120000", "20240102120000", "20240103120000"}));
  const Migration& seed = set.migrations[2];
  EXPECT_EQ(seed.name, "seed_users");
  // Lines outside the section are blank, so line numbers are the file's.
  EXPECT_EQ(seed.up_sql,
            "\n\n\n-- migrate:up\ninsert into users (id, name) values (1, 'ada');\n"
            "insert into users (id, name) values (2, 'grace');\n\n");
  ASSERT_TRUE(seed.down_sql.has_value());
  EXPECT_EQ(*seed.down_sql, "\n\n\n\n\n\n\n-- migrate:down\ndelete from users where id in (1, 2);\n");
  EXPECT_EQ(seed.checksum, util::Sha256Hex("-- migrate:up\ninsert into users (id, name) values (1, 'ada');\n"
                                           "insert into users (id, name) values (2, 'grace');\n\n"));
  // transaction:false on the up marker only.
  EXPECT_TRUE(set.migrations[1].up_annotations.no_transaction);
  EXPECT_FALSE(set.migrations[1].down_annotations.no_transaction);
  EXPECT_FALSE(set.migrations[0].up_annotations.no_transaction);
}

TEST(DbmateReaderTest, MarkersMustStartTheLine) {
  TempDir dir;
  dir.Write("1_indented.sql", "  -- migrate:up\ncreate table a (id int);\n  -- migrate:down\ndrop table a;\n");
  dir.Write("2_no_down.sql", "-- migrate:up\ncreate table b (id int);\n");
  dir.Write("3_before.sql", "create table c (id int);\n-- migrate:up\nselect 1;\n-- migrate:down\n");
  dir.Write("4_order.sql", "-- migrate:down\ndrop table d;\n-- migrate:up\ncreate table d (id int);\n");
  dir.Write("5_fine.sql", "--migrate:up\ncreate table e (id int);\n--migrate:down\n");
  dir.Write("notes.sql", "select 1;");
  MigrationSet set = Load(dir.path(), Format::kDbmate);
  ASSERT_EQ(set.problems.size(), 4u) << Problems(set);
  EXPECT_NE(set.problems[0].message().find("no `-- migrate:up` marker at the start of a line"), std::string::npos);
  EXPECT_NE(set.problems[1].message().find("no `-- migrate:down` marker"), std::string::npos);
  EXPECT_NE(set.problems[2].message().find("statements before `-- migrate:up`"), std::string::npos);
  EXPECT_EQ(set.problems[3].line(), 1);
  ASSERT_EQ(Versions(set), V{"5"});
  EXPECT_EQ(*set.migrations[0].down_sql, "\n\n--migrate:down\n");  // an empty down: nothing to undo
  EXPECT_EQ(set.notes.size(), 1u);
}

}  // namespace
}  // namespace strata::source
