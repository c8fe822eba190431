// source::ChecksumCache: remembers each migration file's checksum and
// annotations by its stat data, so that `strata status` over a thousand
// migrations costs a stat per file instead of open, read and hash.
//
// Validity, as in git's index: an entry is used only when the file's size,
// mtime, ctime (nanoseconds) and inode all match. ctime changes on every
// write and rename and cannot be set by user programs, so an edit that keeps
// the size and restores the mtime is still seen. Files changed within two
// seconds of the cache being written are not cached ("racily clean"): they
// are hashed again next time. Only `status` uses the cache; `up`, `down` and
// `validate` always read and hash every up file.
//
// Stored in $STRATA_CACHE_DIR, else $XDG_CACHE_HOME/strata, else
// ~/.cache/strata, one file per migrations directory. Every cache error
// (unwritable home, corrupt file) just means no cache. STRATA_CACHE_DIR=off
// disables it. Not thread-safe: Lookup from many threads only after Load.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace strata::source {

struct CachedFile {
  std::string checksum;
  bool no_transaction = false;
  std::vector<std::string> allow;
};

class ChecksumCache {
 public:
  // Reads the cache for `dir` (absolute or relative to the working dir).
  // Files changed less than `racy_margin_ns` before Remember are not cached.
  explicit ChecksumCache(const std::string& dir, int64_t racy_margin_ns = 2'000'000'000);

  bool enabled() const { return !path_.empty(); }
  // The entry for file `name` if `st` still matches it.
  std::optional<CachedFile> Lookup(const std::string& name, const struct stat& st) const;
  // Remembers a freshly hashed file (ignored when racily clean).
  void Remember(const std::string& name, const struct stat& st, CachedFile file);
  // Writes the cache if anything changed (atomically; errors ignored).
  void Save();

 private:
  struct Entry {
    int64_t size = 0;
    int64_t mtime_ns = 0;
    int64_t ctime_ns = 0;
    uint64_t ino = 0;
    CachedFile file;
  };
  static bool Matches(const Entry& e, const struct stat& st);

  int64_t racy_margin_ns_;
  std::string path_;  // "" = disabled
  std::unordered_map<std::string, Entry> entries_;
  std::unordered_map<std::string, Entry> fresh_;  // to add on Save
  bool dirty_ = false;
};

}  // namespace strata::source
