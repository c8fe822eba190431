// The drizzle-kit reader. meta/_journal.json is the list: its entries give
// the order, the set, and each migration's tag; the SQL is {tag}.sql beside
// the meta folder. What it honours (docs/migrations.md#drizzle-kit):
//   - a .sql file that is not in the journal is not a migration (projects
//     keep abandoned files beside the real ones): a note, never loaded;
//   - a journal entry whose file is missing is a problem;
//   - statements are split on `--> statement-breakpoint`, anywhere in the
//     text, as drizzle's migrator splits them: each breakpoint becomes
//     `;--> statement-breakpoint`, which ends the statement before it even
//     when it has no semicolon and keeps every line where it was;
//   - the version is the tag's leading digits ("0007" of "0007_cool_name"),
//     or the entry's idx when a tag has none (drizzle-kit's prefix "none");
//     the name is the rest of the tag;
//   - journal dialects sqlite, turso, pg and postgresql.
// The SQL is otherwise passed through untouched: a SQLite table rebuild's
// `PRAGMA foreign_keys=OFF;` is the runner's business, not the reader's.
// tool_checksum is drizzle's hash (SHA-256 hex of the file's bytes as on
// disk); tool_key is the entry's `when`, which drizzle stores as created_at.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "source/file_reader.h"
#include "source/reader_support.h"
#include "source/readers.h"
#include "util/fs.h"
#include "util/sha256.h"
#include "util/strings.h"

namespace strata::source::internal {
namespace {

constexpr std::string_view kBreakpoint = "--> statement-breakpoint";

struct Entry {
  int64_t idx = 0;
  std::string tag;
  std::string when;  // as a decimal integer
  int line = 0;      // in the journal, for messages
};

// `text` with each breakpoint turned into ";--> statement-breakpoint".
std::string SplitOnBreakpoints(std::string text) {
  if (text.find(kBreakpoint) == std::string::npos) return text;
  std::string out;
  out.reserve(text.size() + 64);
  size_t pos = 0;
  for (size_t at; (at = text.find(kBreakpoint, pos)) != std::string::npos; pos = at + kBreakpoint.size()) {
    out.append(text, pos, at - pos);
    out += ';';
    out += kBreakpoint;
  }
  out.append(text, pos, std::string::npos);
  return out;
}

// The 1-based line of byte `offset` in `text`.
int LineOf(const std::string& text, size_t offset) { return LineAt(text, std::min(offset, text.size())); }

// Reads the journal's entries. A file that is not the journal drizzle-kit
// writes is an error for the whole folder (kParse, with the line).
Result<std::vector<Entry>> ReadJournal(const std::string& path, std::string* dialect) {
  auto read = ReadMigrationFile(path);
  if (!read.ok()) return read.status();
  const std::string& text = read->text;
  constexpr const char* kHint = "meta/_journal.json is written by drizzle-kit generate; restore it from version control";
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return Status::Parse(std::string("not valid JSON: ") + e.what()).At(path, LineOf(text, e.byte)).WithHint(kHint);
  } catch (const nlohmann::json::exception& e) {
    // Valid JSON nlohmann cannot hold, such as a number beyond a double
    // (1E700): its message quotes the token, which gives the line.
    std::string what = e.what();
    size_t open = what.find('\'');
    size_t close = open == std::string::npos ? std::string::npos : what.find('\'', open + 1);
    size_t at = close == std::string::npos ? std::string::npos : text.find(what.substr(open + 1, close - open - 1));
    return Status::Parse("cannot read the journal: " + what)
        .At(path, at == std::string::npos ? 0 : LineOf(text, at))
        .WithHint(kHint);
  }
  if (!doc.is_object() || !doc.contains("entries") || !doc["entries"].is_array()) {
    return Status::Parse("not a drizzle-kit journal: no \"entries\" list").At(path).WithHint(kHint);
  }
  if (doc.contains("dialect") && doc["dialect"].is_string()) *dialect = doc["dialect"].get<std::string>();
  std::vector<Entry> out;
  size_t search_from = 0;
  for (const auto& e : doc["entries"]) {
    Entry entry;
    if (!e.is_object() || !e.contains("tag") || !e["tag"].is_string() || e["tag"].get<std::string>().empty()) {
      return Status::Parse("journal entry " + std::to_string(out.size()) + " has no \"tag\"").At(path).WithHint(kHint);
    }
    entry.tag = e["tag"].get<std::string>();
    // The tag names a file in this folder ({tag}.sql); a path in it would
    // make strata read (and apply) a file from somewhere else.
    if (entry.tag.find_first_of("/\\") != std::string::npos || entry.tag == "." || entry.tag == "..") {
      size_t at = text.find("\"tag\"", search_from);
      return Status::Parse("journal entry " + std::to_string(out.size()) + " has tag '" + entry.tag +
                           "', which is not a file name")
          .At(path, at == std::string::npos ? 0 : LineOf(text, at))
          .WithHint("a drizzle-kit tag is the name of a .sql file beside meta/, such as 0003_add_users");
    }
    entry.idx = e.contains("idx") && e["idx"].is_number_integer() ? e["idx"].get<int64_t>()
                                                                   : static_cast<int64_t>(out.size());
    if (e.contains("when") && e["when"].is_number_integer()) {
      entry.when = std::to_string(e["when"].get<int64_t>());
    } else if (e.contains("when") && e["when"].is_number()) {
      // A double outside int64's range has no integer value (casting it is
      // undefined); such a timestamp is shown as written.
      double when = e["when"].get<double>();
      entry.when = std::isfinite(when) && std::fabs(when) < 9.0e18 ? std::to_string(static_cast<int64_t>(when))
                                                                    : e["when"].dump();
    }
    // The entry's line, for messages: where its tag is written.
    size_t at = text.find("\"" + entry.tag + "\"", search_from);
    if (at != std::string::npos) {
      entry.line = LineOf(text, at);
      search_from = at;
    }
    out.push_back(std::move(entry));
  }
  return out;
}

std::string PadIdx(int64_t idx) {
  std::string s = std::to_string(idx);
  return s.size() >= 4 ? s : std::string(4 - s.size(), '0') + s;
}

}  // namespace

