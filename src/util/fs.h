// Small file helpers shared by every subsystem. Errors are kIo / kNotFound
// Statuses that name the path.
#pragma once

#include <string>
#include <string_view>
#include <system_error>

#include <strata/result.h>
#include <strata/status.h>

namespace strata::util {

Result<std::string> ReadFile(const std::string& path);
// Writes via a temporary file in the same folder and rename(), so a reader
// never sees half a file. Fails with kIo if `exclusive` and the path exists.
// `sync` = false skips the fsync (for caches, which may be lost).
Status WriteFileAtomic(const std::string& path, std::string_view content, bool exclusive = false,
                       bool sync = true);
bool Exists(const std::string& path);
// Whether a std::filesystem query's error is a failure to look the path up
// (a symbolic link loop, a name too long, no permission) rather than the
// path not existing (libstdc++ reports ENOENT/ENOTDIR in the error_code of
// is_directory and is_regular_file).
bool LookupFailed(const std::error_code& ec);
// Joins a and b unless b is absolute.
std::string JoinPath(const std::string& a, const std::string& b);

}  // namespace strata::util
