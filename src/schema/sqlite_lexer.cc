#include "schema/sqlite_lexer.h"

#include <cctype>

namespace strata::schema::sqlite_lexer {

namespace {

bool IsWordChar(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || c == '$' || u >= 0x80;
}

// Index one past the closing quote `q` of a quoted token starting at `i`; a
// doubled quote is part of the text. Unterminated: the end of the text.
size_t ScanQuoted(std::string_view s, size_t i, char q) {
  for (size_t j = i + 1; j < s.size(); ++j) {
    if (s[j] != q) continue;
    if (j + 1 < s.size() && s[j + 1] == q) {
      ++j;
      continue;
    }
    return j + 1;
  }
  return s.size();
}

std::string Unquote(std::string_view text, char close) {
  std::string out;
  if (text.size() < 2) return std::string(text);
  std::string_view inner = text.substr(1, text.back() == close ? text.size() - 2 : text.size() - 1);
  for (size_t i = 0; i < inner.size(); ++i) {
    out += inner[i];
    if (inner[i] == close && close != ']' && i + 1 < inner.size() && inner[i + 1] == close) ++i;
  }
  return out;
}

}  // namespace

bool Token::Is(std::string_view keyword) const {
  if (kind != Kind::kWord || text.size() != keyword.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(text[i])) != std::toupper(static_cast<unsigned char>(keyword[i]))) {
      return false;
    }
  }
  return true;
}

std::vector<Token> Tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    char c = s[i];
    char next = i + 1 < n ? s[i + 1] : '\0';
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (c == '-' && next == '-') {
      size_t eol = s.find('\n', i);
      i = eol == std::string_view::npos ? n : eol + 1;
      continue;
    }
    if (c == '/' && next == '*') {
      size_t close = s.find("*/", i + 2);
      i = close == std::string_view::npos ? n : close + 2;
      continue;
    }
    Token t;
    t.begin = i;
    if (c == '\'') {
      t.kind = Token::Kind::kString;
      i = ScanQuoted(s, i, '\'');
    } else if ((c == 'x' || c == 'X') && next == '\'') {
      t.kind = Token::Kind::kString;
      i = ScanQuoted(s, i + 1, '\'');
    } else if (c == '"' || c == '`') {
      t.kind = Token::Kind::kQuotedIdent;
      i = ScanQuoted(s, i, c);
    } else if (c == '[') {
      t.kind = Token::Kind::kQuotedIdent;
      size_t close = s.find(']', i);
      i = close == std::string_view::npos ? n : close + 1;
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '.' && std::isdigit(static_cast<unsigned char>(next)))) {
      t.kind = Token::Kind::kNumber;
      ++i;
      while (i < n && (IsWordChar(s[i]) || s[i] == '.' ||
                       ((s[i] == '+' || s[i] == '-') && (s[i - 1] == 'e' || s[i - 1] == 'E')))) {
        ++i;
      }
    } else if (IsWordChar(c)) {
      t.kind = Token::Kind::kWord;
      while (i < n && IsWordChar(s[i])) ++i;
    } else {
      t.kind = Token::Kind::kPunct;
      ++i;
    }
    t.end = i;
    t.text = s.substr(t.begin, t.end - t.begin);
    if (t.kind == Token::Kind::kQuotedIdent) {
      t.value = Unquote(t.text, c == '[' ? ']' : c);
    } else if (t.kind == Token::Kind::kString && c == '\'') {
      // SQLite takes a string where it expects a name (CREATE TABLE 'x').
      t.value = Unquote(t.text, '\'');
    } else {
      t.value = std::string(t.text);
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::string ComparisonKey(std::string_view sql) {
  std::string key;
  for (const Token& t : Tokenize(sql)) {
    if (!key.empty()) key += '\x1f';  // "ab" and "a b" stay apart
    switch (t.kind) {
      case Token::Kind::kWord:
      case Token::Kind::kQuotedIdent:
        // Keywords and names are the same in any case; a name the same
        // quoted or bare. ASCII only, as SQLite folds.
        for (char c : t.kind == Token::Kind::kWord ? std::string(t.text) : t.value) {
          key += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        break;
      case Token::Kind::kString:
      case Token::Kind::kNumber:
      case Token::Kind::kPunct:
        key += t.text;
        break;
    }
  }
  return key;
}

}  // namespace strata::schema::sqlite_lexer
