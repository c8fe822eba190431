// The native migration reader: one directory listing, each file read once.
// Runs on every `strata status`, so it avoids regexes and repeated stats.
#include "source/migration.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <atomic>
#include <optional>
#include <thread>
#include <filesystem>
#include <system_error>

#include "source/checksum_cache.h"
#include "source/file_reader.h"
#include "source/reader_support.h"
#include "source/readers.h"
#include "util/fs.h"
#include "util/sha256.h"
#include "util/strings.h"

namespace strata::source {
namespace {


constexpr const char* kDirHint = "run `strata init` or pass --dir";
constexpr const char* kNamingHint = "name migrations VERSION_NAME.up.sql (and VERSION_NAME.down.sql)";

enum class Kind { kUp, kDown };

// One .sql file name split into its parts.
struct SqlFile {
  std::string file;     // "0001_create_users.up.sql"
  std::string path;     // dir joined with file
  std::string version;  // "0001"
  std::string name;     // "create_users"
  Kind kind = Kind::kUp;
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Splits `file` (ending in .sql) into *out. On failure returns the problem.
Status SplitFileName(const std::string& file, SqlFile* out) {
  std::string_view stem = file;
  if (util::EndsWith(stem, ".up.sql")) {
    out->kind = Kind::kUp;
    stem.remove_suffix(7);
  } else if (util::EndsWith(stem, ".down.sql")) {
    out->kind = Kind::kDown;
    stem.remove_suffix(9);
  } else {
    out->kind = Kind::kUp;
    stem.remove_suffix(4);
  }
  size_t digits = 0;
  while (digits < stem.size() && IsDigit(stem[digits])) ++digits;
  if (digits == 0) {
    return Status::Validation("file name has no version: " + file + "; " + kNamingHint);
  }
  std::string_view rest = stem.substr(digits);
  if (!rest.empty() && rest.front() != '_') {
    return Status::Validation("bad migration file name: " + file + " (expected '_' after the version); " +
                              kNamingHint);
  }
  out->file = file;
  out->version = std::string(stem.substr(0, digits));
  out->name = rest.empty() ? std::string() : std::string(rest.substr(1));
  return Status::Ok();
}

// True when `sql` has anything besides whitespace, -- comments and /* */ comments.
bool HasSql(std::string_view sql) {
  size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++i;
    } else if (sql.substr(i, 2) == "--") {
      size_t nl = sql.find('\n', i);
      i = nl == std::string_view::npos ? sql.size() : nl + 1;
    } else if (sql.substr(i, 2) == "/*") {
      size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
    } else if (i == 0 && util::StartsWith(sql, "\xEF\xBB\xBF")) {
      i = 3;
    } else {
      return true;
    }
  }
  return false;
}

// A read, checked, normalised file. `ok` false when a problem was recorded.
struct FileContent {
  bool ok = false;
  bool empty = false;  // an up file with no SQL (its problem is recorded)
  std::string sql;  // CRLF -> LF
  std::string checksum;
  Annotations annotations;
};

FileContent ReadSqlFile(const SqlFile& f, std::vector<Status>* problems) {
  FileContent out;
  Result<FileText> read = ReadMigrationFile(f.path);
  if (!read.ok()) {
    problems->push_back(read.status());
    return out;
  }
  out.sql = std::move(read->text);
  // An empty down means "nothing to undo"; an empty up is almost always a
  // file created by `strata new` and never filled in.
  if (f.kind == Kind::kUp && !HasSql(out.sql)) {
    problems->push_back(Status::Validation("empty migration: " + f.file)
                            .At(f.path)
                            .WithHint("write the SQL to apply, or delete the file"));
    out.empty = true;
    return out;
  }
  Result<Annotations> ann = ParseAnnotations(out.sql, f.path);
  if (!ann.ok()) {
    problems->push_back(ann.status());
    return out;
  }
  out.annotations = std::move(*ann);
  out.checksum = util::Sha256Hex(out.sql);
  out.ok = true;
  return out;
}

// "a", "a and b", "a, b and c"
std::string ListFiles(const std::vector<const SqlFile*>& files) {
  std::string out;
  for (size_t i = 0; i < files.size(); ++i) {
    if (i > 0) out += i + 1 == files.size() ? " and " : ", ";
    out += files[i]->file;
  }
  return out;
}

Status Duplicate(const std::vector<const SqlFile*>& files, std::string_view what) {
  return Status::Validation("duplicate " + std::string(what) + " " + files.front()->version + ": " +
                            ListFiles(files) + "; none of them is loaded")
      .At(files.front()->path)
      .WithHint("give each migration its own version (versions compare as numbers: 001 equals 1)");
}

// One version's files after the name checks: an up file and maybe its down.
struct Pair {
  const SqlFile* up = nullptr;
  const SqlFile* down = nullptr;
};

// Checks the files of one version (all files in `group` share it) for
// duplicates and orphans. Returns the pair to load, or nothing.
std::optional<Pair> PairVersion(const std::vector<const SqlFile*>& group, MigrationSet* set) {
  std::vector<const SqlFile*> ups, downs;
  for (const SqlFile* f : group) (f->kind == Kind::kUp ? ups : downs).push_back(f);
  if (ups.size() > 1) {
    set->problems.push_back(Duplicate(ups, "version"));
    return std::nullopt;
  }
  std::vector<const SqlFile*> matching;
  for (const SqlFile* d : downs) {
    if (!ups.empty() && d->name == ups.front()->name) {
      matching.push_back(d);
      continue;
    }
    std::string expected = d->version + (d->name.empty() ? "" : "_" + d->name) + ".up.sql";
    set->problems.push_back(
        Status::Validation("down migration without an up file: " + d->file)
            .At(d->path)
            .WithHint("add " + expected + ", or rename the down file to match its up file"));
  }
  if (ups.empty()) return std::nullopt;
  if (matching.size() > 1) {
    set->problems.push_back(Duplicate(matching, "down file for version"));
    return std::nullopt;
  }
  return Pair{ups.front(), matching.empty() ? nullptr : matching.front()};
}

struct ReadResult {
  FileContent content;
  std::vector<Status> problems;
  struct stat st {};
  bool stat_ok = false;
  bool from_cache = false;
};

// Reads and checks `files` on a few threads: reading a thousand small files
// is syscall-bound, and `strata status` does it on every run. With a cache,
// a file whose stat data match costs one stat. Results come back in the
// order of `files`, so problems stay deterministic.
std::vector<ReadResult> ReadAll(const std::vector<const SqlFile*>& files, ChecksumCache* cache) {
  std::vector<ReadResult> out(files.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < files.size();) {
      ReadResult& r = out[i];
      if (cache) {
        // stat before reading: if the file changes in between, the entry
        // saved below describes the older stat and is simply missed later.
        r.stat_ok = ::stat(files[i]->path.c_str(), &r.st) == 0;
        if (r.stat_ok) {
          if (auto hit = cache->Lookup(files[i]->file, r.st)) {
            r.content.ok = true;
            r.content.checksum = std::move(hit->checksum);
            r.content.annotations.no_transaction = hit->no_transaction;
            r.content.annotations.allow = std::move(hit->allow);
            r.from_cache = true;
            continue;
          }
        }
      }
      r.content = ReadSqlFile(*files[i], &r.problems);
    }
  };
  size_t cores = std::max(1u, std::thread::hardware_concurrency());
  size_t threads = std::min<size_t>({cores, 8, files.size() / 128 + 1});
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  return out;
}

}  // namespace

