// DiffPostgres: collations, composite types, row-level security policies,
// table settings (persistence, row security, storage parameters, replica
// identity, CLUSTER ON), inheritance, trigger states, and the sequences of
// serial and identity columns (see diff_postgres.cc for where each step runs).
#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "schema/diff_postgres_internal.h"

namespace strata::schema::detail {

namespace {

// How regclass prints a sequence for `nextval('...'::regclass)` with
// search_path = public (as inspection reads defaults): the name alone in
// public, schema-qualified elsewhere, each part quoted unless plain.
std::string RegclassText(const std::string& schema, const std::string& name) {
  auto part = [](const std::string& ident) {
    bool plain = !ident.empty() && !std::isdigit(static_cast<unsigned char>(ident[0])) &&
                 std::all_of(ident.begin(), ident.end(), [](char c) {
                   return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
                          c == '_';
                 });
    return plain ? ident : Q(ident);
  };
  return schema == "public" ? part(name) : part(schema) + "." + part(name);
}

std::string NextvalOf(const std::string& schema, const std::string& name) {
  return "nextval(" + QuoteLiteral(RegclassText(schema, name)) + "::regclass)";
}

}  // namespace

Column Unflagged(Column c) {
  c.inherited = false;
  return c;
}

std::map<std::string, std::string> OptionMap(const std::vector<std::string>& options) {
  std::map<std::string, std::string> out;
  for (const auto& o : options) {
    size_t eq = o.find('=');
    out[o.substr(0, eq)] = eq == std::string::npos ? "" : o.substr(eq + 1);
  }
  return out;
}

std::map<std::string, std::string> IdentityOptionMap(const std::string& text) {
  static const char* kKeys[] = {"SEQUENCE NAME", "START WITH", "INCREMENT BY", "MINVALUE", "MAXVALUE", "CACHE", "CYCLE"};
  std::map<std::string, std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    const char* key = nullptr;
    for (const char* k : kKeys) {
      if (text.compare(pos, std::strlen(k), k) == 0) key = k;
    }
    if (key == nullptr) break;
    pos += std::strlen(key);
    size_t next = text.size();
    for (const char* k : kKeys) {
      size_t at = text.find(std::string(" ") + k, pos);
      if (at != std::string::npos) next = std::min(next, at);
    }
    std::string value = text.substr(pos, next - pos);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    out[key] = value;
    pos = next + (next < text.size() ? 1 : 0);
  }
  return out;
}


void PgDiff::Note(std::string text) { diff_.notes.push_back(std::move(text)); }

// ---- serial columns --------------------------------------------------------

void PgDiff::ExpandSerials(Schema& s) {
  for (auto& t : s.tables) {
    for (auto& c : t.columns) {
      if (!IsSerial(c.type)) continue;
      Sequence seq;
      seq.schema = t.schema;
      seq.name = PostgresSerialSequenceName(t.name, c.name);
      seq.type = BaseType(c.type);
      seq.owned_by = QuoteQualified(t.schema, t.name) + "." + Q(c.name);
      c.type = seq.type;
      c.default_expr = NextvalOf(seq.schema, seq.name);
      s.sequences.push_back(std::move(seq));
    }
  }
  std::stable_sort(s.sequences.begin(), s.sequences.end(),
                   [](const Sequence& x, const Sequence& y) { return std::tie(x.schema, x.name) < std::tie(y.schema, y.name); });
}

// A sequence that a kept column owns under another name in `to` (serial's
// sequence of a renamed table or column) is renamed, keeping its value; so is
// an identity column's sequence that had its default name for the old names.
void PgDiff::PlanSequenceRenames() {
  for (auto& s : a_.sequences) {
    if (!s.owned_by || FindIn(b_.sequences, s.schema, s.name) != nullptr) continue;
    for (const auto& n : b_.sequences) {
      if (n.schema != s.schema || n.owned_by != s.owned_by || FindIn(a_.sequences, n.schema, n.name) != nullptr) continue;
      std::string old_default = NextvalOf(s.schema, s.name), new_default = NextvalOf(n.schema, n.name);
      sequence_renames_.push_back({Id(s), n.name});
      for (auto& t : a_.tables) {
        for (auto& c : t.columns) {
          if (c.default_expr == old_default) c.default_expr = new_default;
        }
      }
      s.name = n.name;
      break;
    }
  }
  // Identity sequences named after the table and column as they were.
  for (const auto& t : a_.tables) {
    std::string old_table = OriginalName(t);
    const Table* n = FindIn(b_.tables, t.schema, t.name);
    if (n == nullptr) continue;
    for (const auto& c : t.columns) {
      std::string old_column = c.name;
      for (const auto& r : column_renames_) {
        if (r.schema == t.schema && r.table == t.name && r.to == c.name) old_column = r.from;
      }
      const Column* nc = n->FindColumn(c.name);
      if (c.identity == Identity::kNone || nc == nullptr || nc->identity == Identity::kNone ||
          !c.identity_options.empty() || !nc->identity_options.empty()) {
        continue;
      }
      std::string from = PostgresSerialSequenceName(old_table, old_column);
      std::string to = PostgresSerialSequenceName(t.name, c.name);
      if (from != to) sequence_renames_.push_back({Id(t.schema, from), to});
    }
  }
}

