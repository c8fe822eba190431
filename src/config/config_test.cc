#include "config/config.h"

#include <gtest/gtest.h>
#include <strata/redact.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

namespace strata::config {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// A fresh folder, removed on destruction. Local so that this test links only
// strata_config.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = (fs::temp_directory_path() /
             ("strata_config_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++)))
                .string();
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Write(const std::string& rel, const std::string& content) const {
    fs::path p = fs::path(path_) / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }

 private:
  std::string path_;
};

// Changes the working directory for one test.
class ScopedCwd {
 public:
  explicit ScopedCwd(const std::string& dir) : old_(fs::current_path()) { fs::current_path(dir); }
  ~ScopedCwd() { fs::current_path(old_); }

 private:
  fs::path old_;
};

GetEnv FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

class ConfigTest : public ::testing::Test {
 protected:
  // Writes strata.toml into the temp dir and returns Options pointing at it.
  Options WithFile(const std::string& toml, const std::string& rel = "strata.toml") {
    Options o;
    o.config_path = dir_.Write(rel, toml);
    return o;
  }
  TempDir dir_;
};

constexpr const char* kTwoEnvs = R"(default_env = "dev"
[env.dev]
url = "sqlite:dev.db"
[env.production]
url = "sqlite:prod.db"
protected = true
)";

