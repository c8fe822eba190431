// Small file helpers shared by every subsystem. Errors are kIo / kNotFound
// Statuses that name the path.
#pragma once

#include <string>
#include <string_view>

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
// Joins a and b unless b is absolute.
std::string JoinPath(const std::string& a, const std::string& b);

}  // namespace strata::util