std::string PgDiff::SequenceStartAfterRows(const Sequence& s) const {
  static const std::set<std::string> kIntegers = {"smallint", "integer", "bigint"};
  std::string nextval = NextvalOf(s.schema, s.name);
  for (const auto& n : b_.tables) {
    const Table* t = Fresh(Id(n)) ? nullptr : FindTableA(Id(n));
    if (t == nullptr) continue;
    for (const auto& c : n.columns) {
      const Column* old = t->FindColumn(c.name);
      // A column added now is filled from the sequence by ADD COLUMN itself.
      if (c.default_expr != nextval || old == nullptr || old->default_expr == nextval || !kIntegers.count(c.type)) {
        continue;
      }
      return "SELECT setval(" + QuoteLiteral(QuoteQualified(s.schema, s.name)) + ", coalesce(max(" + Q(c.name) +
             "), 0) + 1, false) FROM " + QuoteQualified(n.schema, n.name);
    }
  }
  return "";
}

void PgDiff::EmitSequenceRenames() {
  for (const auto& [id, to] : sequence_renames_) {
    Emit("rename sequence " + id + " -> " + to, {"ALTER SEQUENCE " + QualId(id) + " RENAME TO " + Q(to)});
  }
}

// ---- collations and composite types ----------------------------------------

void PgDiff::EmitCollations() {
  for (const auto& c : b_.collations) {
    const Collation* old = FindIn(a_.collations, c.schema, c.name);
    std::string show = Show(c.schema, c.name);
    if (old == nullptr) {
      Emit("create collation " + show, {PostgresCreateCollation(c)});
    } else if (!(*old == c)) {
      // CREATE COLLATION has no OR REPLACE and ALTER COLLATION cannot change
      // a definition; a collation still in use makes the DROP fail.
      recreated_collations_.insert(Id(c));
      Emit("recreate collation " + show, {"DROP COLLATION " + QuoteQualified(c.schema, c.name), PostgresCreateCollation(c)});
    }
  }
}

void PgDiff::EmitComposites() {
  for (const auto& c : b_.composites) {
    const CompositeType* old = FindIn(a_.composites, c.schema, c.name);
    std::string show = Show(c.schema, c.name), name = QuoteQualified(c.schema, c.name);
    if (old == nullptr) {
      Emit("create type " + show, {PostgresCreateComposite(c)});
      continue;
    }
    if (*old == c) continue;
    // ALTER TYPE can drop, retype and append attributes; another order
    // needs the type made again.
    std::vector<std::string> kept_order, old_order;
    for (const auto& a : old->attributes) {
      if (FindByName(c.attributes, a.name) != nullptr) old_order.push_back(a.name);
    }
    for (const auto& a : c.attributes) {
      if (FindByName(old->attributes, a.name) != nullptr) kept_order.push_back(a.name);
    }
    bool appended = kept_order == old_order;
    for (size_t i = 0; appended && i < c.attributes.size(); ++i) {
      bool existed = FindByName(old->attributes, c.attributes[i].name) != nullptr;
      if (existed && i >= kept_order.size()) appended = false;
    }
    if (!appended) {
      recreated_composites_.insert(Id(c));
      Emit("recreate type " + show + " (its attributes change order)", {"DROP TYPE " + name, PostgresCreateComposite(c)},
           "recreates type " + show + ": fails while a column uses it");
      continue;
    }
    std::vector<std::string> statements;
    for (const auto& a : old->attributes) {
      const Column* m = FindByName(c.attributes, a.name);
      if (m == nullptr) {
        statements.push_back("ALTER TYPE " + name + " DROP ATTRIBUTE " + Q(a.name));
      } else if (!(*m == a)) {
        statements.push_back("ALTER TYPE " + name + " ALTER ATTRIBUTE " + Q(a.name) + " TYPE " + m->type +
                             PostgresCollate(m->collation_schema, m->collation));
      }
    }
    for (const auto& a : c.attributes) {
      if (FindByName(old->attributes, a.name) == nullptr) {
        statements.push_back("ALTER TYPE " + name + " ADD ATTRIBUTE " + PostgresCompositeAttribute(a));
      }
    }
    Emit("alter type " + show, std::move(statements));
  }
}

