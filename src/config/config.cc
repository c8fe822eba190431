#include "config/config.h"

// toml++ 3.3 (Debian 12) asserts in parse_key() that a key starts where a
// table header's '[' is followed by anything else ("[\n", "[\0"): the
// assertion aborts builds without NDEBUG (the asan preset). The parser then
// reports the error properly ("expected bare key starting character"), so its
// assertions are turned off here, in the one file that includes it, and
// fuzz/config_fuzz.cc runs that path under ASan + UBSan. (With NDEBUG, toml++
// turns them into __builtin_assume under clang, which this does not change;
// GCC, which builds strata's releases, has no such builtin.)
#define TOML_ASSERT(expr) static_cast<void>(0)
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include <strata/redact.h>

#include "config/toml_precheck.h"
#include "config/url.h"
#include "config/internal.h"
#include "util/fs.h"
#include "util/strings.h"

namespace strata::config {
namespace {

constexpr std::array<std::string_view, 12> kTopKeys = {"dir",       "schema",        "default_env",    "env",
                                                       "audit_log", "audit_log_max", "audit_log_keep", "notify",
                                                       "format",    "impact_notes",  "placeholders",  "fleet"};
// The migration folder formats, as source/format.h names them (config
// cannot depend on source, so the list is repeated here; config_test.cc and
// readers_test.cc each check every name).
constexpr std::array<std::string_view, 7> kFormats = {"auto",   "native", "drizzle", "drizzle-kit",
                                                      "golang-migrate", "flyway", "dbmate"};
constexpr std::array<std::string_view, 30> kEnvKeys = {
    "url",          "protected", "backup",          "lint",
    "lock_timeout", "lock_wait", "connect_timeout", "connect_retries",
    "schema",       "table",     "events_table",    "lock_table",
    "dev_url",      "direct_url", "statement_timeout",
    "backup_dir",   "backup_keep", "backup_compress", "backup_key", "pg_dump",
    "audit_log",    "audit_log_max", "audit_log_keep",
    "notify",       "before_up", "after_up",        "on_failure", "before_each", "after_each",
    "hook_timeout"};
// Settings that may be top-level too; an environment's own value wins.
constexpr std::array<std::string_view, 3> kAuditKeys = {"audit_log", "audit_log_max", "audit_log_keep"};
constexpr std::array<std::string_view, 13> kNotifyKeys = {
    "on",   "webhook", "webhook_secret", "timeout",       "retries",  "retry_backoff", "smtp_url",
    "from", "to",      "smtp_user",      "smtp_password", "starttls", "ca_file"};
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
    if (util::EditDistance(key, k) <= 2) {
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
      // A value from the environment may hold a credential, and an error
      // about this setting may echo it before it is ever parsed as a URL.
      RegisterUrlSecrets(*value);
      out += *value;
      i = close;
    }
  }
  return out;
}

bool IsDurationKey(std::string_view key) {
  return key == "lock_timeout" || key == "lock_wait" || key == "connect_timeout" || key == "statement_timeout";
}

Ms* DurationField(Environment* env, std::string_view key) {
  if (key == "lock_timeout") return &env->lock_timeout;
  if (key == "lock_wait") return &env->lock_wait;
  if (key == "statement_timeout") return &env->statement_timeout;
  return &env->connect_timeout;
}

bool IsBoolKey(std::string_view key) { return key == "protected" || key == "backup" || key == "backup_compress"; }

bool* BoolField(Environment* env, std::string_view key) {
  if (key == "protected") return &env->is_protected;
  if (key == "backup") return &env->backup;
  return &env->backup_compress;
}

// Integer settings and their ranges.
struct IntKey {
  std::string_view key;
  int64_t min, max;
};
constexpr IntKey kIntKeys[] = {{"connect_retries", 0, 1000}, {"backup_keep", 0, 100000}, {"audit_log_keep", 0, 1000}};

