#include "schema/render_sqlite.h"

#include <cctype>

#include "schema/sqlite_lexer.h"

namespace strata::schema {

namespace {

std::string Quote(std::string_view ident) { return QuoteIdent(ident); }

// One identifier as SQLite's tokenizer reads one bare: letters, digits, '_',
// '$' and every byte of a UTF-8 sequence (>= 0x80), not starting with a digit
// or '$'.
bool IsPlainWord(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '$') return false;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != '_' && c != '$' && u < 0x80) return false;
  }
  return true;
}

// Collation names are identifiers: "NOCASE" and "nocase" name the same one.
std::string CollationName(std::string_view name) { return IsPlainWord(name) ? std::string(name) : Quote(name); }

bool IsNumber(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s.empty()) return false;
  bool digit = false;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digit = true;
    } else if (c != '.' && c != 'e' && c != 'E' && c != 'x' && c != 'X' && c != '_' &&
               !std::isxdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return digit;
}

bool IsStringLiteral(std::string_view s) {
  if (s.size() >= 3 && (s[0] == 'x' || s[0] == 'X')) s.remove_prefix(1);  // blob X'00'
  if (s.size() < 2 || s.front() != '\'' || s.back() != '\'') return false;
  // One literal, not 'a' || 'b': every inner quote is doubled.
  for (size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == '\'') {
      if (s[i + 1] != '\'' || i + 2 >= s.size()) return false;
      ++i;
    }
  }
  return true;
}

// SQLite reports a default without the parentheses it was written with
// ("1+2" for DEFAULT (1+2)), and only literals may follow DEFAULT bare. A
// bare word (DEFAULT active) is SQLite's legacy spelling of a string, and
// stays bare: in parentheses it would be a column reference, which fails.
std::string Upper(std::string_view s) {
  std::string upper;
  for (char c : s) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper;
}

bool IsKeywordLiteral(const std::string& upper) {
  return upper == "NULL" || upper == "TRUE" || upper == "FALSE" || upper == "CURRENT_TIME" ||
         upper == "CURRENT_DATE" || upper == "CURRENT_TIMESTAMP";
}

// A quoted name ("x", `x`, [x]) after DEFAULT is, like a bare word, SQLite's
// legacy spelling of a string; in parentheses it would be a column reference.
bool IsQuotedName(const std::string& expr) {
  auto tokens = sqlite_lexer::Tokenize(expr);
  return tokens.size() == 1 && tokens[0].kind == sqlite_lexer::Token::Kind::kQuotedIdent &&
         tokens[0].end == expr.size() && tokens[0].begin == 0;
}

std::string DefaultClause(const std::string& expr) {
  return IsSqliteLiteralDefault(expr) ? " DEFAULT " + expr : " DEFAULT (" + expr + ")";
}

// SQLite's keywords that cannot be a word of a type name (parse.y: not in
// its %fallback ID list), and GENERATED, which would read as the start of a
// generated column.
constexpr const char* kNotATypeWord[] = {
    "ADD",        "ALL",       "ALTER",    "AND",        "AS",      "AUTOINCREMENT", "BETWEEN",   "CASE",
    "CHECK",      "COLLATE",   "COMMIT",   "CONSTRAINT", "CREATE",  "CROSS",         "DEFAULT",   "DEFERRABLE",
    "DELETE",     "DISTINCT",  "DROP",     "ELSE",       "ESCAPE",  "EXCEPT",        "EXISTS",    "FILTER",
    "FOREIGN",    "FROM",      "FULL",     "GENERATED",  "GROUP",   "HAVING",        "IN",        "INDEX",
    "INDEXED",    "INNER",     "INSERT",   "INTERSECT",  "INTO",    "IS",            "ISNULL",    "JOIN",
    "LEFT",       "LIMIT",     "NATURAL",  "NOT",        "NOTHING", "NOTNULL",       "NULL",      "ON",
    "OR",         "ORDER",     "OUTER",    "OVER",       "PRIMARY", "REFERENCES",    "RETURNING", "RIGHT",
    "ROLLBACK",   "SELECT",    "SET",      "TABLE",      "THEN",    "TO",            "TRANSACTION", "UNION",
    "UNIQUE",     "UPDATE",    "USING",    "VALUES",     "WHEN",    "WHERE",         "WINDOW"};

// The declared type, written so that SQLite stores exactly `type` again. A
// type name (words, then an optional "(n)" or "(n, m)") goes as it is.
// Anything else goes as one quoted name, which SQLite unquotes: a type that
// was written in quotes ("my type", "primary key", a quote inside), or with
// a word SQLite reads as a keyword (a type "not null" written bare would
// become NOT NULL, "primary key" a primary key, "select" a syntax error).
std::string TypeText(const std::string& type) {
  if (type.find("--") != std::string::npos || type.find("/*") != std::string::npos) return Quote(type);
  auto tokens = sqlite_lexer::Tokenize(type);
  size_t k = 0;
  auto word = [&] {
    if (k >= tokens.size() || tokens[k].kind != sqlite_lexer::Token::Kind::kWord) return false;
    if (tokens[k].text[0] == '$') return false;  // a parameter, not a name
    for (const char* c : kNotATypeWord) {
      if (tokens[k].Is(c)) return false;
    }
    ++k;
    return true;
  };
  auto punct = [&](char c) {
    if (k >= tokens.size() || !tokens[k].IsPunct(c)) return false;
    ++k;
    return true;
  };
  auto signed_number = [&] {
    if (!punct('+')) punct('-');
    if (k >= tokens.size() || tokens[k].kind != sqlite_lexer::Token::Kind::kNumber) return false;
    ++k;
    return true;
  };
  // typetoken: name+ [ "(" signed [ "," signed ] ")" ]
  bool plain = word();
  while (plain && word()) {
  }
  if (plain && punct('(')) plain = signed_number() && (!punct(',') || signed_number()) && punct(')');
  plain = plain && k == tokens.size();
  return plain ? type : Quote(type);
}

