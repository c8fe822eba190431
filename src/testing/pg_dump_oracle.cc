#include "testing/pg_dump_oracle.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <sstream>

#include "testing/test_support.h"

namespace strata::testing {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.pop_back();
    out.push_back(line);
  }
  return out;
}

bool StartsWith(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

// A table-of-contents block starts here: "--", then "-- ..." lines, then "--".
size_t CommentBlockEnd(const std::vector<std::string>& lines, size_t i) {
  if (lines[i] != "--") return 0;
  size_t j = i + 1;
  while (j < lines.size() && StartsWith(lines[j], "-- ")) ++j;
  if (j == i + 1 || j >= lines.size() || lines[j] != "--") return 0;
  return j + 1;
}

// What pg_dump writes around entries that says nothing about the schema.
bool Noise(const std::string& line) {
  return line == "SET default_tablespace = '';" || line == "SET default_table_access_method = heap;" ||
         StartsWith(line, "\\restrict ") || StartsWith(line, "\\unrestrict ");
}

// The same settings with another value: kept, as an entry of their own.
bool PlacementSetting(const std::string& line) {
  return StartsWith(line, "SET default_tablespace = ") || StartsWith(line, "SET default_table_access_method = ");
}

// Sorts the element lines of a CREATE TABLE (see the header).
std::string NormalizeEntry(std::vector<std::string> lines) {
  if (!lines.empty() && StartsWith(lines[0], "CREATE ") && lines[0].find(" TABLE ") != std::string::npos &&
      lines[0].back() == '(') {
    size_t end = 1;
    while (end < lines.size() && StartsWith(lines[end], "    ")) {
      if (lines[end].back() == ',') lines[end].pop_back();
      ++end;
    }
    std::sort(lines.begin() + 1, lines.begin() + static_cast<long>(end));
  }
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

std::vector<std::string> Entries(const std::string& normalized) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < normalized.size()) {
    size_t end = normalized.find("\n\n", start);
    if (end == std::string::npos) end = normalized.size();
    out.push_back(normalized.substr(start, end - start));
    start = end + 2;
  }
  return out;
}

std::string ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

std::string PgDumpBinary() {
  if (const char* bin = std::getenv("STRATA_TEST_PG_DUMP"); bin && *bin) return bin;
  // The folder pg_server started the server from, next to its url file.
  const char* url_file = std::getenv("STRATA_TEST_PG_URL_FILE");
  std::string file = url_file && *url_file ? url_file : STRATA_DEFAULT_PG_URL_FILE;
  std::string bindir = ReadFirstLine(std::filesystem::path(file).parent_path() / "bindir");
  if (!bindir.empty() && std::filesystem::exists(bindir + "/pg_dump")) return bindir + "/pg_dump";
  return "pg_dump";
}

std::string NormalizePgDump(const std::string& dump) {
  std::vector<std::string> lines = Lines(dump);
  std::vector<std::string> entries;
  std::vector<std::string> current;
  bool preamble = true;  // before the first entry: session settings only
  auto flush = [&] {
    while (!current.empty() && current.back().empty()) current.pop_back();
    if (!current.empty()) entries.push_back(NormalizeEntry(std::move(current)));
    current.clear();
  };
  for (size_t i = 0; i < lines.size();) {
    if (size_t end = CommentBlockEnd(lines, i)) {
      flush();
      // The header block ("PostgreSQL database dump") opens the preamble;
      // the first "-- Name:" block closes it.
      preamble = StartsWith(lines[i + 1], "-- PostgreSQL database dump") && preamble;
      i = end;
      continue;
    }
    const std::string& line = lines[i++];
    if (line.empty() || Noise(line)) continue;
    if (PlacementSetting(line)) {
      flush();
      current.push_back(line);
      flush();
      continue;
    }
    if (preamble && (StartsWith(line, "SET ") || StartsWith(line, "SELECT pg_catalog.set_config(") ||
                     StartsWith(line, "-- Dumped "))) {
      continue;
    }
    current.push_back(line);
  }
  flush();
  std::sort(entries.begin(), entries.end());
  std::string out;
  for (const auto& e : entries) out += (out.empty() ? "" : "\n\n") + e;
  return out;
}

Result<std::string> PgDumpSchema(const std::string& url) {
  CommandResult r = Run({PgDumpBinary(), "--schema-only", "--no-password", "--dbname=" + url});
  if (r.exit_code != 0) return Status::Database("pg_dump failed (" + std::to_string(r.exit_code) + "): " + r.err);
  return NormalizePgDump(r.out);
}

std::vector<Result<std::string>> PgDumpSchemas(const std::vector<std::string>& urls) {
  std::vector<std::future<Result<std::string>>> running;
  for (const auto& url : urls) running.push_back(std::async(std::launch::async, [url] { return PgDumpSchema(url); }));
  std::vector<Result<std::string>> out;
  for (auto& f : running) out.push_back(f.get());
  return out;
}

std::string PgDumpDifference(const std::string& want, const std::string& got) {
  std::vector<std::string> a = Entries(want), b = Entries(got);
  std::multiset<std::string> in_a(a.begin(), a.end()), in_b(b.begin(), b.end());
  std::string out;
  for (const auto& e : a) {
    if (!in_b.count(e)) out += "- " + e + "\n";
  }
  for (const auto& e : b) {
    if (!in_a.count(e)) out += "+ " + e + "\n";
  }
  return out;
}

}  // namespace strata::testing
