#include "sql/script_control.h"

#include <cctype>
#include <optional>

namespace strata::sql {
namespace {

using Kind = ControlStatement::Kind;

// The position of the first character at or after `i` that is not
// whitespace or in a comment.
size_t SkipBlank(std::string_view s, size_t i) {
  while (i < s.size()) {
    if (std::isspace(static_cast<unsigned char>(s[i]))) {
      ++i;
    } else if (s.compare(i, 2, "--") == 0) {
      size_t nl = s.find('\n', i);
      i = nl == std::string_view::npos ? s.size() : nl + 1;
    } else if (s.compare(i, 2, "/*") == 0) {
      size_t close = s.find("*/", i + 2);
      i = close == std::string_view::npos ? s.size() : close + 2;
    } else {
      break;
    }
  }
  return i;
}

// The words at the start of a statement, upper-cased, with comments and
// whitespace between them skipped; punctuation ('=', '(', '.', quotes)
// becomes a one-character word. Reads at most `max` words.
std::vector<std::string> LeadingWords(std::string_view s, size_t max) {
  std::vector<std::string> out;
  size_t i = 0;
  while ((i = SkipBlank(s, i)) < s.size() && out.size() < max) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (std::isalnum(c) || c == '_') {
      std::string word;
      while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) {
        word += static_cast<char>(std::toupper(static_cast<unsigned char>(s[i])));
        ++i;
      }
      out.push_back(std::move(word));
    } else if (c == '"' || c == '\'' || c == '`' || c == '[') {
      // A quoted name or value: its content, upper-cased ("foreign_keys", 'off').
      char close = c == '[' ? ']' : static_cast<char>(c);
      size_t end = s.find(close, i + 1);
      if (end == std::string_view::npos) end = s.size();
      std::string word;
      for (size_t j = i + 1; j < end; ++j) word += static_cast<char>(std::toupper(static_cast<unsigned char>(s[j])));
      out.push_back(std::move(word));
      i = end + 1;
    } else {
      out.emplace_back(1, static_cast<char>(c));
      ++i;
    }
  }
  return out;
}

bool Is(const std::vector<std::string>& w, size_t i, std::string_view word) { return i < w.size() && w[i] == word; }

// The position after an optional WORK / TRANSACTION.
size_t SkipNoise(const std::vector<std::string>& w, size_t i) {
  return Is(w, i, "WORK") || Is(w, i, "TRANSACTION") ? i + 1 : i;
}

// COMMIT/END/ROLLBACK/ABORT continue with [AND [NO] CHAIN] or PREPARED.
std::optional<Kind> Finish(const std::vector<std::string>& w, size_t i, Kind plain) {
  if (Is(w, i, "PREPARED")) return Kind::kOther;
  i = SkipNoise(w, i);
  if (Is(w, i, "AND") && Is(w, i + 1, "CHAIN")) return Kind::kOther;
  return plain;
}

// SQLite PRAGMA [schema.]name = value | PRAGMA [schema.]name(value).
std::optional<Kind> Pragma(const std::vector<std::string>& w) {
  size_t i = 1;
  if (Is(w, i + 1, ".")) i += 2;
  bool fk = Is(w, i, "FOREIGN_KEYS");
  bool defer = Is(w, i, "DEFER_FOREIGN_KEYS");
  if (!fk && !defer) return std::nullopt;
  if (!Is(w, i + 1, "=") && !Is(w, i + 1, "(")) return std::nullopt;  // a query, not a setting
  if (defer) return Kind::kDeferForeignKeys;
  const std::string value = i + 2 < w.size() ? w[i + 2] : "";
  if (value == "OFF" || value == "0" || value == "FALSE" || value == "NO") return Kind::kForeignKeysOff;
  return Kind::kForeignKeysOn;
}

// The first word of a statement as written, after whitespace and comments
// (empty when it does not start with one).
std::string_view FirstWord(std::string_view s) {
  size_t i = SkipBlank(s, 0);
  size_t end = i;
  while (end < s.size() && (std::isalnum(static_cast<unsigned char>(s[end])) || s[end] == '_')) ++end;
  return s.substr(i, end - i);
}

