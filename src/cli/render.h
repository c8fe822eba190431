// Text rendering helpers for the strata binary: colour, aligned tables,
// durations, plurals, and the two output streams. Every byte the CLI writes
// goes through WriteOut/WriteErr, which pass it through strata::Redact as a
// last line of defence against leaking a password.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <strata/lint.h>
#include <strata/types.h>

namespace strata::cli {

enum class Color { kNone, kBold, kDim, kRed, kGreen, kYellow, kCyan };

// Paints text with ANSI colours, or not at all when disabled.
class Style {
 public:
  explicit Style(bool enabled = false) : enabled_(enabled) {}
  bool enabled() const { return enabled_; }
  std::string Paint(std::string_view text, Color color) const;

 private:
  bool enabled_;
};

// True when colour should be used on stdout: stdout is a terminal, NO_COLOR
// is unset (or empty) and neither --no-color nor --json was given.
bool ColorWanted(bool no_color_flag, bool json);
// Red errors, yellow warnings, cyan infos (lint and plan findings).
Color SeverityColor(LintSeverity severity);
bool StdinIsTerminal();
bool StderrIsTerminal();

// "12 ms" below one second, "1.2 s" below a minute, "3m 05s" above.
std::string FormatDuration(int64_t ms);
// "1 migration", "3 migrations".
std::string Plural(int64_t n, std::string_view singular, std::string_view plural = "");
// "812 B", "12.3 KB", "1.5 GB" (powers of 1024).
std::string FormatBytes(int64_t bytes);
// "Backed up to PATH (12.3 MB, verified, compressed, encrypted).\n": the
// line up, down, redo, repair and reset print for the backup they took.
std::string BackupLine(const BackupInfo& backup);

// A left-aligned text table: columns separated by two spaces, no trailing
// blanks. Widths count bytes of the plain text; colour is applied after padding.
class Table {
 public:
  struct Cell {
    std::string text;
    Color color = Color::kNone;
  };
  explicit Table(std::vector<std::string> header);
  void AddRow(std::vector<Cell> row);
  std::string Render(const Style& style) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<Cell>> rows_;
};

// Writes Redact(text) to stdout / stderr and flushes.
void WriteOut(std::string_view text);
void WriteErr(std::string_view text);

// Each issue as "file:line: message" (in red) and an indented hint line.
std::string RenderIssues(const std::vector<ValidationIssue>& issues, const Style& style);

// `plan --trace` / `lint --trace`: per traced statement, the locks PostgreSQL
// took (which block reads or writes), the tables rewritten and scanned, and
// each prediction's verdict; untraced migrations with the reason.
std::string RenderTrace(const TraceReport& trace, const Style& style);

}  // namespace strata::cli
