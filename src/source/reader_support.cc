#include "source/reader_support.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "util/fs.h"
#include "util/sha256.h"
#include "util/strings.h"

namespace strata::source::internal {

Result<std::vector<DirEntry>> ListDir(const std::string& dir) {
  constexpr const char* kHint = "run `strata init` or pass --dir";
  std::unique_ptr<DIR, int (*)(DIR*)> handle(::opendir(dir.c_str()), ::closedir);
  if (!handle) {
    int err = errno;
    if (err == ENOENT) return Status::NotFound("migrations directory not found").At(dir).WithHint(kHint);
    if (err == ENOTDIR) return Status::Io("migrations directory is not a directory").At(dir).WithHint(kHint);
    return Status::Io(std::string("cannot list migrations directory: ") + std::strerror(err)).At(dir).WithHint(kHint);
  }
  std::vector<DirEntry> out;
  while (true) {
    errno = 0;  // readdir returns null at the end and on errors; only errno tells them apart
    const dirent* entry = ::readdir(handle.get());
    if (entry == nullptr) {
      if (errno != 0) {
        return Status::Io(std::string("cannot list migrations directory: ") + std::strerror(errno))
            .At(dir)
            .WithHint(kHint);
      }
      break;
    }
    DirEntry e;
    e.name = entry->d_name;
    if (e.name.empty() || e.name.front() == '.') continue;
    e.path = util::JoinPath(dir, e.name);
    e.is_dir = entry->d_type == DT_DIR;
    if (entry->d_type == DT_UNKNOWN || entry->d_type == DT_LNK) {  // some filesystems do not fill d_type
      struct stat st {};
      e.is_dir = ::stat(e.path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    }
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  return out;
}

bool HasSql(std::string_view sql) {
  size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == ';') {
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

bool MakeSide(const std::string& path, std::string sql, std::string_view checksum_of, bool require_sql,
              bool detect_no_transaction, const LoadOptions& options, std::vector<Status>* problems, Side* out) {
  if (require_sql && !HasSql(sql)) {
    problems->push_back(Status::Validation("empty migration: nothing to run")
                            .At(path)
                            .WithHint("write the SQL to apply, or delete the file"));
    return false;
  }
  Result<Annotations> ann = ParseAnnotations(sql, path);
  if (!ann.ok()) {
    problems->push_back(ann.status());
    return false;
  }
  out->annotations = std::move(*ann);
  if (detect_no_transaction && !out->annotations.no_transaction && options.needs_no_transaction &&
      options.needs_no_transaction(sql)) {
    out->annotations.no_transaction = true;
  }
  out->checksum = util::Sha256Hex(checksum_of);
  out->sql = std::move(sql);
  return true;
}

Status Duplicate(std::string_view what, const std::string& version, const std::vector<std::string>& names,
                 const std::string& first_path, std::string hint) {
  std::string list;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) list += i + 1 == names.size() ? " and " : ", ";
    list += names[i];
  }
  return Status::Validation("duplicate " + std::string(what) + " " + version + ": " + list +
                            "; none of them is loaded")
      .At(first_path)
      .WithHint(std::move(hint));
}

void Finish(MigrationSet* set) {
  std::stable_sort(set->migrations.begin(), set->migrations.end(),
                   [](const Migration& a, const Migration& b) { return CompareVersions(a.version, b.version) < 0; });
  auto by_file = [](const Status& a, const Status& b) { return a.file() < b.file(); };
  std::stable_sort(set->problems.begin(), set->problems.end(), by_file);
  std::stable_sort(set->notes.begin(), set->notes.end(), by_file);
}

}  // namespace strata::source::internal
