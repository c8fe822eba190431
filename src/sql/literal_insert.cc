#include "sql/literal_insert.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace strata::sql {

namespace {

// PostgreSQL 15, Appendix C: "reserved" and "reserved (can be function or
// type)". Sorted, lower case.
constexpr std::array<std::string_view, 100> kReserved = {
    "all",          "analyse",        "analyze",      "and",
    "any",          "array",          "as",           "asc",
    "asymmetric",   "authorization",  "binary",       "both",
    "case",         "cast",           "check",        "collate",
    "collation",    "column",         "concurrently", "constraint",
    "create",       "cross",          "current_catalog", "current_date",
    "current_role", "current_schema", "current_time", "current_timestamp",
    "current_user", "default",        "deferrable",   "desc",
    "distinct",     "do",             "else",         "end",
    "except",       "false",          "fetch",        "for",
    "foreign",      "freeze",         "from",         "full",
    "grant",        "group",          "having",       "ilike",
    "in",           "initially",      "inner",        "intersect",
    "into",         "is",             "isnull",       "join",
    "lateral",      "leading",        "left",         "like",
    "limit",        "localtime",      "localtimestamp", "natural",
    "not",          "notnull",        "null",         "offset",
    "on",           "only",           "or",           "order",
    "outer",        "overlaps",       "placing",      "primary",
    "references",   "returning",      "right",        "select",
    "session_user", "similar",        "some",         "symmetric",
    "table",        "tablesample",    "then",         "to",
    "trailing",     "true",           "union",        "unique",
    "user",         "using",          "variadic",     "verbose",
    "when",         "where",          "window",       "with",
};

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}

  bool AtEnd() {
    SkipSpace();
    return ok_ && i_ == s_.size();
  }
  bool ok() const { return ok_; }

  // Whitespace and comments; a nested /* makes the text not ours.
  void SkipSpace() {
    while (ok_ && i_ < s_.size()) {
      char c = s_[i_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        ++i_;
      } else if (c == '-' && Peek(1) == '-') {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else if (c == '/' && Peek(1) == '*') {
        size_t end = s_.find("*/", i_ + 2);
        if (end == std::string_view::npos || s_.substr(i_ + 2, end - i_ - 2).find("/*") != std::string_view::npos) {
          ok_ = false;
          return;
        }
        i_ = end + 2;
      } else {
        return;
      }
    }
  }

  // A keyword, any case, followed by something that cannot continue a word.
  bool Keyword(std::string_view word) {
    SkipSpace();
    if (!ok_ || s_.size() - i_ < word.size()) return false;
    for (size_t k = 0; k < word.size(); ++k) {
      if (std::tolower(static_cast<unsigned char>(s_[i_ + k])) != word[k]) return false;
    }
    if (IdentCont(i_ + word.size())) return false;
    i_ += word.size();
    return true;
  }

  bool Char(char c) {
    SkipSpace();
    if (!ok_ || i_ >= s_.size() || s_[i_] != c) return false;
    ++i_;
    return true;
  }

  // An identifier: plain (not reserved) or "quoted" (no "" inside).
  bool Identifier(std::string* out) {
    SkipSpace();
    if (!ok_ || i_ >= s_.size()) return false;
    if (s_[i_] == '"') {
      size_t end = s_.find('"', i_ + 1);
      if (end == std::string_view::npos || end == i_ + 1 || Peek(end - i_ + 1) == '"') return false;
      if (out) *out = std::string(s_.substr(i_ + 1, end - i_ - 1));
      i_ = end + 1;
      return true;
    }
    if (!IdentStart(i_)) return false;
    size_t start = i_++;
    while (IdentCont(i_)) ++i_;
    std::string_view word = s_.substr(start, i_ - start);
    if (IsReservedKeyword(word)) return false;
    if (out) {
      // As PostgreSQL folds an unquoted name: ASCII letters to lower case.
      *out = std::string(word);
      for (char& c : *out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
    }
    return true;
  }

  // A literal: number, '...' string, NULL, TRUE, FALSE.
  bool Literal() {
    SkipSpace();
    if (!ok_ || i_ >= s_.size()) return false;
    char c = s_[i_];
    if (c == '\'') {
      // Not E'...', B'...', U&'...': the caller saw a delimiter before it.
      for (size_t k = i_ + 1; k < s_.size(); ++k) {
        if (s_[k] != '\'') continue;
        if (k + 1 < s_.size() && s_[k + 1] == '\'') {
          ++k;
          continue;
        }
        i_ = k + 1;
        return Delimited();
      }
      return false;
    }
    if (c == '-' || c == '+') {
      ++i_;
      if (i_ >= s_.size() || !(IsDigit(s_[i_]) || (s_[i_] == '.' && IsDigit(Peek(1))))) return false;
      return Number();
    }
    if (IsDigit(c) || (c == '.' && IsDigit(Peek(1)))) return Number();
    return Keyword("null") || Keyword("true") || Keyword("false");
  }

 private:
  char Peek(size_t ahead) const { return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0'; }
  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }
  bool IdentStart(size_t k) const {
    if (k >= s_.size()) return false;
    unsigned char c = static_cast<unsigned char>(s_[k]);
    return std::isalpha(c) || c == '_' || c >= 0x80;
  }
  bool IdentCont(size_t k) const {
    if (k >= s_.size()) return false;
    unsigned char c = static_cast<unsigned char>(s_[k]);
    return std::isalnum(c) || c == '_' || c == '$' || c >= 0x80;
  }

  // digits [. digits] [e [+-] digits], or . digits [...]; then a delimiter.
  bool Number() {
    size_t start = i_;
    while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
    }
    if (i_ == start || (i_ == start + 1 && s_[start] == '.')) return false;
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      if (i_ >= s_.size() || !IsDigit(s_[i_])) return false;
      while (i_ < s_.size() && IsDigit(s_[i_])) ++i_;
    }
    return Delimited();
  }

  // What follows a literal must be a separator: whitespace, a comment, ',' or
  // ')'. ("12abc", "1.2.3", 'a' 'b' and 'a''' are not ours.)
  bool Delimited() {
    SkipSpace();
    return ok_ && i_ < s_.size() && (s_[i_] == ',' || s_[i_] == ')');
  }

  std::string_view s_;
  size_t i_ = 0;
  bool ok_ = true;
};

}  // namespace

bool IsReservedKeyword(std::string_view word) {
  if (word.size() > 20) return false;
  std::string lower(word);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::binary_search(kReserved.begin(), kReserved.end(), std::string_view(lower));
}

bool IsLiteralInsert(std::string_view statement, std::string* table) {
  // Cheap rejection first: most statements of other kinds stop here.
  Scanner s(statement);
  if (!s.Keyword("insert") || !s.Keyword("into")) return false;
  std::string name;
  if (!s.Identifier(&name)) return false;
  if (s.Char('.')) {
    std::string rel;
    if (!s.Identifier(&rel)) return false;
    name += "." + rel;
  }
  if (s.Char('(')) {
    do {
      if (!s.Identifier(nullptr)) return false;
    } while (s.Char(','));
    if (!s.Char(')')) return false;
  }
  if (!s.Keyword("values")) return false;
  do {
    if (!s.Char('(')) return false;
    do {
      if (!s.Literal()) return false;
    } while (s.Char(','));
    if (!s.Char(')')) return false;
  } while (s.Char(','));
  if (!s.AtEnd()) return false;
  if (table) *table = std::move(name);
  return true;
}

}  // namespace strata::sql
