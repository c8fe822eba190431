#include "ops/backup/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace strata::ops::backup {
namespace {

Status Errno(const std::string& what, const std::string& path, int err) {
  return Status::Io(what + ": " + std::strerror(err)).At(path);
}

}  // namespace

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

Status Fd::SyncAndClose(const std::string& path) {
  int fd = fd_;
  fd_ = -1;
  if (::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    return Errno("cannot write", path, err);
  }
  if (::close(fd) != 0) return Errno("cannot write", path, errno);
  return Status::Ok();
}

Result<Fd> CreateOwnerOnly(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("cannot create", path, errno);
  Fd out(fd);
  // The umask can only remove bits; a restrictive one (0277) would make the
  // file unwritable for its owner, so set the mode exactly.
  if (::fchmod(fd, 0600) != 0) return Errno("cannot set mode 0600", path, errno);
  return out;
}

Result<Fd> OpenForReading(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) return Status::NotFound("no such file").At(path);
    return Errno("cannot read", path, err);
  }
  return Fd(fd);
}

Status WriteAll(int fd, const void* data, size_t size, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("cannot write", path, errno);
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

Result<size_t> ReadFull(int fd, void* data, size_t size, const std::string& path) {
  char* p = static_cast<char*>(data);
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::read(fd, p + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("cannot read", path, errno);
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return done;
}

Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open folder", dir, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  // Some file systems cannot fsync a folder (EINVAL); the data is synced.
  if (rc != 0 && err != EINVAL) return Errno("cannot sync folder", dir, err);
  return Status::Ok();
}

int64_t FileSize(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int64_t>(st.st_size);
}

std::string TempPath(const std::string& dir, const std::string& what) {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string suffix;
  uint64_t r = rng();
  for (int i = 0; i < 12; ++i, r >>= 4) suffix += kHex[r & 0xf];
  return (dir.empty() ? std::string(".") : dir) + "/.strata-" + what + "-" + std::to_string(::getpid()) + "-" +
         suffix + ".tmp";
}

RemoveOnExit::~RemoveOnExit() {
  if (!path_.empty()) ::unlink(path_.c_str());
}

}  // namespace strata::ops::backup
