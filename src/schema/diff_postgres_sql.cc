// The helpers and statement builders of DiffPostgres (see
// diff_postgres_internal.h): quoting, names, reading SQL text by identifier,
// type questions, and the DDL the diff writes itself.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "schema/diff_postgres_internal.h"
#include "schema/render_postgres.h"
#include "util/strings.h"

namespace strata::schema::detail {

namespace {

bool IdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }

// An identifier PostgreSQL prints without quotes (keywords aside).
bool Bare(const std::string& ident) {
  if (ident.empty() || std::isdigit(static_cast<unsigned char>(ident[0]))) return false;
  return std::all_of(ident.begin(), ident.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_';
  });
}

}  // namespace

std::string Q(std::string_view ident) { return QuoteIdent(ident); }

std::string Join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

// The name people read in summaries: "users", or "billing.invoices" outside
// public (the spelling of Rename and `strata inspect`).
std::string Show(const std::string& schema, const std::string& name) {
  return schema.empty() || schema == "public" ? name : schema + "." + name;
}

std::string Id(const std::string& schema, const std::string& name) { return schema + "." + name; }

const Routine* FindRoutine(const std::vector<Routine>& items, const Routine& r) {
  for (const auto& i : items) {
    if (i.schema == r.schema && i.name == r.name && i.arguments == r.arguments) return &i;
  }
  return nullptr;
}

const Trigger* FindTrigger(const std::vector<Trigger>& items, const Trigger& tr) {
  for (const auto& i : items) {
    if (i.schema == tr.schema && i.table == tr.table && i.name == tr.name) return &i;
  }
  return nullptr;
}

bool Contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

// Whether `sql` names `name` as an identifier, quoted or bare (bare matched
// ignoring case, as PostgreSQL folds it).
bool Mentions(std::string_view sql, const std::string& name) {
  if (name.empty()) return false;
  if (sql.find(Q(name)) != std::string_view::npos) return true;
  std::string text = util::ToLower(sql), word = util::ToLower(name);
  for (size_t pos = text.find(word); pos != std::string::npos; pos = text.find(word, pos + 1)) {
    size_t end = pos + word.size();
    if ((pos == 0 || !IdentChar(text[pos - 1])) && (end >= text.size() || !IdentChar(text[end]))) return true;
  }
  return false;
}

// `sql` with the identifier `from` (bare or quoted, outside string literals)
// spelled `to`: what PostgreSQL prints for an index, check or trigger after a
// rename. A miss only makes the object look changed (dropped and created).
std::string RewriteIdent(const std::string& sql, const std::string& from, const std::string& to) {
  std::string out, spelled = Bare(to) ? to : Q(to);
  for (size_t i = 0; i < sql.size();) {
    char c = sql[i];
    if (c == '\'') {
      size_t end = i + 1;
      while (end < sql.size() && !(sql[end] == '\'' && (end + 1 >= sql.size() || sql[end + 1] != '\'')))
        end += sql[end] == '\'' ? 2 : 1;
      out += sql.substr(i, end + 1 - i);
      i = end + 1;
    } else if (c == '"') {
      size_t end = i + 1;
      while (end < sql.size() && !(sql[end] == '"' && (end + 1 >= sql.size() || sql[end + 1] != '"')))
        end += sql[end] == '"' ? 2 : 1;
      std::string token = sql.substr(i, end + 1 - i);
      out += token == Q(from) ? spelled : token;
      i = end + 1;
    } else if (IdentChar(c) && (i == 0 || !IdentChar(sql[i - 1]))) {
      size_t end = i;
      while (end < sql.size() && IdentChar(sql[end])) ++end;
      std::string token = sql.substr(i, end - i);
      out += Bare(from) && token == from ? spelled : token;
      i = end;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

bool MentionsAny(std::string_view sql, const std::set<std::string>& names) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return Mentions(sql, n); });
}

// serial/bigserial/smallserial are integer types plus an owned sequence.
std::string BaseType(const std::string& type) {
  if (type == "serial") return "integer";
  if (type == "bigserial") return "bigint";
  if (type == "smallserial") return "smallint";
  return type;
}
bool IsSerial(const std::string& type) { return BaseType(type) != type; }

// Whether every value of `from` converts to `to` without failing or losing
// information; anything not known to widen counts as destructive.
bool Widens(const std::string& from, const std::string& to) {
  if (from == to || to == "text") return true;
  static const std::vector<std::string> kInts = {"smallint", "integer", "bigint", "numeric"};
  auto rank = [&](const std::string& t) { return std::find(kInts.begin(), kInts.end(), t) - kInts.begin(); };
  if (rank(from) < rank(to) && rank(to) < static_cast<long>(kInts.size())) return true;
  if (from == "real" && to == "double precision") return true;
  if (from == "timestamp without time zone" && to == "timestamp with time zone") return true;
  auto length = [](const std::string& t, const std::string& prefix) -> long {
    if (t.rfind(prefix + "(", 0) != 0 || t.back() != ')') return -1;
    return std::atol(t.c_str() + prefix.size() + 1);
  };
  long varchar_from = length(from, "character varying"), varchar_to = length(to, "character varying");
  if (varchar_from >= 0 && (to == "character varying" || varchar_to >= varchar_from)) return true;
  if (from.rfind("numeric(", 0) == 0 && to == "numeric") return true;
  return false;
}

