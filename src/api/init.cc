// strata::Init: scaffolds a project. Never overwrites a file.
#include <filesystem>

#include <strata/migrator.h>

#include "util/fs.h"

namespace strata {
namespace {

constexpr const char* kConfigTemplate = R"(# strata configuration. Every key is documented in docs/config.md.
dir = "migrations"        # migration files: VERSION_NAME.up.sql / .down.sql
schema = "schema.sql"     # desired schema (generate, drift, push)
default_env = "dev"

[env.dev]
url = "{URL}"

# [env.production]
# url = "${DATABASE_URL}"  # ${VAR} is read from the environment
# protected = true         # down, redo, baseline and repair need --yes
# lint = "error"
# lock_timeout = "5s"
)";

constexpr const char* kSchemaTemplate =
    "-- The desired schema, as plain SQL DDL. `strata generate NAME` writes the migration\n"
    "-- that brings the database from the migrations' schema to this one.\n";

}  // namespace

Result<InitReport> Init(const InitOptions& options) {
  InitReport report;
  std::string dir = options.directory.empty() ? "." : options.directory;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::Io("cannot create directory: " + ec.message()).At(dir);

  std::string config = kConfigTemplate;
  std::string url = options.url.empty() ? "sqlite:dev.db" : options.url;
  config.replace(config.find("{URL}"), 5, url);
  struct File {
    std::string path;
    std::string content;
  };
  for (const File& f : {File{util::JoinPath(dir, "strata.toml"), config},
                        File{util::JoinPath(dir, "schema.sql"), kSchemaTemplate}}) {
    if (util::Exists(f.path)) {
      report.skipped.push_back(f.path);
      continue;
    }
    Status s = util::WriteFileAtomic(f.path, f.content, true);
    if (!s.ok()) return s;
    report.created.push_back(f.path);
  }
  std::string migrations = util::JoinPath(dir, "migrations");
  if (util::Exists(migrations)) {
    report.skipped.push_back(migrations);
  } else {
    std::filesystem::create_directories(migrations, ec);
    if (ec) return Status::Io("cannot create directory: " + ec.message()).At(migrations);
    report.created.push_back(migrations);
  }
  return report;
}

}  // namespace strata