namespace {

// One numeric part: without leading zeros a longer number is larger; this
// holds for 14-digit timestamps and beyond, where converting to an integer
// would overflow.
int ComparePart(std::string_view a, std::string_view b) {
  while (!a.empty() && a.front() == '0') a.remove_prefix(1);
  while (!b.empty() && b.front() == '0') b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

bool IsRepeatableVersion(std::string_view version) { return util::StartsWith(version, "R__"); }

bool Migration::repeatable() const { return IsRepeatableVersion(version); }

int CompareVersions(std::string_view a, std::string_view b) {
  bool ra = IsRepeatableVersion(a), rb = IsRepeatableVersion(b);
  if (ra || rb) {
    if (ra != rb) return ra ? 1 : -1;
    // Flyway orders repeatables by description, where '_' is a space.
    a.remove_prefix(3);
    b.remove_prefix(3);
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
      char x = a[i] == '_' ? ' ' : a[i], y = b[i] == '_' ? ' ' : b[i];
      if (x != y) return static_cast<unsigned char>(x) < static_cast<unsigned char>(y) ? -1 : 1;
    }
    return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
  }
  // Native versions have one part: this loop runs once for them.
  while (true) {
    size_t da = a.find('.'), db = b.find('.');
    if (int c = ComparePart(a.substr(0, da), b.substr(0, db)); c != 0) return c;
    if (da == std::string_view::npos && db == std::string_view::npos) return 0;
    a = da == std::string_view::npos ? std::string_view() : a.substr(da + 1);
    b = db == std::string_view::npos ? std::string_view() : b.substr(db + 1);
  }
}

std::string Checksum(std::string_view content) { return util::Sha256Hex(NormalizeNewlines(std::string(content))); }

std::string NormalizeName(std::string_view name) {
  std::string out;
  bool gap = false;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || IsDigit(c)) {
      if (gap && !out.empty()) out += '_';
      gap = false;
      out += c;
    } else {
      gap = true;
    }
  }
  return out;
}

