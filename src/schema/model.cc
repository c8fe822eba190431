#include "schema/model.h"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace strata::schema {

namespace {

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

template <class T>
void SortByName(std::vector<T>& items) {
  std::stable_sort(items.begin(), items.end(), [](const T& a, const T& b) {
    return std::tie(a.schema, a.name) < std::tie(b.schema, b.name);
  });
}

}  // namespace

std::string_view ToString(FkAction action) {
  switch (action) {
    case FkAction::kNoAction: return "NO ACTION";
    case FkAction::kRestrict: return "RESTRICT";
    case FkAction::kCascade: return "CASCADE";
    case FkAction::kSetNull: return "SET NULL";
    case FkAction::kSetDefault: return "SET DEFAULT";
  }
  return "NO ACTION";
}

FkAction ParseFkAction(std::string_view text) {
  std::string u = Upper(text);
  if (u == "RESTRICT") return FkAction::kRestrict;
  if (u == "CASCADE") return FkAction::kCascade;
  if (u == "SET NULL") return FkAction::kSetNull;
  if (u == "SET DEFAULT") return FkAction::kSetDefault;
  return FkAction::kNoAction;
}

const Column* Table::FindColumn(std::string_view column) const {
  for (const auto& c : columns) {
    if (c.name == column) return &c;
  }
  return nullptr;
}

const Table* Schema::FindTable(std::string_view name) const {
  for (const auto& t : tables) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

void Canonicalize(Schema& s) {
  std::sort(s.schemas.begin(), s.schemas.end());
  SortByName(s.enums);
  SortByName(s.sequences);
  SortByName(s.tables);
  SortByName(s.indexes);
  SortByName(s.views);
  SortByName(s.triggers);
  SortByName(s.domains);
  SortByName(s.collations);
  SortByName(s.composites);
  std::stable_sort(s.policies.begin(), s.policies.end(), [](const auto& a, const auto& b) {
    return std::tie(a.schema, a.table, a.name) < std::tie(b.schema, b.table, b.name);
  });
  for (auto& p : s.policies) std::sort(p.roles.begin(), p.roles.end());
  std::sort(s.extensions.begin(), s.extensions.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  std::stable_sort(s.routines.begin(), s.routines.end(), [](const auto& a, const auto& b) {
    return std::tie(a.schema, a.name, a.arguments) < std::tie(b.schema, b.name, b.arguments);
  });
  std::sort(s.comments.begin(), s.comments.end(),
            [](const auto& a, const auto& b) { return std::tie(a.object, a.text) < std::tie(b.object, b.text); });
  for (auto& d : s.domains) {
    std::stable_sort(d.checks.begin(), d.checks.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  }
  for (auto& t : s.tables) {
    // Engines report these in an order of their own (SQLite: reverse
    // declaration order), which must not count as a difference.
    std::stable_sort(t.uniques.begin(), t.uniques.end(), [](const auto& a, const auto& b) {
      return std::tie(a.columns, a.name) < std::tie(b.columns, b.name);
    });
    std::stable_sort(t.exclusions.begin(), t.exclusions.end(),
                     [](const auto& a, const auto& b) { return a.name < b.name; });
    std::stable_sort(t.foreign_keys.begin(), t.foreign_keys.end(), [](const auto& a, const auto& b) {
      return std::tie(a.columns, a.ref_schema, a.ref_table, a.ref_columns, a.name) <
             std::tie(b.columns, b.ref_schema, b.ref_table, b.ref_columns, b.name);
    });
  }
}


std::string QuoteIdent(std::string_view ident) {
  std::string out = "\"";
  for (char c : ident) {
    out += c;
    if (c == '"') out += '"';
  }
  out += '"';
  return out;
}

std::string QuoteIdentList(const std::vector<std::string>& idents) {
  std::string out;
  for (const auto& i : idents) {
    if (!out.empty()) out += ", ";
    out += QuoteIdent(i);
  }
  return out;
}

std::string QuoteQualified(std::string_view schema, std::string_view name) {
  return schema.empty() ? QuoteIdent(name) : QuoteIdent(schema) + "." + QuoteIdent(name);
}

std::string QuoteLiteral(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

}  // namespace strata::schema