const IntKey* FindIntKey(std::string_view key) {
  for (const IntKey& k : kIntKeys) {
    if (k.key == key) return &k;
  }
  return nullptr;
}

void SetInt(Environment* env, std::string_view key, int64_t value) {
  int v = static_cast<int>(value);
  if (key == "connect_retries") env->connect_retries = v;
  if (key == "backup_keep") env->backup_keep = v;
  if (key == "audit_log_keep") env->audit_log_keep = v;
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
  } else if (key == "backup_key") {
    // An empty key must not quietly mean "not encrypted": that is usually
    // an unset secret in CI.
    if (value.size() < 8) {
      return Status::InvalidArgument(value.empty() ? "is empty" : "is shorter than 8 characters")
          .WithHint("use a long random value, e.g. from `openssl rand -base64 32`, kept in an environment variable");
    }
    RegisterSecret(value);
    env->backup_key = std::move(value);
  } else if (key == "backup_dir" || key == "pg_dump" || key == "audit_log") {
    if (value.empty()) return Status::InvalidArgument("must not be empty");
    (key == "backup_dir" ? env->backup_dir : key == "pg_dump" ? env->pg_dump : env->audit_log) = std::move(value);
  } else if (key == "audit_log_max") {
    Result<int64_t> size = ParseSize(value);
    if (!size.ok()) return size.status();
    env->audit_log_max = *size;
  } else {  // schema, table, events_table, lock_table
    if (!(key == "schema" && value.empty()) && !IsIdentifier(value)) {
      return Status::InvalidArgument("'" + value + "' is not a plain SQL identifier (letters, digits, _)");
    }
    *StringField(env, key) = std::move(value);
  }
  return Status::Ok();
}

// --- Alerts and hooks -------------------------------------------------------

// A [notify] key as written, and the setting name errors use for it
// ("notify.webhook", "env.production.notify.on").
struct NotifySource {
  const toml::node* node = nullptr;
  std::string setting;
};
using NotifyNodes = std::map<std::string, NotifySource>;

bool IsHookKey(std::string_view key) {
  return key == "before_up" || key == "after_up" || key == "on_failure" || key == "before_each" ||
         key == "after_each" || key == "hook_timeout";
}

// A duration given as "5s" or a plain number of seconds.
Result<Ms> DurationValue(const toml::node& node) {
  if (const auto* n = node.as_integer()) {
    if (n->get() < 0 || n->get() > INT64_C(1) << 40) {
      return Status::InvalidArgument("must be a non-negative number of seconds");
    }
    return Ms(n->get() * 1000);
  }
  if (const auto* str = node.as_string()) return ParseDuration(str->get());
  return Status::InvalidArgument("expected a duration (\"5s\", \"250ms\") or seconds, got " +
                                 std::string(TypeName(node)));
}

