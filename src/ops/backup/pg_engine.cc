// PostgreSQL backups with the server's own tools: pg_dump -Fc, checked with
// pg_restore --list, restored by pg_restore | psql in one transaction.
//
// The connection goes to the tools as a libpq conninfo string without the
// password (a command line is visible to every user of the machine through
// ps); the password goes in PGPASSWORD, in the child's environment only.
#include <algorithm>
#include <filesystem>

#include "ops/backup/codec.h"
#include "ops/backup/internal.h"
#include "ops/backup/process.h"
#include "util/strings.h"

namespace strata::ops::backup {
namespace {

// A conninfo value: single-quoted, with \ and ' escaped.
std::string ConninfoValue(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string Conninfo(const config::Url& url) {
  std::vector<std::pair<std::string, std::string>> params = {
      {"host", url.host}, {"port", url.port}, {"user", url.user}, {"dbname", url.database}};
  params.emplace_back("application_name", "strata backup");
  for (const auto& [k, v] : url.query) {
    if (k == "password") continue;  // goes in PGPASSWORD
    params.emplace_back(k, v);
  }
  std::string out;
  for (const auto& [k, v] : params) {
    if (v.empty()) continue;
    if (!out.empty()) out += ' ';
    out += k + "=" + ConninfoValue(v);
  }
  return out;
}

std::string Password(const config::Url& url) {
  if (!url.password.empty()) return url.password;
  auto it = url.query.find("password");
  return it == url.query.end() ? std::string() : it->second;
}

// The tool `name` from the folder of `pg_dump` when that is a path, else PATH.
std::string Tool(const std::string& pg_dump, const std::string& name) {
  if (pg_dump.find('/') == std::string::npos) return name;
  return (std::filesystem::path(pg_dump).parent_path() / name).string();
}

// The reason in a tool's stderr: the first line that says ERROR or error,
// else the last line.
std::string Reason(const std::string& program, const ProcessOutcome& outcome) {
  for (const auto& line : util::SplitString(outcome.err, '\n')) {
    if (line.find("ERROR") != std::string::npos || line.find("error:") != std::string::npos) {
      std::string_view l = util::Trim(line);
      std::string what = outcome.signal != 0 ? program + " was stopped by signal " + std::to_string(outcome.signal)
                                             : program + " exited with code " + std::to_string(outcome.exit_code);
      return what + ": " + std::string(l);
    }
  }
  return Describe(program, outcome);
}

class PostgresEngine : public Engine {
 public:
  PostgresEngine(driver::Connection& conn, const config::Url& url, const Settings& settings)
      : conn_(conn), url_(url), settings_(settings) {}

  std::string name() const override { return "postgres"; }
  std::string extension() const override { return "dump"; }
  std::string verification() const override { return "pg_restore --list"; }

  Status Dump(const std::string& path) override {
    std::vector<std::string> argv = {settings_.pg_dump, "--format=custom", "--no-password", "--file=" + path};
    // Compressed by strata with zstd: faster and smaller than pg_dump's zlib.
    if (settings_.compress) argv.push_back("--compress=0");
    if (settings_.lock_wait.count() > 0) {
      argv.push_back("--lock-wait-timeout=" + std::to_string(settings_.lock_wait.count()) + "ms");
    }
    auto lease = LeaseTable();
    if (!lease.ok()) return lease.status();
    if (!lease->empty()) argv.push_back("--exclude-table-data=" + *lease);
    argv.push_back("--dbname=" + Conninfo(url_));
    return RunTool(argv, "pg_dump");
  }

  Status Verify(const std::string& path) override {
    auto kind = Sniff(path);
    if (!kind.ok()) return kind.status();
    if (*kind == Content::kSqlite) {
      return Status::InvalidArgument("this is a SQLite backup and the database is PostgreSQL");
    }
    if (*kind != Content::kPgCustom) return Status::Io("not a pg_dump custom-format archive");
    std::string pg_restore = Tool(settings_.pg_dump, "pg_restore");
    auto run = RunPipeline({{{pg_restore, "--list", path}, {}}}, settings_.stop);
    if (!run.ok()) return ToolMissing(run.status());
    const ProcessOutcome& out = run->processes.front();
    if (!out.ok()) return Status::Database("the backup does not verify: " + Reason("pg_restore --list", out));
    if (run->out.find("Format: CUSTOM") == std::string::npos) {
      return Status::Database("the backup does not verify: pg_restore --list printed no archive header");
    }
    return Status::Ok();
  }

  Status Load(const std::string& path) override {
    // First drop what the backup does not have (a table a later migration
    // created would otherwise survive, or block the DROP of the one it
    // references), then pg_restore's own --clean script, all in one psql
    // transaction: ON_ERROR_STOP makes any error roll all of it back.
    auto drop = conn_.DropAllScript({});
    if (!drop.ok()) return drop.status();
    std::string pg_restore = Tool(settings_.pg_dump, "pg_restore");
    std::string psql = Tool(settings_.pg_dump, "psql");
    std::vector<ProcessSpec> pipeline = {
        {{pg_restore, "--clean", "--if-exists", "--file=-", path}, {}},
        {{psql, "--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1", "--single-transaction",
          "--output=/dev/null", "--command=" + *drop, "--file=-", "--dbname=" + Conninfo(url_)},
         PasswordEnv()}};
    auto run = RunPipeline(pipeline, settings_.stop);
    if (!run.ok()) return ToolMissing(run.status());
    for (size_t i = 0; i < run->processes.size(); ++i) {
      const char* name = i == 0 ? "pg_restore" : "psql";
      if (!run->processes[i].ok()) {
        return Status::Database("restore failed, nothing was changed: " + Reason(name, run->processes[i]));
      }
    }
    return Status::Ok();
  }

 private:
  std::vector<std::pair<std::string, std::string>> PasswordEnv() const {
    std::string password = Password(url_);
    if (password.empty()) return {};
    return {{"PGPASSWORD", password}};
  }

  Status RunTool(const std::vector<std::string>& argv, const std::string& what) {
    auto run = RunPipeline({{argv, PasswordEnv()}}, settings_.stop);
    if (!run.ok()) return ToolMissing(run.status());
    const ProcessOutcome& out = run->processes.front();
    if (!out.ok()) return Status::Database(Reason(what, out));
    return Status::Ok();
  }

  static Status ToolMissing(Status s) {
    if (s.code() == Status::Code::kNotFound) {
      s.WithHint("install the PostgreSQL client tools (Debian: postgresql-client), or set pg_dump = \"/path/to/pg_dump\""
                 " in strata.toml (pg_restore and psql are taken from the same folder)");
    }
    return s;
  }

  // "schema"."table" of the migration lock's lease rows, left out of the
  // dump; "" when the table does not exist here.
  Result<std::string> LeaseTable() {
    auto rows = conn_.Query(
        "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relname = $1 AND n.nspname = coalesce(nullif($2, ''), current_schema())",
        {settings_.lock_table.second, settings_.lock_table.first});
    if (!rows.ok()) return rows.status().With("look for the lock table");
    if (rows->rows.empty()) return std::string();
    // pg_dump patterns: double quotes make a name literal.
    auto quote = [](const std::string& s) { return "\"" + s + "\""; };
    return quote(rows->rows[0][0].value_or("")) + "." + quote(settings_.lock_table.second);
  }

  driver::Connection& conn_;
  const config::Url& url_;
  const Settings& settings_;
};

}  // namespace

std::unique_ptr<Engine> MakePostgresEngine(driver::Connection& conn, const config::Url& url,
                                           const Settings& settings) {
  return std::make_unique<PostgresEngine>(conn, url, settings);
}

}  // namespace strata::ops::backup
