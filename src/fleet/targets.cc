#include "fleet/targets.h"

#include <cctype>
#include <filesystem>
#include <map>

#include <strata/redact.h>

#include "config/fleet.h"
#include "config/url.h"
#include "driver/open.h"
#include "util/fs.h"

namespace strata::fleet {
namespace {

// "host:port/database[/schema]" or the SQLite path: the target's name, and
// (with the schema) what two entries for one database have in common.
std::string NameOf(const config::Url& url, const std::string& schema) {
  if (url.scheme == config::Url::Scheme::kSqlite) return url.path;
  std::string name = url.host.empty() ? "localhost" : url.host;
  if (!url.port.empty()) name += ":" + url.port;
  name += "/" + (url.database.empty() ? (url.user.empty() ? std::string("postgres") : url.user) : url.database);
  if (!schema.empty()) name += "/" + schema;
  return name;
}

// What makes two targets the same database (and schema): the SQLite file's
// absolute path, or the PostgreSQL name.
std::string KeyOf(const config::Url& url, const std::string& schema) {
  if (url.scheme == config::Url::Scheme::kSqlite) {
    std::error_code ec;
    std::filesystem::path abs = std::filesystem::weakly_canonical(url.path, ec);
    return "sqlite:" + (ec ? url.path : abs.string());
  }
  return "postgres:" + NameOf(url, schema);
}

std::string DatabaseOf(const std::string& url) {
  auto parsed = config::ParseUrl(url);
  return parsed.ok() ? parsed->database : std::string("?");
}

bool IsIdentifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

class Builder {
 public:
  Builder(const FleetOptions& options, const config::Config& base, const config::GetEnv& getenv)
      : options_(options), base_(base), getenv_(getenv) {}

  // A URL target (from a file line, urls = [...] or a query row).
  Status AddUrl(const std::string& url_text, const std::string& schema, const std::string& origin,
                const std::string& file, int line) {
    auto url = config::ParseUrl(url_text);
    if (!url.ok()) return Where(url.status(), file, line);
    if (url->scheme == config::Url::Scheme::kSqlite && url->memory) {
      return Where(Status::InvalidArgument("sqlite::memory: cannot be a fleet target (each connection has its own)"),
                   file, line);
    }
    ResolvedTarget t;
    t.info.name = NameOf(*url, schema);
    t.info.url = RedactUrl(url_text);
    t.info.env = base_.env.name;
    t.info.schema = schema;
    t.info.origin = origin;
    t.options = options_.base;
    t.options.url = url_text;
    t.options.schema = schema;
    t.options.backup_dir = util::JoinPath(base_.env.backup_dir, FolderName(t.info.name));
    return Add(std::move(t), KeyOf(*url, schema), file, line);
  }

  // An environment line: that environment's own settings, backups included.
  Status AddEnv(const std::string& name, const std::string& origin, const std::string& file, int line) {
    Options o = options_.base;
    o.env = name;
    auto cfg = config::Load(o, getenv_, /*need_url=*/true);
    if (!cfg.ok()) return Where(cfg.status(), file, line);
    ResolvedTarget t;
    t.info.name = name;
    t.info.url = RedactUrl(cfg->env.url);
    t.info.env = name;
    t.info.origin = origin;
    t.options = o;
    std::string key = "env:" + name;
    if (auto url = config::ParseUrl(cfg->env.url); url.ok()) key = KeyOf(*url, cfg->env.schema);
    return Add(std::move(t), key, file, line);
  }

  TargetList Take() { return std::move(list_); }
  TargetList& list() { return list_; }

 private:
  static Status Where(Status s, const std::string& file, int line) {
    if (!file.empty() && s.file().empty()) s.At(file, line);
    return s;
  }

  Status Add(ResolvedTarget t, const std::string& key, const std::string& file, int line) {
    auto [it, fresh] = seen_.emplace(key, t.info.origin);
    auto [named, unique] = names_.emplace(FolderName(t.info.name), t.info.origin);
    if (!fresh || !unique) {
      return Where(Status::InvalidArgument("target " + t.info.name + " is listed twice (first at " +
                                           (fresh ? named->second : it->second) + ")")
                       .WithHint("list each database once: two runs on one database would only wait for each "
                                 "other's lock"),
                   file, line);
    }
    list_.targets.push_back(std::move(t));
    return Status::Ok();
  }