// Checks the keys and value types of a [notify] table and, when `out` is
// given, records its keys (later tables override earlier ones key by key).
Status CollectNotify(const toml::node& node, const std::string& prefix, const Ctx& ctx, NotifyNodes* out) {
  const toml::table* table = node.as_table();
  if (!table) {
    return Status::InvalidArgument(prefix + ": expected a table ([" + prefix + "]), got " + std::string(TypeName(node)))
        .At(ctx.path, LineOf(node));
  }
  for (auto&& [k, value] : *table) {
    const std::string key(k.str());
    const std::string setting = prefix + "." + key;
    // clang 14 (the fuzz preset's compiler) cannot capture a structured binding.
    const int line = LineOf(value);
    auto bad = [&](const std::string& what) { return Status::InvalidArgument(setting + ": " + what).At(ctx.path, line); };
    if (!IsKnown(kNotifyKeys, key)) {
      return UnknownKey(setting, key, kNotifyKeys, "[" + prefix + "]", ctx, static_cast<int>(k.source().begin.line));
    }
    if (key == "on" || key == "webhook" || key == "to") {
      bool ok = value.is_string();
      if (const auto* arr = value.as_array()) {
        ok = true;
        for (const auto& item : *arr) ok = ok && item.is_string();
      }
      if (!ok) return bad("expected a string or an array of strings, got " + std::string(TypeName(value)));
    } else if (key == "starttls") {
      if (!value.is_boolean()) return bad("expected true or false, got " + std::string(TypeName(value)));
    } else if (key == "retries") {
      const auto* n = value.as_integer();
      if (!n) return bad("expected an integer, got " + std::string(TypeName(value)));
      if (n->get() < 0 || n->get() > 10) return bad("must be between 0 and 10");
    } else if (key == "timeout" || key == "retry_backoff") {
      if (!value.is_integer() && !value.is_string()) {
        return bad("expected a duration (\"5s\", \"250ms\") or seconds, got " + std::string(TypeName(value)));
      }
    } else if (!value.is_string()) {
      return bad("expected a string, got " + std::string(TypeName(value)));
    }
    // strata.toml is usually committed: a secret written into it is a leak.
    if ((key == "webhook_secret" || key == "smtp_password") && value.as_string()->get().find("${") == std::string::npos) {
      return bad("write it as \"${VARIABLE}\" and set the variable where strata runs: a secret must not be "
                 "written into strata.toml");
    }
    if (out) (*out)[key] = NotifySource{&value, setting};
  }
  return Status::Ok();
}

bool IsLoopbackHost(std::string_view url) {
  size_t start = url.find("://");
  if (start == std::string_view::npos) return false;
  std::string_view rest = url.substr(start + 3);
  if (size_t at = rest.find('@'); at != std::string_view::npos && at < rest.find('/')) rest = rest.substr(at + 1);
  return rest.rfind("127.", 0) == 0 || rest.rfind("localhost", 0) == 0 || rest.rfind("[::1]", 0) == 0;
}

