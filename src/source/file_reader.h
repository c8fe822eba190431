// source::ReadMigrationFile: the one way every migration reader (native,
// drizzle-kit, golang-migrate, Flyway, dbmate) and `lint FILE` read a file.
//
// It refuses, before anything runs, what a database would silently get wrong:
//   - anything that is not a regular file or a symbolic link to one (a FIFO
//     would block the open forever; a device or socket is no migration). It is
//     never opened: the type is checked with stat() first, and the open is
//     non-blocking with a second check on the open descriptor, so a file
//     swapped for a FIFO in between cannot hang either;
//   - a NUL byte: SQLite and libpq read SQL as C strings and stop at the first
//     NUL, so every statement after it would be dropped without a word;
//   - bytes that are not UTF-8.
// Each refusal is a kValidation Status with the path (and line) set and a
// hint; the readers list it as a file that is not loaded. A file that does
// not exist is kNotFound. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <strata/result.h>
#include <strata/status.h>

namespace strata::source {

struct FileText {
  std::string text;  // the content with CRLF turned into LF: what strata runs and checksums
  std::string raw;   // the bytes as on disk; filled only when asked (ReadOptions::keep_raw)
};

struct ReadOptions {
  // Also return the bytes as on disk (drizzle-kit hashes them). Default false:
  // most files have no CR, and keeping two copies would double the memory of a
  // large data migration.
  bool keep_raw = false;
};

Result<FileText> ReadMigrationFile(const std::string& path, const ReadOptions& options = {});

// CRLF -> LF; returns `s` itself (no copy) when it has no CR.
std::string NormalizeNewlines(std::string s);

// 1-based line of `offset` in `s`.
int LineAt(std::string_view s, size_t offset);

}  // namespace strata::source