  const FleetOptions& options_;
  const config::Config& base_;
  const config::GetEnv& getenv_;
  TargetList list_;
  std::map<std::string, std::string> seen_;  // key -> origin
  std::map<std::string, std::string> names_;  // folder name -> origin
};

Status AddEntry(Builder& b, const config::FleetEntry& e) {
  std::string origin = e.file + ":" + std::to_string(e.line);
  if (e.is_url()) return b.AddUrl(e.value, "", origin, e.file, e.line);
  return b.AddEnv(e.value, origin, e.file, e.line);
}

// One query's first column, every row; NULLs and empty names are errors.
Result<std::vector<std::string>> Names(const std::string& url, const std::string& sql, const config::Config& base) {
  driver::ConnectOptions co;
  co.connect_timeout = base.env.connect_timeout;
  co.connect_retries = base.env.connect_retries;
  auto conn = driver::Open(url, co);
  if (!conn.ok()) return conn.status();
  auto rows = (*conn)->Query(sql);
  if (!rows.ok()) return rows.status();
  std::vector<std::string> out;
  for (const auto& row : rows->rows) {
    if (row.empty() || !row[0] || row[0]->empty()) {
      return Status::InvalidArgument("the query returned an empty or NULL name in row " +
                                     std::to_string(out.size() + 1));
    }
    out.push_back(*row[0]);
  }
  return out;
}

Status AddQueried(Builder& b, const config::FleetSpec& spec, const config::Config& base) {
  std::string query_url = spec.query_url.empty() ? base.env.url : spec.query_url;
  int url_line = spec.query_url.empty() ? spec.line : spec.query_url_line;
  const std::string setting = "fleet." + spec.name;
  if (query_url.empty()) {
    return Status::InvalidArgument(setting + ": the queries need a server").At(spec.file, spec.line)
        .WithHint("set query_url in [" + setting + "], or a url for the environment");
  }
  auto parsed = config::ParseUrl(query_url);
  if (!parsed.ok()) return parsed.status().With(setting + ".query_url").At(spec.file, url_line);
  if (parsed->scheme != config::Url::Scheme::kPostgres) {
    return Status::InvalidArgument(setting + ": databases_query and schemas_query need a PostgreSQL query_url, got " +
                                   RedactUrl(query_url))
        .At(spec.file, url_line);
  }
  std::vector<std::pair<std::string, std::string>> databases;  // (url, origin)
  if (!spec.databases_query.empty()) {
    auto names = Names(query_url, spec.databases_query, base);
    if (!names.ok()) return names.status().With(setting + ".databases_query").At(spec.file, spec.databases_query_line);
    int row = 0;
    for (const auto& db : *names) {
      databases.emplace_back(config::WithDatabase(query_url, db),
                             spec.file + ":" + std::to_string(spec.databases_query_line) + " (databases_query row " +
                                 std::to_string(++row) + ")");
    }
  } else {
    databases.emplace_back(query_url, spec.file + ":" + std::to_string(url_line));
  }
  for (const auto& [url, origin] : databases) {
    if (spec.schemas_query.empty()) {
      if (Status s = b.AddUrl(url, "", origin, spec.file, spec.databases_query_line); !s.ok()) return s;
      continue;
    }
    auto schemas = Names(url, spec.schemas_query, base);
    if (!schemas.ok()) {
      return schemas.status().With(setting + ".schemas_query on " + RedactUrl(url)).At(spec.file, spec.schemas_query_line);
    }
    int row = 0;
    for (const auto& schema : *schemas) {
      ++row;
      if (!IsIdentifier(schema)) {
        return Status::InvalidArgument(setting + ".schemas_query: schema '" + schema + "' (row " +
                                       std::to_string(row) + ") is not a plain SQL identifier")
            .At(spec.file, spec.schemas_query_line)
            .WithHint("strata keeps each schema's tracking tables in it and sets search_path to it: use schemas "
                      "named with letters, digits and _, or filter the others out in the query");
      }
      std::string where = spec.file + ":" + std::to_string(spec.schemas_query_line) + " (schemas_query row " +
                          std::to_string(row) + (spec.databases_query.empty() ? "" : " in " + DatabaseOf(url)) + ")";
      if (Status s = b.AddUrl(config::WithSearchPath(url, schema), schema, where, spec.file, spec.schemas_query_line);
          !s.ok()) {
        return s;
      }
    }
  }
  return Status::Ok();
}

}  // namespace

std::string FolderName(const std::string& target_name) {
  std::string out;
  for (char c : target_name) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    out += ok ? c : '_';
  }
  while (!out.empty() && (out[0] == '.' || out[0] == '_')) out.erase(0, 1);
  return out.empty() ? "target" : out;
}

Result<TargetList> ResolveTargets(const FleetOptions& options, const config::GetEnv& getenv) {
  auto base = config::Load(options.base, getenv, /*need_url=*/false);
  if (!base.ok()) return base.status();
  Builder b(options, *base, getenv);
  if (!options.targets_file.empty()) {
    auto entries = config::ReadTargetsFile(options.targets_file, getenv);
    if (!entries.ok()) return entries.status();
    for (const auto& e : *entries) {
      if (Status s = AddEntry(b, e); !s.ok()) return s;
    }
    if (b.list().targets.empty()) {
      return Status::InvalidArgument("the targets file lists no database").At(options.targets_file)
          .WithHint("one URL or environment name per line; '#' starts a comment");
    }
    return b.Take();
  }
  auto spec = config::LoadFleet(base->config_path, options.fleet, getenv);
  if (!spec.ok()) return spec.status();
  for (const auto& e : spec->urls) {
    if (Status s = AddEntry(b, e); !s.ok()) return s;
  }
  if (!spec->databases_query.empty() || !spec->schemas_query.empty()) {
    if (Status s = AddQueried(b, *spec, *base); !s.ok()) return s;
  }
  if (b.list().targets.empty()) {
    return Status::InvalidArgument("fleet." + options.fleet + " lists no database (its queries returned no rows)")
        .At(spec->file, spec->line);
  }
  b.list().parallel = spec->parallel;
  return b.Take();
}

}  // namespace strata::fleet
