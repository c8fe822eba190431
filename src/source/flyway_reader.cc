// The Flyway reader: V{version}__{description}.sql (versioned),
// U{version}__{description}.sql (undo, strata's down), R__{description}.sql
// (repeatable), found in the folder and its subfolders as Flyway scans a
// location. What it honours (docs/migrations.md#flyway):
//   - version parts are separated by '.' or '_' (V1_2__x.sql is 1.2) and
//     compare as numbers part by part: 1.2 < 1.10 < 2; 1.0 equals 1;
//   - repeatables get the version "R__{description}" and run after every
//     versioned migration, ordered by description, and again whenever their
//     checksum changes (engine/planner.cc);
//   - placeholders ${name} are left as written unless LoadOptions sets
//     values (Flyway replaces them by default; a note names each file that
//     has one);
//   - a script config file V1__x.sql.conf with executeInTransaction=false,
//     and a file holding a statement PostgreSQL refuses inside a transaction
//     block, run without a transaction, as Flyway runs them;
//   - SQL callbacks (beforeMigrate.sql, afterMigrate.sql, ...) and other
//     .sql files are not migrations: notes, not problems.
// tool_checksum is Flyway's: CRC32 over the file's lines without their line
// breaks (and without a leading BOM), as a signed 32-bit number.
#include <algorithm>
#include <map>

#include "source/file_reader.h"
#include "source/reader_support.h"
#include "source/readers.h"
#include "util/crc32.h"
#include "util/strings.h"

