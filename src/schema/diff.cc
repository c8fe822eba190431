#include "schema/diff.h"

#include <algorithm>

#include "util/strings.h"

namespace strata::schema {

namespace {

// The spelling Rename uses for a table: "name", or "schema.name" outside public.
std::string TableKey(const Table& t) {
  return t.schema.empty() || t.schema == "public" ? t.name : t.schema + "." + t.name;
}

bool SameShape(const Table& a, const Table& b) {
  if (a.columns.size() != b.columns.size()) return false;
  for (size_t i = 0; i < a.columns.size(); ++i) {
    if (a.columns[i].name != b.columns[i].name || a.columns[i].type != b.columns[i].type) return false;
  }
  return true;
}

const Table* FindByKey(const Schema& s, const std::string& key) {
  for (const auto& t : s.tables) {
    if (TableKey(t) == key) return &t;
  }
  return nullptr;
}

bool Hinted(const DiffOptions& options, const Rename& r) {
  return std::find(options.renames.begin(), options.renames.end(), r) != options.renames.end();
}

}  // namespace

bool ParseRename(const std::string& text, Rename* out) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) return false;
  std::string left = text.substr(0, eq);
  Rename r;
  r.to = text.substr(eq + 1);
  // "schema.table.column=new" and "table.column=new" are column renames;
  // "table=new" and "schema.table=new" with a table on the left are table
  // renames. A single dot is ambiguous; it is a column rename unless the new
  // name also has a dot (schema.old=schema.new).
  size_t last_dot = left.rfind('.');
  bool column = last_dot != std::string::npos && r.to.find('.') == std::string::npos;
  if (column) {
    r.table = left.substr(0, last_dot);
    r.from = left.substr(last_dot + 1);
  } else {
    r.from = left;
  }
  if ((column && (r.table.empty() || r.from.empty()))) return false;
  *out = std::move(r);
  return true;
}

std::string ToString(const Rename& rename) {
  return (rename.table.empty() ? "" : rename.table + ".") + rename.from + "=" + rename.to;
}

std::vector<Rename> FindRenameCandidates(const Schema& from, const Schema& to, const DiffOptions& options) {
  std::vector<Rename> out;
  // Tables renamed by a hint are compared under their new name below.
  auto renamed_to = [&](const std::string& key) -> std::string {
    for (const auto& r : options.renames) {
      if (r.table.empty() && r.from == key) return r.to;
    }
    return key;
  };
  auto renamed_from = [&](const std::string& key) -> bool {
    for (const auto& r : options.renames) {
      if (r.table.empty() && r.to == key) return true;
    }
    return false;
  };
  std::vector<const Table*> dropped, added;
  for (const auto& t : from.tables) {
    std::string key = TableKey(t);
    if (renamed_to(key) == key && FindByKey(to, key) == nullptr) dropped.push_back(&t);
  }
  for (const auto& t : to.tables) {
    std::string key = TableKey(t);
    if (!renamed_from(key) && FindByKey(from, key) == nullptr) added.push_back(&t);
  }
  for (const Table* d : dropped) {
    for (const Table* a : added) {
      if (d->schema == a->schema && SameShape(*d, *a)) {
        Rename r{"", TableKey(*d), TableKey(*a)};
        if (!Hinted(options, r)) out.push_back(std::move(r));
      }
    }
  }
  for (const auto& old_table : from.tables) {
    std::string key = renamed_to(TableKey(old_table));
    const Table* new_table = FindByKey(to, key);
    if (new_table == nullptr) continue;
    auto hinted_column = [&](const std::string& name, bool as_from) {
      for (const auto& r : options.renames) {
        if (r.table.empty()) continue;
        if (r.table != key && r.table != TableKey(old_table)) continue;
        if ((as_from ? r.from : r.to) == name) return true;
      }
      return false;
    };
    for (const auto& c : old_table.columns) {
      if (new_table->FindColumn(c.name) != nullptr || hinted_column(c.name, true)) continue;
      for (const auto& n : new_table->columns) {
        if (old_table.FindColumn(n.name) != nullptr || hinted_column(n.name, false)) continue;
        if (n.type == c.type) out.push_back({key, c.name, n.name});
      }
    }
  }
  return out;
}

Diff DiffSchemas(const Schema& from, const Schema& to, Dialect dialect, const DiffOptions& options) {
  Diff diff = dialect == Dialect::kSqlite ? DiffSqlite(from, to, options) : DiffPostgres(from, to, options);
  diff.rename_candidates = FindRenameCandidates(from, to, options);
  return diff;
}

std::string RenderStatements(const Diff& diff) {
  std::string out;
  // First line, so that `strata diff ... > migrations/V_x.up.sql` is a safe
  // migration: without it the rebuild's DROP TABLE runs with foreign keys on
  // and deletes (ON DELETE CASCADE) or nulls the rows that reference it.
  if (diff.foreign_keys_off) out += "-- strata:foreign-keys-off\n";
  for (const auto& change : diff.changes) {
    for (const auto& statement : change.statements) out += statement + ";\n";
  }
  return out;
}

std::string RenderComments(const Diff& diff) {
  std::string out;
  for (const auto& item : diff.not_compared) out += util::SqlComment("strata: not compared: " + item) + "\n";
  for (const auto& note : diff.notes) out += util::SqlComment("strata: note: " + note) + "\n";
  return out;
}

std::string RenderMigration(const Diff& diff) {
  if (diff.empty()) return "";
  std::string out;
  if (diff.foreign_keys_off) {
    out += "-- strata:foreign-keys-off\n";
    out += "-- (a table is rebuilt or a referenced table dropped: strata turns foreign keys\n";
    out += "-- off around this migration's transaction and runs PRAGMA foreign_key_check\n";
    out += "-- before it commits)\n";
  }
  out += RenderComments(diff);
  for (const auto& change : diff.changes) {
    if (!out.empty()) out += "\n";
    out += util::SqlComment(change.summary) + "\n";
    if (change.destructive) out += util::SqlComment("DESTRUCTIVE: " + change.destructive_reason) + "\n";
    for (const auto& statement : change.statements) out += statement + ";\n";
  }
  return out;
}

}  // namespace strata::schema
