#include "sql/parsed_migration.h"

namespace strata::sql {

ParsedMigration ParseMigration(std::string_view sql, Dialect dialect) {
  ParsedMigration out;
  auto whole = ParsedScript::Parse(sql);
  if (whole.ok()) {
    out.statements = (*whole)->statements();
    out.scripts.push_back(std::move(*whole));
    return out;
  }
  out.error = whole.status();
  auto split = Split(sql, dialect);
  if (!split.ok()) return out;
  for (const Statement& s : *split) {
    auto one = ParsedScript::Parse(s.text);
    if (!one.ok()) continue;
    for (ParsedStatement ps : (*one)->statements()) {
      ps.offset += s.offset;
      out.statements.push_back(ps);
    }
    out.scripts.push_back(std::move(*one));
  }
  return out;
}

}  // namespace strata::sql
