#include "driver/sqlite/sqlite_inspect.h"

#include <cctype>
#include <map>

#include "driver/sqlite/sqlite_ddl.h"
#include "util/strings.h"

namespace strata::driver {

namespace {

bool SameIdent(std::string_view a, std::string_view b) { return util::ToLower(a) == util::ToLower(b); }

const std::string& Text(const Value& v) {
  static const std::string kEmpty;
  return v ? *v : kEmpty;
}

bool Flag(const Value& v) { return v && *v != "0" && !v->empty(); }

struct Object {
  std::string type, name, table, sql;
};

Status ReadColumns(Connection& conn, schema::Table& table, const sqlite_ddl::ParsedTable& parsed) {
  auto rows = conn.Query(
      "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo($1) ORDER BY cid",
      {table.name});
  if (!rows.ok()) return rows.status();
  std::map<int, std::string> pk;  // position in the key -> column
  for (const auto& r : rows->rows) {
    schema::Column c;
    c.name = Text(r[0]);
    c.type = Text(r[1]);
    c.not_null = Flag(r[2]);
    c.default_expr = r[3];
    int hidden = std::atoi(Text(r[5]).c_str());
    c.hidden = hidden == 1;
    for (const auto& p : parsed.columns) {
      if (!SameIdent(p.name, c.name)) continue;
      c.collation = p.collation;
      // table_xinfo says a column is generated (hidden 2 virtual, 3 stored)
      // but not from what: that is only in the CREATE TABLE text.
      if (hidden == 2 || hidden == 3) {
        c.generated_expr = p.generated_expr.value_or("");
        c.generated_stored = hidden == 3;
      }
      if (p.autoincrement) {
        if (!table.primary_key) table.primary_key.emplace();
        table.primary_key->autoincrement = true;
      }
    }
    int pk_pos = std::atoi(Text(r[4]).c_str());
    if (pk_pos > 0) pk[pk_pos] = c.name;
    table.columns.push_back(std::move(c));
  }
  if (!pk.empty()) {
    if (!table.primary_key) table.primary_key.emplace();
    for (auto& [pos, name] : pk) table.primary_key->columns.push_back(name);
  } else {
    table.primary_key.reset();
  }
  return Status::Ok();
}

Status ReadUniques(Connection& conn, schema::Table& table) {
  auto list = conn.Query("SELECT name, origin FROM pragma_index_list($1) ORDER BY seq", {table.name});
  if (!list.ok()) return list.status();
  for (const auto& r : list->rows) {
    if (Text(r[1]) != "u") continue;  // "pk" is the primary key, "c" a CREATE INDEX
    auto cols = conn.Query("SELECT name FROM pragma_index_info($1) ORDER BY seqno", {Text(r[0])});
    if (!cols.ok()) return cols.status();
    schema::UniqueConstraint u;
    for (const auto& c : cols->rows) u.columns.push_back(Text(c[0]));
    table.uniques.push_back(std::move(u));
  }
  return Status::Ok();
}

Status ReadForeignKeys(Connection& conn, schema::Table& table, std::vector<sqlite_ddl::ParsedForeignKey> parsed) {
  auto rows = conn.Query(
      "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list($1) "
      "ORDER BY id, seq",
      {table.name});
  if (!rows.ok()) return rows.status();
  std::string last_id;
  for (const auto& r : rows->rows) {
    if (table.foreign_keys.empty() || Text(r[0]) != last_id) {
      last_id = Text(r[0]);
      schema::ForeignKey fk;
      fk.ref_table = Text(r[1]);
      fk.on_update = schema::ParseFkAction(Text(r[4]));
      fk.on_delete = schema::ParseFkAction(Text(r[5]));
      table.foreign_keys.push_back(std::move(fk));
    }
    schema::ForeignKey& fk = table.foreign_keys.back();
    fk.columns.push_back(Text(r[2]));
    if (r[3]) fk.ref_columns.push_back(*r[3]);  // NULL: the referenced primary key
  }
  // Names and DEFERRABLE are only in the text: match each key to the first
  // unused parsed clause with the same columns and referenced table.
  for (auto& fk : table.foreign_keys) {
    for (auto it = parsed.begin(); it != parsed.end(); ++it) {
      if (!SameIdent(it->ref_table, fk.ref_table) || it->columns.size() != fk.columns.size()) continue;
      bool same = true;
      for (size_t i = 0; i < fk.columns.size(); ++i) same = same && SameIdent(it->columns[i], fk.columns[i]);
      if (!same) continue;
      fk.name = it->name;
      fk.deferrable = it->deferrable;
      fk.initially_deferred = it->initially_deferred;
      parsed.erase(it);
      break;
    }
  }
  return Status::Ok();
}

Result<schema::Table> ReadTable(Connection& conn, const Object& o) {
  auto parsed = sqlite_ddl::ParseCreateTable(o.sql);
  if (!parsed.ok()) return Status(parsed.status()).With("table " + o.name);
  schema::Table table;
  table.name = o.name;
  table.without_rowid = parsed->without_rowid;
  table.strict = parsed->strict;
  for (auto& c : parsed->checks) table.checks.push_back({std::move(c.name), std::move(c.expr)});
  Status s = ReadColumns(conn, table, *parsed);
  if (s.ok()) s = ReadUniques(conn, table);
  if (s.ok()) s = ReadForeignKeys(conn, table, std::move(parsed->foreign_keys));
  if (!s.ok()) return s.With("inspect table " + o.name);
  return table;
}

Result<schema::Index> ReadIndex(Connection& conn, const Object& o) {
  auto parsed = sqlite_ddl::ParseCreateIndex(o.sql);
  if (!parsed.ok()) return Status(parsed.status()).With("index " + o.name);
  auto info = conn.Query("SELECT \"unique\" FROM pragma_index_list($1) WHERE name = $2", {o.table, o.name});
  if (!info.ok()) return info.status();
  auto cols = conn.Query(
      "SELECT cid, name, \"desc\", coll FROM pragma_index_xinfo($1) WHERE key = 1 ORDER BY seqno", {o.name});
  if (!cols.ok()) return cols.status();
  schema::Index index;
  index.name = o.name;
  index.table = o.table;
  index.unique = !info->rows.empty() && Flag(info->rows[0][0]);
  index.where = parsed->where;
  for (size_t i = 0; i < cols->rows.size(); ++i) {
    const Row& r = cols->rows[i];
    schema::IndexPart part;
    if (Text(r[0]) == "-2") {  // an expression: its text is only in the CREATE INDEX
      part.expr = i < parsed->parts.size() ? parsed->parts[i] : "";
    } else {
      part.column = Text(r[1]);
    }
    part.desc = Flag(r[2]);
    if (!SameIdent(Text(r[3]), "BINARY")) part.collation = Text(r[3]);
    index.parts.push_back(std::move(part));
  }
  return index;
}

}  // namespace

Result<schema::Schema> InspectSqlite(Connection& conn, const std::vector<std::string>& exclude_tables) {
  auto rows = conn.Query("SELECT type, name, tbl_name, sql FROM main.sqlite_schema ORDER BY name");
  if (!rows.ok()) return rows.status();
  auto skipped = [&](const std::string& table) {
    if (util::ToLower(table).rfind("sqlite_", 0) == 0) return true;
    for (const auto& e : exclude_tables) {
      if (SameIdent(e, table)) return true;
    }
    return false;
  };
  // Virtual tables (FTS5, R*Tree, ...) and the shadow tables that store
  // their data are not modelled yet: recreating the shadow tables as plain
  // tables would be wrong, so both are left out.
  auto special = conn.Query("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('virtual', 'shadow')");
  if (!special.ok()) return special.status();
  std::vector<std::string> virtual_tables;
  for (const auto& r : special->rows) virtual_tables.push_back(Text(r[0]));
  auto is_virtual = [&](const std::string& table) {
    for (const auto& v : virtual_tables) {
      if (SameIdent(v, table)) return true;
    }
    return false;
  };
  std::vector<Object> objects;
  for (const auto& r : rows->rows) {
    Object o{Text(r[0]), Text(r[1]), Text(r[2]), Text(r[3])};
    // Autoindexes have no SQL; they come back as keys and unique constraints.
    if (o.sql.empty() || skipped(o.name) || skipped(o.table) || is_virtual(o.table)) continue;
    objects.push_back(std::move(o));
  }
  schema::Schema out;
  for (const auto& o : objects) {
    if (o.type == "table") {
      auto t = ReadTable(conn, o);
      if (!t.ok()) return t.status();
      out.tables.push_back(std::move(*t));
    } else if (o.type == "index") {
      auto i = ReadIndex(conn, o);
      if (!i.ok()) return i.status();
      out.indexes.push_back(std::move(*i));
    } else if (o.type == "view") {
      out.views.push_back({"", o.name, sqlite_ddl::Normalize(o.sql)});
    } else if (o.type == "trigger") {
      out.triggers.push_back({"", o.name, o.table, sqlite_ddl::Normalize(o.sql)});
    }
  }
  schema::Canonicalize(out);
  return out;
}

}  // namespace strata::driver