// Interpolates and checks the merged [notify] keys into *out. An unset
// ${VAR} goes into out->error (alerts then report it instead of sending);
// any other bad value is an error now.
Status ResolveNotify(const NotifyNodes& nodes, const Ctx& ctx, Notify* out) {
  auto strings = [&](const toml::node& node, const std::string& setting,
                     std::vector<std::string>* into) -> Status {
    into->clear();
    auto add = [&](const toml::node& item) -> Status {
      Result<std::string> v = Interpolate(item.as_string()->get(), setting, ctx.getenv);
      if (!v.ok()) {
        if (out->error.ok()) out->error = v.status().At(ctx.path, LineOf(item));
        return Status::Ok();
      }
      into->push_back(std::move(*v));
      return Status::Ok();
    };
    if (const auto* arr = node.as_array()) {
      for (const auto& item : *arr) {
        Status s = add(item);
        if (!s.ok()) return s;
      }
      return Status::Ok();
    }
    return add(node);
  };
  for (const auto& [key, src] : nodes) {
    const toml::node& node = *src.node;
    const std::string& setting = src.setting;  // clang 14 cannot capture a structured binding
    auto bad = [&](const std::string& what) {
      return Status::InvalidArgument(setting + ": " + what).At(ctx.path, LineOf(node));
    };
    if (key == "on" || key == "webhook" || key == "to") {
      std::vector<std::string>* into = key == "on" ? &out->on : key == "webhook" ? &out->webhooks : &out->to;
      Status s = strings(node, src.setting, into);
      if (!s.ok()) return s;
      for (const auto& v : *into) {
        if (key == "on" && v != "failure" && v != "success" && v != "drift" && v != "start") {
          return bad("unknown event \"" + v + "\" (expected \"failure\", \"success\", \"drift\" or \"start\")");
        }
        if (key == "webhook" && !util::StartsWith(v, "https://") && !util::StartsWith(v, "http://")) {
          return bad("expected an http:// or https:// URL");
        }
        if (key == "webhook") RegisterSecret(v);  // a webhook URL is often a credential (Slack, Teams)
      }
    } else if (key == "starttls") {
      out->starttls = node.as_boolean()->get();
    } else if (key == "retries") {
      out->retries = static_cast<int>(node.as_integer()->get());
    } else if (key == "timeout" || key == "retry_backoff") {
      Result<Ms> d = DurationValue(node);
      if (!d.ok()) return bad(d.status().message());
      if (key == "timeout" && d->count() <= 0) return bad("must be more than 0");
      (key == "timeout" ? out->timeout : out->retry_backoff) = *d;
    } else {
      Result<std::string> v = Interpolate(node.as_string()->get(), src.setting, ctx.getenv);
      if (!v.ok()) {
        if (out->error.ok()) out->error = v.status().At(ctx.path, LineOf(node));
        continue;
      }
      if (key == "webhook_secret" || key == "smtp_password") RegisterSecret(*v);
      if (key == "smtp_url" && !v->empty() && !util::StartsWith(*v, "smtp://") && !util::StartsWith(*v, "smtps://")) {
        return bad("expected an smtp:// (STARTTLS) or smtps:// (TLS) URL");
      }
      std::string* field = key == "webhook_secret" ? &out->webhook_secret
                           : key == "smtp_url"     ? &out->smtp_url
                           : key == "from"         ? &out->from
                           : key == "smtp_user"    ? &out->smtp_user
                           : key == "smtp_password" ? &out->smtp_password
                                                    : &out->ca_file;
      *field = std::move(*v);
    }
  }
  auto where = [&](const char* key) {
    auto it = nodes.find(key);
    return it == nodes.end() ? std::make_pair(std::string("notify"), 0)
                             : std::make_pair(it->second.setting, LineOf(*it->second.node));
  };
  if (!out->smtp_url.empty()) {
    if (out->from.empty() || (out->to.empty() && out->error.ok())) {
      auto [setting, line] = where("smtp_url");
      return Status::InvalidArgument(setting + ": email alerts need `from` and `to` as well").At(ctx.path, line);
    }
    if (!out->starttls && !out->smtp_password.empty() && util::StartsWith(out->smtp_url, "smtp://") &&
        !IsLoopbackHost(out->smtp_url)) {
      auto [setting, line] = where("starttls");
      return Status::InvalidArgument(setting + ": starttls = false would send the SMTP password unencrypted")
          .At(ctx.path, line)
          .WithHint("keep starttls = true, or use an smtps:// URL");
    }
  }
  if (!out->ca_file.empty()) {
    // Relative to the folder of strata.toml, like every path in it.
    std::string path = out->ca_file;
    if (!std::filesystem::path(path).is_absolute()) {
      std::string parent = std::filesystem::path(ctx.path).parent_path().string();
      if (!parent.empty()) path = util::JoinPath(parent, path);
    }
    if (!util::Exists(path)) {
      auto [setting, line] = where("ca_file");
      return Status::NotFound(setting + ": " + out->ca_file + " does not exist").At(ctx.path, line);
    }
    out->ca_file = path;
  }
  return Status::Ok();
}

// One hook key of [env.NAME] into *hooks.
Status ReadHook(const std::string& key, const toml::node& node, const std::string& setting, const Ctx& ctx,
                Hooks* hooks) {
  auto bad = [&](const std::string& what) {
    return Status::InvalidArgument(setting + ": " + what).At(ctx.path, LineOf(node));
  };
  if (key == "hook_timeout") {
    Result<Ms> d = DurationValue(node);
    if (!d.ok()) return bad(d.status().message());
    if (d->count() <= 0) return bad("must be more than 0");
    hooks->timeout = *d;
    return Status::Ok();
  }
  if (!node.is_string()) return bad("expected a shell command (a string), got " + std::string(TypeName(node)));
  std::string command = node.as_string()->get();
  std::string* field = key == "before_up"     ? &hooks->before_up
                       : key == "after_up"    ? &hooks->after_up
                       : key == "on_failure"  ? &hooks->on_failure
                       : key == "before_each" ? &hooks->before_each
                                              : &hooks->after_each;
  *field = std::move(command);
  return Status::Ok();
}