void PgDiff::EmitDropCollationsAndComposites() {
  for (const auto& c : a_.composites) {
    if (FindIn(b_.composites, c.schema, c.name) == nullptr) {
      Emit("drop type " + Show(c.schema, c.name), {"DROP TYPE " + QuoteQualified(c.schema, c.name)},
           "drops type " + Show(c.schema, c.name));
    }
  }
  for (const auto& c : a_.collations) {
    if (FindIn(b_.collations, c.schema, c.name) == nullptr) {
      Emit("drop collation " + Show(c.schema, c.name), {"DROP COLLATION " + QuoteQualified(c.schema, c.name)});
    }
  }
}

// ---- policies --------------------------------------------------------------

// A policy that changes, or whose expressions name a column that goes or
// changes type (PostgreSQL refuses both under a policy) or a routine that is
// dropped or recreated, is dropped first and created again at the end.
void PgDiff::PlanObjects() {
  for (const auto& p : a_.policies) {
    std::string table_id = Id(p.schema, p.table);
    if (Gone(table_id)) continue;  // goes with its table
    const Policy* n = nullptr;
    for (const auto& m : b_.policies) {
      if (m.schema == p.schema && m.table == p.table && m.name == p.name) n = &m;
    }
    std::string exprs = p.using_expr + " " + p.check_expr;
    std::set<std::string> changed;
    const Table* ta = FindTableA(table_id);
    const Table* tb = FindTableB(table_id);
    if (ta != nullptr && tb != nullptr) {
      for (const auto& c : ta->columns) {
        const Column* nc = tb->FindColumn(c.name);
        if (nc == nullptr || BaseType(c.type) != BaseType(nc->type) || c.collation != nc->collation) changed.insert(c.name);
      }
    }
    if (n == nullptr || !(*n == p) || MentionsAny(exprs, changed) || MentionsAny(exprs, affected_names_)) {
      dropped_policies_.insert(&p);
    }
  }
}

void PgDiff::EmitDropPolicies() {
  for (const auto& p : a_.policies) {
    if (!dropped_policies_.count(&p)) continue;
    Emit("drop policy " + p.name + " on " + Show(p.schema, p.table),
         {"DROP POLICY " + Q(p.name) + " ON " + QuoteQualified(p.schema, p.table)});
  }
}

void PgDiff::EmitCreatePolicies() {
  for (const auto& p : b_.policies) {
    const Policy* old = nullptr;
    for (const auto& m : a_.policies) {
      if (m.schema == p.schema && m.table == p.table && m.name == p.name) old = &m;
    }
    if (old != nullptr && !dropped_policies_.count(old) && !Fresh(Id(p.schema, p.table))) continue;
    Emit("create policy " + p.name + " on " + Show(p.schema, p.table), {PostgresCreatePolicy(p)});
  }
}

// ---- table settings, inheritance, trigger states ---------------------------