std::string ColumnDef(const Column& c, bool inline_autoincrement) {
  std::string out = Quote(c.name);
  if (!c.type.empty()) out += " " + TypeText(c.type);
  if (inline_autoincrement) out += " PRIMARY KEY AUTOINCREMENT";
  if (c.not_null) out += " NOT NULL";
  if (c.default_expr) out += DefaultClause(*c.default_expr);
  if (!c.collation.empty()) out += " COLLATE " + CollationName(c.collation);
  if (c.generated_expr) {
    out += " GENERATED ALWAYS AS (" + *c.generated_expr + ")";
    out += c.generated_stored ? " STORED" : " VIRTUAL";
  }
  return out;
}

std::string Named(const std::string& name) { return name.empty() ? "" : "CONSTRAINT " + Quote(name) + " "; }

std::string ForeignKeyDef(const ForeignKey& fk) {
  return Named(fk.name) + "FOREIGN KEY (" + QuoteIdentList(fk.columns) + ") " + RenderSqliteReferences(fk);
}

}  // namespace

bool IsSqliteLiteralDefault(const std::string& expr) {
  return IsNumber(expr) || IsStringLiteral(expr) || IsKeywordLiteral(Upper(expr)) || IsPlainWord(expr) ||
         IsQuotedName(expr);
}

std::string SqliteDefaultAsExpr(const std::string& expr) {
  if (IsPlainWord(expr) && !IsKeywordLiteral(Upper(expr))) return "'" + expr + "'";
  if (IsQuotedName(expr)) return QuoteLiteral(sqlite_lexer::Tokenize(expr)[0].value);
  if (IsSqliteLiteralDefault(expr)) return expr;
  return "(" + expr + ")";
}

std::string RenderSqliteColumn(const Column& column) { return ColumnDef(column, false); }

std::string RenderSqliteReferences(const ForeignKey& fk) {
  std::string out = "REFERENCES ";
  if (!fk.ref_schema.empty()) out += Quote(fk.ref_schema) + ".";
  out += Quote(fk.ref_table);
  if (!fk.ref_columns.empty()) out += " (" + QuoteIdentList(fk.ref_columns) + ")";
  if (fk.on_delete != FkAction::kNoAction) out += " ON DELETE " + std::string(ToString(fk.on_delete));
  if (fk.on_update != FkAction::kNoAction) out += " ON UPDATE " + std::string(ToString(fk.on_update));
  if (fk.deferrable) out += fk.initially_deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
  return out;
}

std::string RenderSqliteTable(const Table& t) {
  // AUTOINCREMENT exists only as a column constraint of a one-column key.
  bool inline_pk = t.primary_key && t.primary_key->autoincrement && t.primary_key->columns.size() == 1 &&
                   t.primary_key->name.empty();
  std::vector<std::string> defs;
  for (const auto& c : t.columns) defs.push_back(ColumnDef(c, inline_pk && c.name == t.primary_key->columns[0]));
  if (t.primary_key && !inline_pk) {
    std::string pk = Named(t.primary_key->name) + "PRIMARY KEY (" + QuoteIdentList(t.primary_key->columns) + ")";
    defs.push_back(pk);
  }
  for (const auto& u : t.uniques) defs.push_back(Named(u.name) + "UNIQUE (" + QuoteIdentList(u.columns) + ")");
  for (const auto& c : t.checks) defs.push_back(Named(c.name) + "CHECK (" + c.expr + ")");
  for (const auto& fk : t.foreign_keys) defs.push_back(ForeignKeyDef(fk));

  std::string out = "CREATE TABLE ";
  if (!t.schema.empty()) out += Quote(t.schema) + ".";
  out += Quote(t.name) + " (\n";
  for (size_t i = 0; i < defs.size(); ++i) out += "  " + defs[i] + (i + 1 < defs.size() ? ",\n" : "\n");
  out += ")";
  if (t.without_rowid && t.strict) {
    out += " WITHOUT ROWID, STRICT";
  } else if (t.without_rowid) {
    out += " WITHOUT ROWID";
  } else if (t.strict) {
    out += " STRICT";
  }
  return out + ";\n";
}

std::string RenderSqliteIndex(const Index& index) {
  std::string out = index.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
  if (!index.schema.empty()) out += Quote(index.schema) + ".";
  out += Quote(index.name) + " ON " + Quote(index.table) + " (";
  for (size_t i = 0; i < index.parts.size(); ++i) {
    const IndexPart& p = index.parts[i];
    if (i > 0) out += ", ";
    out += p.expr.empty() ? Quote(p.column) : p.expr;
    if (!p.collation.empty()) out += " COLLATE " + CollationName(p.collation);
    if (p.desc) out += " DESC";
  }
  out += ")";
  if (!index.where.empty()) out += " WHERE " + index.where;
  return out + ";\n";
}

std::string RenderSqlite(const Schema& unordered) {
  Schema schema = unordered;
  Canonicalize(schema);
  std::vector<std::string> statements;
  for (const auto& t : schema.tables) statements.push_back(RenderSqliteTable(t));
  for (const auto& i : schema.indexes) statements.push_back(RenderSqliteIndex(i));
  for (const auto& v : schema.views) statements.push_back(v.sql + ";\n");
  for (const auto& t : schema.triggers) statements.push_back(t.sql + ";\n");
  std::string out;
  for (size_t i = 0; i < statements.size(); ++i) {
    if (i > 0) out += "\n";
    out += statements[i];
  }
  return out;
}

}  // namespace strata::schema
