// Targets files and [fleet.NAME] tables (config/fleet.h).
#include "config/fleet.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace strata::config {
namespace {

namespace fs = std::filesystem;

class FleetConfigTest : public ::testing::Test {
 protected:
  FleetConfigTest()
      : dir_((fs::temp_directory_path() / ("strata_fleet_config_" + std::to_string(::getpid()))).string()) {
    fs::create_directories(dir_);
  }
  ~FleetConfigTest() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  static GetEnv Env(std::map<std::string, std::string> vars) {
    return [vars](const std::string& n) -> std::optional<std::string> {
      auto it = vars.find(n);
      return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
  }
  std::string dir_;
};

TEST_F(FleetConfigTest, TargetsFileSkipsCommentsAndExpandsVariables) {
  std::string path = Write("t.txt", "# tenants\n\n  postgres://u:${PW}@h/a  \nstaging\n   # indented comment\nsqlite:x#1.db\n");
  auto entries = ReadTargetsFile(path, Env({{"PW", "p#w"}}));
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ((*entries)[0].value, "postgres://u:p#w@h/a");
  EXPECT_EQ((*entries)[0].line, 3);
  EXPECT_TRUE((*entries)[0].is_url());
  EXPECT_EQ((*entries)[1].value, "staging");
  EXPECT_FALSE((*entries)[1].is_url());
  EXPECT_EQ((*entries)[2].value, "sqlite:x#1.db");  // '#' inside a line is not a comment
}

TEST_F(FleetConfigTest, TargetsFileUnsetVariableNamesTheLine) {
  std::string path = Write("t.txt", "sqlite:a.db\npostgres://u:${NOPE}@h/a\n");
  auto entries = ReadTargetsFile(path, Env({}));
  ASSERT_FALSE(entries.ok());
  EXPECT_EQ(entries.status().line(), 2);
  EXPECT_NE(entries.status().message().find("NOPE is not set"), std::string::npos);
  EXPECT_EQ(ReadTargetsFile(dir_ + "/missing.txt", Env({})).status().code(), Status::Code::kNotFound);
}

TEST_F(FleetConfigTest, FleetTableIsReadAndChecked) {
  std::string path = Write("strata.toml",
                           "[fleet.t]\nurls = [\"sqlite:a.db\", \"prod\"]\nquery_url = \"postgres://u:${PW}@h/postgres\"\n"
                           "databases_query = \"SELECT datname FROM pg_database\"\nparallel = 7\n");
  auto spec = LoadFleet(path, "t", Env({{"PW", "pw"}}));
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->urls.size(), 2u);
  EXPECT_EQ(spec->query_url, "postgres://u:pw@h/postgres");
  EXPECT_EQ(spec->parallel, 7);
  EXPECT_EQ(spec->databases_query_line, 4);

  auto missing = LoadFleet(path, "other", Env({}));
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("defined: t"), std::string::npos);
}

TEST_F(FleetConfigTest, TyposAndTypesAreErrorsForEveryCommand) {
  // Load (any command) checks [fleet.*] keys, as it checks [env.*].
  std::string typo = Write("typo.toml", "[fleet.t]\nurls = [\"sqlite:a.db\"]\ndatabase_query = \"SELECT 1\"\n");
  Options o;
  o.config_path = typo;
  o.url = "sqlite:x.db";
  auto cfg = Load(o, Env({}));
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().line(), 3);
  EXPECT_NE(cfg.status().message().find("did you mean 'databases_query'"), std::string::npos)
      << cfg.status().message();

  o.config_path = Write("type.toml", "[fleet.t]\nurls = \"sqlite:a.db\"\n");
  EXPECT_NE(Load(o, Env({})).status().message().find("expected an array"), std::string::npos);
  o.config_path = Write("empty.toml", "[fleet.t]\nparallel = 2\n");
  EXPECT_NE(Load(o, Env({})).status().message().find("lists no database"), std::string::npos);
  o.config_path = Write("par.toml", "[fleet.t]\nurls = [\"sqlite:a\"]\nparallel = 0\n");
  EXPECT_NE(Load(o, Env({})).status().message().find("between 1 and 1000"), std::string::npos);
  // An unset ${VAR} in a fleet not in use does not stop other commands.
  o.config_path = Write("unset.toml", "[fleet.t]\nurls = [\"postgres://u:${UNSET}@h/db\"]\n");
  EXPECT_TRUE(Load(o, Env({})).ok());
}

}  // namespace
}  // namespace strata::config
