#include "driver/postgres/postgres_inspect.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <map>
#include <string>
#include <utility>

namespace strata::driver {

namespace {

using schema::Schema;

// Every catalog query filters namespaces the same way: the system ones are
// PostgreSQL's, not the application's.
constexpr const char* kUserNamespace = "n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'";

// Objects that belong to an extension come and go with CREATE EXTENSION; they
// are not the application's. `cls` is the catalog ("pg_proc"), `oid` the
// object's oid expression.
std::string NotInExtension(const char* cls, const char* oid) {
  return std::string(" AND NOT EXISTS (SELECT 1 FROM pg_depend ext WHERE ext.classid = '") + cls +
         "'::regclass AND ext.objid = " + oid + " AND ext.deptype = 'e')";
}

// Lists come back as one text value joined by \x01, a byte no identifier or
// enum label contains in practice, which keeps each query one round trip
// without parsing PostgreSQL array literals.
constexpr char kSep = '\x01';

std::string Text(const Row& row, size_t i) { return i < row.size() && row[i] ? *row[i] : std::string(); }
bool Bool(const Row& row, size_t i) { return Text(row, i) == "t"; }
// pg_sequence numbers; from_chars rather than stoll, which throws.
int64_t Int(const Row& row, size_t i) {
  std::string text = Text(row, i);
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}
bool IsNull(const Row& row, size_t i) { return i >= row.size() || !row[i]; }

std::vector<std::string> SplitList(const Row& row, size_t i) {
  std::vector<std::string> out;
  if (IsNull(row, i)) return out;
  const std::string& s = *row[i];
  size_t start = 0;
  for (size_t pos; (pos = s.find(kSep, start)) != std::string::npos; start = pos + 1) out.push_back(s.substr(start, pos - start));
  out.push_back(s.substr(start));
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Folds runs of whitespace outside quotes to one blank and trims, so that
// pg_get_viewdef's pretty layout does not leak into the canonical text.
std::string FoldWhitespace(std::string_view text) {
  std::string out;
  char quote = 0;
  bool pending_space = false;
  for (char c : text) {
    if (quote == 0 && std::isspace(static_cast<unsigned char>(c))) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    if (quote == 0 && (c == '\'' || c == '"')) {
      quote = c;
    } else if (quote == c) {
      quote = 0;
    }
    out += c;
  }
  return out;
}

// pg_get_functiondef ends with a newline and, for some bodies, a ';'.
std::string TrimDefinition(std::string text) {
  while (!text.empty() && (std::isspace(static_cast<unsigned char>(text.back())) || text.back() == ';')) text.pop_back();
  return text;
}

std::string Qualified(const std::string& nsp, const std::string& name) { return QuoteIdent(nsp) + "." + QuoteIdent(name); }

schema::FkAction FkActionFromCode(const std::string& code) {
  if (code == "r") return schema::FkAction::kRestrict;
  if (code == "c") return schema::FkAction::kCascade;
  if (code == "n") return schema::FkAction::kSetNull;
  if (code == "d") return schema::FkAction::kSetDefault;
  return schema::FkAction::kNoAction;
}

struct Inspector {
  Connection& conn;
  const std::vector<std::string>& exclude;
  Schema out;
  std::map<std::string, size_t> table_by_oid;  // pg_class oid -> index in out.tables
  std::vector<std::string> excluded_schemas;   // schemas of the tables left out
  std::map<size_t, std::string> parent_oid;    // partition's index in out.tables -> parent's oid

  Result<Rows> Q(const std::string& sql) {
    auto rows = conn.Query(sql);
    if (!rows.ok()) return rows.status().With("inspecting the PostgreSQL schema");
    return rows;
  }

  bool Excluded(const std::string& table) const {
    std::string lower = Lower(table);
    return std::any_of(exclude.begin(), exclude.end(), [&](const std::string& e) { return Lower(e) == lower; });
  }

  schema::Table* TableOf(const Row& row, size_t i) {
    auto it = table_by_oid.find(Text(row, i));
    return it == table_by_oid.end() ? nullptr : &out.tables[it->second];
  }

  Status Schemas() {
    auto rows = Q(std::string("SELECT n.nspname FROM pg_namespace n WHERE ") + kUserNamespace +
                  " AND n.nspname <> 'public' ORDER BY 1");
    if (!rows.ok()) return rows.status();
    for (const Row& r : rows->rows) out.schemas.push_back(Text(r, 0));
    return Status::Ok();
  }

  Status Enums() {
    auto rows = Q(std::string(
                      "SELECT n.nspname, t.typname, (SELECT string_agg(e.enumlabel, E'\\x01' ORDER BY e.enumsortorder)"
                      " FROM pg_enum e WHERE e.enumtypid = t.oid)"
                      " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'e' AND ") +
                  kUserNamespace + NotInExtension("pg_type", "t.oid"));
    if (!rows.ok()) return rows.status();
    for (const Row& r : rows->rows) out.enums.push_back({Text(r, 0), Text(r, 1), SplitList(r, 2)});
    return Status::Ok();
  }

  // Ordinary and partitioned tables, and partitions with their parent and bound.
  Status Tables() {
    auto rows = Q(std::string(
                      "SELECT c.oid, n.nspname, c.relname, pg_get_partkeydef(c.oid), pi.inhparent, pn.nspname, pc.relname,"
                      " pg_get_expr(c.relpartbound, c.oid)"
                      " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                      " LEFT JOIN pg_inherits pi ON c.relispartition AND pi.inhrelid = c.oid"
                      " LEFT JOIN pg_class pc ON pc.oid = pi.inhparent LEFT JOIN pg_namespace pn ON pn.oid = pc.relnamespace"
                      " WHERE c.relkind IN ('r', 'p') AND ") +
                  kUserNamespace + NotInExtension("pg_class", "c.oid") + " ORDER BY n.nspname, c.relname");
    if (!rows.ok()) return rows.status();
    for (const Row& r : rows->rows) {
      if (Excluded(Text(r, 2))) {
        excluded_schemas.push_back(Text(r, 1));
        continue;
      }
      table_by_oid[Text(r, 0)] = out.tables.size();
      schema::Table t;
      t.schema = Text(r, 1);
      t.name = Text(r, 2);
      t.partition_by = Text(r, 3);
      if (!IsNull(r, 4)) {
        parent_oid[out.tables.size()] = Text(r, 4);
        t.partition_of_schema = Text(r, 5);
        t.partition_of = Text(r, 6);
        t.partition_bound = Text(r, 7);
      }
      out.tables.push_back(std::move(t));
    }
    return Status::Ok();
  }

  Status Columns() {
    auto rows = Q(std::string(
                      "SELECT a.attrelid, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
                      " pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,"
                      " CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN co.collname END"
                      " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                      " JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid"
                      " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                      " LEFT JOIN pg_collation co ON co.oid = a.attcollation"
                      " WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND ") +
                  kUserNamespace + " ORDER BY a.attrelid, a.attnum");
    if (!rows.ok()) return rows.status();
    for (const Row& r : rows->rows) {
      schema::Table* t = TableOf(r, 0);
      if (t == nullptr) continue;
      schema::Column c;
      c.name = Text(r, 1);
      c.type = Text(r, 2);
      c.not_null = Bool(r, 3);
      c.collation = Text(r, 7);
      std::string identity = Text(r, 5);
      if (identity == "a") c.identity = schema::Identity::kAlways;
      if (identity == "d") c.identity = schema::Identity::kByDefault;
      if (!IsNull(r, 4)) {
        if (Text(r, 6) == "s") {
          c.generated_expr = Text(r, 4);
          c.generated_stored = true;
        } else {
          c.default_expr = Text(r, 4);
        }
      }
      t->columns.push_back(std::move(c));
    }
    return Status::Ok();
  }

  // A partition's columns all come from its parent (PARTITION OF cannot add
  // any); what it may have of its own is NOT NULL or a default. Only columns
  // that differ in those are kept, and rendered WITH OPTIONS. A partition
  // that lacks its parent's default (ATTACH PARTITION of a table without it)
  // is not represented: PARTITION OF would copy the default anyway.
  // Runs before Sequences(), while serial defaults are still nextval text.
  void KeepOwnPartitionColumns() {
    for (const auto& [index, parent] : parent_oid) {
      auto it = table_by_oid.find(parent);
      if (it == table_by_oid.end()) continue;
      const schema::Table& p = out.tables[it->second];
      std::erase_if(out.tables[index].columns, [&](const schema::Column& c) {
        const schema::Column* pc = p.FindColumn(c.name);
        if (pc == nullptr) return false;
        bool own_not_null = c.not_null && !pc->not_null;
        bool own_default = c.default_expr && c.default_expr != pc->default_expr;
        return !own_not_null && !own_default;
      });
    }
  }

  Status Constraints() {
    // Key columns in key order, by name.
    auto cols = [](const char* keys, const char* rel) {
      return std::string("(SELECT string_agg(a.attname, E'\\x01' ORDER BY k.ord) FROM unnest(con.") + keys +
             ") WITH ORDINALITY AS k(num, ord) JOIN pg_attribute a ON a.attrelid = con." + rel +
             " AND a.attnum = k.num)";
    };
    auto rows = Q("SELECT con.conrelid, con.conname, con.contype, " + cols("conkey", "conrelid") + ", rn.nspname, rc.relname, " +
                  cols("confkey", "confrelid") +
                  ", con.confupdtype, con.confdeltype, con.condeferrable, con.condeferred, con.convalidated,"
                  " pg_get_expr(con.conbin, con.conrelid), pg_get_constraintdef(con.oid), con.coninhcount"
                  " FROM pg_constraint con LEFT JOIN pg_class rc ON rc.oid = con.confrelid"
                  " LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace"
                  // A clone (conparentid) is what a constraint on a partitioned
                  // table creates on each partition, or what a foreign key to a
                  // partitioned table creates per partition: the parent's.
                  " WHERE con.contype IN ('p', 'u', 'c', 'f', 'x') AND con.conrelid <> 0 AND con.conparentid = 0"
                  " ORDER BY con.conrelid, con.conname");
    if (!rows.ok()) return rows.status();
    for (const Row& r : rows->rows) {
      schema::Table* t = TableOf(r, 0);
      if (t == nullptr) continue;
      std::string type = Text(r, 2);
      // A partition's inherited checks come back with PARTITION OF.
      if (type == "c" && !t->partition_of.empty() && Int(r, 14) > 0) continue;
      if (type == "x") {
        t->exclusions.push_back({Text(r, 1), Text(r, 13)});
      } else if (type == "p") {
        t->primary_key = schema::PrimaryKey{Text(r, 1), SplitList(r, 3), false};
      } else if (type == "u") {
        t->uniques.push_back({Text(r, 1), SplitList(r, 3)});
      } else if (type == "c") {
        t->checks.push_back({Text(r, 1), Text(r, 12), !Bool(r, 11)});
      } else {
        schema::ForeignKey fk;
        fk.name = Text(r, 1);
        fk.columns = SplitList(r, 3);
        fk.ref_schema = Text(r, 4);
        fk.ref_table = Text(r, 5);
        fk.ref_columns = SplitList(r, 6);
        fk.on_update = FkActionFromCode(Text(r, 7));
        fk.on_delete = FkActionFromCode(Text(r, 8));
        fk.deferrable = Bool(r, 9);
        fk.initially_deferred = Bool(r, 10);
        fk.not_valid = !Bool(r, 11);
        t->foreign_keys.push_back(std::move(fk));
      }
    }
    return Status::Ok();
  }

  // Sequences; and serial columns, whose owned sequence is implied by the type.
  Status Sequences() {
    auto rows = Q(std::string(
                      "SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,"
                      " c.oid::regclass::text, dep.deptype, dep.refobjid, tn.nspname, tc.relname, a.attname"
                      " FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid"
                      " JOIN pg_namespace n ON n.oid = c.relnamespace"
                      " LEFT JOIN pg_depend dep ON dep.classid = 'pg_class'::regclass AND dep.objid = c.oid"
                      "  AND dep.refclassid = 'pg_class'::regclass AND dep.deptype IN ('a', 'i')"
                      " LEFT JOIN pg_class tc ON tc.oid = dep.refobjid"
                      " LEFT JOIN pg_namespace tn ON tn.oid = tc.relnamespace"
                      " LEFT JOIN pg_attribute a ON a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid WHERE ") +
                  kUserNamespace + NotInExtension("pg_class", "c.oid"));
    if (!rows.ok()) return rows.status();
    for (const Row& r : rows->rows) {
      std::string deptype = Text(r, 6);
      if (deptype == "i") continue;  // an identity column's own sequence
      schema::Sequence seq;
      seq.schema = Text(r, 0);
      seq.name = Text(r, 1);
      seq.type = Text(r, 2);
      seq.start = Int(r, 3);
      seq.increment = Int(r, 4);
      if (deptype == "a") {
        if (Excluded(Text(r, 9))) continue;
        schema::Table* t = TableOf(r, 7);
        if (t != nullptr && ToSerial(*t, Text(r, 10), Text(r, 5))) continue;
        seq.owned_by = Qualified(Text(r, 8), Text(r, 9)) + "." + QuoteIdent(Text(r, 10));
      }
      out.sequences.push_back(std::move(seq));
    }
    return Status::Ok();
  }

  // A column that owns `sequence` and defaults to its nextval is what serial
  // creates; reported as serial so that the rendered DDL recreates both.
  static bool ToSerial(schema::Table& t, const std::string& column, const std::string& sequence) {
    for (auto& c : t.columns) {
      if (c.name != column || c.default_expr != "nextval(" + QuoteLiteral(sequence) + "::regclass)") continue;
      static const std::map<std::string, std::string> kSerial = {
          {"integer", "serial"}, {"bigint", "bigserial"}, {"smallint", "smallserial"}};
      auto it = kSerial.find(c.type);
      if (it == kSerial.end()) return false;
      c.type = it->second;
      c.default_expr.reset();
      return true;
    }
    return false;
  }

  Status Views(std::map<std::string, std::string>& views_by_oid) {
    auto rows = Q(std::string(
                      "SELECT c.oid, n.nspname, c.relname, c.relkind, pg_get_viewdef(c.oid, true),"
                      " (SELECT string_agg(DISTINCT dn.nspname || '.' || dc.relname, E'\\x01')"
                      "  FROM pg_rewrite rw JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = rw.oid"
                      "   AND d.refclassid = 'pg_class'::regclass"
                      "  JOIN pg_class dc ON dc.oid = d.refobjid JOIN pg_namespace dn ON dn.oid = dc.relnamespace"
                      "  WHERE rw.ev_class = c.oid AND dc.oid <> c.oid AND dc.relkind IN ('v', 'm'))"
                      " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND ") +
                  kUserNamespace + NotInExtension("pg_class", "c.oid"));
    if (!rows.ok()) return rows.status();
    for (const Row& r : rows->rows) {
      schema::View v;
      v.schema = Text(r, 1);
      v.name = Text(r, 2);
      v.materialized = Text(r, 3) == "m";
      std::string body = FoldWhitespace(Text(r, 4));
      while (!body.empty() && body.back() == ';') body.pop_back();
      v.sql = std::string(v.materialized ? "CREATE MATERIALIZED VIEW " : "CREATE VIEW ") + Qualified(v.schema, v.name) +
              " AS " + body;
      v.depends_on = SplitList(r, 5);
      std::sort(v.depends_on.begin(), v.depends_on.end());
      views_by_oid[Text(r, 0)] = v.schema + "." + v.name;
      out.views.push_back(std::move(v));
    }
    return Status::Ok();
  }

  Status Indexes(const std::map<std::string, std::string>& views_by_oid) {
    // Indexes of primary key, unique and exclusion constraints belong to the
    // constraint (a foreign key's conindid is the referenced index: not ours).
    auto rows = Q(std::string(
                      "SELECT i.indrelid, n.nspname, ic.relname, i.indisunique, pg_get_indexdef(i.indexrelid),"
                      " pg_get_expr(i.indpred, i.indrelid), tc.relname,"
                      " (SELECT string_agg(CASE WHEN i.indoption[k - 1] & 1 = 1 THEN 'd' ELSE 'a' END ||"
                      "   CASE WHEN i.indkey[k - 1] = 0 THEN 'e' || pg_get_indexdef(i.indexrelid, k, true)"
                      "   ELSE 'c' || (SELECT attname FROM pg_attribute WHERE attrelid = i.indrelid"
                      "    AND attnum = i.indkey[k - 1]) END, E'\\x01' ORDER BY k)"
                      "  FROM generate_series(1, i.indnkeyatts) AS k), tc.relkind"
                      " FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
                      " JOIN pg_namespace n ON n.oid = ic.relnamespace JOIN pg_class tc ON tc.oid = i.indrelid"
                      " WHERE tc.relkind IN ('r', 'p', 'm') AND NOT EXISTS (SELECT 1 FROM pg_constraint con"
                      "  WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x'))"
                      // A partition's index attached to its parent's is created
                      // by the parent's CREATE INDEX.
                      " AND NOT EXISTS (SELECT 1 FROM pg_inherits ih WHERE ih.inhrelid = i.indexrelid) AND ") +
                  kUserNamespace);
    if (!rows.ok()) return rows.status();
    for (const Row& r : rows->rows) {
      if (TableOf(r, 0) == nullptr && views_by_oid.count(Text(r, 0)) == 0) continue;
      schema::Index idx;
      idx.schema = Text(r, 1);
      idx.name = Text(r, 2);
      idx.table = Text(r, 6);
      idx.unique = Bool(r, 3);
      idx.definition = Text(r, 4);
      // pg_get_indexdef says ON ONLY for a partitioned table's index, which
      // would leave the partitions unindexed and the index invalid.
      if (Text(r, 8) == "p") {
        size_t only = idx.definition.find(" ON ONLY ");
        if (only != std::string::npos) idx.definition.erase(only + 3, 5);
      }
      idx.where = Text(r, 5);
      for (const std::string& part : SplitList(r, 7)) {
        if (part.size() < 2) continue;
        schema::IndexPart p;
        p.desc = part[0] == 'd';
        (part[1] == 'e' ? p.expr : p.column) = part.substr(2);
        idx.parts.push_back(std::move(p));
      }
      out.indexes.push_back(std::move(idx));
    }
    return Status::Ok();
  }

  // Extensions outside pg_catalog (plpgsql lives there and is always present).
  Status Extensions() {
    auto rows = Q(std::string("SELECT e.extname, n.nspname FROM pg_extension e"
                              " JOIN pg_namespace n ON n.oid = e.extnamespace WHERE ") +
                  kUserNamespace);
    if (!rows.ok()) return rows.status();
    for (const Row& r : rows->rows) out.extensions.push_back({Text(r, 0), Text(r, 1)});
    return Status::Ok();
  }

  Status Domains() {
    auto rows = Q(std::string(
                      "SELECT t.oid, n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull,"
                      " t.typdefault, CASE WHEN t.typcollation <> 0 AND t.typcollation <> bt.typcollation"
                      " THEN co.collname END"
                      " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
                      " JOIN pg_type bt ON bt.oid = t.typbasetype"
                      " LEFT JOIN pg_collation co ON co.oid = t.typcollation WHERE t.typtype = 'd' AND ") +
                  kUserNamespace + NotInExtension("pg_type", "t.oid"));
    if (!rows.ok()) return rows.status();
    std::map<std::string, size_t> by_oid;
    for (const Row& r : rows->rows) {
      schema::Domain d;
      d.schema = Text(r, 1);
      d.name = Text(r, 2);
      d.type = Text(r, 3);
      d.not_null = Bool(r, 4);
      if (!IsNull(r, 5)) d.default_expr = Text(r, 5);
      d.collation = Text(r, 6);
      by_oid[Text(r, 0)] = out.domains.size();
      out.domains.push_back(std::move(d));
    }
    auto checks = Q("SELECT con.contypid, con.conname, pg_get_expr(con.conbin, 0), con.convalidated"
                    " FROM pg_constraint con WHERE con.contypid <> 0 AND con.contype = 'c'");
    if (!checks.ok()) return checks.status();
    for (const Row& r : checks->rows) {
      auto it = by_oid.find(Text(r, 0));
      if (it != by_oid.end()) out.domains[it->second].checks.push_back({Text(r, 1), Text(r, 2), !Bool(r, 3)});
    }
    return Status::Ok();
  }

  // Functions and procedures; aggregates and window functions are not read
  // (pg_get_functiondef cannot print them).
  Status Routines() {
    auto rows = Q(std::string(
                      "SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid), p.prokind,"
                      " pg_get_functiondef(p.oid)"
                      " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind IN ('f', 'p') AND ") +
                  kUserNamespace + NotInExtension("pg_proc", "p.oid"));
    if (!rows.ok()) return rows.status();
    for (const Row& r : rows->rows) {
      out.routines.push_back({Text(r, 0), Text(r, 1), Text(r, 2), Text(r, 3) == "p", TrimDefinition(Text(r, 4))});
    }
    return Status::Ok();
  }

  // Triggers on the tables and views read. Internal ones (foreign keys,
  // deferred uniques) belong to their constraint; a partition's clone of its
  // parent's trigger (tgparentid) comes back with PARTITION OF.
  Status Triggers(const std::map<std::string, std::string>& views_by_oid) {
    auto rows = Q(std::string("SELECT t.tgrelid, n.nspname, t.tgname, c.relname, pg_get_triggerdef(t.oid)"
                              " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                              " JOIN pg_namespace n ON n.oid = c.relnamespace"
                              " WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND ") +
                  kUserNamespace + " ORDER BY n.nspname, t.tgname, c.relname");  // names are per table
    if (!rows.ok()) return rows.status();
    for (const Row& r : rows->rows) {
      if (TableOf(r, 0) == nullptr && views_by_oid.count(Text(r, 0)) == 0) continue;
      out.triggers.push_back({Text(r, 1), Text(r, 2), Text(r, 3), Text(r, 4)});
    }
    return Status::Ok();
  }

  // COMMENT ON targets, one UNION arm per catalog. Each row: kind, schema,
  // name, sub-name (column, constraint, trigger), argument types, the oid of
  // the table or view the object hangs on (must be one read), text.
  static std::string CommentsQuery() {
    std::string ns = std::string(" AND ") + kUserNamespace;
    return
        // Tables, views, indexes, sequences and columns. A partition's index
        // attached to its parent's is not listed (it is recreated by name).
        "SELECT CASE WHEN d.objsubid > 0 THEN 'COLUMN' WHEN c.relkind IN ('r', 'p') THEN 'TABLE'"
        "  WHEN c.relkind = 'v' THEN 'VIEW' WHEN c.relkind = 'm' THEN 'MATERIALIZED VIEW'"
        "  WHEN c.relkind IN ('i', 'I') THEN 'INDEX' ELSE 'SEQUENCE' END,"
        " n.nspname, c.relname, a.attname, NULL,"
        " CASE WHEN c.relkind IN ('i', 'I') THEN ix.indrelid WHEN c.relkind = 'S' THEN"
        "  (SELECT sd.refobjid FROM pg_depend sd WHERE sd.classid = 'pg_class'::regclass AND sd.objid = c.oid"
        "   AND sd.refclassid = 'pg_class'::regclass AND sd.deptype IN ('a', 'i') LIMIT 1)"
        "  ELSE c.oid END::text, d.description"
        " FROM pg_description d JOIN pg_class c ON d.classoid = 'pg_class'::regclass AND d.objoid = c.oid"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " LEFT JOIN pg_attribute a ON d.objsubid > 0 AND a.attrelid = c.oid AND a.attnum = d.objsubid"
        " LEFT JOIN pg_index ix ON ix.indexrelid = c.oid"
        " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'i', 'I', 'S')"
        " AND NOT EXISTS (SELECT 1 FROM pg_inherits ih WHERE ih.inhrelid = c.oid AND c.relkind IN ('i', 'I'))" +
        ns + NotInExtension("pg_class", "c.oid") +
        // Enum types and domains.
        " UNION ALL SELECT CASE WHEN t.typtype = 'd' THEN 'DOMAIN' ELSE 'TYPE' END, n.nspname, t.typname, NULL,"
        " NULL, NULL, d.description"
        " FROM pg_description d JOIN pg_type t ON d.classoid = 'pg_type'::regclass AND d.objoid = t.oid"
        " JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype IN ('e', 'd')" +
        ns + NotInExtension("pg_type", "t.oid") +
        // Functions and procedures, by argument types (the form COMMENT ON
        // accepts for both).
        " UNION ALL SELECT CASE WHEN p.prokind = 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, n.nspname, p.proname,"
        " NULL, oidvectortypes(p.proargtypes), NULL, d.description"
        " FROM pg_description d JOIN pg_proc p ON d.classoid = 'pg_proc'::regclass AND d.objoid = p.oid"
        " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind IN ('f', 'p')" +
        ns + NotInExtension("pg_proc", "p.oid") +
        // Schemas; public's stock comment comes with every database.
        " UNION ALL SELECT 'SCHEMA', NULL, n.nspname, NULL, NULL, NULL, d.description"
        " FROM pg_description d JOIN pg_namespace n ON d.classoid = 'pg_namespace'::regclass AND d.objoid = n.oid"
        " WHERE NOT (n.nspname = 'public' AND d.description = 'standard public schema')" +
        ns +
        // Constraints of tables and of domains (not partitions' clones).
        " UNION ALL SELECT CASE WHEN con.contypid <> 0 THEN 'DOMAIN CONSTRAINT' ELSE 'CONSTRAINT' END, n.nspname,"
        " coalesce(rel.relname, typ.typname), con.conname, NULL, nullif(con.conrelid, 0)::text, d.description"
        " FROM pg_description d JOIN pg_constraint con ON d.classoid = 'pg_constraint'::regclass AND d.objoid = con.oid"
        " JOIN pg_namespace n ON n.oid = con.connamespace LEFT JOIN pg_class rel ON rel.oid = con.conrelid"
        " LEFT JOIN pg_type typ ON typ.oid = con.contypid WHERE con.conparentid = 0" +
        ns + NotInExtension("pg_type", "con.contypid") +
        // Triggers.
        " UNION ALL SELECT 'TRIGGER', n.nspname, c.relname, tg.tgname, NULL, tg.tgrelid::text, d.description"
        " FROM pg_description d JOIN pg_trigger tg ON d.classoid = 'pg_trigger'::regclass AND d.objoid = tg.oid"
        " JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE NOT tg.tgisinternal AND tg.tgparentid = 0" +
        ns +
        // Extensions, unless the comment is the one CREATE EXTENSION sets
        // from the control file.
        " UNION ALL SELECT 'EXTENSION', NULL, e.extname, NULL, NULL, NULL, d.description"
        " FROM pg_description d JOIN pg_extension e ON d.classoid = 'pg_extension'::regclass AND d.objoid = e.oid"
        " JOIN pg_namespace n ON n.oid = e.extnamespace WHERE d.description IS DISTINCT FROM"
        " (SELECT ae.comment FROM pg_available_extensions ae WHERE ae.name = e.extname)" +
        ns;
  }

  Status Comments(const std::map<std::string, std::string>& views_by_oid) {
    auto rows = Q(CommentsQuery());
    if (!rows.ok()) return rows.status();
    for (const Row& r : rows->rows) {
      if (!IsNull(r, 5) && TableOf(r, 5) == nullptr && views_by_oid.count(Text(r, 5)) == 0) continue;
      std::string kind = Text(r, 0);
      std::string target = Qualified(Text(r, 1), Text(r, 2));
      std::string object;
      if (kind == "COLUMN") {
        object = "COLUMN " + target + "." + QuoteIdent(Text(r, 3));
      } else if (kind == "FUNCTION" || kind == "PROCEDURE") {
        object = kind + " " + target + "(" + Text(r, 4) + ")";
      } else if (kind == "SCHEMA" || kind == "EXTENSION") {
        object = kind + " " + QuoteIdent(Text(r, 2));
      } else if (kind == "CONSTRAINT" || kind == "TRIGGER") {
        object = kind + " " + QuoteIdent(Text(r, 3)) + " ON " + target;
      } else if (kind == "DOMAIN CONSTRAINT") {
        object = "CONSTRAINT " + QuoteIdent(Text(r, 3)) + " ON DOMAIN " + target;
      } else {
        object = kind + " " + target;
      }
      out.comments.push_back({std::move(object), Text(r, 6)});
    }
    return Status::Ok();
  }

  // A schema that held nothing but strata's own tables (config `schema =
  // "ops"`) is bookkeeping too, not part of the application schema.
  void DropBookkeepingSchemas() {
    auto used = [&](const std::string& nsp) {
      auto in = [&](const auto& items) {
        return std::any_of(items.begin(), items.end(), [&](const auto& i) { return i.schema == nsp; });
      };
      return in(out.tables) || in(out.views) || in(out.enums) || in(out.sequences) || in(out.indexes) ||
             in(out.domains) || in(out.routines) || in(out.extensions);
    };
    std::erase_if(out.schemas, [&](const std::string& nsp) {
      return std::find(excluded_schemas.begin(), excluded_schemas.end(), nsp) != excluded_schemas.end() && !used(nsp);
    });
  }
};

}  // namespace

Result<Schema> InspectPostgres(Connection& conn, const std::vector<std::string>& exclude_tables) {
  Inspector in{conn, exclude_tables, {}, {}, {}, {}};
  std::map<std::string, std::string> views_by_oid;
  // Order matters: columns and constraints attach to the tables read first,
  // partitions drop inherited columns before sequences rewrite serial
  // columns, indexes, triggers and comments need tables and views.
  Status s = in.Schemas();
  if (s.ok()) s = in.Extensions();
  if (s.ok()) s = in.Enums();
  if (s.ok()) s = in.Domains();
  if (s.ok()) s = in.Tables();
  if (s.ok()) s = in.Columns();
  if (s.ok()) in.KeepOwnPartitionColumns();
  if (s.ok()) s = in.Constraints();
  if (s.ok()) s = in.Sequences();
  if (s.ok()) s = in.Views(views_by_oid);
  if (s.ok()) s = in.Indexes(views_by_oid);
  if (s.ok()) s = in.Routines();
  if (s.ok()) s = in.Triggers(views_by_oid);
  if (s.ok()) s = in.Comments(views_by_oid);
  if (!s.ok()) return s;
  in.DropBookkeepingSchemas();
  schema::Canonicalize(in.out);
  for (auto& t : in.out.tables) {
    // pg_constraint has no declaration order; by name is stable.
    std::sort(t.checks.begin(), t.checks.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  }
  return std::move(in.out);
}

}  // namespace strata::driver
