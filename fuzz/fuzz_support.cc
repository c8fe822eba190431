#include "fuzz_support.h"

#include <sanitizer/common_interface_defs.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace strata::fuzz {
namespace {

constexpr std::string_view kMarker = "=== ";

std::string* scratch_dir = nullptr;  // for the exit and death callbacks

// The first line at or after `from` (a line start) that begins with the
// marker; npos when none.
size_t FindMarker(std::string_view data, size_t from) {
  while (from < data.size()) {
    if (data.substr(from, kMarker.size()) == kMarker) return from;
    size_t nl = data.find('\n', from);
    if (nl == std::string_view::npos) return nl;
    from = nl + 1;
  }
  return std::string_view::npos;
}

void RemoveScratch() {
  if (scratch_dir == nullptr) return;
  std::error_code ec;
  std::filesystem::remove_all(*scratch_dir, ec);
}

}  // namespace

Archive ParseArchive(std::string_view data, size_t max_files) {
  Archive out;
  size_t marker = FindMarker(data, 0);
  out.header = std::string(data.substr(0, marker));
  while (marker != std::string_view::npos && out.files.size() < max_files) {
    size_t name_start = marker + kMarker.size();
    size_t nl = data.find('\n', name_start);
    ArchiveFile f;
    f.name = std::string(data.substr(name_start, nl == std::string_view::npos ? nl : nl - name_start));
    marker = nl == std::string_view::npos ? nl : FindMarker(data, nl + 1);
    if (nl != std::string_view::npos) {
      f.content = std::string(data.substr(nl + 1, marker == std::string_view::npos ? marker : marker - nl - 1));
    }
    out.files.push_back(std::move(f));
  }
  return out;
}

bool SafeRelativeName(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.size() > 200) return false;
  if (name.find('\0') != std::string_view::npos) return false;
  size_t start = 0;
  while (true) {
    size_t slash = name.find('/', start);
    std::string_view part = name.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

Scratch& Scratch::Get() {
  static Scratch* scratch = new Scratch();  // never destroyed: the exit callback uses it
  return *scratch;
}

Scratch::Scratch() {
  std::string base = "/dev/shm";
  if (access(base.c_str(), W_OK) != 0) {
    const char* tmp = std::getenv("TMPDIR");
    base = tmp && *tmp ? tmp : "/tmp";
  }
  std::string pattern = base + "/strata-fuzz-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    std::perror("fuzz: mkdtemp");
    std::abort();
  }
  dir_ = pattern;
  scratch_dir = &dir_;
  std::atexit(RemoveScratch);
  __sanitizer_set_death_callback(RemoveScratch);
}

void Scratch::Clear() {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    std::filesystem::remove_all(entry.path(), ec);
  }
}

bool Scratch::Write(const std::string& name, std::string_view content) {
  if (!SafeRelativeName(name)) return false;
  std::filesystem::path path = std::filesystem::path(dir_) / name;
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return false;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return false;
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  return static_cast<bool>(out);
}

}  // namespace strata::fuzz
