// config::Url: a parsed database URL.
//   sqlite:PATH            (relative to the working directory; sqlite:///abs and
//   sqlite::memory:         sqlite://rel also accepted)
//   postgres://user:pass@host:port/db?sslmode=require&connect_timeout=5
//   postgresql://...       (same)
// Percent-encoding in user, password, host and database is decoded.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <strata/result.h>

namespace strata::config {

struct Url {
  enum class Scheme { kSqlite, kPostgres };
  Scheme scheme = Scheme::kSqlite;
  std::string raw;  // as given (contains the password: never print it)

  // SQLite
  std::string path;     // file path; empty for memory
  bool memory = false;  // sqlite::memory:

  // PostgreSQL (decoded). Empty means "libpq default".
  std::string user;
  std::string password;
  std::string host;
  std::string port;
  std::string database;
  std::map<std::string, std::string> query;  // sslmode, connect_timeout, application_name, ...

  // The URL with the password (and any password= parameter) as ****.
  std::string Redacted() const;
};

// Parses and validates `url`; registers the password with RegisterSecret.
// kInvalidArgument with a message naming what is wrong and the accepted forms.
Result<Url> ParseUrl(std::string_view url);

// Registers with RegisterSecret every credential that `text` shows in URL
// form: the password of each `scheme://user:password@` and the value of each
// `password=` parameter. For values that came from the environment (${VAR})
// and may be echoed in an error before they are parsed as a URL.
void RegisterUrlSecrets(std::string_view text);

// A postgres:// URL with its database replaced by `database` (percent-
// encoded); user, password, host and query are kept as written. For fleets
// (one target per database a query lists).
std::string WithDatabase(std::string_view url, std::string_view database);

// A postgres:// URL whose libpq `options` parameter also sets
// `-c search_path=SCHEMA` (added to any options already there). REQUIRES:
// `schema` is a plain identifier.
std::string WithSearchPath(std::string_view url, std::string_view schema);

}  // namespace strata::config
