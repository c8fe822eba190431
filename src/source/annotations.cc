// ParseAnnotations: the `-- strata:...` comments at the top of a migration.
#include <string_view>

#include "source/migration.h"
#include "util/strings.h"

namespace strata::source {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

// Adds the rule ids of "a,b c" to *allow, skipping repeats.
void AddRuleIds(std::string_view args, std::vector<std::string>* allow) {
  size_t i = 0;
  while (i < args.size()) {
    while (i < args.size() && (args[i] == ',' || IsBlank(args[i]))) ++i;
    size_t start = i;
    while (i < args.size() && args[i] != ',' && !IsBlank(args[i])) ++i;
    if (i == start) break;
    std::string id(args.substr(start, i - start));
    bool seen = false;
    for (const std::string& a : *allow) seen = seen || a == id;
    if (!seen) allow->push_back(std::move(id));
  }
}

}  // namespace

Result<Annotations> ParseAnnotations(std::string_view sql, const std::string& file) {
  Annotations out;
  if (util::StartsWith(sql, "\xEF\xBB\xBF")) sql.remove_prefix(3);  // UTF-8 BOM from some editors
  int line_no = 0;
  size_t pos = 0;
  while (pos < sql.size()) {
    ++line_no;
    size_t nl = sql.find('\n', pos);
    std::string_view line = sql.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? sql.size() : nl + 1;

    line = TrimBlanks(line);
    if (line.empty()) continue;
    // Only the leading comment block counts: an annotation-looking comment in
    // the middle of the SQL is prose, not an instruction.
    if (!util::StartsWith(line, "--")) break;
    std::string_view body = TrimBlanks(line.substr(2));
    if (!util::StartsWith(body, "strata:")) continue;

    std::string_view rest = TrimBlanks(body.substr(7));
    size_t end = 0;
    while (end < rest.size() && !IsBlank(rest[end])) ++end;
    std::string_view directive = rest.substr(0, end);
    std::string_view args = TrimBlanks(rest.substr(end));

    if (directive == "no-transaction") {
      // Strict on purpose: "no-transaction, allow x" is a typo for two lines,
      // and accepting it would drop the allow silently.
      if (!args.empty()) {
        return Status::Validation("annotation 'strata:no-transaction' takes no arguments, got '" +
                                  std::string(args) + "'")
            .At(file, line_no);
      }
      out.no_transaction = true;
    } else if (directive == "foreign-keys-off") {
      if (!args.empty()) {
        return Status::Validation("annotation 'strata:foreign-keys-off' takes no arguments, got '" +
                                  std::string(args) + "'")
            .At(file, line_no);
      }
      out.foreign_keys_off = true;
    } else if (directive == "allow") {
      if (args.find_first_not_of(", \t") == std::string_view::npos) {
        return Status::Validation("annotation 'strata:allow' needs at least one rule id")
            .At(file, line_no)
            .WithHint("write -- strata:allow rule-id[,rule-id...]");
      }
      AddRuleIds(args, &out.allow);
    } else {
      // A typo here would otherwise silently run a CONCURRENTLY index inside a
      // transaction, or lint a file the author meant to exempt.
      return Status::Validation("unknown annotation 'strata:" + std::string(directive) +
                                "' (known: no-transaction, foreign-keys-off, allow)")
          .At(file, line_no);
    }
  }
  return out;
}

}  // namespace strata::source
