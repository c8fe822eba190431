// Test helpers for src/source tests. Local so that these tests link only
// strata_source.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace strata::source {

// A fresh folder, removed on destruction.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = (std::filesystem::temp_directory_path() /
             ("strata_source_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++)))
                .string();
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all, std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Path(const std::string& rel) const { return path_ + "/" + rel; }
  void Write(const std::string& rel, const std::string& content) const {
    std::filesystem::path p = std::filesystem::path(path_) / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
  }
  // Copies the folder `from` (recursively) into this one.
  void CopyFrom(const std::string& from) const {
    std::filesystem::copy(from, path_, std::filesystem::copy_options::recursive);
  }

 private:
  std::string path_;
};

}  // namespace strata::source
