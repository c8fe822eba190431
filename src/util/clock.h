// Time and identity helpers (the Clock seam): wall-clock time as RFC 3339,
// and who is running strata.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace strata::util {

// Current UTC time, "2026-11-22T09:30:00Z" (millisecond precision when
// `millis`: "2026-11-22T09:30:00.123Z").
std::string NowRfc3339(bool millis = false);
// UTC time as YYYYMMDDHHMMSS (new migration versions).
std::string NowCompact();
// Milliseconds since the Unix epoch.
int64_t NowUnixMillis();
// "user@host" of this process ($USER or the passwd entry, gethostname()).
std::string UserAtHost();
std::string HostName();

// Unix milliseconds of an RFC 3339 time ("2026-11-22T09:30:00Z",
// "2026-11-22T09:30:00.123Z", "2026-11-22 09:30:00+02"); nullopt when it is
// not one.
std::optional<int64_t> ParseRfc3339Millis(std::string_view text);
// "2026-11-22T09:30:00Z" (with ".123" when `millis`) for Unix milliseconds.
std::string FormatRfc3339(int64_t unix_millis, bool millis = false);

// Measures elapsed wall time.
class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  int64_t ElapsedMs() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_)
        .count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace strata::util