bool EqualsIgnoringCase(std::string_view a, std::string_view upper) {
  if (a.size() != upper.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != upper[i]) return false;
  }
  return true;
}

// Whether a statement starting with `first` can be one Classify names: the
// others (INSERT, CREATE, ...: nearly every statement of a data migration)
// are passed over without reading their words.
bool MayControl(std::string_view first) {
  for (std::string_view w : {"BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "PREPARE", "PRAGMA", "SET",
                             "RESET", "SELECT"}) {
    if (EqualsIgnoringCase(first, w)) return true;
  }
  return false;
}

// What a statement controls, if anything.
std::optional<Kind> Classify(std::string_view text, Dialect dialect) {
  if (!MayControl(FirstWord(text))) return std::nullopt;
  std::vector<std::string> w = LeadingWords(text, 8);
  if (w.empty()) return std::nullopt;
  const std::string& first = w[0];
  if (first == "BEGIN") {
    // SQLite triggers and PostgreSQL BEGIN ATOMIC bodies start with CREATE,
    // and PL/pgSQL blocks live inside DO/CREATE FUNCTION: a statement that
    // starts with BEGIN is always transaction control.
    return Kind::kBegin;
  }
  if (first == "START" && Is(w, 1, "TRANSACTION")) return Kind::kBegin;
  if (first == "COMMIT" || first == "END") return Finish(w, 1, Kind::kCommit);
  if (first == "ROLLBACK" || first == "ABORT") {
    size_t i = SkipNoise(w, 1);
    if (first == "ROLLBACK" && Is(w, i, "TO")) return std::nullopt;  // ROLLBACK TO SAVEPOINT: nests
    return Finish(w, 1, Kind::kRollback);
  }
  if (first == "PREPARE" && Is(w, 1, "TRANSACTION")) return Kind::kOther;
  if (first == "PRAGMA" && dialect == Dialect::kSqlite) return Pragma(w);
  if (dialect == Dialect::kPostgres) {
    // SET LOCAL, SET TRANSACTION, SET CONSTRAINTS and SET SESSION
    // CHARACTERISTICS end with the transaction; everything else SET or
    // RESET stays with the session.
    if (first == "SET" && !Is(w, 1, "LOCAL") && !Is(w, 1, "TRANSACTION") && !Is(w, 1, "CONSTRAINTS") &&
        !(Is(w, 1, "SESSION") && Is(w, 2, "CHARACTERISTICS"))) {
      return Kind::kSessionSet;
    }
    if (first == "RESET") return Kind::kSessionSet;
    if (first == "SELECT") {
      constexpr std::string_view kSetConfig = "SET_CONFIG";
      for (size_t i = 0; i + kSetConfig.size() <= text.size(); ++i) {
        if (EqualsIgnoringCase(text.substr(i, kSetConfig.size()), kSetConfig)) return Kind::kSessionSet;
      }
    }
  }
  return std::nullopt;
}

bool IsTransaction(Kind k) {
  return k == Kind::kBegin || k == Kind::kCommit || k == Kind::kRollback || k == Kind::kOther;
}
bool IsForeignKeyPragma(Kind k) {
  return k == Kind::kForeignKeysOff || k == Kind::kForeignKeysOn || k == Kind::kDeferForeignKeys;
}

std::string Folded(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
    if (out.size() >= 80) {
      out += "...";
      break;
    }
  }
  return out;
}

}  // namespace

std::string_view Describe(ControlStatement::Kind kind) {
  switch (kind) {
    case Kind::kBegin: return "BEGIN";
    case Kind::kCommit: return "COMMIT";
    case Kind::kRollback: return "ROLLBACK";
    case Kind::kOther: return "transaction control";
    case Kind::kForeignKeysOff: return "PRAGMA foreign_keys=OFF";
    case Kind::kForeignKeysOn: return "PRAGMA foreign_keys=ON";
    case Kind::kDeferForeignKeys: return "PRAGMA defer_foreign_keys";
    case Kind::kSessionSet: return "SET";
  }
  return "";
}

