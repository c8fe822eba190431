// The dbmate reader: {version}_{name}.sql, one file per migration with a
// `-- migrate:up` section and a `-- migrate:down` section, parsed as dbmate's
// own parser does (pkg/dbmate/migration.go):
//   - a marker counts only at the very start of a line ("--", optional
//     blanks, "migrate:up" or "migrate:down", then the end of the line or
//     blanks and options); an indented marker is not one, and a file without
//     an up marker is an error, as in the tool;
//   - both markers are required, up first; only comments and blank lines may
//     come before the up marker;
//   - the up section runs on up, the down section on rollback; options after
//     a marker (`transaction:false`) make that section run without a
//     transaction (strata's no-transaction);
//   - the version is the file name's leading digits; names that do not start
//     with a digit are ignored by the tool (notes here).
// The SQL strata runs keeps the file's line numbers: lines outside the
// section are left blank, so errors point at the right line of the file.
// Checksums cover the section's text alone.
#include <algorithm>

#include "source/file_reader.h"
#include "source/reader_support.h"
#include "source/readers.h"
#include "util/strings.h"

namespace strata::source::internal {
namespace {

struct Marker {
  size_t start = std::string_view::npos;  // offset of the "--"
  size_t line_end = 0;                    // offset of the '\n' ending the marker line (or the end)
  bool transaction = true;
};

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

// The first line of `text` that is the `migrate:<which>` marker.
Marker FindMarker(std::string_view text, std::string_view which) {
  Marker m;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(pos, end - pos);
    if (util::StartsWith(line, "--")) {
      std::string_view rest = line.substr(2);
      while (!rest.empty() && IsBlank(rest.front())) rest.remove_prefix(1);
      std::string word = "migrate:" + std::string(which);
      if (util::StartsWith(rest, word) && (rest.size() == word.size() || IsBlank(rest[word.size()]))) {
        m.start = pos;
        m.line_end = end;
        // Options: "key:value" words after the marker; dbmate reads
        // transaction:false and ignores the rest.
        std::string_view options = rest.substr(word.size());
        size_t i = 0;
        while (i < options.size()) {
          while (i < options.size() && IsBlank(options[i])) ++i;
          size_t j = i;
          while (j < options.size() && !IsBlank(options[j])) ++j;
          if (options.substr(i, j - i) == "transaction:false") m.transaction = false;
          i = j;
        }
        return m;
      }
    }
    pos = end + 1;
  }
  return m;
}

// `text` with every line outside [begin, end) emptied, so that line numbers
// in the result are the file's.
std::string KeepLines(std::string_view text, size_t begin, size_t end) {
  std::string out;
  out.reserve(end - begin + 64);
  for (size_t i = 0; i < begin; ++i) {
    if (text[i] == '\n') out += '\n';
  }
  out.append(text.substr(begin, end - begin));
  return out;
}

}  // namespace

Result<MigrationSet> LoadDbmate(const std::string& dir, const LoadOptions& options) {
  auto entries = ListDir(dir);
  if (!entries.ok()) return entries.status();
  MigrationSet set;
  struct Named {
    std::string version;
    std::vector<const DirEntry*> files;
  };
  std::vector<Named> versions;
  for (const auto& e : *entries) {
    if (e.is_dir || !util::EndsWith(e.name, ".sql")) continue;
    size_t digits = 0;
    while (digits < e.name.size() && e.name[digits] >= '0' && e.name[digits] <= '9') ++digits;
    if (digits == 0) {
      set.notes.push_back(
          Status::Validation("not a dbmate migration (the name must start with its version): ignored, as dbmate "
                             "ignores it")
              .At(e.path));
      continue;
    }
    std::string version = e.name.substr(0, digits);
    auto it = std::find_if(versions.begin(), versions.end(),
                           [&](const Named& n) { return CompareVersions(n.version, version) == 0; });
    if (it == versions.end()) {
      versions.push_back({version, {&e}});
    } else {
      it->files.push_back(&e);
    }
  }

  for (const auto& v : versions) {
    if (v.files.size() > 1) {
      std::vector<std::string> names;
      for (const auto* f : v.files) names.push_back(f->name);
      set.problems.push_back(Duplicate("version", v.version, names, v.files.front()->path,
                                       "give each migration its own version"));
      continue;
    }
    const DirEntry& file = *v.files.front();
    auto read = ReadMigrationFile(file.path);
    if (!read.ok()) {
      set.problems.push_back(read.status());
      continue;
    }
    const std::string& text = read->text;
    Marker up = FindMarker(text, "up");
    Marker down = FindMarker(text, "down");
    const char* hint = "start the migration with a line `-- migrate:up` (at the start of the line, not indented) "
                       "and its rollback with `-- migrate:down`";
    if (up.start == std::string_view::npos) {
      set.problems.push_back(Status::Validation("no `-- migrate:up` marker at the start of a line: dbmate requires "
                                                "each migration to define an up block")
                                 .At(file.path)
                                 .WithHint(hint));
      continue;
    }
    if (down.start == std::string_view::npos) {
      set.problems.push_back(Status::Validation("no `-- migrate:down` marker at the start of a line: dbmate "
                                                "requires each migration to define a down block")
                                 .At(file.path)
                                 .WithHint(hint));
      continue;
    }
    if (down.start < up.start) {
      set.problems.push_back(Status::Validation("`-- migrate:down` comes before `-- migrate:up`")
                                 .At(file.path, LineAt(text, down.start))
                                 .WithHint(hint));
      continue;
    }
    if (HasSql(std::string_view(text).substr(0, up.start))) {
      set.problems.push_back(Status::Validation("statements before `-- migrate:up`: dbmate does not run them")
                                 .At(file.path, LineAt(text, up.start))
                                 .WithHint("move them into the up section"));
      continue;
    }
    std::string_view up_text = std::string_view(text).substr(up.start, down.start - up.start);
    std::string_view down_text = std::string_view(text).substr(down.start);
    Migration m;
    m.version = v.version;
    std::string_view stem = std::string_view(file.name).substr(v.version.size());
    stem.remove_suffix(4);
    if (!stem.empty() && stem.front() == '_') stem.remove_prefix(1);
    m.name = std::string(stem);
    m.up_path = file.path;
    Side side;
    if (!MakeSide(file.path, KeepLines(text, up.start, down.start), up_text, true, false, options, &set.problems, &side)) {
      continue;
    }
    m.up_sql = std::move(side.sql);
    m.checksum = std::move(side.checksum);
    m.up_annotations = std::move(side.annotations);
    if (!up.transaction) m.up_annotations.no_transaction = true;
    // The down section lives in the same file; down_path names it for messages.
    m.down_path = file.path;
    if (!MakeSide(file.path, KeepLines(text, down.start, text.size()), down_text, false, false, options, &set.problems,
                  &side)) {
      continue;
    }
    m.down_sql = std::move(side.sql);
    m.down_checksum = std::move(side.checksum);
    m.down_annotations = std::move(side.annotations);
    if (!down.transaction) m.down_annotations.no_transaction = true;
    set.migrations.push_back(std::move(m));
  }
  Finish(&set);
  return set;
}

}  // namespace strata::source::internal
