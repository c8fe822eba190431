#include "cli/render.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>
#include <strata/redact.h>

namespace strata::cli {

std::string Style::Paint(std::string_view text, Color color) const {
  if (!enabled_ || color == Color::kNone || text.empty()) return std::string(text);
  const char* code = "";
  switch (color) {
    case Color::kNone: break;
    case Color::kBold: code = "1"; break;
    case Color::kDim: code = "2"; break;
    case Color::kRed: code = "31"; break;
    case Color::kGreen: code = "32"; break;
    case Color::kYellow: code = "33"; break;
    case Color::kCyan: code = "36"; break;
  }
  return fmt::format("\033[{}m{}\033[0m", code, text);
}

bool ColorWanted(bool no_color_flag, bool json) {
  if (no_color_flag || json) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  return ::isatty(STDOUT_FILENO) == 1;
}

Color SeverityColor(LintSeverity severity) {
  switch (severity) {
    case LintSeverity::kError: return Color::kRed;
    case LintSeverity::kWarning: return Color::kYellow;
    case LintSeverity::kInfo: return Color::kCyan;
  }
  return Color::kNone;
}

bool StdinIsTerminal() { return ::isatty(STDIN_FILENO) == 1; }
bool StderrIsTerminal() { return ::isatty(STDERR_FILENO) == 1; }

std::string FormatDuration(int64_t ms) {
  if (ms < 0) ms = 0;
  if (ms < 1000) return fmt::format("{} ms", ms);
  if (ms < 60000) return fmt::format("{:.1f} s", static_cast<double>(ms) / 1000.0);
  int64_t s = ms / 1000;
  return fmt::format("{}m {:02}s", s / 60, s % 60);
}

std::string FormatBytes(int64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  static constexpr const char* kUnits[] = {"KB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int unit = -1;
  while (v >= 1024 && unit < 3) {
    v /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f} {}", v, kUnits[unit]);
}

std::string BackupLine(const BackupInfo& backup) {
  std::string what = FormatBytes(backup.bytes);
  if (backup.verified) what += ", verified";
  if (backup.compressed) what += ", compressed";
  if (backup.encrypted) what += ", encrypted";
  return fmt::format("Backed up to {} ({}).\n", backup.path, what);
}

std::string Plural(int64_t n, std::string_view singular, std::string_view plural) {
  if (n == 1) return fmt::format("1 {}", singular);
  if (plural.empty()) return fmt::format("{} {}s", n, singular);
  return fmt::format("{} {}", n, plural);
}

Table::Table(std::vector<std::string> header) : header_(std::move(header)) {}

void Table::AddRow(std::vector<Cell> row) {
  row.resize(header_.size());
  rows_.push_back(std::move(row));
}

std::string Table::Render(const Style& style) const {
  std::vector<size_t> width(header_.size(), 0);
  for (size_t c = 0; c < header_.size(); ++c) {
    width[c] = header_[c].size();
    for (const auto& row : rows_) width[c] = std::max(width[c], row[c].text.size());
  }
  auto line = [&](const std::vector<Cell>& cells) {
    // Drop empty trailing cells so that no line ends in blanks.
    size_t last = cells.size();
    while (last > 0 && cells[last - 1].text.empty()) --last;
    std::string out;
    for (size_t c = 0; c < last; ++c) {
      std::string text = cells[c].text;
      if (c + 1 < last) text.append(width[c] - text.size() + 2, ' ');
      // Colour only the text, not the padding, so alignment survives.
      size_t pad = text.size() - cells[c].text.size();
      out += style.Paint(cells[c].text, cells[c].color) + std::string(pad, ' ');
    }
    return out + "\n";
  };
  std::vector<Cell> head;
  for (const auto& h : header_) head.push_back({h, Color::kBold});
  std::string out = line(head);
  for (const auto& row : rows_) out += line(row);
  return out;
}

namespace {
void Write(std::FILE* f, std::string_view text) {
  std::string safe = Redact(text);
  std::fwrite(safe.data(), 1, safe.size(), f);
  std::fflush(f);
}
}  // namespace

void WriteOut(std::string_view text) { Write(stdout, text); }
void WriteErr(std::string_view text) { Write(stderr, text); }

std::string RenderTrace(const TraceReport& trace, const Style& style) {
  std::string out = fmt::format("Lock trace ({}):\n", trace.where);
  for (const auto& m : trace.migrations) {
    out += fmt::format("  {}  {}", style.Paint(m.version + "_" + m.name, Color::kBold), m.file);
    out += m.traced && m.note.empty() ? "\n" : fmt::format(" ({})\n", m.note);
    for (const auto& s : m.statements) {
      out += fmt::format("  {:>4}  {}  [{}]\n", s.line, s.text, s.status);
      for (const auto& l : s.locks) {
        std::string blocks = l.blocks_reads ? "blocks reads and writes" : l.blocks_writes ? "blocks writes" : "blocks neither";
        std::string mode = l.mode.empty() ? "not taken" : l.mode;
        std::string predicted = l.predicted.empty() ? "none predicted" : "predicted " + l.predicted;
        out += fmt::format("        lock: {} on {} ({}; {}): {}\n", mode, l.relation, blocks, predicted,
                           l.verdict == "mismatch" ? style.Paint(l.verdict, Color::kRed) : l.verdict);
      }
      for (const auto& t : s.rewritten) out += fmt::format("        rewritten: {}\n", t);
      for (const auto& t : s.scanned) out += fmt::format("        scanned: {}\n", t);
      for (const auto& mm : s.mismatches) out += fmt::format("        {} {}\n", style.Paint("mismatch:", Color::kRed), mm);
    }
  }
  out += fmt::format("Trace: {} confirmed, {}.\n", Plural(trace.confirmed, "prediction"),
                     Plural(trace.mismatches, "mismatch", "mismatches"));
  return out;
}

std::string RenderIssues(const std::vector<ValidationIssue>& issues, const Style& style) {
  std::string out;
  for (const auto& issue : issues) {
    std::string where;
    if (!issue.file.empty()) {
      where = issue.line > 0 ? fmt::format("{}:{}: ", issue.file, issue.line) : issue.file + ": ";
    } else if (!issue.version.empty()) {
      where = issue.version + ": ";
    }
    out += where + style.Paint(issue.message, Color::kRed) + "\n";
    if (!issue.hint.empty()) out += "  hint: " + issue.hint + "\n";
  }
  return out;
}

}  // namespace strata::cli
