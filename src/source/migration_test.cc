#include "source/migration.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "source/source_test_util.h"
#include "util/sha256.h"

namespace strata::source {
namespace {

namespace fs = std::filesystem;

class LoadTest : public ::testing::Test {
 protected:
  MigrationSet Load() {
    Result<MigrationSet> r = LoadMigrations(dir_.path());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : MigrationSet{};
  }
  // The one problem, after checking there is exactly one.
  Status OnlyProblem(const MigrationSet& set) {
    EXPECT_EQ(set.problems.size(), 1u);
    for (const Status& p : set.problems) PrintIf(set.problems.size() != 1, p);
    if (set.problems.empty()) return Status::Internal("no problem");
    EXPECT_EQ(set.problems.front().code(), Status::Code::kValidation);
    return set.problems.front();
  }
  static void PrintIf(bool cond, const Status& p) {
    if (cond) ADD_FAILURE() << "problem: " << p.ToString();
  }
  TempDir dir_;
};

TEST_F(LoadTest, ReadsPairsAndUpOnlyFiles) {
  dir_.Write("0001_create_users.up.sql", "-- strata:allow drop-table\nCREATE TABLE users(id int);\n");
  dir_.Write("0001_create_users.down.sql", "DROP TABLE users;\n");
  dir_.Write("0002_add_index.sql", "-- strata:no-transaction\nCREATE INDEX CONCURRENTLY i ON users(id);\n");
  dir_.Write("0003.up.sql", "SELECT 1;");
  MigrationSet set = Load();
  EXPECT_TRUE(set.problems.empty());
  ASSERT_EQ(set.migrations.size(), 3u);

  const Migration& m1 = set.migrations[0];
  EXPECT_EQ(m1.version, "0001");
  EXPECT_EQ(m1.name, "create_users");
  EXPECT_EQ(m1.up_path, dir_.Path("0001_create_users.up.sql"));
  EXPECT_EQ(m1.up_sql, "-- strata:allow drop-table\nCREATE TABLE users(id int);\n");
  EXPECT_EQ(m1.checksum, util::Sha256Hex(m1.up_sql));
  EXPECT_EQ(m1.up_annotations.allow, std::vector<std::string>{"drop-table"});
  ASSERT_TRUE(m1.down_path.has_value());
  EXPECT_EQ(*m1.down_path, dir_.Path("0001_create_users.down.sql"));
  EXPECT_EQ(m1.down_sql, "DROP TABLE users;\n");
  EXPECT_EQ(m1.down_checksum, util::Sha256Hex("DROP TABLE users;\n"));

  const Migration& m2 = set.migrations[1];
  EXPECT_EQ(m2.name, "add_index");
  EXPECT_TRUE(m2.up_annotations.no_transaction);
  EXPECT_FALSE(m2.down_path.has_value());
  EXPECT_FALSE(m2.down_sql.has_value());
  EXPECT_EQ(m2.down_checksum, "");

  EXPECT_EQ(set.migrations[2].version, "0003");
  EXPECT_EQ(set.migrations[2].name, "");
}

TEST_F(LoadTest, IgnoresOtherFilesFoldersAndHiddenFiles) {
  dir_.Write("0001_a.up.sql", "SELECT 1;");
  dir_.Write("README.md", "# migrations");
  dir_.Write(".gitkeep", "");
  dir_.Write(".0002_hidden.up.sql", "");
  dir_.Write("0001_a.up.sql~", "");
  dir_.Write("0003_folder.sql/inner.sql", "nonsense");
  dir_.Write("archive/0004_old.up.sql", "SELECT 1;");
  MigrationSet set = Load();
  EXPECT_TRUE(set.problems.empty());
  ASSERT_EQ(set.migrations.size(), 1u);
  EXPECT_EQ(set.migrations[0].name, "a");
}

TEST_F(LoadTest, SortsVersionsNumerically) {
  for (const char* v : {"10", "9", "0011", "20261122093000", "20261122093001", "100000000000000000000"}) {
    dir_.Write(std::string(v) + "_m.up.sql", "SELECT 1;");
  }
  MigrationSet set = Load();
  EXPECT_TRUE(set.problems.empty());
  std::vector<std::string> got;
  for (const Migration& m : set.migrations) got.push_back(m.version);
  EXPECT_EQ(got, (std::vector<std::string>{"9", "10", "0011", "20261122093000", "20261122093001",
                                           "100000000000000000000"}));
}

TEST_F(LoadTest, MissingDirectory) {
  Result<MigrationSet> r = LoadMigrations(dir_.Path("nope"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(r.status().file(), dir_.Path("nope"));
  EXPECT_EQ(r.status().hint(), "run `strata init` or pass --dir");
}

TEST_F(LoadTest, PathIsAFile) {
  dir_.Write("file", "x");
  Result<MigrationSet> r = LoadMigrations(dir_.Path("file"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kIo);
  EXPECT_EQ(r.status().file(), dir_.Path("file"));
}

TEST_F(LoadTest, UnreadableDirectory) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads everything";
  fs::create_directories(dir_.Path("locked"));
  ASSERT_EQ(::chmod(dir_.Path("locked").c_str(), 0), 0);
  Result<MigrationSet> r = LoadMigrations(dir_.Path("locked"));
  ::chmod(dir_.Path("locked").c_str(), 0755);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kIo);
  EXPECT_EQ(r.status().file(), dir_.Path("locked"));
  EXPECT_FALSE(r.status().hint().empty());
}

TEST_F(LoadTest, UnreadableFileIsAProblem) {
  fs::create_symlink(dir_.Path("gone.sql.target"), dir_.Path("0001_dangling.up.sql"));
  dir_.Write("0002_ok.up.sql", "SELECT 1;");
  MigrationSet set = Load();
  Status p = OnlyProblem(set);
  EXPECT_EQ(p.file(), dir_.Path("0001_dangling.up.sql"));
  ASSERT_EQ(set.migrations.size(), 1u);
  EXPECT_EQ(set.migrations[0].version, "0002");
}

// issue 16: a NUL byte ended the SQL the engines saw; a FIFO hung the open.
TEST_F(LoadTest, NulByteIsAProblemWithItsLine) {
  using namespace std::string_literals;
  dir_.Write("0001_nul.up.sql", "CREATE TABLE c (id INTEGER);\n\0\nCREATE TABLE d (id INTEGER);\n"s);
  dir_.Write("0002_ok.up.sql", "SELECT 1;\n");
  MigrationSet set = Load();
  Status p = OnlyProblem(set);
  EXPECT_EQ(p.ToString(), dir_.Path("0001_nul.up.sql") + ":2: file contains a NUL byte");
  ASSERT_EQ(set.migrations.size(), 1u);
  EXPECT_EQ(set.migrations[0].version, "0002");
}

TEST_F(LoadTest, FifoAndOtherSpecialFilesAreProblemsNeverOpened) {
  ASSERT_EQ(::mkfifo(dir_.Path("0001_pipe.up.sql").c_str(), 0644), 0);
  ASSERT_EQ(::symlink("0001_pipe.up.sql", dir_.Path("0002_link.up.sql").c_str()), 0);
  ASSERT_EQ(::symlink("nowhere.sql", dir_.Path("0003_dangling.up.sql").c_str()), 0);
  dir_.Write("target.txt", "SELECT 1;\n");
  ASSERT_EQ(::symlink("target.txt", dir_.Path("0004_good_link.up.sql").c_str()), 0);
  for (bool cache : {false, true}) {
    LoadOptions options;
    options.use_cache = cache;
    auto set = LoadMigrations(dir_.path(), options);  // would block forever on the FIFO before
    ASSERT_TRUE(set.ok());
    ASSERT_EQ(set->problems.size(), 3u);
    EXPECT_EQ(set->problems[0].ToString(), dir_.Path("0001_pipe.up.sql") + ": not a regular file (a FIFO)");
    EXPECT_EQ(set->problems[1].ToString(), dir_.Path("0002_link.up.sql") + ": not a regular file (a FIFO)");
    EXPECT_EQ(set->problems[2].message(), "symbolic link to a missing file");
    ASSERT_EQ(set->migrations.size(), 1u);
    EXPECT_EQ(set->migrations[0].version, "0004");
  }
}

TEST_F(LoadTest, NameWithoutVersion) {
  dir_.Write("create_users.up.sql", "SELECT 1;");
  dir_.Write("0001_ok.up.sql", "SELECT 1;");
  MigrationSet set = Load();
  Status p = OnlyProblem(set);
  EXPECT_EQ(p.message(),
            "file name has no version: create_users.up.sql; name migrations VERSION_NAME.up.sql "
            "(and VERSION_NAME.down.sql)");
  EXPECT_EQ(p.file(), dir_.Path("create_users.up.sql"));
  EXPECT_EQ(set.migrations.size(), 1u);
}

TEST_F(LoadTest, NoUnderscoreAfterVersion) {
  dir_.Write("0001-create.up.sql", "SELECT 1;");
  Status p = OnlyProblem(Load());
  EXPECT_NE(p.message().find("0001-create.up.sql"), std::string::npos);
  EXPECT_EQ(p.file(), dir_.Path("0001-create.up.sql"));
}

TEST_F(LoadTest, DuplicateVersionsLoadNeither) {
  dir_.Write("001_a.up.sql", "SELECT 1;");
  dir_.Write("1_b.up.sql", "SELECT 2;");
  dir_.Write("1_b.down.sql", "SELECT 2;");
  dir_.Write("0002_c.up.sql", "SELECT 3;");
  MigrationSet set = Load();
  Status p = OnlyProblem(set);
  EXPECT_NE(p.message().find("duplicate version"), std::string::npos) << p.message();
  EXPECT_NE(p.message().find("001_a.up.sql"), std::string::npos) << p.message();
  EXPECT_NE(p.message().find("1_b.up.sql"), std::string::npos) << p.message();
  EXPECT_EQ(p.file(), dir_.Path("001_a.up.sql"));
  ASSERT_EQ(set.migrations.size(), 1u);
  EXPECT_EQ(set.migrations[0].version, "0002");
}

TEST_F(LoadTest, SameVersionAndNameTwiceIsDuplicate) {
  dir_.Write("0001_a.sql", "SELECT 1;");
  dir_.Write("0001_a.up.sql", "SELECT 1;");
  MigrationSet set = Load();
  Status p = OnlyProblem(set);
  EXPECT_NE(p.message().find("0001_a.sql"), std::string::npos);
  EXPECT_NE(p.message().find("0001_a.up.sql"), std::string::npos);
  EXPECT_TRUE(set.migrations.empty());
}

TEST_F(LoadTest, DownWithoutUp) {
  dir_.Write("0001_a.up.sql", "SELECT 1;");
  dir_.Write("0001_b.down.sql", "SELECT 1;");  // name differs from the up
  dir_.Write("0002_c.down.sql", "SELECT 1;");
  // Detected, this folder reads as golang-migrate's (readers_test.cc); the
  // native reader's rule is what this test is about.
  LoadOptions native;
  native.format = Format::kNative;
  auto loaded = LoadMigrations(dir_.path(), native);
  ASSERT_TRUE(loaded.ok());
  MigrationSet set = std::move(*loaded);
  ASSERT_EQ(set.problems.size(), 2u);
  EXPECT_EQ(set.problems[0].file(), dir_.Path("0001_b.down.sql"));
  EXPECT_EQ(set.problems[0].message(), "down migration without an up file: 0001_b.down.sql");
  EXPECT_EQ(set.problems[1].file(), dir_.Path("0002_c.down.sql"));
  EXPECT_NE(set.problems[1].hint().find("0002_c.up.sql"), std::string::npos);
  ASSERT_EQ(set.migrations.size(), 1u);  // the up itself is fine
  EXPECT_FALSE(set.migrations[0].down_path.has_value());
}

TEST_F(LoadTest, EmptyUpIsAProblemEmptyDownIsNot) {
  dir_.Write("0001_blank.up.sql", "  \n\t\n");
  dir_.Write("0002_comments.up.sql", "-- just a note\n/* and a block\n comment */\n");
  dir_.Write("0003_zero.up.sql", "");
  dir_.Write("0004_ok.up.sql", "SELECT 1;");
  dir_.Write("0004_ok.down.sql", "");
  MigrationSet set = Load();
  ASSERT_EQ(set.problems.size(), 3u);
  for (const Status& p : set.problems) {
    EXPECT_EQ(p.message().rfind("empty migration", 0), 0u) << p.message();
  }
  EXPECT_EQ(set.problems[0].file(), dir_.Path("0001_blank.up.sql"));
  ASSERT_EQ(set.migrations.size(), 1u);
  EXPECT_EQ(set.migrations[0].down_sql, std::optional<std::string>(""));
}

TEST_F(LoadTest, NonUtf8NamesTheLine) {
  dir_.Write("0001_latin1.up.sql", "SELECT 1;\nINSERT INTO t VALUES ('caf\xe9');\n");
  dir_.Write("0002_ok.up.sql", "SELECT 1;");
  dir_.Write("0002_ok.down.sql", "\n\n\xff");
  MigrationSet set = Load();
  ASSERT_EQ(set.problems.size(), 2u);
  EXPECT_EQ(set.problems[0].file(), dir_.Path("0001_latin1.up.sql"));
  EXPECT_EQ(set.problems[0].line(), 2);
  EXPECT_EQ(set.problems[1].file(), dir_.Path("0002_ok.down.sql"));
  EXPECT_EQ(set.problems[1].line(), 3);
  EXPECT_TRUE(set.migrations.empty());  // a migration with a broken down is not loaded
}

TEST_F(LoadTest, BadAnnotationIsAProblemWithLine) {
  dir_.Write("0001_a.up.sql", "-- header\n\n-- strata:no-transacton\nSELECT 1;");
  Status p = OnlyProblem(Load());
  EXPECT_EQ(p.message(), "unknown annotation 'strata:no-transacton' (known: no-transaction, foreign-keys-off, allow)");
  EXPECT_EQ(p.file(), dir_.Path("0001_a.up.sql"));
  EXPECT_EQ(p.line(), 3);
}

TEST_F(LoadTest, CrlfChecksumEqualsLf) {
  dir_.Write("0001_lf.up.sql", "CREATE TABLE a(id int);\nSELECT 1;\n");
  dir_.Write("0001_lf.down.sql", "DROP TABLE a;\n");
  TempDir other;
  other.Write("0001_lf.up.sql", "CREATE TABLE a(id int);\r\nSELECT 1;\r\n");
  other.Write("0001_lf.down.sql", "DROP TABLE a;\r\n");
  MigrationSet lf = Load();
  Result<MigrationSet> crlf = LoadMigrations(other.path());
  ASSERT_TRUE(crlf.ok());
  ASSERT_EQ(lf.migrations.size(), 1u);
  ASSERT_EQ(crlf->migrations.size(), 1u);
  EXPECT_EQ(lf.migrations[0].checksum, crlf->migrations[0].checksum);
  EXPECT_EQ(lf.migrations[0].down_checksum, crlf->migrations[0].down_checksum);
  EXPECT_EQ(crlf->migrations[0].up_sql, "CREATE TABLE a(id int);\nSELECT 1;\n");
  EXPECT_EQ(crlf->migrations[0].down_sql, std::optional<std::string>("DROP TABLE a;\n"));
  EXPECT_EQ(Checksum("a\r\nb"), Checksum("a\nb"));
  EXPECT_NE(Checksum("a\rb"), Checksum("a\nb"));  // a lone CR is content
}

TEST_F(LoadTest, ThousandFilesAreFast) {
  for (int i = 1; i <= 1000; ++i) {
    char v[16];
    std::snprintf(v, sizeof v, "%05d", i);
    dir_.Write(std::string(v) + "_m.up.sql", "CREATE TABLE t" + std::to_string(i) + "(id int);\n");
    if (i % 2 == 0) dir_.Write(std::string(v) + "_m.down.sql", "DROP TABLE t" + std::to_string(i) + ";\n");
  }
  auto start = std::chrono::steady_clock::now();
  MigrationSet set = Load();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  EXPECT_EQ(set.migrations.size(), 1000u);
  EXPECT_TRUE(set.problems.empty());
  // Typically ~50 ms (~500 ms in a Debug sanitizer build); the bound is loose
  // because the test machine is shared.
#if defined(__SANITIZE_ADDRESS__) || !defined(NDEBUG)
  EXPECT_LT(ms.count(), 10000);
#else
  EXPECT_LT(ms.count(), 2000);
#endif
  std::fprintf(stderr, "LoadMigrations(1000 files): %lld ms\n", static_cast<long long>(ms.count()));
}

TEST(CompareVersionsTest, Numeric) {
  EXPECT_LT(CompareVersions("9", "10"), 0);
  EXPECT_GT(CompareVersions("0010", "9"), 0);
  EXPECT_EQ(CompareVersions("001", "1"), 0);
  EXPECT_EQ(CompareVersions("0", "000"), 0);
  EXPECT_LT(CompareVersions("20261122093000", "20261122093001"), 0);
  EXPECT_GT(CompareVersions("20261122093000", "9999"), 0);
  EXPECT_LT(CompareVersions("99999999999999999999", "100000000000000000000"), 0);
}

TEST(AnnotationsTest, LeadingBlockOnly) {
  Result<Annotations> a = ParseAnnotations(
      "\xEF\xBB\xBF-- migration: add index\n\n--strata:no-transaction\r\n"
      "-- strata:allow a,b c , d\n-- strata:allow a\nCREATE INDEX i ON t(x);\n-- strata:bogus\n",
      "f.sql");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_TRUE(a->no_transaction);
  EXPECT_EQ(a->allow, (std::vector<std::string>{"a", "b", "c", "d"}));

  Result<Annotations> none = ParseAnnotations("SELECT 1;\n-- strata:no-transaction\n", "f.sql");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->no_transaction);
  // A block comment ends the leading block too.
  Result<Annotations> block = ParseAnnotations("/* x */\n-- strata:no-transaction\n", "f.sql");
  ASSERT_TRUE(block.ok());
  EXPECT_FALSE(block->no_transaction);
}

TEST(AnnotationsTest, Errors) {
  Result<Annotations> unknown = ParseAnnotations("-- strata:xyz\nSELECT 1;", "f.sql");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), Status::Code::kValidation);
  EXPECT_EQ(unknown.status().message(), "unknown annotation 'strata:xyz' (known: no-transaction, foreign-keys-off, allow)");
  EXPECT_EQ(unknown.status().file(), "f.sql");
  EXPECT_EQ(unknown.status().line(), 1);

  Result<Annotations> empty_allow = ParseAnnotations("\n-- strata:allow ,\n", "f.sql");
  ASSERT_FALSE(empty_allow.ok());
  EXPECT_EQ(empty_allow.status().line(), 2);

  Result<Annotations> args = ParseAnnotations("-- strata:no-transaction allow x\n", "f.sql");
  ASSERT_FALSE(args.ok());
  EXPECT_EQ(args.status().line(), 1);
}

TEST(NormalizeNameTest, Forms) {
  EXPECT_EQ(NormalizeName("Create Users!"), "create_users");
  EXPECT_EQ(NormalizeName("add-email  to__users"), "add_email_to_users");
  EXPECT_EQ(NormalizeName("  v2 Index "), "v2_index");
  EXPECT_EQ(NormalizeName("caf\xc3\xa9"), "caf");
  EXPECT_EQ(NormalizeName("!!!"), "");
}

}  // namespace
}  // namespace strata::source