Result<ScriptControl> AnalyzeControl(std::string_view script, Dialect dialect) {
  ScriptControl out;
  // Lines of increasing offsets in one pass; statements one at a time (a
  // data migration may hold millions).
  size_t pos = 0;
  int line = 1;
  std::vector<int> index_of;  // statement index of each control statement
  Status s = ForEachStatement(script, dialect, [&](const Statement& st) {
    int i = out.statements++;
    auto kind = Classify(st.text, dialect);
    if (!kind) return true;
    for (; pos < st.offset; ++pos) line += script[pos] == '\n';
    out.all.push_back(ControlStatement{*kind, st.offset, st.text.size(), line, Folded(st.text)});
    index_of.push_back(i);
    return true;
  });
  if (!s.ok()) return s;
  if (out.all.empty()) return out;

  // Foreign keys off: a leading run of foreign-key pragmas (and the file's
  // own BEGIN) that turns them off.
  for (size_t c = 0; c < out.all.size() && index_of[c] == static_cast<int>(c); ++c) {
    Kind k = out.all[c].kind;
    if (!IsForeignKeyPragma(k) && k != Kind::kBegin) break;
    if (k == Kind::kForeignKeysOff) out.foreign_keys_off = true;
  }

  // The wrapper: the first statement that is not a foreign-key pragma is
  // BEGIN, the last is COMMIT, and no other transaction control exists.
  std::vector<size_t> transaction;  // indexes into out.all
  for (size_t c = 0; c < out.all.size(); ++c) {
    if (IsTransaction(out.all[c].kind)) transaction.push_back(c);
  }
  // Whether only foreign-key pragmas lie between the script's start (or
  // end) and the statement at `at`.
  auto significant = [&](int at, bool from_start) {
    int pragmas = 0;
    for (size_t c = 0; c < out.all.size(); ++c) {
      bool between = from_start ? index_of[c] < at : index_of[c] > at;
      if (between && IsForeignKeyPragma(out.all[c].kind)) ++pragmas;
    }
    return (from_start ? at : out.statements - 1 - at) == pragmas;
  };
  if (transaction.size() == 2 && out.all[transaction[0]].kind == Kind::kBegin &&
      out.all[transaction[1]].kind == Kind::kCommit && significant(index_of[transaction[0]], true) &&
      significant(index_of[transaction[1]], false)) {
    out.wrapped = true;
  } else {
    for (size_t c : transaction) out.refused.push_back(out.all[c]);
  }

  for (const auto& c : out.all) {
    if (c.kind == Kind::kSessionSet) out.session.push_back(c);
    bool wrapper = out.wrapped && IsTransaction(c.kind);
    bool pragma = out.foreign_keys_off && IsForeignKeyPragma(c.kind);
    if (wrapper || pragma) out.strip.push_back(c);
    if (!out.foreign_keys_off && (c.kind == Kind::kForeignKeysOff || c.kind == Kind::kForeignKeysOn)) {
      out.ignored_pragmas.push_back(c);
    }
  }
  return out;
}

std::string StripStatements(std::string_view script, const std::vector<ControlStatement>& strip) {
  std::string out(script);
  for (const auto& c : strip) {
    size_t end = c.offset + c.length;
    // The statement's own ';', when it follows (after blanks or comments
    // that the splitter did not count as part of the statement).
    for (size_t i = end; i < out.size(); ++i) {
      if (out[i] == ';') {
        end = i + 1;
        break;
      }
      if (!std::isspace(static_cast<unsigned char>(out[i]))) break;
    }
    for (size_t i = c.offset; i < end && i < out.size(); ++i) {
      if (out[i] != '\n') out[i] = ' ';
    }
  }
  return out;
}

}  // namespace strata::sql
