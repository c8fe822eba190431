// File helpers for backups: owner-only files created exclusively, whole
// writes, fsync of files and folders, and a guard that removes a temporary
// file unless it was kept. Errors are kIo Statuses naming the path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <strata/result.h>
#include <strata/status.h>

namespace strata::ops::backup {

// An open file descriptor, closed on destruction.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd();
  Fd(Fd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // fsync, then close; the error of either.
  Status SyncAndClose(const std::string& path);

 private:
  int fd_ = -1;
};

// Creates `path` for writing with mode 0600 (whatever the umask); kIo if it
// exists or cannot be created.
Result<Fd> CreateOwnerOnly(const std::string& path);
Result<Fd> OpenForReading(const std::string& path);

// Writes all of data (retrying short writes and EINTR).
Status WriteAll(int fd, const void* data, size_t size, const std::string& path);
// Reads up to `size` bytes; fewer only at the end of the file.
Result<size_t> ReadFull(int fd, void* data, size_t size, const std::string& path);

// fsync of a folder, so that a rename or unlink in it survives a crash.
Status SyncDir(const std::string& dir);
int64_t FileSize(const std::string& path);  // -1 when it cannot be read

// "<dir>/.strata-<what>-<pid>-<random>.tmp": a name for a temporary file next
// to the final one (same file system, so that rename() is atomic).
std::string TempPath(const std::string& dir, const std::string& what);

// Removes a file on destruction unless Keep() was called.
class RemoveOnExit {
 public:
  explicit RemoveOnExit(std::string path) : path_(std::move(path)) {}
  ~RemoveOnExit();
  RemoveOnExit(const RemoveOnExit&) = delete;
  RemoveOnExit& operator=(const RemoveOnExit&) = delete;
  void Keep() { path_.clear(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace strata::ops::backup
