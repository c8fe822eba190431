// Process exit codes of the strata binary. One table, used by every command,
// so scripts can rely on them (docs/json.md lists them too):
//   0 ok, 1 error, 2 usage, 3 pending (status --exit-code), 4 lint errors,
//   5 drift, 6 validation failed (checksum, missing, dirty, inconsistent set).
#pragma once

#include <strata/status.h>

namespace strata::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitPending = 3;  // only `status --exit-code`

// The exit code for a failure of kind `code` (kOk -> 0).
int ExitCode(Status::Code code);

}  // namespace strata::cli
