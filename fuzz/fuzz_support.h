// What the fuzz targets share: a private scratch folder on tmpfs for the
// targets whose code under test reads files (migration folders,
// strata.toml), and the small archive format their inputs use.
//
// Archive (the seeds in fuzz/corpus/ are written in it, so they stay
// readable and a libFuzzer mutation keeps most of their structure):
//
//   header line(s)             options for the target ("flyway no-down")
//   === 0001_users.up.sql      a file: everything up to the next "=== " line
//   CREATE TABLE users (...);
//   === meta/_journal.json     names may hold '/': folders are created
//   {...}
//
// Names that are empty, absolute, or hold "..", a NUL byte or an empty path
// part are dropped, so a mutated input never writes outside the scratch
// folder. Single-threaded, like libFuzzer's calls into a target.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace strata::fuzz {

struct ArchiveFile {
  std::string name;
  std::string content;
};

struct Archive {
  std::string header;  // the text before the first "=== " line
  std::vector<ArchiveFile> files;
};

// Splits `data`; at most `max_files` files (the rest are dropped).
Archive ParseArchive(std::string_view data, size_t max_files = 32);

// True when `name` is a relative path that stays inside its folder.
bool SafeRelativeName(std::string_view name);

// A folder made once per process (under /dev/shm when it is writable, so
// that no input touches a disk; else $TMPDIR or /tmp), removed at exit and
// when a sanitizer reports a crash.
class Scratch {
 public:
  static Scratch& Get();
  const std::string& dir() const { return dir_; }
  // Removes everything in the folder.
  void Clear();
  // Writes `content` to dir()/name, creating folders. False when `name` is
  // not safe or the write failed (the target then skips the file).
  bool Write(const std::string& name, std::string_view content);

 private:
  Scratch();
  std::string dir_;
};

}  // namespace strata::fuzz
