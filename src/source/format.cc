#include "source/format.h"

#include <sys/stat.h>

#include <array>
#include <map>
#include <utility>

#include "source/file_reader.h"
#include "source/migration.h"
#include "source/reader_support.h"
#include "util/fs.h"
#include "util/strings.h"

namespace strata::source {
namespace {

constexpr std::array<std::pair<Format, std::string_view>, 6> kNames = {{
    {Format::kAuto, "auto"},
    {Format::kNative, "native"},
    {Format::kDrizzle, "drizzle"},
    {Format::kGolangMigrate, "golang-migrate"},
    {Format::kFlyway, "flyway"},
    {Format::kDbmate, "dbmate"},
}};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// V1__x.sql, V1_2__x.sql, R__x.sql (Flyway's default prefixes and separator).
bool LooksLikeFlyway(std::string_view name) {
  if (!util::EndsWith(name, ".sql")) return false;
  if (util::StartsWith(name, "R__")) return true;
  return name.size() > 2 && name[0] == 'V' && IsDigit(name[1]) && name.find("__") != std::string_view::npos;
}

// The first Flyway-named file under `dir`, or "".
std::string FlywayFile(const std::vector<internal::DirEntry>& entries, int depth) {
  for (const auto& e : entries) {
    if (e.is_dir) {
      // Flyway reads its locations recursively; look a few levels down.
      if (depth < 3) {
        auto sub = internal::ListDir(e.path);
        std::string found = sub.ok() ? FlywayFile(*sub, depth + 1) : "";
        if (!found.empty()) return e.name + "/" + found;
      }
    } else if (LooksLikeFlyway(e.name)) {
      return e.name;
    }
  }
  return "";
}

// A line that starts with "--", optional blanks, then "migrate:up".
bool HasDbmateUpMarker(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (!util::StartsWith(line, "--")) continue;
    line.remove_prefix(2);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (util::StartsWith(line, "migrate:up")) return true;
  }
  return false;
}

}  // namespace

std::string_view ToString(Format format) {
  for (const auto& [f, name] : kNames) {
    if (f == format) return name;
  }
  return "native";
}

std::optional<Format> ParseFormat(std::string_view name) {
  if (name == "drizzle-kit") return Format::kDrizzle;
  for (const auto& [f, n] : kNames) {
    if (n == name) return f;
  }
  return std::nullopt;
}

std::string_view FormatNames() { return "auto, native, drizzle, golang-migrate, flyway, dbmate"; }

Format DetectFormat(const std::string& dir, std::string* why) {
  std::string scratch;
  std::string& reason = why ? *why : scratch;
  reason.clear();
  struct stat st {};
  if (::stat(util::JoinPath(dir, "meta/_journal.json").c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    reason = "meta/_journal.json exists";
    return Format::kDrizzle;
  }
  auto entries = internal::ListDir(dir);
  if (!entries.ok()) return Format::kNative;
  if (std::string f = FlywayFile(*entries, 0); !f.empty()) {
    reason = f + " is named as Flyway names migrations";
    return Format::kFlyway;
  }

  // dbmate: one file read, the first VERSION_name.sql without .up/.down.
  for (const auto& e : *entries) {
    if (e.is_dir || e.name.empty() || !IsDigit(e.name[0]) || !util::EndsWith(e.name, ".sql")) continue;
    if (util::EndsWith(e.name, ".up.sql") || util::EndsWith(e.name, ".down.sql")) continue;
    auto text = ReadMigrationFile(e.path);
    if (text.ok() && HasDbmateUpMarker(text->text)) {
      reason = e.name + " has a `-- migrate:up` section";
      return Format::kDbmate;
    }
    break;
  }

  // golang-migrate: an up and a down of one version with different titles.
  struct Pair {
    std::string up, down;  // file names
    std::string up_title, down_title;
  };
  std::map<std::string, Pair, bool (*)(const std::string&, const std::string&)> titles(
      [](const std::string& a, const std::string& b) { return CompareVersions(a, b) < 0; });
  for (const auto& e : *entries) {
    if (e.is_dir) continue;
    std::string_view name = e.name;
    bool up = util::EndsWith(name, ".up.sql");
    if (!up && !util::EndsWith(name, ".down.sql")) continue;
    name.remove_suffix(up ? 7 : 9);
    size_t digits = 0;
    while (digits < name.size() && IsDigit(name[digits])) ++digits;
    if (digits == 0 || digits == name.size() || name[digits] != '_') continue;
    Pair& pair = titles[std::string(name.substr(0, digits))];
    (up ? pair.up : pair.down) = e.name;
    (up ? pair.up_title : pair.down_title) = std::string(name.substr(digits + 1));
  }
  for (const auto& [version, pair] : titles) {
    if (!pair.up.empty() && !pair.down.empty() && pair.up_title != pair.down_title) {
      reason = pair.up + " and " + pair.down + " pair by version only, as golang-migrate pairs them";
      return Format::kGolangMigrate;
    }
  }
  return Format::kNative;
}

}  // namespace strata::source