Result<MigrationSet> LoadDrizzle(const std::string& dir, const LoadOptions& options) {
  auto listing = ListDir(dir);
  if (!listing.ok()) return listing.status();
  std::string journal_path = util::JoinPath(dir, "meta/_journal.json");
  std::string dialect;
  auto entries = ReadJournal(journal_path, &dialect);
  if (!entries.ok()) return entries.status();
  MigrationSet set;
  static const std::set<std::string> kDialects = {"sqlite", "turso", "pg", "postgresql"};
  if (!dialect.empty() && !kDialects.count(dialect)) {
    return Status::Unsupported("drizzle-kit journal for dialect '" + dialect +
                               "': strata runs SQLite and PostgreSQL migrations (sqlite, turso, pg, postgresql)")
        .At(journal_path);
  }

  std::set<std::string> in_journal;
  std::map<std::string, const Entry*, bool (*)(const std::string&, const std::string&)> seen(
      [](const std::string& a, const std::string& b) { return CompareVersions(a, b) < 0; });
  std::string previous;
  for (const Entry& e : *entries) {
    in_journal.insert(e.tag + ".sql");
    size_t digits = 0;
    while (digits < e.tag.size() && e.tag[digits] >= '0' && e.tag[digits] <= '9') ++digits;
    Migration m;
    m.version = digits > 0 ? e.tag.substr(0, digits) : PadIdx(e.idx);
    m.name = digits > 0 ? e.tag.substr(digits) : e.tag;
    if (!m.name.empty() && m.name.front() == '_') m.name.erase(0, 1);
    m.up_path = util::JoinPath(dir, e.tag + ".sql");
    m.tool_key = e.when;
    if (auto it = seen.find(m.version); it != seen.end()) {
      set.problems.push_back(Status::Validation("journal entries " + it->second->tag + " and " + e.tag +
                                                " have the same version " + m.version + "; neither is loaded")
                                 .At(journal_path, e.line)
                                 .WithHint("each journal tag must start with its own number"));
      continue;
    }
    seen[m.version] = &e;
    // The journal is the order; strata applies in version order. They agree
    // for every journal drizzle-kit writes; refuse an entry where they do not.
    if (!previous.empty() && CompareVersions(m.version, previous) < 0) {
      set.problems.push_back(Status::Validation("journal entry " + e.tag + " comes after version " + previous +
                                                " but its version " + m.version + " is lower")
                                 .At(journal_path, e.line)
                                 .WithHint("strata applies migrations in version order; renumber the tag"));
      continue;
    }
    previous = m.version;
    ReadOptions raw;
    raw.keep_raw = true;
    auto text = ReadMigrationFile(m.up_path, raw);
    if (!text.ok()) {
      Status s = text.status();
      if (s.code() == Status::Code::kNotFound) {
        s = Status::Validation("journal entry " + e.tag + " has no file " + e.tag + ".sql")
                .At(journal_path, e.line)
                .WithHint("restore " + e.tag + ".sql from version control, or regenerate with drizzle-kit");
      }
      set.problems.push_back(std::move(s));
      continue;
    }
    m.tool_checksum = util::Sha256Hex(text->raw);
    Side side;
    std::string checksum_of = text->text;
    if (!MakeSide(m.up_path, SplitOnBreakpoints(std::move(text->text)), checksum_of, true, false, options, &set.problems,
                  &side)) {
      continue;
    }
    m.up_sql = std::move(side.sql);
    m.checksum = std::move(side.checksum);
    m.up_annotations = std::move(side.annotations);
    set.migrations.push_back(std::move(m));
  }

  for (const auto& f : *listing) {
    if (f.is_dir || !util::EndsWith(f.name, ".sql") || in_journal.count(f.name)) continue;
    set.notes.push_back(Status::Validation("not in meta/_journal.json, so not a migration: ignored, as drizzle-kit "
                                           "ignores it")
                            .At(f.path)
                            .WithHint("delete it if it was abandoned, or add it with drizzle-kit"));
  }
  Finish(&set);
  return set;
}

}  // namespace strata::source::internal