Status ReadDown(Format format, Migration* m, const LoadOptions& options) {
  if (!m->down_path || m->down_sql) return Status::Ok();
  if (format != Format::kNative && format != Format::kGolangMigrate) return Status::Ok();
  Result<FileText> read = ReadMigrationFile(*m->down_path);
  if (!read.ok()) return read.status();
  std::vector<Status> problems;
  internal::Side side;
  // As the readers do: golang-migrate's own files may need to run outside a
  // transaction; a native file says so with an annotation.
  std::string checksum_of = read->text;
  if (!internal::MakeSide(*m->down_path, std::move(read->text), checksum_of, /*require_sql=*/false,
                          /*detect_no_transaction=*/format == Format::kGolangMigrate, options, &problems, &side)) {
    return problems.empty() ? Status::Internal("down file not read").At(*m->down_path) : problems.front();
  }
  m->down_sql = std::move(side.sql);
  m->down_checksum = std::move(side.checksum);
  m->down_annotations = std::move(side.annotations);
  return Status::Ok();
}

namespace internal {

Result<MigrationSet> LoadNative(const std::string& dir, const LoadOptions& options) {
  // opendir/readdir rather than std::filesystem: d_type comes with each entry
  // and no path objects are built; this listing runs on every `strata status`.
  std::unique_ptr<DIR, int (*)(DIR*)> handle(::opendir(dir.c_str()), ::closedir);
  if (!handle) {
    int err = errno;
    if (err == ENOENT) return Status::NotFound("migrations directory not found").At(dir).WithHint(kDirHint);
    if (err == ENOTDIR) return Status::Io("migrations directory is not a directory").At(dir).WithHint(kDirHint);
    return Status::Io(std::string("cannot list migrations directory: ") + std::strerror(err)).At(dir).WithHint(kDirHint);
  }

  // 1. List: keep .sql files, skip hidden files and folders.
  MigrationSet set;
  std::vector<SqlFile> files;
  while (true) {
    errno = 0;  // readdir returns null at the end and on errors; only errno tells them apart
    const dirent* entry = ::readdir(handle.get());
    if (entry == nullptr) {
      if (errno != 0) {
        return Status::Io(std::string("cannot list migrations directory: ") + std::strerror(errno))
            .At(dir)
            .WithHint(kDirHint);
      }
      break;
    }
    std::string file = entry->d_name;
    if (file.empty() || file.front() == '.' || !util::EndsWith(file, ".sql")) continue;
    std::string path = util::JoinPath(dir, file);
    bool is_dir = entry->d_type == DT_DIR;
    if (entry->d_type == DT_UNKNOWN || entry->d_type == DT_LNK) {  // some filesystems do not fill d_type
      struct stat st {};
      is_dir = ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    }
    if (is_dir) continue;
    SqlFile f;
    f.path = std::move(path);
    Status s = SplitFileName(file, &f);
    if (s.ok()) {
      files.push_back(std::move(f));
    } else {
      set.problems.push_back(std::move(s).At(f.path));
    }
  }

  // 2. Order by version, then name and kind, so that each version's files are
  // adjacent and problems come out in a stable order.
  std::vector<const SqlFile*> sorted;
  sorted.reserve(files.size());
  for (const SqlFile& f : files) sorted.push_back(&f);
  std::sort(sorted.begin(), sorted.end(), [](const SqlFile* a, const SqlFile* b) {
    if (int c = CompareVersions(a->version, b->version); c != 0) return c < 0;
    if (a->name != b->name) return a->name < b->name;
    if (a->kind != b->kind) return a->kind == Kind::kUp;
    return a->file < b->file;
  });

  // 3. Pair each version's files, read what is needed, then assemble.
  std::vector<Pair> pairs;
  std::vector<const SqlFile*> group;
  for (size_t i = 0; i < sorted.size(); ++i) {
    group.push_back(sorted[i]);
    if (i + 1 == sorted.size() || CompareVersions(sorted[i]->version, sorted[i + 1]->version) != 0) {
      if (auto pair = PairVersion(group, &set)) pairs.push_back(*pair);
      group.clear();
    }
  }
  std::vector<const SqlFile*> to_read;
  for (const Pair& p : pairs) {
    to_read.push_back(p.up);
    if (p.down && options.read_down) to_read.push_back(p.down);
  }
  std::optional<ChecksumCache> cache;
  if (options.use_cache) cache.emplace(dir);
  std::vector<ReadResult> contents = ReadAll(to_read, cache && cache->enabled() ? &*cache : nullptr);
  if (cache && cache->enabled()) {
    for (size_t i = 0; i < to_read.size(); ++i) {
      const ReadResult& r = contents[i];
      if (r.from_cache || !r.stat_ok || !r.content.ok) continue;
      cache->Remember(to_read[i]->file, r.st,
                      {r.content.checksum, r.content.annotations.no_transaction, r.content.annotations.allow});
    }
    cache->Save();
  }
  size_t next = 0;
  set.migrations.reserve(pairs.size());
  for (const Pair& p : pairs) {
    ReadResult& up = contents[next++];
    ReadResult* down = p.down && options.read_down ? &contents[next++] : nullptr;
    for (auto& problem : up.problems) set.problems.push_back(std::move(problem));
    if (down) {
      for (auto& problem : down->problems) set.problems.push_back(std::move(problem));
    }
    if (up.content.empty && (!down || down->content.ok)) {
      Migration e;
      e.version = p.up->version;
      e.name = p.up->name;
      e.up_path = p.up->path;
      if (p.down) e.down_path = p.down->path;
      set.empty.push_back(std::move(e));
    }
    if (!up.content.ok || (down && !down->content.ok)) continue;
    Migration m;
    m.version = p.up->version;
    m.name = p.up->name;
    m.up_path = p.up->path;
    m.up_sql = std::move(up.content.sql);
    m.checksum = std::move(up.content.checksum);
    m.up_annotations = std::move(up.content.annotations);
    if (p.down) m.down_path = p.down->path;
    if (down) {
      m.down_sql = std::move(down->content.sql);
      m.down_checksum = std::move(down->content.checksum);
      m.down_annotations = std::move(down->content.annotations);
    }
    set.migrations.push_back(std::move(m));
  }

  std::stable_sort(set.problems.begin(), set.problems.end(),
                   [](const Status& a, const Status& b) { return a.file() < b.file(); });
  return set;
}

}  // namespace internal