void PgDiff::EmitTableSettings() {
  for (const auto& t : a_.tables) {
    if (Gone(Id(t))) continue;
    const Table& n = *FindIn(b_.tables, t.schema, t.name);
    std::string table = "ALTER TABLE " + QuoteQualified(t.schema, t.name), show = Show(t.schema, t.name);
    std::vector<std::string> st;
    std::vector<std::string> what;
    if (t.unlogged != n.unlogged) {
      st.push_back(table + (n.unlogged ? " SET UNLOGGED" : " SET LOGGED"));
      what.push_back(n.unlogged ? "unlogged (rewrites it)" : "logged (rewrites it)");
    }
    if (t.row_security != n.row_security) {
      st.push_back(table + (n.row_security ? " ENABLE" : " DISABLE") + " ROW LEVEL SECURITY");
      what.push_back(n.row_security ? "row security on" : "row security off");
    }
    if (t.force_row_security != n.force_row_security) {
      st.push_back(table + (n.force_row_security ? " FORCE" : " NO FORCE") + " ROW LEVEL SECURITY");
      what.push_back(n.force_row_security ? "row security forced" : "row security not forced");
    }
    if (t.options != n.options) {
      // SET appends new keys after the kept ones; to end in `to`'s order
      // (pg_dump prints them in it), reset what is there first.
      std::vector<std::string> reset;
      for (const auto& [key, value] : OptionMap(t.options)) reset.push_back(key);
      if (!reset.empty()) st.push_back(table + " RESET (" + Join(reset, ", ") + ")");
      if (!n.options.empty()) st.push_back(table + " SET (" + PostgresOptionList(n.options) + ")");
      what.push_back("storage parameters");
    }
    bool index_identity = !n.replica_identity.empty() && n.replica_identity != "FULL" && n.replica_identity != "NOTHING";
    if (t.replica_identity != n.replica_identity && !index_identity) {
      st.push_back(table + " REPLICA IDENTITY " + (n.replica_identity.empty() ? "DEFAULT" : n.replica_identity));
      what.push_back("replica identity");
    }
    if (!t.cluster_on.empty() && n.cluster_on.empty()) {
      st.push_back(table + " SET WITHOUT CLUSTER");
      what.push_back("no cluster index");
    }
    if (!st.empty()) Emit("alter table " + show + ": " + Join(what, ", "), std::move(st));
  }
}

// REPLICA IDENTITY USING INDEX and CLUSTER ON, once the indexes exist.
void PgDiff::EmitTableIndexSettings() {
  for (const auto& n : b_.tables) {
    const Table* t = Fresh(Id(n)) ? nullptr : FindTableA(Id(n));
    Table wanted = n;
    if (t != nullptr) {
      // Only what changes (an index recreated under the same name loses both).
      bool identity_index_new = dropped_indexes_.count(Id(n.schema, n.replica_identity)) > 0;
      bool cluster_index_new = dropped_indexes_.count(Id(n.schema, n.cluster_on)) > 0;
      if (t->replica_identity == n.replica_identity && !identity_index_new) wanted.replica_identity.clear();
      if (t->cluster_on == n.cluster_on && !cluster_index_new) wanted.cluster_on.clear();
    }
    std::vector<std::string> st = PostgresTableIndexSettings(wanted);
    if (!st.empty()) Emit("set replica identity / cluster index of " + Show(n.schema, n.name), std::move(st));
  }
}

void PgDiff::EmitInheritance(bool add) {
  for (const auto& t : a_.tables) {
    if (Gone(Id(t))) continue;
    const Table& n = *FindIn(b_.tables, t.schema, t.name);
    std::string table = "ALTER TABLE " + QuoteQualified(t.schema, t.name);
    if (!add) {
      for (const auto& p : t.inherits) {
        if (std::find(n.inherits.begin(), n.inherits.end(), p) != n.inherits.end()) continue;
        Emit("detach " + Show(t.schema, t.name) + " from parent " + Show(p.schema, p.name),
             {table + " NO INHERIT " + QuoteQualified(p.schema, p.name)});
      }
      continue;
    }
    for (const auto& p : n.inherits) {
      if (std::find(t.inherits.begin(), t.inherits.end(), p) != t.inherits.end()) continue;
      Emit("make " + Show(t.schema, t.name) + " inherit from " + Show(p.schema, p.name),
           {table + " INHERIT " + QuoteQualified(p.schema, p.name)});
      for (const auto& c : n.columns) {
        const Column* old = t.FindColumn(c.name);
        if (c.inherited && (old == nullptr || !old->inherited)) {
          Note("column " + Show(t.schema, t.name) + "." + c.name + " stays declared by " + t.name +
               " itself: PostgreSQL keeps a column a table declared when it starts to inherit it (pg_dump lists it "
               "in the table's CREATE TABLE); recreate the table to match exactly");
        }
      }
    }
  }
}

bool PgDiff::ParentGives(const Table& from, const Table& to, const std::string& column) const {
  for (const auto& p : to.inherits) {
    if (std::find(from.inherits.begin(), from.inherits.end(), p) == from.inherits.end()) continue;
    const Table* parent = FindIn(b_.tables, p.schema, p.name);
    if (parent != nullptr && parent->FindColumn(column) != nullptr) return true;
  }
  return false;
}