namespace strata::source::internal {
namespace {

enum class Kind { kVersioned, kUndo, kRepeatable };

struct File {
  std::string name;         // file name
  std::string path;
  Kind kind = Kind::kVersioned;
  std::string version;      // "1.2"; "R__desc" for repeatables
  std::string description;  // as written ("add_users")
};

struct VersionLess {
  bool operator()(const std::string& a, const std::string& b) const { return CompareVersions(a, b) < 0; }
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

void ListRecursive(const std::string& dir, int depth, std::vector<DirEntry>* out) {
  auto entries = ListDir(dir);
  if (!entries.ok()) return;
  for (auto& e : *entries) {
    if (e.is_dir) {
      if (depth < 16) ListRecursive(e.path, depth + 1, out);  // 16: a guard against link loops
    } else {
      out->push_back(std::move(e));
    }
  }
}

bool IsCallback(std::string_view name) {
  return util::StartsWith(name, "before") || util::StartsWith(name, "after") || util::StartsWith(name, "createSchema");
}

// Parses `name` into *f. Returns "" on success, "not a migration" for names
// Flyway ignores, or the reason a migration name is invalid.
std::string ParseName(const std::string& name, File* f) {
  std::string_view stem = name;
  stem.remove_suffix(4);  // ".sql"
  if (stem.empty()) return "not a migration";
  char prefix = stem.front();
  if (prefix != 'V' && prefix != 'U' && prefix != 'R') return "not a migration";
  size_t sep = stem.find("__", 1);
  if (sep == std::string_view::npos) return "not a migration";
  std::string_view version = stem.substr(1, sep - 1);
  std::string_view description = stem.substr(sep + 2);
  f->name = name;
  f->description = std::string(description);
  if (prefix == 'R') {
    if (!version.empty()) return "a repeatable migration has no version (R__description.sql)";
    if (description.empty()) return "a repeatable migration needs a description (R__description.sql)";
    f->kind = Kind::kRepeatable;
    f->version = "R__" + f->description;
    return "";
  }
  f->kind = prefix == 'V' ? Kind::kVersioned : Kind::kUndo;
  if (version.empty()) return "no version after '" + std::string(1, prefix) + "'";
  std::string normalized;
  bool part_has_digit = false;
  for (char c : version) {
    if (IsDigit(c)) {
      normalized += c;
      part_has_digit = true;
    } else if (c == '.' || c == '_') {
      if (!part_has_digit) return "invalid version '" + std::string(version) + "' (an empty part)";
      normalized += '.';
      part_has_digit = false;
    } else {
      return "invalid version '" + std::string(version) + "': only digits separated by '.' or '_'";
    }
  }
  if (!part_has_digit) return "invalid version '" + std::string(version) + "' (an empty part)";
  f->version = std::move(normalized);
  return "";
}

// Flyway's checksum: CRC32 over each line without its line break, the first
// without a BOM. Feeding the lines one after another equals one CRC over the
// text with every CR and LF removed.
std::string FlywayChecksum(std::string_view raw) {
  if (util::StartsWith(raw, "\xEF\xBB\xBF")) raw.remove_prefix(3);
  uint32_t crc = 0;
  size_t start = 0;
  for (size_t i = 0; i <= raw.size(); ++i) {
    if (i == raw.size() || raw[i] == '\n' || raw[i] == '\r') {
      crc = util::Crc32(raw.substr(start, i - start), crc);
      start = i + 1;
    }
  }
  return std::to_string(static_cast<int32_t>(crc));
}

// executeInTransaction=false in the script config file beside `path`.
bool ConfigSaysNoTransaction(const std::string& path) {
  auto conf = ReadMigrationFile(path + ".conf");
  if (!conf.ok()) return false;
  for (const auto& line : util::SplitString(conf->text, '\n')) {
    std::string_view l = util::Trim(line);
    size_t eq = l.find('=');
    if (eq == std::string_view::npos) continue;
    if (util::Trim(l.substr(0, eq)) == "executeInTransaction" && util::ToLower(util::Trim(l.substr(eq + 1))) == "false") {
      return true;
    }
  }
  return false;
}

// Replaces ${name} with its value, or records what is wrong. Without values,
// notes the first placeholder (the file runs as written).
bool Placeholders(const File& f, std::string* sql, const LoadOptions& options, MigrationSet* set) {
  size_t open = sql->find("${");
  if (open == std::string::npos) return true;
  if (!options.placeholders) {
    size_t close = sql->find('}', open);
    std::string name = close == std::string::npos ? "" : sql->substr(open, close - open + 1);
    set->notes.push_back(Status::Validation("Flyway placeholder " + name +
                                            " is left as written: strata replaces placeholders only when asked")
                             .At(f.path, LineAt(*sql, open))
                             .WithHint("set the values in strata.toml under [placeholders], or write the value "
                                       "into the file"));
    return true;
  }
  std::string out;
  size_t pos = 0;
  while (open != std::string::npos) {
    size_t close = sql->find('}', open + 2);
    if (close == std::string::npos) break;
    std::string name = sql->substr(open + 2, close - open - 2);
    auto it = options.placeholders->find(name);
    if (it == options.placeholders->end()) {
      set->problems.push_back(Status::Validation("no value for Flyway placeholder ${" + name + "}")
                                  .At(f.path, LineAt(*sql, open))
                                  .WithHint("add " + name + " = \"...\" under [placeholders] in strata.toml"));
      return false;
    }
    out.append(*sql, pos, open - pos);
    out += it->second;
    pos = close + 1;
    open = sql->find("${", pos);
  }
  out.append(*sql, pos, std::string::npos);
  *sql = std::move(out);
  return true;
}

}  // namespace

Result<MigrationSet> LoadFlyway(const std::string& dir, const LoadOptions& options) {
  auto top = ListDir(dir);  // reports a missing or unreadable folder
  if (!top.ok()) return top.status();
  std::vector<DirEntry> entries;
  ListRecursive(dir, 0, &entries);
  MigrationSet set;
  std::map<std::string, std::pair<std::vector<File>, std::vector<File>>, VersionLess> versions;  // V and R / U
  for (const auto& e : entries) {
    if (!util::EndsWith(e.name, ".sql")) continue;
    File f;
    f.path = e.path;
    std::string error = ParseName(e.name, &f);
    if (error == "not a migration") {
      set.notes.push_back(
          Status::Validation(IsCallback(e.name) ? "a Flyway callback: strata runs no callbacks, so it is ignored"
                                                : "not a Flyway migration name (V1__x.sql, U1__x.sql, R__x.sql): "
                                                  "ignored, as Flyway ignores it")
              .At(e.path));
      continue;
    }
    if (!error.empty()) {
      set.problems.push_back(Status::Validation(error)
                                 .At(e.path)
                                 .WithHint("name it V{version}__{description}.sql, e.g. V1_2__add_users.sql"));
      continue;
    }
    auto& slot = versions[f.version];
    (f.kind == Kind::kUndo ? slot.second : slot.first).push_back(std::move(f));
  }

  for (auto& [version, files] : versions) {
    auto& [migrations, undos] = files;
    auto names = [](const std::vector<File>& v) {
      std::vector<std::string> out;
      for (const auto& f : v) out.push_back(f.name);
      return out;
    };
    if (migrations.size() > 1) {
      bool repeatable = migrations.front().kind == Kind::kRepeatable;
      set.problems.push_back(Duplicate(repeatable ? "repeatable migration" : "version", version, names(migrations),
                                       migrations.front().path,
                                       "give each migration its own version (parts compare as numbers: 1.0 equals 1)"));
      continue;
    }
    if (undos.size() > 1) {
      set.problems.push_back(
          Duplicate("undo file for version", version, names(undos), undos.front().path, "keep one undo file"));
      continue;
    }
    if (migrations.empty()) {
      set.notes.push_back(
          Status::Validation("undo file without a versioned migration: ignored").At(undos.front().path));
      continue;
    }
    const File& f = migrations.front();
    ReadOptions raw;
    raw.keep_raw = true;
    auto text = ReadMigrationFile(f.path, raw);
    if (!text.ok()) {
      set.problems.push_back(text.status());
      continue;
    }
    Migration m;
    m.version = f.version;
    m.name = f.kind == Kind::kRepeatable ? "" : f.description;
    m.up_path = f.path;
    m.tool_checksum = FlywayChecksum(text->raw);
    m.tool_key = f.description;
    std::replace(m.tool_key.begin(), m.tool_key.end(), '_', ' ');
    std::string sql = text->text;
    if (!Placeholders(f, &sql, options, &set)) continue;
    Side side;
    if (!MakeSide(f.path, std::move(sql), text->text, true, true, options, &set.problems, &side)) continue;
    m.up_sql = std::move(side.sql);
    m.checksum = std::move(side.checksum);
    m.up_annotations = std::move(side.annotations);
    if (ConfigSaysNoTransaction(f.path)) m.up_annotations.no_transaction = true;
    if (!undos.empty()) {
      const File& u = undos.front();
      m.down_path = u.path;
      auto down = ReadMigrationFile(u.path);
      if (!down.ok()) {
        set.problems.push_back(down.status());
        continue;
      }
      std::string down_sql = down->text;
      if (!Placeholders(u, &down_sql, options, &set)) continue;
      if (!MakeSide(u.path, std::move(down_sql), down->text, false, true, options, &set.problems, &side)) continue;
      m.down_sql = std::move(side.sql);
      m.down_checksum = std::move(side.checksum);
      m.down_annotations = std::move(side.annotations);
      if (ConfigSaysNoTransaction(u.path)) m.down_annotations.no_transaction = true;
    }
    set.migrations.push_back(std::move(m));
  }
  Finish(&set);
  return set;
}

}  // namespace strata::source::internal
