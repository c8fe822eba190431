#include "driver/sqlite/sqlite_ddl.h"

#include <utility>

namespace strata::driver::sqlite_ddl {

namespace {

using Tokens = std::vector<Token>;

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
