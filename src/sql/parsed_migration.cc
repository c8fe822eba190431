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
