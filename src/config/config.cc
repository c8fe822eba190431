#include "config/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <map>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <utility>
#include <vector>

#include "config/url.h"
#include "util/fs.h"
#include "util/strings.h"

namespace strata::config {
namespace {

constexpr std::array<std::string_view, 7> kTopKeys = {"dir",    "schema",       "default_env", "env",
                                                      "format", "impact_notes", "placeholders"};
// The migration folder formats, as source/format.h names them (config
// cannot depend on source, so the list is repeated here; config_test.cc and
// readers_test.cc each check every name).
constexpr std::array<std::string_view, 7> kFormats = {"auto",   "native", "drizzle", "drizzle-kit",
                                                      "golang-migrate", "flyway", "dbmate"};
constexpr std::array<std::string_view, 14> kEnvKeys = {
    "url",          "protected", "backup",          "lint",
    "lock_timeout", "lock_wait", "connect_timeout", "connect_retries",
    "schema",       "table",     "events_table",    "lock_table",
    "dev_url",      "direct_url"};
constexpr const char* kNoUrlHint = "pass --url, set DATABASE_URL, or add [env.NAME] url = ... to strata.toml";

using Ms = std::chrono::milliseconds;

// Where errors point and where ${VAR} values come from.
struct Ctx {
  std::string path;  // the config file
  const GetEnv& getenv;
};

int LineOf(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

std::string_view TypeName(const toml::node& node) {
  // Indexed by toml::node_type, whose order is part of toml++'s public API.
  static constexpr std::string_view kNames[] = {"nothing",    "a table",    "an array",  "a string",
                                                "an integer", "a float",    "a boolean", "a date",
                                                "a time",     "a date-time"};
  auto i = static_cast<size_t>(node.type());
  return i < std::size(kNames) ? kNames[i] : "a value";
}

std::string Join(auto const& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

template <size_t N>
bool IsKnown(const std::array<std::string_view, N>& keys, std::string_view key) {
  for (std::string_view k : keys) {
    if (k == key) return true;
  }
  return false;
}

// Typos must not be ignored silently: `protcted = true` would otherwise leave
// production unprotected.
template <size_t N>
Status UnknownKey(const std::string& setting, std::string_view key,
                  const std::array<std::string_view, N>& keys, std::string_view where, const Ctx& ctx,
                  int line) {
  std::string msg = setting + ": unknown setting";
  for (std::string_view k : keys) {
    if (EditDistance(key, k) <= 2) {
      msg += " (did you mean '" + std::string(k) + "'?)";
      break;
    }
  }
  return Status::InvalidArgument(msg)
      .At(ctx.path, line)
      .WithHint("valid keys in " + std::string(where) + ": " + Join(keys));
}

// Plain [A-Za-z_][A-Za-z0-9_]*: variable names, and table names, which the
// history store splices into SQL, so they are checked here rather than
// trusting every caller to quote them.
bool IsIdentifier(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s) {
    bool ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// A lone '$' not followed by '{' stays literal, because passwords in URLs
// often contain one and forcing "$$" there would be a trap.
Result<std::string> Interpolate(std::string_view text, const std::string& setting, const GetEnv& getenv) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size()) {
      out += text[i];
    } else if (text[i + 1] == '$') {
      out += '$';
      ++i;
    } else if (text[i + 1] != '{') {
      out += '$';
    } else {
      size_t close = text.find('}', i + 2);
      if (close == std::string_view::npos) {
        return Status::InvalidArgument(setting + ": unterminated '${'").WithHint("write $$ for a literal $");
      }
      std::string name(text.substr(i + 2, close - i - 2));
      if (!IsIdentifier(name)) {
        return Status::InvalidArgument(setting + ": '${" + name +
                                       "}' is not a valid environment variable name")
            .WithHint("write $$ for a literal $");
      }
      std::optional<std::string> value = getenv(name);
      if (!value) {
        return Status::InvalidArgument(setting + ": environment variable " + name + " is not set")
            .WithHint("export " + name + " before running strata");
      }
      out += *value;
      i = close;
    }
  }
  return out;
}

bool IsDurationKey(std::string_view key) {
  return key == "lock_timeout" || key == "lock_wait" || key == "connect_timeout";
}

Ms* DurationField(Environment* env, std::string_view key) {
  if (key == "lock_timeout") return &env->lock_timeout;
  if (key == "lock_wait") return &env->lock_wait;
  return &env->connect_timeout;
}

std::string* StringField(Environment* env, std::string_view key) {
  if (key == "schema") return &env->schema;
  if (key == "table") return &env->table;
  if (key == "events_table") return &env->events_table;
  return &env->lock_table;
}

// Stores an expanded string setting; the error message lacks the setting name.
Status ApplyString(const std::string& key, std::string value, Environment* env) {
  if (key == "url") {
    env->url = std::move(value);
  } else if (key == "dev_url") {
    // Parsed now: it must be a PostgreSQL server, and ParseUrl registers its
    // password so that it is masked like the url's.
    if (!value.empty()) {
      Result<Url> url = ParseUrl(value);
      if (!url.ok()) return url.status();
      if (url->scheme != Url::Scheme::kPostgres) {
        return Status::InvalidArgument("expected a postgres:// URL (SQLite dev databases are in memory and need no server)");
      }
    }
    env->dev_url = std::move(value);
  } else if (key == "direct_url") {
    // Parsed now for the same reasons: a PostgreSQL server, password masked.
    if (!value.empty()) {
      Result<Url> url = ParseUrl(value);
      if (!url.ok()) return url.status();
      if (url->scheme != Url::Scheme::kPostgres) {
        return Status::InvalidArgument("expected a postgres:// URL (the server itself, not the connection pooler)");
      }
    }
    env->direct_url = std::move(value);
  } else if (key == "lint") {
    if (value != "off" && value != "warning" && value != "error") {
      return Status::InvalidArgument("expected \"off\", \"warning\" or \"error\", got \"" + value + "\"");
    }
    env->lint = std::move(value);
  } else if (IsDurationKey(key)) {
    Result<Ms> d = ParseDuration(value);
    if (!d.ok()) return d.status();
    *DurationField(env, key) = *d;
  } else {  // schema, table, events_table, lock_table
    if (!(key == "schema" && value.empty()) && !IsIdentifier(value)) {
      return Status::InvalidArgument("'" + value + "' is not a plain SQL identifier (letters, digits, _)");
    }
    *StringField(env, key) = std::move(value);
  }
  return Status::Ok();
}

// How the url of an environment is read (in) and what was found (out).
struct EnvRead {
  bool skip_url = false;   // in: --url replaces it, so its ${VAR} need not be set
  bool defer_url = false;  // in: need_url is false; keep a url error in url_error
  bool has_url = false;
  int url_line = 0;
  Status url_error;
};

// Checks one [env.NAME] table and fills *env. With `resolve` false (an
// environment other than the one in use) keys and types are still checked, but
// values containing ${VAR} are left alone: such variables are often set only
// where that environment runs (a CI secret), and demanding them everywhere
// would break every other environment.
Status ReadEnvironment(const toml::table& table, const std::string& name, const Ctx& ctx, bool resolve,
                       Environment* env, EnvRead* read) {
  env->name = name;
  for (auto&& [k, node] : table) {
    const std::string key(k.str());
    const std::string setting = "env." + name + "." + key;
    const int line = LineOf(node);
    auto bad = [&](const std::string& what) {
      return Status::InvalidArgument(setting + ": " + what).At(ctx.path, line);
    };
    if (!IsKnown(kEnvKeys, key)) {
      return UnknownKey(setting, key, kEnvKeys, "[env." + name + "]", ctx,
                        static_cast<int>(k.source().begin.line));
    }
    if (key == "protected" || key == "backup") {
      const auto* b = node.as_boolean();
      if (!b) return bad("expected true or false, got " + std::string(TypeName(node)));
      (key == "protected" ? env->is_protected : env->backup) = b->get();
      // Accepting it and doing nothing would leave a team believing its
      // production database is backed up before every migration.
      if (key == "backup" && b->get()) {
        return bad("backups before migrations are not implemented in this version of strata, so this setting "
                   "would protect nothing")
            .WithHint("remove `backup = true` and take a backup with your own tooling (pg_dump -Fc, sqlite3 "
                      ".backup) before `strata up`");
      }
      continue;
    }
    if (key == "connect_retries") {
      const auto* n = node.as_integer();
      if (!n) return bad("expected an integer, got " + std::string(TypeName(node)));
      if (n->get() < 0 || n->get() > 1000) return bad("must be between 0 and 1000");
      env->connect_retries = static_cast<int>(n->get());
      continue;
    }
    if (IsDurationKey(key) && node.is_integer()) {  // plain number = seconds
      int64_t secs = node.as_integer()->get();
      if (secs < 0 || secs > INT64_C(1) << 40) return bad("must be a non-negative number of seconds");
      *DurationField(env, key) = Ms(secs * 1000);
      continue;
    }
    if (!node.is_string()) {
      std::string expected = IsDurationKey(key) ? "a duration (\"5s\", \"250ms\") or seconds" : "a string";
      return bad("expected " + expected + ", got " + std::string(TypeName(node)));
    }
    const std::string& raw = node.as_string()->get();
    if (key == "url") {
      read->has_url = true;
      read->url_line = line;
      if (read->skip_url) continue;
    }
    if (!resolve && raw.find("${") != std::string::npos) continue;
    Result<std::string> value = Interpolate(raw, setting, ctx.getenv);
    if (!value.ok() && key == "url" && read->defer_url) {
      read->url_error = value.status().At(ctx.path, line);
      continue;
    }
    if (!value.ok()) return value.status().At(ctx.path, line);
    Status s = ApplyString(key, std::move(*value), env);
    if (!s.ok()) return Status::InvalidArgument(setting + ": " + s.message()).At(ctx.path, line);
  }
  return Status::Ok();
}

struct TopLevel {
  std::string dir;
  std::string schema;
  std::string default_env;
  int default_env_line = 0;
  std::string format;
  std::string impact_notes;
  std::optional<std::map<std::string, std::string>> placeholders;
  const toml::table* envs = nullptr;
};

Status CheckFormat(const std::string& value, const std::string& setting) {
  if (IsKnown(kFormats, value)) return Status::Ok();
  return Status::InvalidArgument(setting + ": unknown migration folder format '" + value + "'")
      .WithHint("use one of: auto, native, drizzle, golang-migrate, flyway, dbmate");
}

// [placeholders]: name = "value" pairs for Flyway files (docs/config.md).
Status ReadPlaceholders(const toml::node& node, const Ctx& ctx, TopLevel* top) {
  const toml::table* table = node.as_table();
  if (!table) {
    return Status::InvalidArgument("placeholders: expected a table ([placeholders]), got " +
                                   std::string(TypeName(node)))
        .At(ctx.path, LineOf(node));
  }
  top->placeholders.emplace();
  for (auto&& [name, value] : *table) {
    std::string setting = "placeholders." + std::string(name.str());
    if (!value.is_string()) {
      return Status::InvalidArgument(setting + ": expected a string, got " + std::string(TypeName(value)))
          .At(ctx.path, LineOf(value));
    }
    Result<std::string> v = Interpolate(value.as_string()->get(), setting, ctx.getenv);
    if (!v.ok()) return v.status().At(ctx.path, LineOf(value));
    (*top->placeholders)[std::string(name.str())] = std::move(*v);
  }
  return Status::Ok();
}

Status ReadTopLevel(const toml::table& root, const Ctx& ctx, TopLevel* top) {
  for (auto&& [k, node] : root) {
    const std::string key(k.str());
    const int line = LineOf(node);
    if (!IsKnown(kTopKeys, key)) {
      return UnknownKey(key, key, kTopKeys, "the top level", ctx, static_cast<int>(k.source().begin.line));
    }
    if (key == "env") {
      top->envs = node.as_table();
      if (!top->envs) {
        return Status::InvalidArgument("env: expected a table of [env.NAME] sections, got " +
                                       std::string(TypeName(node)))
            .At(ctx.path, line);
      }
      for (auto&& [name, env] : *top->envs) {
        if (!env.is_table()) {
          return Status::InvalidArgument("env." + std::string(name.str()) + ": expected a table ([env." +
                                         std::string(name.str()) + "]), got " + std::string(TypeName(env)))
              .At(ctx.path, LineOf(env));
        }
      }
      continue;
    }
    if (key == "placeholders") {
      Status s = ReadPlaceholders(node, ctx, top);
      if (!s.ok()) return s;
      continue;
    }
    if (!node.is_string()) {
      return Status::InvalidArgument(key + ": expected a string, got " + std::string(TypeName(node)))
          .At(ctx.path, line);
    }
    Result<std::string> value = Interpolate(node.as_string()->get(), key, ctx.getenv);
    if (!value.ok()) return value.status().At(ctx.path, line);
    if (value->empty()) return Status::InvalidArgument(key + ": must not be empty").At(ctx.path, line);
    if (key == "dir") {
      top->dir = std::move(*value);
    } else if (key == "schema") {
      top->schema = std::move(*value);
    } else if (key == "impact_notes") {
      top->impact_notes = std::move(*value);
    } else if (key == "format") {
      if (Status s = CheckFormat(*value, key); !s.ok()) return s.At(ctx.path, line);
      top->format = std::move(*value);
    } else {
      top->default_env = std::move(*value);
      top->default_env_line = line;
    }
  }
  return Status::Ok();
}

Result<toml::table> ParseToml(const std::string& content, const std::string& path) {
  // toml++ reports syntax errors only by exception; it must not escape this file.
  try {
    return toml::parse(content, path);
  } catch (const toml::parse_error& e) {
    const toml::source_position& pos = e.source().begin;
    return Status::Parse(std::string(e.description()))
        .At(path, static_cast<int>(pos.line), static_cast<int>(pos.column));
  }
}

// Options.env > $STRATA_ENV > default_env > "dev" if defined > the only one.
// Returns "" when the file defines no environment and none was asked for.
Result<std::string> ChooseEnvironment(const Options& options, const TopLevel& top, const Ctx& ctx) {
  std::vector<std::string> defined;
  if (top.envs) {
    for (auto&& [name, env] : *top.envs) defined.emplace_back(name.str());
  }
  std::string chosen = options.env;
  std::string from = "--env";
  int line = 0;
  if (chosen.empty()) {
    if (std::optional<std::string> v = ctx.getenv("STRATA_ENV"); v && !v->empty()) {
      chosen = *v;
      from = "$STRATA_ENV";
    }
  }
  if (chosen.empty() && !top.default_env.empty()) {
    chosen = top.default_env;
    from = "default_env";
    line = top.default_env_line;
  }
  if (chosen.empty()) {
    if (defined.empty()) return std::string();
    if (top.envs->contains("dev")) return std::string("dev");
    if (defined.size() == 1) return defined.front();
    return Status::InvalidArgument("several environments in " + ctx.path +
                                   " and none chosen; defined: " + Join(defined))
        .At(ctx.path)
        .WithHint("pass --env NAME, set STRATA_ENV, or set default_env in strata.toml");
  }
  if (top.envs && top.envs->contains(chosen)) return chosen;
  Status s = Status::NotFound("unknown environment '" + chosen + "' in " + ctx.path +
                              "; defined: " + (defined.empty() ? std::string("none") : Join(defined)));
  // Point into the file only when the name came from it (default_env); the
  // message already names the file.
  if (line > 0) s.At(ctx.path, line);
  return std::move(s).WithHint("the name comes from " + from +
                               "; use one of the defined names, or add [env." + chosen + "] to " + ctx.path);
}

// --url > the environment's url > $DATABASE_URL. An environment that defines
// url never falls back to DATABASE_URL, even when it expands to "": silently
// connecting to whatever DATABASE_URL points at could be the wrong database.
Status ResolveUrl(const Options& options, const EnvRead& read, const GetEnv& getenv, const std::string& path,
                  Environment* env) {
  std::string setting;
  int line = 0;
  if (!options.url.empty()) {
    env->url = options.url;
    setting = "--url";
  } else if (!env->direct_url.empty()) {
    // The application keeps the pooled url; strata migrates on the direct one.
    env->url = env->direct_url;
    setting = "env." + env->name + ".direct_url";
  } else if (read.has_url) {
    if (!read.url_error.ok()) return read.url_error;
    setting = "env." + env->name + ".url";
    line = read.url_line;
  } else if (std::optional<std::string> v = getenv("DATABASE_URL"); v && !v->empty()) {
    env->url = *v;
    setting = "DATABASE_URL";
  }
  env->url_source = setting;
  if (env->url.empty()) {
    if (line > 0) return Status::InvalidArgument(setting + ": the URL is empty").At(path, line);
    std::string msg = "no database URL configured";
    if (!env->name.empty()) msg += " for environment '" + env->name + "'";
    return Status::InvalidArgument(msg).WithHint(kNoUrlHint);
  }
  // Besides validating, ParseUrl registers the password, so it is masked in
  // any output from here on.
  Result<Url> url = ParseUrl(env->url);
  if (url.ok()) return Status::Ok();
  Status s = url.status().With(setting);
  if (line > 0) s.At(path, line);
  return s;
}

}  // namespace

GetEnv ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  std::string_view t = util::Trim(text);
  auto bad = [&] {
    return Status::InvalidArgument("bad duration '" + std::string(text) +
                                   "': expected a number with unit ms, s, m or h (\"5s\", \"250ms\"); "
                                   "a plain number means seconds");
  };
  size_t i = 0;
  uint64_t whole = 0;
  while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
    whole = whole * 10 + static_cast<uint64_t>(t[i] - '0');
    if (whole > (uint64_t{1} << 40)) return bad();
    ++i;
  }
  if (i == 0) return bad();
  double fraction = 0, scale = 1;
  if (i < t.size() && t[i] == '.') {
    ++i;
    size_t start = i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
      scale /= 10;
      fraction += (t[i] - '0') * scale;
      ++i;
    }
    if (i == start) return bad();
  }
  std::string_view unit = util::Trim(t.substr(i));
  static constexpr std::pair<std::string_view, int64_t> kUnits[] = {
      {"", 1000}, {"s", 1000}, {"ms", 1}, {"m", 60 * 1000}, {"h", 3600 * 1000}};
  for (auto [name, mult] : kUnits) {
    if (unit == name) return Ms(static_cast<int64_t>(whole) * mult + std::llround(fraction * mult));
  }
  return bad();
}

