// driver::Open: the one place that knows every concrete driver. Picks the
// driver by URL scheme (sqlite:, postgres://, postgresql://).
#pragma once

#include <memory>
#include <string_view>

#include "driver/connection.h"
#include <strata/result.h>

namespace strata::driver {

// Opens a connection. Fails with kInvalidArgument (bad or unknown URL),
// kDatabase (cannot connect, after the configured retries; authentication
// failures are not retried). Messages never contain the password.
Result<std::unique_ptr<Connection>> Open(std::string_view url, const ConnectOptions& options);

}  // namespace strata::driver
