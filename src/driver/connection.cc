#include "driver/connection.h"

#include <cctype>

namespace strata::driver {
namespace {

// Doubles every `quote` in `text` and wraps it in quotes: the one escaping
// rule both SQLite and PostgreSQL (standard_conforming_strings=on, the
// default since 9.1) share for identifiers and literals.
std::string Quote(std::string_view text, char quote) {
  std::string out;
  out.reserve(text.size() + 2);
  out += quote;
  for (char c : text) {
    if (c == quote) out += quote;
    out += c;
  }
  out += quote;
  return out;
}

}  // namespace

Status Connection::BackupTo(const std::string&) {
  return Status::Unsupported("this database has no file copy; strata backs PostgreSQL up with pg_dump");
}

Status Connection::RestoreFrom(const std::string&) {
  return Status::Unsupported("this database has no file copy; strata restores PostgreSQL with pg_restore");
}

Result<std::string> Connection::DropAllScript(const std::vector<std::pair<std::string, std::string>>&) {
  return Status::Unsupported("dropping every object is not implemented for this database");
}

std::string QuoteIdent(std::string_view ident) { return Quote(ident, '"'); }

bool IsConnectionLost(const Status& status) {
  const std::string& state = status.sqlstate();
  return state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03";
}

std::string QuoteLiteral(std::string_view text) { return Quote(text, '\''); }

// "statement: <first 200 characters>", whitespace runs folded to one space
// so that the error stays on one line.
std::string StatementContext(std::string_view text) {
  std::string out = "statement: ";
  size_t i = 0;
  for (int chars = 0; i < text.size() && chars < 200; ++chars) {
    if (std::isspace(static_cast<unsigned char>(text[i]))) {
      out += ' ';
      while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
      continue;
    }
    do {
      out += text[i++];
    } while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80);
  }
  if (i < text.size()) out += "...";
  return out;
}

Status RejectNul(std::string_view sql) {
  size_t nul = sql.find('\0');
  if (nul == std::string_view::npos) return Status::Ok();
  int line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < nul; ++i) {
    if (sql[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return Status::InvalidArgument("SQL contains a NUL byte: the database would ignore everything after it")
      .At("", line, static_cast<int>(nul - line_start) + 1)
      .WithHint("remove the NUL byte");
}

}  // namespace strata::driver