TEST_F(ConfigTest, NoFileUsesDatabaseUrl) {
  ScopedCwd cwd(dir_.path());
  Result<Config> c = Load(Options{}, FakeEnv({{"DATABASE_URL", "sqlite:app.db"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->config_path, "");
  EXPECT_EQ(c->env.name, "");
  EXPECT_EQ(c->env.url, "sqlite:app.db");
  EXPECT_EQ(c->dir, "migrations");
  EXPECT_EQ(c->schema_file, "schema.sql");
  EXPECT_EQ(c->env.lint, "warning");
  EXPECT_FALSE(c->env.is_protected);
}

TEST_F(ConfigTest, NoFileOptionsUrlBeatsDatabaseUrl) {
  ScopedCwd cwd(dir_.path());
  Options o;
  o.url = "sqlite:flag.db";
  Result<Config> c = Load(o, FakeEnv({{"DATABASE_URL", "sqlite:app.db"}, {"STRATA_ENV", "production"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->env.url, "sqlite:flag.db");
  EXPECT_EQ(c->env.name, "");  // $STRATA_ENV means nothing without a file
}

TEST_F(ConfigTest, NoUrlAtAll) {
  ScopedCwd cwd(dir_.path());
  Result<Config> c = Load(Options{}, FakeEnv({}));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(c.status().hint(), "pass --url, set DATABASE_URL, or add [env.NAME] url = ... to strata.toml");
  // Commands that never connect run without one.
  Result<Config> lenient = Load(Options{}, FakeEnv({}), /*need_url=*/false);
  ASSERT_TRUE(lenient.ok()) << lenient.status().ToString();
  EXPECT_EQ(lenient->env.url, "");
  EXPECT_EQ(lenient->url_status.hint(), c.status().hint());
}

TEST_F(ConfigTest, EnvOptionWithoutFileIsNotFound) {
  ScopedCwd cwd(dir_.path());
  Options o;
  o.env = "production";
  Result<Config> c = Load(o, FakeEnv({{"DATABASE_URL", "sqlite:a.db"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Status::Code::kNotFound);
}

TEST_F(ConfigTest, ExplicitConfigMustExist) {
  Options o;
  o.config_path = dir_.path() + "/nope.toml";
  Result<Config> c = Load(o, FakeEnv({{"DATABASE_URL", "sqlite:a.db"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(c.status().file(), o.config_path);
}

TEST_F(ConfigTest, FindsStrataTomlInWorkingDirectory) {
  dir_.Write("strata.toml", "dir = \"db\"\n[env.dev]\nurl = \"sqlite:dev.db\"\n");
  ScopedCwd cwd(dir_.path());
  Result<Config> c = Load(Options{}, FakeEnv({}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->config_path, "strata.toml");
  EXPECT_EQ(c->base_dir, ".");
  EXPECT_EQ(c->dir, "db");
  EXPECT_EQ(c->env.name, "dev");
  EXPECT_EQ(c->env.url, "sqlite:dev.db");
}

TEST_F(ConfigTest, MalformedTomlGivesFileLineColumn) {
  Options o = WithFile("[env.dev]\nurl = \"sqlite:x.db\"\nprotected = tru\n");
  Result<Config> c = Load(o, FakeEnv({}));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Status::Code::kParse);
  EXPECT_EQ(c.status().file(), o.config_path);
  EXPECT_EQ(c.status().line(), 3);
  EXPECT_GT(c.status().column(), 0);
}

// Found by fuzz/config_fuzz.cc: a NUL where toml++ expects a key ("[\0")
// failed an assertion inside toml++ 3.3 and aborted builds without NDEBUG.
TEST_F(ConfigTest, NulByteIsAParseErrorRegressionFuzzConfig) {
  for (const std::string& text : {std::string("[\0", 2), std::string("dir = \"m\"\n[env.d\0ev]\n", 21)}) {
    Options o = WithFile(text);
    Result<Config> c = Load(o, FakeEnv({}), /*need_url=*/false);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.status().code(), Status::Code::kParse);
    EXPECT_EQ(c.status().file(), o.config_path);
    EXPECT_NE(c.status().message().find("NUL byte"), std::string::npos) << c.status().message();
  }
  Result<Config> c = Load(WithFile(std::string("dir = \"m\"\n[env.d\0ev]\n", 21)), FakeEnv({}), false);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().line(), 2);
  EXPECT_EQ(c.status().column(), 7);
}

// Found by fuzz/config_fuzz.cc: '[' followed by a line break failed an
// assertion inside toml++ 3.3 (parse_key) and aborted Debug and sanitizer
// builds; it is a syntax error at the header.
TEST_F(ConfigTest, TableHeaderWithoutKeyIsAParseErrorRegressionFuzzConfig) {
  Options o = WithFile("default_env = \"production\"\n[\nprotected = true\n");
  Result<Config> c = Load(o, FakeEnv({}), /*need_url=*/false);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Status::Code::kParse);
  EXPECT_EQ(c.status().file(), o.config_path);
  EXPECT_EQ(c.status().line(), 2);
}

// Found by fuzz/config_fuzz.cc: toml++ 3.3 reaches __builtin_unreachable()
// (undefined behaviour, in release builds too) when it asks whether a
// character like U+01AA is whitespace, which it does for any character
// outside strings. Such a character is refused first; inside strings and
// comments non-ASCII text still loads.
TEST_F(ConfigTest, NonAsciiOutsideStringsIsAParseErrorRegressionFuzzConfig) {
  // The last: a quote after a value is no string to toml++, which reads on
  // character by character (found by the fuzz target a second time).
  for (const std::string& text : {std::string("\xC6\xAA"), std::string("dir = \"m\"\n\xC3\xA9t\xC3\xA9 = 1\n"),
                                  std::string("a = \"\"\"x\\\n  \xC6\xAA\"\"\"\n"),
                                  std::string("default_env = 1\"77\xC4\xBD\nx\"\n"),
                                  std::string("a = \"\"\"x\\\n\xC2\xA0\xC4\xBD\"\"\"\n"),
                                  // Past the precheck (a quote after "5{" looks like a
                                  // string to it); toml++'s table now answers "not
                                  // whitespace" instead of reaching __builtin_unreachable.
                                  std::string("dir = \"m\"\nurl = 5{\"4w$5-UN.dl\xC7\x8B.db\"\n")}) {
    Options o = WithFile(text);
    Result<Config> c = Load(o, FakeEnv({}), /*need_url=*/false);
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_EQ(c.status().code(), Status::Code::kParse);
    EXPECT_EQ(c.status().file(), o.config_path);
  }
  Result<Config> c = Load(WithFile("dir = \"m\"\n\xC3\xA9t\xC3\xA9 = 1\n"), FakeEnv({}), false);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().line(), 2);
  EXPECT_EQ(c.status().column(), 1);
  Result<Config> ok = Load(WithFile("# caf\xC3\xA9 \xC6\xAA\ndir = \"migr\xC3\xA9\xC6\xAA\" # \xC6\xAA\n"
                                    "schema = 'sch\xC3\xA9ma.sql'\nimpact_notes = \"\"\"n\xC6\xAA\"\"\"\n"
                                    "[env.dev]\nurl = \"sqlite:d\xC3\xA9v.db\"\n"
                                    "[env.\"pr\xC3\xA9\"]\nurl = \"sqlite:a.db\"\n[fleet.f]\nurls = [\n  \"sqlite:\xC6\xAA.db\",\n"
                                    "  'sqlite:b\xC6\xAA.db' ]\n"),
                           FakeEnv({}));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_NE(ok->dir.find("migr\xC3\xA9\xC6\xAA"), std::string::npos);
  EXPECT_EQ(ok->env.url, "sqlite:d\xC3\xA9v.db");
}

TEST_F(ConfigTest, FormatFromFileAndCommandLine) {
  Options o = WithFile("format = \"flyway\"\n[env.dev]\nurl = \"sqlite:dev.db\"\n");
  Result<Config> c = Load(o, FakeEnv({}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->format, "flyway");
  o.format = "drizzle";
  EXPECT_EQ(Load(o, FakeEnv({}))->format, "drizzle");
  EXPECT_EQ(Load(Options{}, FakeEnv({{"DATABASE_URL", "sqlite:a.db"}}))->format, "auto");
  for (const char* name : {"auto", "native", "drizzle", "drizzle-kit", "golang-migrate", "flyway", "dbmate"}) {
    Options each;
    each.format = name;
    EXPECT_TRUE(Load(each, FakeEnv({{"DATABASE_URL", "sqlite:a.db"}})).ok()) << name;
  }
}

TEST_F(ConfigTest, UnknownFormatNamesTheLineOrTheFlag) {
  Result<Config> c = Load(WithFile("dir = \"m\"\nformat = \"liquibase\"\n"), FakeEnv({{"DATABASE_URL", "sqlite:a"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(c.status().line(), 2);
  EXPECT_EQ(c.status().message(), "format: unknown migration folder format 'liquibase'");
  Options o;
  o.format = "goose";
  c = Load(o, FakeEnv({{"DATABASE_URL", "sqlite:a"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "--format: unknown migration folder format 'goose'");
}

TEST_F(ConfigTest, ImpactNotesIsRelativeToTheFile) {
  Options o = WithFile("impact_notes = \"docs/bugs.md\"\n", "deploy/strata.toml");
  Result<Config> c = Load(o, FakeEnv({{"DATABASE_URL", "sqlite:a"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->impact_notes, dir_.path() + "/deploy/docs/bugs.md");
  EXPECT_EQ(Load(Options{}, FakeEnv({{"DATABASE_URL", "sqlite:a"}}))->impact_notes, "");
}

TEST_F(ConfigTest, PlaceholdersTable) {
  Options o = WithFile("[placeholders]\nschema = \"app\"\nrole = \"${READER}\"\n");
  Result<Config> c = Load(o, FakeEnv({{"READER", "reader"}, {"DATABASE_URL", "sqlite:a"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_TRUE(c->placeholders.has_value());
  EXPECT_EQ(*c->placeholders, (std::map<std::string, std::string>{{"role", "reader"}, {"schema", "app"}}));
  EXPECT_FALSE(Load(Options{}, FakeEnv({{"DATABASE_URL", "sqlite:a"}}))->placeholders.has_value());
  c = Load(WithFile("[placeholders]\nversion = 3\n"), FakeEnv({{"DATABASE_URL", "sqlite:a"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "placeholders.version: expected a string, got an integer");
  EXPECT_EQ(c.status().line(), 2);
}

TEST_F(ConfigTest, UnknownEnvironmentListsDefinedOnes) {
  Options o = WithFile(kTwoEnvs);
  o.env = "prod";
  Result<Config> c = Load(o, FakeEnv({}));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(c.status().message(),
            "unknown environment 'prod' in " + o.config_path + "; defined: dev, production");
}

TEST_F(ConfigTest, EnvironmentPrecedence) {
  // Options.env > $STRATA_ENV > default_env > "dev" > the only one.
  std::string three =
      "default_env = \"staging\"\n[env.dev]\nurl = \"sqlite:d.db\"\n"
      "[env.staging]\nurl = \"sqlite:s.db\"\n[env.production]\nurl = \"sqlite:p.db\"\n";
  Options o = WithFile(three);
  o.env = "production";
  EXPECT_EQ(Load(o, FakeEnv({{"STRATA_ENV", "dev"}}))->env.name, "production");
  o.env = "";
  EXPECT_EQ(Load(o, FakeEnv({{"STRATA_ENV", "dev"}}))->env.name, "dev");
  EXPECT_EQ(Load(o, FakeEnv({{"STRATA_ENV", ""}}))->env.name, "staging");
  Options no_default =
      WithFile("[env.dev]\nurl = \"sqlite:d.db\"\n[env.staging]\nurl = \"sqlite:s.db\"\n", "b.toml");
  EXPECT_EQ(Load(no_default, FakeEnv({}))->env.name, "dev");
  Options only = WithFile("[env.staging]\nurl = \"sqlite:s.db\"\n", "c.toml");
  EXPECT_EQ(Load(only, FakeEnv({}))->env.name, "staging");
  Options ambiguous = WithFile("[env.a]\nurl = \"sqlite:a.db\"\n[env.b]\nurl = \"sqlite:b.db\"\n", "d.toml");
  Result<Config> c = Load(ambiguous, FakeEnv({}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("defined: a, b"), std::string::npos) << c.status().message();
}

TEST_F(ConfigTest, DefaultEnvNamingUnknownEnvironment) {
  Options o = WithFile("default_env = \"prod\"\n[env.production]\nurl = \"sqlite:p.db\"\n");
  Result<Config> c = Load(o, FakeEnv({}));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(c.status().line(), 1);
}

TEST_F(ConfigTest, UrlPrecedence) {
  Options o = WithFile(kTwoEnvs);
  auto env = FakeEnv({{"DATABASE_URL", "sqlite:from_env.db"}});
  EXPECT_EQ(Load(o, env)->env.url, "sqlite:dev.db");
  o.url = "sqlite:flag.db";
  EXPECT_EQ(Load(o, env)->env.url, "sqlite:flag.db");
  Options no_url = WithFile("[env.dev]\nprotected = false\n", "b.toml");
  EXPECT_EQ(Load(no_url, env)->env.url, "sqlite:from_env.db");
  Result<Config> none = Load(no_url, FakeEnv({}));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(none.status().hint().find("--url"), std::string::npos);
}

TEST_F(ConfigTest, Interpolation) {
  Options o = WithFile(
      "[env.dev]\nurl = \"postgres://app:${PGPASS}@${HOST}:5432/app\"\n"
      "table = \"t_$${X}\"\n");
  // "$$" is a literal "$", so the table name check sees "t_${X}" and rejects it.
  Result<Config> bad_table = Load(o, FakeEnv({{"PGPASS", "s3cret-pw"}, {"HOST", "db"}}));
  ASSERT_FALSE(bad_table.ok());
  EXPECT_NE(bad_table.status().message().find("'t_${X}'"), std::string::npos) << bad_table.status().message();

  Options ok = WithFile(
      "[env.dev]\nurl = \"postgres://app:${PGPASS}@${HOST}:5432/app\"\n"
      "schema = \"${SCHEMA}\"\n",
      "b.toml");
  Result<Config> c = Load(ok, FakeEnv({{"PGPASS", "s3cret-pw"}, {"HOST", "db"}, {"SCHEMA", "app"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->env.url, "postgres://app:s3cret-pw@db:5432/app");
  EXPECT_EQ(c->env.schema, "app");
  // The password found through ${PGPASS} is registered for redaction.
  EXPECT_EQ(Redact("password is s3cret-pw"), "password is ****");
}

// Found by the config fuzz target: a URL from the environment landed in a
// setting that is not a URL, and the error echoed the value before any URL
// parse had registered its password.
TEST_F(ConfigTest, PasswordFromTheEnvironmentIsRedactedInAnyEchoedSetting) {
  Options o = WithFile("format = \"x${DATABASE_URL}\"\n[env.dev]\nurl = \"sqlite:d.db\"\n");
  Result<Config> c = Load(o, FakeEnv({{"DATABASE_URL", "postgres://app:pw-from-env-77@db:5432/app"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("unknown migration folder format"), std::string::npos)
      << c.status().message();
  std::string shown = Redact(c.status().ToString());
  EXPECT_EQ(shown.find("pw-from-env-77"), std::string::npos) << shown;
  EXPECT_NE(shown.find("postgres://app:****@db"), std::string::npos) << shown;
}

TEST_F(ConfigTest, UnsetVariableNamesSettingAndLine) {
  Options o = WithFile(kTwoEnvs + std::string("[env.ci]\nurl = \"${DATABASE_URL}\"\n"));
  o.env = "ci";
  Result<Config> c = Load(o, FakeEnv({}));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(c.status().message(), "env.ci.url: environment variable DATABASE_URL is not set");
  EXPECT_EQ(c.status().file(), o.config_path);
  EXPECT_EQ(c.status().line(), 8);
}

TEST_F(ConfigTest, UnsetVariableInAnotherEnvironmentIsFine) {
  Options o = WithFile("[env.dev]\nurl = \"sqlite:d.db\"\n[env.production]\nurl = \"${PROD_URL}\"\n");
  Result<Config> c = Load(o, FakeEnv({}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->env.name, "dev");
  // --url replaces the url, so its variable need not be set either.
  o.env = "production";
  o.url = "sqlite:other.db";
  Result<Config> p = Load(o, FakeEnv({}));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->env.url, "sqlite:other.db");
}

TEST_F(ConfigTest, EnvUrlExpandingToEmptyDoesNotFallBack) {
  Options o = WithFile("[env.dev]\nurl = \"${APP_URL}\"\n");
  Result<Config> c = Load(o, FakeEnv({{"APP_URL", ""}, {"DATABASE_URL", "sqlite:other.db"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(c.status().message(), "env.dev.url: the URL is empty");
  EXPECT_EQ(c.status().line(), 2);
}

TEST_F(ConfigTest, BadSyntaxInVariable) {
  Options o = WithFile("[env.dev]\nurl = \"sqlite:${oops\"\n");
  Result<Config> c = Load(o, FakeEnv({}));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().line(), 2);
  EXPECT_NE(c.status().message().find("env.dev.url"), std::string::npos);
}

TEST_F(ConfigTest, LoneDollarIsLiteral) {
  Options o = WithFile("[env.dev]\nurl = \"postgres://u:pa$word@h/db\"\n");
  Result<Config> c = Load(o, FakeEnv({}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->env.url, "postgres://u:pa$word@h/db");
}

TEST_F(ConfigTest, RelativePathsFollowConfigFolder) {
  Options o =
      WithFile("dir = \"db/migrations\"\nschema = \"db/schema.sql\"\n[env.dev]\nurl = \"sqlite:d.db\"\n",
               "sub/strata.toml");
  Result<Config> c = Load(o, FakeEnv({}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->base_dir, dir_.path() + "/sub");
  EXPECT_EQ(c->dir, dir_.path() + "/sub/db/migrations");
  EXPECT_EQ(c->schema_file, dir_.path() + "/sub/db/schema.sql");
  // --dir is relative to the working directory.
  o.dir = "elsewhere";
  EXPECT_EQ(Load(o, FakeEnv({}))->dir, "elsewhere");
  // Defaults also sit next to the file; absolute paths stay.
  Options defaults =
      WithFile("dir = \"/abs/migrations\"\n[env.dev]\nurl = \"sqlite:d.db\"\n", "other/strata.toml");
  Result<Config> d = Load(defaults, FakeEnv({}));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->dir, "/abs/migrations");
  EXPECT_EQ(d->schema_file, dir_.path() + "/other/schema.sql");
}

// Issue 8 made `backup = true` an error while it did nothing; backups exist
// now (ops/backup), so it is accepted again. What it does is tested in
// tests/integration/backup_test.cc (UpWithBackupTakesOneFirst...,
// FailingBackupStopsUpBeforeAnythingIsApplied).
TEST_F(ConfigTest, Issue8BackupTrueIsAcceptedNowThatBackupsExist) {
  Options o = WithFile("[env.dev]\nurl = \"sqlite:d.db\"\n[env.production]\nurl = \"sqlite:p.db\"\nbackup = true\n");
  o.env = "production";
  Result<Config> c = Load(o, FakeEnv({}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->env.backup);
}

TEST_F(ConfigTest, EverySetting) {
  Options o = WithFile(R"([env.production]
url = "sqlite:p.db"
protected = true
backup = true
lint = "error"
lock_timeout = "5s"
lock_wait = 30
connect_timeout = "250ms"
connect_retries = 7
schema = "ops"
table = "mig"
events_table = "mig_events"
lock_table = "mig_lock"
)");
  Result<Config> c = Load(o, FakeEnv({}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const Environment& e = c->env;
  EXPECT_EQ(e.name, "production");
  EXPECT_TRUE(e.is_protected);
  EXPECT_TRUE(e.backup);
  EXPECT_EQ(e.lint, "error");
  EXPECT_EQ(e.lock_timeout, milliseconds(5000));
  EXPECT_EQ(e.lock_wait, milliseconds(30000));
  EXPECT_EQ(e.connect_timeout, milliseconds(250));
  EXPECT_EQ(e.connect_retries, 7);
  EXPECT_EQ(e.schema, "ops");
  EXPECT_EQ(e.table, "mig");
  EXPECT_EQ(e.events_table, "mig_events");
  EXPECT_EQ(e.lock_table, "mig_lock");
}

TEST_F(ConfigTest, OperationsSettings) {
  Options o = WithFile(R"(audit_log = "logs/top.log"
audit_log_max = "10MB"
[env.production]
url = "sqlite:p.db"
statement_timeout = "15m"
backup_dir = "/var/backups/app"
backup_keep = 10
backup_compress = true
backup_key = "${KEY}"
pg_dump = "/usr/lib/postgresql/16/bin/pg_dump"
audit_log_keep = 3
)");
  Result<Config> c = Load(o, FakeEnv({{"KEY", "0123456789abcdef-secret"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const Environment& e = c->env;
  EXPECT_EQ(e.statement_timeout, milliseconds(15 * 60 * 1000));
  EXPECT_EQ(e.backup_dir, "/var/backups/app");
  EXPECT_EQ(e.backup_keep, 10);
  EXPECT_TRUE(e.backup_compress);
  EXPECT_EQ(e.backup_key, "0123456789abcdef-secret");
  EXPECT_EQ(Redact("key 0123456789abcdef-secret"), "key ****") << "the key is a secret";
  EXPECT_EQ(e.pg_dump, "/usr/lib/postgresql/16/bin/pg_dump");
  // Top-level audit keys apply where the environment does not set its own;
  // paths are relative to the file's folder.
  EXPECT_EQ(e.audit_log, dir_.path() + "/logs/top.log");
  EXPECT_EQ(e.audit_log_max, 10 * 1024 * 1024);
  EXPECT_EQ(e.audit_log_keep, 3);

  Options own = WithFile("audit_log = \"top.log\"\n[env.dev]\nurl = \"sqlite:d.db\"\naudit_log = \"own.log\"\n"
                         "audit_log_max = 2048\n");
  Result<Config> d = Load(own, FakeEnv({}));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->env.audit_log, dir_.path() + "/own.log");
  EXPECT_EQ(d->env.audit_log_max, 2048);
  // Defaults: backups/ beside the file, no audit log, no encryption.
  Options plain = WithFile("[env.dev]\nurl = \"sqlite:d.db\"\n");
  Result<Config> p = Load(plain, FakeEnv({}));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->env.backup_dir, dir_.path() + "/backups");
  EXPECT_EQ(p->env.audit_log, "");
  EXPECT_EQ(p->env.backup_key, "");
  EXPECT_EQ(p->env.backup_keep, 0);
  EXPECT_EQ(p->env.pg_dump, "pg_dump");
  EXPECT_EQ(p->env.statement_timeout, milliseconds(0));
}

TEST_F(ConfigTest, OperationsSettingsErrorsNameTheSetting) {
  struct Case {
    std::string toml, message;
  };
  std::vector<Case> cases = {
      {"backup_keep = -1", "env.dev.backup_keep: must be between 0 and 100000"},
      {"backup_keep = \"3\"", "env.dev.backup_keep: expected an integer, got a string"},
      {"backup_compress = \"yes\"", "env.dev.backup_compress: expected true or false, got a string"},
      {"backup_key = \"\"", "env.dev.backup_key: is empty"},
      {"backup_key = \"short\"", "env.dev.backup_key: is shorter than 8 characters"},
      {"backup_dir = \"\"", "env.dev.backup_dir: must not be empty"},
      {"statement_timeout = \"soon\"", "env.dev.statement_timeout: bad duration 'soon'"},
      {"audit_log_max = \"10 parsecs\"", "env.dev.audit_log_max: bad size '10 parsecs'"},
      {"audit_log_keep = 5000", "env.dev.audit_log_keep: must be between 0 and 1000"},
      {"backup_kep = 3", "env.dev.backup_kep: unknown setting (did you mean 'backup_keep'?)"},
  };
  for (const auto& c : cases) {
    Result<Config> r = Load(WithFile("[env.dev]\nurl = \"sqlite:d.db\"\n" + c.toml + "\n"), FakeEnv({}));
    ASSERT_FALSE(r.ok()) << c.toml;
    EXPECT_NE(r.status().ToString().find(c.message), std::string::npos) << r.status().ToString();
    EXPECT_EQ(r.status().line(), 3) << c.toml;
  }
  Result<Config> top = Load(WithFile("audit_log_keep = \"x\"\n[env.dev]\nurl = \"sqlite:d.db\"\n"), FakeEnv({}));
  ASSERT_FALSE(top.ok());
  EXPECT_NE(top.status().ToString().find("audit_log_keep: expected an integer, got a string"), std::string::npos)
      << top.status().ToString();
  // ${VAR} in backup_key: unset is an error naming the setting, but only in
  // the environment in use.
  Result<Config> unset = Load(WithFile("[env.dev]\nurl = \"sqlite:d.db\"\nbackup_key = \"${NOPE}\"\n"), FakeEnv({}));
  ASSERT_FALSE(unset.ok());
  EXPECT_NE(unset.status().ToString().find("env.dev.backup_key: environment variable NOPE is not set"),
            std::string::npos);
}

TEST(ParseSizeTest, UnitsArePowersOf1024) {
  EXPECT_EQ(*ParseSize("512"), 512);
  EXPECT_EQ(*ParseSize("10MB"), 10 * 1024 * 1024);
  EXPECT_EQ(*ParseSize("1 GiB"), 1024 * 1024 * 1024);
  EXPECT_EQ(*ParseSize("64k"), 64 * 1024);
  EXPECT_FALSE(ParseSize("").ok());
  EXPECT_FALSE(ParseSize("MB").ok());
  EXPECT_FALSE(ParseSize("1.5MB").ok());
}

TEST_F(ConfigTest, ProtectedFlagPerEnvironment) {
  Options o = WithFile(kTwoEnvs);
  EXPECT_FALSE(Load(o, FakeEnv({}))->env.is_protected);
  o.env = "production";
  EXPECT_TRUE(Load(o, FakeEnv({}))->env.is_protected);
}

TEST_F(ConfigTest, WrongTypeNamesKeyAndLine) {
  struct Case {
    std::string toml;
    std::string setting;
    int line;
  };
  for (const Case& t : std::vector<Case>{
           {"[env.dev]\nurl = \"sqlite:d.db\"\nprotected = \"yes\"\n", "env.dev.protected", 3},
           {"[env.dev]\nurl = 5\n", "env.dev.url", 2},
           {"[env.dev]\nurl = \"sqlite:d.db\"\nconnect_retries = \"3\"\n", "env.dev.connect_retries", 3},
           {"[env.dev]\nurl = \"sqlite:d.db\"\nlock_timeout = true\n", "env.dev.lock_timeout", 3},
           {"dir = [\"a\"]\n[env.dev]\nurl = \"sqlite:d.db\"\n", "dir", 1},
           {"env = 3\n", "env", 1},
           {"[env]\ndev = \"sqlite:d.db\"\n", "env.dev", 2},
       }) {
    Options o = WithFile(t.toml);
    Result<Config> c = Load(o, FakeEnv({}));
    ASSERT_FALSE(c.ok()) << t.toml;
    EXPECT_EQ(c.status().code(), Status::Code::kInvalidArgument) << t.toml;
    EXPECT_EQ(c.status().message().rfind(t.setting + ": ", 0), 0u) << c.status().message();
    EXPECT_EQ(c.status().file(), o.config_path);
    EXPECT_EQ(c.status().line(), t.line) << t.toml;
  }
}

TEST_F(ConfigTest, BadValues) {
  for (const auto& [toml, setting] : std::vector<std::pair<std::string, std::string>>{
           {"[env.dev]\nurl = \"sqlite:d.db\"\nlint = \"loud\"\n", "env.dev.lint"},
           {"[env.dev]\nurl = \"sqlite:d.db\"\nlock_wait = \"5 parsecs\"\n", "env.dev.lock_wait"},
           {"[env.dev]\nurl = \"sqlite:d.db\"\nconnect_retries = -1\n", "env.dev.connect_retries"},
           {"[env.dev]\nurl = \"sqlite:d.db\"\ntable = \"x; drop table y\"\n", "env.dev.table"},
           {"dir = \"\"\n", "dir"},
       }) {
    Result<Config> c = Load(WithFile(toml), FakeEnv({}));
    ASSERT_FALSE(c.ok()) << toml;
    EXPECT_EQ(c.status().code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(c.status().message().rfind(setting + ": ", 0), 0u) << c.status().message();
  }
}

TEST_F(ConfigTest, UnknownKeysAreErrors) {
  Options o = WithFile("[env.dev]\nurl = \"sqlite:d.db\"\nprotcted = true\n");
  Result<Config> c = Load(o, FakeEnv({}));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(c.status().message(), "env.dev.protcted: unknown setting (did you mean 'protected'?)");
  EXPECT_EQ(c.status().line(), 3);
  EXPECT_NE(c.status().hint().find("url, protected, backup, lint"), std::string::npos) << c.status().hint();

  Result<Config> top = Load(WithFile("migrations = \"db\"\n", "b.toml"), FakeEnv({}));
  ASSERT_FALSE(top.ok());
  EXPECT_EQ(top.status().message().rfind("migrations: unknown setting", 0), 0u) << top.status().message();
  EXPECT_NE(top.status().hint().find("dir, schema, default_env, env"), std::string::npos);

  // Also in an environment that is not the one in use.
  Result<Config> other = Load(WithFile(kTwoEnvs + std::string("lnt = \"error\"\n"), "c.toml"), FakeEnv({}));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().message().rfind("env.production.lnt: unknown setting", 0), 0u);
}

TEST_F(ConfigTest, BadUrlNamesSetting) {
  Options o = WithFile("[env.production]\nurl = \"mysql://x\"\n");
  Result<Config> c = Load(o, FakeEnv({}));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(c.status().ToString().find(o.config_path + ":2: env.production.url: "), 0u)
      << c.status().ToString();
  // Not needed: Load succeeds and keeps the same error for a later connect.
  Result<Config> lenient = Load(o, FakeEnv({}), /*need_url=*/false);
  ASSERT_TRUE(lenient.ok()) << lenient.status().ToString();
  EXPECT_EQ(lenient->url_status.ToString(), c.status().ToString());
}

TEST_F(ConfigTest, UrlProblemsDeferredWhenNotNeeded) {
  Options o = WithFile("[env.production]\nurl = \"${PROD_URL}\"\nlint = \"error\"\n");
  Result<Config> c = Load(o, FakeEnv({}), /*need_url=*/false);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->env.url, "");
  EXPECT_EQ(c->env.lint, "error");  // the rest is still resolved
  EXPECT_EQ(c->url_status.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(c->url_status.message(), "env.production.url: environment variable PROD_URL is not set");
  EXPECT_EQ(c->url_status.line(), 2);
  // Other settings are not lenient.
  Options bad = WithFile("[env.production]\nurl = \"${PROD_URL}\"\ntable = \"${T}\"\n", "b.toml");
  EXPECT_FALSE(Load(bad, FakeEnv({}), /*need_url=*/false).ok());
  // A usable URL leaves url_status OK.
  Result<Config> good = Load(o, FakeEnv({{"PROD_URL", "sqlite:p.db"}}), /*need_url=*/false);
  ASSERT_TRUE(good.ok());
  EXPECT_TRUE(good->url_status.ok());
  EXPECT_EQ(good->env.url, "sqlite:p.db");
}

TEST(ParseDurationTest, Forms) {
  EXPECT_EQ(*ParseDuration("5s"), milliseconds(5000));
  EXPECT_EQ(*ParseDuration("250ms"), milliseconds(250));
  EXPECT_EQ(*ParseDuration("2m"), milliseconds(120000));
  EXPECT_EQ(*ParseDuration("1h"), milliseconds(3600000));
  EXPECT_EQ(*ParseDuration("10"), milliseconds(10000));
  EXPECT_EQ(*ParseDuration("1.5s"), milliseconds(1500));
  EXPECT_EQ(*ParseDuration(" 0 "), milliseconds(0));
  for (const char* bad : {"", "s", "-1s", "5 days", "1.s", "5sec", "99999999999999999999"}) {
    Result<milliseconds> d = ParseDuration(bad);
    EXPECT_FALSE(d.ok()) << bad;
    if (!d.ok()) {
      EXPECT_EQ(d.status().code(), Status::Code::kInvalidArgument);
    }
  }
}

TEST(ProcessEnvTest, ReadsGetenv) {
  ::setenv("STRATA_CONFIG_TEST_VAR", "hello", 1);
  ::unsetenv("STRATA_CONFIG_TEST_UNSET");
  GetEnv env = ProcessEnv();
  EXPECT_EQ(env("STRATA_CONFIG_TEST_VAR"), std::optional<std::string>("hello"));
  EXPECT_EQ(env("STRATA_CONFIG_TEST_UNSET"), std::nullopt);
}

}  // namespace
}  // namespace strata::config