Result<Config> Load(const Options& options, const GetEnv& getenv, bool need_url) {
  Config cfg;
  cfg.base_dir = ".";

  // 1. Which file: --config must exist; ./strata.toml is optional.
  std::string path = options.config_path;
  if (!path.empty()) {
    if (!util::Exists(path)) {
      return Status::NotFound("config file not found")
          .At(path)
          .WithHint("check --config, or run `strata init` to create strata.toml");
    }
  } else if (util::Exists("strata.toml")) {
    path = "strata.toml";
  }

  // 2. Parse it and check the top level.
  Ctx ctx{path, getenv};
  toml::table root;
  TopLevel top;
  if (!path.empty()) {
    Result<std::string> content = util::ReadFile(path);
    if (!content.ok()) return content.status();
    Result<toml::table> parsed = ParseToml(*content, path);
    if (!parsed.ok()) return parsed.status();
    root = std::move(*parsed);
    Status s = ReadTopLevel(root, ctx, &top);
    if (!s.ok()) return s;
    cfg.config_path = path;
    std::string parent = std::filesystem::path(path).parent_path().string();
    if (!parent.empty()) cfg.base_dir = parent;
  } else if (!options.env.empty()) {
    return Status::NotFound("environment '" + options.env + "' requested but there is no strata.toml")
        .WithHint("run `strata init`, pass --config FILE, or drop --env and pass --url");
  }

  // 3. The environment: every one is checked, only the chosen one resolved.
  // Without a file $STRATA_ENV is ignored: it is often exported shell-wide.
  Result<std::string> chosen =
      path.empty() ? Result<std::string>(std::string()) : ChooseEnvironment(options, top, ctx);
  if (!chosen.ok()) return chosen.status();
  EnvRead read;
  read.skip_url = !options.url.empty();
  read.defer_url = !need_url;
  if (top.envs) {
    for (auto&& [name, node] : *top.envs) {
      const bool resolve = name.str() == *chosen;
      Environment scratch;
      EnvRead scratch_read = read;
      Status s = ReadEnvironment(*node.as_table(), std::string(name.str()), ctx, resolve,
                                 resolve ? &cfg.env : &scratch, resolve ? &read : &scratch_read);
      if (!s.ok()) return s;
    }
  }
  cfg.env.name = *chosen;

  // 4. The URL. Commands that never connect keep its problem for later.
  if (Status s = ResolveUrl(options, read, getenv, path, &cfg.env); !s.ok()) {
    if (need_url) return s;
    cfg.url_status = std::move(s);
  }

  // 5. Paths: the file's settings are relative to its folder; --dir to the
  // working directory, like any other command-line path.
  cfg.dir = options.dir.empty() ? util::JoinPath(cfg.base_dir, top.dir.empty() ? "migrations" : top.dir)
                                : options.dir;
  cfg.schema_file = util::JoinPath(cfg.base_dir, top.schema.empty() ? "schema.sql" : top.schema);

  if (!top.impact_notes.empty()) cfg.impact_notes = util::JoinPath(cfg.base_dir, top.impact_notes);

  // 6. The folder format: --format over the file's `format`.
  if (!options.format.empty()) {
    if (Status s = CheckFormat(options.format, "--format"); !s.ok()) return s;
    cfg.format = options.format;
  } else if (!top.format.empty()) {
    cfg.format = top.format;
  }
  cfg.placeholders = std::move(top.placeholders);
  return cfg;
}

}  // namespace strata::config