// How the url of an environment is read (in) and what was found (out).
struct EnvRead {
  bool skip_url = false;   // in: --url replaces it, so its ${VAR} need not be set
  bool defer_url = false;  // in: need_url is false; keep a url error in url_error
  bool has_url = false;
  int url_line = 0;
  Status url_error;
  std::vector<std::string> keys_set;  // out: the keys the environment sets
  NotifyNodes notify;      // out: the environment's [env.NAME.notify] keys
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
    read->keys_set.push_back(key);
    if (key == "notify") {
      Status s = CollectNotify(node, setting, ctx, resolve ? &read->notify : nullptr);
      if (!s.ok()) return s;
      continue;
    }
    if (IsHookKey(key)) {
      Status s = ReadHook(key, node, setting, ctx, &env->hooks);
      if (!s.ok()) return s;
      continue;
    }
    if (IsBoolKey(key)) {
      const auto* b = node.as_boolean();
      if (!b) return bad("expected true or false, got " + std::string(TypeName(node)));
      *BoolField(env, key) = b->get();
      continue;
    }
    if (const IntKey* ik = FindIntKey(key)) {
      const auto* n = node.as_integer();
      if (!n) return bad("expected an integer, got " + std::string(TypeName(node)));
      if (n->get() < ik->min || n->get() > ik->max) {
        return bad("must be between " + std::to_string(ik->min) + " and " + std::to_string(ik->max));
      }
      SetInt(env, key, n->get());
      continue;
    }
    if (key == "audit_log_max" && node.is_integer()) {  // plain number = bytes
      if (node.as_integer()->get() < 0) return bad("must be a non-negative number of bytes");
      env->audit_log_max = node.as_integer()->get();
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
  const toml::table* root = nullptr;  // for the top-level audit_log keys
  NotifyNodes notify;  // the top-level [notify] keys
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
    if (IsKnown(kAuditKeys, key)) continue;  // read with the environment (ApplyTopLevelAudit)
    if (key == "notify") {
      Status s = CollectNotify(node, "notify", ctx, &top->notify);
      if (!s.ok()) return s;
      continue;
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
    if (key == "fleet") {
      Status s = internal::CheckFleets(node, ctx.path);
      if (!s.ok()) return s;
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

// The top-level audit_log keys, for an environment that does not set them
// itself; errors name the top-level key.
Status ApplyTopLevelAudit(const TopLevel& top, const Ctx& ctx, const EnvRead& read, Environment* env) {
  if (!top.root) return Status::Ok();
  for (std::string_view k : kAuditKeys) {
    const std::string key(k);
    const toml::node* node = top.root->get(key);
    if (!node || std::find(read.keys_set.begin(), read.keys_set.end(), key) != read.keys_set.end()) continue;
    const int line = LineOf(*node);
    auto bad = [&](const std::string& what) { return Status::InvalidArgument(key + ": " + what).At(ctx.path, line); };
    if (const auto* n = node->as_integer()) {
      if (key == "audit_log") return bad("expected a string, got an integer");
      if (n->get() < 0 || (key == "audit_log_keep" && n->get() > 1000)) {
        return bad(key == "audit_log_keep" ? "must be between 0 and 1000" : "must be a non-negative number of bytes");
      }
      if (key == "audit_log_keep") {
        env->audit_log_keep = static_cast<int>(n->get());
      } else {
        env->audit_log_max = n->get();
      }
      continue;
    }
    if (key == "audit_log_keep") return bad("expected an integer, got " + std::string(TypeName(*node)));
    if (!node->is_string()) return bad("expected a string, got " + std::string(TypeName(*node)));
    Result<std::string> value = Interpolate(node->as_string()->get(), key, ctx.getenv);
    if (!value.ok()) return value.status().At(ctx.path, line);
    Status s = ApplyString(key, std::move(*value), env);
    if (!s.ok()) return bad(s.message());
  }
  return Status::Ok();
}

Result<toml::table> ParseToml(const std::string& content, const std::string& path) {
  // What toml++ 3.3 would misread (an assertion, undefined behaviour) is
  // refused first; config/toml_precheck.h lists it.
  if (TomlProblem p = PrecheckToml(content); p.offset != std::string_view::npos) {
    int line = 1, column = 1;
    for (size_t i = 0; i < p.offset; ++i) {
      if (content[i] == '\n') {
        ++line;
        column = 1;
      } else if ((static_cast<unsigned char>(content[i]) & 0xC0) != 0x80) {
        ++column;
      }
    }
    return Status::Parse(p.what).At(path, line, column).WithHint("save strata.toml as UTF-8 text and quote non-ASCII values");
  }
  // toml++ reports syntax errors only by exception; it must not escape this file.
  try {
    return toml::parse(content, path);
  } catch (const toml::parse_error& e) {
    const toml::source_position& pos = e.source().begin;
    return Status::Parse(std::string(e.description()))
        .At(path, static_cast<int>(pos.line), static_cast<int>(pos.column))
        .WithHint("fix the TOML syntax at that line and column (a [table] header closed with ], a string in double "
                  "quotes on one line); docs/config.md shows every setting");
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

Result<int64_t> ParseSize(std::string_view text) {
  std::string_view t = util::Trim(text);
  auto bad = [&] {
    return Status::InvalidArgument("bad size '" + std::string(text) +
                                   "': expected a number with unit KB, MB or GB (\"10MB\"); a plain number means bytes");
  };
  size_t i = 0;
  int64_t n = 0;
  while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
    n = n * 10 + (t[i] - '0');
    if (n > (int64_t{1} << 40)) return bad();
    ++i;
  }
  if (i == 0) return bad();
  std::string unit = util::ToLower(util::Trim(t.substr(i)));
  static constexpr std::pair<std::string_view, int64_t> kUnits[] = {
      {"", 1},          {"b", 1},          {"k", 1 << 10},    {"kb", 1 << 10}, {"kib", 1 << 10},
      {"m", 1 << 20},   {"mb", 1 << 20},   {"mib", 1 << 20},  {"g", 1 << 30},  {"gb", 1 << 30},
      {"gib", 1 << 30}};
  for (auto [name, mult] : kUnits) {
    if (unit == name) return n * mult;
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
    top.root = &root;
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
  if (Status s = ApplyTopLevelAudit(top, ctx, read, &cfg.env); !s.ok()) return s;
  // Alerts: the environment's [notify] keys override the top-level ones.
  NotifyNodes notify = top.notify;
  for (auto& [key, src] : read.notify) notify[key] = src;
  if (Status s = ResolveNotify(notify, ctx, &cfg.notify); !s.ok()) return s;

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
  cfg.env.backup_dir = !options.backup_dir.empty()
                           ? options.backup_dir
                           : util::JoinPath(cfg.base_dir, cfg.env.backup_dir.empty() ? "backups" : cfg.env.backup_dir);
  if (!options.schema.empty()) {
    if (!IsIdentifier(options.schema)) {
      return Status::InvalidArgument("schema '" + options.schema + "' is not a plain SQL identifier")
          .WithHint("use letters, digits and _, not starting with a digit");
    }
    cfg.env.schema = options.schema;
  }
  if (!cfg.env.audit_log.empty()) cfg.env.audit_log = util::JoinPath(cfg.base_dir, cfg.env.audit_log);

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

namespace internal {

Result<std::string> Interpolate(std::string_view text, const std::string& setting, const GetEnv& getenv) {
  return ::strata::config::Interpolate(text, setting, getenv);
}

Result<toml::table> ParseToml(const std::string& content, const std::string& path) {
  return ::strata::config::ParseToml(content, path);
}

}  // namespace internal

}  // namespace strata::config
