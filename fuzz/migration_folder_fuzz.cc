// libFuzzer target: the migration-folder readers (source/migration.h): file
// names, versions, `-- strata:` annotations, and the readers of drizzle-kit,
// golang-migrate, Flyway and dbmate folders, with format detection.
//
// Input: an archive (fuzz_support.h) written into a scratch folder on tmpfs,
// then LoadMigrations on it. The header picks the options: a format name
// (auto when none: DetectFormat decides), "no-down" (read_down = false),
// "placeholders" (Flyway ${...} replaced from a fixed map).
//
// Beyond "no crash, no leak, no UB", it checks what source/migration.h
// promises: loaded migrations are in strictly increasing version order (no
// duplicates), every problem and note names its file, and CompareVersions is
// antisymmetric on the versions read.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz_support.h"
#include "source/format.h"
#include "source/migration.h"

namespace {

using strata::source::CompareVersions;
using strata::source::Format;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "migration_folder_fuzz: %s\n", what.c_str());
  std::abort();
}

int Sign(int c) { return c < 0 ? -1 : (c > 0 ? 1 : 0); }

strata::source::LoadOptions OptionsFrom(const std::string& header) {
  strata::source::LoadOptions options;
  for (std::string_view name : {"native", "drizzle", "golang-migrate", "flyway", "dbmate"}) {
    if (header.find(name) != std::string::npos) options.format = *strata::source::ParseFormat(name);
  }
  options.read_down = header.find("no-down") == std::string::npos;
  if (header.find("placeholders") != std::string::npos) {
    options.placeholders = std::map<std::string, std::string>{{"schema", "app"}, {"owner", "${schema}"}};
  }
  // The library sets this from libpg_query; a plain text test reaches the
  // same branches in the readers.
  options.needs_no_transaction = [](std::string_view sql) {
    return sql.find("CONCURRENTLY") != std::string_view::npos;
  };
  return options;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  strata::fuzz::Archive archive =
      strata::fuzz::ParseArchive(std::string_view(reinterpret_cast<const char*>(data), size));
  strata::fuzz::Scratch& scratch = strata::fuzz::Scratch::Get();
  scratch.Clear();
  for (const auto& f : archive.files) (void)scratch.Write(f.name, f.content);

  strata::source::LoadOptions options = OptionsFrom(archive.header);
  std::string why;
  (void)strata::source::DetectFormat(scratch.dir(), &why);
  auto set = strata::source::LoadMigrations(scratch.dir(), options);
  if (!set.ok()) {
    if (set.status().message().empty()) Fail("a failed load has no message");
    return 0;
  }
  if (set->format == Format::kAuto) Fail("MigrationSet::format is auto");
  const auto& ms = set->migrations;
  for (size_t i = 0; i < ms.size(); ++i) {
    if (ms[i].version.empty()) Fail("migration with an empty version: " + ms[i].up_path);
    if (i > 0 && CompareVersions(ms[i - 1].version, ms[i].version) >= 0) {
      Fail("migrations out of order or duplicate: " + ms[i - 1].version + " then " + ms[i].version);
    }
    for (size_t j = 0; j < ms.size(); ++j) {
      if (Sign(CompareVersions(ms[i].version, ms[j].version)) != -Sign(CompareVersions(ms[j].version, ms[i].version))) {
        Fail("CompareVersions not antisymmetric: " + ms[i].version + " " + ms[j].version);
      }
    }
  }
  for (const auto& p : set->problems) {
    if (p.ok() || p.file().empty()) Fail("problem without a file: " + p.ToString());
  }
  for (const auto& n : set->notes) {
    if (n.ok() || n.file().empty()) Fail("note without a file: " + n.ToString());
  }
  return 0;
}
