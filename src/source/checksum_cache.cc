#include "source/checksum_cache.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "util/fs.h"
#include "util/strings.h"

namespace strata::source {
namespace {

constexpr const char* kHeader = "strata-checksum-cache 1";

int64_t Nanos(const struct timespec& ts) { return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec; }

std::string CacheDir() {
  if (const char* d = std::getenv("STRATA_CACHE_DIR"); d && *d) return std::string(d) == "off" ? "" : d;
  if (const char* d = std::getenv("XDG_CACHE_HOME"); d && *d) return std::string(d) + "/strata";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/strata";
  return "";
}

int64_t ToInt(std::string_view s) {
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;  // never matches a real stat value
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

ChecksumCache::ChecksumCache(const std::string& dir, int64_t racy_margin_ns) : racy_margin_ns_(racy_margin_ns) {
  std::string base = CacheDir();
  if (base.empty()) return;
  std::error_code ec;
  std::string absolute = std::filesystem::absolute(dir, ec).lexically_normal().string();
  if (ec) return;
  // FNV-1a names the file: not SHA-256, whose first use costs OpenSSL's
  // start-up (~2 ms) on a path that exists to save time.
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : absolute) h = (h ^ c) * 1099511628211ULL;
  char name[32];
  std::snprintf(name, sizeof name, "/checksums-%016llx", static_cast<unsigned long long>(h));
  path_ = base + name + "-" + std::to_string(absolute.size());
  auto text = util::ReadFile(path_);
  if (!text.ok()) return;
  // name \t size \t mtime_ns \t ctime_ns \t ino \t checksum \t no_tx \t allow,allow
  std::string_view rest = *text;
  auto next_line = [&rest]() {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    return line;
  };
  if (next_line() != kHeader) return;  // other version or corrupt: start over
  entries_.reserve(1024);
  while (!rest.empty()) {
    std::string_view line = next_line();
    std::string_view f[8];
    size_t n = 0;
    while (n < 8) {
      size_t tab = line.find('\t');
      f[n++] = line.substr(0, tab);
      if (tab == std::string_view::npos) break;
      line.remove_prefix(tab + 1);
    }
    if (n != 8 || f[5].size() != 64) continue;
    Entry e;
    e.size = ToInt(f[1]);
    e.mtime_ns = ToInt(f[2]);
    e.ctime_ns = ToInt(f[3]);
    e.ino = static_cast<uint64_t>(ToInt(f[4]));
    e.file.checksum = std::string(f[5]);
    e.file.no_transaction = f[6] == "1";
    if (!f[7].empty()) e.file.allow = util::SplitString(f[7], ',');
    entries_.emplace(std::string(f[0]), std::move(e));
  }
}

bool ChecksumCache::Matches(const Entry& e, const struct stat& st) {
  return e.size == static_cast<int64_t>(st.st_size) && e.mtime_ns == Nanos(st.st_mtim) &&
         e.ctime_ns == Nanos(st.st_ctim) && e.ino == static_cast<uint64_t>(st.st_ino);
}

std::optional<CachedFile> ChecksumCache::Lookup(const std::string& name, const struct stat& st) const {
  auto it = entries_.find(name);
  if (it == entries_.end() || !Matches(it->second, st)) return std::nullopt;
  return it->second.file;
}

void ChecksumCache::Remember(const std::string& name, const struct stat& st, CachedFile file) {
  if (!enabled()) return;
  // Racily clean: a write in the same clock tick as this stat would leave
  // size and times unchanged. Such files are hashed again next time.
  struct timespec now {};
  ::clock_gettime(CLOCK_REALTIME, &now);
  if (Nanos(now) - Nanos(st.st_mtim) < racy_margin_ns_ || Nanos(now) - Nanos(st.st_ctim) < racy_margin_ns_) return;
  Entry e;
  e.size = static_cast<int64_t>(st.st_size);
  e.mtime_ns = Nanos(st.st_mtim);
  e.ctime_ns = Nanos(st.st_ctim);
  e.ino = static_cast<uint64_t>(st.st_ino);
  e.file = std::move(file);
  fresh_[name] = std::move(e);
  dirty_ = true;
}

void ChecksumCache::Save() {
  if (!enabled() || !dirty_) return;
  for (auto& [name, e] : fresh_) entries_[name] = std::move(e);
  fresh_.clear();
  std::string out = std::string(kHeader) + "\n";
  for (const auto& [name, e] : entries_) {
    std::string allow;
    for (const auto& a : e.file.allow) allow += (allow.empty() ? "" : ",") + a;
    out += name + "\t" + std::to_string(e.size) + "\t" + std::to_string(e.mtime_ns) + "\t" +
           std::to_string(e.ctime_ns) + "\t" + std::to_string(e.ino) + "\t" + e.file.checksum + "\t" +
           (e.file.no_transaction ? "1" : "0") + "\t" + allow + "\n";
  }
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
  Status s = util::WriteFileAtomic(path_, out, false, /*sync=*/false);
  (void)s;  // a cache that cannot be written is only slower
  dirty_ = false;
}

}  // namespace strata::source