// A column type that names `schema.name` (or its array), quotes ignored.
bool TypeIs(const std::string& column_type, const std::string& schema, const std::string& name, bool* array) {
  std::string t;
  for (char c : column_type) {
    if (c != '"') t += c;
  }
  *array = false;
  while (t.size() > 2 && t.compare(t.size() - 2, 2, "[]") == 0) {
    t.resize(t.size() - 2);
    *array = true;
  }
  return t == name || t == schema + "." + name;
}

// The line after RETURNS in pg_get_functiondef (CREATE OR REPLACE cannot change it).
std::string ReturnsClause(const std::string& definition) {
  size_t pos = definition.find(" RETURNS ");
  if (pos == std::string::npos) return "";
  size_t end = definition.find('\n', pos);
  return definition.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
}

// Whether `values` keeps every value of `old` in the same order (so that
// ALTER TYPE ... ADD VALUE can make it).
bool Extends(const std::vector<std::string>& old, const std::vector<std::string>& values) {
  size_t i = 0;
  for (const auto& v : values) {
    if (i < old.size() && v == old[i]) ++i;
  }
  return i == old.size() && old.size() < values.size();
}

const std::string& RefSchema(const Table& t, const ForeignKey& fk) {
  return fk.ref_schema.empty() ? t.schema : fk.ref_schema;
}

const std::string& ParentSchema(const Table& t) {
  return t.partition_of_schema.empty() ? t.schema : t.partition_of_schema;
}

bool SamePartition(const Table& from, const Table& to) {
  return to.partition_of == from.partition_of && to.partition_of_schema == from.partition_of_schema &&
         to.partition_bound == from.partition_bound;
}

std::string RoutineShow(const Routine& r) {
  return std::string(r.procedure ? "procedure " : "function ") + Show(r.schema, r.name) + "(" + r.arguments + ")";
}

std::string Named(const std::string& name) { return name.empty() ? "" : "CONSTRAINT " + Q(name) + " "; }

std::string ParentOf(const Table& t) { return QuoteQualified(ParentSchema(t), t.partition_of); }

// CREATE TABLE as the canonical renderer writes it (constraints inline, a
// partition's own column options, PARTITION OF / BY), without its ";\n".
std::string CreateTable(const Table& t) {
  std::string out = RenderPostgresTable(t);
  while (!out.empty() && (out.back() == '\n' || out.back() == ';')) out.pop_back();
  return out;
}

std::string CheckClause(const CheckConstraint& c) { return PostgresCheckDef(c); }

std::string CreateEnum(const EnumType& e) {
  std::vector<std::string> values;
  for (const auto& v : e.values) values.push_back(QuoteLiteral(v));
  return "CREATE TYPE " + QuoteQualified(e.schema, e.name) + " AS ENUM (" + Join(values, ", ") + ")";
}

std::string RoutineRef(const Routine& r) {
  return std::string(r.procedure ? "PROCEDURE " : "FUNCTION ") + QuoteQualified(r.schema, r.name) + "(" + r.arguments + ")";
}

// Views ordered so that each comes after the views it reads.
std::vector<const View*> InDependencyOrder(const std::vector<View>& views) {
  std::map<std::string, const View*> by_id;
  for (const auto& v : views) by_id[Id(v)] = &v;
  std::vector<const View*> out;
  std::set<const View*> done;
  std::function<void(const View*)> visit = [&](const View* v) {
    if (!done.insert(v).second) return;
    for (const auto& dep : v->depends_on) {
      auto it = by_id.find(dep);
      if (it != by_id.end()) visit(it->second);
    }
    out.push_back(v);
  };
  for (const auto& v : views) visit(&v);
  return out;
}

int PartitionDepth(const std::vector<Table>& tables, const Table& t) {
  std::function<int(const Table&, int)> depth = [&](const Table& x, int guard) {
    int d = 0;
    if (guard > 64) return d;
    auto parent = [&](const std::string& schema, const std::string& name) {
      const Table* p = FindIn(tables, schema, name);
      d = std::max(d, 1 + (p != nullptr ? depth(*p, guard + 1) : 0));
    };
    if (!x.partition_of.empty()) parent(ParentSchema(x), x.partition_of);
    for (const auto& r : x.inherits) parent(r.schema, r.name);
    return d;
  };
  return depth(t, 0);
}

}  // namespace strata::schema::detail
