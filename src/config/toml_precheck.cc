#include "config/toml_precheck.h"

namespace strata::config {
namespace {

// The code point of the UTF-8 sequence at text[i] (0xFFFD when malformed;
// toml++ reports those itself).
char32_t DecodeAt(std::string_view text, size_t i) {
  unsigned char c = static_cast<unsigned char>(text[i]);
  if (c < 0x80) return c;
  size_t n = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
  if (n == 0 || i + n >= text.size()) return 0xFFFD;
  char32_t cp = c & (0x3F >> n);
  for (size_t k = 1; k <= n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  return cp;
}

// Where toml++ 3.3's is_non_ascii_horizontal_whitespace reaches
// __builtin_unreachable (its table's children 0, 11 and 63 without a case).
bool TomlppUnreachable(char32_t c) {
  if (c < 0xA0 || c > 0xFEFF || c == 0xA0 || c == 0x3000 || c == 0xFEFF) return false;
  unsigned child = static_cast<unsigned>((c - 0xA0) / 0x3FA);
  return child == 0 || child == 11 || child == 63;
}

bool StartsWith(std::string_view text, size_t i, std::string_view s) { return text.substr(i, s.size()) == s; }

// The non-ASCII characters toml++ counts as whitespace (Unicode Zs, and the
// byte-order mark), which it trims after a line-ending backslash too.
bool TomlppNonAsciiWhitespace(char32_t c) {
  return c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F ||
         c == 0x3000 || c == 0x180E || c == 0xFEFF;
}

// Bytes in the UTF-8 sequence that starts with `lead` (1 for ASCII and for
// a malformed lead byte).
size_t SequenceLength(unsigned char lead) { return lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1; }

}  // namespace

TomlProblem PrecheckToml(std::string_view text) {
  if (size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return {nul, "NUL byte: TOML allows no control characters other than tab"};
  }
  size_t i = 0;
  // The last character before text[i] that is not a blank, on this line
  // ('\n' at its start). A quote opens a string only where TOML puts one (a
  // key, a value, an array or inline-table element, a dotted key's part):
  // elsewhere ("1\"...") toml++ reads on character by character, and a
  // character it misreads must be refused there too. Found by
  // fuzz/config_fuzz.cc.
  char prev = '\n';
  auto string_may_start = [&] {
    return prev == '\n' || prev == '=' || prev == '[' || prev == ',' || prev == '{' || prev == '.';
  };
  while (i < text.size()) {
    char c = text[i];
    if (c == '#') {  // a comment, to the end of the line
      size_t nl = text.find('\n', i);
      i = nl == std::string_view::npos ? text.size() : nl + 1;
      prev = '\n';
      continue;
    }
    if (c == '\n') {
      prev = '\n';
      ++i;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
      continue;
    }
    const bool quote = c == '"' || c == '\'';
    if (quote && !string_may_start()) {
      prev = c;
      ++i;
      continue;
    }
    prev = c;
    if (StartsWith(text, i, "\"\"\"")) {  // multi-line basic string
      for (i += 3; i < text.size() && !StartsWith(text, i, "\"\"\""); ++i) {
        if (text[i] != '\\') continue;
        // A line-ending backslash: toml++ trims the whitespace after it.
        // (Non-ASCII whitespace is trimmed as well, and the check applies to
        // the first character after all of it: found by fuzz/config_fuzz.cc.)
        size_t j = i + 1;
        while (j < text.size()) {
          if (text[j] == ' ' || text[j] == '\t' || text[j] == '\r' || text[j] == '\n') {
            ++j;
          } else if (static_cast<unsigned char>(text[j]) >= 0x80 && TomlppNonAsciiWhitespace(DecodeAt(text, j))) {
            j += SequenceLength(static_cast<unsigned char>(text[j]));
          } else {
            break;
          }
        }
        if (j > i + 1 && j < text.size() && TomlppUnreachable(DecodeAt(text, j))) {
          return {j, "this character cannot start the line after a line-ending backslash (toml++ misreads it)"};
        }
        ++i;  // the escaped character
      }
      i += 3;
    } else if (StartsWith(text, i, "'''")) {  // multi-line literal string
      size_t end = text.find("'''", i + 3);
      i = end == std::string_view::npos ? text.size() : end + 3;
    } else if (c == '"' || c == '\'') {  // basic or literal string, one line
      for (++i; i < text.size() && text[i] != c && text[i] != '\n'; ++i) {
        if (c == '"' && text[i] == '\\') ++i;
      }
      ++i;
    } else if (static_cast<unsigned char>(c) >= 0x80) {
      return {i, "non-ASCII character outside a string or comment: TOML keys and values are ASCII unless quoted"};
    } else {
      ++i;
    }
  }
  return {};
}

}  // namespace strata::config
