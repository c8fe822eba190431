#include "source/file_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "util/strings.h"

namespace strata::source {
namespace {

constexpr const char* kNotRegularHint =
    "a migration must be a regular file (or a symbolic link to one); remove it or replace it with the file";

// "a FIFO", "a directory", ... for the message.
const char* KindOf(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "a special file";
}

Status NotRegular(const std::string& path, mode_t mode) {
  return Status::Validation(std::string("not a regular file (") + KindOf(mode) + ")")
      .At(path)
      .WithHint(kNotRegularHint);
}

Status Errno(const std::string& path, const char* what, int err) {
  if (err == ENOENT) {
    // stat() follows links: a link whose target is gone lands here too.
    struct stat link {};
    if (::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
      return Status::Validation("symbolic link to a missing file")
          .At(path)
          .WithHint("point the link at the migration file (ls -l shows where it points), or remove it");
    }
    return Status::NotFound("no such file").At(path);
  }
  Status s = Status::Validation(std::string(what) + ": " + std::strerror(err)).At(path);
  if (err == EACCES) {
    s.WithHint("make the file readable by the user that runs strata (its owner and mode: ls -l), or remove it");
  } else if (err == ELOOP) {
    s.WithHint("the symbolic link leads back to itself: point it at the migration file, or remove it");
  }
  return s;
}

// Reads the whole of `fd` (a regular file) into *out.
Status ReadAllFd(int fd, const std::string& path, std::string* out) {
  thread_local std::vector<char> scratch(64 * 1024);
  while (true) {
    ssize_t n = ::read(fd, scratch.data(), scratch.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno(path, "read failed", errno);
    }
    if (n == 0) return Status::Ok();  // only 0 means end of file: a short read may not
    out->append(scratch.data(), static_cast<size_t>(n));
  }
}

}  // namespace

std::string NormalizeNewlines(std::string s) {
  if (s.find('\r') == std::string::npos) return s;  // the common case: no copy
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    out += s[i];
  }
  return out;
}

int LineAt(std::string_view s, size_t offset) {
  offset = std::min(offset, s.size());
  return 1 + static_cast<int>(std::count(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

Result<FileText> ReadMigrationFile(const std::string& path, const ReadOptions& options) {
  // 1. The type, before opening: opening a FIFO for reading blocks until a
  // writer appears, which may be never.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Errno(path, "cannot read", errno);
  if (!S_ISREG(st.st_mode)) return NotRegular(path, st.st_mode);

  // 2. Open without blocking and check the descriptor again: the name may
  // have been replaced by something else since the stat.
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return Errno(path, "cannot read", errno);
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  if (::fstat(fd, &st) != 0) return Errno(path, "cannot read", errno);
  if (!S_ISREG(st.st_mode)) return NotRegular(path, st.st_mode);

  FileText out;
  std::string raw;
  if (st.st_size > 0) raw.reserve(static_cast<size_t>(st.st_size));
  Status s = ReadAllFd(fd, path, &raw);
  if (!s.ok()) return s;

  // 3. Content checks. NUL first: it is valid UTF-8, and the database would
  // stop reading the SQL there.
  if (size_t nul = raw.find('\0'); nul != std::string::npos) {
    return Status::Validation("file contains a NUL byte")
        .At(path, LineAt(raw, nul))
        .WithHint("remove it: SQLite and PostgreSQL stop reading SQL at a NUL byte, so the statements after it "
                  "would never run");
  }
  size_t bad = 0;
  if (!util::IsValidUtf8(raw, &bad)) {
    return Status::Validation("file is not valid UTF-8").At(path, LineAt(raw, bad)).WithHint("save the file as UTF-8");
  }
  if (options.keep_raw) out.raw = raw;
  out.text = NormalizeNewlines(std::move(raw));
  return out;
}

}  // namespace strata::source