Result<MigrationSet> LoadMigrations(const std::string& dir, const LoadOptions& options) {
  std::string why;
  Format format = options.format == Format::kAuto ? DetectFormat(dir, &why) : options.format;
  Result<MigrationSet> set = Status::Internal("no reader");
  switch (format) {
    case Format::kAuto:
    case Format::kNative: set = internal::LoadNative(dir, options); break;
    case Format::kDrizzle: set = internal::LoadDrizzle(dir, options); break;
    case Format::kGolangMigrate: set = internal::LoadGolangMigrate(dir, options); break;
    case Format::kFlyway: set = internal::LoadFlyway(dir, options); break;
    case Format::kDbmate: set = internal::LoadDbmate(dir, options); break;
  }
  if (!set.ok()) return set;
  set->format = format == Format::kAuto ? Format::kNative : format;
  if (!why.empty()) {
    // Say how the folder was read: a native folder with a down file named
    // unlike its up file reads as golang-migrate's, for example.
    set->notes.insert(set->notes.begin(),
                      Status::Validation("read as a " + std::string(ToString(set->format)) + " folder: " + why)
                          .At(dir)
                          .WithHint("set format = \"" + std::string(ToString(set->format)) +
                                    "\" in strata.toml (or another format) to say so"));
  }
  return set;
}

}  // namespace strata::source
