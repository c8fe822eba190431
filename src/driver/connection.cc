#include "driver/connection.h"

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

std::string QuoteIdent(std::string_view ident) { return Quote(ident, '"'); }

std::string QuoteLiteral(std::string_view text) { return Quote(text, '\''); }

}  // namespace strata::driver
