#include "driver/sqlite/sqlite_ddl.h"

#include <cctype>
#include <utility>

namespace strata::driver::sqlite_ddl {

namespace {

using Tokens = std::vector<Token>;

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

// Index of the ')' matching the '(' at `open`; t.size() when unbalanced.
size_t MatchParen(const Tokens& t, size_t open) {
  int depth = 0;
  for (size_t k = open; k < t.size(); ++k) {
    if (t[k].IsPunct('(')) ++depth;
    if (t[k].IsPunct(')') && --depth == 0) return k;
  }
  return t.size();
}

// The text of tokens [from, to) with the gaps between them folded to one blank.
std::string Join(std::string_view sql, const Tokens& t, size_t from, size_t to) {
  std::string out;
  for (size_t k = from; k < to && k < t.size(); ++k) {
    if (k > from && t[k].begin > t[k - 1].end) out += ' ';
    out += sql.substr(t[k].begin, t[k].end - t[k].begin);
  }
  return out;
}

// [from, to) ranges of the comma-separated items in [from, to) at depth 0.
std::vector<std::pair<size_t, size_t>> SplitItems(const Tokens& t, size_t from, size_t to) {
  std::vector<std::pair<size_t, size_t>> items;
  size_t start = from;
  for (size_t k = from; k < to; ++k) {
    if (t[k].IsPunct('(')) {
      k = MatchParen(t, k);
      if (k >= to) break;
    } else if (t[k].IsPunct(',')) {
      items.emplace_back(start, k);
      start = k + 1;
    }
  }
  if (start < to) items.emplace_back(start, to);
  return items;
}

// Identifiers of a parenthesized list "(a, b)" starting at `open`.
std::vector<std::string> IdentList(const Tokens& t, size_t open) {
  std::vector<std::string> out;
  size_t close = MatchParen(t, open);
  for (auto [from, to] : SplitItems(t, open + 1, close)) {
    if (from < to) out.push_back(t[from].value);
  }
  return out;
}

bool IsTableConstraint(const Token& first) {
  return first.Is("CONSTRAINT") || first.Is("PRIMARY") || first.Is("UNIQUE") || first.Is("CHECK") ||
         first.Is("FOREIGN");
}

// Walks the constraints of one column definition or table constraint, in
// [k, to). `column` is null for a table constraint.
void ParseConstraints(std::string_view sql, const Tokens& t, size_t k, size_t to, ParsedColumn* column,
                      ParsedTable& table) {
  std::string pending_name;  // CONSTRAINT name: applies to the next constraint
  ParsedForeignKey* fk = nullptr;
  std::vector<std::string> fk_columns;
  while (k < to) {
    const Token& tok = t[k];
    bool has_next = k + 1 < to;
    if (tok.IsPunct('(')) {
      k = MatchParen(t, k) + 1;
      continue;
    }
    if (tok.Is("CONSTRAINT") && has_next) {
      pending_name = t[k + 1].value;
      k += 2;
      continue;
    }
    if (tok.Is("CHECK") && has_next && t[k + 1].IsPunct('(')) {
      size_t close = MatchParen(t, k + 1);
      table.checks.push_back({std::move(pending_name), Join(sql, t, k + 2, std::min(close, to))});
      pending_name.clear();
      k = close + 1;
      continue;
    }
    if (tok.Is("AS") && column && has_next && t[k + 1].IsPunct('(')) {
      size_t close = MatchParen(t, k + 1);
      column->generated_expr = Join(sql, t, k + 2, std::min(close, to));
      k = close + 1;
      continue;
    }
    if (tok.Is("FOREIGN") && has_next && k + 2 < to && t[k + 2].IsPunct('(')) {
      fk_columns = IdentList(t, k + 2);
      k = MatchParen(t, k + 2) + 1;
      continue;
    }
    if (tok.Is("REFERENCES") && has_next) {
      ParsedForeignKey parsed;
      parsed.name = std::move(pending_name);
      pending_name.clear();
      parsed.columns = column ? std::vector<std::string>{column->name} : fk_columns;
      parsed.ref_table = t[k + 1].value;
      table.foreign_keys.push_back(std::move(parsed));
      fk = &table.foreign_keys.back();
      k += 2;
      continue;
    }
    if (tok.Is("DEFERRABLE") && fk) fk->deferrable = !(k > 0 && t[k - 1].Is("NOT"));
    if (tok.Is("INITIALLY") && fk && has_next) fk->initially_deferred = t[k + 1].Is("DEFERRED");
    if (tok.Is("COLLATE") && column && has_next) {
      column->collation = t[k + 1].value;
      k += 2;
      continue;
    }
    if (tok.Is("AUTOINCREMENT") && column) column->autoincrement = true;
    if (tok.Is("DEFAULT") && has_next) {
      // Skip the value so that a bare word in it is not taken for a keyword.
      ++k;
      if (t[k].IsPunct('(')) {
        k = MatchParen(t, k) + 1;
      } else {
        k += (t[k].IsPunct('-') || t[k].IsPunct('+')) ? 2 : 1;
      }
      pending_name.clear();
      continue;
    }
    if (tok.Is("PRIMARY") || tok.Is("UNIQUE") || tok.Is("NOT") || tok.Is("NULL") || tok.Is("GENERATED")) {
      pending_name.clear();
    }
    ++k;
  }
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

std::string Normalize(std::string_view sql) {
  Tokens t = Tokenize(sql);
  size_t end = t.size();
  while (end > 0 && t[end - 1].IsPunct(';')) --end;
  return Join(sql, t, 0, end);
}

Result<ParsedTable> ParseCreateTable(std::string_view sql) {
  Tokens t = Tokenize(sql);
  size_t open = 0;
  while (open < t.size() && !t[open].IsPunct('(')) ++open;
  size_t close = MatchParen(t, open);
  if (open >= t.size() || close >= t.size()) return Status::Parse("no column list in CREATE TABLE");
  ParsedTable table;
  for (auto [from, to] : SplitItems(t, open + 1, close)) {
    if (from >= to) continue;
    if (IsTableConstraint(t[from])) {
      ParseConstraints(sql, t, from, to, nullptr, table);
      continue;
    }
    ParsedColumn column;
    column.name = t[from].value;
    ParseConstraints(sql, t, from + 1, to, &column, table);
    table.columns.push_back(std::move(column));
  }
  for (size_t k = close + 1; k < t.size(); ++k) {
    if (t[k].Is("ROWID") && t[k - 1].Is("WITHOUT")) table.without_rowid = true;
    if (t[k].Is("STRICT")) table.strict = true;
  }
  return table;
}

Result<ParsedIndex> ParseCreateIndex(std::string_view sql) {
  Tokens t = Tokenize(sql);
  size_t on = 0;
  while (on < t.size() && !t[on].Is("ON")) ++on;
  size_t open = on;
  while (open < t.size() && !t[open].IsPunct('(')) ++open;
  size_t close = MatchParen(t, open);
  if (open >= t.size() || close >= t.size()) return Status::Parse("no column list in CREATE INDEX");
  ParsedIndex index;
  for (auto [from, to] : SplitItems(t, open + 1, close)) {
    // expr [COLLATE name] [ASC|DESC]: the pragmas report the rest.
    if (to > from && (t[to - 1].Is("ASC") || t[to - 1].Is("DESC"))) --to;
    if (to >= from + 2 && t[to - 2].Is("COLLATE")) to -= 2;
    index.parts.push_back(Join(sql, t, from, to));
  }
  size_t end = t.size();
  while (end > close + 1 && t[end - 1].IsPunct(';')) --end;
  if (close + 1 < end && t[close + 1].Is("WHERE")) index.where = Join(sql, t, close + 2, end);
  return index;
}

}  // namespace strata::driver::sqlite_ddl
