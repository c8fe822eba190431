#include "ops/audit.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>
#include <strata/redact.h>

namespace strata::ops {
namespace {

Status Errno(const std::string& what, const std::string& path, int err) {
  return Status::Io("audit log: " + what + ": " + std::strerror(err))
      .At(path)
      .WithHint("check audit_log in strata.toml, and that this user may write there");
}

nlohmann::ordered_json Text(const std::string& s) {
  if (s.empty()) return nullptr;
  return Redact(s);
}
nlohmann::ordered_json Text(const std::optional<std::string>& s) { return s ? Text(*s) : nullptr; }
nlohmann::ordered_json Int(const std::optional<int64_t>& v) {
  if (!v) return nullptr;
  return *v;
}

// flock(), retried on EINTR.
int LockFile(int fd, int op) {
  int rc;
  do {
    rc = ::flock(fd, op);
  } while (rc != 0 && errno == EINTR);
  return rc;
}

}  // namespace

AuditLog::AuditLog(AuditOptions options) : options_(std::move(options)) {}

AuditLog::~AuditLog() {
  Status s = Sync();
  (void)s;  // nothing to report to in a destructor; Sync() is called at the end of each command
  std::lock_guard<std::mutex> lock(mu_);
  CloseLocked();
}

std::string AuditLog::Line(const AuditRecord& r) {
  nlohmann::ordered_json j;
  j["time"] = r.time;
  j["kind"] = r.kind;
  j["outcome"] = r.outcome;
  j["environment"] = Text(r.environment);
  j["command"] = Text(r.command);
  j["database"] = Text(r.database);
  j["version"] = Text(r.version);
  j["name"] = Text(r.name);
  j["batch"] = Int(r.batch);
  j["duration_ms"] = Int(r.duration_ms);
  j["actor"] = Text(r.actor);
  j["db_user"] = Text(r.db_user);
  j["host"] = Text(r.host);
  j["strata_version"] = r.strata_version;
  j["error"] = Text(r.error);
  j["statement"] = Text(r.statement);
  j["detail"] = Text(r.detail);
  // Invalid UTF-8 (a statement in another encoding) becomes U+FFFD rather
  // than an exception; JSON escapes every newline, so a line stays a line.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Status AuditLog::Open() {
  std::lock_guard<std::mutex> lock(mu_);
  return OpenLocked();
}

Status AuditLog::OpenLocked() {
  if (fd_ >= 0) return Status::Ok();
  std::error_code ec;
  std::filesystem::path parent = std::filesystem::path(options_.path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) return Errno("cannot create its folder", options_.path, ec.value());
  int fd = -1;
  // Create it, or open the one that exists; another writer may rotate it
  // away between the two opens, so a vanished file means: create again.
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    fd = ::open(options_.path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
      // Exactly 0600 whatever the umask (which can only take bits away).
      if (::fchmod(fd, 0600) != 0) {
        int err = errno;
        ::close(fd);
        return Errno("cannot set mode 0600", options_.path, err);
      }
      break;
    }
    if (errno != EEXIST) break;
    fd = ::open(options_.path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0 && errno != ENOENT) break;
  }
  if (fd < 0) return Errno("cannot open", options_.path, errno);
  fd_ = fd;
  return Status::Ok();
}

void AuditLog::CloseLocked() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Status AuditLog::Append(const AuditRecord& record) {
  const std::string line = Line(record);
  std::lock_guard<std::mutex> lock(mu_);
  // Another process may rotate the file (or this one just did) between our
  // open and our lock: then write to the new one.
  // Each retry means another writer rotated in between, i.e. progress.
  for (int attempt = 0; attempt < 1000; ++attempt) {
    Status s = OpenLocked();
    if (!s.ok()) return s;
    if (LockFile(fd_, LOCK_EX) != 0) return Errno("cannot lock", options_.path, errno);
    struct stat mine {}, current {};
    bool same = ::fstat(fd_, &mine) == 0 && ::stat(options_.path.c_str(), &current) == 0 &&
                mine.st_ino == current.st_ino && mine.st_dev == current.st_dev;
    if (!same) {  // rotated (or removed) by someone else: write to the new file
      if (dirty_ && ::fdatasync(fd_) == 0) dirty_ = false;  // our lines in the rotated file
      LockFile(fd_, LOCK_UN);
      CloseLocked();
      continue;
    }
    int64_t size = static_cast<int64_t>(mine.st_size);
    if (options_.max_bytes > 0 && size > 0 && size + static_cast<int64_t>(line.size()) > options_.max_bytes) {
      s = RotateLocked();
      LockFile(fd_, LOCK_UN);
      CloseLocked();
      if (!s.ok()) return s;
      continue;
    }
    // One write() of the whole line on an O_APPEND descriptor.
    ssize_t n;
    do {
      n = ::write(fd_, line.data(), line.size());
    } while (n < 0 && errno == EINTR);
    int err = errno;
    if (n >= 0 && static_cast<size_t>(n) < line.size()) {
      // A short write (disk full): never leave half a line behind.
      bool truncated = ::ftruncate(fd_, size) == 0;
      (void)truncated;  // if not, the next line starts after the partial one
      err = ENOSPC;
    }
    dirty_ = true;
    LockFile(fd_, LOCK_UN);
    if (n < 0 || static_cast<size_t>(n) < line.size()) return Errno("cannot write", options_.path, err);
    return Status::Ok();
  }
  return Status::Io("audit log: the file keeps being replaced while writing").At(options_.path);
}

// REQUIRES: mu_ held and the flock on fd_ (the current file) held.
Status AuditLog::RotateLocked() {
  // The rotated file must be complete on disk before it is renamed.
  if (::fdatasync(fd_) != 0) return Errno("cannot sync", options_.path, errno);
  dirty_ = false;
  const std::string& base = options_.path;
  auto numbered = [&](int i) { return base + "." + std::to_string(i); };
  if (options_.keep <= 0) {
    if (::unlink(base.c_str()) != 0 && errno != ENOENT) return Errno("cannot remove", base, errno);
  } else {
    ::unlink(numbered(options_.keep).c_str());
    for (int i = options_.keep - 1; i >= 1; --i) {
      if (::rename(numbered(i).c_str(), numbered(i + 1).c_str()) != 0 && errno != ENOENT) {
        return Errno("cannot rotate", numbered(i), errno);
      }
    }
    if (::rename(base.c_str(), numbered(1).c_str()) != 0) return Errno("cannot rotate", base, errno);
  }
  std::string dir = std::filesystem::path(base).parent_path().string();
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

Status AuditLog::Sync() {
  std::lock_guard<std::mutex> lock(mu_);
  if (fd_ < 0 || !dirty_) return Status::Ok();
  if (::fdatasync(fd_) != 0) return Errno("cannot sync", options_.path, errno);
  dirty_ = false;
  return Status::Ok();
}

}  // namespace strata::ops
