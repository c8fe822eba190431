#include "sql/split.h"

#include <pg_query.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>
#include <string>

#include "util/strings.h"

namespace strata::sql {
namespace {

// Whitespace as both engines' tokenizers read it. Not std::isspace: a
// vertical tab is no whitespace to SQLite (nor to PostgreSQL 15's scanner),
// and skipping it made a statement look as if it started at the next word:
// "\vCREATE TRIGGER" is no trigger to sqlite3_complete, "CREATE TRIGGER" is,
// so ForEachStatement (which restarts a window at a statement's first word)
// split differently from Split. Found by fuzz/sql_split_fuzz.cc.
bool IsSqlSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// Just past the end of the "--" comment that starts at s[i]. PostgreSQL's
// scanner ends it at '\n' or '\r' (a lone CR is a line break to it, and what
// follows is SQL that runs); SQLite's only at '\n'.
size_t LineCommentEnd(std::string_view s, size_t i, bool pg) {
  size_t nl = pg ? s.find_first_of("\n\r", i) : s.find('\n', i);
  return nl == std::string_view::npos ? s.size() : nl + 1;
}

// ASCII tests without the C library's locale lookup: these run on every
// byte of a data migration, several times.
bool IsAsciiAlpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
bool IsAsciiAlnum(unsigned char c) { return IsAsciiAlpha(c) || (c >= '0' && c <= '9'); }
bool IsIdentChar(unsigned char c) { return IsAsciiAlnum(c) || c == '_' || c == '$' || c >= 0x80; }

// Just past the word (identifier, keyword or number) that starts at s[i],
// where IsIdentChar(s[i]). On PostgreSQL a number or a parameter ends at its
// last digit: in "2$$" the "$$" opens a dollar quote (it is part of an
// identifier only after a letter, as in "a$$b"). Found by
// fuzz/sql_split_fuzz.cc.
size_t SkipWord(std::string_view s, size_t i, size_t end, bool pg) {
  if (pg && ((s[i] >= '0' && s[i] <= '9') || s[i] == '$')) {
    // A number, or a parameter ("$2"): digits only, so in "2$$" and "$2$$"
    // the "$$" that follows opens a dollar quote.
    if (s[i] == '$') ++i;
    while (i < end && s[i] >= '0' && s[i] <= '9') ++i;
    return i;
  }
  while (i < end && IsIdentChar(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}
bool IsTagStart(unsigned char c) { return IsAsciiAlpha(c) || c == '_' || c >= 0x80; }
bool IsTagChar(unsigned char c) { return IsAsciiAlnum(c) || c == '_' || c >= 0x80; }

// Index just past a quoted run that opened at s[i] with `quote`; a doubled
// quote is an escaped one. `backslash`: E'' strings, where \x escapes x.
// Unterminated runs end at the end of the text: the engine reports those.
size_t SkipQuoted(std::string_view s, size_t i, char quote, bool backslash, bool* closed = nullptr) {
  for (++i; i < s.size(); ++i) {
    if (backslash && s[i] == '\\') {
      ++i;
    } else if (s[i] == quote) {
      if (i + 1 < s.size() && s[i + 1] == quote) {
        ++i;
      } else {
        if (closed) *closed = true;
        return i + 1;
      }
    }
  }
  if (closed) *closed = false;
  return s.size();
}

// Index just past a block comment that opened at s[i]. PostgreSQL nests
// them; SQLite does not, and inside one it looks only for "*/": in
// "/*t/*/" the comment ends at the second '*', which "/*" must not take.
size_t SkipBlockComment(std::string_view s, size_t i, bool nested, bool* closed = nullptr) {
  int depth = 0;
  while (i < s.size()) {
    if (s.compare(i, 2, "/*") == 0 && (nested || depth == 0)) {
      ++depth;
      i += 2;
    } else if (s.compare(i, 2, "*/") == 0) {
      i += 2;
      if (--depth == 0) {
        if (closed) *closed = true;
        return i;
      }
    } else {
      ++i;
    }
  }
  if (closed) *closed = false;
  return s.size();
}

// PostgreSQL $tag$...$tag$ starting at s[i] == '$': index past the closing
// tag, or 0 when s[i] does not open a dollar quote ($1 is a parameter).
size_t SkipDollarQuote(std::string_view s, size_t i, bool* closed = nullptr) {
  size_t j = i + 1;
  if (j < s.size() && s[j] != '$') {
    if (!IsTagStart(static_cast<unsigned char>(s[j]))) return 0;
    while (j < s.size() && IsTagChar(static_cast<unsigned char>(s[j]))) ++j;
    if (j >= s.size() || s[j] != '$') return 0;
  }
  if (j >= s.size()) return 0;
  std::string_view tag = s.substr(i, j - i + 1);
  size_t close = s.find(tag, j + 1);
  if (closed) *closed = close != std::string_view::npos;
  return close == std::string_view::npos ? s.size() : close + tag.size();
}

// The part of `s` between leading and trailing whitespace and comments, as
// [begin, end). begin == end when `s` holds nothing else. A small lexer is
// enough here because the engine's own scanner has already found where the
// statement ends; this only has to tell comments from quoted text.
std::pair<size_t, size_t> SignificantSpan(std::string_view s, Dialect dialect) {
  const bool pg = dialect == Dialect::kPostgres;
  size_t begin = std::string_view::npos, end = 0, i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (IsSqlSpace(c)) {
      ++i;
      continue;
    }
    if (s.compare(i, 2, "--") == 0) {
      i = LineCommentEnd(s, i, pg);
      continue;
    }
    if (s.compare(i, 2, "/*") == 0) {
      i = SkipBlockComment(s, i, pg);
      continue;
    }
    if (begin == std::string_view::npos) begin = i;
    if (c == '\'') {
      i = SkipQuoted(s, i, '\'', false);
    } else if (c == '"') {
      i = SkipQuoted(s, i, '"', false);
    } else if (pg && (c == 'E' || c == 'e') && i + 1 < s.size() && s[i + 1] == '\'') {
      i = SkipQuoted(s, i + 1, '\'', true);
    } else if (!pg && c == '`') {
      i = SkipQuoted(s, i, '`', false);
    } else if (!pg && c == '[') {
      size_t close = s.find(']', i);
      i = close == std::string_view::npos ? s.size() : close + 1;
    } else if (pg && c == '$' && SkipDollarQuote(s, i) != 0) {
      i = SkipDollarQuote(s, i);
    } else if (IsIdentChar(c)) {
      // Whole words, so that the "--" in "a--b" is seen the way the engine
      // sees it only when it really starts a comment.
      i = SkipWord(s, i, s.size(), pg);
    } else {
      ++i;
    }
    end = i;
  }
  if (begin == std::string_view::npos) return {s.size(), s.size()};
  return {begin, end};
}

// Appends the significant part of script[from, to) when there is one.
void AddStatement(std::string_view script, size_t from, size_t to, Dialect dialect,
                  std::vector<Statement>* out) {
  std::string_view raw = script.substr(from, to - from);
  auto [b, e] = SignificantSpan(raw, dialect);
  if (b < e) out->push_back(Statement{from + b, raw.substr(b, e - b)});
}

// Where `s` opens a quoted run or a block comment that it never closes, and
// what it is, for a message; nullopt when every run is closed. The same
// lexer as SignificantSpan.
struct Unclosed {
  size_t offset = 0;
  const char* what = "";
};
// The quoted run or block comment that opens at s[i], if one does: sets
// *what, and returns the index just past its end (s.size() when it never
// closes, with *closed false). 0 when nothing opens at s[i].
size_t SkipRun(std::string_view s, size_t i, bool pg, const char** what, bool* closed) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  *closed = true;
  if (s.compare(i, 2, "/*") == 0) {
    *what = "/* comment";
    return SkipBlockComment(s, i, pg, closed);
  }
  if (c == '\'' || c == '"' || (!pg && c == '`')) {
    *what = c == '\'' ? "quoted string" : "quoted identifier";
    return SkipQuoted(s, i, static_cast<char>(c), false, closed);
  }
  if (pg && (c == 'E' || c == 'e') && i + 1 < s.size() && s[i + 1] == '\'') {
    *what = "quoted string";
    return SkipQuoted(s, i + 1, '\'', true, closed);
  }
  if (!pg && c == '[') {
    *what = "[quoted identifier]";
    size_t close = s.find(']', i);
    *closed = close != std::string_view::npos;
    return *closed ? close + 1 : s.size();
  }
  if (pg && c == '$' && SkipDollarQuote(s, i) != 0) {
    *what = "dollar-quoted string";
    return SkipDollarQuote(s, i, closed);
  }
  return 0;
}

std::optional<Unclosed> FindUnclosed(std::string_view s, Dialect dialect) {
  const bool pg = dialect == Dialect::kPostgres;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (s.compare(i, 2, "--") == 0) {
      i = LineCommentEnd(s, i, pg);
      continue;
    }
    const char* what = "";
    bool closed = true;
    if (size_t end = SkipRun(s, i, pg, &what, &closed); end != 0) {
      if (!closed) return Unclosed{i, what};
      i = end;
    } else if (IsIdentChar(c)) {
      i = SkipWord(s, i, s.size(), pg);
    } else {
      ++i;
    }
  }
  return std::nullopt;
}

// A script whose last statement never ends (an unterminated quote or
// comment, CREATE TRIGGER without END): SQLite would run the part it can,
// or treat an unterminated comment as a comment to the end of the file and
// silently skip the statements in it. kParse at where it opens.
Status CheckSqliteTail(std::string_view script, size_t start) {
  std::string_view tail = script.substr(start);
  std::string probe(tail);
  probe += "\n;";
  if (sqlite3_complete(probe.c_str())) return Status::Ok();
  auto unclosed = FindUnclosed(tail, Dialect::kSqlite);
  size_t at = start;
  std::string message;
  if (unclosed) {
    at += unclosed->offset;
    message = std::string("unterminated ") + unclosed->what;
  } else {
    at += SignificantSpan(tail, Dialect::kSqlite).first;
    message = "incomplete statement at the end of the file (a CREATE TRIGGER without END?)";
  }
  LineCol lc = LocateOffset(script, at);
  return Status::Parse(message).At("", lc.line, lc.column);
}

// Just past what starts at s[i] and is not plain punctuation: a "--"
// comment, a quoted run or block comment (SkipRun), or a word (SkipWord);
// `i` itself when s[i] is none of them. The one lexing step of the loops
// below, which differ only in what they do with punctuation.
size_t SkipToken(std::string_view s, size_t i, size_t end, bool pg) {
  if (s.compare(i, 2, "--") == 0) return LineCommentEnd(s, i, pg);
  const char* what = "";
  bool closed = true;
  if (size_t run = SkipRun(s, i, pg, &what, &closed); run != 0) return run;
  if (IsIdentChar(static_cast<unsigned char>(s[i]))) return SkipWord(s, i, end, pg);
  return i;
}

// Just past the next END keyword at or after `from` (outside quotes and
// comments, as SQLite reads them), or npos. A CREATE TRIGGER body ends only
// at "END;": no ';' before the next END can complete it.
size_t NextEndWord(std::string_view s, size_t from) {
  size_t i = from;
  while (i < s.size()) {
    size_t next = SkipToken(s, i, s.size(), false);
    if (next == i) {
      ++i;
      continue;
    }
    if (next - i == 3 && (s[i] | 0x20) == 'e' && (s[i + 1] | 0x20) == 'n' && (s[i + 2] | 0x20) == 'd') return next;
    i = next;
  }
  return std::string_view::npos;
}

// When s[at] lies in a "--" comment (SQLite's: to the line feed) of the
// text that starts at `from`, just past that comment; else 0.
size_t LineCommentAround(std::string_view s, size_t from, size_t at) {
  size_t i = from;
  while (i <= at && i < s.size()) {
    size_t next = SkipToken(s, i, s.size(), false);
    if (next == i) {
      ++i;
      continue;
    }
    if (s.compare(i, 2, "--") == 0 && at < next) return next;
    i = next;
  }
  return 0;
}

// `final`: `script` ends where the file ends (not a window cut in the middle
// of a statement), so an unfinished last statement is an error.
Result<std::vector<Statement>> SplitSqlite(std::string_view script, bool final) {
  std::vector<Statement> out;
  std::string pending;  // NUL-terminated copy for sqlite3_complete
  size_t start = 0;
  for (size_t semi = script.find(';'); semi != std::string_view::npos; semi = script.find(';', semi + 1)) {
    // sqlite3_complete knows strings, comments and CREATE TRIGGER ... BEGIN
    // ... END, whose inner ';' do not end the statement.
    pending.assign(script.substr(start, semi + 1 - start));
    if (!sqlite3_complete(pending.c_str())) {
      // Inside a quote or comment: no ';' before its end ends the
      // statement, so go on from there. Checking each ';' inside it would
      // copy and rescan from `start` every time: quadratic, hours for an
      // unterminated quote near the top of a data migration.
      if (auto open = FindUnclosed(script.substr(start, semi + 1 - start), Dialect::kSqlite)) {
        const char* what = "";
        bool closed = true;
        size_t end = SkipRun(script, start + open->offset, false, &what, &closed);
        if (!closed) break;  // never closes: the rest is the last statement
        semi = end - 1;      // the next find starts at `end`
      } else if (size_t comment_end = LineCommentAround(script, start, semi); comment_end != 0) {
        semi = comment_end - 1;  // a ';' in a "--" comment: go on after the comment
      } else {
        // Nothing left open, so a CREATE TRIGGER body: only a ';' after its
        // next END can end it. Trying each ';' before would rescan from
        // `start` every time (quadratic for a trigger missing its END near
        // the top of a large file).
        size_t end = NextEndWord(script, semi + 1);
        if (end == std::string_view::npos) break;  // never ends: the rest is the last statement
        semi = end - 1;
      }
      continue;
    }
    AddStatement(script, start, semi, Dialect::kSqlite, &out);
    start = semi + 1;
  }
  if (final) {
    Status tail = CheckSqliteTail(script, start);
    if (!tail.ok()) return tail;
  }
  AddStatement(script, start, script.size(), Dialect::kSqlite, &out);
  return out;
}

// Byte offset of the 1-based character position `pos` (as the PostgreSQL
// scanner reports it) in `text`.
size_t CharPositionToOffset(std::string_view text, int pos) {
  size_t i = 0;
  for (int chars = 1; chars < pos && i < text.size(); ++chars) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
  }
  return i;
}