bool PgDiff::IsEnum(const Schema& s, const std::string& type) const {
  for (const auto& e : s.enums) {
    bool array = false;
    if (TypeIs(type, e.schema, e.name, &array) && !array) return true;
  }
  return false;
}

// SET STORAGE / COMPRESSION / STATISTICS of a kept column.
void PgDiff::AlterColumnStorage(const Table& t, const Column& a, const Column& b, std::vector<std::string>* st,
                                std::vector<std::string>* what) {
  std::string col = "ALTER TABLE " + QuoteQualified(t.schema, t.name) + " ALTER COLUMN " + Q(a.name);
  if (a.storage != b.storage) {
    // PostgreSQL 15 has no SET STORAGE DEFAULT: fixed-size types store PLAIN,
    // the others EXTENDED.
    static const std::set<std::string> kFixed = {"smallint", "integer", "bigint", "real", "double precision",
                                                 "boolean", "date", "timestamp without time zone",
                                                 "timestamp with time zone", "uuid", "time without time zone"};
    std::string storage = b.storage.empty() ? (kFixed.count(b.type) ? "PLAIN" : "EXTENDED") : b.storage;
    st->push_back(col + " SET STORAGE " + storage);
    what->push_back("storage " + storage);
  }
  if (a.compression != b.compression) {
    st->push_back(col + " SET COMPRESSION " + (b.compression.empty() ? "default" : b.compression));
    what->push_back("compression " + (b.compression.empty() ? "default" : b.compression));
  }
  if (a.statistics != b.statistics) {
    st->push_back(col + " SET STATISTICS " + std::to_string(b.statistics));
    what->push_back("statistics " + std::to_string(b.statistics));
  }
}

// The options of a column that stays an identity column.
void PgDiff::AlterIdentity(const Table& t, const Column& a, const Column& b, std::vector<std::string>* st,
                           std::vector<std::string>* what) {
  if (a.identity == Identity::kNone || b.identity == Identity::kNone || a.identity_options == b.identity_options) return;
  auto before = IdentityOptionMap(a.identity_options), after = IdentityOptionMap(b.identity_options);
  // Each option that changes, or returns to its default.
  static const std::map<std::string, std::string> kDefault = {{"START WITH", "START WITH 1"},
                                                              {"INCREMENT BY", "INCREMENT BY 1"},
                                                              {"MINVALUE", "NO MINVALUE"},
                                                              {"MAXVALUE", "NO MAXVALUE"},
                                                              {"CACHE", "CACHE 1"},
                                                              {"CYCLE", "NO CYCLE"}};
  std::string sets;
  for (const auto& [key, reset] : kDefault) {
    auto was = before.find(key), is = after.find(key);
    if (is != after.end() && (was == before.end() || was->second != is->second)) {
      sets += " SET " + key + (is->second.empty() ? "" : " " + is->second);
    } else if (is == after.end() && was != before.end()) {
      sets += " SET " + reset;
    }
  }
  if (before.count("SEQUENCE NAME") || after.count("SEQUENCE NAME")) {
    Note("identity sequence of " + Show(t.schema, t.name) + "." + a.name +
         ": its name is not changed (ALTER SEQUENCE ... RENAME TO does that)");
  }
  if (sets.empty()) return;
  st->push_back("ALTER TABLE " + QuoteQualified(t.schema, t.name) + " ALTER COLUMN " + Q(a.name) + sets);
  what->push_back("identity options");
}

void PgDiff::EmitTriggerStates() {
  for (const auto& tr : b_.triggers) {
    const Trigger* old = FindTrigger(a_.triggers, tr);
    bool created = old == nullptr || dropped_triggers_.count(old) || Fresh(Id(tr.schema, tr.table)) ||
                   ViewGone(Id(tr.schema, tr.table));
    std::string before = created ? "" : old->enabled;
    if (before == tr.enabled) continue;
    Trigger wanted = tr;
    if (wanted.enabled.empty()) wanted.enabled = "ENABLE";
    Emit("set trigger " + tr.name + " on " + Show(tr.schema, tr.table) + " to " + wanted.enabled,
         {PostgresTriggerEnabled(wanted)});
  }
}

}  // namespace strata::schema::detail
