#include "util/fs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace strata::util {

bool LookupFailed(const std::error_code& ec) {
  return ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory;
}

Result<std::string> ReadFile(const std::string& path) {
  // open + read until EOF + close, no stat and no iostreams: `strata status`
  // reads every migration file on each run, so this is on the hot path. Reads
  // go through a per-thread scratch buffer so that the result is allocated at
  // its exact size (a thousand over-sized strings cost page faults).
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) return Status::NotFound("no such file").At(path);
    return Status::Io(std::string("cannot read: ") + std::strerror(err)).At(path);
  }
  thread_local std::vector<char> scratch(64 * 1024);
  std::string out;
  while (true) {
    ssize_t n = ::read(fd, scratch.data(), scratch.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      if (err == EISDIR) return Status::Io("is a directory").At(path);
      return Status::Io(std::string("read failed: ") + std::strerror(err)).At(path);
    }
    if (n == 0) break;  // only 0 means end of file: a short read may not
    out.append(scratch.data(), static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

Status WriteFileAtomic(const std::string& path, std::string_view content, bool exclusive, bool sync) {
  if (exclusive && Exists(path)) return Status::Io("already exists").At(path);
  // pid and a per-process counter: threads of one process (a fleet's
  // targets share a migrations folder, hence a checksum cache file) must not
  // write into one temporary file.
  static std::atomic<unsigned> counter{0};
  std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Io(std::string("cannot write: ") + std::strerror(errno)).At(path);
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status::Io(std::string("cannot write: ") + std::strerror(err)).At(path);
    }
    done += static_cast<size_t>(n);
  }
  if ((sync && ::fsync(fd) != 0) || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return Status::Io(std::string("cannot write: ") + std::strerror(errno)).At(path);
  }
  if (exclusive) {
    // link() fails if the target exists, unlike rename(): no overwrite race.
    if (::link(tmp.c_str(), path.c_str()) != 0) {
      int err = errno;
      ::unlink(tmp.c_str());
      return Status::Io(std::string("cannot create: ") + std::strerror(err)).At(path);
    }
    ::unlink(tmp.c_str());
    return Status::Ok();
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return Status::Io(std::string("cannot rename: ") + std::strerror(err)).At(path);
  }
  return Status::Ok();
}

bool Exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

std::string JoinPath(const std::string& a, const std::string& b) {
  if (b.empty()) return a;
  if (a.empty() || a == "." || b.front() == '/') return b;
  if (a.back() == '/') return a + b;
  return a + "/" + b;
}

}  // namespace strata::util
