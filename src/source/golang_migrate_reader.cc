// The golang-migrate reader: {version}_{title}.up.sql and
// {version}_{title}.down.sql, as github.com/golang-migrate/migrate reads them.
//
// Where it differs from strata's native reader, it follows the tool:
//   - up and down are paired by version only (30_add_x.up.sql goes with
//     30_drop_x.down.sql); the name is the up file's title;
//   - a down without an up, and a .sql file whose name does not match the
//     pattern, are ignored by the tool: here they are notes, not problems;
//   - the tool sends each file whole with no transaction of its own, so a
//     file holding CREATE INDEX CONCURRENTLY works: such a file is run as
//     `-- strata:no-transaction` (LoadOptions::needs_no_transaction decides).
// Two up (or two down) files for one version are an error, as in the tool.
#include <map>

#include "source/file_reader.h"
#include "source/reader_support.h"
#include "source/readers.h"
#include "util/strings.h"

namespace strata::source::internal {
namespace {

struct File {
  std::string name;
  std::string path;
  std::string version;
  std::string title;
};

struct VersionLess {
  bool operator()(const std::string& a, const std::string& b) const { return CompareVersions(a, b) < 0; }
};

// "12_add_x.up.sql" -> version "12", title "add_x", up. False when the name
// is not {digits}_{title}.(up|down).sql.
bool ParseName(const std::string& name, File* out, bool* up) {
  std::string_view stem = name;
  if (util::EndsWith(stem, ".up.sql")) {
    *up = true;
    stem.remove_suffix(7);
  } else if (util::EndsWith(stem, ".down.sql")) {
    *up = false;
    stem.remove_suffix(9);
  } else {
    return false;
  }
  size_t digits = 0;
  while (digits < stem.size() && stem[digits] >= '0' && stem[digits] <= '9') ++digits;
  if (digits == 0 || digits == stem.size() || stem[digits] != '_') return false;
  out->version = std::string(stem.substr(0, digits));
  out->title = std::string(stem.substr(digits + 1));
  return true;
}

std::vector<std::string> Names(const std::vector<File>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(f.name);
  return out;
}

}  // namespace

Result<MigrationSet> LoadGolangMigrate(const std::string& dir, const LoadOptions& options) {
  auto entries = ListDir(dir);
  if (!entries.ok()) return entries.status();
  MigrationSet set;
  std::map<std::string, std::pair<std::vector<File>, std::vector<File>>, VersionLess> versions;
  for (const auto& e : *entries) {
    if (e.is_dir || !util::EndsWith(e.name, ".sql")) continue;
    File f{e.name, e.path, "", ""};
    bool up = false;
    if (!ParseName(e.name, &f, &up)) {
      set.notes.push_back(Status::Validation("not a golang-migrate file name ({version}_{title}.up.sql or "
                                             ".down.sql): ignored, as golang-migrate ignores it")
                              .At(e.path));
      continue;
    }
    auto& slot = versions[f.version];
    (up ? slot.first : slot.second).push_back(std::move(f));
  }

  constexpr const char* kDupHint = "give each migration its own version (versions compare as numbers: 001 equals 1)";
  for (auto& [version, files] : versions) {
    auto& [ups, downs] = files;
    if (ups.size() > 1) {
      set.problems.push_back(Duplicate("version", ups.front().version, Names(ups), ups.front().path, kDupHint));
      continue;
    }
    if (downs.size() > 1) {
      set.problems.push_back(
          Duplicate("down file for version", downs.front().version, Names(downs), downs.front().path, kDupHint));
      continue;
    }
    if (ups.empty()) {
      set.notes.push_back(Status::Validation("down file without an up file: ignored, as golang-migrate ignores it")
                              .At(downs.front().path));
      continue;
    }
    const File& up = ups.front();
    auto up_text = ReadMigrationFile(up.path);
    if (!up_text.ok()) {
      set.problems.push_back(up_text.status());
      continue;
    }
    Migration m;
    m.version = up.version;
    m.name = up.title;
    m.up_path = up.path;
    Side side;
    std::string checksum_of = up_text->text;
    if (!MakeSide(up.path, std::move(up_text->text), checksum_of, true, true, options, &set.problems, &side)) continue;
    m.up_sql = std::move(side.sql);
    m.checksum = std::move(side.checksum);
    m.up_annotations = std::move(side.annotations);
    if (!downs.empty()) {
      const File& down = downs.front();
      m.down_path = down.path;
      if (options.read_down) {
        auto down_text = ReadMigrationFile(down.path);
        if (!down_text.ok()) {
          set.problems.push_back(down_text.status());
          continue;
        }
        std::string down_of = down_text->text;
        if (!MakeSide(down.path, std::move(down_text->text), down_of, false, true, options, &set.problems, &side)) continue;
        m.down_sql = std::move(side.sql);
        m.down_checksum = std::move(side.checksum);
        m.down_annotations = std::move(side.annotations);
      }
    }
    set.migrations.push_back(std::move(m));
  }
  Finish(&set);
  return set;
}

}  // namespace strata::source::internal