struct SplitResultFree {
  void operator()(PgQuerySplitResult* r) const {
    pg_query_free_split_result(*r);
    delete r;
  }
};
using SplitResultPtr = std::unique_ptr<PgQuerySplitResult, SplitResultFree>;

// Whether "atomic" appears in any case; no copy (the script may be 100 MB).
// For an ASCII letter, c | 0x20 is its lower case, and no other byte maps to
// it: an exact test, without tolower's locale lookup per byte.
bool ContainsAtomic(std::string_view script) {
  constexpr std::string_view kWord = "atomic";
  if (script.size() < kWord.size()) return false;
  const size_t last = script.size() - kWord.size();
  for (size_t i = 0; i <= last; ++i) {
    if ((script[i] | 0x20) != 'a') continue;
    size_t k = 1;
    while (k < kWord.size() && (script[i + k] | 0x20) == kWord[k]) ++k;
    if (k == kWord.size()) return true;
  }
  return false;
}

// The scanner's message quotes the text "at or near" the error, which for an
// unterminated quote is the whole rest of the script (megabytes in a data
// migration): keep its first line, at most 40 bytes of it.
std::string ShortScannerMessage(std::string_view message) {
  constexpr std::string_view kNear = " at or near \"";
  size_t near = message.find(kNear);
  if (near == std::string_view::npos) return std::string(message);
  std::string_view token = message.substr(near + kNear.size());
  if (!token.empty() && token.back() == '"') token.remove_suffix(1);
  size_t cut = std::min<size_t>(token.find('\n'), 40);
  if (cut >= token.size()) return std::string(message);
  while (cut > 0 && (static_cast<unsigned char>(token[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
  return std::string(message.substr(0, near + kNear.size())) + std::string(token.substr(0, cut)) + "...\"";
}

// The first offset in [from, to) that holds SQL (anything but blanks, ';'
// and comments, read as PostgreSQL's scanner reads them: a "--" comment ends
// at '\n' or '\r'), or npos.
size_t FirstSqlIn(std::string_view script, size_t from, size_t to) {
  size_t i = from;
  while (i < to) {
    char c = script[i];
    if (c == ';' || IsSqlSpace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (script.compare(i, 2, "--") == 0) {
      i = LineCommentEnd(script, i, true);
    } else if (script.compare(i, 2, "/*") == 0) {
      i = SkipBlockComment(script, i, true);
    } else {
      return i;
    }
  }
  return std::string_view::npos;
}

// True when every '(' in `s` (outside quotes and comments, read as
// PostgreSQL reads them) is closed by a later ')' and no ')' closes nothing.
bool ParenthesesBalance(std::string_view s) {
  int64_t depth = 0;
  size_t i = 0;
  while (i < s.size()) {
    if (size_t next = SkipToken(s, i, s.size(), true); next != i) {
      i = next;
      continue;
    }
    if (s[i] == '(') ++depth;
    if (s[i] == ')' && --depth < 0) return false;
    ++i;
  }
  return depth == 0;
}

// Text in [from, to) that the scanner emitted no statement for, though it
// holds SQL: statements without a keyword ("SELEC 1;", a typo, which
// PostgreSQL sent the script fails on). Kept as statements, split at each
// ';' outside quotes, comments and parentheses, as the scanner would have
// split them (so that a window cut between two of them changes nothing).
void AddSkipped(std::string_view script, size_t from, size_t to, std::vector<Statement>* out) {
  std::string_view s = script.substr(0, to);
  int64_t depth = 0;
  size_t start = from, i = from;
  while (i < to) {
    if (size_t next = SkipToken(s, i, to, true); next != i) {
      i = next;
      continue;
    }
    if (s[i] == '(') ++depth;
    if (s[i] == ')') --depth;
    if (s[i] == ';' && depth == 0) {
      AddStatement(script, start, i, Dialect::kPostgres, out);
      start = i + 1;
    }
    ++i;
  }
  if (start < to) AddStatement(script, start, to, Dialect::kPostgres, out);
}

// The statements, and in *lost where the text the scanner left out at the
// end starts (npos when none); that text is appended as one last statement,
// so that a window of a larger script that ends inside a statement keeps its
// tail. libpg_query's scanner ends a statement only at a ';' outside
// parentheses and emits nothing for text whose parentheses never balance
// again ("VALUES (1;", "1)"): that statement, and every one after it, would
// silently be lost. Nor does it emit a statement without a keyword.
Result<std::vector<Statement>> SplitPostgresRaw(std::string_view script, size_t* lost) {
  *lost = std::string_view::npos;
  std::string text(script);  // libpg_query wants a NUL-terminated string
  SplitResultPtr result(new PgQuerySplitResult(pg_query_split_with_scanner(text.c_str())));
  if (result->error != nullptr) {
    size_t offset = result->error->cursorpos > 0 ? CharPositionToOffset(script, result->error->cursorpos)
                                                 : script.size();
    LineCol at = LocateOffset(script, offset);
    return Status::Parse(ShortScannerMessage(result->error->message)).At("", at.line, at.column);
  }
  // The scanner alone splits SQL-standard function bodies (BEGIN ATOMIC ...
  // END) at their inner ';'. The parser does not, but it fails on any syntax
  // error, so it is only asked when such a body may be present.
  if (ContainsAtomic(script)) {
    SplitResultPtr parsed(new PgQuerySplitResult(pg_query_split_with_parser(text.c_str())));
    if (parsed->error == nullptr) result = std::move(parsed);
  }
  std::vector<Statement> out;
  size_t covered = 0;
  for (int i = 0; i < result->n_stmts; ++i) {
    const PgQuerySplitStmt* s = result->stmts[i];
    size_t from = static_cast<size_t>(s->stmt_location);
    size_t to = from + static_cast<size_t>(s->stmt_len);
    if (from > script.size() || to > script.size()) continue;  // defensive: never read past the script
    if (from > covered) {
      // The scanner emits a statement only when it holds a keyword: "SELEC
      // 1;" (a typo) would be dropped here, though PostgreSQL, sent the
      // script, fails on it. It is kept as a statement, without its ';'.
      if (size_t gap = FirstSqlIn(script, covered, from); gap != std::string_view::npos) {
        AddSkipped(script, gap, from, &out);
      }
    }
    AddStatement(script, from, to, Dialect::kPostgres, &out);
    covered = std::max(covered, to);
  }
  *lost = FirstSqlIn(script, covered, script.size());
  if (*lost != std::string_view::npos) {
    // Text without a keyword is a statement; a tail whose parentheses do
    // not balance is what the caller decides about.
    if (ParenthesesBalance(script.substr(*lost))) {
      AddSkipped(script, *lost, script.size(), &out);
      *lost = std::string_view::npos;
    } else {
      AddStatement(script, *lost, script.size(), Dialect::kPostgres, &out);
    }
  }
  return out;
}

Status UnbalancedAt(std::string_view script, size_t lost) {
  LineCol at = LocateOffset(script, lost);
  return Status::Parse("this statement does not end: its parentheses do not balance, so no ';' after it ends it")
      .At("", at.line, at.column)
      .WithHint("check the parentheses of the statement that starts here; as written, PostgreSQL would read it and "
                "everything after it as one statement");
}

Result<std::vector<Statement>> SplitPostgres(std::string_view script) {
  size_t lost = std::string_view::npos;
  auto out = SplitPostgresRaw(script, &lost);
  if (out.ok() && lost != std::string_view::npos) return UnbalancedAt(script, lost);
  return out;
}

// kParse at the first NUL byte of `script`, or OK. Both engines read SQL as
// a C string (sqlite3_complete, libpg_query) and would stop there: the
// statements after it would be dropped without a word, and splitting in
// windows (ForEachStatement) would not even agree with splitting the whole.
// Found by fuzz/sql_split_fuzz.cc.
Status CheckNoNul(std::string_view script) {
  size_t nul = script.find('\0');
  if (nul == std::string_view::npos) return Status::Ok();
  LineCol at = LocateOffset(script, nul);
  return Status::Parse("the SQL holds a NUL byte; SQLite and PostgreSQL stop reading at it")
      .At("", at.line, at.column)
      .WithHint("remove the NUL byte (SQL text never holds one; the file may be binary or UTF-16)");
}

}  // namespace

Result<std::vector<Statement>> Split(std::string_view script, Dialect dialect) {
  if (Status s = CheckNoNul(script); !s.ok()) return s;
  if (dialect == Dialect::kSqlite) return SplitSqlite(script, true);
  return SplitPostgres(script);
}

namespace {
thread_local StatementMemo* active_memo = nullptr;
constexpr size_t kMemoMinBytes = 64 * 1024;
}  // namespace

StatementMemo::StatementMemo() : previous_(active_memo) { active_memo = this; }
StatementMemo::~StatementMemo() { active_memo = previous_; }
StatementMemo* StatementMemo::Active() { return active_memo; }

const std::vector<StatementMemo::Span>* StatementMemo::Find(std::string_view script, Dialect dialect) const {
  for (const Entry& e : entries_) {
    if (e.data == script.data() && e.size == script.size() && e.dialect == dialect) return &e.statements;
  }
  return nullptr;
}

void StatementMemo::Allow(std::string_view script) {
  if (script.size() >= kMemoMinBytes && !Allowed(script)) allowed_.push_back(script);
}

bool StatementMemo::Allowed(std::string_view script) const {
  if (script.size() > UINT32_MAX) return false;  // a Span holds 32-bit offsets
  for (std::string_view a : allowed_) {
    if (a.data() == script.data() && a.size() == script.size()) return true;
  }
  return false;
}

void StatementMemo::Remember(std::string_view script, Dialect dialect, std::vector<Span> statements) {
  if (!Allowed(script) || Find(script, dialect)) return;
  entries_.push_back(Entry{script.data(), script.size(), dialect, std::move(statements)});
}

namespace {

Status ForEachStatementScanned(std::string_view script, Dialect dialect,
                               const std::function<bool(const Statement&)>& each, size_t window);

}  // namespace

Status ForEachStatement(std::string_view script, Dialect dialect, const std::function<bool(const Statement&)>& each,
                        size_t window) {
  StatementMemo* memo = StatementMemo::Active();
  if (!memo || script.size() < kMemoMinBytes || !memo->Allowed(script)) {
    return ForEachStatementScanned(script, dialect, each, window);
  }
  if (const std::vector<StatementMemo::Span>* known = memo->Find(script, dialect)) {
    for (const StatementMemo::Span& span : *known) {
      if (!each(Statement{span.offset, script.substr(span.offset, span.size)})) break;
    }
    return Status::Ok();
  }
  // Remembered only when split to the end without an error.
  std::vector<StatementMemo::Span> seen;
  bool stopped = false;
  Status s = ForEachStatementScanned(
      script, dialect,
      [&](const Statement& st) {
        seen.push_back(StatementMemo::Span{static_cast<uint32_t>(st.offset), static_cast<uint32_t>(st.text.size())});
        if (each(st)) return true;
        stopped = true;
        return false;
      },
      window);
  if (s.ok() && !stopped) memo->Remember(script, dialect, std::move(seen));
  return s;
}

namespace {

Status ForEachStatementScanned(std::string_view script, Dialect dialect,
                               const std::function<bool(const Statement&)>& each, size_t window) {
  if (Status s = CheckNoNul(script); !s.ok()) return s;
  // A window cut short is never valid SQL, so Split's parser pass (which
  // keeps a BEGIN ATOMIC body whole) fails on it and the scanner splits the
  // body at its inner ';': statements that Split over the whole script keeps
  // as one came out in pieces. Such scripts are split whole. Found by
  // fuzz/sql_split_fuzz.cc.
  if (dialect == Dialect::kPostgres && ContainsAtomic(script)) window = script.size();
  size_t from = 0;
  size_t size = window;
  while (from < script.size()) {
    const bool last = from + size >= script.size();
    std::string_view part = script.substr(from, last ? std::string_view::npos : size);
    // Ended at a random byte, a window of a data migration ends inside a
    // quoted value about half the time; the scanner then fails, the window
    // doubles, and the largest of a 10 MB file's windows reached 4 MB (the
    // PostgreSQL scanner holds about 5 bytes per byte it scans). Ended
    // after the last ";\n" of its second half, it almost always ends between
    // statements. Only where the window ends changes: everything but its last
    // statement is still taken as complete, and a failure still doubles it.
    if (!last) {
      size_t cut = part.rfind(";\n");
      if (cut != std::string_view::npos && cut >= part.size() / 2) part = part.substr(0, cut + 2);
    }
    // A window that ends inside a statement leaves it unbalanced: its tail is
    // the last statement, and the next window starts there.
    size_t lost = std::string_view::npos;
    auto split = dialect == Dialect::kSqlite ? SplitSqlite(part, last) : SplitPostgresRaw(part, &lost);
    if (last) {
      if (!split.ok()) {
        LineCol base = LocateOffset(script, from);
        Status s = split.status();
        int line = s.line() > 0 ? s.line() : 1;
        int column = line == 1 ? base.column + (s.column() > 0 ? s.column() : 1) - 1 : s.column();
        return Status::Parse(s.message()).At("", base.line + line - 1, column);
      }
      // The statements before one that does not end, then the error.
      for (Statement st : *split) {
        if (st.offset == lost) return UnbalancedAt(script, from + lost);
        st.offset += from;
        if (!each(st)) return Status::Ok();
      }
      return Status::Ok();
    }
    // The window may end inside a statement (or a quote, or a dollar-quoted
    // body): everything but its last statement is complete, and the next
    // window starts where that last statement does.
    if (!split.ok() || split->size() < 2) {
      size *= 2;
      continue;
    }
    for (size_t i = 0; i + 1 < split->size(); ++i) {
      Statement st = (*split)[i];
      st.offset += from;
      if (!each(st)) return Status::Ok();
    }
    from += split->back().offset;
    size = window;
  }
  return Status::Ok();
}

}  // namespace

LineCol LocateOffset(std::string_view text, size_t offset) {
  LineCol lc;
  if (offset > text.size()) offset = text.size();
  for (size_t i = 0; i < offset; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++lc.line;
      lc.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++lc.column;
    }
  }
  return lc;
}

LineCol LineTracker::At(size_t offset) {
  if (offset < pos_) {
    pos_ = 0;
    at_ = LineCol{};
  }
  if (offset > text_.size()) offset = text_.size();
  for (; pos_ < offset; ++pos_) {
    unsigned char c = static_cast<unsigned char>(text_[pos_]);
    if (c == '\n') {
      ++at_.line;
      at_.column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++at_.column;
    }
  }
  return at_;
}

}  // namespace strata::sql
