#include "driver/open.h"

#include "config/url.h"
#include "driver/postgres/postgres_connection.h"
#include "driver/sqlite/sqlite_connection.h"

namespace strata::driver {

// The only file that names both drivers: a switch on the scheme rather than
// self-registration, which static libraries would silently drop.
Result<std::unique_ptr<Connection>> Open(std::string_view url, const ConnectOptions& options) {
  auto parsed = config::ParseUrl(url);
  if (!parsed.ok()) return parsed.status();
  switch (parsed->scheme) {
    case config::Url::Scheme::kSqlite: {
      auto conn = SqliteConnection::Open(*parsed, options);
      if (!conn.ok()) return conn.status();
      return std::unique_ptr<Connection>(std::move(*conn));
    }
    case config::Url::Scheme::kPostgres: {
      auto conn = PostgresConnection::Open(*parsed, options);
      if (!conn.ok()) return conn.status();
      return std::unique_ptr<Connection>(std::move(*conn));
    }
  }
  return Status::Internal("driver::Open: unhandled URL scheme");
}

}  // namespace strata::driver
